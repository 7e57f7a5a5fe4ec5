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


def test_a_new_event_moves_the_escalation_on_the_next_page_read(store, policy):
    made = _fill(store, policy)
    moment = now()
    board_pages.page(store, moment)  # projection up to date
    lifecycle.step(store, made[2], "ack", actor="t")
    later = now()
    rows, _ = board_pages.page(store, later, limit=100)
    assert [r.id for r in rows] == [r.id for r in board.build(store, later)]
