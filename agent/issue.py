"""The one issue statement of an escalation: what is broken and for whom, in the customer's own words.

    statement(complaint_text, summary) -> str

Made at triage from the customer's new words (agent.complaint), stored as the escalation's summary,
editable (`escalate edit ID --summary …`), and used by every draft, report and the RCA. It is either
a short grammatical clause ("Card payments are failing at checkout in our 3 stores"), or, when no
clause of the text is clean, the customer quoted exactly and visibly: 'you reported: “…”'. It is never
stitched from fragments, never a mail header, never a sentence that argues about its own severity or
instructs a model.
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import claims
from .cues import SENTENCE
from .complaint import clean_subject, parsed
from .literals import may_match
from .wording import ABUSE, ABUSE_LEAD, ABUSE_WORD, without_leading_time

QUOTE_PREFIX = "you reported: "
MAX_WORDS = 30
MIN_WORDS = 4
_URGENCY = re.compile(
    r"^\W*(?:\[?(?:urgent|important|critical|escalation|action required|high priority|asap|p[0-4]|sev-?[1-4])\b\]?\s*[-:!–—]*\s*)+"
    r"|\s*[!]{2,}\s*$",
    re.IGNORECASE,
)
_TIME_LABEL = re.compile(r"^((?:today|yesterday|tonight|this\s+(?:morning|afternoon|evening|week)|last\s+night|since\s+(?:\w+|\d{1,2}[:.]\d{2}))"
                         r")\s*(?::|\s[-–—])\s+(?=\w)", re.IGNORECASE)
_NOTICE = re.compile(r"^(?:just\s+)?(?:an?\s+)?(?:quick\s+|friendly\s+)?(?:heads[\s-]?up|fyi|f\.y\.i\.?|psa)\b\s*[-:!,.–—]*\s*(?=\w)", re.IGNORECASE)
# Whose fault it was is not the issue: "(her mistake, not yours)", ", her own mistake", ", probably our fault for using the
# old template", ", my bad", "- totally on us". Said back to the customer, their own "our fault" would read "your fault".
_HEDGE = (r"(?:(?:that's|that’s|that\s+is|it's|it’s|it\s+is|it\s+was|this\s+is|this\s+was)\s+)?(?:(?:probably|maybe|perhaps|possibly|"
          r"likely|most\s+likely|admittedly|totally|entirely|completely|all|partly|definitely|surely|honestly|i\s+guess|i\s+think|"
          r"i\s+admit|i\s+know|we\s+know)\s*,?\s+)*")
_FAULT_ASIDE = re.compile(
    r"\s*[(\[][^()\[\]]{0,60}\b(?:mistake|fault|blame|(?:my|our)\s+bad|error on (?:our|my|your) (?:side|part|end))\b[^()\[\]]{0,60}[)\]]"
    r"|(?:,|\s+[-–—])\s*" + _HEDGE + r"(?:(?:(?:her|his|my|our|their|your)\s+(?:own\s+)?(?:mistake|fault|bad|doing|error)"
    r"|not\s+(?:your|our)\s+fault)(?:\s+(?:for|that|because|since)\s+[^,.;!?()]{1,60})?"
    r"|(?:that's|that’s|it's|it’s|it\s+is|it\s+was|totally|entirely|all)\s+on\s+(?:us|me))"
    r"(?:,\s*not\s+(?:yours|ours|theirs))?(?=\s*(?:[,.;!?]|[-–—]\s|$))", re.IGNORECASE)
# "We accidentally deleted a project ourselves": what they did, without the self-reproach ("you accidentally deleted a
# project yourselves" said back to them). Only the writer's own doing: "One of our admins accidentally deleted …" stays.
_OWN_SLIP = re.compile(r"^(?P<who>(?:i|we)\b(?:\s+(?:have|had|just|then|also|somehow|must\s+have))*)\s+(?:accidentally|mistakenly|"
                       r"inadvertently|unintentionally|stupidly|carelessly|foolishly|unwittingly)\s+(?=\w)", re.IGNORECASE)
_OWN_SLIP_AFTER = re.compile(r"\s+(?:by\s+(?:mistake|accident)|ourselves|myself|on\s+(?:our|my)\s+own)(?=\s*(?:[,.;!?]|\s+and\b|$))", re.IGNORECASE)


def _without_self_reproach(text: str) -> str:
    if not re.match(r"(?:i|we)\b", text, re.IGNORECASE):
        return text
    return _OWN_SLIP_AFTER.sub("", _OWN_SLIP.sub(lambda m: m.group("who") + " ", text))


# A clause of abuse ("your product is garbage, your team are idiots, and the date picker …") is not the issue, and
# said back it would read as our own admission: the clause goes, the rest of the sentence stays.
_ABUSE_PIECE = re.compile(
    r"^(?:(?:and|but|also|plus|honestly|frankly|seriously|quite\s+frankly)\s+)*(?:[\w-]+\s+){0,3}?[\w-]+"
    r"(?:\s+(?:is|are|was|were|seems?(?:\s+to\s+be)?|looks?\s+like|remains?)|'s|’s|'re|’re)\s+" + ABUSE_LEAD + ABUSE + r"\W*$"
    r"|^(?:(?:and|but|also|plus|honestly|frankly)\s+)*(?:your|this|the|you)\s+(?:[\w-]+\s+){0,2}?(?:sucks?|stinks?)\W*$",
    re.IGNORECASE)
_PIECE_SPLIT = re.compile(r"(,\s+|;\s+|\s+[-–—]\s+|\s+and\s+|\s+but\s+)", re.IGNORECASE)


def _without_abuse(text: str) -> str:
    if not may_match(ABUSE_WORD, text) or not ABUSE_WORD.search(text):  # (the test first: most clauses lack every word)
        return text
    pieces = _PIECE_SPLIT.split(text)
    kept = []
    for i in range(0, len(pieces), 2):
        if _ABUSE_PIECE.match(pieces[i].strip()):
            continue
        if kept:
            kept.append(pieces[i - 1])
        kept.append(pieces[i])
    if len(kept) == len(pieces):
        return text
    out = re.sub(r"^(?:,\s+|;\s+|[-–—]\s+|and\s+|but\s+|also\s+|plus\s+)+", "", "".join(kept).strip(), flags=re.IGNORECASE)
    return out[:1].upper() + out[1:] if text[:1].isupper() else out


# "Sorry to bother you, and no rush at all, but it looks like last night's sync deleted ...": the courtesy is not the issue
_BOTHER = re.compile(r"^(?:so\s+|very\s+|really\s+)?(?:sorry|apologies)\s+(?:to|for)\s+(?:bother|trouble|disturb)(?:ing)?\s+you\b[^.!?]{0,60}?,?\s+but\s+"
                     r"(?:it\s+(?:looks|seems)\s+(?:like|as\s+if|as\s+though|that)\s+)?(?=\w)"
                     r"|^i\s+hate\s+to\s+(?:bother|trouble)\s+you\b[^.!?]{0,40}?,?\s+but\s+(?=\w)", re.IGNORECASE)
_FRANKLY = re.compile(r"^(?:quite\s+|very\s+)?(?:frankly|honestly|seriously|truly|to\s+be\s+(?:honest|frank)|in\s+all\s+honesty)\b\s*,?\s*(?=\w)", re.IGNORECASE)
_GREETING = re.compile(
    r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten (?:tag|morgen)|bonjour|hola|beste|ciao)\b"
    # a name up to the comma or stop ("Hello Support team,"); with no mark after it, only the word itself goes
    # ("Hello i am writing because ..." keeps what follows)
    r"(?:[^.!?\n,]{0,40}[,.!:])?\s*",
    re.IGNORECASE,
)
# A clause that only points elsewhere ("It is a typo, but…", "This is still not fixed") names nothing.
# Nor does a relative clause cut from its sentence ("which are the result of my falling victim to identity theft").
_POINTING = re.compile(r"^(?:it|this|that|they|these|those|he|she|here|same|still|again|also|and|but|so|as|"
                       r"which|who|whom|whose|whereby)\b"
                       # a bare count as the subject points back too: "Two clicked the link" (two of whom?)
                       r"|^(?:one|two|three|four|five|six|seven|eight|nine|ten|\d+|several|some|both)\s+(?:of\s+them\s+)?"
                       r"(?:\w+ed|have|has|had|were|are|did|got|gave|took|saw)\b", re.IGNORECASE)
# Text that argues about severity or addresses a model never becomes the issue: agent.claims takes the
# claims out first; this catches what is left of a sentence that argued.
_CLAIM = re.compile(
    r"\bsev-?\s?[1-4]\b|\bp[0-4]\b|\bseverity\b|\bpriority\b|\bclassif|\bdowngrade|\bescalat|\burgent\b|"
    r"\b(?:ai|assistant|model|bot|system|llm|chatgpt|claude)\b\s*:|^\W*(?:ai|assistant|model|bot|system|llm|chatgpt|claude)\b\s*,|\b(?:ai|llm|chatbot|bot|gpt)\b|\bassistant\b(?! manager)|\bignore (?:all|any|the|previous|your)\b|"
    r"\binstructions?\b|</?\s*complaint|<!--|\{\s*\"",
    re.IGNORECASE,
)
# An English clause has a verb; text in another language is quoted as written rather than mixed into English.
_VERB = re.compile(
    r"\b(?:is|are|was|were|be|been|has|have|had|does|did|can|cannot|could|will|would|keeps?|gets?|got|shows?|"
    r"fails?|stops?|goes|went|sees?|saw|loses?|lost|\w+n't|\w{3,}(?:ed|ing)|"
    # what a product does wrong, in the present: "the CSV export adds a blank column", "15% of requests time out"
    r"adds?|returns?|throws?|breaks?|broke|crash(?:es)?|hangs?|freezes?|froze|times?\s+out|drops?|deletes?|removes?|"
    r"ignores?|rejects?|declines?|duplicates?|overwrites?|skips?|says?|takes?|gives?|makes?|puts?|sends?|opens?|loads?|runs?|"
    r"receives?|charges?|redirects?|fires?|triggers?|repeats?|doubles?|refuses?|misses?|resets?|displays?|calculates?|rounds?|"
    r"notifies?|logs\s+(?:me|us|them|users|everyone|people)\s+out|"
    # the irregular past: "we sent a GDPR erasure request", "the sync overwrote our price list"
    # ("wrote", "made", "told" are left out: "I wrote 5 times", "Nobody on our team made them" say nothing on their own)
    r"sent|overwrote|paid|found|began|forgot|forgotten|stuck)\b",
    re.IGNORECASE)
_ENGLISH = re.compile(r"\b(?:the|our|my|we|you|your|a|an|of|to|in|for|with|on|all|none|no|every|from|and|not|any)\b", re.IGNORECASE)
_FOREIGN = re.compile(
    r"\b(?:der|die|das|und|nicht|ist|sind|seit|alle|unsere?|wir|le|la|les|des|est|sont|pas|aucun|nos|nous|depuis|"
    r"el|los|las|está|están|nuestr[oa]s?|todas?|desde|het|een|niet|zijn|onze?|ons|sinds|geen|alleen|kunnen|wordt|naar|maar|ook"
    r"|il|gli|non|sono|tutti)\b", re.IGNORECASE)
def _foreign(text: str) -> bool:
    """Written in another language: two of its common words or more, and more of them than of English ones
    ("Alle 45 medewerkers zitten stil en we krijgen ..." has "we", and is Dutch)."""
    foreign = len(_FOREIGN.findall(text))
    return foreign >= 2 and foreign > len(_ENGLISH.findall(text))


# "Just following up on last week's outage", "Writing about the invoice": what the message is about, no clause of what happened.
_REFERENCE = re.compile(r"^(?:just\s+)?(?:following\s+up|checking\s+in|writing|reaching\s+out|getting\s+back\s+to\s+you|circling\s+back)"
                        r"\s+(?:on|about|regarding|re|with\s+regard\s+to|in\s+regard\s+to|to\s+follow\s+up\s+on)\b", re.IGNORECASE)
_VOCATIVE = re.compile(r"^(?-i:[A-Z][a-z]+),\s+(?=[a-z])")
# A request or an instruction to us ("Tell me in your reply…", "Please call me") is not what is broken.
_IMPERATIVE = re.compile(
    r"^(?:please|pls|kindly|tell|say|write|reply|respond|close|mark|set|classify|rate|change|make|give|send|call|ring|"
    r"contact|let|do|don't|ignore|confirm|fix|resolve|escalate|help|can you|could you|would you|i want|i need|we want|"
    r"we need|we expect|i expect)\b", re.IGNORECASE)
# A question ("Why is my account suspended", "Is anyone working on this") is not a statement, even with its mark gone.
_QUESTION_LEAD = re.compile(
    r"^(?:why|how|what|when|where)\s+(?:is|are|was|were|do|does|did|don't|doesn't|can|can't|cannot|could|will|won't|would|has|have|"
    r"hasn't|haven't|isn't|aren't|should|on earth|the hell)\b|^(?:is|are|was|were|can|can't|could|do|does|did|don't|will|won't|would|has|have|"
    r"hasn't|haven't|isn't|aren't)\s+(?:my|our|the|your|it|this|that|there|you|we|i|they|anyone|anybody|nobody|someone)\b",
    re.IGNORECASE,
)
_HEADERISH = re.compile(r"^\s*(?:subject|from|to|sent|date|cc|re|fw|fwd|aw|wg)\s*:", re.IGNORECASE)

_CASE_ONLY = re.compile(r"^(?:case|ticket|ref(?:erence)?|incident|request|sr|inc)?\s*[#:]?\s*[\w-]*\d[\w-]*\s*$", re.IGNORECASE)


def is_quote(summary: str) -> bool:
    return summary.startswith(QUOTE_PREFIX)


def quoted_words(summary: str) -> str:
    """The customer's words inside a quote-form statement (the statement itself otherwise)."""
    return summary[len(QUOTE_PREFIX) + 1 : -1] if is_quote(summary) else summary


