"""Concurrency and durability of the SQLite store, with real processes.

- 8 processes append 200 events each to one database at once through lifecycle.step: all 1,600 are
  stored, in order per writer, and no "database is locked" reaches anyone. All eight have the store
  open before the first starts; waits are hang guards (WAIT), never speed goals, so load only slows it.
- A process killed (SIGKILL) in the middle of a triage, or in the middle of a burst of writes, leaves a
  database that passes integrity_check; the interrupted escalation shows as opened but not triaged and
  `list` / `status` still work.
- `escalate backup FILE` copies a database that another process is writing to (SQLite's online
  backup API): a consistent snapshot, mode 600. The database itself is created with mode 600.

The processes are ones this test starts (subprocess, by pid); each is killed or waited for, with a timeout.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from agent.faces.cli import cli
from agent.store import Store

pytestmark = pytest.mark.slow

WRITERS, EVENTS = 8, 200
COMPLAINT = "Since 9am none of our 400 agents can log in; the login page returns error 502."
WAIT = 300  # seconds before the test gives up on a subprocess: a hang guard, not a speed goal (2 loaded cores can take minutes)

# Opens the store, says it is ready, waits for the go file so that every writer starts at once, then
# appends its events one step at a time. Its busy timeout is the hang guard: on two loaded cores a writer
# can queue for many seconds behind seven others, and queueing (not failing) is what is checked here.
WRITER = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    from agent import lifecycle
    from agent.store import Store
    db, go, worker, count, wait = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    slowest = 0.0
    with Store(db, busy_timeout=wait) as store:
        Path(f"{go}.ready-{worker}").touch()
        deadline = time.monotonic() + wait
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.005)
        for i in range(count):
            started = time.perf_counter()
            lifecycle.step(store, f"ESC-{worker + 1}", "log", actor=f"writer-{worker}", kind="note", text=f"writer {worker} event {i}")
            slowest = max(slowest, time.perf_counter() - started)
            print(i, flush=True)
    print(f"slowest {slowest:.3f}", flush=True)
""")

# Opens the escalation (stored before any engine runs), then hangs inside the engine until killed.
HANGING_TRIAGE = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from agent.policy import default_policy
    from agent.store import Store
    from agent.triage import triage_complaint

    class Hanging:
        name, model = "anthropic", "claude-test"
        def triage(self, request, signals):
            Path(sys.argv[2]).write_text("inside the engine")
            time.sleep(120)

    with Store(sys.argv[1]) as store:
        triage_complaint(text=sys.argv[3], customer="Hung Corp", tier="enterprise", store=store, engine=Hanging(),
                         policy=default_policy())
