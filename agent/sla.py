"""SLA clocks: the plan at triage, and every clock of an escalation replayed from its events.

Semantics (also in the README):
- first response: opening → first acknowledgment. Pauses never stop it.
- update: since the last customer-facing message (acknowledgment or update); starts at the
  acknowledgment, stops at resolution; "on change" (no cadence) has no periodic deadline.
- resolution: opening → resolved, minus paused time.
- Targets count in the severity's calendar (SEV-1/2 around the clock, SEV-3/4 business hours by
  default), in the calendar's own time zone.
- A severity change at time C re-plans every clock not yet met or breached: the new deadline is
  C + the new severity's target. When severity was raised and the old deadline was earlier, the
  earlier one stands. A clock already breached or met stays as it was.
- Clocks are evaluated as of a moment: events recorded after it do not count yet. A pause
  cannot hide a breach: a clock whose deadline passed before the pause began shows breached.
  An update interval still running at resolution counts as missed if it ran over.
- Closing (or resolving) ends a pause; a closed escalation's clocks stop at the closure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .businesstime import OpenHours, Pause, open_hours
from .errors import UsageError
from .policy import Policy
from .schemas import Event, Severity, SlaPlan, Tier

CUSTOMER_MESSAGES = ("ack", "update")
PENDING, DUE_SOON, MET, BREACHED, PAUSED, NOT_APPLICABLE = "pending", "due soon", "met", "breached", "paused", "n/a"


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(f"unknown time zone {name!r}: use an IANA name such as UTC, Europe/Berlin or America/New_York")


def plan(policy: Policy, severity: Severity, opened_at: datetime, timezone: str | None = None,
         tier: Tier | str | None = None) -> SlaPlan:
    """Deadlines for an escalation opened at `opened_at`, shown in the customer's time zone.

    The acknowledgment is drafted at triage time, so the first update it promises is due one
    update interval after opening; recording the real acknowledgment re-plans from when it was sent.
    """
    tz_name = timezone or policy.timezone
    tz = zone(tz_name)
    if opened_at.tzinfo is None:
        raise ValueError("opened_at must be timezone-aware")
    target = policy.for_severity(severity, tier)
    hours = open_hours(policy.calendar_for(severity, tier))
    every = target.update_every_minutes
    return SlaPlan(
        severity=severity,
        policy=policy.name,
        timezone=tz_name,
        opened_at=opened_at.astimezone(tz),
        first_response_due=hours.add(opened_at, target.first_response_minutes).astimezone(tz),
        next_update_due=hours.add(opened_at, every).astimezone(tz) if every else None,
        resolution_due=hours.add(opened_at, target.resolution_minutes).astimezone(tz),
        update_cadence=target.cadence_label,
        update_every_minutes=every,
        stakeholders=list(target.stakeholders),
    )


@dataclass
class History:
    """What the events say happened, in time order."""

    opened_at: datetime
    severities: list[tuple[datetime, Severity]]  # (from when, severity), first at opening
    messages: list[datetime] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)
    resolved_at: datetime | None = None
    confirmed_at: datetime | None = None
    closed_at: datetime | None = None

    @property
    def first_ack(self) -> datetime | None:
        return self.messages[0] if self.messages else None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1][1] is None

    def pauses_until(self, now: datetime) -> list[Pause]:
        """The pauses with an open one ended at `now`."""
        if self.paused:
            return [*self.pauses[:-1], (self.pauses[-1][0], max(now, self.pauses[-1][0]))]
        return self.pauses

    def severity_at(self, moment: datetime) -> Severity:
        if len(self.severities) == 1:
            return self.severities[0][1]
        current = self.severities[0][1]
        for since, severity in self.severities:
            if since <= moment:
                current = severity
        return current


def replay(opened_at: datetime, severity: Severity, events: list[Event]) -> History:
    h = History(opened_at=opened_at, severities=[(opened_at, severity)])
    for e in sorted(events, key=lambda e: (e.at, e.id or 0)):
        if e.kind in CUSTOMER_MESSAGES:
            h.messages.append(e.at)
        elif e.kind == "severity_changed":
            h.severities.append((e.at, Severity(e.data["to"])))
        elif e.kind == "pause":
            h.pauses.append((e.at, None))
        elif e.kind == "resume" and h.paused:
            h.pauses[-1] = (h.pauses[-1][0], e.at)
        elif e.kind == "resolved":
            h.resolved_at = e.at
            if h.paused:  # resolving ends a pause
                h.pauses[-1] = (h.pauses[-1][0], e.at)
        elif e.kind == "reopened":
            h.resolved_at = h.confirmed_at = h.closed_at = None
        elif e.kind == "confirmed":
            h.confirmed_at = e.at
        elif e.kind == "closed":
            h.closed_at = e.at
            if h.paused:  # so does closing
                h.pauses[-1] = (h.pauses[-1][0], e.at)
    return h


@dataclass
class Clock:
    name: str
    status: str
    due: datetime | None
    target_minutes: int | None
    calendar: str
    met_at: datetime | None = None
    elapsed_minutes: float | None = None
    left_minutes: float | None = None  # wall-clock minutes until due; negative when overdue
    missed: int = 0  # update intervals that ran over (update clock only)

    def as_dict(self, tz: ZoneInfo) -> dict:
        return {
            "name": self.name,
            "status": self.status,
            "due": self.due.astimezone(tz).isoformat() if self.due else None,
            "target_minutes": self.target_minutes,
            "calendar": self.calendar,
            "met_at": self.met_at.astimezone(tz).isoformat() if self.met_at else None,
            "elapsed_minutes": None if self.elapsed_minutes is None else round(self.elapsed_minutes, 1),
            "left_minutes": None if self.left_minutes is None else round(self.left_minutes, 1),
            "missed": self.missed,
        }


class ClockPlanner:
    """Evaluates the clocks of one escalation under the policy stored with it."""

    def __init__(self, policy: Policy, tier: Tier | str | None):
        self.policy = policy
        self.tier = tier
        self._hours: dict[Severity, OpenHours] = {}
        self._targets: dict[Severity, dict[str, int | None]] = {}
        self._warnings: dict[tuple[Severity, str], int] = {}

    def hours(self, severity: Severity) -> OpenHours:
        if severity not in self._hours:
            self._hours[severity] = open_hours(self.policy.calendar_for(severity, self.tier))
        return self._hours[severity]

    def warning(self, severity: Severity, clock: str) -> int:
        key = (severity, clock)
        if key not in self._warnings:
            self._warnings[key] = self.policy.for_severity(severity, self.tier).warning_for(self.target(severity, clock) or 0)
        return self._warnings[key]

    def target(self, severity: Severity, clock: str) -> int | None:
        if severity not in self._targets:
            p = self.policy.for_severity(severity, self.tier)
            self._targets[severity] = {"first_response": p.first_response_minutes, "update": p.update_every_minutes,
                                       "resolution": p.resolution_minutes}
        return self._targets[severity][clock]


    def deadline(self, h: History, clock: str, start: datetime, pauses: list[Pause], met_at: datetime | None) -> datetime | None:
        severity = h.severity_at(start)
        minutes = self.target(severity, clock)
        due = self.hours(severity).add(start, minutes, pauses) if minutes else None
        previous = severity
        for since, new in h.severities[1:]:
            if since <= start:
                continue
            if (met_at and since >= met_at) or (due and since >= due):
                break  # met or already breached: a later change does not rewrite it
            minutes = self.target(new, clock)
            new_due = self.hours(new).add(since, minutes, pauses) if minutes else None
            if new.rank < previous.rank and due and new_due:
                due = min(due, new_due)
            else:
                due = new_due
            previous = new
        return due

    def evaluate(self, h: History, now: datetime) -> list[Clock]:
        return [self.first_response(h, now), self.update(h, now), self.resolution(h, now)]

    def _status(self, clock: str, severity: Severity, due: datetime | None, met_at: datetime | None,
                now: datetime, paused: bool) -> tuple[str, float | None]:
        if due is None:
            return (MET if met_at else NOT_APPLICABLE), None
        left = (due - now).total_seconds() / 60
        if met_at:
            return (MET if met_at <= due else BREACHED), None
        if now > due:  # while paused the deadline is "resumed now + what is left", so this is a breach from before
            return BREACHED, left
        if paused:
            return PAUSED, None
        warn = self.warning(severity, clock)
        return (DUE_SOON if left <= warn else PENDING), left

    def _clock(self, name: str, h: History, start: datetime, met_at: datetime | None, now: datetime,
               pausable: bool) -> Clock:
        # While paused the deadline keeps moving: it is computed as if the clock resumed now.
        pauses = h.pauses_until(now) if pausable else []
        severity = h.severity_at(met_at or now)
        due = self.deadline(h, name, start, pauses, met_at)
        status, left = self._status(name, severity, due, met_at, now, pausable and h.paused)
        elapsed = self.hours(severity).between(start, met_at or now, pauses)
        return Clock(name, status, due, self.target(severity, name), self.policy.for_severity(severity, self.tier).calendar,
                     met_at=met_at, elapsed_minutes=elapsed, left_minutes=left)

    def first_response(self, h: History, now: datetime) -> Clock:
        return self._clock("first_response", h, h.opened_at, h.first_ack, now, pausable=False)

    def resolution(self, h: History, now: datetime) -> Clock:
        return self._clock("resolution", h, h.opened_at, h.resolved_at, now, pausable=True)

    def update(self, h: History, now: datetime) -> Clock:
        severity = h.severity_at(now)
        calendar = self.policy.for_severity(severity, self.tier).calendar
        if not h.messages:
            return Clock("update", NOT_APPLICABLE, None, self.target(severity, "update"), calendar)
        end = h.resolved_at or now
        sent = [m for m in h.messages if m <= end]
        if not sent:
            return Clock("update", NOT_APPLICABLE, None, self.target(severity, "update"), calendar)
        missed = 0
        pauses = h.pauses_until(now)
        changes = [since for since, _ in h.severities[1:]]
        for a, b in zip(sent, sent[1:]):
            minutes = self.target(h.severity_at(a), "update")
            if minutes and b - a <= timedelta(minutes=minutes) and not any(a < c < b for c in changes):
                continue  # sent within the cadence in wall time: open time and pauses only push the deadline later
            due = self.deadline(h, "update", a, pauses, None)
            missed += bool(due and b > due)
        if h.resolved_at:
            # The interval running at resolution: the customer waited too long if it was overdue by then.
            due = self.deadline(h, "update", sent[-1], pauses, None)
            missed += bool(due and h.resolved_at > due)
            return Clock("update", MET if not missed else BREACHED, None, self.target(severity, "update"), calendar,
                         met_at=sent[-1], missed=missed)
        clock = self._clock("update", h, sent[-1], None, now, pausable=True)
        clock.missed = missed + (clock.status == BREACHED)
        return clock



_PLANNERS: dict[tuple[int, str | None], tuple[Policy, "ClockPlanner"]] = {}


def planner(policy: Policy, tier: Tier | str | None) -> "ClockPlanner":
    """One planner per policy object and tier, so targets and calendars are looked up once."""
    key = (id(policy), str(tier) if tier is not None else None)
    hit = _PLANNERS.get(key)
    if hit is None or hit[0] is not policy:
        if len(_PLANNERS) > 256:
            _PLANNERS.clear()
        hit = _PLANNERS[key] = (policy, ClockPlanner(policy, tier))
    return hit[1]


def clocks_for(policy: Policy, tier: Tier | str | None, opened_at: datetime, severity: Severity,
               events: list[Event], now: datetime) -> tuple[History, list[Clock]]:
    """The clocks as of `now`: later events do not count yet, and a closed escalation's stop at its closure."""
    history = replay(opened_at, severity, [e for e in events if e.at <= now])
    if history.closed_at:
        now = min(now, history.closed_at)
    return history, planner(policy, tier).evaluate(history, now)