def balanced(text: str) -> bool:
    """Brackets closed in order, and straight or curly double quotes paired."""
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for ch in text:
        if ch in "([{":
            stack.append(ch)
        elif ch in pairs:
            if not stack or stack.pop() != pairs[ch]:
                return False
    return not stack and text.count('"') % 2 == 0 and text.count("“") == text.count("”")


def close_quotes(text: str) -> str:
    """A quote cut short by whoever quoted it ('"session expired') loses its unmatched mark."""
    if text.count('"') % 2:
        i = text.rfind('"')
        text = text[:i] + text[i + 1:]
    return text


# "This is the third time in two months that our reports were not sent": what happened comes first, the count after.
_REPEAT_LEAD = re.compile(
    r"^(?:this|it)\s+is\s+(?:now\s+)?(?:already\s+)?the\s+(?P<nth>second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+time"
    r"(?:(?P<span>\s+(?:in|this|within|over)\s+[\w\s-]{1,25}?)\s+that\b|\s+that\b)?\s+(?=\w)",
    re.IGNORECASE,
)


def _repeat_last(clause: str) -> str:
    m = _REPEAT_LEAD.match(clause)
    if not m:
        return clause
    return f"{clause[m.end():]}, for the {m.group('nth').lower()} time{m.group('span') or ''}"


