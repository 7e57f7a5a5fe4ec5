"""Status-page history is closed history: the first update of any stage is the first response,
and an incident with a 'resolved' update is closed then, so it never floods the open board."""

from __future__ import annotations

import json
from datetime import datetime, timezone

from agent import metrics
from agent.store import Store
from conftest import ok, run


def _incident(ident: str, updates: list[tuple[str, str]]) -> dict:
    return {"provider": "acme-cloud", "id": ident, "title": f"Incident {ident}", "text": "API errors for everyone",
            "severity": "SEV-2", "started_at": "2024-03-01T10:00:00+00:00", "closed_at": None,
            "updates": [{"stage": stage, "at": at, "text": stage} for stage, at in updates]}


def _import(tmp_path):
    path = tmp_path / "incidents.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (
        _incident("a", [("resolved", "2024-03-01T10:40:00+00:00")]),
        _incident("b", [("investigating", "2024-03-01T10:05:00+00:00"), ("monitoring", "2024-03-01T11:00:00+00:00"),
                        ("resolved", "2024-03-01T12:00:00+00:00"), ("postmortem", "2024-03-04T09:00:00+00:00")]),
        _incident("c", [("identified", "2024-03-01T10:20:00+00:00")]),
    )))
    db = tmp_path / "s.db"
    ok(db, "import", str(path), "--format", "statuspage")
    return db


def _events(store, number: int) -> list[tuple[str, str, dict]]:
    return [(k, at, json.loads(d)) for k, at, d in store.db.execute(
        "SELECT kind, at, data FROM events WHERE escalation_id = ? ORDER BY id", [number])]


def test_the_first_update_of_any_stage_is_the_first_response(tmp_path):
    db = _import(tmp_path)
    with Store(db) as store:
        a, b, c = (_events(store, n) for n in (1, 2, 3))
    assert ("ack", "2024-03-01T10:40:00+00:00") in [(k, at) for k, at, _ in a]  # first update 'resolved'
    assert [k for k, _, _ in b if k in ("ack", "update")] == ["ack", "update"]
    assert [(k, at) for k, at, _ in b if k == "ack"] == [("ack", "2024-03-01T10:05:00+00:00")]
    assert [(k, at) for k, at, _ in c if k == "ack"] == [("ack", "2024-03-01T10:20:00+00:00")]
    with Store(db) as store:
        result = metrics.compute(store, now=datetime(2024, 4, 1, tzinfo=timezone.utc))
    assert result["overall"]["first_response"]["SEV-2"]["n"] == 3


def test_a_resolved_incident_is_closed_when_resolved_and_leaves_the_open_board(tmp_path):
    db = _import(tmp_path)
    with Store(db) as store:
        a, b = _events(store, 1), _events(store, 2)
        statuses = dict(store.db.execute("SELECT id, status FROM escalations").fetchall())
    kinds = [k for k, _, _ in b]
    assert kinds.index("closed") == kinds.index("resolved") + 1  # closed right after resolved
    assert [(at, data) for k, at, data in b if k == "closed"] == [("2024-03-01T12:00:00+00:00", {"source": "status page"})]
    assert [(at, data) for k, at, data in a if k == "closed"] == [("2024-03-01T10:40:00+00:00", {"source": "status page"})]
    assert {"stage", "rca_completed"} <= set(kinds)  # the stage events and the postmortem stay
    assert statuses == {1: "closed", 2: "closed", 3: "acknowledged"}
    listed = ok(db, "list")
    assert "ESC-3" in listed and "ESC-1" not in listed and "ESC-2" not in listed
    board = ok(db, "status")
    assert "ESC-1" not in board and "ESC-2" not in board


POSTMORTEM = ("On November 8th between 5:42AM - 7:16AM PT a large portion of requests failed with 502 errors.\n"
              "The outage occurred due to routing layer nodes hitting memory limits and failing readiness checks. "
              "We are adding capacity.")


def _with_postmortem(tmp_path, text: str):
    row = _incident("p", [("resolved", "2024-03-01T12:00:00+00:00"), ("postmortem", "2024-03-04T09:00:00+00:00")])
    row["updates"][-1]["text"] = text
    path = tmp_path / "pm.jsonl"
    path.write_text(json.dumps(row) + "\n")
    db = tmp_path / "pm.db"
    ok(db, "import", str(path), "--format", "statuspage")
    return db


def test_a_postmortem_gives_its_cause_sentence_as_the_root_cause(tmp_path):
    db = _with_postmortem(tmp_path, POSTMORTEM)
    with Store(db) as store:
        done = [d for k, _, d in _events(store, 1) if k == "rca_completed"]
    assert done == [{"root_cause": "The outage occurred due to routing layer nodes hitting memory limits and failing readiness checks.",
                     "category": "unclassified", "source": "status page postmortem"}]
    result = run(db, "show", "ESC-1")
    assert result.exit_code == 0 and "skipped event" not in result.stderr  # every reader can use it
    pir = ok(db, "report", "ESC-1")
    assert "routing layer nodes hitting memory limits" in pir and "(from the status page postmortem)" in pir
    assert "Not identified yet" not in pir


def test_a_postmortem_without_a_cause_word_gives_its_opening(tmp_path):
    from agent.transfer import postmortem_rca

    assert postmortem_rca("A bad deploy. We rolled back. More soon.")["root_cause"] == "A bad deploy. We rolled back."
    assert postmortem_rca("Requests failed because a config flag was flipped without review. Fixed.") == {
        "root_cause": "Requests failed because a config flag was flipped without review.", "category": "process",
        "source": "status page postmortem"}
    assert postmortem_rca("  ")["root_cause"] == "the status page posted a postmortem without text"
    assert len(postmortem_rca("due to " + "x" * 900)["root_cause"]) == 500


def test_a_postmortem_recorded_by_an_older_import_is_read_without_a_warning(tmp_path):
    """Imports before the root cause was taken from the text wrote {"source": ...} alone; the log is
    append-only, so the readers take it as it is."""
    db = _with_postmortem(tmp_path, POSTMORTEM)
    with Store(db) as store:
        store.append(1, "rca_completed", actor="import", at=datetime(2024, 3, 5, tzinfo=timezone.utc),
                     data={"source": "status page postmortem"})
    result = run(db, "show", "ESC-1")
    assert result.exit_code == 0 and "skipped event" not in result.stderr
    assert "unreadable" not in ok(db, "doctor")


def test_imported_postmortems_make_a_prevention_plan_with_real_themes(tmp_path):
    rows = []
    for ident, cause in (("d1", "The root cause was an unexpected database failure."),
                         ("d2", "This was due to a database that became unavailable under load.")):
        row = _incident(ident, [("resolved", "2024-03-01T12:00:00+00:00"), ("postmortem", "2024-03-04T09:00:00+00:00")])
        row["updates"][-1]["text"] = cause
        rows.append(row)
    path = tmp_path / "two.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "two.db"
    ok(db, "import", str(path), "--format", "statuspage")
    plan = ok(db, "prevention", "technical")
    assert 'recurring theme "database" in ESC-1, ESC-2' in plan
    assert '"thi"' not in plan and '"due"' not in plan and '"cause"' not in plan  # no stop word is a theme
    assert "unclassified root causes (2: ESC-1, ESC-2): Read each one" in plan
    assert "matching category ()" not in plan
