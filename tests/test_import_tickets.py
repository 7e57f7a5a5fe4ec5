"""JSONL export carries the monthly ticket counts, so import reproduces the escalation rate."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

from agent import metrics, transfer
from agent.store import Store
from conftest import ok, run

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=timezone.utc)


def _source(tmp_path):
    db = tmp_path / "src.db"
    ok(db, "triage", "--text", "Nobody can log in, the whole site is down.", "--customer", "Acme",
       "--at", "2026-10-05T09:00:00+00:00")
    ok(db, "triage", "--text", "Exports are slow but we can work around it.", "--customer", "Initech",
       "--at", "2026-11-02T09:00:00+00:00")
    ok(db, "tickets", "--period", "2026-10", "--count", "40")
    ok(db, "tickets", "--period", "2026-11", "--count", "50")
    return db


def test_export_then_import_reproduces_the_escalation_rate(tmp_path):
    src = _source(tmp_path)
    with Store(src) as store:
        before = metrics.compute(store, now=NOW, by="month")
        buffer = io.StringIO()
        assert transfer.export(store, "jsonl", buffer) == 2
    lines = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert [line for line in lines if "tickets" in line] == [{"tickets": {"period": "2026-10", "count": 40}},
                                                            {"tickets": {"period": "2026-11", "count": 50}}]
    assert before["overall"]["escalation_rate"]["value"] == round(2 / 90, 3)
    path = tmp_path / "all.jsonl"
    path.write_text(buffer.getvalue())
    fresh = tmp_path / "fresh.db"
    assert "added 2 escalations" in ok(fresh, "import", str(path))
    with Store(fresh) as store:
        after = metrics.compute(store, now=NOW, by="month")
        assert dict(store.db.execute("SELECT period, count FROM tickets").fetchall()) == {"2026-10": 40, "2026-11": 50}
    assert after["overall"] == before["overall"]
    assert after["groups"] == before["groups"]
    again = ok(fresh, "import", str(path))
    assert "added 0 escalations with 0 events, 2 already present" in again


def test_a_bad_tickets_line_names_its_line(tmp_path):
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps({"tickets": {"period": "Nov 2026", "count": 5}}) + "\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2 and "line 1: tickets.period 'Nov 2026': use YYYY-MM" in result.stderr
    path.write_text(json.dumps({"tickets": {"period": "2026-11", "count": -1}}) + "\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2 and "line 1: tickets.count -1" in result.stderr
