"""The board one page at a time (agent/board_pages.py) orders and filters exactly as the whole
board (agent/board.py) does, and its "next 30 minutes" is board.due_within's."""

from __future__ import annotations

from datetime import timedelta

from agent import board, board_pages, lifecycle
from agent.engines import get_engine
from agent.store import now
from agent.triage import triage_complaint

OUTAGE = "Production is down: nobody at our company can log in, 400 agents blocked."
MINOR = "A typo on the billing page footer, cosmetic only."
SLOW = "Reports are slow to load for some users since yesterday; a workaround exists."


def _fill(store, policy):
    engine = get_engine("offline", policy=policy)
    t = now()
    made = []
    for i, (text, customer, ago) in enumerate([
        (OUTAGE, "Acme", 20), (MINOR, "Globex", 60), (SLOW, "Initech", 5), (OUTAGE, "Umbrella", 2),
        (MINOR, "Acme", 300), (SLOW, "Hooli", 90), (OUTAGE, "Stark", 14),
    ]):
        esc = triage_complaint(text=text, customer=customer, tier="enterprise" if i % 2 else "standard", store=store,
                               engine=engine, policy=policy, at=t - timedelta(minutes=ago))
        made.append(esc.id)
    lifecycle.step(store, made[0], "ack", actor="t")
    lifecycle.step(store, made[5], "ack", actor="t")
    lifecycle.step(store, made[6], "ack", actor="t")
    lifecycle.step(store, made[6], "resolve", actor="t")
    return made


def test_pages_follow_the_whole_boards_order(store, policy):
    _fill(store, policy)
    moment = now()
    whole = [r.id for r in board.build(store, moment)]
    rows, total = board_pages.page(store, moment, limit=100)
    assert [r.id for r in rows] == whole and total == len(whole) == 7
    paged = []
    for offset in range(0, total, 2):
        part, _ = board_pages.page(store, moment, offset=offset, limit=2)
        paged += [r.id for r in part]
    assert paged == whole


def test_page_filters_match_the_whole_board(store, policy):
    _fill(store, policy)
    moment = now()
    whole = board.build(store, moment)
    rows, total = board_pages.page(store, moment, severity="SEV-1")
    assert [r.id for r in rows] == [r.id for r in whole if r.severity.value == "SEV-1"] and total == len(rows) > 0
    rows, _ = board_pages.page(store, moment, customer="acm")
    assert [r.id for r in rows] == [r.id for r in whole if "acm" in r.customer.lower()]
    owner = whole[0].owner
    rows, _ = board_pages.page(store, moment, owner=owner.upper())
    assert [r.id for r in rows] == [r.id for r in whole if r.owner == owner]


def test_due_soon_is_due_within_of_the_whole_board(store, policy):
    made = _fill(store, policy)
    lifecycle.step(store, made[0], "pause", actor="t", reason="waiting for logs")  # acked, paused: not due
    moment = now()
    window = timedelta(minutes=30)
    expected = [r.id for r in board.due_within(board.build(store, moment), moment, window)]
    rows, count = board_pages.due_soon(store, moment, window)
    assert [r.id for r in rows] == expected and count == len(expected) > 0
    assert made[0] not in expected and made[3] in expected
    shown, _ = board_pages.page(store, moment, limit=3)  # the page's rows are reused, the rest built
    again, count_again = board_pages.due_soon(store, moment, window, known=shown)
    assert [r.id for r in again] == expected and count_again == count
    assert {id(r) for r in again} & {id(r) for r in shown}  # really the same objects


def test_a_new_event_moves_the_escalation_on_the_next_page_read(store, policy):
    made = _fill(store, policy)
    moment = now()
    board_pages.page(store, moment)  # projection up to date
    lifecycle.step(store, made[2], "ack", actor="t")
    later = now()
    rows, _ = board_pages.page(store, later, limit=100)
    assert [r.id for r in rows] == [r.id for r in board.build(store, later)]


def _next_due(store) -> dict[str, str | None]:
    from agent.store import format_id

    return {format_id(n): d for n, d in store.db.execute("SELECT escalation_id, next_due FROM clock_projection")}


def test_the_first_page_is_a_limit_over_the_next_due_index_not_a_sort(store, policy):
    _fill(store, policy)
    for filters in ({}, {"severity": "SEV-1"}, {"owner": "x"}, {"customer": "acme"}):
        sql, args = board_pages.page_sql(**filters)
        plan = " | ".join(r[3] for r in store.db.execute("EXPLAIN QUERY PLAN " + sql, [*args, 50, 0]))
        # walked in next_due order and stopped after the page (at most ties are sorted: "RIGHT PART OF ORDER BY")
        assert "idx_projection_board" in plan and "TEMP B-TREE FOR ORDER BY" not in plan, (filters, plan)


def test_next_due_is_the_earliest_unmet_due_time_never_when_all_are_met_and_null_once_closed(store, policy):
    from agent import projection

    made = _fill(store, policy)
    moment = now()
    board_pages.page(store, moment)
    due = _next_due(store)
    for row in board.build(store, moment):
        pending = [projection.utc(c.due) for c in row.clocks if c.due and not c.met_at]
        assert due[row.id] == min(pending, default=projection.NEVER), row.id
    lifecycle.step(store, made[6], "close", actor="t", force=True, reason="customer gone quiet")
    board_pages.page(store, now())
    assert _next_due(store)[made[6]] is None
    rows, total = board_pages.page(store, now(), limit=100)
    assert made[6] not in [r.id for r in rows] and total == 6


def test_the_migration_fills_next_due_exactly_as_the_projection_computes_it(store, policy):
    from agent import migrations

    made = _fill(store, policy)
    lifecycle.step(store, made[6], "close", actor="t", force=True, reason="customer gone quiet")
    board_pages.page(store, now())
    computed = _next_due(store)
    assert None in computed.values() and len(set(computed.values())) > 3
    store.db.execute("UPDATE clock_projection SET next_due = 'stale'")
    migrations.m051_board_next_due(store.db)
    assert _next_due(store) == computed
