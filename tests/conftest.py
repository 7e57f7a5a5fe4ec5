"""Shared fixtures. Sockets are disabled for the whole suite (pytest-socket, see pyproject)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
import vcr as vcrpy

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


def pytest_addoption(parser):
    parser.addoption(
        "--record-mode", default="none", choices=["none", "once", "new_episodes", "all", "rewrite"],
        help="vcrpy record mode for Claude cassettes; with a real ANTHROPIC_API_KEY use rewrite "
        "(and --allow-hosts=api.anthropic.com) to re-record them.",
    )


def pytest_configure(config):
    mode = config.getoption("--record-mode")
    RECORD_MODE["value"] = "all" if mode == "rewrite" else mode


def cassette_vcr(module: str) -> vcrpy.VCR:
    """Replay only by default: a request with no recorded answer fails instead of reaching the network."""
    return vcrpy.VCR(
        cassette_library_dir=str(CASSETTES / module),
        record_mode=RECORD_MODE["value"],
        filter_headers=["authorization", "x-api-key"],
        match_on=["method", "scheme", "host", "port", "path"],
        decode_compressed_response=True,
    )
