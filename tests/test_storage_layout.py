"""The storage layout of m065 (agent/migrations.py, agent/store.py): lean event indexes, a draft_saved
event that names its draft instead of copying it, shorter recorded_at stamps, 8 KB pages for a new
file, and a streamed import. Every read path returns what it returned on the old layout."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime

import pytest

from agent import migrations, store as store_module
from agent.store import Store
from conftest import EXAMPLES, freeze_clock, ok, run

NOW = "2026-11-26T12:00:00+00:00"
HISTORY = [
    {"id": "H-1", "customer": "Initech", "tier": "business", "severity": "SEV-2", "type": "technical",
     "summary": "Exports fail", "complaint": "Every CSV export fails with a timeout since the upgrade.",
     "opened_at": "2026-11-02T09:00:00+00:00",
     "events": [{"kind": "ack", "at": "2026-11-02T09:20:00+00:00"},
                {"kind": "log", "at": "2026-11-02T11:00:00+00:00", "data": {"kind": "action", "text": "raised the timeout"}},
                {"kind": "resolved", "at": "2026-11-03T10:00:00+00:00"},
                {"kind": "csat", "at": "2026-11-03T12:00:00+00:00", "data": {"score": 4}}]},
]


def _old_writer(monkeypatch) -> None:
    """What the store wrote before m065: the draft_saved event held the draft's kind, verdict, findings
    count, engine and audience, and recorded_at had microseconds and +00:00."""
    real = Store._event

    def event(db, number, kind, actor, at, data):
        if kind == "draft_saved":
            d = db.conn.execute("SELECT kind, passed, findings, engine, audience FROM drafts WHERE id = ?",
                                [data["draft_id"]]).fetchone()
            data = {"kind": d[0], "draft_id": data["draft_id"], "passed": bool(d[1]), "findings": len(json.loads(d[2])),
                    "engine": d[3], "audience": d[4], **{k: v for k, v in data.items() if k != "draft_id"}}
        real(db, number, kind, actor, at, data)

    monkeypatch.setattr(Store, "_event", staticmethod(event))
    monkeypatch.setattr(store_module, "recorded_stamp", lambda: store_module.now().isoformat())


def _fill(db_path, tmp_path) -> None:
    ok(db_path, "triage", str(EXAMPLES / "login-outage.txt"), "--customer", "Acme", "--tier", "enterprise",
       "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech",
       "--at", "2026-11-25T10:00:00+00:00")
    ok(db_path, "triage", "--text", "Our CSV exports time out for every user since the upgrade.", "--customer",
       "Initech", "--at", "2026-11-25T11:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "log", "ESC-1", "checked the login service", "--kind", "action", "--at", "2026-11-25T09:30:00+00:00")
    ok(db_path, "log", "ESC-1", "noted before the last one", "--at", "2026-11-25T09:20:00+00:00")  # written later, earlier in time
    history = tmp_path / "history.jsonl"
    history.write_text("".join(json.dumps(h) + "\n" for h in HISTORY))
    ok(db_path, "import", str(history))


def _reads(db_path) -> dict:
    """What the read paths print: show (the whole record), the status board, the export, a report."""
    out = {f"show {n}": json.loads(ok(db_path, "show", n, "--json")) for n in ("ESC-1", "ESC-2", "ESC-3", "ESC-4")}
    out["status"] = json.loads(ok(db_path, "status", "--json", "--now", NOW))
    # each database names its own escalations by its random name (ESC-1@<name>): two databases differ there only
    out["export"] = [json.loads(re.sub(r"@[0-9a-f]{12}\b", "@<database>", line)) for line in ok(db_path, "export").splitlines()]
    out["report"] = run(db_path, "report", "ESC-1", "--kind", "pir").stdout
    return out


def _names(db_path, kind: str) -> set[str]:
    conn = sqlite3.connect(db_path)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = ?", [kind])}
    finally:
        conn.close()


def test_a_database_of_the_old_layout_migrates_and_every_read_path_returns_the_same(db_path, tmp_path, monkeypatch):
    freeze_clock(monkeypatch)  # `show` reads the clocks as of now: the same now before and after
    with monkeypatch.context() as old:
        old.setattr(migrations, "MIGRATIONS", [m for m in migrations.MIGRATIONS if m.__name__ != "m065_lean_indexes"])
        old.setattr(store_module, "PAGE_SIZE", 4096)
        _old_writer(old)
        _fill(db_path, tmp_path)
        before = _reads(db_path)
    assert {"idx_events_escalation_id_at", "idx_escalations_customer"} <= _names(db_path, "index")

    after = _reads(db_path)  # this open applies m065

    assert "idx_events_escalation" in _names(db_path, "index")
    assert not {"idx_events_escalation_id_at", "idx_escalations_customer"} & _names(db_path, "index")
    assert after == before
    saved = [e for e in after["show ESC-1"]["events"] if e["kind"] == "draft_saved"]
    assert list(saved[0]["data"]) == ["kind", "draft_id", "passed", "findings", "engine", "audience", "promises"]
    assert {k: saved[0]["data"][k] for k in ("kind", "draft_id", "engine", "audience")} == {
        "kind": "acknowledgment", "draft_id": 1, "engine": "offline", "audience": "customer"}
    assert saved[0]["data"]["promises"][0]["what"] == "call the customer"
    logs = [e["data"]["text"] for e in after["show ESC-1"]["events"] if e["kind"] == "log"]
    assert logs == ["noted before the last one", "checked the login service"]  # time order, not write order


def test_the_new_layout_reads_exactly_as_the_old_one_wrote(tmp_path, monkeypatch):
    freeze_clock(monkeypatch)
    old_db, new_db = tmp_path / "old.db", tmp_path / "new.db"
    with monkeypatch.context() as old:
        _old_writer(old)
        _fill(old_db, tmp_path)
        written_old = _reads(old_db)
    _fill(new_db, tmp_path)
    assert _reads(new_db) == written_old


def test_a_draft_saved_event_stores_its_draft_id_and_reads_back_whole(db_path):
    ok(db_path, "triage", "--text", "Exports fail for all 40 of our users.", "--customer", "Acme",
       "--at", "2026-11-25T09:00:00+00:00")
    conn = sqlite3.connect(db_path)
    (raw,) = conn.execute("SELECT data FROM events WHERE kind = 'draft_saved'").fetchone()
    (kind, passed, engine, audience) = conn.execute("SELECT kind, passed, engine, audience FROM drafts").fetchone()
    conn.close()
    assert json.loads(raw) == {"draft_id": 1}
    [event] = [e for e in json.loads(ok(db_path, "show", "ESC-1", "--json"))["events"] if e["kind"] == "draft_saved"]
    assert event["data"] == {"kind": kind, "draft_id": 1, "passed": bool(passed), "findings": 0, "engine": engine,
                             "audience": audience}
    assert list(event["data"]) == ["kind", "draft_id", "passed", "findings", "engine", "audience"]


def test_recorded_at_is_utc_to_the_second_and_reads_as_a_time(db_path):
    ok(db_path, "triage", "--text", "Exports fail for all 40 users.", "--customer", "Acme")
    conn = sqlite3.connect(db_path)
    stamps = [r[0] for r in conn.execute("SELECT recorded_at FROM events")]
    (sqlite_reads,) = conn.execute("SELECT count(*) FROM events WHERE julianday(recorded_at) IS NOT NULL").fetchone()
    conn.close()
    assert stamps and all(len(s) == 20 and s.endswith("Z") for s in stamps)
    assert all(datetime.fromisoformat(s).utcoffset().total_seconds() == 0 for s in stamps)
    assert sqlite_reads == len(stamps)


def test_a_new_database_has_8_kb_pages_and_an_old_one_keeps_its_own(tmp_path):
    Store(tmp_path / "new.db").close()
    conn = sqlite3.connect(tmp_path / "old.db")
    conn.execute("PRAGMA page_size = 4096")
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    Store(tmp_path / "old.db").close()
    sizes = {}
    for name in ("new.db", "old.db"):
        conn = sqlite3.connect(tmp_path / name)
        sizes[name] = conn.execute("PRAGMA page_size").fetchone()[0]
        conn.close()
    assert sizes == {"new.db": 8192, "old.db": 4096}


def test_export_then_import_then_export_gives_the_same_lines(db_path, tmp_path, monkeypatch):
    freeze_clock(monkeypatch)
    _fill(db_path, tmp_path)
    first = ok(db_path, "export")
    (tmp_path / "all.jsonl").write_text(first)
    again = tmp_path / "again.db"
    assert "added 4 escalations" in ok(again, "import", str(tmp_path / "all.jsonl"))
    assert [json.loads(line) for line in ok(again, "export").splitlines()] == [json.loads(line) for line in first.splitlines()]


def test_a_byte_that_is_not_utf8_on_a_later_line_is_named_by_its_offset_and_nothing_is_stored(db_path, tmp_path):
    good = json.dumps(HISTORY[0]) + "\n"
    bad = json.dumps({**HISTORY[0], "id": "H-2"}).replace("Exports fail", "Exports f\xe9il") + "\n"
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(good.encode() + bad.encode("latin-1"))
    result = run(db_path, "import", str(path))
    offset = len(good.encode()) + bad.encode("latin-1").index(b"\xe9")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines()[-1].endswith(f"is not UTF-8 (byte {offset}): save it as UTF-8")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0
    conn.close()


@pytest.mark.parametrize("second, message", [
    ({"id": "H-1"}, "id 'H-1' appears twice"),
    ({"id": "H-2", "severity": "SEV-9"}, "line 2: unknown severity 'SEV-9'"),
])
def test_a_bad_second_row_stores_nothing_of_the_first(db_path, tmp_path, second, message):
    path = tmp_path / "two.jsonl"
    path.write_text(json.dumps(HISTORY[0]) + "\n" + json.dumps({**HISTORY[0], **second}) + "\n")
    result = run(db_path, "import", str(path))
    assert result.exit_code == 2
    assert message in result.stderr
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    conn.close()


def test_a_dry_run_reads_the_whole_file_and_writes_nothing(db_path, tmp_path):
    path = tmp_path / "h.jsonl"
    path.write_text(json.dumps(HISTORY[0]) + "\n" + json.dumps({**HISTORY[0], "id": "H-2"}) + "\n")
    assert "would add 2 escalations with 8 events" in ok(db_path, "import", str(path), "--dry-run")
    conn = sqlite3.connect(db_path)
    assert conn.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0
    conn.close()
    assert "added 2 escalations with 8 events, 0 already present" in ok(db_path, "import", str(path))
    assert "added 0 escalations with 0 events, 2 already present" in ok(db_path, "import", str(path))
