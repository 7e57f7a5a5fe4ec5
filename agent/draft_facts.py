"""Facts a draft needs that are computed at the moment of drafting, never copied from an old plan:
the next update we can still promise, the requests still to answer, what an executive must decide.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from . import commitments, requests, sla
from .complaint import customer_words
from .policy import Policy
from .schemas import Escalation
from .wording import format_time, second_person

# The teams' names are ours; a customer hears who is working on it in plain words.
CUSTOMER_TEAM = {"technical": "our engineers", "service": "our support team", "business": "our account team",
                 "security": "our security team", "compliance": "our compliance team"}
REQUEST_SOURCE = "request:"


_IMPACT = re.compile(
    r"\b(?:losing|lost|cost(?:s|ing)?|revenue|per (?:hour|day)|an hour|a day|waiting|can't (?:sell|ship|work|trade)|"
    r"cannot (?:sell|ship|work|trade)|customers (?:are )?(?:leaving|waiting|complaining)|deadline|penalt|sla|orders|parcels|"
    r"shipments|sales|checkout|payroll|stopped|standstill|blocked|blocking)\b", re.IGNORECASE)


def states_impact(text: str) -> bool:
    """The customer already told us what it costs them (trucks waiting, 2,000 parcels an hour, lost sales)."""
    return bool(_IMPACT.search(text or ""))


def promised_update(esc: Escalation, policy: Policy, moment: datetime, due: datetime | None) -> datetime | None:
    """The next update time a draft at `moment` may promise: the clock's due time while it is ahead;
    once it has passed, one update interval from now (in the severity's calendar)."""
    if esc.status in ("resolved", "confirmed", "closed"):
        return None
    if due is not None and due > moment:
        return due
    minutes = policy.for_severity(esc.severity, esc.tier).update_every_minutes
    if not minutes:
        return None
    return sla.planner(policy, esc.tier).hours(esc.severity).add(moment, minutes)


def customer_texts(esc: Escalation) -> list[str]:
    """What the customer wrote: the complaint's own words, then each reply logged with --kind reply."""
    return [customer_words(esc.complaint), *(e.data.get("text", "") for e in esc.events
                                             if e.kind == "log" and e.data.get("kind") == "reply")]


@dataclass(frozen=True)
class Answer:
    kind: str
    words: str                 # what the customer asked, in their words
    sentence: str              # what the draft says back
    due: datetime | None       # the promise's time, when it makes one
    what: str | None           # the commitment's text, when it makes one
    existing: int | None = None  # the commitment already made for it (n), when one is still ahead


def answers(esc: Escalation, policy: Policy, moment: datetime, *, next_update: datetime | None, signer: str,
            senior: str, channel: str | None) -> list[Answer]:
    """One answer per open request: each promise dated, and the same promise restated while it is ahead."""
    tz = esc.sla.timezone
    made = {c.source.removeprefix(REQUEST_SOURCE): c for c in commitments.from_events(esc.id, esc.events, timezone=tz)
            if c.source.startswith(REQUEST_SOURCE)}
    soon = next_update or moment + timedelta(hours=1)
    out = []
    for r in requests.detect(customer_texts(esc)):
        prior = made.get(r.kind)
        if prior and prior.done_at:
            continue  # kept: nothing left to answer
        ahead = prior is not None and prior.due > moment
        due = prior.due if ahead else soon
        at = format_time(due, tz)
        if r.kind == "call":
            on = f" on {r.detail}" if r.detail else ""
            sentence, what = f"You asked for a call: {signer} will call you{on} by {at}.", f"call the customer{on}"
        elif r.kind == "senior":
            whom = "our " + r.detail if r.detail and r.detail.lower() not in ("senior", "more senior") else "someone senior"
            sentence = f"You asked to speak with {whom}: {senior} will call you by {at}."
            what = f"{senior} calls the customer ({r.detail or 'senior contact requested'})"
        elif r.kind == "written_rca":
            due = prior.due if ahead else max(esc.sla.resolution_due, moment) + timedelta(days=5)
            at = format_time(due, tz)
            sentence = f"You asked for a written root cause: you will have our written root cause report by {at}."
            what = "send the written root cause report"
        elif r.kind == "credit":
            detail = (r.detail or "credit").lower()
            asked = ("your money back" if detail == "money back" else "compensation" if detail == "compensation"
                     else "a reimbursement" if detail.startswith("reimburs") else f"a {detail}")
            sentence = f"You asked for {asked}: {senior} will reply to that request by {at}."
            what = f"answer the customer's {r.detail or 'credit'} request"
        elif r.kind == "deadline":
            sentence = f"You told us you need this {r.detail}: I will tell you by {at} whether we will meet it."
            what = f"tell the customer whether we meet their deadline ({r.detail})"
        elif r.kind == "explanation":
            detail = r.detail or "what happened"
            asked = f'"{detail}"' if detail.endswith("?") else second_person(detail[:1].lower() + detail[1:])
            sentence = f"You asked {asked}: I will tell you what we know by {at}."
            what = f"tell the customer {detail.rstrip('?')}"
        else:  # channel: a preference to follow, not a promise with a date
            out.append(Answer(r.kind, r.words, f"As you asked, we will keep you updated by {r.detail}.", None, None))
            continue
        out.append(Answer(r.kind, r.words, sentence, due, what, prior.n if ahead else None))
    return out


def promises(answers_made: list[Answer], *, owner: str) -> list[dict]:
    """The new dated promises a draft makes, as commitments-to-be (stored with the draft)."""
    return [{"what": a.what, "due": a.due.isoformat(), "owner": owner, "source": REQUEST_SOURCE + a.kind}
            for a in answers_made if a.due and a.what and a.existing is None]


def commit_sent(store, number: int, *, actor: str, at: datetime) -> None:
    """A customer message was sent (ack or update): the promises of the latest customer draft saved
    before it become dated commitments, each once."""
    events = store.events(number)
    last = next((e for e in sorted(events, key=lambda e: e.id or 0, reverse=True)
                 if e.kind == "draft_saved" and e.at <= at and e.data.get("audience", "customer") == "customer"
                 and e.data.get("kind") in ("acknowledgment", "update", "resolution", "apology", "summary")), None)
    if not last or not last.data.get("promises"):
        return
    known = {(c.source, c.due.isoformat()) for c in commitments.from_events("", events)}
    items = [{**p, "due": datetime.fromisoformat(p["due"])} for p in last.data["promises"]
             if (p["source"], p["due"]) not in known]
    if items:
        commitments.add(store, number, items, actor=actor, at=at)


def exec_decision(esc: Escalation, level: str, max_credit: int, resolved: bool) -> str:
    """The decision an executive is asked for, from the impact level and where the escalation stands."""
    if level in ("significant", "severe"):
        offer = f"up to {max_credit} month{'s' if max_credit != 1 else ''} of service credit" if max_credit else "no credit"
        meet = "an in-person meeting" if level == "severe" else "an executive call"
        return f"Approve {meet} with {esc.customer} and {offer} (the policy's limit at {level} impact)."
    if not resolved and esc.severity.rank <= 2:
        return f"Decide whether to join the next customer call with {esc.customer}; no gesture is due at {level} impact."
    return f"None needed now: {level} impact calls for an apology" + (" and a service credit" if max_credit else "") + "."