_WRITING_BECAUSE = re.compile(
    r"^(?:i|we)(?:\s+am|\s+are|'m|’m|'re|’re)\s+(?:writing|contacting\s+you|reaching\s+out|emailing|messaging)(?:\s+(?:to\s+you|you|again|today))?"
    r"\s+(?:because|as|since)\s+(?=\w)", re.IGNORECASE)


@lru_cache(maxsize=1024)  # one statement tidies the same sentences several times (candidates, checks)
def _tidy(text: str) -> str:
    text = " ".join(text.split())
    text = _GREETING.sub("", text)
    text = _URGENCY.sub("", text).strip()
    text = _NOTICE.sub("", text)  # "Heads up: your SDK ships with a key" -> "your SDK ships with a key"
    text = _TIME_LABEL.sub(r"\1 ", text)  # "Today: the footer has a typo" -> "Today the footer has a typo"
    text = _FAULT_ASIDE.sub("", text)  # "deleted the workspace (her mistake, not yours)": whose fault is not the issue
    text = _without_self_reproach(text)  # "We accidentally deleted a project ourselves" -> "We deleted a project"
    text = _without_abuse(text)  # "Your product is garbage, and the date picker …" -> "The date picker …"
    text = _BOTHER.sub("", text)  # "Sorry to bother you, but it looks like the sync deleted ..." -> "the sync deleted ..."
    text = _FRANKLY.sub("", text)  # "Frankly this is unacceptable" -> "this is unacceptable", which points elsewhere
    text = _VOCATIVE.sub("", text)  # "Anna, the terminals are down" -> "the terminals are down"
    text = _WRITING_BECAUSE.sub("", text)  # "I am writing because my account is charged 3 times" -> "my account is ..."
    return text.rstrip(" .!?…;:,-–—").strip()


