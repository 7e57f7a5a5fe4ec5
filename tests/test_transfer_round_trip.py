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


def _first_line(db) -> dict:
    return json.loads(ok(db, "export").splitlines()[0])


def _file(tmp_path, *lines: dict) -> str:
    """The lines as a JSONL file to import."""
    path = tmp_path / "lines.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    return str(path)


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
    line = _first_line(a)
    protocol = next(e for e in line["events"] if e["kind"] == "workaround_protocol")
    protocol["data"]["log_event_id"] = 99
    path = _file(tmp_path, line)
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
    line = _first_line(a)
    change(line)
    path = _file(tmp_path, line)
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_export_without_numbers_imports_as_before(tmp_path):
    """A file written before events were numbered (or by another tool): its references are kept as written."""
    line = {"id": "H-1", "customer": "Initech", "severity": "SEV-2", "summary": "Exports fail",
            "complaint": "Every export fails.", "opened_at": "2026-11-02T09:00:00+00:00",
            "events": [{"kind": "ack", "at": "2026-11-02T09:20:00+00:00"}]}
    path = _file(tmp_path, line)
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
    blocker.execute("UPDATE escalations SET updated_at = '2999-01-01T00:00:00+00:00'")  # its clocks' projection stale
    blocker.execute("BEGIN IMMEDIATE")
    env = {**os.environ, "ESCALATE_BUSY_TIMEOUT": "0.2", "ESCALATE_OFFLINE_MODEL": "off"}
    try:
        for command in (["list"], ["show", "ESC-1"], ["status"], ["export"], ["commitments"]):
            done = subprocess.run([sys.executable, "-m", "agent", "--db", str(db), *command], env=env,
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, (command, done.stderr)
        # metrics answer from the projection as it stands, and say so, instead of waiting for the lock
        metrics = subprocess.run([sys.executable, "-m", "agent", "--db", str(db), "metrics", "--json"], env=env,
                                 capture_output=True, text=True, timeout=60)
        assert metrics.returncode == 0 and json.loads(metrics.stdout)["overall"]
        assert metrics.stderr.strip() == (f"warning: 1 escalation(s) changed since their clocks were last projected are read as "
                                          f"they were then: another process is writing to {db}; run again for up-to-date figures")
        wrote = subprocess.run([sys.executable, "-m", "agent", "--db", str(db), "ack", "ESC-1"], env=env,
                               capture_output=True, text=True, timeout=60)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert wrote.returncode == 1
    assert wrote.stderr.strip() == (f"error: the database {db} is locked by another process (waited 0.2 s); "
                                    "try again, or raise ESCALATE_BUSY_TIMEOUT")


def test_a_root_cause_seen_before_names_the_imported_escalation_like_a_similar_match():
    data = {"matches": [{"id": "ESC-1", "shared_terms": ["certificate"]}]}
    written = references.written("root_cause_recurs", data, {}, {}, lambda number: f"ESC-{number}@abc")
    assert references.read("root_cause_recurs", written, {}, {}, {"ESC-1@abc": 9}.get) == \
        {"matches": [{"id": "ESC-9", "shared_terms": ["certificate"]}]}
    # a match with no ref (an old file, an edited one) names nothing here: dropped, never this database's ESC-1
    assert references.read("root_cause_recurs", data, None, None, {"ESC-1@abc": 9}.get) == {"matches": []}


def test_what_a_line_cannot_resolve_names_nothing_here():
    """Without numbers or drafts, an event's ids are another database's: None, not the receiver's event or draft."""
    assert references.read("rca_answer", {"key": "identified", "event_id": 23}, None, None, lambda r: None)["event_id"] is None
    assert references.read("draft_saved", {"draft_id": 2}, {}, None, lambda r: None) == {"draft_id": None}
    # ... except a workaround protocol of an old file: the workaround logged last before it
    earlier = [(40, "log", {"kind": "action", "text": "x"}), (41, "log", {"kind": "workaround", "text": "y"}),
               (42, "commitment", {})]
    assert references.read("workaround_protocol", {"log_event_id": 8}, None, None, lambda r: None,
                           earlier=earlier)["log_event_id"] == 41


def test_a_line_without_its_drafts_does_not_borrow_the_receivers_drafts(tmp_path):
    a, target = tmp_path / "a.db", tmp_path / "target.db"
    _source(a)
    line = _first_line(a)
    del line["drafts"]
    path = _file(tmp_path, line)
    ok(target, "triage", "--text", "Typo on the pricing page: 'recieve'.", "--customer", "Beta")
    ok(target, "import", str(path))
    with Store(target) as s:
        imported = s.get("ESC-2")
    assert imported.drafts == {}
    assert [e.data["draft_id"] for e in imported.events if e.kind == "draft_saved"] == [None, None]


def test_events_are_stored_in_the_order_of_their_numbers_whatever_order_the_file_lists_them(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    line = _first_line(a)
    kinds = [e["kind"] for e in line["events"]]
    line["events"].reverse()
    path = _file(tmp_path, line)
    ok(tmp_path / "t.db", "import", str(path))
    assert [e["kind"] for e in json.loads(ok(tmp_path / "t.db", "export").splitlines()[0])["events"]] == kinds


def test_a_copy_of_a_database_that_went_on_by_itself_is_refused_not_dropped(tmp_path):
    first, copy = tmp_path / "first.db", tmp_path / "copy.db"
    ok(first, "triage", "--text", OUTAGE, "--customer", "Acme")
    ok(first, "backup", str(copy))
    ok(first, "triage", "--text", "Invoices are emailed twice to every customer.", "--customer", "Alpha")
    ok(copy, "triage", "--text", "Every API key returns 401 since the rotation.", "--customer", "Beta")
    result = run(first, "import", _export(copy, tmp_path, "copy.jsonl"))
    assert result.exit_code == 2
    assert "line 2: id 'ESC-2@" in result.stderr and "is already here as ESC-2, a different escalation (Alpha" in result.stderr
    assert _count(first) == 2


def test_an_id_in_this_databases_own_form_that_it_does_not_hold_is_refused(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    with Store(a) as s:
        name = s.identity()
    line = _first_line(a)
    line["external_id"] = f"ESC-77@{name}"
    path = _file(tmp_path, line)
    result = run(a, "import", str(path))
    assert result.exit_code == 2
    assert f"line 1: id 'ESC-77@{name}' names an escalation this database opened, and it holds none by that id" in result.stderr


def test_a_file_written_before_external_ids_reimported_here_adds_nothing_when_it_is_the_same_escalation(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    lines = [json.loads(line) for line in ok(a, "export").splitlines()]
    for line in lines:  # the shape of an export before external ids and numbers
        del line["external_id"]
        for e in line["events"]:
            del e["n"]
        del line["drafts"]
    path = tmp_path / "old.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert "added 0 escalations with 0 events, 2 already present" in ok(a, "import", str(path))
    lines[1]["customer"] = "Someone Else"  # an ESC-2 of another database: a new escalation here
    path.write_text("".join(json.dumps(line) + "\n" for line in lines))
    assert "added 1 escalations" in ok(a, "import", str(path))


def test_a_repeated_id_names_both_lines(tmp_path):
    a = tmp_path / "a.db"
    _source(a)
    first = ok(a, "export").splitlines()[0]
    path = tmp_path / "dup.jsonl"
    path.write_text(first + "\n" + first + "\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2
    assert f"line 2: id '{json.loads(first)['external_id']}' appears twice in {path} (first on line 1)" in result.stderr


@pytest.mark.parametrize("field, value, message", [
    ("kind", "ransom note", "drafts[0].kind 'ransom note': choose one of acknowledgment, update"),
    ("audience", "everyone", "drafts[0].audience 'everyone': choose one of customer, internal, exec"),
])
def test_a_draft_of_a_kind_or_audience_this_tool_never_writes_is_refused(tmp_path, field, value, message):
    a = tmp_path / "a.db"
    _source(a)
    line = _first_line(a)
    line["drafts"][0][field] = value
    path = _file(tmp_path, line)
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2 and message in result.stderr


def test_a_csv_time_before_the_escalation_opened_is_refused(tmp_path):
    path = tmp_path / "h.csv"
    path.write_text("id,customer,severity,summary,complaint,opened_at,closed_at\n"
                    "T-1,Acme,SEV-2,Exports fail,Every export fails.,2026-11-20T09:00:00+00:00,2026-11-19T00:00:00+00:00\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2
    assert "line 2: closed_at '2026-11-19T00:00:00+00:00' is before the escalation opened (2026-11-20T09:00:00+00:00)" in result.stderr


def test_a_first_line_over_the_limit_is_named_as_such_not_as_an_unknown_format(tmp_path, monkeypatch):
    from agent import transfer

    monkeypatch.setattr(transfer, "MAX_LINE_CHARS", 1000)
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"id": "H-1", "complaint": "x" * 2000}) + "\n")
    result = run(tmp_path / "t.db", "import", str(path))
    assert result.exit_code == 2
    assert "line 1: 2," in result.stderr and "over the 1,000 limit for one line" in result.stderr


@pytest.mark.parametrize("value", ["abc", "-1", "nan", "100000"])
def test_a_busy_timeout_that_is_no_number_of_seconds_is_one_line(tmp_path, monkeypatch, value):
    monkeypatch.setenv("ESCALATE_BUSY_TIMEOUT", value)
    result = run(tmp_path / "t.db", "list")
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: ESCALATE_BUSY_TIMEOUT={value!r} is not a number of seconds from 0 to 86400; "
                                     "unset it or give one (default 5)")
