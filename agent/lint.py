"""Lint for every draft (Claude's, the offline templates', or a human's): find, fix, report.

Each finding names the rule, the span it was found at in the text as given, and the fix applied.
A draft passes when no error is left unfixed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import BaseModel

WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
         "ten": 10, "eleven": 11, "twelve": 12, "a": 1, "an": 1}


class Finding(BaseModel):
    rule: str
    span: tuple[int, int] | None
    found: str
    fix: str | None = None
    fixed: bool = False
    severity: str = "error"  # error | warning

    def describe(self) -> str:
        where = f"@{self.span[0]}-{self.span[1]}" if self.span else ""
        return f"[{self.rule}]{where} {self.found!r}" + (f" → {self.fix}" if self.fix else "") + ("" if self.fixed or self.severity != "error" else " (NOT FIXED)")


@dataclass
class LintContext:
    kind: str = "update"  # acknowledgment | update | resolution | apology | internal | summary | human
    audience: str = "customer"  # customer | internal | exec
    next_update: str | None = None  # the SLA plan's next-update due time as written in drafts
    owner: str | None = None
    channel: str | None = None
    confirmed: bool = False
    max_credit_months: int | None = None
    impact_level: str | None = None
    customer_text: list[str] = field(default_factory=list)  # what the customer wrote: never a placeholder
    allowed_links: tuple[str, ...] = ()


@dataclass
class LintResult:
    text: str
    findings: list[Finding]

    @property
    def passed(self) -> bool:
        return not any(f.severity == "error" and not f.fixed for f in self.findings)


# Blame: whole sentences that point at the customer or another team are removed; reproachful
# asides are cut out of the sentence.
_BLAME_SENTENCE = re.compile(
    r"\b(?:you should(?:n't| not)? have (?:\w+ed|known|read|done|seen|run|set|made|taken|sent|told|written|kept)\b|you failed to|you forgot to|you did not follow|you didn't follow|"
    r"user error|operator error|your (?:own )?fault|not our fault|not (?:our|my) (?:problem|responsibility)|"
    r"another team'?s? (?:fault|issue|problem|mistake)|the other team'?s? (?:fault|issue|problem|mistake)|"
    r"(?:caused|broken) by (?:your|the customer'?s?) (?:team|staff|admins?|configuration|setup|mistake)|"
    r"blame (?:lies|rests) with|(?:engineering|the dev(?:elopment)? team|ops|the vendor|our vendor|"
    r"the other team|another team) (?:broke|messed up|screwed up|dropped the ball|is to blame))",
    re.IGNORECASE,
)
_BLAME_ASIDE = re.compile(
    r"(?:,\s*)?\b(?:as (?:we|I) (?:already |previously )?(?:told|explained to|informed|mentioned to) you(?: before)?|"
    r"as (?:previously|already) (?:stated|explained|mentioned)|per my (?:last|previous) (?:email|message)|"
    r"as you (?:should|would) know|obviously|clearly you|if you had read)\b,?\s*",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(
    r"\[(?:[A-Z][a-z]+(?: [A-Za-z]+){0,4}|[a-z]+(?: [a-z]+){0,2})\]|\{\{.*?\}\}|\{%.*?%\}|\bTODO\b|\bTBD\b|\bXXX\b|"
    r"<(?:[A-Za-z_ ]{1,30})>|\bINSERT\b",
)
_SENTENCE = re.compile(r"[^.!?\n]*[.!?]+[ \t]*|[^.!?\n]+|\n")
_TIME_PROMISE = re.compile(
    r"(?:(?:hear from (?:me|us)|(?:next|an?) update|update you|get back to you|be in touch)[^.\n]{0,40}?\bby\s+)"
    r"(?P<time>\d{1,2}[:.]\d{2}(?:\s*(?:am|pm))?(?:\s+[A-Z]{2,5}|\s+[+-]\d{2}:\d{2})?(?:\s+on\s+\w{3,9},?\s+\d{1,2}\s+\w{3,9}(?:\s+\d{4})?)?)",
    re.IGNORECASE,
)
_CREDIT = re.compile(
    r"\b(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?)[- ](?:full\s+)?months?'?(?:\s+of)?(?:\s+free)?(?:\s+(?:service|account|subscription))?\s+(?:credits?|free|refund)\b|"
    r"\bcredit (?:of|for) (?P<n2>\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|an?) (?:full )?months?\b|"
    r"\b(?P<year>a (?:full )?year|twelve months|12 months) (?:free|of free service|of credit)\b",
    re.IGNORECASE,
)
_FULLY_RESOLVED = re.compile(
    r"\b(?:fully|completely|totally|permanently|100\s?%)\s+(?:resolved|fixed)\b|\bwill never happen again\b", re.IGNORECASE
)
_IMPACT = re.compile(r"\b(?:impact|disrupt\w*|affect\w*|inconvenien\w*|frustrat\w*|cost you|sorry|apologi[sz]e)\b", re.IGNORECASE)
_TIMELINE = re.compile(
    r"\b(?:by \d{1,2}[:.]\d{2}|within \d+ (?:minutes?|hours?|days?|business days?)|by (?:today|tomorrow|tonight|monday|tuesday|wednesday|thursday|friday|end of day)|"
    r"next update|ETA|estimated|\d{1,2}[:.]\d{2} \w+ on|on \w+day|no later than)\b",
    re.IGNORECASE,
)
_LINK = re.compile(r"\bhttps?://[^\s)>\]]+|\bwww\.[^\s)>\]]+", re.IGNORECASE)

CUSTOMER_FACING = ("acknowledgment", "update", "resolution", "apology", "summary", "human")
NEEDS_NEXT_UPDATE = ("acknowledgment", "update")


def _mask(text: str, protected: list[str]) -> list[tuple[int, int]]:
    """Spans of the draft that quote the customer's own text (never flagged as placeholders)."""
    spans = []
    for part in protected:
        part = part.strip()
        if len(part) < 2:
            continue
        for line in {part, *[p for p in part.splitlines() if len(p.strip()) >= 2]}:
            start = 0
            while (i := text.find(line, start)) >= 0:
                spans.append((i, i + len(line)))
                start = i + 1
    return spans


