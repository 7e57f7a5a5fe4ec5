"""When the customer says the problem began ("since 07:40 this morning", "since 9am", "for 3 hours"),
read from their own new words against the moment they reported it, in the escalation's time zone.

Only a time before the report and at most two days before it counts; anything else is no answer
(None), never a guess.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .complaint import customer_words

from .wording import NUMBER_WORDS as _NUMBERS
_AT = re.compile(
    r"\b(?P<said>(?:since|from|starting(?: at)?|started(?: at| around| about)?|began(?: at| around| about)?|beginning(?: at)?)"
    r"\s+(?:about\s+|around\s+|approximately\s+|roughly\s+|~\s*)?"
    r"(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?:\s*(?P<ampm>a\.?m\.?|p\.?m\.?))?(?![\d:.]*\s*(?:%|percent|users|agents|stores|orders))"
    r"(?:\s+(?P<day>this morning|this afternoon|this evening|today|tonight|yesterday(?: morning| afternoon| evening)?|last night))?)",
    re.IGNORECASE)
_AGO = re.compile(r"\b(?P<said>(?:for (?:the )?(?:last |past )?)?(?P<n>\d{1,2}|an?|one|two|three|four|five|six|seven|eight|nine|ten|"
                  r"eleven|twelve)\s+hours?(?:\s+ago|\s+now)?)\b", re.IGNORECASE)
MAX_BEFORE = timedelta(days=2)


def began(complaint: str, reported: datetime, tz: str) -> tuple[datetime, str] | None:
    """(when it began, the customer's words for it), or None."""
    text = customer_words(complaint or "")
    local = reported.astimezone(ZoneInfo(tz))
    for m in _AT.finditer(text):
        if not (m["m"] or m["ampm"]):
            continue  # "since 3" is not a time
        hour = int(m["h"]) % 12 + (12 if (m["ampm"] or "").lower().startswith("p") else 0) if m["ampm"] else int(m["h"])
        minute = int(m["m"] or 0)
        if hour > 23 or minute > 59:
            continue
        at = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
        day = (m["day"] or "").lower()
        if day.startswith("yesterday") or day == "last night" or (at > local and day not in ("today", "this morning",
                                                                                            "this afternoon", "this evening",
                                                                                            "tonight")):
            at -= timedelta(days=1)
        if at < local and local - at <= MAX_BEFORE:
            return at, m["said"].strip()
    for m in _AGO.finditer(text):
        if not re.search(r"\bago\b|\bfor\b|\bnow\b", m["said"], re.IGNORECASE):
            continue
        n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"].lower()]
        at = (local - timedelta(hours=n)).replace(second=0, microsecond=0)
        if timedelta(0) < local - at <= MAX_BEFORE:
            return at, m["said"].strip()
    return None
