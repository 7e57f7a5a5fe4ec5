"""The board one page at a time, read from the clock projection alone: each open escalation's next
due moment (`clock_projection.next_due`: its earliest unmet due time, NULL while closed), indexed
with its severity, id and whether it is paused. The projection is brought up to date first; a page
is then a LIMIT over that index (50 of 10,000 open escalations read 50 index entries, not a sort
of all of them), the counts are counts of it, and only the rows shown get their clocks and red
flags computed (agent/board.py).

The projection's due times are exact for running clocks: they move only when an event is
appended, and `refresh_stale` recomputes exactly those rows (the filters read its copies of the
severity, owner and customer, refreshed with them). A paused clock's due time moves with the
pause, so paused escalations sort by their due time at the last event; the rows of a page are
then ordered exactly as `board.build` orders them.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from . import board, projection
from .store import Store, format_id

# Overdue first, then the soonest due: the next due moment's own order (overdue ones are the earliest).
ORDER = "next_due, severity, escalation_id"


def _where(severity: str | None, owner: str | None, customer: str | None) -> tuple[str, list]:
    where, args = ["next_due IS NOT NULL"], []
    if severity:
        where.append("severity = ?")
        args.append(severity)
    if owner:
        where.append("lower(owner) = lower(?)")
        args.append(owner)
    if customer:
        where.append("instr(lower(customer), lower(?)) > 0")
        args.append(customer)
    return " AND ".join(where), args


def page(store: Store, now: datetime, *, offset: int = 0, limit: int = 50, severity: str | None = None,
         owner: str | None = None, customer: str | None = None, refresh: bool = True) -> tuple[list[board.Row], int]:
    """One page of the board (most urgent first) and how many open escalations match in all.
    refresh=False when the caller has just brought the projection up to date."""
    if refresh:
        projection.refresh_stale(store, now)
    where, args = _where(severity, owner, customer)
    total = store.db.execute(f"SELECT count(*) FROM clock_projection WHERE {where}", args).fetchone()[0]
    sql, args = page_sql(severity, owner, customer)
    ids = [r[0] for r in store.db.execute(sql, [*args, limit, offset])]
    return board.build(store, now, numbers=ids), total


def page_sql(severity: str | None = None, owner: str | None = None, customer: str | None = None) -> tuple[str, list]:
    """The query of a page's ids (LIMIT and OFFSET are its last two parameters)."""
    where, args = _where(severity, owner, customer)
    return f"SELECT escalation_id FROM clock_projection WHERE {where} ORDER BY {ORDER} LIMIT ? OFFSET ?", args


def due_soon(store: Store, now: datetime, window: timedelta, *, limit: int = 20, refresh: bool = True,
             known: list[board.Row] = ()) -> tuple[list[board.Row], int]:
    """What must happen within `window` (overdue included; paused clocks are not due), most urgent
    first: at most `limit` rows, and how many there are. Rows in `known` (the page just built at the
    same `now`) are used as they are instead of being built again.

    The projection picks the candidates: a running clock's due time is exact there, and a paused
    one's only moves later, so none is missed. An escalation with no paused clock is due exactly
    when its next due moment says so (counted over the index, the first `limit` read from it);
    those with one are checked by board.due_within."""
    if refresh:
        projection.refresh_stale(store, now)
    where, args = "next_due IS NOT NULL AND next_due <= ?", [projection.utc(now + window)]
    count = store.db.execute(f"SELECT count(*) FROM clock_projection WHERE {where} AND paused = 0", args).fetchone()[0]
    first = store.db.execute(f"SELECT escalation_id, next_due FROM clock_projection WHERE {where} AND paused = 0 "
                             f"ORDER BY next_due, escalation_id LIMIT ?", [*args, limit]).fetchall()
    paused = store.db.execute(f"SELECT escalation_id, next_due FROM clock_projection WHERE {where} AND paused != 0",
                              args).fetchall()
    have = {r.id: r for r in known}

    def rows_of(numbers: list[int]) -> list[board.Row]:
        built = board.build(store, now, numbers=[n for n in numbers if format_id(n) not in have])
        return sorted(built + [have[format_id(n)] for n in numbers if format_id(n) in have], key=board.urgency)

    due_paused = {r.id for r in board.due_within(rows_of([n for n, _ in paused]), now, window)}
    chosen = sorted(first + [(n, d) for n, d in paused if format_id(n) in due_paused], key=lambda r: (r[1], r[0]))
    return rows_of([n for n, _ in chosen[:limit]]), count + len(due_paused)
