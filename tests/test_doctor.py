"""`escalate doctor` and the things it guards: orphans, unreadable events, file modes, the append-only log,
and kills at any moment of a triage leaving no orphan."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time

import pytest

from agent.store import Store
from conftest import OPENED, ROOT, ok, run

COMPLAINT = "Since 8am every request to your API returns 503 and none of our 120 drivers can see their routes."
AT = "2026-11-25T09:00:00+00:00"


def orphan(db, customer="Routely", complaint=COMPLAINT) -> None:
    """What a version that wrote before judging left behind when its triage was interrupted."""
    with Store(db) as store:
        store.open_escalation(customer=customer, tier="business", contact=None, complaint=complaint, opened_at=OPENED,
                              timezone_name="UTC", requested_engine="anthropic", actor="old version")


def test_a_healthy_database_passes(db_path):
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
    out = ok(db_path, "doctor")
    assert out.splitlines() == [f"{db_path}: 1 escalations, 3 events",
                                "ok: integrity, escalations, events, orphans and file modes all pass"]
    report = json.loads(ok(db_path, "doctor", "--json"))
    assert report == {"healthy": True, "checked": {"escalations": 1, "events": 3}, "findings": []}


def test_an_orphan_is_reported_never_cited_and_triaged_by_fix(db_path):
    orphan(db_path)
    result = run(db_path, "doctor")
    assert result.exit_code == 1, result.output
    assert "orphans: ESC-1 (Routely, opened 2026-11-25T09:00:00+00:00) was opened but never triaged" in result.stdout
    assert result.stdout.rstrip().endswith("1 problem(s); `escalate doctor --fix` repairs 1")
    # Pattern blindness does not cite it: the same customer's next complaint finds no earlier escalation.
    ok(db_path, "triage", "--text", "Our drivers' routes vanished again, the same 503 as before.", "--customer", "Routely",
       "--at", "2026-11-25T10:00:00+00:00")
    shown = json.loads(ok(db_path, "show", "ESC-2", "--json"))
    assert [f for f in shown["flags"] if "pattern_blindness" in json.dumps(f)] == []
    assert [e for e in shown["events"] if e["kind"] == "similar_found"] == []

    fixed = run(db_path, "doctor", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "  fixed: triaged now on the offline engine: SEV-1 technical" in fixed.stdout
    assert ok(db_path, "doctor").endswith("all pass\n")
    esc = json.loads(ok(db_path, "show", "ESC-1", "--json"))
    assert (esc["severity"], esc["engine"]["name"], esc["opened_at"]) == ("SEV-1", "offline", AT)
    assert esc["engine"]["fallback_reason"].startswith("triaged by `escalate doctor --fix`")


def test_an_orphan_triaged_again_later_is_marked_superseded_not_duplicated(db_path):
    orphan(db_path)
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)  # the user simply ran it again
    fixed = run(db_path, "doctor", "--fix")
    assert fixed.exit_code == 0, fixed.output
    assert "  fixed: marked superseded by ESC-2, which triaged the same complaint" in fixed.stdout
    assert [r["id"] for r in json.loads(ok(db_path, "list", "--json"))] == ["ESC-2"]
    assert ok(db_path, "doctor").endswith("all pass\n")


def test_unreadable_events_and_rows_are_listed_and_left_as_recorded(db_path):
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO events (escalation_id, at, recorded_at, actor, kind, data) VALUES (1, ?, ?, 'x', "
                     "'severity_changed', '{\"to\": \"SEV-9\"}')", [AT, AT])
        conn.execute("INSERT INTO events (escalation_id, at, recorded_at, actor, kind, data) VALUES (1, 'soon', ?, 'x', 'note', '{}')", [AT])
        conn.execute("UPDATE escalations SET status = 'sleeping' WHERE id = 1")
    for args in (["doctor"], ["doctor", "--fix"]):
        result = run(db_path, *args)
        assert result.exit_code == 1, result.output
        lines = result.stdout.splitlines()
        assert "events: event 4 (severity_changed) of ESC-1: data.to 'SEV-9' is not a severity (SEV-1 to SEV-4); readers skip it " \
               "(the log is append-only, so it stays as recorded)" in lines
        assert any(line.startswith("events: event 5 (note) of ESC-1: at 'soon' is not an ISO 8601 time") for line in lines)
        assert "escalations: ESC-1 has severity 'SEV-1' and status 'sleeping', which no reader accepts" in lines
        assert lines[-1] == "3 problem(s)"


def test_a_database_wider_than_600_is_narrowed_on_open_with_a_warning(db_path):
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
    os.chmod(db_path, 0o666)
    result = run(db_path, "list")
    assert result.exit_code == 0, result.output
    assert result.stderr == f"warning: {db_path} was mode 666 (others could read customer data); narrowed to 600\n"
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    again = run(db_path, "list")
    assert (again.exit_code, again.stderr) == (0, "")  # once narrowed, no more warnings


def test_doctor_fix_narrows_a_wide_wal_file(db_path):
    with Store(db_path) as store:  # the -wal file exists while a connection is open
        ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.exists()
        os.chmod(wal, 0o644)
        from agent import doctor

        found = doctor.examine(store)
        assert [f.problem for f in found.findings] == [f"{wal} is mode 644: others can read customer data"]
        fixed = doctor.examine(store, fix=True)
        assert [f.fixed for f in fixed.findings] == [f"narrowed {wal.name} to 600"]
        assert stat.S_IMODE(wal.stat().st_mode) == 0o600


@pytest.mark.parametrize("statement", ["UPDATE events SET data = '{}' WHERE id = 1", "DELETE FROM events WHERE id = 1",
                                       "UPDATE events SET kind = 'closed'", "DELETE FROM events"])
def test_the_event_log_refuses_update_and_delete(db_path, statement):
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
    conn = sqlite3.connect(db_path)
    before = conn.execute("SELECT id, kind, data FROM events ORDER BY id").fetchall()
    with pytest.raises(sqlite3.IntegrityError, match="the event log is append-only"):
        conn.execute(statement)
    conn.rollback()
    assert conn.execute("SELECT id, kind, data FROM events ORDER BY id").fetchall() == before
    assert len(before) == 3
    conn.close()


def _spawn_triage(db, *extra):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ESCALATE_DB", None)
    script = "import sys; from agent.faces.cli import main; sys.argv = ['escalate', *sys.argv[1:]]; main()"
    return subprocess.Popen([sys.executable, "-c", script, "--db", str(db), "triage", "--text", COMPLAINT,
                             "--customer", "Routely", "--engine", "offline", *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_ten_kills_at_any_moment_of_a_triage_leave_no_orphan(db_path):
    """The battery's trial: kill -9 a triage at ten different moments. Orphans after 10 kills: 0."""
    ok(db_path, "triage", "--text", COMPLAINT, "--customer", "Warmup", "--at", AT)
    outcomes = []
    for trial in range(10):
        proc = _spawn_triage(db_path)
        time.sleep(0.05 + 0.08 * trial)  # from start-up to the writes: wherever it is, kill it
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=300)
        outcomes.append(proc.returncode)
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        orphans = conn.execute("SELECT count(*) FROM escalations WHERE triage IS NULL").fetchone()[0]
        stored = conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
    finally:
        conn.close()
    assert orphans == 0
    assert 1 <= stored <= 11
    assert ok(db_path, "doctor").endswith("all pass\n")
    print(f"\n10 kill -9 during triage (exit codes {sorted(set(outcomes))}): {stored - 1} stored whole, orphans {orphans}")


