"""Every way the Anthropic API can fail, through the CLI: the complaint is stored first, a triage is
always produced (by the offline engine when Claude's answer cannot be used), the record says which
engine answered and why, and the CLI exits 0 with one `warning:` line and no traceback.

HTTP errors, schema violations, a refusal and a truncation replay cassettes in
tests/cassettes/faults/ (written by generate.py there). Transport faults use a real HTTP server on
127.0.0.1 started by the test through ANTHROPIC_BASE_URL: a closed port (connection refused), a
server that sleeps past the engine's 2 s deadline, and bodies that are not JSON. The server answers
on 127.0.0.1 only, and stops itself after SERVER_LIFETIME seconds at the latest.
"""

from __future__ import annotations

import http.server
import json
import socket
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass

import pytest
from click.testing import CliRunner
from conftest import cassette_vcr

from agent.faces.cli import cli
from agent.engines import claude
from agent.store import Store

FAKE_KEY = "sk-ant-test-not-a-real-key"
TIMEOUT = 2.0  # the engine's deadline in these tests (generous: the machine may be loaded)
SLOW_SECONDS = 6.0  # how long the slow server sleeps before answering (it gives up early on shutdown)
SERVER_LIFETIME = 30.0


def replay_only(module: str):
    """These cassettes simulate faults (or a model that obeyed an injection): never re-recorded from the API,
    whatever --record-mode says (`--record-mode=requests` still refreshes their recorded requests)."""
    return cassette_vcr(module, synthetic=True)


VCR = replay_only("faults")
EXPORT = (
    "Since Tuesday's release the CSV export on the Invoices page fails with error 500 for our finance team "
    "(about 12 users). We need the export for month-end close on Friday. We tried Chrome and Firefox and "
    "cleared the cache. For now we copy the invoices by hand."
)
HTML = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><p>nginx</p></body></html>"


# -- a local Anthropic-compatible server that misbehaves -------------------------------------------


