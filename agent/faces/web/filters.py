"""Jinja2 filters of the web pages: times in a zone, and the complaint with the customer's words
that back the impact assessment marked. Everything is escaped: customer text is never markup."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from ...wording import format_time


def when(moment: datetime | str | None, tz: str = "UTC") -> str:
    if not moment:
        return "-"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return format_time(moment, tz)


def iso(moment: datetime | str | None) -> str:
    if not moment:
        return ""
    return moment if isinstance(moment, str) else moment.isoformat()


def spans(text: str, phrases: list[str]) -> list[tuple[int, int]]:
    """Where each phrase occurs in text (case-blind, whitespace-blind), merged and in order."""
    found = []
    for phrase in phrases:
        words = phrase.split()
        if not words or phrase.strip().lower() == "unknown":
            continue
        pattern = r"\s+".join(re.escape(w) for w in words)
        found += [m.span() for m in re.finditer(pattern, text, re.IGNORECASE)]
    merged: list[list[int]] = []
    for start, end in sorted(found):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def highlight(text: str, phrases: list[str]) -> Markup:
    """The text, escaped, with each phrase wrapped in <mark>."""
    out, last = [], 0
    for start, end in spans(text, phrases):
        out += [escape(text[last:start]), Markup("<mark>"), escape(text[start:end]), Markup("</mark>")]
        last = end
    out.append(escape(text[last:]))
    return Markup("").join(out)


def install(env) -> None:
    env.filters.update(when=when, iso=iso, highlight=highlight)
    env.globals["ZoneInfo"] = ZoneInfo
