"""Wording helpers for drafts: times a reader cannot misread, the customer's words addressed back."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

# Numbers in words as complaints and drafts write them ("three of our users", "a two-month credit", "two hours ago").
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}


# Abuse, as a customer hurls it at us and no draft may say it of anyone: "your product is garbage", "your team are
# idiots", "you guys are useless". The issue statement leaves such a clause out (agent/issue.py); lint removes a
# customer draft's sentence that says it (agent/lint.py, abusive_language).
ABUSE = (r"(?:garbage|trash|rubbish|crap|crappy|junk|useless|worthless|pathetic|incompetent|clueless|hopeless|"
         r"idiots?|idiotic|morons?|moronic|clowns?|imbeciles?|amateurs?|amateurish|stupid|dumb|a\s+joke|disgrace|"
         r"scam|scammers?|thieves|crooks|shit|shite|shitty|the\s+worst(?:\s+[\w-]+){0,2}?(?:\s+ever)?)")
# "(so|total|a bunch of) …" before the word: "your support is a total joke", "you are a bunch of amateurs"
ABUSE_LEAD = (r"(?:(?:such|so|total|totally|complete|completely|absolute|absolutely|utter|utterly|just|really|truly|"
              r"a|an|bunch|pile|load|piece|heap|of|full|incredibly|beyond|fucking|bloody)\s+)*")
# Whether a text holds an abuse word at all, before a sentence is read for one (the issue statement, lint).
ABUSE_WORD = re.compile(r"\b" + ABUSE + r"\b|\bsucks?\b|\bstinks?\b", re.IGNORECASE)


def format_time(moment: datetime | None, tz_name: str) -> str:
    """'14:30 UTC on Tue 3 Nov': unambiguous for the reader, in their time zone."""
    if moment is None:
        return ""
    moment = moment.astimezone(ZoneInfo(tz_name))
    label = moment.tzname() or tz_name
    return f"{moment:%H:%M} {label} on {moment:%a} {moment.day} {moment:%b %Y}"


_FIRST_TO_SECOND = {
    "i": "you", "me": "you", "my": "your", "mine": "yours", "myself": "yourself",
    "we": "you", "us": "you", "our": "your", "ours": "yours", "ourselves": "yourselves",
    "i'm": "you're", "i've": "you've", "i'd": "you'd", "i'll": "you'll",
    "we're": "you're", "we've": "you've", "we'd": "you'd", "we'll": "you'll",
    "your": "our", "yours": "ours", "you're": "we're", "you've": "we've", "you'll": "we'll", "yourselves": "ourselves",
}
_OBJECT_BEFORE = re.compile(r"\b(?:to|for|with|from|at|by|tell|told|ask|asked|call|called|email|emailed|contact|contacted|pay|paid|thank)\s+$", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, [*_FIRST_TO_SECOND, "you"]), key=len, reverse=True)) + r")\b", re.IGNORECASE)
_DAY_PART = r"(?:this|yesterday|today|last)\s+(?:morning|afternoon|evening|night)"
_WHEN = (  # the day part first: "since yesterday evening" is one time, not "yesterday" and an "evening" left over
    r"(?:" + _DAY_PART + r"|\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)\b|\d{1,2}[:.]\d{2}\b|noon|midnight|today|tonight|yesterday|"
    r"last\s+(?:week|\w+day)|this\s+week|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
# A short time phrase at the very start ("Since 9am this morning", "Since Tuesday's release,"), never a
# whole clause: "From our Berlin office none of the 20 users..." keeps its words.
_LEADING_TIME = re.compile(
    r"^(?:since|as of|from|starting(?: from)?)\s+(?:about\s+|around\s+)?" + _WHEN
    + r"(?:\s+(?-i:[A-Z]{2,5}))?(?:\s+(?:" + _DAY_PART + r"|today|yesterday|on\s+\w+day))?"
    + r"(?:'s\s+(?:release|update|upgrade|deploy(?:ment)?|maintenance|outage|migration))?\s*,?\s+",
    re.IGNORECASE,
)


_ASIDE_VERB = r"(?:know|guess|think|suppose|believe|reckon|mean|imagine|assume|admit|hope|realise|realize|understand)"
# The customer's asides ("the export, I know, is old", "(I guess)", "I think, the export…", "…, I think."):
# addressed back they would read "you know"/"you guess", words put in their mouth. They are dropped.
_ASIDE = re.compile(
    r"\s*\(\s*(?:I|we)\s+" + _ASIDE_VERB + r"\b[^()]{0,20}\)"           # "(I know)", "(I guess so)"
    r"|,\s*(?:I|we)\s+" + _ASIDE_VERB + r"\s*(?=,)"                       # ", I know," -> the second comma stays
    r"|\s+[-\u2013\u2014]\s*(?:I|we)\s+" + _ASIDE_VERB + r"\s*[-\u2013\u2014](?=\s)"  # " - I know -"
    r"|,\s*(?:I|we)\s+" + _ASIDE_VERB + r"\s*(?=[.!?\u2026]|$)",           # "..., I think."
    re.IGNORECASE,
)
# "I think the export broke", "Since 9am I know our export fails", "I know, the export is old": a hedge before
# what happened, not part of it; "I know you're busy, but …" goes up to the "but".
_LEADING_ASIDE = re.compile(
    r"\b(?:I|we)\s+know\s+(?:that\s+)?you(?:'re|\u2019re|\s+are|\s+have|'ve)?\b[^,.;!?]{0,60},\s*(?:but|and|yet)\s+"
    r"|(?:(?<=^)|(?<=[.!?]\s))(?:I|we)\s+" + _ASIDE_VERB + r"\s*,\s*"
    r"|\b(?:I|we)\s+(?:know|guess|think|suppose|believe|reckon|assume|imagine)\s+(?:that\s+)?"
    r"(?=(?:the|our|my|it|it's|this|that|these|those|there|their|they|we|all|none|no|every|everything|nothing|some|"
    r"something|a|an|someone|somebody|your|you)\b)",
    re.IGNORECASE,
)


def drop_asides(text: str) -> str:
    """'The export, I know, is old' -> 'The export is old'; 'I think the release broke it' -> 'The release broke it'."""
    out = _ASIDE.sub("", text)
    out = re.sub(r",\s*,", ",", out)
    out = re.sub(r"(?<=\w),(?=\s+(?:is|are|was|were|has|have|had|does|did|will|would|can|could)\b)", "", out) if out != text else out

    def lead(m: re.Match) -> str:
        return ""

    stripped = _LEADING_ASIDE.sub(lead, out)
    if stripped != out:  # a sentence that now starts with the word after the hedge gets its capital
        stripped = re.sub(r"(^|[.!?]\s)([a-z])", lambda m: m.group(1) + m.group(2).upper(), stripped)
    return stripped


def second_person(text: str) -> str:
    """The customer's words addressed back to them, in one pass: 'our agents' -> 'your agents',
    'your update' -> 'our update', 'I am' -> 'you are'. Asides ('I know', 'I guess') are dropped first."""
    text = drop_asides(text)

    shouted = _shouted(text)

    def swap(m: re.Match) -> str:
        word = m.group(0)
        key = word.lower()
        if word == "US" and not shouted:  # "a US data centre", "our US colleagues": the country, not "us"
            return word
        if key == "you":
            out = "us" if _OBJECT_BEFORE.search(text[: m.start()]) else "we"
        else:
            out = _FIRST_TO_SECOND[key]
        always_capital = key == "i" or key.startswith(("i'", "i’"))  # "I", "I've": capital anywhere, so no sign of a sentence start
        if len(word) > 1 and word.isupper():  # "CALLED US BACK" -> "CALLED YOU BACK"
            return out.upper()
        return out.capitalize() if word[0].isupper() and (m.start() == 0 or not always_capital) else out

    return _plain(_AGREEMENT.sub(_agree, _PRONOUN.sub(swap, text)))


def _shouted(text: str) -> bool:
    """Most of the text's letters are capitals: "HELP US" is then the pronoun."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) * 2 > len(letters)


