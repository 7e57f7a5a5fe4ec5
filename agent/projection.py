"""A per-escalation projection of its clocks, so metrics over 100,000 escalations are SQL.

One row per escalation in `clock_projection`: each target's due time, when it was met and the
elapsed time in the clock's own measure (business minutes for business calendars). Whether a
pending target has since breached is decided at query time against `now`, so the projection
only goes stale when an event is appended; `refresh_stale` recomputes exactly those rows.
"""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone

from . import similar, sla
from . import store as store_module
from .errors import StoreLocked
from .policy import policy_from_json
from .schemas import Severity
from .store import events_by_escalation


NEVER = "9999"  # the next due moment of an open escalation whose clocks are all met: after every real one


def utc(moment: datetime | None) -> str | None:
    """One text form for every projected time, so they compare correctly as strings."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds") if moment else None


def row_for(number: int, policy_json: str, tier: str, opened_at: datetime, severity: Severity,
            events: list, now: datetime, dims: dict | None = None) -> dict:
    policy = policy_from_json(policy_json)
    history, clocks = sla.clocks_for(policy, tier, opened_at, severity, events, now)
    by = {c.name: c for c in clocks}
    fr, res, up = by["first_response"], by["resolution"], by["update"]
    # Only what had happened by `now` (clocks_for ignores later events too).
    csat = [e for e in events if e.kind == "csat" and e.at <= now]
    outcome = [e for e in events if e.kind == "outcome" and e.at <= now]
    judged_at = min(now, history.closed_at) if history.closed_at else now  # clocks stop at closure
    return {
        "escalation_id": number,
        # Compared with escalations.updated_at, which is stamped by agent.store.now().
        "projected_at": store_module.now().isoformat(),
        **(dims or {}),
        "first_response_due": utc(fr.due),
        "first_response_met_at": utc(fr.met_at),
        "first_response_minutes": round(fr.elapsed_minutes, 2) if fr.met_at else None,
        "first_response_target": fr.target_minutes,
        "resolution_due": utc(res.due),
        "resolution_met_at": utc(res.met_at),
        "resolution_minutes": round(res.elapsed_minutes, 2) if res.met_at else None,
        "resolution_target": res.target_minutes,
        "update_due": utc(up.due) if not up.met_at else None,
        # The board's order: the earliest unmet due time (NEVER when all are met; refresh_stale makes
        # it NULL while the record's status is closed), indexed so a board page is a LIMIT over it.
        "next_due": min((utc(c.due) for c in (fr, up, res) if c.due and not c.met_at), default=NEVER),
        # Closed update intervals only (between messages, and the one running at resolution); the
        # interval still running is judged against update_due at query time.
        "updates_sent": _closed_intervals(history, up, now),
        "updates_missed": up.missed - (1 if up.status == sla.BREACHED and not up.met_at else 0),
        "csat": csat[-1].data.get("score") if csat else None,
        "csat_at": utc(csat[-1].at) if csat else None,
        "outcome": outcome[-1].data.get("outcome") if outcome else None,
        "outcome_at": utc(outcome[-1].at) if outcome else None,
        "confirmed_at": utc(history.confirmed_at),
        # A paused clock's deadline moves with the pause: metrics do not count it as overdue.
        "paused": int(history.paused),
        # The severity each time was judged under (its target's), which may differ from today's.
        "first_response_severity": history.severity_at(fr.met_at or judged_at).value,
        "resolution_severity": history.severity_at(res.met_at or judged_at).value,
    }


def _closed_intervals(history: sla.History, up: sla.Clock, now: datetime) -> int:
    if up.target_minutes is None or not history.messages:
        return 0
    end = history.resolved_at or now
    sent = [m for m in history.messages if m <= end]
    return max(0, len(sent) - 1) + (1 if history.resolved_at and sent else 0)


def _events_by_escalation(db, ids: list[int]) -> dict[int, list]:
    return events_by_escalation(db, "SELECT value FROM json_each(?)", [json.dumps(ids)])


def refresh_stale(store, now: datetime) -> int:
    """Recompute the projection of every escalation changed since it was last projected."""
    db = store.db
    stale = [r[0] for r in db.execute(
        "SELECT e.id FROM escalations e LEFT JOIN clock_projection p ON p.escalation_id = e.id "
        "WHERE e.triage IS NOT NULL AND (p.escalation_id IS NULL OR p.projected_at < e.updated_at)"
    ).fetchall()]
    if not stale:
        return 0
    repeats = repeat_flags(db, stale)
    for chunk in range(0, len(stale), 2000):  # each chunk computed and written: memory flat with the count
        ids = stale[chunk : chunk + 2000]
        events = _events_by_escalation(db, ids)
        marks = ",".join("?" * len(ids))
        rows = []
        for r in db.execute(
            f"SELECT e.id, p.json, e.tier, e.opened_at, coalesce(e.triage_severity, json_extract(e.triage, '$.severity')), e.severity, e.type, "
            f"e.customer, coalesce(e.owner, ''), e.status FROM escalations e "
            f"JOIN policies p ON p.hash = e.policy WHERE e.id IN ({marks})", ids
        ).fetchall():
            dims = {"severity": r[5], "type": r[6], "customer": r[7], "owner": r[8], "tier": r[2],
                    "month": r[3][:7], "opened_at": r[3]}
            row = row_for(r[0], r[1], r[2], datetime.fromisoformat(r[3]), Severity(r[4]), events.get(r[0], []), now, dims)
            if r[9] == "closed":  # off the board: NULL is outside every board query's range of the index
                row["next_due"] = None
            row["is_repeat"] = int(repeats.get(row["escalation_id"], False))
            rows.append(row)
        try:
            with _briefly(store), store.transaction() as tx:  # derived: a chunk not yet written is stale next time
                tx["clock_projection"].upsert_all(rows, pk="escalation_id")
        except StoreLocked:
            # A reader does not wait on another process's write: it answers from the projection as it stands.
            left = len(stale) - chunk
            print(f"warning: {left} escalation(s) changed since their clocks were last projected are read as they were "
                  f"then: another process is writing to {store.path}; run again for up-to-date figures", file=sys.stderr)
            return chunk
    return len(stale)


@contextmanager
def _briefly(store, seconds: float = 0.25):
    """The projection's write waits a moment for the lock, not the whole busy timeout."""
    conn = store.db.conn
    if conn.in_transaction:  # inside the caller's transaction: its lock is held already
        yield
        return
    conn.execute(f"PRAGMA busy_timeout = {int(min(seconds, store.busy_timeout) * 1000)}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(store.busy_timeout * 1000)}")


