"""Export, then import anywhere: the same escalations, named the same way, whatever the receiving
database already holds. Each database names the escalations it opened `ESC-n@<its name>`; an export
numbers each line's events and drafts, and what an event names (the workaround it protects, the draft
it saved, the similar escalation it found) is read back into the ids the receiving database gives."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from agent import references, warroom
from agent.store import Store

from conftest import ok, run

OUTAGE = "Since 09:00 none of our 40 staff can log in to the dashboard; every attempt gives error 503."
AGAIN = "Again none of our staff can log in to the dashboard: error 503 on every attempt since this morning."


def _source(db) -> None:
    """A database with a lifecycle: triage (acknowledgment draft), ack, a workaround with its
    permanent-fix expectation, an update draft, and a second complaint that finds the first."""
    ok(db, "triage", "--text", OUTAGE, "--customer", "Acme", "--tier", "enterprise")
    ok(db, "ack", "ESC-1")
    ok(db, "workaround", "ESC-1", "Sign in at https://backup.example/login", "--permanent-fix-eta", "2026-12-20")
    ok(db, "draft", "ESC-1", "update")
    ok(db, "triage", "--text", AGAIN, "--customer", "Acme", "--tier", "enterprise")


def _count(db) -> int:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
    finally:
        conn.close()


def _export(db, tmp_path, name: str) -> str:
    path = tmp_path / name
    path.write_text(ok(db, "export"))
    return str(path)


def test_reimporting_a_databases_own_export_adds_nothing(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    assert "added 0 escalations with 0 events, 2 already present" in ok(a, "import", _export(a, tmp_path, "a.jsonl"))
    assert _count(a) == 2
    csv_path = tmp_path / "a.csv"
    csv_path.write_text(ok(a, "export", "--format", "csv"))
    assert "added 0 escalations" in ok(a, "import", str(csv_path))
    assert _count(a) == 2


def test_an_escalation_is_exported_as_its_id_here_and_the_id_it_keeps_everywhere(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    with Store(a) as s:
        name = s.identity()
    lines = [json.loads(line) for line in ok(a, "export").splitlines()]
    assert [(line["id"], line["external_id"]) for line in lines] == [("ESC-1", f"ESC-1@{name}"), ("ESC-2", f"ESC-2@{name}")]
    assert len(name) == 12 and int(name, 16) >= 0


def test_two_databases_that_both_opened_an_esc_1_import_side_by_side(tmp_path):
    a, b, c, d = (tmp_path / f"{x}.db" for x in "abcd")
    _source(a)
    ok(b, "triage", "--text", "Typo on the pricing page: 'recieve'.", "--customer", "Beta")
    ok(c, "import", _export(a, tmp_path, "a.jsonl"))
    ok(c, "import", _export(b, tmp_path, "b.jsonl"))
    assert _count(c) == 3
    # the mixed database's export names each once: it imports whole into a fourth, and again adds nothing
    mixed = _export(c, tmp_path, "c.jsonl")
    assert "added 3 escalations" in ok(d, "import", mixed)
    assert "added 0 escalations with 0 events, 3 already present" in ok(d, "import", mixed)
    # and back into the first: only B's escalation is new there
    assert "added 1 escalations" in ok(a, "import", mixed)


def test_an_import_into_a_database_with_its_own_escalations_keeps_what_each_event_names(tmp_path):
    a, target = tmp_path / "a.db", tmp_path / "target.db"
    _source(a)
    # the receiving database's own ESC-1 (with events and a draft) shifts every id the import gives
    ok(target, "triage", "--text", "Typo on the pricing page: 'recieve'.", "--customer", "Beta")
    ok(target, "import", _export(a, tmp_path, "a.jsonl"))
    with Store(a) as s:
        before = s.get("ESC-1"), s.get("ESC-2")
    with Store(target) as s:
        after = s.get("ESC-2"), s.get("ESC-3")
    # the workaround keeps its permanent-fix expectation (its protocol names the log event by id)
    assert [w["permanent_fix_eta"] for w in warroom.workarounds(after[0])] == \
        [w["permanent_fix_eta"] for w in warroom.workarounds(before[0])]
    assert warroom.workarounds(after[0])[0]["permanent_fix_eta"].date().isoformat() == "2026-12-20"
    # the drafts come with their text, and each draft_saved event reads its own draft
    assert {k: (d.subject, d.body) for k, d in after[0].drafts.items()} == \
        {k: (d.subject, d.body) for k, d in before[0].drafts.items()}
    assert set(after[0].drafts) == {"acknowledgment", "update"}
    saved = [(e.data["kind"], e.data["audience"], e.data["passed"]) for e in after[0].events if e.kind == "draft_saved"]
    assert saved == [(e.data["kind"], e.data["audience"], e.data["passed"]) for e in before[0].events if e.kind == "draft_saved"]
    # the engine that judged it, not "import"
    assert (after[0].engine.name, after[0].engine.requested) == (before[0].engine.name, before[0].engine.requested)
    assert after[0].engine.name == "offline"
    # the second complaint's similar match names the imported outage (ESC-2 here), not the target's ESC-1 typo
    found = [m["id"] for e in after[1].events if e.kind == "similar_found" for m in e.data["matches"]]
    assert found == ["ESC-2"]
    assert next(m for e in after[1].events if e.kind == "similar_found" for m in e.data["matches"])["customer"] == "Acme"


def test_a_match_to_an_escalation_the_receiving_database_lacks_is_dropped(tmp_path):
    a, target = tmp_path / "a.db", tmp_path / "target.db"
    _source(a)
    second = [line for line in ok(a, "export").splitlines() if json.loads(line)["id"] == "ESC-2"]
    path = tmp_path / "second.jsonl"
    path.write_text(second[0] + "\n")
    ok(target, "triage", "--text", "Typo on the pricing page: 'recieve'.", "--customer", "Beta")
    ok(target, "import", str(path))
    with Store(target) as s:
        imported = s.get("ESC-2")
    assert [m for e in imported.events if e.kind == "similar_found" for m in e.data["matches"]] == []


def test_an_event_naming_an_event_the_line_lacks_is_refused_and_nothing_stored(tmp_path):
    a, target = tmp_path / "a.db", tmp_path / "target.db"
    _source(a)
    line = json.loads(ok(a, "export").splitlines()[0])
    protocol = next(e for e in line["events"] if e["kind"] == "workaround_protocol")
    protocol["data"]["log_event_id"] = 99
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n")
    result = run(target, "import", str(path))
    assert result.exit_code == 2
    index = line["events"].index(protocol)
    assert f"line 1: events[{index}].data.log_event_id 99 names no event of this line" in result.stderr
    assert _count(target) == 0


@pytest.mark.parametrize("change, message", [
    (lambda line: line["events"][0].pop("n"), "some events have a number n and some do not"),
    (lambda line: line["events"][1].update(n=1), "two events have the same number n"),
    (lambda line: line["drafts"][0].update(n=0), "drafts[0].n must be a whole number from 1"),
    (lambda line: line["drafts"][0].pop("body"), "drafts[0].body is missing"),
    (lambda line: line.update(engine={"name": 7}), "engine.name"),
    (lambda line: [d.pop("n") for d in line["drafts"]], "data.draft_id 1 names no draft of this line"),
])
def test_a_malformed_numbered_line_names_what_is_wrong(tmp_path, change, message):
    a = tmp_path / "a.db"
    _source(a)
    line = json.loads(ok(a, "export").splitlines()[0])
    change(line)
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(line) + "\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_export_without_numbers_imports_as_before(tmp_path):
    """A file written before events were numbered (or by another tool): its references are kept as written."""
    line = {"id": "H-1", "customer": "Initech", "severity": "SEV-2", "summary": "Exports fail",
            "complaint": "Every export fails.", "opened_at": "2026-11-02T09:00:00+00:00",
            "events": [{"kind": "ack", "at": "2026-11-02T09:20:00+00:00"}]}
    path = tmp_path / "old.jsonl"
    path.write_text(json.dumps(line) + "\n")
    assert "added 1 escalations with 1 events" in ok(tmp_path / "t.db", "import", str(path))
    with Store(tmp_path / "t.db") as s:
        assert s.get("ESC-1").engine.name == "import"


def test_references_written_then_read_name_the_same_things():
    written = references.written("workaround_protocol", {"log_event_id": 41, "steps": "x"}, {41: 3}, {}, str)
    assert written == {"log_event_id": 3, "steps": "x"}
    assert references.read("workaround_protocol", written, {3: 108}, None, lambda ref: None) == \
        {"log_event_id": 108, "steps": "x"}
    saved = references.written("draft_saved", {"draft_id": 9, "kind": "update", "passed": True}, {}, {9: 2}, str)
    assert saved == {"draft_id": 2}
    assert references.read("draft_saved", saved, None, {2: 17}, lambda ref: None) == {"draft_id": 17}
    match = references.written("similar_found", {"matches": [{"id": "ESC-4", "score": 0.5}]}, {}, {},
                               lambda number: f"ESC-{number}@abc")
    assert match == {"matches": [{"id": "ESC-4", "score": 0.5, "ref": "ESC-4@abc"}]}
    assert references.read("similar_found", match, None, None, {"ESC-4@abc": 12}.get) == \
        {"matches": [{"id": "ESC-12", "score": 0.5}]}


def test_read_only_commands_do_not_wait_on_another_writer(tmp_path):
    db = tmp_path / "a.db"
    ok(db, "triage", "--text", OUTAGE, "--customer", "Acme")
    blocker = sqlite3.connect(db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    env = {**os.environ, "ESCALATE_BUSY_TIMEOUT": "0.2", "ESCALATE_OFFLINE_MODEL": "off"}
    try:
        for command in (["list"], ["show", "ESC-1"], ["status"], ["export"], ["commitments"]):
            done = subprocess.run([sys.executable, "-m", "agent", "--db", str(db), *command], env=env,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, (command, done.stderr)
        wrote = subprocess.run([sys.executable, "-m", "agent", "--db", str(db), "ack", "ESC-1"], env=env,
                               capture_output=True, text=True, timeout=60)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert wrote.returncode == 1
    assert wrote.stderr.strip() == (f"error: the database {db} is locked by another process (waited 0.2 s); "
                                    "try again, or raise ESCALATE_BUSY_TIMEOUT")
