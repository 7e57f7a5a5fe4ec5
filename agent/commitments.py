"""Commitments: dated promises to a customer, tracked until someone marks them done.

Recovery check-ins, the executive call, "tell the customer when the permanent fix ships": each is
an event `commitment` {n, what, due, owner, source}; `escalate done ESC-7 2` appends
`commitment_done` {n, note}. N counts from 1 within one escalation. A commitment past due and
not done is overdue, and the board raises the `no_follow_through` red flag for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from .errors import UsageError
from .schemas import Event
from .store import FUTURE_SLACK, Store, format_id, now, parse_id, serialised, usable
from .wording import format_time

EVENT, DONE = "commitment", "commitment_done"


@dataclass
class Commitment:
    escalation: str
    n: int
    what: str
    due: datetime
    owner: str
    source: str
    made_at: datetime
    done_at: datetime | None = None
    note: str | None = None
    customer: str | None = None
    timezone: str = "UTC"

    @property
    def id(self) -> str:
        return f"{self.escalation}#{self.n}"

    def status(self, moment: datetime) -> str:
        if self.done_at:
            return "done"
        return "overdue" if self.due < moment else "open"

    def as_dict(self, moment: datetime) -> dict:
        tz = ZoneInfo(self.timezone)
        return {
            "id": self.id, "n": self.n, "escalation": self.escalation, "customer": self.customer,
            "due": self.due.astimezone(tz).isoformat(), "owner": self.owner, "what": self.what,
            "status": self.status(moment), "source": self.source,
            "made_at": self.made_at.astimezone(tz).isoformat(),
            "done_at": self.done_at.astimezone(tz).isoformat() if self.done_at else None, "note": self.note,
        }

    def due_text(self) -> str:
        return format_time(self.due, self.timezone)


def checked_moment(opened_at: datetime, at: datetime | None, ident: str) -> datetime:
    """When something happened: given (--at) or now; never before the escalation opened, never in the future."""
    moment = at or now()
    if moment.tzinfo is None:
        raise UsageError("--at needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    if moment < opened_at:
        raise UsageError(f"--at {moment.isoformat()} is before {ident} opened ({opened_at.isoformat()})")
    if moment > now() + FUTURE_SLACK:
        raise UsageError(f"--at {moment.isoformat()} is in the future")
    return moment


def from_events(escalation: str, events: Iterable[Event], *, customer: str | None = None,
                timezone: str = "UTC") -> list[Commitment]:
    """The commitments an escalation's events made, with what has been done, in the order made."""
    made: dict[int, Commitment] = {}
    for e in sorted(events, key=lambda e: (e.id or 0)):
        if e.kind == EVENT:
            made[e.data["n"]] = Commitment(
                escalation=escalation, n=e.data["n"], what=e.data["what"], due=datetime.fromisoformat(e.data["due"]),
                owner=e.data.get("owner") or "unassigned", source=e.data.get("source", ""), made_at=e.at,
                customer=customer, timezone=timezone,
            )
        elif e.kind == DONE and e.data.get("n") in made:
            made[e.data["n"]].done_at = e.at
            made[e.data["n"]].note = e.data.get("note")
    return [made[n] for n in sorted(made)]


def overdue(events: Iterable[Event], moment: datetime) -> list[Commitment]:
    """Commitments past due and not done at `moment` (the `no_follow_through` red flag), as the
    events recorded up to `moment` tell it."""
    return [c for c in from_events("", [e for e in events if e.at <= moment]) if c.status(moment) == "overdue"]


def add(store: Store, number: int, items: list[dict], *, actor: str, at: datetime,
        then: Callable[[list[dict]], list[tuple[str, dict]]] | None = None) -> list[dict]:
    """Store commitments {what, due, owner, source} in one transaction, numbered inside it so two
    writers never hand out the same number. `then(stored)` may return more events (kind, data) to
    append in the same transaction, e.g. the plan that made the commitments."""
    with store.transaction() as db:
        (count,) = db.execute("SELECT count(*) FROM events WHERE escalation_id = ? AND kind = ?", [number, EVENT]).fetchone()
        stored = []
        for n, item in enumerate(items, count + 1):
            data = {"n": n, "what": item["what"], "due": item["due"].isoformat(), "owner": item["owner"],
                    "source": item.get("source", "")}
            store._event(db, number, EVENT, actor, at, data)
            stored.append(data)
        for kind, data in (then(stored) if then else []):
            store._event(db, number, kind, actor, at, data)
        db["escalations"].update(number, {"updated_at": now().isoformat()})
    return stored


@serialised
def mark_done(store: Store, ident: str, n: int, *, at: datetime | None = None, actor: str = "cli",
              note: str | None = None) -> Commitment:
    number = parse_id(ident)
    row = store.row(number)
    esc_id = format_id(number)
    moment = checked_moment(datetime.fromisoformat(row["opened_at"]), at, esc_id)
    made = {c.n: c for c in from_events(esc_id, store.events(number), customer=row["customer"], timezone=row["timezone"])}
    if n not in made:
        known = f"it has {', '.join(f'#{k}' for k in made)}" if made else "it has none yet (`escalate recovery` or `escalate workaround` make them)"
        raise UsageError(f"{esc_id} has no commitment #{n}: {known}; `escalate commitments` lists them")
    if made[n].done_at:
        raise UsageError(f"{esc_id} commitment #{n} is already done ({made[n].done_at.isoformat()})")
    if moment < made[n].made_at:
        raise UsageError(f"--at {moment.isoformat()} is before commitment #{n} was made ({made[n].made_at.isoformat()})")
    store.append(number, DONE, actor=actor, at=moment, data={"n": n, "note": (note or "").strip() or None})
    c = made[n]
    c.done_at, c.note = moment, (note or "").strip() or None
    return c


def list_all(store: Store, ident: str | None = None) -> list[Commitment]:
    """Every commitment (of one escalation, or all), soonest due first."""
    where, args = "", []
    if ident is not None:
        number = parse_id(ident)
        store.row(number)  # unknown id: a clear error
        where, args = " AND x.id = ?", [number]
    by_escalation: dict[int, list[Event]] = {}
    meta: dict[int, tuple[str, str]] = {}
    for e in store.db.query(
        "SELECT e.id, e.escalation_id, e.at, e.actor, e.kind, e.data, x.customer, x.timezone FROM events e "
        f"JOIN escalations x ON x.id = e.escalation_id WHERE e.kind IN (?, ?){where} ORDER BY e.id",
        [EVENT, DONE, *args],
    ):
        if (data := usable(e["escalation_id"], e["id"], e["kind"], e["at"], e["data"])) is None:
            continue  # one warning; the rest of the log still reads
        meta[e["escalation_id"]] = (e["customer"], e["timezone"])
        by_escalation.setdefault(e["escalation_id"], []).append(
            Event(id=e["id"], escalation_id=e["escalation_id"], at=e["at"], actor=e["actor"], kind=e["kind"], data=data))
    out = []
    for number, events in by_escalation.items():
        customer, tz = meta[number]
        out += from_events(format_id(number), events, customer=customer, timezone=tz)
    out.sort(key=lambda c: (c.due, c.escalation, c.n))
    return out


def append_events(store: Store, number: int, events: list[tuple[str, dict]], *, actor: str, at: datetime) -> None:
    """Several events of one escalation in one transaction."""
    with store.transaction() as db:
        for kind, data in events:
            store._event(db, number, kind, actor, at, data)
        db["escalations"].update(number, {"updated_at": now().isoformat()})
