"""Bad input at every door: Hypothesis throws arbitrary Unicode, control characters, invalid UTF-8,
template syntax, SQL-looking text and wrong types at `triage --text`, `triage -`, `log`, `lint` and
`show`. Whatever comes in, the CLI exits 0, 1 or 2 with at most a one-line error and never a
traceback, a command that exits 1 or 2 changed no row, and the database passes `PRAGMA integrity_check`
afterwards.

max_examples stays modest to keep the suite short.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis.control import currently_in_test_context
from hypothesis import strategies as st

from agent.faces.cli import cli

EXAMPLES = 40
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
COMPLAINT = "Since 9am none of our 400 agents can log in; the login page returns error 502."

NASTY = [
    "{{ 7*7 }}", "{% for x in range(10**9) %}x{% endfor %}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{# comment", "{% raw %}", "'; DROP TABLE escalations; --", "\" OR 1=1 --", "Robert'); DELETE FROM events;--",
    "ESC-1; DROP TABLE events", "\x00", "\x1b[31mred\x1b[0m", "\u202eevil\u202c", "\ufeff", "\u200b", "\r\n", "\r",
    "𝕬𝖈𝖒𝖊 🙂👍🏽", "</complaint>", "＜/complaint＞", "[Name]", "TODO", "\\", "%s%s%n", "$(rm -rf /)", "`id`",
    "a" * 5000, "\n" * 300, " ", "",
]
weird_text = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(max_codepoint=0x1F), max_size=40),  # control characters only
    st.text(alphabet=st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "So")), max_size=60),
    st.sampled_from(NASTY),
    st.lists(st.sampled_from(NASTY) | st.text(max_size=20), min_size=1, max_size=5).map("".join),
)
weird_bytes = st.one_of(
    st.binary(max_size=300),
    weird_text.map(lambda t: t.encode("utf-8", "surrogatepass")),
    weird_text.map(lambda t: t.encode("utf-16")),
    st.sampled_from([b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", b"\xef\xbb\xbf" + COMPLAINT.encode(),
                     COMPLAINT.encode("cp1252") + b"\x93quoted\x94", b"\x80" * 100]),
)
tiers = st.sampled_from(["enterprise", "business", "standard", "free", "ENTERPRISE", " free ", "5", "", "🙂", "'; DROP", "None"])
valid_tiers = st.sampled_from(["enterprise", "business", "standard", "free"])
ids = st.sampled_from(["ESC-1", "esc-1", "1", "ESC-0", "ESC-999999999999999999999", "ESC--1", "ESC-1.5", "", " ", "ESC-١",
                       "ESC-1; DROP TABLE events", "{{ 7*7 }}", "\x00", "ESC-2"])
encodings = st.sampled_from(["utf-8", "UTF8", "utf_8", "cp1252", "latin-1", "utf-16", "ascii", "no-such-codec", "rot13", "base64", ""])
kinds = st.sampled_from(["note", "action", "hypothesis", "workaround", "decision", "NOTE", "", "x", "1"])
lint_kinds = st.sampled_from(["update", "acknowledgment", "resolution", "apology", "summary", "internal", "bogus", ""])
stamps = st.sampled_from([None, "2026-11-25T09:30:00+00:00", "2026-11-25T09:30:00", "yesterday", "", "0", "9999-12-31T23:59:59+00:00",
                          "1970-01-01T00:00:00+00:00", "2026-02-30T10:00:00+00:00"])


@pytest.fixture(scope="module")
def db() -> Path:
    """One database for the whole file, with ESC-1 triaged so log, lint and show have a target."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzz.db"
        result = CliRunner().invoke(cli, ["--db", str(path), "triage", "--text", COMPLAINT, "--customer", "Acme",
                                          "--at", "2026-11-25T09:00:00+00:00", "--engine", "offline"])
        assert result.exit_code == 0, result.output
        yield path
        assert integrity(path) == "ok"


def dump(path: Path) -> list:
    """Every row a command could write (the projections are caches, rebuilt on read)."""
    conn = sqlite3.connect(path)
    try:
        return [list(conn.execute(f"SELECT * FROM {t} ORDER BY rowid")) for t in ("escalations", "events", "drafts", "model_calls")]
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def invoke(db: Path, args: list[str], stdin: bytes | None = None):
    before = dump(db)
    result = CliRunner().invoke(cli, ["--db", str(db), *args], input=stdin)
    check(result, args)
    if result.exit_code:
        assert dump(db) == before, f"{args!r:.300} exited {result.exit_code} and changed the database"
    if currently_in_test_context():
        event(f"exit {result.exit_code}")  # --hypothesis-show-statistics shows how the examples ended
    assert integrity(db) == "ok"
    return result