_STATE = (r"(?:\w+(?:ed|en)|down|broken|blocked|locked(?: out)?|closed|gone|missing|empty|wrong|slow|offline|frozen|"
          r"unavailable|not working|still broken)")
_WHY_IS = re.compile(r"^why\s+(?P<aux>is|are|was|were|has|have)\s+(?P<subj>(?:(?:my|our|the|your|all|all of)\s+)?[\w-]+(?:\s+(?!(?:still|now|suddenly|again|been)\b)[\w-]+)?)\s+"
                     r"(?P<rest>(?:(?:still|now|suddenly|again)\s+)?(?:been\s+)?" + _STATE + r")$", re.IGNORECASE)
_WHY_CANT = re.compile(r"^why\s+(?P<aux>can't|cannot|won't|doesn't|don't|isn't|aren't|didn't|hasn't|haven't)\s+"
                       r"(?P<subj>i|we|you|they|it|(?:my|our|the|your)\s+[\w-]+)\s+(?P<rest>\w.*)$", re.IGNORECASE)


# A question about why or how, asked indirectly, has the word order of a statement: "Can you tell me why the API rate
# limit dropped overnight" -> "the API rate limit dropped overnight", "Can you explain how our invoices went from 200
# to 900 EUR" -> "our invoices went from 200 to 900 EUR" (not "why is it": that is a direct question, above).
_ASKED_WHY = re.compile(
    r"^(?:(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|anybody)\s+(?:please\s+)?(?:tell\s+(?:me|us)|explain(?:\s+to\s+(?:me|us))?|let\s+(?:me|us)\s+know)"
    r"|(?:please\s+)?explain(?:\s+to\s+(?:me|us))?|i(?:'d|’d|\s+would)\s+like\s+to\s+(?:know|understand)|(?:i|we)\s+(?:want|need)\s+to\s+(?:know|understand)"
    r"|do\s+you\s+know|(?:i|we)\s+(?:don't|do\s+not)\s+understand)\s+(?:why|how(?!\s+(?:to|much|many|long|often|soon)\b))\s+"
    r"(?!(?:is|are|was|were|do|does|did|can|can't|could|will|won't|would|has|have|hasn't|haven't|isn't|aren't|don't|doesn't|didn't)\b)(?P<rest>\w.*)$",
    re.IGNORECASE)