# Two calques of writers whose first language is not English, put right when their words are quoted back
# (the issue statement and its headline): "since 3 days" (seit 3 Tagen, depuis 3 jours) -> "for 3 days",
# "we have problem" -> "you have a problem", and the two together -> "you have had a problem for 3 days".
# Nothing else of their wording is touched.
_COUNT = r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|several|a few|many)\s+(?:minutes|hours|days|weeks|months|years)\b(?!\s+ago)"
_SINCE_COUNT = re.compile(r"\b(since)(\s+" + _COUNT + ")", re.IGNORECASE)
_PROBLEM_SINCE = re.compile(
    r"\b(have|has)\s+(?:(?:a|an)\s+)?(problem|issue|error)(s?)\b(?=[^,.;:!?\n]{0,40}?\bsince\s+" + _COUNT + ")", re.IGNORECASE)
_BARE_PROBLEM = re.compile(r"\b(have|has|had|having)\s+(problem|issue|error)\b(?!s)", re.IGNORECASE)


def _article(noun: str) -> str:
    return "an" if noun[0] in "ieIE" else "a"


def _plain(text: str) -> str:
    text = _PROBLEM_SINCE.sub(
        lambda m: f"{m.group(1)} had {m.group(2)}{m.group(3)}" if m.group(3)
        else f"{m.group(1)} had {_article(m.group(2))} {m.group(2)}", text)
    text = _SINCE_COUNT.sub(lambda m: ("For" if m.group(1)[0].isupper() else "for") + m.group(2), text)
    return _BARE_PROBLEM.sub(lambda m: f"{m.group(1)} {_article(m.group(2))} {m.group(2)}", text)