def _inside(span: tuple[int, int], masks: list[tuple[int, int]]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in masks)


def _n(value: str) -> int:
    return int(value) if value.isdigit() else WORDS.get(value.lower(), 1)


def lint(text: str, ctx: LintContext, *, fix: bool = True) -> LintResult:
    findings: list[Finding] = []
    original = text

    # 1. Blame language: sentences removed, asides cut.
    def drop_sentence(m_text: str) -> str:
        out = []
        for sentence in _SENTENCE.findall(m_text):
            hit = _BLAME_SENTENCE.search(sentence)
            if hit:
                start = original.find(sentence.strip())
                findings.append(Finding(rule="blame_language", span=(start, start + len(sentence.strip())) if start >= 0 else None,
                                        found=hit.group(0), fix="sentence removed" if fix else None, fixed=fix))
                if fix:
                    continue
            out.append(sentence)
        return "".join(out)

    text = drop_sentence(text)
    for m in list(_BLAME_ASIDE.finditer(text)):
        start = original.find(m.group(0).strip(" ,"))
        findings.append(Finding(rule="blame_language", span=(start, start + len(m.group(0).strip(" ,"))) if start >= 0 else None,
                                found=m.group(0).strip(" ,"), fix="phrase removed" if fix else None, fixed=fix))
    if fix:
        text = _BLAME_ASIDE.sub(lambda m: " " if m.group(0).startswith(",") else "", text)
        text = re.sub(r"(^|\n)(\s*)([a-z])", lambda m: m.group(1) + m.group(2) + m.group(3).upper(), text)
        text = re.sub(r"[ \t]{2,}", " ", text)

    customer_facing = ctx.audience == "customer" and ctx.kind in CUSTOMER_FACING

    # 2. Unfilled placeholders (not the customer's own words quoted back).
    masks = _mask(text, ctx.customer_text)
    for m in _PLACEHOLDER.finditer(text):
        if not _inside(m.span(), masks):
            findings.append(Finding(rule="unfilled_placeholder", span=m.span(), found=m.group(0)))

    # 3. Links nobody approved (an injected link must never reach a customer).
    for m in list(_LINK.finditer(text)):
        if _inside(m.span(), masks) or any(allowed in m.group(0) for allowed in ctx.allowed_links):
            continue
        findings.append(Finding(rule="unapproved_link", span=m.span(), found=m.group(0),
                                fix="link removed" if fix else None, fixed=fix))
    if fix:
        text = _LINK.sub(lambda m: m.group(0) if _inside(m.span(), masks) or any(a in m.group(0) for a in ctx.allowed_links) else "(link removed)", text)

    # 4. Service credits within the recovery policy for the impact level.
    if ctx.max_credit_months is not None:
        def cap(m: re.Match) -> str:
            months = 12 if m.group("year") else _n(m.group("n") or m.group("n2"))
            if months <= ctx.max_credit_months:
                return m.group(0)
            if ctx.max_credit_months == 0:
                replacement = "our sincere apology"
                fixed = f"no credit at {ctx.impact_level or 'this'} impact: offer replaced"
            else:
                replacement = f"{ctx.max_credit_months} month{'s' if ctx.max_credit_months > 1 else ''} of service credit"
                fixed = f"capped at {ctx.max_credit_months} month(s) for {ctx.impact_level or 'this'} impact"
            findings.append(Finding(rule="credit_within_policy", span=m.span(), found=m.group(0),
                                    fix=fixed if fix else None, fixed=fix))
            return replacement if fix else m.group(0)

        text = _CREDIT.sub(cap, text)

    # 5. No "fully resolved" before the customer confirmed.
    if not ctx.confirmed:
        for m in list(_FULLY_RESOLVED.finditer(text)):
            findings.append(Finding(rule="premature_resolution_claim", span=m.span(), found=m.group(0),
                                    fix="'resolved (pending your confirmation)'" if fix else None, fixed=fix))
        if fix:
            text = _FULLY_RESOLVED.sub("resolved (pending your confirmation)", text)

    if customer_facing:
        # 6. The next update time is the SLA plan's.
        if ctx.kind in NEEDS_NEXT_UPDATE and ctx.next_update:
            promises = list(_TIME_PROMISE.finditer(text))
            wrong = [m for m in promises if ctx.next_update not in m.group(0) and not ctx.next_update.startswith(m.group("time"))]
            for m in wrong:
                findings.append(Finding(rule="next_update_time", span=m.span("time"), found=m.group("time"),
                                        fix=f"corrected to {ctx.next_update}" if fix else None, fixed=fix))
            if fix:
                for m in reversed(wrong):
                    text = text[: m.start("time")] + ctx.next_update + text[m.end("time"):]
            if ctx.next_update not in text:
                findings.append(Finding(rule="next_update_time", span=None, found="no next-update time",
                                        fix=f"added: by {ctx.next_update}" if fix else None, fixed=fix))
                if fix:
                    text = _insert_before_signoff(text, f"You will hear from us again by {ctx.next_update}, whether or not it is resolved by then.")
        # 7. A single point of contact, with name and channel.
        if ctx.owner and ctx.channel and not (ctx.owner in text and ctx.channel in text):
            findings.append(Finding(rule="single_point_of_contact", span=None, found="no named contact with a channel",
                                    fix=f"added: {ctx.owner}, {ctx.channel}" if fix else None, fixed=fix))
            if fix:
                text = _insert_before_signoff(text, f"Your single point of contact is {ctx.owner}: {ctx.channel}.")
        # 8. Impact acknowledged.
        if not _IMPACT.search(text):
            findings.append(Finding(rule="impact_acknowledged", span=None, found="the impact on the customer is not acknowledged",
                                    fix="added an acknowledgment of the disruption" if fix else None, fixed=fix))
            if fix:
                text = _insert_after_greeting(text, "I know how disruptive this has been for you, and I'm sorry.")
        # 9. Specific next steps: a timeline, even an estimate.
        if not _TIMELINE.search(text):
            findings.append(Finding(rule="specific_next_steps", span=None, found="no timeline or estimate for the next step",
                                    severity="warning"))
    return LintResult(text=text if fix else original, findings=findings)


def _insert_before_signoff(text: str, sentence: str) -> str:
    """Before the closing lines ('Best,', a name), else at the end."""
    lines = text.rstrip("\n").split("\n")
    signoff = re.compile(r"^\s*(?:best|kind regards|regards|thanks|thank you|sincerely|cheers|warm regards)\b.*,?\s*$", re.IGNORECASE)
    for i in range(len(lines) - 1, max(-1, len(lines) - 6), -1):
        if signoff.match(lines[i]):
            return "\n".join(lines[:i] + [sentence, ""] + lines[i:]) + "\n"
    return text.rstrip("\n") + "\n\n" + sentence + "\n"


def _insert_after_greeting(text: str, sentence: str) -> str:
    lines = text.split("\n")
    if lines and re.match(r"^\s*(?:hi|hello|dear|hey)\b", lines[0], re.IGNORECASE):
        return "\n".join(lines[:1] + ["", sentence] + lines[1:])
    return sentence + "\n\n" + text
