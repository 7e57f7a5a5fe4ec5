"""Explicit requests the customer made: a call, someone senior, a written root cause, a credit, a
deadline, a preferred channel. Found in the complaint's own words (agent.complaint) and in customer
replies logged with `escalate log ID "…" --kind reply`; every draft answers the open ones, and each
answer that promises something becomes a dated commitment (agent.commitments, source "request:KIND").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .literals import may_match

KINDS = ("call", "senior", "written_rca", "credit", "deadline", "channel", "explanation")
_PHONE = re.compile(r"\+?\d[\d ()./-]{6,}\d")
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_PATTERNS = {
    "senior": re.compile(
        r"\b(?:speak|talk|call|meeting|meet|hear from|escalate (?:this|it) to)\s+(?:to\s+|with\s+)?(?:your|a|an|the|someone|somebody)?\s*"
        r"(?P<detail>(?:more\s+)?senior(?:\s+(?:manager|engineer|person|member of staff|staff|leader|leadership|executive|director|"
        r"representative|rep|agent|support|account manager|management))?|manager|supervisor|director|vp(?:\s+of\s+\w+)?|vice president(?:\s+of\s+\w+)?|"
        r"head of \w+|cto|ceo|coo|executive|leadership)\b",
        re.IGNORECASE),
    "call": re.compile(
        r"\b(?:please\s+|can you\s+|could you\s+|would you\s+|pls\s+)?(?:call|ring|phone)\s+(?:me|us)\b|\bgive\s+(?:me|us)\s+a\s+call\b|"
        r"\b(?:call|phone call)\s+(?:me\s+)?back\b|\bi\s+(?:want|need|would like|expect)\s+a\s+(?:phone\s+)?call\b",
        re.IGNORECASE),
    "written_rca": re.compile(
        r"\b(?:written|full|formal|proper|detailed)\s+(?:root[- ]cause(?:\s+analysis|\s+report)?|rca|incident report|post-?mortem|explanation)\b|"
        r"\broot[- ]cause\s+(?:analysis|report)?\s*in writing\b|\b(?:send|give|provide|share)\s+(?:us|me)\s+(?:a|an|the)\s+"
        r"(?:root[- ]cause(?:\s+analysis|\s+report)?|rca|post-?mortem|incident report)\b",
        re.IGNORECASE),
    "credit": re.compile(
        r"\b(?:want|expect|demand|need|request|requesting|asking for|ask for|entitled to|insist on|deserve)\b[^.!?\n]{0,80}?"
        r"\b(?P<detail>refund|credit|compensation|money back|reimburse\w*)\b"
        # asked straight: "Can you refund one of them?", "Please refund the second charge"
        r"|\b(?:(?:can|could|would|will)\s+you\s+(?:please\s+)?|please\s+|kindly\s+)(?P<detail2>refund|reimburse)\b",
        re.IGNORECASE),
    "deadline": re.compile(
        r"\b(?:need|needs|must|have to|has to|got to|require|required|want)\b[^.!?\n]{0,60}?\b(?P<detail>(?:by|before|no later than)\s+"
        r"(?:end of (?:the )?(?:day|business|week)|eod|cob|today|tonight|tomorrow(?: morning)?|noon|" + _DAY + r"(?:'s \w+)?|"
        r"\d{1,2}(?:[:.]\d{2})?\s*(?:am|pm)|\d{1,2}:\d{2}))",
        re.IGNORECASE),
    "channel": re.compile(
        r"\b(?:contact|reach|update|reply to|message)\s+(?:me|us)\s+(?:by|via|on|over|through)\s+(?P<detail>e-?mail|phone|slack|teams|whatsapp|sms|text)\b|"
        r"\bprefer\s+(?P<detail2>e-?mail|phone|slack|teams|a call|whatsapp|sms)\b",
        re.IGNORECASE),
    # a question about the incident put to us: "Can you tell us what happened and who else can see our data?",
    # "Please explain why we were charged twice", "What happened?" (not "tell me how to export the report")
    "explanation": re.compile(
        r"(?:\b(?:(?:can|could|would|will)\s+(?:you|someone|somebody|anyone)\s+(?:please\s+)?|please\s+|pls\s+)?"
        r"(?:tell|explain(?:\s+to)?)\s+(?:us|me)\s+(?:exactly\s+)?"
        r"|\b(?:i|we)\s+(?:want|need|would\s+like|expect|deserve)\s+to\s+(?:know|understand)\s+(?:exactly\s+)?"
        r"|\b(?:please\s+)?explain\s+(?:exactly\s+)?"
        r"|(?:^|(?<=[.!?]\s))(?=[^.!?\n]{1,40}\?))"
        r"(?P<detail>(?:what\s+(?:happened|went\s+wrong|is\s+going\s+on|caused\s+(?:this|it))|why\b|how\s+(?:this|it|that)\s+(?:happened|could\s+happen|was\s+possible)"
        r"|who\s+(?:else\s+)?(?:can|could|has|had|was|were|saw|accessed|is)\b|whether\b|if\s+(?:our|my|any|anyone|other)\b"
        r"|when\s+(?:it|this|that|the\s+\w+)\s+(?:will|is\s+going\s+to)\s+be\s+(?:fixed|resolved|back|working))[^.!?\n]{0,100})",
        re.IGNORECASE | re.MULTILINE),
}


@dataclass(frozen=True)
class Request:
    kind: str
    words: str            # the customer's sentence that asks
    detail: str | None    # the phone number, the person asked for, the deadline or the channel

    def as_dict(self) -> dict:
        return {"kind": self.kind, "words": self.words, "detail": self.detail}


def _sentence(text: str, start: int, end: int) -> str:
    lo = max(text.rfind(c, 0, start) for c in ".!?\n") + 1
    his = [i for i in (text.find(c, end) for c in ".!?\n") if i >= 0]
    hi = min(his) + 1 if his else len(text)
    return " ".join(text[lo:hi].split())


def detect(texts: list[str]) -> list[Request]:
    """The requests in these texts (the complaint's own words first, then replies), one per kind,
    the latest wording winning."""
    found: dict[str, Request] = {}
    for text in texts:
        here: dict[str, Request] = {}
        low = text.lower()
        for kind in KINDS:
            pattern = _PATTERNS[kind]
            if kind == "explanation" and not ("?" in text or "tell" in low or "explain" in low or "know" in low or "understand" in low):
                continue  # (its lead-ins hold no literal may_match can use: the words it needs, checked here)
            m = pattern.search(text) if may_match(pattern, text, low) else None  # not searched without its words
            if not m:
                continue
            words = _sentence(text, m.start(), m.end())
            detail = next((g for g in m.groups() if g), None) if m.groups() else None
            if kind == "call":
                phone = _PHONE.search(words) or _PHONE.search(text)
                earlier = found.get("call")
                detail = " ".join(phone.group(0).split()) if phone else (earlier.detail if earlier else None)
            if kind == "explanation" and detail and m.start() == m.start("detail") and text[m.end():m.end() + 1] == "?":
                detail += "?"  # asked straight out ("Why did this happen?"): answered in its own words, quoted
            here[kind] = Request(kind, words, " ".join(detail.split()) if detail else None)
        if "call" in here and "senior" in here and here["call"].words == here["senior"].words:
            del here["call"]  # "a call with your VP": the senior request, answered with their call
        found.update(here)
    return [found[k] for k in KINDS if k in found]