def _by_customer(db, ids: list[int]):
    """The escalations of the customers of `ids` (case-blind), one customer's (opened_at, id,
    complaint) rows at a time: read in the customer index's order, never all complaints at once."""
    rows: list[tuple[str, int, str]] = []
    current = None
    for number, customer, opened, complaint in db.execute(
        "SELECT id, lower(customer), opened_at, complaint FROM escalations WHERE customer COLLATE NOCASE IN "
        "(SELECT DISTINCT customer FROM escalations WHERE id IN (SELECT value FROM json_each(?))) "
        "ORDER BY customer COLLATE NOCASE",
        [json.dumps(ids)],
    ):
        if customer != current and rows:
            yield rows
            rows = []
        current = customer
        rows.append((opened, number, complaint))
    if rows:
        yield rows


def repeat_flags(db, ids: list[int]) -> dict[int, bool]:
    """Same customer, similar complaint (agent.similar's definition), within 90 days before."""
    wanted = set(ids)
    out: dict[int, bool] = {}
    window = timedelta(days=similar.WINDOW_DAYS)
    for rows in _by_customer(db, ids):
        # By instant, not by text: opened_at keeps the offset it was given in.
        rows.sort(key=lambda row: (datetime.fromisoformat(row[0]), row[1]))
        terms: dict[int, set[str]] = {}

        def of(number: int, complaint: str) -> set[str]:
            if number not in terms:
                terms[number] = similar.terms(complaint)
            return terms[number]

        for i, (opened, number, complaint) in enumerate(rows):
            if number not in wanted:
                continue
            when = datetime.fromisoformat(opened)
            found = False
            for prev_opened, prev_number, prev_complaint in reversed(rows[max(0, i - 20) : i]):
                if when - datetime.fromisoformat(prev_opened) > window:
                    break
                if similar.similar_terms(of(number, complaint), of(prev_number, prev_complaint)):
                    found = True
                    break
            out[number] = found
    return out
