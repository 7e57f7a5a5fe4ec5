"""Imported events meet the same contract the readers need (agent/event_data.py), checked before
anything is stored; import is one transaction per file; and a database that already holds an event
no reader can use (written by an older version) keeps working: readers skip it with one warning.

The malformed events are the battery's: each used to be committed and then break `status`, `list`,
`metrics`, `commitments` or `report status` for the whole database.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

from agent import event_data
from agent.store import Store
from conftest import ROOT, ok, run

AT = "2026-11-02T09:00:00+00:00"
LATER = "2026-11-02T10:00:00+00:00"
READERS = (["list"], ["status"], ["status", "--json"], ["metrics"], ["commitments"], ["export"], ["actions"])


def line(events: list[dict] | None = None, **fields) -> dict:
    base = {"id": "H-1", "customer": "Globex", "severity": "SEV-2", "opened_at": AT,
            "complaint": "Exports fail for every user since the upgrade.", "events": events or []}
    return {**base, **fields}


def write(tmp_path, rows: list[dict], name="history.jsonl"):
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def counts(db) -> tuple[int, int]:
    with Store(db) as store:
        return (store.db.execute("SELECT count(*) FROM escalations").fetchone()[0],
                store.db.execute("SELECT count(*) FROM events").fetchone()[0])


def readers_work(db) -> None:
    for command in READERS:
        result = run(db, *command)
        assert result.exit_code == 0, (command, result.output)
        assert "Traceback" not in result.output


GOOD_BEFORE = {"kind": "ack", "at": AT, "data": {}}
MALFORMED = [
    ({"kind": "severity_changed", "at": LATER, "data": {"to": "SEV-9"}}, "events[1] (severity_changed): data.to 'SEV-9' is not a severity"),
    ({"kind": "severity_changed", "at": LATER, "data": {}}, "events[1] (severity_changed): data.to None is not a severity"),
    ({"kind": "commitment", "at": LATER, "data": {"n": 1, "due": LATER}}, "events[1] (commitment): data.what must be non-empty text"),
    ({"kind": "commitment", "at": LATER, "data": {"n": 1, "what": "call back", "due": "never"}}, "events[1] (commitment): data.due 'never' is not an ISO 8601 time"),
    ({"kind": "commitment", "at": LATER, "data": {"n": "one", "what": "call", "due": LATER}}, "events[1] (commitment): data.n must be a whole number"),
    ({"kind": "commitment_done", "at": LATER, "data": {}}, "events[1] (commitment_done): data.n must be a whole number"),
    ({"kind": "log", "at": LATER, "data": {"kind": "rant", "text": "x"}}, "events[1] (log): data.kind 'rant' is not one of note"),
    ({"kind": "log", "at": LATER, "data": {"kind": "note"}}, "events[1] (log): data.text must be non-empty text"),
    ({"kind": "csat", "at": LATER, "data": {"score": 7}}, "events[1] (csat): data.score CSAT 7 is outside 1–5"),
    ({"kind": "csat", "at": LATER, "data": {"score": "five"}}, "events[1] (csat): data.score CSAT 'five' is outside 1–5"),
    ({"kind": "outcome", "at": LATER, "data": {"outcome": "happy"}}, "events[1] (outcome): data.outcome 'happy' is not one of retained"),
    ({"kind": "similar_found", "at": LATER, "data": {"matches": "ESC-1"}}, "events[1] (similar_found): data.matches must be a list"),
    ({"kind": "similar_found", "at": LATER, "data": {"matches": [{"reason": "x"}]}}, "events[1] (similar_found): data.matches[0].id must be non-empty text"),
    ({"kind": "closed", "at": LATER, "data": {"forced": "yes"}}, "events[1] (closed): data.forced must be true or false"),
    ({"kind": "warroom_opened", "at": LATER, "data": {"channel": "#x"}}, "events[1] (warroom_opened): data.commander must be non-empty text"),
    ({"kind": "action_status", "at": LATER, "data": {"n": 1, "to": "bogus"}}, "events[1] (action_status): data.to 'bogus' is not one of open"),
    ({"kind": "ack", "at": LATER, "data": ["not", "an", "object"]}, "events[1] (ack): data must be a JSON object"),
    ({"kind": "", "at": LATER, "data": {}}, "events[1].kind is missing"),
    ({"kind": 5, "at": LATER, "data": {}}, "events[1].kind must be text, not int 5"),
    ({"kind": "note", "at": "2026-11-02T10:00:00", "data": {}}, "events[1].at '2026-11-02T10:00:00' has no time zone offset"),
    ({"kind": "note", "at": "2026-11-01T10:00:00+00:00", "data": {}}, "events[1].at '2026-11-01T10:00:00+00:00' is before the escalation opened"),
    ({"kind": "note", "at": "2999-01-01T00:00:00+00:00", "data": {}}, "events[1].at '2999-01-01T00:00:00+00:00' is in the future"),
    ({"kind": "note", "at": LATER, "actor": ["a", "b"], "data": {}}, "events[1].actor must be text, not list"),
    ("just a string", "events[1] must be an object"),
]


@pytest.mark.parametrize("event, message", MALFORMED, ids=[m[1].split(":")[0][:40] + f"-{i}" for i, m in enumerate(MALFORMED)])
def test_a_malformed_event_names_its_line_and_field_and_stores_nothing(tmp_path, event, message):
    good = line(events=[GOOD_BEFORE], id="H-0")
    path = write(tmp_path, [good, line(events=[GOOD_BEFORE, event])])
    db = tmp_path / "d.db"
    result = run(db, "import", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: line 2: {message}"), result.stderr
    assert counts(db) == (0, 0)  # not even the good first line
    readers_work(db)
    again = run(db, "import", str(path))  # refused again, not "1 already present"
    assert again.exit_code == 2 and "already present" not in again.output


@pytest.mark.parametrize("fields, message", [
    ({"id": [1, 2]}, "line 1: id must be text or a whole number, not list [1, 2]"),
    ({"id": True}, "line 1: id must be text or a whole number, not bool True"),
    ({"id": 1.5}, "line 1: id must be text or a whole number, not float 1.5"),
    ({"complaint": float("nan")}, "line 1: complaint must be text, not float nan"),
    ({"customer": 42}, "line 1: customer must be text, not int 42"),
    ({"summary": ["a"]}, "line 1: summary must be text, not list"),
    ({"severity": 2}, "line 1: severity must be text, not int 2"),
    ({"opened_at": "0001-01-01T00:00:00+00:00"}, "line 1: opened_at '0001-01-01T00:00:00+00:00' is before 1990"),
    ({"opened_at": "1989-12-31T23:59:59+00:00"}, "line 1: opened_at '1989-12-31T23:59:59+00:00' is before 1990"),
    ({"opened_at": "2999-01-01T00:00:00+00:00"}, "line 1: opened_at '2999-01-01T00:00:00+00:00' is in the future"),
    ({"opened_at": "9999-12-31T00:00:00+00:00"}, "line 1: opened_at '9999-12-31T00:00:00+00:00' is in the future"),
    ({"opened_at": 20261102}, "line 1: opened_at 20261102 is not an ISO 8601 time"),
    ({"contact": {"name": "x"}}, "line 1: contact must be text, not dict"),
    ({"events": "ack"}, "line 1: events must be a list"),
])
def test_import_checks_types_like_triage(tmp_path, fields, message):
    db = tmp_path / "t.db"
    result = run(db, "import", str(write(tmp_path, [line(**fields)])))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith(f"error: {message}"), result.stderr
    assert counts(db) == (0, 0)


def test_an_integer_id_and_1990_are_accepted(tmp_path):
    db = tmp_path / "t.db"
    result = run(db, "import", str(write(tmp_path, [line(id=7, opened_at="1990-01-01T00:00:00+00:00")])))
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        assert store.db.execute("SELECT external_id FROM escalations").fetchall() == [("7",)]


def test_a_valid_event_of_every_checked_kind_imports(tmp_path):
    """The contract is not stricter than what this tool writes: the events of a lived escalation pass."""
    src = tmp_path / "src.db"
    ok(src, "triage", "--text", "Nobody can log in, the whole site is down.", "--customer", "Acme", "--at", AT)
    for args in (["ack", "ESC-1"], ["log", "ESC-1", "restarted", "--kind", "action"], ["severity", "ESC-1", "SEV-2", "--reason", "fewer users"],
                 ["pause", "ESC-1", "--reason", "logs"], ["resume", "ESC-1"], ["resolve", "ESC-1", "--summary", "fixed"],
                 ["confirm", "ESC-1"], ["csat", "ESC-1", "4"], ["outcome", "ESC-1", "retained"], ["close", "ESC-1"]):
        ok(src, *args, "--at", LATER) if args[0] not in ("csat", "outcome") else ok(src, *args)
    out = tmp_path / "out.jsonl"
    ok(src, "export", "--out", str(out))
    db = tmp_path / "dst.db"
    assert "added 1 escalation" in ok(db, "import", str(out))
    assert counts(db) == counts(src)


# -- one transaction per file ------------------------------------------------------------------------


def test_a_row_that_parses_but_fails_planning_stores_nothing(tmp_path, monkeypatch):
    from agent import sla

    real = sla.plan

    def plan(policy, severity, opened_at, *args, **kwargs):
        if opened_at.day == 3:  # the second row
            raise OverflowError("date value out of range")
        return real(policy, severity, opened_at, *args, **kwargs)

    monkeypatch.setattr(sla, "plan", plan)
    path = write(tmp_path, [line(id="A"), line(id="B", opened_at="2026-11-03T09:00:00+00:00"), line(id="C")])
    db = tmp_path / "p.db"
    result = run(db, "import", str(path))
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: line 2: cannot plan the SLA from opened_at 2026-11-03T09:00:00+00:00: date value out of range")
    assert counts(db) == (0, 0)


def test_import_of_many_rows_is_one_write_transaction(tmp_path):
    path = write(tmp_path, [line(id=f"R-{i}", events=[GOOD_BEFORE]) for i in range(30)])
    db = tmp_path / "one.db"
    statements: list[str] = []
    from agent import transfer
    from agent.policy import default_policy

    with Store(db) as store:
        store.db.conn.set_trace_callback(statements.append)
        report = transfer.import_file(store, str(path), fmt=None, policy=default_policy())
        store.db.conn.set_trace_callback(None)
    assert report.added == 30
    writes = [i for i, s in enumerate(statements) if s.startswith(('INSERT INTO "escalations"', 'INSERT INTO "events"'))]
    begins = [i for i, s in enumerate(statements) if s.strip().upper().startswith("BEGIN")]
    commits = [i for i, s in enumerate(statements) if s.strip().upper() == "COMMIT"]
    first_begin = max(b for b in begins if b < writes[0])
    closing = min(c for c in commits if c > first_begin)
    assert len(writes) >= 2 and all(first_begin < w < closing for w in writes)  # every row and event in one transaction
    assert counts(db) == (30, 60)


def test_a_locked_database_stores_nothing_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv("ESCALATE_BUSY_TIMEOUT", "0.2")
    db = tmp_path / "l.db"
    Store(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = run(db, "import", str(write(tmp_path, [line(id="A"), line(id="B")])))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"error: the database {db} is locked by another process")
    assert counts(db) == (0, 0)


KILLED_IMPORT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent import transfer
    from agent.policy import default_policy
    from agent.store import Store
    real = transfer._event
    calls = []
    def slow(*args):
        calls.append(1)
        if len(calls) == 20:  # inside the transaction, rows already inserted in memory
            Path(sys.argv[3]).write_text("inside")
            time.sleep(120)
        return real(*args)
    transfer._event = slow
    with Store(sys.argv[1]) as store:
        transfer.import_file(store, sys.argv[2], fmt=None, policy=default_policy())
""")