def _as_statement(clause: str) -> str:
    """'Why is my account suspended' -> 'my account is suspended'; "Why can't we log in" -> "we can't log in";
    'Can you tell me why the rate limit dropped' -> 'the rate limit dropped'. Other questions are left as asked
    (and are then no clause)."""
    asked = _ASKED_WHY.match(clause)
    if asked:
        return asked.group("rest")
    m = _WHY_IS.match(clause) or _WHY_CANT.match(clause)
    if not m:
        return clause
    subj = m.group("subj")
    subj = subj if subj == "I" else subj[:1].lower() + subj[1:]
    return f"{subj} {m.group('aux').lower()} {m.group('rest')}"


# What they ask of us after what happened ("…getting locked out, but can you raise the lockout limit?"): said back it
# would read "can we raise the lockout limit". The request goes; what happened stays.
_ASKED_AFTER = re.compile(r"(?:\s*,\s*|\s+)(?:(?:but|so|and|or)\s+)?(?:(?:can|could|would|will)\s+(?:you|someone|somebody|anyone|anybody|your\s+team)"
                          r"|(?:please|pls|kindly)(?=\s+\w)|(?:i|we)\s+(?:would\s+like|'d\s+like|’d\s+like|need|want)\s+(?:you|someone)\s+to)\b.*$",
                          re.IGNORECASE)
