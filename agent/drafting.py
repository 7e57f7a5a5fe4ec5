"""Drafts of the messages an escalation needs, filled from the record by prompts/messages/*.j2."""

from __future__ import annotations

import re
from datetime import datetime

from .policy import Policy
from .prompts import prompt_hash, render
from .schemas import Draft, SlaPlan, Triage

ACK_TEMPLATE = "messages/acknowledgment.j2"


def format_time(moment: datetime | None, tz_name: str) -> str:
    """'14:30 UTC on Tue 3 Nov': unambiguous for the reader, in their time zone."""
    if moment is None:
        return ""
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
_LEADING_TIME = re.compile(
    r"^(?:since|as of|from|starting)\s+[^,]*?(?:today|morning|afternoon|evening|night|yesterday|am|pm|\d)\s*,?\s+", re.IGNORECASE
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


def headline(summary: str, limit: int = 72) -> str:
    """A subject-line version of the summary: no leading 'Since 9am', no trailing clause."""
    line = _LEADING_TIME.sub("", summary).strip()
    line = re.split(r"\s[-–—]\s|;|:", line)[0].strip()
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0] + "…"
    line = second_person(line)
    return line[:1].upper() + line[1:]


def _impact_phrase(triage: Triage) -> str | None:
    users = triage.impact.users_affected
    money = triage.impact.revenue_at_risk
    parts = []
    if users.evidence != "unknown":
        parts.append(f"it affects {users.assessment}")
    if money.evidence != "unknown":
        parts.append(f"it puts {money.evidence} at risk")
    return " and ".join(parts) or None


def acknowledgment(*, escalation_id: str, customer: str, contact: str | None, owner: str, channel: str,
                   triage: Triage, sla: SlaPlan, policy: Policy) -> tuple[Draft, str]:
    """The playbook's Initial Acknowledgment. Returns the draft and the template hash."""
    issue = second_person(triage.summary.rstrip(".!?…"))
    workaround = next((q.answer for q in triage.questions if q.key == "workaround" and q.answer), None)
    follow_ups = [q.follow_up for q in triage.questions if q.follow_up][:3]
    text = render(
        ACK_TEMPLATE,
        urgent=triage.severity.rank <= 2,
        issue=headline(triage.summary),
        issue_lower=lower_first(issue),
        impact=_impact_phrase(triage),
        greeting=f"Hi {contact}" if contact else f"Hello {customer} team",
        escalation_id=escalation_id,
        severity=triage.severity.value,
        severity_rank=triage.severity.rank,
        severity_criteria=policy.for_severity(triage.severity).criteria,
        team=triage.routing.team,
        routing_tier=triage.routing.tier,
        stakeholders=", ".join(s for s in sla.stakeholders if s != "customer") or "our team",
        workaround=second_person(workaround.removeprefix("Yes: ")) if workaround and workaround.startswith("Yes: ") else None,
        next_update=format_time(sla.next_update_due, sla.timezone),
        resolution_due=format_time(sla.resolution_due, sla.timezone),
        follow_ups=follow_ups,
        owner=owner,
        channel=channel,
        signature=owner,
        company=policy.company.name,
    )
    subject, _, body = text.partition("\n")
    return Draft(kind="acknowledgment", subject=subject.strip(), body=body.strip() + "\n"), prompt_hash(ACK_TEMPLATE)
