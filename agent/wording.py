"""Wording helpers for drafts: times a reader cannot misread, the customer's words addressed back."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo


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
_WHEN = (
    r"(?:\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)\b|\d{1,2}[:.]\d{2}\b|noon|midnight|today|tonight|yesterday|"
    + _DAY_PART + r"|last\s+(?:week|\w+day)|this\s+week|(?:mon|tues|wednes|thurs|fri|satur|sun)day)"
)
# A short time phrase at the very start ("Since 9am this morning", "Since Tuesday's release,"), never a
# whole clause: "From our Berlin office none of the 20 users..." keeps its words.
_LEADING_TIME = re.compile(
    r"^(?:since|as of|from|starting(?: from)?)\s+(?:about\s+|around\s+)?" + _WHEN
    + r"(?:\s+(?-i:[A-Z]{2,5}))?(?:\s+(?:" + _DAY_PART + r"|today|yesterday|on\s+\w+day))?"
    + r"(?:'s\s+(?:release|update|upgrade|deploy(?:ment)?|maintenance|outage|migration))?\s*,?\s+",
    re.IGNORECASE,
)


def second_person(text: str) -> str:
    """The customer's words addressed back to them, in one pass: 'our agents' -> 'your agents',
    'your update' -> 'our update', 'I am' -> 'you are'."""

    def swap(m: re.Match) -> str:
        word = m.group(0)
        key = word.lower()
        if key == "you":
            out = "us" if _OBJECT_BEFORE.search(text[: m.start()]) else "we"
        else:
            out = _FIRST_TO_SECOND[key]
        return out.capitalize() if word[0].isupper() and (m.start() == 0 or key != "i") else out

    swapped = _PRONOUN.sub(swap, text)
    return re.sub(r"\byou am\b", "you are", re.sub(r"\bYou am\b", "You are", swapped))


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def without_leading_time(text: str) -> str:
    """'Since 9am this morning none of our agents…' → 'none of our agents…'."""
    text = _LEADING_TIME.sub("", text).strip()
    return re.sub(r"^(?:this|yesterday|today|last)\s+(?:morning|afternoon|evening|night)\s*,?\s+", "", text, flags=re.IGNORECASE)


def headline(summary: str, limit: int = 72) -> str:
    """A subject-line version of the summary: no leading 'Since 9am', no trailing clause."""
    line = without_leading_time(summary)
    line = re.split(r"\s[-–—]\s|;|:\s", line)[0].strip()
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0] + "…"
    line = second_person(line)
    return line[:1].upper() + line[1:]