# A tag question asks whether it is so ("none of our data was lost, right?"): no statement of what happened.
_TAG_QUESTION = re.compile(r",\s*(?:right|correct|yes|no|ok(?:ay)?|true|is\s+(?:it|that\s+right)|isn't\s+it|aren't\s+they|didn't\s+it|did\s+it|"
                           r"wasn't\s+it|weren't\s+they|hasn't\s+it|haven't\s+they|don't\s+you\s+think|I\s+hope|we\s+hope)\s*[?!.]*\s*$", re.IGNORECASE)
# What might happen is not what happened: "If the sync ever dropped records we'd be in trouble", "What if someone could …".
_HYPOTHETICAL = re.compile(r"^(?:what\s+(?:if|would\s+happen\s+if)|suppose|supposing|imagine|hypothetically|in\s+the\s+(?:unlikely\s+)?event)\b"
                           r"|^(?:if|in\s+case)\b[^.!?]*?(?:\bever\b|\bwould\b|'d\b|’d\b)", re.IGNORECASE)
# A reassurance that something is not happening ("We are NOT seeing another customer's data, just to be clear",
# "Nobody has logged into my account except me, I checked"): what did not happen is not the issue.
_REASSURED = re.compile(r"\b(?:just\s+)?to\s+be\s+(?:clear|safe|sure)\b|\bto\s+clarify\b|\bfor\s+the\s+record\b|\brest\s+assured\b|\bdon't\s+worry\b"
                        r"|\b(?:i|we)(?:\s+have|'ve|’ve)?\s+(?:double[\s-])?(?:checked|verified|confirmed)\b|\bexcept\s+(?:for\s+)?(?:me|us|myself|ourselves)\b"
                        r"|\bas\s+far\s+as\s+(?:i|we)\s+(?:can\s+tell|know|can\s+see)\b", re.IGNORECASE)
_DENIED = re.compile(r"\b(?:not|no|none|nobody|no\s+one|nothing|never|neither)\b|n't\b|n’t\b", re.IGNORECASE)


# "Just asking before we sign", "Just checking in": why they write, not what happened.
_FILLER = re.compile(r"^(?:just|only)\s+(?:asking|checking(?:\s+in)?|wondering|curious)\b|^(?:asking|wondering|curious)\s*$", re.IGNORECASE)


@lru_cache(maxsize=1024)
def not_the_issue(sentence: str) -> bool:
    """A sentence that asks whether it is so (a tag question), supposes, reassures that something is not
    happening, or only says why they write: no part of it is the issue, not even the engine's line cut from it."""
    tidied = " ".join(_unshouted(sentence).split())
    if _TAG_QUESTION.search(tidied) or _HYPOTHETICAL.match(_tidy(tidied)) or _FILLER.match(_tidy(tidied)):
        return True
    return bool(_REASSURED.search(tidied) and _DENIED.search(tidied))


def _request_cut(clause: str) -> str:
    m = _ASKED_AFTER.search(clause)
    if m and m.start() > 0 and len(clause[:m.start()].split()) >= MIN_WORDS:
        return clause[:m.start()].rstrip(" ,;:-–—")
    return clause


