"""The status board: every open escalation's clocks, its next deadline and its red flags."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from . import sla
from .policy import policy_from_json
from .schemas import Severity
from .store import Store, events_by_escalation, format_id, match_reason, parse_id
from .wording import format_time

FLAG_TEXT = {
    "delayed_acknowledgment": "first response breached",
    "under_severity": "the rules raised the engine's severity",
    "communication_gap": "customer update overdue",
    "premature_closure": "closed before the customer confirmed",
    "missing_rca": "SEV-1/2 closed without a completed RCA",
    "pattern_blindness": "same customer or a similar complaint within 90 days, or a root cause seen before",
    "no_follow_through": "a commitment to the customer is past due and not done",
    "notification_failed": "a notification could not be delivered after its retries",
}
NOTIFY_KINDS = ("notified", "notification_failed")  # events agent/notify.py appends
ACTION = {"first_response": "Acknowledge", "update": "Update", "resolution": "Resolve"}


# What the clocks and the red flags read; timeline notes, drafts and imports' stage events are skipped.
BOARD_EVENTS = (
    "ack", "update", "severity_changed", "pause", "resume", "resolved", "reopened", "confirmed", "closed",
    "correction", "similar_found", "root_cause_recurs", "rca_completed", "commitment", "commitment_done",
    "notified", "notification_failed",
)


@dataclass
class Flag:
    name: str
    detail: str

    def as_dict(self) -> dict:
        return {"flag": self.name, "meaning": FLAG_TEXT[self.name], "detail": self.detail}


@dataclass
class Row:
    id: str
    customer: str
    severity: Severity
    type: str
    status: str
    owner: str
    summary: str
    timezone: str
    opened_at: datetime
    paused: bool
    clocks: list[sla.Clock]
    flags: list[Flag] = field(default_factory=list)
    tier: str | None = None
    history: sla.History | None = None  # what the clocks were replayed from (the notifier reads deadlines' starts)
    policy: object = None  # the policy stored with the escalation (its calendars)
    notifications: list[dict] = field(default_factory=list)  # who was told what (agent/notify.py), oldest first
    next_event_at: datetime | None = None  # the first event recorded for after `now` (it changes the clocks then)

    @property
    def next_clock(self) -> sla.Clock | None:
        """The earliest deadline still to act on: running clocks first, a paused one only when all are paused.

        A clock met late (acknowledged after the deadline) is done, not next; a paused clock's due
        time is hypothetical ("if resumed now").
        """
        live = [c for c in self.clocks if c.due and not c.met_at and c.status in (sla.PENDING, sla.DUE_SOON, sla.BREACHED)]
        live = live or [c for c in self.clocks if c.due and not c.met_at and c.status == sla.PAUSED]
        return min(live, key=lambda c: c.due) if live else None

    @property
    def breached(self) -> list[sla.Clock]:
        return [c for c in self.clocks if c.status == sla.BREACHED and not c.met_at]

    def next_step(self) -> str | None:
        c = self.next_clock
        if not c:
            return None
        return f"{ACTION[c.name]} {self.customer} by {format_time(c.due, self.timezone)}"

    def as_dict(self) -> dict:
        tz = ZoneInfo(self.timezone)
        nxt = self.next_clock
        return {
            "id": self.id, "customer": self.customer, "severity": self.severity.value, "type": self.type,
            "status": self.status, "owner": self.owner, "paused": self.paused, "summary": self.summary,
            "opened_at": self.opened_at.astimezone(tz).isoformat(),
            "next_deadline": nxt.due.astimezone(tz).isoformat() if nxt else None,
            "next_step": self.next_step(),
            "clocks": [c.as_dict(tz) for c in self.clocks],
            "flags": [f.as_dict() for f in self.flags],
            "notifications": self.notifications,
        }


def flags_for(row: dict, events: list, clocks: list[sla.Clock], status: str,
              now: datetime | None = None) -> list[Flag]:
    by_name = {c.name: c for c in clocks}
    out: list[Flag] = []
    fr = by_name["first_response"]
    if fr.status == sla.BREACHED:
        out.append(Flag("delayed_acknowledgment", "acknowledged late" if fr.met_at else "not acknowledged yet"))
    for e in events:
        if e.kind == "correction" and e.data.get("field") == "severity":
            out.append(Flag("under_severity", f"{e.data.get('from')} → {e.data.get('to')} ({e.data.get('rule')})"))
            break
    up = by_name["update"]
    if up.status == sla.BREACHED or up.missed:
        out.append(Flag("communication_gap", f"{up.missed} update interval(s) overrun" if up.missed else "update overdue"))
    for e in events:
        if e.kind == "closed" and e.data.get("forced"):
            out.append(Flag("premature_closure", e.data.get("reason", "")))
    if status == "closed" and row["severity"] in ("SEV-1", "SEV-2") and not any(e.kind == "rca_completed" for e in events):
        out.append(Flag("missing_rca", "no completed RCA recorded"))
    for e in events:
        if e.kind == "similar_found" and e.data.get("matches"):
            m = e.data["matches"][0]
            out.append(Flag("pattern_blindness", f"{m['id']} ({m.get('reason') or match_reason(m)})"))
            break
    for e in events:
        if e.kind == "root_cause_recurs" and e.data.get("matches"):
            m = e.data["matches"][0]
            out.append(Flag("pattern_blindness", f"root cause seen before in {m['id']} ({m['reason']})"))
            break
    if now is not None:  # recovery and workaround promises (agent/commitments.py)
        from .commitments import overdue

        late = overdue(events, now)
        if late:
            out.append(Flag("no_follow_through", "; ".join(
                f"#{c.n} {c.what} (due {format_time(c.due, row.get('timezone') or 'UTC')})"
                for c in late)))
    failed = notification_failures([e for e in events if e.kind in NOTIFY_KINDS and (now is None or e.at <= now)])
    if failed:
        out.append(Flag("notification_failed", "; ".join(
            f"{d.get('recipient')} via {d.get('channel')}: {d.get('error')}" for d in failed)))
    return out


def notification_failures(events: list) -> list[dict]:
    """Notifications whose last delivery attempt failed (a later delivery of the same key clears it)."""
    last: dict[str, dict] = {}
    for e in events:
        for key in e.data.get("keys", []):
            last[key] = {**e.data, "failed": e.kind == "notification_failed"}
    seen, out = set(), []
    for d in last.values():
        if d["failed"] and d.get("delivery") not in seen:
            seen.add(d.get("delivery"))
            out.append(d)
    return out


def notifications_of(events: list, tz: ZoneInfo) -> list[dict]:
    return [{"at": e.at.astimezone(tz).isoformat(), "result": "delivered" if e.kind == "notified" else "failed",
             **{k: e.data.get(k) for k in ("recipient", "channel", "kind", "clock", "rung", "subject", "attempts", "error")}}
            for e in events]


def one(store: Store, number: int, now: datetime) -> Row:
    (row,) = build(store, now, include_closed=True, number=number)
    return row


def build(store: Store, now: datetime, *, include_closed: bool = False, number: int | None = None,
          numbers: list[int] | None = None) -> list[Row]:
    """Open escalations (and, if asked, closed ones) with clocks and flags, most urgent first;
    only `number`, or only those of `numbers` (a page of the board), when given."""
    where = "e.triage IS NOT NULL" + ("" if include_closed else " AND e.status != 'closed'")
    if number is not None:
        where += f" AND e.id = {int(number)}"
    if numbers is not None:
        if not numbers:
            return []
        where += f" AND e.id IN ({','.join(str(int(n)) for n in numbers)})"
    columns = ("id", "customer", "tier", "owner", "status", "severity", "type", "summary", "timezone", "opened_at",
               "policy", "initial_severity")
    rows = [dict(zip(columns, r)) for r in store.db.conn.execute(
        f"SELECT e.id, customer, tier, owner, status, severity, type, summary, timezone, opened_at, p.json, "
        f"coalesce(triage_severity, json_extract(triage, '$.severity')) FROM escalations e JOIN policies p ON p.hash = e.policy "
        f"WHERE {where}"
    )]
    events = events_by_escalation(store.db, f"SELECT e.id FROM escalations e WHERE {where}", kinds=BOARD_EVENTS) if rows else {}
    out = []
    for r in rows:
        policy = policy_from_json(r["policy"])
        opened = datetime.fromisoformat(r["opened_at"])
        if opened > now and number is None:
            continue  # the board as of `now` does not show what opened later
        mine = events.get(r["id"], [])
        history, clocks = sla.clocks_for(policy, r["tier"], opened, Severity(r["initial_severity"]), mine, now)
        out.append(Row(
            id=format_id(r["id"]), customer=r["customer"], severity=Severity(r["severity"]), type=r["type"],
            status=r["status"], owner=r["owner"], summary=r["summary"] or "", timezone=r["timezone"], opened_at=opened,
            paused=history.paused, clocks=clocks, flags=flags_for(r, mine, clocks, r["status"], now),
            tier=r["tier"], history=history, policy=policy,
            notifications=notifications_of([e for e in mine if e.kind in NOTIFY_KINDS and e.at <= now],
                                           ZoneInfo(r["timezone"])),
            next_event_at=min((e.at for e in mine if e.at > now), default=None),
        ))
    out.sort(key=urgency)
    return out


def urgency(row: Row):
    nxt = row.next_clock
    far = datetime.max.replace(tzinfo=sla.ZoneInfo("UTC")) - timedelta(days=1)
    return (not row.breached, nxt.due if nxt else far, row.severity.rank, parse_id(row.id))


def due_within(rows: list[Row], now: datetime, window: timedelta) -> list[Row]:
    """Rows with a running deadline (overdue included) within `window` of `now`; paused clocks are not due."""
    return [r for r in rows if r.next_clock and r.next_clock.status != sla.PAUSED and r.next_clock.due <= now + window]