""")


def spawn(script: str, *args) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ESCALATE_DB", None)
    return subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(proc: subprocess.Popen) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=WAIT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def triage_many(db_path: Path, n: int) -> None:
    for i in range(n):
        result = CliRunner().invoke(cli, ["--db", str(db_path), "triage", "--text", COMPLAINT, "--customer", f"Customer {i + 1}",
                                          "--engine", "offline", "--at", "2026-11-25T09:00:00+00:00"])
        assert result.exit_code == 0, result.output


def test_eight_writers_lose_nothing(db_path, tmp_path):
    triage_many(db_path, WRITERS)
    go = tmp_path / "go"
    procs = [spawn(WRITER, db_path, go, w, EVENTS, WAIT) for w in range(WRITERS)]
    deadline = time.monotonic() + WAIT
    while not all(Path(f"{go}.ready-{w}").exists() for w in range(WRITERS)):  # all open before any starts
        assert all(p.poll() is None for p in procs), [finish(p) for p in procs if p.poll() is not None]
        assert time.monotonic() < deadline, "the writers did not open the store within the hang guard"
        time.sleep(0.02)
    started = time.perf_counter()
    go.touch()
    results = [finish(p) for p in procs]
    elapsed = time.perf_counter() - started

    for proc, (out, err) in zip(procs, results):
        assert proc.returncode == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err, err
        assert out.splitlines()[-1].startswith("slowest ")
    assert integrity(db_path) == "ok"
    with Store(db_path) as store:
        rows = list(store.db.query("SELECT escalation_id, actor, data FROM events WHERE kind = 'log' ORDER BY id"))
        statuses = {r["status"] for r in store.db.query("SELECT status FROM escalations")}
    assert len(rows) == WRITERS * EVENTS
    for w in range(WRITERS):  # every event of every writer, once, in the order it wrote them
        mine = [json.loads(r["data"])["text"] for r in rows if r["actor"] == f"writer-{w}"]
        assert mine == [f"writer {w} event {i}" for i in range(EVENTS)]
        assert {r["escalation_id"] for r in rows if r["actor"] == f"writer-{w}"} == {w + 1}
    assert statuses == {"open"}  # a note does not move the status; the projection stayed consistent
    slowest = max(float(out.splitlines()[-1].split()[1]) for out, _ in results)
    print(f"\n{WRITERS} writers x {EVENTS} events in {elapsed:.2f} s; slowest single step {slowest:.3f} s")


def test_killed_mid_triage_leaves_no_half_made_escalation(db_path, tmp_path):
    triage_many(db_path, 1)
    inside = tmp_path / "inside"
    proc = spawn(HANGING_TRIAGE, db_path, inside, "Our SSO is down and nobody at Hung Corp can log in.")
    deadline = time.monotonic() + WAIT
    while not inside.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline
        time.sleep(0.02)
    proc.kill()  # SIGKILL: no cleanup, no rollback handler, mid-triage
    proc.communicate(timeout=WAIT)
    assert proc.returncode == -9

    assert integrity(db_path) == "ok"
    conn = sqlite3.connect(db_path)
    customers = [c for (c,) in conn.execute("SELECT customer FROM escalations ORDER BY id")]
    orphan_events = conn.execute("SELECT count(*) FROM events WHERE escalation_id != 1").fetchone()[0]
    conn.close()
    assert customers == ["Customer 1"] and orphan_events == 0  # judged first, written once: nothing of it kept

    runner = CliRunner()
    listed = runner.invoke(cli, ["--db", str(db_path), "list", "--json"])
    assert listed.exit_code == 0, listed.output
    assert [r["id"] for r in json.loads(listed.stdout)] == ["ESC-1"]
    shown = runner.invoke(cli, ["--db", str(db_path), "show", "ESC-2"])
    assert shown.exit_code == 2
    # The next triage takes the next number; nothing was overwritten.
    triage_many(db_path, 1)
    with Store(db_path) as store:
        assert store.get("ESC-2").customer == "Customer 1"
        assert store.get("ESC-2").severity.value == "SEV-1"  # the login outage triaged like ESC-1


def test_killed_mid_burst_keeps_every_committed_event(db_path, tmp_path):
    triage_many(db_path, 2)
    go = tmp_path / "go"
    victim, survivor = spawn(WRITER, db_path, go, 0, 100_000, WAIT), spawn(WRITER, db_path, go, 1, EVENTS, WAIT)
    go.touch()
    done = 0
    while done < 50:  # let the victim commit some events, then kill it wherever it is
        line = victim.stdout.readline()
        assert line, victim.communicate()
        done = int(line) + 1
    victim.kill()
    victim.communicate(timeout=WAIT)
    out, err = finish(survivor)
    assert survivor.returncode == 0 and "locked" not in err.lower(), err

    assert integrity(db_path) == "ok"
    with Store(db_path) as store:
        texts = [json.loads(r["data"])["text"] for r in store.db.query(
            "SELECT data FROM events WHERE kind = 'log' AND escalation_id = 1 ORDER BY id")]
        survivors = store.db.execute("SELECT count(*) FROM events WHERE kind = 'log' AND escalation_id = 2").fetchone()[0]
        assert store.get("ESC-1").status == "open"
    # A prefix of what the victim wrote, nothing torn: events 0..k-1 with k at least what it had reported.
    assert len(texts) >= done and texts == [f"writer 0 event {i}" for i in range(len(texts))]
    assert survivors == EVENTS


def test_database_file_is_created_readable_by_its_owner_only(db_path):
    os.umask(old := os.umask(0o022))  # whatever the umask, the file is 600
    with Store(db_path):
        pass
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    triage_many(db_path, 1)
    for path in db_path.parent.glob(db_path.name + "*"):  # -wal and -shm take the database's mode
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_backup_while_another_process_writes(db_path, tmp_path):
    triage_many(db_path, 2)
    go = tmp_path / "go"
    writer = spawn(WRITER, db_path, go, 0, EVENTS, WAIT)
    go.touch()
    while int(writer.stdout.readline() or EVENTS) < 20:  # the writer is well under way
        pass
    copy = tmp_path / "backups" / "copy.db"
    copy.parent.mkdir()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "backup", str(copy)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"backed up 2 escalations to {copy} (")
    out, err = finish(writer)
    assert writer.returncode == 0, err

    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert sorted(p.name for p in copy.parent.iterdir()) == ["copy.db"]  # one file: no -wal, no leftovers
    assert integrity(copy) == "ok"
    snapshot = sqlite3.connect(copy)
    backed = [json.loads(d)["text"] for (d,) in snapshot.execute(
        "SELECT data FROM events WHERE kind = 'log' ORDER BY id")]
    (mode,) = snapshot.execute("PRAGMA journal_mode").fetchone()
    snapshot.close()
    assert mode == "delete"
    # A consistent snapshot: a prefix of the writer's events, taken while it was writing.
    assert 20 <= len(backed) <= EVENTS and backed == [f"writer 0 event {i}" for i in range(len(backed))]
    with Store(copy) as store:  # a backup opens as an escalation database
        assert store.get("ESC-1").customer == "Customer 1"


def test_backup_refuses_to_overwrite_without_force(db_path, tmp_path):
    triage_many(db_path, 1)
    copy = tmp_path / "copy.db"
    copy.write_text("precious")
    runner = CliRunner()
    refused = runner.invoke(cli, ["--db", str(db_path), "backup", str(copy)])
    assert refused.exit_code == 2 and "--force" in refused.stderr and copy.read_text() == "precious"
    forced = runner.invoke(cli, ["--db", str(db_path), "backup", str(copy), "--force"])
    assert forced.exit_code == 0, forced.output
    assert integrity(copy) == "ok" and stat.S_IMODE(copy.stat().st_mode) == 0o600
    missing = runner.invoke(cli, ["--db", str(db_path), "backup", str(tmp_path / "no" / "such" / "dir.db")])
    assert missing.exit_code == 1 and missing.stderr.startswith("error: cannot write the backup: no directory")
    itself = runner.invoke(cli, ["--db", str(db_path), "backup", str(db_path), "--force"])
    assert itself.exit_code == 1 and "is the database itself" in itself.stderr
    assert integrity(db_path) == "ok"
