"""Shared fixtures. Sockets are disabled for the whole suite (pytest-socket, see pyproject)."""

from __future__ import annotations

import hashlib
import json
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import pytest
import vcr as vcrpy
import yaml

from agent.policy import default_policy
from agent.store import Store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
CASSETTES = Path(__file__).resolve().parent / "cassettes"
OPENED = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)  # a Wednesday
FROZEN_NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)  # Thu 26 Nov 12:00 UTC

# No test is judged by the clock: Hypothesis's default 200 ms deadline per example would be a timed test
# (speed goals live in benchmarks/). Settings given to a test still apply on top.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("no-deadline", deadline=None)
_hypothesis_settings.load_profile("no-deadline")

# A suite started in the background of a non-interactive shell inherits SIGINT ignored, and so would every
# command a test starts (an ignored signal stays ignored across exec): the Ctrl-C tests would then see
# nothing. Put Python's own handler back, as an interactive start or CI has it.
import signal as _signal  # noqa: E402

if _signal.getsignal(_signal.SIGINT) is _signal.SIG_IGN:
    _signal.signal(_signal.SIGINT, _signal.default_int_handler)


def freeze_clock(monkeypatch, moment: datetime = FROZEN_NOW) -> None:
    """Pin the store's and the lifecycle's idea of "now" (--at checks, `show`, the board)."""
    # agent.lifecycle first: importing it under a patched agent.store.now would keep the frozen clock for good.
    monkeypatch.setattr("agent.lifecycle.now", lambda: moment)
    monkeypatch.setattr("agent.store.now", lambda: moment)


def run(db_path, *args, input=None):
    """`escalate --db DB ARGS…` through click's runner."""
    from click.testing import CliRunner

    from agent.faces.cli import cli

    return CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)


def ok(db_path, *args, input=None) -> str:
    """The same, asserting exit code 0; returns stdout."""
    result = run(db_path, *args, input=input)
    assert result.exit_code == 0, (result.stdout, result.stderr)
    return result.stdout


MODEL_TESTS = {"test_model.py", "test_team_model.py", "test_eval_gate.py"}


@pytest.fixture(autouse=True)
def _rules_alone_unless_testing_the_model(request, monkeypatch):
    """Tests of clocks, drafts, the board and the faces triage by the rules alone, so retraining the
    learned model never moves their fixtures; the model's own tests (and any test marked
    `uses_model`) read through it."""
    if request.node.get_closest_marker("uses_model") is None and request.path.name not in MODEL_TESTS:
        monkeypatch.setenv("ESCALATE_OFFLINE_MODEL", "off")


@pytest.fixture(autouse=True)
def _no_live_api(monkeypatch):
    """Tests never see a real key; the auto engine is offline unless a test sets one."""
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    monkeypatch.delenv("ESCALATE_DB", raising=False)
    monkeypatch.delenv("ESCALATE_POLICY", raising=False)


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "escalations.db"


@pytest.fixture
def store(db_path):
    with Store(db_path) as s:
        yield s


@pytest.fixture
def policy():
    return default_policy()


RECORD_MODE = {"value": "none"}
SYNTHETIC_NOTE = ("# synthetic: written in the Messages API's documented format, not recorded from the API. "
                  "{why}\n")


def pytest_addoption(parser):
    parser.addoption(
        "--record-mode", default="none", choices=["none", "once", "new_episodes", "all", "rewrite", "requests"],
        help="vcrpy record mode for Claude cassettes. rewrite: re-record the happy-path cassettes from the real API "
        "(`make record`, needs ANTHROPIC_API_KEY). requests: offline, keep every recorded answer and rewrite the "
        "recorded requests to what the code sends now (after a prompt or schema change).",
    )


def pytest_configure(config):
    mode = config.getoption("--record-mode")
    RECORD_MODE["value"] = "all" if mode == "rewrite" else mode
    config.addinivalue_line("markers", "recordable: a happy-path Claude test whose cassette `make record` re-records")


def _digest(value) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def body_parts(body) -> tuple:
    """What must match between a live request and a recorded one: the model, the answer's schema, the
    system prompt and the first user turn (re-asks differ only in the turns appended after it, and play
    in recorded order); for a message batch, the same for each of its requests."""
    try:
        data = json.loads(body or b"{}")
    except (TypeError, ValueError):
        return ("not json",)
    if not isinstance(data, dict):
        return ("not an object",)
    if "requests" in data:
        return tuple(body_parts(json.dumps(r.get("params", {}))) for r in data["requests"])
    schema = ((data.get("output_config") or {}).get("format") or {}).get("schema")
    first = (data.get("messages") or [None])[0]
    return (data.get("model"), _digest(schema or data.get("tools")), _digest(data.get("system")), _digest(first))


