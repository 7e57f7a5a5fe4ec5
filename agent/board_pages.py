"""The board one page at a time: the order comes from the clock projection (SQL over each open
escalation's unmet due times, brought up to date first), and only the rows shown get their
clocks and red flags computed (agent/board.py). 10,000 open escalations, 50 a page.

The projection's due times are exact for running clocks: they move only when an event is
appended, and `refresh_stale` recomputes exactly those rows. A paused clock's due time moves
with the pause, so paused escalations sort by their due time at the last event; the rows of a
page are then ordered exactly as `board.build` orders them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import board, projection
from .store import Store, format_id

NEVER = "9999"
NEXT_DUE = (
    f"min(coalesce(CASE WHEN p.first_response_met_at IS NULL THEN p.first_response_due END, '{NEVER}'), "
    f"coalesce(p.update_due, '{NEVER}'), "
    f"coalesce(CASE WHEN p.resolution_met_at IS NULL THEN p.resolution_due END, '{NEVER}'))"
)


def _where(severity: str | None, owner: str | None, customer: str | None) -> tuple[str, list]:
    where, args = ["e.triage IS NOT NULL", "e.status != 'closed'"], []
    if severity:
        where.append("e.severity = ?")
        args.append(severity)
    if owner:
        where.append("lower(e.owner) = lower(?)")
        args.append(owner)
    if customer:
        where.append("instr(lower(e.customer), lower(?)) > 0")
        args.append(customer)
    return " AND ".join(where), args


def page(store: Store, now: datetime, *, offset: int = 0, limit: int = 50, severity: str | None = None,
         owner: str | None = None, customer: str | None = None, refresh: bool = True) -> tuple[list[board.Row], int]:
    """One page of the board (most urgent first) and how many open escalations match in all.
    refresh=False when the caller has just brought the projection up to date."""
    if refresh:
        projection.refresh_stale(store, now)
    where, args = _where(severity, owner, customer)
    now_utc = projection.utc(now)
    base = f"FROM escalations e JOIN clock_projection p ON p.escalation_id = e.id WHERE {where}"
    total = store.db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    ids = [r[0] for r in store.db.execute(
        f"SELECT e.id, {NEXT_DUE} AS next_due, substr(e.severity, 5) AS rank {base} "
        f"ORDER BY next_due >= ?, next_due, rank, e.id LIMIT ? OFFSET ?",
        [*args, now_utc, limit, offset])]
    return board.build(store, now, numbers=ids), total


def due_soon(store: Store, now: datetime, window: timedelta, *, limit: int = 20,
             refresh: bool = True) -> tuple[list[board.Row], int]:
    """What must happen within `window` (overdue included; paused clocks are not due), most urgent
    first: at most `limit` rows, and how many there are.

    The projection picks the candidates: a running clock's due time is exact there, and a paused
    one's only moves later, so none is missed. An escalation with no paused clock is due exactly
    when its candidate due time says so; those with one are checked by board.due_within."""
    projection.refresh_stale(store, now)
    where, args = _where(None, None, None)
    candidates = store.db.execute(
        f"SELECT e.id, p.paused, {NEXT_DUE} AS next_due FROM escalations e JOIN clock_projection p "
        f"ON p.escalation_id = e.id WHERE {where} AND next_due <= ? ORDER BY next_due >= ?, next_due, e.id",
        [*args, projection.utc(now + window), projection.utc(now)]).fetchall()
    paused = [n for n, p, _ in candidates if p]
    due_paused = {r.id for r in board.due_within(board.build(store, now, numbers=paused), now, window)}
    ids = [n for n, p, _ in candidates if not p or format_id(n) in due_paused]
    rows = board.build(store, now, numbers=ids[:limit])
    return rows, len(ids)