@pytest.mark.slow
def test_an_import_killed_mid_file_stores_nothing(tmp_path):
    db = tmp_path / "k.db"
    Store(db).close()
    path = write(tmp_path, [line(id=f"K-{i}", events=[GOOD_BEFORE]) for i in range(40)])
    inside = tmp_path / "inside"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", KILLED_IMPORT, str(db), str(path), str(inside)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300  # a hang guard, not a speed goal
    while not inside.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.kill()
    proc.communicate(timeout=300)
    assert counts(db) == (0, 0)
    assert sqlite3.connect(db).execute("PRAGMA integrity_check").fetchone()[0] == "ok"


# -- readers skip what they cannot use -------------------------------------------------------------------


@pytest.mark.parametrize("kind, data", [
    ("severity_changed", {"to": "SEV-9"}),
    ("commitment", {"n": 1, "due": "never"}),
    ("commitment", {"n": 1, "due": "2026-11-03T09:00:00+00:00"}),
    ("log", {"kind": "note"}),
    ("similar_found", {"matches": "x"}),
    ("csat", {"score": "high"}),
    ("action_status", {"n": 1}),
])
def test_readers_skip_an_unusable_stored_event_with_one_warning(tmp_path, kind, data):
    db = tmp_path / "old.db"
    ok(db, "triage", "--text", "Nobody can log in, the whole site is down.", "--customer", "Acme", "--at", AT)
    with sqlite3.connect(db) as conn:  # what an older version let through
        conn.execute("INSERT INTO events (escalation_id, at, recorded_at, actor, kind, data) VALUES (1, ?, ?, 'old', ?, ?)",
                     [LATER, LATER, kind, json.dumps(data)])
        (event_id,) = conn.execute("SELECT max(id) FROM events").fetchone()
    for command in (*READERS, ["show", "ESC-1"], ["show", "ESC-1", "--json"], ["report", "status"],
                    ["commitments", "ESC-1"], ["ack", "ESC-1"]):
        event_data._warned.clear()  # one warning per event and process; each CLI call here is its own "process"
        result = run(db, *command)
        assert result.exit_code == 0, (command, result.output)
        warnings = [w for w in result.stderr.splitlines() if w.startswith("warning:")]
        # Commands that read every event (show, export, a step) warn once; the others may not read that kind at all.
        assert len(warnings) == (1 if command[0] in ("show", "export", "ack") else len(warnings)) <= 1, (command, result.stderr)
        for w in warnings:
            assert w.startswith(f"warning: skipped event {event_id} ({kind}) of ESC-1: data."), w
            assert w.endswith("`escalate doctor` lists unreadable events"), w


def test_the_warning_names_the_field(tmp_path):
    assert event_data.problem("severity_changed", {"to": "SEV-9"}) == "data.to 'SEV-9' is not a severity (SEV-1 to SEV-4)"
    assert event_data.problem("commitment", {"n": 1, "what": "x", "due": "never"}) == "data.due 'never' is not an ISO 8601 time"
    assert event_data.problem("similar_found", {"matches": [{"id": "ESC-1"}, {}]}) == "data.matches[1].id must be non-empty text"
    assert event_data.problem("opened", {}) is None
    assert event_data.problem("opened", []) == "data must be a JSON object"
