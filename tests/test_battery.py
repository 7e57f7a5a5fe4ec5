"""The independent battery's bad inputs, kept in the suite: every one ends with exit 0, 1 or 2, a
one-line message, no traceback, no "error: unexpected …", and a refused command (exit 2) leaves the
database exactly as it was. The summary line printed at the end is the figure for the note
(run: pytest tests/test_battery.py -q -s).
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections import Counter

import pytest

from conftest import ROOT, ok, run

COMPLAINT = "Since 9am none of our 400 agents can log in; the login page returns error 502."
AT = "2026-11-25T09:00:00+00:00"
SEEN: Counter = Counter()


def dump(db) -> list:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [list(conn.execute(f"SELECT * FROM {t} ORDER BY rowid")) for t in ("escalations", "events", "drafts", "model_calls")]
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "b.db"
    ok(path, "triage", "--text", COMPLAINT, "--customer", "Acme", "--at", AT, "--engine", "offline")
    return path


def files(tmp_path) -> dict[str, str]:
    made = {}

    def put(name, data: bytes):
        (tmp_path / name).write_bytes(data)
        made[name] = str(tmp_path / name)

    line = {"id": "X-1", "customer": "G", "severity": "SEV-2", "opened_at": AT, "complaint": "Exports fail."}
    put("deep.toml", ("a = " + "[" * 5000 + "]" * 5000 + "\n").encode())
    put("deeptable.toml", ("a = " + "{b = " * 3000 + "1" + "}" * 3000 + "\n").encode())
    put("bigint.toml", ("timezone = " + "9" * 5000 + "\n").encode())
    put("huge-target.toml", b"[severities.SEV-1]\nresolution_minutes = 1000000000000000\n")
    put("latin1.jsonl", json.dumps({**line, "customer": "Caf\u00e9"}, ensure_ascii=False).encode("latin-1") + b"\n")
    put("bad.jsonl", b"\xff\xfe\x00garbage\xc3\x28\n")
    put("utf16.jsonl", (json.dumps(line) + "\n").encode("utf-16"))
    put("bigint.jsonl", ('{"id": ' + "7" * 5000 + ', "customer": "G"}\n').encode())
    put("deep.jsonl", ("[" * 200_000 + "]" * 200_000 + "\n").encode())
    put("deepobj.jsonl", (json.dumps({**line, "events": [{"kind": "note", "at": AT, "data": {"x": "PLACE"}}]})
                          .replace('"PLACE"', "[" * 100 + "]" * 100) + "\n").encode())
    put("wide.csv", b"id,customer,severity,opened_at,complaint\nT-1,G,SEV-2," + AT.encode() + b"," + b"x" * 140_000 + b"\n")
    put("extra.csv", b"id,customer,severity,opened_at,complaint\nT-1,G,SEV-2," + AT.encode() + b",a,b,c\n")
    put("updates.jsonl", json.dumps({"id": "s1", "provider": "p", "title": "t", "text": "x", "severity": "SEV-3",
                                     "started_at": AT, "updates": "investigating"}).encode() + b"\n")
    put("updates-items.jsonl", json.dumps({"id": "s1", "provider": "p", "title": "t", "text": "x", "severity": "SEV-3",
                                           "started_at": AT, "updates": [1, 2]}).encode() + b"\n")
    put("nan.jsonl", b'{"id": "N", "customer": "G", "severity": "SEV-2", "opened_at": "' + AT.encode() + b'", "complaint": NaN}\n')
    put("empty.txt", b"")
    put("blank.txt", b"   \n\n")
    put("array.jsonl", b"[1, 2, 3]\n")
    return made


def cases(f: dict[str, str]) -> list[tuple[list[str], int | None]]:
    """(arguments, the exit code it must give, or None when 0/1/2 are all fine)."""
    return [
        (["log", "ESC-1", "bad \udcff byte"], 2),
        (["triage", "--text", COMPLAINT, "--customer", "Acme", "--owner", "\udcff"], 2),
        (["triage", "--text", "caf\udce9", "--customer", "Acme"], 2),
        (["show", "ESC-\u00b2"], 2),
        (["show", "ESC-\u0661"], None),
        (["show", "ESC-" + "9" * 30], 2),
        (["status", "--due-within", "99999999999d"], 2),
        (["status", "--due-within", "\u00b2h"], 2),
        (["status", "--due-within", "1e400"], 2),
        (["status", "--now", "9999-12-31T00:00:00+00:00"], 2),
        (["status", "--now", "0001-01-01T00:00:00+00:00"], 2),
        (["metrics", "--now", "9999-12-31T00:00:00+00:00"], 2),
        (["policy", "check", f["deep.toml"]], 2),
        (["policy", "check", f["deeptable.toml"]], 2),
        (["policy", "check", f["bigint.toml"]], 2),
        (["policy", "check", f["huge-target.toml"]], 2),
        (["--policy", f["deep.toml"], "list"], 2),
        (["--policy", f["deep.toml"], "status"], 2),
        (["import", f["latin1.jsonl"]], 2),
        (["import", f["bad.jsonl"]], 2),
        (["import", f["utf16.jsonl"], "--dry-run"], 0),
        (["import", f["bigint.jsonl"]], 2),
        (["import", f["deep.jsonl"]], 2),
        (["import", f["deepobj.jsonl"]], 2),
        (["import", f["wide.csv"]], 2),
        (["import", f["extra.csv"]], 2),
        (["import", f["updates.jsonl"]], 2),
        (["import", f["updates-items.jsonl"]], 2),
        (["import", f["nan.jsonl"]], 2),
        (["import", f["array.jsonl"]], 2),
        (["import", f["empty.txt"], "--format", "jsonl"], 0),
        (["lint", f["empty.txt"], "--id", "ESC-1"], 2),
        (["lint", f["blank.txt"], "--id", "ESC-1"], 2),
        (["lint", "-", "--id", "ESC-1"], 2),
        (["log", "ESC-1", "x", "--at", "99999-01-01T00:00:00+00:00"], 2),
        (["ack", "ESC-1", "--at", "1800-01-01T00:00:00+00:00"], 2),
        (["severity", "ESC-1", "SEV-9", "--reason", "x"], 2),
        (["csat", "ESC-1", "nan"], 2),
        (["csat", "ESC-1", "1e999"], 2),
        (["tickets", "--period", "2026-11", "--count", "9" * 5000], 2),
        (["done", "ESC-1", "9" * 5000], 2),
        (["warroom", "ESC-1", "--commander", "\udcff"], 2),
    ]


def test_every_bad_input_ends_cleanly_and_a_refusal_changes_nothing(db, tmp_path, capsys):
    tried = 0
    for args, expected in cases(files(tmp_path)):
        before = dump(db)
        result = run(db, *args)
        tried += 1
        SEEN[result.exit_code] += 1
        where = f"{args!r:.200}"
        assert result.exit_code in (0, 1, 2), (where, result.exit_code, result.output[-300:])
        if expected is not None:
            assert result.exit_code == expected, (where, result.output[-300:])
        assert result.exception is None or isinstance(result.exception, SystemExit), (where, repr(result.exception))
        assert "Traceback" not in result.output, where
        errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "Error:"))]
        assert not any(line.startswith("error: unexpected") for line in errors), (where, result.stderr)
        if result.exit_code:
            assert len(errors) == 1, (where, result.stderr)
        if result.exit_code == 2:
            assert dump(db) == before, where  # refused: nothing stored, nothing changed
    with capsys.disabled():
        print(f"\nbattery: {tried} bad inputs; exit codes {dict(sorted(SEEN.items()))}; tracebacks 0; "
              "refusals that changed the database 0")


@pytest.mark.slow
def test_a_closed_pipe_ends_quietly(db):
    for i in range(30):
        ok(db, "log", "ESC-1", f"note {i} " + "x" * 2000)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    script = "import sys; from agent.faces.cli import main; sys.argv = ['escalate', *sys.argv[1:]]; main()"
    proc = subprocess.Popen([sys.executable, "-c", script, "--db", str(db), "export"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.read(10)  # `| head -c 10`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait(timeout=300)
    assert err == ""
    assert proc.returncode == 0