def humanize(minutes: float | None) -> str:
    if minutes is None:
        return "-"
    sign = "-" if minutes < 0 else ""
    m = abs(int(round(minutes)))
    d, rem = divmod(m, 24 * 60)
    hrs, mins = divmod(rem, 60)
    parts = [f"{d}d" if d else "", f"{hrs}h" if hrs else "", f"{mins}m" if mins or not (d or hrs) else ""]
    return sign + " ".join(p for p in parts if p)


def parse_duration(text: str) -> timedelta:
    """'30m', '2h', '1d', '90' (minutes) → timedelta."""
    raw = text.strip().lower()
    units = {"m": 1, "min": 1, "h": 60, "d": 1440}
    minutes = None
    for suffix in ("min", "m", "h", "d"):
        number = raw[: -len(suffix)].strip()
        if raw.endswith(suffix) and number.isascii() and number.replace(".", "", 1).isdigit():
            minutes = float(number) * units[suffix]
            break
    else:
        if raw.isascii() and raw.replace(".", "", 1).isdigit():
            minutes = float(raw)
    if minutes is None:
        raise UsageError(f"{text!r} is not a duration: use e.g. 30m, 2h or 1d")
    if minutes > MAX_DURATION_DAYS * 1440:
        raise UsageError(f"{text!r} is longer than {MAX_DURATION_DAYS:,} days: use a shorter window")
    return timedelta(minutes=minutes)


MAX_DURATION_DAYS = 3660  # ten years