def clean_clause(text: str) -> str | None:
    """The text as an issue clause, or None when it is not one a reader can take as it stands."""
    if not_the_issue(text):
        return None
    clause = _as_statement(_repeat_last(_request_cut(_tidy(_unshouted(text)))))  # (a clause of ours, not a quote: the order may change)
    if not clause or _HEADERISH.match(text) or _CLAIM.search(clause) or not balanced(clause):
        return None
    core = without_leading_time(clause)
    words = core.split()
    if len(words) < MIN_WORDS or len(clause.split()) > MAX_WORDS or _POINTING.match(core) or not _VERB.search(core) \
            or _IMPERATIVE.match(core) or _REFERENCE.match(core):
        return None
    if "?" in clause or _QUESTION_LEAD.match(core) or _foreign(core):
        return None  # a question is not a statement; another language is quoted as written
    return clause[:1].upper() + clause[1:]


def _shortened(text: str) -> str:
    """A sentence too long to be the issue, cut to its first clauses: a lead ending in a colon ("Our CISO just
    flagged this: someone logged into ...") goes, then clauses from the end (at a comma or an "and") until it fits."""
    text = " ".join(text.split()).rstrip(" .!?…")
    lead, colon, rest = text.partition(": ")
    if colon and len(rest.split()) >= MIN_WORDS:
        text = rest
    while len(text.split()) > MAX_WORDS:
        cut = max(text.rfind(", "), text.rfind(" and "))
        if cut <= 0 or len(text[:cut].split()) < MIN_WORDS:
            return ""
        text = text[:cut]
    return text


def _quote(words: str) -> str:
    words = " ".join(words.split()).strip()
    if not balanced(words):  # quote up to the bracket or quote the customer left open, and say it goes on
        cut = max(words.rfind(c) for c in "([{\"“")
        words = words[:cut].rstrip(" ,;:-") + "…" if cut > 0 else words.strip("()[]{}\"“”")
    tokens = words.split()
    if len(tokens) > MAX_WORDS:
        words = " ".join(tokens[:MAX_WORDS]) + "…"
    return f"{QUOTE_PREFIX}“{words}”"


@lru_cache(maxsize=1024)
def _unshouted(line: str) -> str:
    """A statement typed in capitals, in sentence case: a reply does not shout the customer's words back."""
    if sum(map(str.isupper, line)) < 10:  # (the common case, at C speed: too few capitals to be shouting)
        return line
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 12 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return line
    lowered = line.lower()
    first = next((i for i, c in enumerate(lowered) if c.isalpha()), 0)
    return lowered[:first] + lowered[first:first + 1].upper() + lowered[first + 1:]


def statement(text: str, summary: str | None = None) -> str:
    """The issue statement for a complaint (see the module docstring); `summary` is the engine's line."""
    return _unshouted(_statement(text, summary))