def check(result, args) -> None:
    where = f"{args!r:.300}"
    assert result.exit_code in (0, 1, 2), (where, result.exit_code, result.output[-500:])
    # CliRunner keeps an exception that escaped the command: in a terminal that is a traceback.
    assert result.exception is None or isinstance(result.exception, SystemExit), (where, repr(result.exception))
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, where
    if result.exit_code:
        errors = [line for line in result.stderr.splitlines() if line.startswith(("error:", "Error:", "Usage:"))]
        assert errors, (where, result.stderr[-500:])
    # The CLI turns any escaped exception into "error: unexpected …": that is the crash fuzzing looks for.
    assert not any(line.startswith("error: unexpected") for line in result.stderr.splitlines()), (where, result.stderr[-500:])


@FUZZ
@given(text=weird_text | weird_text.map(lambda t: f"{COMPLAINT} {t}"), customer=weird_text | st.just("Acme"),
       tier=tiers | valid_tiers, at=stamps)
def test_triage_text(db, text, customer, tier, at):
    args = ["triage", "--text", text, "--customer", customer, "--tier", tier, "--engine", "offline"]
    invoke(db, args + (["--at", at] if at is not None else []))


@FUZZ
@given(data=weird_bytes | weird_bytes.map(lambda b: COMPLAINT.encode() + b), encoding=encodings)
def test_triage_stdin_bytes(db, data, encoding):
    invoke(db, ["triage", "-", "--customer", "Acme", "--encoding", encoding, "--engine", "offline", "--json"], stdin=data)


@FUZZ
@given(ident=ids, text=weird_text, kind=kinds, at=stamps)
def test_log(db, ident, text, kind, at):
    invoke(db, ["log", ident, text, "--kind", kind] + (["--at", at] if at is not None else []))


@FUZZ
@given(ident=ids, data=weird_bytes, kind=lint_kinds)
def test_lint(db, ident, data, kind):
    invoke(db, ["lint", "-", "--id", ident, "--kind", kind], stdin=data)


@FUZZ
@given(ident=ids, as_json=st.booleans())
def test_show(db, ident, as_json):
    result = invoke(db, ["show", ident] + (["--json"] if as_json else []))
    if ident in ("ESC-1", "esc-1", "1"):
        assert result.exit_code == 0


TEN_MB = 10 * 1024 * 1024


@pytest.mark.parametrize("args, stdin", [
    (["triage", "-", "--customer", "Acme", "--engine", "offline"], b"x" * TEN_MB),
    (["triage", "-", "--customer", "Acme", "--engine", "offline"], ("Outage. " * (TEN_MB // 8)).encode()),
    (["triage", "--text", "y" * TEN_MB, "--customer", "Acme", "--engine", "offline"], None),
    (["lint", "-", "--id", "ESC-1"], b"x" * TEN_MB),
    (["log", "ESC-1", "z" * TEN_MB], None),
    (["show", "ESC-" + "1" * TEN_MB], None),
], ids=["triage-stdin", "triage-stdin-sentences", "triage-text", "lint", "log", "show"])
def test_ten_megabytes(db, args, stdin):
    result = invoke(db, args, stdin)
    if args[0] == "triage":  # over max_complaint_chars: refused, nothing stored
        assert result.exit_code == 2 and "over the 100,000 limit" in result.stderr
    if args[0] == "log":
        assert result.exit_code == 2 and "over 20,000" in result.stderr
    if args[0] == "lint":
        assert result.exit_code == 2 and "over the 100,000 limit" in result.stderr


# Inputs the fuzzing once found ending in "error: unexpected …": now one-line usage errors with exit 2.
@pytest.mark.parametrize("command", [["show"], ["log", "--kind", "note"], ["lint", "-", "--id"]])
def test_an_id_too_large_for_sqlite_is_not_found(db, command):
    huge = "ESC-" + "9" * 25
    args = {"show": ["show", huge], "log": ["log", huge, "note"], "lint": ["lint", "-", "--id", huge]}[command[0]]
    result = invoke(db, args, b"text" if command[0] == "lint" else None)
    assert result.exit_code == 2 and "unexpected" not in result.stderr


def test_a_far_future_opening_time_is_a_usage_error(db):
    result = invoke(db, ["triage", "--text", COMPLAINT, "--customer", "Acme", "--engine", "offline",
                         "--at", "9999-12-31T23:59:59+00:00"])
    assert result.exit_code == 2 and "unexpected" not in result.stderr
