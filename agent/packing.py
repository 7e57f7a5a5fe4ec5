"""Long stored text, compressed when it pays: DEFLATE with a preset dictionary of our own wording,
so a draft body that is mostly the playbook's sentences costs ~15 % of its size, and a triage's
JSON about a third. Drafts' bodies and escalations' triage and SLA plan are stored packed; read
them through the Store (or `unpack`), never with json_extract.

A packed value is a BLOB: one byte naming the dictionary, then raw DEFLATE against it. Text
under MIN_CHARS, or text that would not shrink, stays TEXT. `unpack` takes either, so rows written
before packing read unchanged. A dictionary, once used, never changes: new wording gets a new
version (old rows keep decoding with theirs).
"""

from __future__ import annotations

import zlib

MIN_CHARS = 200
VERSION = 1
# Sentences of the message templates (prompts/messages/*.j2) as rendered: what drafts repeat.
DICTIONARIES = {1: (
    "Here is what is happening right now:\n- We have logged this as ESC-1 at SEV-3, normal priority.\n"
    "- Technical Support (L2) is working on it.\n- Account Management (L2) is working on it.\n"
    "- Legal & Compliance (L3) is working on it now, and support manager, CSM have been alerted.\n"
    "- Security Incident Response (L3) is working on it now, and support manager, CSM have been alerted.\n"
    "- We have logged this as ESC-1 at SEV-2, high priority.\n- We have logged this as ESC-1 at SEV-1, our highest priority.\n"
    "- We have logged this as ESC-1 at SEV-4, standard priority.\n"
    "I take the possible exposure of your data as seriously as you do: it may affect you and your users, "
    "and I am taking ownership of it from here.\n\n"
    "To speed things up, could you tell me:\n"
    "- Who may have seen or accessed the data (which people, accounts or outside parties)?\n"
    "- Since when could it have been exposed: when did you first notice it?\n"
    "- Which accounts, passwords, API keys or other credentials should be rotated or revoked now?\n"
    "- Can you describe exactly what you see, including any error message and where it appears?\n"
    "- When did this start, and has anything changed on your side since then?\n"
    "- How many users, teams or locations are affected, and is it everyone or only some?\n"
    "- What have you tried so far, and what happened when you did?\n"
    "- Have you found any way to keep working in the meantime?\n"
    "- You mentioned a workaround; please keep using it while we work on a permanent fix.\n"
    "I will update you as soon as anything changes, and no later than "
    "You will hear from me by 11:00 UTC on Fri 20 Nov 2026 with an update, whether or not we have resolved it by then.\n\n"
    "Your single point of contact is Support engineer on call: support@support.example. Reply to this message at any time.\n\n"
    "Compliance officer on duty: compliance@support.example. Security incident lead: security@support.example. "
    "Account manager on duty: accounts@support.example.\n\nCustomer Support\n"
    "Hello Customer team,\n\nThank you for telling us about this. I understand that "
    "I'm sorry for the disruption this is causing, and I am taking ownership of it from here.\n\n"
)}


# The triage and SLA plan JSON as the store writes them: their keys, the six questions and their
# follow-ups, the assessments the rules write most.
RECORDS = 2
DICTIONARIES[RECORDS] = (
    '{"severity":"SEV-1","policy":"default","timezone":"UTC","opened_at":"2026-11-20T09:00:00+00:00",'
    '"first_response_due":"2026-11-20T09:15:00+00:00","next_update_due":"2026-11-20T09:45:00+00:00",'
    '"resolution_due":"2026-11-20T13:00:00+00:00","update_cadence":"every 30 min","update_every_minutes":30,'
    '"stakeholders":["customer","support manager","CSM","executive sponsor","all hands"]}'
    '{"severity":"SEV-2","type":"technical","rationale":"SEV-2 because ","summary":"",'
    '"impact":{"customer_tier":{"assessment":"standard (account record)","evidence":"unknown"},'
    '"revenue_at_risk":{"assessment":"not stated; ask","evidence":"unknown"},'
    '"users_affected":{"assessment":"unknown","evidence":"unknown"},'
    '"business_criticality":{"assessment":"high (","evidence":"unknown"},'
    '"public_exposure":{"assessment":"none mentioned","evidence":"unknown"},'
    '"regulatory":{"assessment":"none mentioned","evidence":"unknown"}},'
    '"questions":[{"key":"what","question":"What exactly is happening?","answer":null,'
    '"follow_up":"Can you describe exactly what you see, including any error message and where it appears?"},'
    '{"key":"when","question":"When did it start?","answer":null,'
    '"follow_up":"When did this start, and has anything changed on your side since then?"},'
    '{"key":"who","question":"Who is affected?","answer":null,'
    '"follow_up":"How many users, teams or locations are affected, and is it everyone or only some?"},'
    '{"key":"business_impact","question":"What is the business impact?","answer":null,'
    '"follow_up":"What is this stopping you from doing, and is there a cost or deadline attached?"},'
    '{"key":"tried","question":"What has been tried?","answer":null,'
    '"follow_up":"What have you tried so far, and what happened when you did?"},'
    '{"key":"workaround","question":"Is there a workaround?","answer":null,'
    '"follow_up":"Have you found any way to keep working in the meantime?"}],'
    '"routing":{"team":"Technical Support","tier":"L2","reason":"technical escalations go to Technical Support; '
    'SEV-2 is owned at L3"},"corrections":[{"field":"severity","from":"SEV-3","to":"SEV-2","rule":"","reason":""}],'
    '"notes":[],"engine_severity":"SEV-2"} security escalations go to Security Incident Response; '
    'compliance escalations go to Legal & Compliance; business escalations go to Account Management; '
    'service escalations go to Customer Success; Type security: a security matter: Type compliance: '
    'regulatory exposure: "'
)


def _dictionary(version: int) -> bytes:
    return DICTIONARIES[version].encode()


def pack(text: str | None, dictionary: int = VERSION):
    """TEXT as it is when short or incompressible, else a BLOB (dictionary byte + DEFLATE)."""
    if text is None or len(text) < MIN_CHARS:
        return text
    raw = text.encode()
    squeezer = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_DEFAULT_STRATEGY, _dictionary(dictionary))
    packed = bytes([dictionary]) + squeezer.compress(raw) + squeezer.flush()
    return packed if len(packed) < len(raw) else text


def unpack(value) -> str | None:
    if value is None or isinstance(value, str):
        return value
    data = bytes(value)
    opener = zlib.decompressobj(-15, _dictionary(data[0]))
    return (opener.decompress(data[1:]) + opener.flush()).decode()
