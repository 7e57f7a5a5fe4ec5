"""Whom a customer-facing draft greets.

    greeting(contact, customer, complaint) -> "Hi Dana" / "Hi Sarah" / "Hello Sarah Miller" / "Hello Acme team"

The contact the escalation names comes first. Without one, the person who wrote the complaint: the name in
its From: header, the name under its sign-off, or a sign-off at the end of the text ("Thanks, Sarah"), by
first name; not in a forward, where those are the forwarded message's writer's. Without that, the customer: a team when the name reads as an organisation ("Acme", "Acme Corp",
"Northwind Health Ltd"), the name alone when it reads as a person's ("Sarah Miller"), never "Hello Sarah
Miller team".
"""

from __future__ import annotations

import re

from .complaint import _SIGN_OFF as SIGN_OFF, parsed

_UPPER, _LOWER = "A-ZÀ-ÖØ-Þ\u0100-\u017f", "a-zß-öø-ÿ\u0100-\u017f"
# Siobhán, Jürgen, Élodie, Łukasz; O'Neill, Jean-Luc (a capital only after the apostrophe or hyphen)
_NAME_WORD = rf"[{_UPPER}](?:[{_LOWER}'’-]|(?<=['’-])[{_UPPER}])+"
_NAME = re.compile(rf"^({_NAME_WORD})(?:\s+(?:[A-Z]\.\s*)?{_NAME_WORD}){{0,2}}$")
# Words that make a customer name an organisation's (the name is then greeted as a team).
_ORGANISATION = re.compile(
    r"\b(?:inc|ltd|llc|llp|plc|corp|corporation|co|company|gmbh|ag|sa|sas|sarl|bv|nv|oy|ab|as|srl|spa|kk|pty|"
    r"group|holdings?|partners|associates|systems|solutions|technologies|technology|tech|labs?|software|services|"
    r"consulting|industries|international|global|bank|university|college|school|hospital|clinic|health|"
    r"foundation|council|agency|studio|studios|media|retail|logistics|networks?|capital|ventures|stores?|shop|"
    r"hotels?|airlines?|motors|energy|pharma|insurance|finance|financial|team|department|office)\b\.?",
    re.IGNORECASE,
)
# Words a sign-off block starts with that are not a name ("Thanks, Support", "Regards, Team").
_NOT_A_NAME = {"team", "support", "admin", "customer", "service", "sales", "billing", "it", "the", "all", "everyone",
               "again", "you", "sir", "madam", "mr", "mrs", "ms", "dr"}


def greeting(contact: str | None, customer: str, complaint: str = "") -> str:
    if contact:
        return f"Hi {contact}"
    name = writer(complaint)
    if name:
        return f"Hi {name}"
    if reads_as_person(customer):
        return f"Hello {customer}"
    return f"Hello {customer} team"


def writer(complaint: str) -> str | None:
    """The first name of whoever wrote the complaint, when the text says it plainly."""
    if not complaint.strip():
        return None
    p = parsed(complaint)
    if p.forwarded:  # the names in it are of whoever wrote the forwarded message, not of who sent it to us
        return None
    for candidate in (p.sender, _signed(p.signature), _signed_inline(p.new_text), _name_block(p.new_text),
                      _name_block(p.signature, alone=True)):
        first = _first_name(candidate)
        if first:
            return first
    return None


def _signed(signature: str) -> str | None:
    """The name on a sign-off line ("Thanks, Sarah") or on the line under it ("Best regards,\nSarah Miller")."""
    lines = [line.strip() for line in signature.splitlines() if line.strip()]
    for i, line in enumerate(lines):
        m = SIGN_OFF.match(line)
        if m:
            return m.group("signed") or (lines[i + 1] if i + 1 < len(lines) else None)
    return None


def _signed_inline(text: str) -> str | None:
    """A sign-off closing the customer's last line ("... Please refund one of them. Thanks, Sarah")."""
    last = re.split(r"(?<=[.!?])\s+|\n", text.strip())[-1]
    m = SIGN_OFF.match(last)
    return m.group("signed") if m else None


# Words that close a text capitalised without naming anyone ("Thank You", "Please Advise").
_NOT_A_NAME_BLOCK = {"thank", "thanks", "please", "urgent", "regards", "cheers", "best", "kind", "advise", "help", "asap",
                     "invoice", "order", "account", "ticket", "case", "check", "note", "sent", "from"}


def _name_block(text: str, *, alone: bool = False) -> str | None:
    """A name closing the text on its own line, with no sign-off word, under it at most two short lines of
    title and company ("Maria Lopez\nIT Director, Corvia Logistics"); `alone`: the text is the signature the
    parser set apart, else it must follow the message after a blank line."""
    blocks = re.split(r"\n\s*\n", text.strip())
    if not text.strip() or (len(blocks) < 2 and not alone):
        return None
    lines = [line.strip() for line in blocks[-1].splitlines() if line.strip()]
    if not 1 <= len(lines) <= 3 or any(len(line) > 60 or line[-1:] in ".!?:" for line in lines):
        return None
    name = lines[0]
    words = name.lower().split()
    if len(words) < 2 or not _NAME.match(name) or any(w in _NOT_A_NAME or w in _NOT_A_NAME_BLOCK for w in words):
        return None
    return name


# A line that signs with a role, not a name: "Practice Manager, Riverside Health" is nobody to greet by name.
_ROLE_WORDS = {"manager", "director", "officer", "lead", "head", "engineer", "administrator", "admin", "coordinator",
               "assistant", "analyst", "controller", "president", "founder", "owner", "ceo", "cto", "cfo", "coo", "dpo",
               "specialist", "supervisor", "consultant", "accountant", "secretary", "receptionist", "practice", "desk"}
_TITLE = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|sir|dame)\.?\s+", re.IGNORECASE)


def _first_name(candidate: str | None) -> str | None:
    if not candidate:
        return None
    candidate = _TITLE.sub("", " ".join(candidate.split()).strip(" ,."))  # "Dr. Hannah Schmidt" is Hannah
    if "," in candidate:
        before, _, after = candidate.partition(",")
        # "Petra Schulz, HR Manager" signs with a title; "Lee, Jordan" is a From: name as Outlook writes it
        candidate = before.strip() if len(before.split()) >= 2 else f"{after.strip()} {before.strip()}"
    m = _NAME.match(candidate)
    if not m or m.group(1).lower() in _NOT_A_NAME or _ORGANISATION.search(candidate) \
            or any(w in _ROLE_WORDS for w in candidate.lower().split()):
        return None
    return m.group(1)


def reads_as_person(customer: str) -> bool:
    """Two or three capitalised words and none an organisation's: "Sarah Miller", not "Acme Corp" or "Acme"."""
    words = customer.split()
    return 2 <= len(words) <= 3 and bool(_NAME.match(customer.strip())) and not _ORGANISATION.search(customer)