def _statement(text: str, summary: str | None = None) -> str:
    p = parsed(text)
    own = claims.read(p.triage_text).text  # what the text says about its own severity is never the issue
    sentences = [s.strip() for s in SENTENCE.findall(own) if s.strip()]
    candidates = []
    if summary:
        core = _tidy(summary)[:40].lower()
        holding = [s for s in sentences if core and core in s.lower()]
        # a line cut short would read as whole once its mark is tidied away, and a window cut from the middle of
        # a sentence ("audit log that he logged in ...") lacks its start: the whole sentence comes first
        whole, said = (_tidy(holding[0]).lower() if holding else ""), _tidy(summary).lower()
        rest = whole[len(said):] if whole.startswith(said) else ""
        # (its end cut off mid-clause: "... personal data processed on your" | "platform", not at a ";" or ",")
        cut = summary.rstrip().endswith("…") or (holding and not whole.startswith(core[:20])) or re.match(r" \w", rest) is not None
        if not (holding and not_the_issue(holding[0])):  # "none of our data was lost, right?": nor the engine's line cut from it
            candidates += holding if cut else [summary, *holding]
    candidates += sentences
    if summary and _QUESTION_LEAD.match(_tidy(summary)) and not clean_clause(summary):
        # the problem was asked as a question we cannot turn into a statement: quote it as asked
        core = _tidy(summary)[:40].lower()
        asked = next((s for s in sentences if core and core in _tidy(s).lower()), None)
        if asked and "?" in asked and not _CLAIM.search(asked) and balanced(asked):
            return _quote(_unshouted(asked))
    for candidate in candidates:
        clause = clean_clause(candidate) or clean_clause(_shortened(candidate))
        if clause:
            return clause
    if p.headline:
        head = _tidy(clean_subject(p.headline))
        if len(re.findall(r"[^\W\d_]+", head)) >= 3 and not _CASE_ONLY.match(head) and not _CLAIM.search(head) and balanced(head):
            return _quote(head)
    plain = [s for s in sentences if not _CLAIM.search(s) and _tidy(s)]
    if plain:
        words = _tidy(plain[0]) if balanced(_tidy(plain[0])) else plain[0]
        asked = plain[0].rstrip().endswith("?") and not words.endswith("?")
        return _quote(words + ("?" if asked else ""))  # a question quoted keeps its mark
    return _quote(_tidy(own) or own.strip() or (summary or ""))


def addressed(esc) -> bool:
    """The summary was written by us (`escalate edit --summary`), already addressed to the customer."""
    edits = [e for e in esc.events if e.kind == "summary_edited"]
    return bool(edits) and edits[-1].data.get("to") == esc.summary


def phrases(summary: str, addressed: bool = False) -> dict[str, str]:
    """The statement as each draft needs it, addressed back to the customer:
    subject   "Card payments are failing at checkout in your 3 stores" / the quoted words, shortened
    clause    "card payments are failing at checkout in your 3 stores" / 'you reported: “…”'
    about     "the issue where card payments are failing…" / 'the issue you reported: “…”'
    sentence  "Card payments are failing at checkout in your 3 stores." / 'You reported: “…”.'
    symptom   the clause without its leading time, for the RCA's first why and the KB title.
    `addressed`: the summary is ours already (an edit), not the customer's words to turn around."""
    from .wording import headline, lower_first, second_person

    if is_quote(summary):
        words = quoted_words(summary)
        return {"subject": headline(words, quoted=True), "clause": summary, "about": f"the issue {summary}",
                "sentence": summary[:1].upper() + summary[1:] + ".", "symptom": f"“{words}”"}
    clause = summary.strip().rstrip(".!?…")
    clause = clause if addressed else second_person(clause)
    core = without_leading_time(clause)
    demand = None if addressed else _DEMAND.match(core)
    if demand:  # "Stop sending me marketing emails": what they ask of us, not a fact to say back to them
        rest = core[demand.end("verb"):]
        asked = "you asked us to " + demand.group("verb").lower() + (rest.lower() if rest.isupper() else rest)
        subject = asked if len(asked) <= 72 else asked[:71].rsplit(" ", 1)[0] + "…"
        return {"subject": subject[:1].upper() + subject[1:], "clause": asked, "about": "your request to " + asked.removeprefix("you asked us to "),
                "sentence": asked[:1].upper() + asked[1:] + ".", "symptom": core[:1].upper() + core[1:]}
    return {"subject": headline(summary), "clause": lower_first(clause), "about": f"the issue where {lower_first(core)}",
            "sentence": clause[:1].upper() + clause[1:] + ".", "symptom": core[:1].upper() + core[1:]}


# A statement that is a demand made of us ("Stop sending me marketing emails", "Please cancel my subscription").
_DEMAND = re.compile(r"^(?:please\s+)?(?P<verb>stop|cancel|refund|remove|delete|unsubscribe|restore|unlock|reopen|revert|undo|reverse|"
                     r"block|freeze|close)\s+(?=\w)(?!(?:is|are|was|were|has|have|had|button|link|date|request|process)\b)", re.IGNORECASE)