class FaultyServer:
    """ThreadingHTTPServer on 127.0.0.1:<free port>; `mode` picks the misbehaviour: slow, html, truncated, echo401."""

    def __init__(self, mode: str):
        self.mode = mode
        self.requests: list[str] = []
        self.stopping = threading.Event()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            timeout = 5  # a stuck client cannot hold a handler thread for long

            def do_POST(self):  # noqa: N802 (http.server's naming)
                self.rfile.read(int(self.headers.get("content-length") or 0))
                server.requests.append(self.path)
                if server.mode == "slow":
                    server.stopping.wait(SLOW_SECONDS)
                    body, ctype = b'{"late": true}', "application/json"
                elif server.mode == "html":
                    body, ctype = HTML, "text/html"
                elif server.mode == "echo401":  # a careless proxy that repeats the credentials it was sent
                    key = self.headers.get("x-api-key") or self.headers.get("authorization") or ""
                    body = json.dumps({"type": "error", "error": {"type": "authentication_error",
                                                                  "message": f"invalid x-api-key: {key}"}}).encode()
                    self.send_response(401)
                    self.send_header("content-type", "application/json")
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                else:  # "truncated": says JSON, is not
                    body, ctype = b'{"id": "msg_01Truncated", "type": "message", "content": [{"type": "tool_u', "application/json"
                try:
                    self.send_response(200)
                    self.send_header("content-type", ctype)
                    self.send_header("content-length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the client gave up (the timeout case): nothing to answer
                    pass

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.watchdog = threading.Timer(SERVER_LIFETIME, self.stop)
        self.watchdog.daemon = True

    def __enter__(self) -> "FaultyServer":
        self.thread.start()
        self.watchdog.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()

    def __exit__(self, *exc) -> None:
        self.watchdog.cancel()
        if not self.stopping.is_set():
            self.stop()
        self.httpd.server_close()
        self.thread.join(timeout=5)
        assert not self.thread.is_alive()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    name: str
    transport: str  # cassette | closed | slow | html | truncated
    reason: str | None  # the fallback reason; None when Claude's (re-asked) answer stood
    calls: int  # model calls logged
    errors: tuple[str, ...]  # the error of each logged call
    warning: str


def _fallback(reason: str) -> str:
    return f"warning: {reason}; the offline engine triaged ESC-1"


SCHEMA_1 = "schema violation: severity: Input should be 'SEV-1', 'SEV-2', 'SEV-3' or 'SEV-4'; routing: Field required"
SCHEMA_2 = "schema violation: impact: Input should be a valid dictionary or instance of Impact"
SCHEMA_3 = "schema violation: questions: Input should be a valid list"
FAULTS = [
    Fault("rate_limited_429", "cassette", "rate limited, retry after 17 s (more than this call may wait: fell back at once)", 1,
          ("rate limited, retry after 17 s (more than this call may wait: fell back at once)",), _fallback("rate limited, retry after 17 s (more than this call may wait: fell back at once)")),
    Fault("overloaded_529", "cassette", "Anthropic API 529 overloaded: Overloaded", 1, ("Anthropic API 529 overloaded: Overloaded",),
          _fallback("Anthropic API 529 overloaded: Overloaded")),
    Fault("internal_error_500", "cassette", "Anthropic API 500 internal error: Internal server error", 1, ("Anthropic API 500 internal error: Internal server error",),
          _fallback("Anthropic API 500 internal error: Internal server error")),
    Fault("connection_refused", "closed", "could not connect to the Anthropic API", 1, ("could not connect to the Anthropic API",),
          _fallback("could not connect to the Anthropic API")),
    Fault("read_timeout", "slow", "the Anthropic API did not answer within the 2 s deadline", 1,
          ("the Anthropic API did not answer within the 2 s deadline",),
          _fallback("the Anthropic API did not answer within the 2 s deadline")),
    Fault("not_json_html_page", "html", claude.NOT_A_MESSAGE, 1, (claude.NOT_A_MESSAGE,), _fallback(claude.NOT_A_MESSAGE)),
    Fault("not_json_truncated_body", "truncated", "the Anthropic API returned a response that is not JSON", 1,
          ("the Anthropic API returned a response that is not JSON",),
          _fallback("the Anthropic API returned a response that is not JSON")),
    Fault("schema_violation_twice_then_valid", "cassette", None, 3, (SCHEMA_1, SCHEMA_2, None),
          f"warning: Claude's answer was re-asked 2 time(s) (last: {SCHEMA_2}); the answer that passed triaged ESC-1"),
    Fault("schema_violation_three_times", "cassette",
          "Claude's answer violated the triage schema 3 times (last: questions: Input should be a valid list)", 3,
          (SCHEMA_1, SCHEMA_2, SCHEMA_3),
          _fallback("Claude's answer violated the triage schema 3 times (last: questions: Input should be a valid list)")),
    Fault("refusal", "cassette", "Claude declined to answer (stop_reason: refusal)", 1, ("refusal",),
          _fallback("Claude declined to answer (stop_reason: refusal)")),
    Fault("max_tokens", "cassette", "Claude's answer was cut off at max_tokens=8192", 1, ("cut off at max_tokens=8192",),
          _fallback("Claude's answer was cut off at max_tokens=8192")),
]
LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])  # pytest-socket: these tests may connect to 127.0.0.1, nowhere else
PARAMS = [pytest.param(f, id=f.name, marks=[LOCAL] if f.transport != "cassette" else []) for f in FAULTS]


