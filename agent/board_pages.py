"""The board one page at a time: the order comes from the clock projection (each open escalation's
next due moment, `clock_projection.next_due`, indexed with its severity and id), brought up to date
first, and only the rows shown get their clocks and red flags computed (agent/board.py). The first
page of 10,000 open escalations is a LIMIT 50 over that index, not a sort of all of them.

The projection's due times are exact for running clocks: they move only when an event is
appended, and `refresh_stale` recomputes exactly those rows. A paused clock's due time moves
with the pause, so paused escalations sort by their due time at the last event; the rows of a
page are then ordered exactly as `board.build` orders them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import board, projection
from .store import Store, format_id

# Overdue first, then the soonest due: the next due moment's own order (overdue ones are the earliest).
ORDER = "p.next_due, p.severity, p.escalation_id"


def _where(severity: str | None, owner: str | None, customer: str | None) -> tuple[str, list]:
    where, args = ["p.next_due IS NOT NULL", "e.triage IS NOT NULL", "e.status != 'closed'"], []
    # The filters read the projection's copies (brought up to date with the record on every refresh).
    if severity:
        where.append("p.severity = ?")
        args.append(severity)
    if owner:
        where.append("lower(p.owner) = lower(?)")
        args.append(owner)
    if customer:
        where.append("instr(lower(p.customer), lower(?)) > 0")
        args.append(customer)
    return " AND ".join(where), args


# A page: CROSS JOIN keeps the projection the outer loop, so the ORDER BY walks idx_projection_next_due
# and stops after the page. A count: the triaged escalations' small covering index (idx_escalations_triaged)
# drives it, never their rows.
BASE = "FROM clock_projection p CROSS JOIN escalations e ON e.id = p.escalation_id WHERE "
COUNT = "FROM escalations e CROSS JOIN clock_projection p ON p.escalation_id = e.id WHERE "


def page(store: Store, now: datetime, *, offset: int = 0, limit: int = 50, severity: str | None = None,
         owner: str | None = None, customer: str | None = None, refresh: bool = True) -> tuple[list[board.Row], int]:
    """One page of the board (most urgent first) and how many open escalations match in all.
    refresh=False when the caller has just brought the projection up to date."""
    if refresh:
        projection.refresh_stale(store, now)
    where, args = _where(severity, owner, customer)
    total = store.db.execute(f"SELECT count(*) {COUNT}{where}", args).fetchone()[0]
    sql, args = page_sql(severity, owner, customer)
    ids = [r[0] for r in store.db.execute(sql, [*args, limit, offset])]
    return board.build(store, now, numbers=ids), total


def page_sql(severity: str | None = None, owner: str | None = None, customer: str | None = None) -> tuple[str, list]:
    """The query of a page's ids (LIMIT and OFFSET are its last two parameters)."""
    where, args = _where(severity, owner, customer)
    return f"SELECT p.escalation_id {BASE}{where} ORDER BY {ORDER} LIMIT ? OFFSET ?", args


def due_soon(store: Store, now: datetime, window: timedelta, *, limit: int = 20,
             refresh: bool = True) -> tuple[list[board.Row], int]:
    """What must happen within `window` (overdue included; paused clocks are not due), most urgent
    first: at most `limit` rows, and how many there are.

    The projection picks the candidates: a running clock's due time is exact there, and a paused
    one's only moves later, so none is missed. An escalation with no paused clock is due exactly
    when its next due moment says so (counted in SQL, the first `limit` read over the index); those
    with one are checked by board.due_within."""
    if refresh:
        projection.refresh_stale(store, now)
    where, args = _where(None, None, None)
    where += " AND p.next_due <= ?"
    args.append(projection.utc(now + window))
    running = f"{where} AND p.paused = 0"
    count = store.db.execute(f"SELECT count(*) {COUNT}{running}", args).fetchone()[0]
    first = store.db.execute(f"SELECT p.escalation_id, p.next_due {BASE}{running} ORDER BY p.next_due, p.escalation_id "
                             f"LIMIT ?", [*args, limit]).fetchall()
    paused = store.db.execute(f"SELECT p.escalation_id, p.next_due {BASE}{where} AND p.paused != 0", args).fetchall()
    due_paused = {r.id for r in board.due_within(board.build(store, now, numbers=[n for n, _ in paused]), now, window)}
    chosen = sorted(first + [(n, d) for n, d in paused if format_id(n) in due_paused], key=lambda r: (r[1], r[0]))
    rows = board.build(store, now, numbers=[n for n, _ in chosen[:limit]])
    return rows, count + len(due_paused)