@pytest.mark.slow
@pytest.mark.parametrize("sig, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupt_says_exactly_what_was_kept(tmp_path, sig, code):
    db = tmp_path / "i.db"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    # A step that hangs inside its transaction, after the write and before the commit.
    script = ("import sys, time\n"
              "from pathlib import Path\n"
              "from agent import store\n"
              "marker = Path(sys.argv[2])\n"
              "real = store.Store._event\n"
              "def slow(db, number, kind, *a):\n"
              "    real(db, number, kind, *a)\n"
              "    if kind == 'ack':\n"
              "        marker.write_text('inside'); time.sleep(60)\n"
              "store.Store._event = staticmethod(slow)\n"
              "from agent.faces.cli import main\n"
              "sys.argv = ['escalate', '--db', sys.argv[1], 'ack', 'ESC-1']\n"
              "main()\n")
    ok(db, "triage", "--text", COMPLAINT, "--customer", "Routely", "--at", AT)
    inside = tmp_path / "inside"
    proc = subprocess.Popen([sys.executable, "-c", script, str(db), str(inside)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300  # a hang guard, not a speed goal
    while not inside.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == code
    assert err == "interrupted: nothing was stored\n"
    with Store(db) as store:
        assert store.get("ESC-1").status == "open"
        assert [e.kind for e in store.get("ESC-1").events].count("ack") == 0


def test_a_wal_file_removed_while_the_store_narrows_it_is_left_alone(tmp_path, monkeypatch, capsys):
    import agent.private as private

    gone = tmp_path / "x.db-wal"
    assert private.narrow(gone) is None and not private.too_wide(gone)  # never there
    gone.write_text("")
    os.chmod(gone, 0o644)
    real_chmod = os.chmod

    def removed_first(path, mode, *args, **kwargs):  # another process's checkpoint removes it just then
        if str(path) == str(gone):
            os.remove(gone)
        return real_chmod(path, mode, *args, **kwargs)

    monkeypatch.setattr(private.os, "chmod", removed_first)
    assert private.narrow(gone) is None
    assert capsys.readouterr().err == ""  # no warning for a file that is no longer there
