"""Which rungs of the escalation ladder are due now: pure, from the board's rows (no store, no network).

A deadline is one clock's commitment: the first response and resolution deadlines start at the
opening, each update deadline at the last customer-facing message; a severity change that re-plans
an unmet deadline makes it a new one. A pause moves a deadline but keeps it the same one, so a
rung that fired before the pause does not fire again after it.

- `percent = p` fires once p % of the target's open time is used (open minutes left ≤ (100 - p) %
  of the target); `minutes_before = m` once the deadline is m wall-clock minutes away or less.
  Both only before the deadline is breached.
- `breach = n` fires for each deadline breached now (and still unmet) once the escalation has n or
  more breached deadlines (a first response met late counts, and so does each missed update).
- Nothing is due while the escalation is paused. For a business-hours clock nothing is due while
  its calendar is closed, unless the rung says `outside_hours = true`.
- Each (deadline, rung, recipient) is due until it has been sent; when several rungs of one deadline
  are due for the same recipient at once (the notifier was not running), one message goes, for
  the most advanced, and covers the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from . import sla
from .notify_policy import Notifications, Rung

CLOCK_LABEL = {"first_response": "first response", "update": "customer update", "resolution": "resolution"}
TINY = timedelta(microseconds=1)


@dataclass
class Due:
    """One notification to send: a rung of the ladder for one deadline, to one recipient."""

    number: int
    escalation: str  # ESC-7
    clock: str
    deadline: datetime
    deadline_key: str
    rung: Rung
    recipient: str
    left_minutes: float  # wall-clock minutes to the deadline, negative once breached
    breaches: int
    keys: list[str] = field(default_factory=list)  # this rung's key first, then the ones it covers

    @property
    def key(self) -> str:
        return self.keys[0]

    @property
    def kind(self) -> str:
        return "breach" if self.rung.breach else "warning"


def key_of(number: int, deadline_key: str, rung: Rung, recipient: str) -> str:
    return f"ESC-{number}|{deadline_key}|{rung.trigger}|{recipient}"


def is_open(hours, moment: datetime) -> bool:
    return hours.always_open or next(hours.intervals(moment, moment + TINY), None) is not None


def next_open(hours, moment: datetime) -> datetime:
    first = next(hours.intervals(moment), None)
    return first[0] if first else moment


def breach_count(clocks: list[sla.Clock]) -> int:
    by_name = {c.name: c for c in clocks}
    return ((by_name["first_response"].status == sla.BREACHED) + (by_name["resolution"].status == sla.BREACHED)
            + by_name["update"].missed)


def deadline_key(clock: sla.Clock, history: sla.History) -> str:
    start = history.messages[-1] if clock.name == "update" else history.opened_at
    replans = [since for since, _ in history.severities[1:] if start < since < clock.due]
    return f"{clock.name}@{start.isoformat()}" + (f"~{replans[-1].isoformat()}" if replans else "")


def _advance(rung: Rung, target: float) -> float:
    """How close to (or past) the deadline a rung fires: smaller is later on the ladder."""
    if rung.breach:
        return -float(rung.breach)
    if rung.percent is not None:
        return target * (100 - rung.percent) / 100
    return float(rung.minutes_before)


def due_for_row(row, notifications: Notifications, now: datetime, sent: set[str] = frozenset()) -> list[Due]:
    """The rungs due now for one board row, minus the keys already `sent` (claimed)."""
    rungs = notifications.ladder_for(row.severity, row.tier)
    if not rungs or row.paused or row.history is None:
        return []
    number = int(row.id.removeprefix("ESC-"))
    planner = sla.planner(row.policy, row.tier)
    hours = planner.hours(row.severity)
    open_now: bool | None = None
    breaches: int | None = None
    picked: dict[tuple[str, str], tuple[float, Due]] = {}
    for clock in row.clocks:
        if clock.due is None or clock.met_at is not None or clock.status not in (sla.PENDING, sla.DUE_SOON, sla.BREACHED):
            continue
        breached = clock.status == sla.BREACHED
        candidates = [r for r in rungs if clock.name in r.clocks and bool(r.breach) == breached]
        if not candidates:
            continue
        dkey = None
        open_left = None
        for rung in candidates:
            if rung.breach:
                if breaches is None:
                    breaches = breach_count(row.clocks)
                if breaches < rung.breach:
                    continue
            elif rung.minutes_before is not None:
                if clock.left_minutes > rung.minutes_before:
                    continue
            else:
                if open_left is None:
                    open_left = hours.between(now, clock.due)
                if open_left > clock.target_minutes * (100 - rung.percent) / 100 + 1e-9:
                    continue
            if not rung.outside_hours:
                if open_now is None:
                    open_now = is_open(hours, now)
                if not open_now:
                    continue
            dkey = dkey or deadline_key(clock, row.history)
            advance = _advance(rung, clock.target_minutes or 0)
            for recipient in rung.notify:
                key = key_of(number, dkey, rung, recipient)
                if key in sent:
                    continue
                slot = (dkey, recipient)
                due = Due(number, row.id, clock.name, clock.due, dkey, rung, recipient, clock.left_minutes,
                          breaches if breaches is not None else breach_count(row.clocks), [key])
                if slot not in picked:
                    picked[slot] = (advance, due)
                    continue
                best_advance, best = picked[slot]
                if key in best.keys:
                    continue
                if advance < best_advance:  # the later rung speaks, and covers the earlier one
                    due.keys += best.keys
                    picked[slot] = (advance, due)
                else:
                    best.keys.append(key)
    return [due for _, due in picked.values()]


def due(rows, notifications: Notifications, now: datetime, sent: set[str] = frozenset()) -> list[Due]:
    out: list[Due] = []
    if not notifications.ladder and not notifications.tiers:
        return out
    for row in rows:
        out += due_for_row(row, notifications, now, sent)
    return out


def quiet_until(row, notifications: Notifications, now: datetime, sent: set[str]) -> datetime | None:
    """A moment before which nothing new can come due for this row unless a new event is recorded
    (None: nothing ever will). A lower bound: the notifier may skip the row until then.

    A percent rung needs at least (open minutes left - its threshold) more open minutes, so at least as
    many wall-clock minutes; a minutes-before rung fires at due - m; a breach at the deadline; a rung
    due now but unsent (held back outside open hours) keeps the row awake."""
    rungs = notifications.ladder_for(row.severity, row.tier)
    bounds = [row.next_event_at] if row.next_event_at else []
    if not rungs or row.paused or row.history is None:
        return min(bounds, default=None)
    number = int(row.id.removeprefix("ESC-"))
    hours = sla.planner(row.policy, row.tier).hours(row.severity)
    for clock in row.clocks:
        if clock.due is None or clock.met_at is not None or clock.status not in (sla.PENDING, sla.DUE_SOON, sla.BREACHED):
            continue
        dkey = deadline_key(clock, row.history)
        open_left = None
        for rung in rungs:
            if clock.name not in rung.clocks or all(key_of(number, dkey, rung, who) in sent for who in rung.notify):
                continue
            if clock.status == sla.BREACHED:
                if rung.breach and breach_count(row.clocks) >= rung.breach:
                    # due now, or held back until the calendar opens
                    bounds.append(now if rung.outside_hours or is_open(hours, now) else next_open(hours, now))
                continue  # a breach-n rung not reached yet waits for another deadline, bounded below by its clock
            if rung.breach:
                bounds.append(clock.due)
            elif rung.minutes_before is not None:
                bounds.append(clock.due - timedelta(minutes=rung.minutes_before))
            else:
                if open_left is None:
                    open_left = hours.between(now, clock.due)
                threshold = clock.target_minutes * (100 - rung.percent) / 100
                bounds.append(now + timedelta(minutes=max(0.0, open_left - threshold)))
    return min(bounds, default=None)