def _match_body_parts(r1, r2) -> None:
    assert body_parts(r1.body) == body_parts(r2.body), "the request's model, schema or prompt differs from the recorded one"


def _strip_response(response: dict) -> dict:
    for header in ("anthropic-organization-id", "set-cookie", "cf-ray"):
        for key in [k for k in response.get("headers", {}) if k.lower() == header]:
            del response["headers"][key]
    return response


class ClaudeVCR:
    """vcrpy for Claude cassettes. Replay (the default) matches on the body parts that matter; in
    `--record-mode=requests` answers replay in order and the recorded requests are rewritten to the ones
    sent; in rewrite mode (`make record`) a recordable cassette is recorded again from the API."""

    def __init__(self, module: str, *, synthetic: bool):
        self.dir = CASSETTES / module
        self.synthetic = synthetic

    def _vcr(self, record_mode: str, match_on: list[str]) -> vcrpy.VCR:
        v = vcrpy.VCR(cassette_library_dir=str(self.dir), record_mode=record_mode,
                      filter_headers=["authorization", "x-api-key", "anthropic-organization-id"],
                      before_record_response=_strip_response, match_on=match_on, decode_compressed_response=True)
        v.register_matcher("body_parts", _match_body_parts)
        return v

    @contextmanager
    def use_cassette(self, name: str, *, missing_ok: bool = False):
        """`missing_ok`: only for tests of what an unrecorded request does."""
        mode = RECORD_MODE["value"]
        if mode == "requests" and (self.dir / name).exists():
            with self._rewriting_requests(name) as cassette:
                yield cassette
            return
        path = self.dir / name
        synthetic = self.synthetic or (path.exists() and path.read_text(encoding="utf-8").startswith("# synthetic"))
        record = "none" if synthetic or mode == "requests" else mode
        if record == "none" and not path.exists() and not missing_ok:  # else every request fails, and a fallback hides it
            raise FileNotFoundError(f"cassette {path} is missing: replay needs it (`make record` writes happy-path ones)")
        # Each recorded answer plays once: a test that asks twice for it fails instead of passing on a repeat.
        with self._vcr(record, ["method", "scheme", "host", "port", "path", "body_parts"]).use_cassette(
                name, allow_playback_repeats=False) as cassette:
            yield Played(cassette, recording=record != "none")

    @contextmanager
    def _rewriting_requests(self, name: str):
        import httpx2

        sent, send = [], httpx2.Client.send

        def capture(client, request, *args, **kwargs):
            sent.append(request)
            return send(client, request, *args, **kwargs)

        httpx2.Client.send = capture
        try:
            with self._vcr("none", ["method", "path"]).use_cassette(name) as cassette:
                yield Played(cassette, recording=False)
        finally:
            httpx2.Client.send = send
        path = self.dir / name
        text = path.read_text(encoding="utf-8")
        note = text.splitlines()[0] + "\n" if text.startswith("# synthetic") else ""
        data = yaml.safe_load(text)
        for interaction, request in zip(data["interactions"], sent):
            content = request.content.decode("utf-8") if request.content else None
            if content:
                content = json.dumps(json.loads(content), indent=1, ensure_ascii=False) + "\n"
            interaction["request"]["body"] = content
            interaction["request"]["uri"] = "https://api.anthropic.com" + request.url.raw_path.decode()
            interaction["request"]["headers"] = {k: [request.headers[k]] for k in ("accept", "content-type", "anthropic-version")
                                                 if k in request.headers}
            _strip_response(interaction["response"])
        path.write_text(note + dump_cassette(data), encoding="utf-8")


class Played:
    """The cassette, with all_played true while recording (nothing is played then)."""

    def __init__(self, cassette, *, recording: bool):
        self._cassette, self._recording = cassette, recording

    def __getattr__(self, name):
        return getattr(self._cassette, name)

    def __len__(self):
        return len(self._cassette)

    @property
    def all_played(self) -> bool:
        return self._recording or self._cassette.all_played

    @property
    def play_count(self) -> int:
        return len(self._cassette) if self._recording else self._cassette.play_count


class _Literal(str):
    pass


yaml.SafeDumper.add_representer(_Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|"))


def dump_cassette(data: dict) -> str:
    """YAML as vcrpy reads it, bodies as readable blocks."""
    for interaction in data["interactions"]:
        body = interaction["request"].get("body")
        if isinstance(body, str) and "\n" in body:
            interaction["request"]["body"] = _Literal(body)
        response = interaction["response"]["body"]
        if isinstance(response.get("string"), str) and "\n" in response["string"]:
            response["string"] = _Literal(response["string"])
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=200)


def cassette_vcr(module: str, *, synthetic: bool = False) -> ClaudeVCR:
    """Replay only by default: a request with no recorded answer fails instead of reaching the network."""
    return ClaudeVCR(module, synthetic=synthetic)