# The verb after a swapped "I": "I am" -> "you are", "I was" -> "you were", "was I" -> "were you"
# (and a customer's "you was" -> "we were").
_AGREEMENT = re.compile(r"\b(?:(you|we)\s+(am|was|wasn't|wasn’t)|(was|wasn't|wasn’t)\s+(you|we))\b", re.IGNORECASE)
_AGREED = {"am": "are", "was": "were", "wasn't": "weren't", "wasn’t": "weren’t"}


def _agree(m: re.Match) -> str:
    def verb(word: str) -> str:
        out = _AGREED[word.lower()]
        return out.upper() if word.isupper() and len(word) > 1 else out.capitalize() if word[0].isupper() else out

    if m.group(1):
        return m.group(1) + m.group(0)[len(m.group(1)) : m.start(2) - m.start()] + verb(m.group(2))
    return verb(m.group(3)) + m.group(0)[len(m.group(3)) :]


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


# The event it started with, at the very start ("Since the sync last night", "After yesterday's update,"): what
# follows is the issue. Only when the event is a change or a run of ours and a subject follows, so "Since the
# update is stuck…" and "After the import all rows…" are read as they stand unless the clause goes on.
_EVENT = (r"(?:release|update|upgrade|deploy(?:ment)?|maintenance|outage|migration|sync|synchroni[sz]ation|import|"
          r"patch|rollout|roll-out|restart|reboot|installation|install|cutover|switchover)")
_LEADING_EVENT = re.compile(
    r"^(?:since|after|following)\s+(?:the|your|our|last\s+night's|yesterday's|today's|this\s+morning's|last)\s+"
    r"(?:[\w.-]+\s+){0,2}?" + _EVENT + r"s?"
    + r"(?:\s+(?:" + _WHEN + r"|on\s+\w+day|at\s+\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)?))?\s*,?\s+"
    r"(?=(?:half|all|none|most|some|many|every|each|no|nobody|nothing|our|my|the|we|i|several|"
    r"\d+|about|around|over)\b)",
    re.IGNORECASE,
)


def without_leading_time(text: str) -> str:
    """'Since 9am this morning none of our agents…' → 'none of our agents…'; 'Since the sync last night half
    of our contacts…' → 'half of our contacts…'."""
    text = _LEADING_TIME.sub("", text).strip()
    text = _LEADING_EVENT.sub("", text).strip()
    return re.sub(r"^(?:this|yesterday|today|last)\s+(?:morning|afternoon|evening|night)\s*,?\s+", "", text, flags=re.IGNORECASE)


def _closed(line: str) -> str:
    """A line cut short, cut again before a bracket or quotation it leaves open: "ran twice (you see two
    runs in the…" would fail the drafts' own balance check."""
    for opening, closing in (("(", ")"), ("[", "]"), ("“", "”"), ("{", "}")):
        while line.count(opening) > line.count(closing):
            line = line[: line.rfind(opening)]
    if line.count('"') % 2:
        line = line[: line.rfind('"')]
    return line.rstrip(" ,;:-–—")


def headline(summary: str, limit: int = 72, *, quoted: bool = False) -> str:
    """A subject-line version of the summary: no leading 'Since 9am', no trailing clause. `quoted`: the
    customer's own words, kept as they wrote them and in quotation marks ('Could you tell me when…' is their
    question to us; turned around it would read 'Could we tell you when…')."""
    line = without_leading_time(summary)
    line = re.split(r"\s[-–—]\s|;|:\s", line)[0].strip()
    if len(line) > limit:
        line = _closed(line[: limit - 1].rsplit(" ", 1)[0]) + "…"
    if quoted:
        return f"“{line[:1].upper() + line[1:]}”"
    line = second_person(line)
    return line[:1].upper() + line[1:]
