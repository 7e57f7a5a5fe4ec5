"""The store: migrations on open, append-only events, the complaint stored before the engine runs."""

from __future__ import annotations

import os
import sqlite3
import stat

import pytest
from hypothesis import given, strategies as st

from agent.engines.offline import OfflineEngine
from agent.errors import EngineError, NotFound
from agent.migrations import MIGRATIONS
from agent.store import Store
from agent.triage import triage_complaint
from conftest import OPENED

COMPLAINT = "Since 8am every request to your API returns 503 and none of our 120 drivers can see their routes."


def test_open_applies_migrations_once_and_enables_wal(db_path):
    Store(db_path).close()
    with Store(db_path) as store:
        names = [r["name"] for r in store.db.query("SELECT name FROM _migrations ORDER BY rowid")]  # applied in list order
        assert names == [fn.__name__ for fn in MIGRATIONS]
        assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert {"escalations", "events", "model_calls", "drafts"} <= set(store.db.table_names())
        assert "escalations_fts" in store.db.table_names()


def test_db_file_is_private_to_its_owner(db_path):
    Store(db_path).close()
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


def test_triage_stores_escalation_events_and_draft(store, policy):
    esc = triage_complaint(text=COMPLAINT, customer="Routely", tier="business", store=store,
                           engine=OfflineEngine(policy), policy=policy, at=OPENED)
    assert esc.id == "ESC-1"
    assert esc.severity.value == "SEV-1"
    assert [e.kind for e in esc.events] == ["opened", "triaged", "draft_saved"]
    assert esc.drafts["acknowledgment"].subject.startswith("[URGENT] We're on it - ")
    hits = list(store.db["escalations"].search("drivers"))
    assert [h["id"] for h in hits] == [1]


def test_nothing_is_stored_while_the_engine_judges(store, policy):
    class Exploding:
        name = "anthropic"
        model = "x"

        def triage(self, request, signals):
            rows = list(store.db.query("SELECT complaint, status FROM escalations"))
            assert rows == []  # judge first, then write once: no half-made escalation to orphan
            raise EngineError("simulated outage of the model", calls=[])

    esc = triage_complaint(text=COMPLAINT, customer="Routely", tier="business", store=store,
                           engine=Exploding(), policy=policy, at=OPENED)
    assert esc.engine.name == "offline"
    assert esc.engine.requested == "anthropic"
    assert esc.engine.fallback_reason == "simulated outage of the model"
    assert esc.severity.value == "SEV-1"


def test_events_are_append_only_history(store, policy):
    triage_complaint(text=COMPLAINT, customer="A", tier="standard", store=store, engine=OfflineEngine(policy),
                     policy=policy, at=OPENED)
    triage_complaint(text="Our invoices show the wrong VAT number.", customer="B", tier="standard", store=store,
                     engine=OfflineEngine(policy), policy=policy, at=OPENED)
    before = [tuple(r) for r in store.db.execute("SELECT id, escalation_id, kind, data FROM events ORDER BY id")]
    assert [(e[1], e[2]) for e in before] == [(1, "opened"), (1, "triaged"), (1, "draft_saved"),
                                              (2, "opened"), (2, "triaged"), (2, "draft_saved")]
    for statement in ("UPDATE events SET kind = 'closed' WHERE escalation_id = 1", "DELETE FROM events WHERE id = 1"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            store.db.execute(statement)
    assert [tuple(r) for r in store.db.execute("SELECT id, escalation_id, kind, data FROM events ORDER BY id")] == before


def test_interrupted_triage_is_reported_not_half_shown(store, policy):
    store.open_escalation(customer="A", tier="standard", contact=None, complaint="x", opened_at=OPENED,
                          timezone_name="UTC", requested_engine="offline", actor="test")
    with pytest.raises(NotFound, match="never triaged"):
        store.get("ESC-1")
    from agent import board

    assert board.build(store, OPENED) == []


def test_two_processes_can_open_and_write_the_same_file(db_path, policy):
    a, b = Store(db_path), Store(db_path)
    for s, customer in ((a, "A"), (b, "B"), (a, "C")):
        triage_complaint(text=COMPLAINT, customer=customer, tier="standard", store=s, engine=OfflineEngine(policy),
                         policy=policy, at=OPENED)
    with sqlite3.connect(db_path) as conn:
        assert [r[0] for r in conn.execute("SELECT customer FROM escalations ORDER BY id")] == ["A", "B", "C"]
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    a.close(), b.close()


def _old_summary(written: list[tuple[int, str]]) -> str:
    """kept_summary as it read a flat list of (number, kind)."""
    by: dict[int, list[str]] = {}
    for number, kind in written:
        by.setdefault(number, []).append(kind)
    return "kept " + "; ".join(f"ESC-{n} ({', '.join(dict.fromkeys(kinds))})" for n, kinds in by.items()) \
        + ", each written whole; nothing half-written"


@given(st.lists(st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["triaged", "ack", "draft_saved", "update"])),
                         max_size=6), max_size=6))
def test_what_was_kept_is_told_as_a_flat_list_of_writes_would_tell_it(transactions):
    """The interrupt message from the compact record (a number and a code of kinds per escalation and
    transaction) names the same escalations and kinds, in the same order, as the list of every write."""
    from agent import store as store_module

    record = store_module.Kept()
    for written in transactions:
        record.extend(written)
    flat = [pair for written in transactions for pair in written]
    grouped = []  # each transaction's writes, by escalation in the order it was first written
    for written in transactions:
        for number in dict.fromkeys(n for n, _ in written):
            grouped += [(number, kind) for n, kind in written if n == number]
    assert list(record) == grouped
    old, new = store_module.kept, record
    try:
        store_module.kept = new
        assert store_module.kept_summary() == (_old_summary(flat) if flat else "nothing was stored")
    finally:
        store_module.kept = old


def test_a_batch_of_rows_written_alike_keeps_one_code_for_their_kinds():
    from agent.store import Kept

    record = Kept()
    for n in range(1, 1001):
        record.extend([(n, "triaged"), (n, "sla_planned"), (n, "draft_saved")])
    assert (len(record.numbers), record.kinds) == (1000, [("triaged", "sla_planned", "draft_saved")])
    assert list(record)[:4] == [(1, "triaged"), (1, "sla_planned"), (1, "draft_saved"), (2, "triaged")]