def stored_rows(db_path) -> tuple[int, int]:
    """Read from outside the engine's process view: (escalations, events) stored so far."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        escalations = conn.execute("SELECT count(*) FROM escalations").fetchone()[0]
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()
    return escalations, events


@pytest.fixture
def watched_engine(monkeypatch, db_path):
    """The CLI's AnthropicEngine, built as the CLI builds it (key and base URL from the environment) but
    with max_retries=0 and a 2 s deadline; before each model call it notes what is stored (nothing yet: the triage judges, then writes once)."""
    seen: list[tuple[int, int]] = []
    base = claude.AnthropicEngine

    class Watched(base):
        def __init__(self, **kwargs):
            super().__init__(**{**kwargs, "max_retries": 0, "timeout": TIMEOUT})

        def _call(self, *args, **kwargs):
            seen.append(stored_rows(db_path))
            return super()._call(*args, **kwargs)

    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setattr(claude, "AnthropicEngine", Watched)
    return seen


def run_cli(db_path):
    return CliRunner().invoke(cli, ["--db", str(db_path), "triage", "--text", EXPORT, "--customer", "Acme",
                                    "--tier", "business", "--engine", "anthropic", "--json"])


@pytest.mark.parametrize("fault", PARAMS)
def test_fault_still_triages_and_says_why(fault, watched_engine, monkeypatch, db_path):
    started = time.perf_counter()
    requests: list[str] | None = None
    if fault.transport == "cassette":
        with VCR.use_cassette(f"{fault.name}.yaml") as cassette:
            result = run_cli(db_path)
        assert cassette.all_played and cassette.play_count == fault.calls  # max_retries=0: no SDK retry
    elif fault.transport == "closed":
        monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{closed_port()}")
        result = run_cli(db_path)
    else:
        with FaultyServer(fault.transport) as server:
            monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
            result = run_cli(db_path)
            requests = list(server.requests)
        assert requests == ["/v1/messages"]  # exactly one request reached the server: no retry
    elapsed = time.perf_counter() - started

    # The CLI: exit 0, one warning line, no traceback, the triage printed.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [fault.warning]
    out = json.loads(result.stdout)
    assert out["id"] == "ESC-1" and out["severity"] in ("SEV-1", "SEV-2", "SEV-3", "SEV-4")

    # Nothing stored while the model is asked, at every call (re-asks included): judge first, write once.
    assert watched_engine == [(0, 0)] * fault.calls

    # The record: which engine answered, which was asked for, and why it fell back.
    with Store(db_path) as store:
        esc = store.get("ESC-1")
        calls = store.model_calls(1)
        (integrity,) = store.db.execute("PRAGMA integrity_check").fetchone()
    assert integrity == "ok"
    assert esc.complaint == EXPORT
    assert esc.engine.requested == "anthropic"
    assert esc.engine.fallback_reason == fault.reason
    assert esc.engine.name == ("anthropic" if fault.reason is None else "offline")
    assert (out["engine"], out["requested_engine"], out["fallback_reason"]) == (esc.engine.name, "anthropic", fault.reason)
    triaged = [e.data for e in esc.events if e.kind == "triaged"]
    assert [(t["engine"], t["fallback_reason"]) for t in triaged] == [(esc.engine.name, fault.reason)]
    assert (esc.severity.value, esc.type.value) == ("SEV-3", "technical")
    assert esc.drafts["acknowledgment"].body
    # Every call is logged with why it was not used.
    assert tuple(c["error"] for c in calls) == fault.errors
    assert all(c["model"] == claude.DEFAULT_MODEL and c["prompt_name"] == "triage" for c in calls)
    if fault.transport == "slow":
        assert TIMEOUT <= elapsed < SLOW_SECONDS  # the client gave up at its timeout, not when the server answered
    if fault.transport in ("html", "truncated"):
        assert calls[0]["raw"] is None or "502 Bad Gateway" in calls[0]["raw"]


def test_every_fault_cassette_belongs_to_a_case():
    from conftest import CASSETTES

    on_disk = {p.stem for p in (CASSETTES / "faults").glob("*.yaml")}
    assert on_disk == {f.name for f in FAULTS if f.transport == "cassette"}


@LOCAL
def test_the_server_only_listens_on_loopback_and_stops_itself(monkeypatch):
    monkeypatch.setattr(sys.modules[__name__], "SERVER_LIFETIME", 0.2)
    with FaultyServer("html") as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.httpd.server_address[0] == "127.0.0.1"
        assert server.stopping.wait(5)  # the watchdog fired on its own
    assert not server.thread.is_alive()
