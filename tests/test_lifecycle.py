"""The escalation lifecycle through the CLI (click's CliRunner), every step backfilled with --at.

open → acknowledged → investigating → workaround → resolved → confirmed → closed; an invalid
step exits 2 with a clear message and stores nothing.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import timezone

import pytest

from tests.conftest import EXAMPLES
from conftest import FROZEN_NOW, freeze_clock, ok, run

UTC = timezone.utc


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    freeze_clock(monkeypatch)


def events(db_path, number: int = 1) -> list[str]:
    with sqlite3.connect(db_path) as conn:
        return [k for (k,) in conn.execute("SELECT kind FROM events WHERE escalation_id = ? ORDER BY id", [number])]


def shown(db_path, ident: str = "ESC-1") -> dict:
    return json.loads(ok(db_path, "show", ident, "--json"))


def opened(db_path, at: str = "2026-11-25T09:00:00+00:00", source=EXAMPLES / "login-outage.txt", *extra) -> None:
    ok(db_path, "triage", str(source), "--customer", "Acme Corp", "--at", at, *extra)


def test_the_whole_lifecycle_backfilled(db_path):
    opened(db_path)  # SEV-1, opened Wed 25 Nov 09:00 UTC
    steps = [
        (["ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00"], "acknowledged", "ack"),
        (["log", "ESC-1", "Checked the auth service logs", "--kind", "action", "--at", "2026-11-25T09:20:00+00:00"],
         "investigating", "log"),
        (["update", "ESC-1", "--note", "Root cause found", "--at", "2026-11-25T09:35:00+00:00"], "investigating", "update"),
        (["log", "ESC-1", "SSO bypass link sent", "--kind", "workaround", "--at", "2026-11-25T09:50:00+00:00"],
         "workaround", "log"),
        (["resolve", "ESC-1", "--summary", "Certificate renewed", "--at", "2026-11-25T10:00:00+00:00"], "resolved", "resolved"),
        (["confirm", "ESC-1", "--at", "2026-11-25T11:00:00+00:00"], "confirmed", "confirmed"),
        (["close", "ESC-1", "--at", "2026-11-25T11:05:00+00:00"], "closed", "closed"),
    ]
    for args, status, kind in steps:
        out = ok(db_path, *args)
        assert out.startswith(f"ESC-1 {status}: {kind}"), out
        assert shown(db_path)["status"] == status
    assert events(db_path)[-7:] == ["ack", "log", "update", "log", "resolved", "confirmed", "closed"]
    data = shown(db_path)
    # The events keep the backfilled times, not the time the command ran.
    ack = next(e for e in data["events"] if e["kind"] == "ack")
    assert ack["at"] == "2026-11-25T09:10:00+00:00"
    clocks = {c["name"]: c for c in data["clocks"]}
    # First response due 09:15, met 09:10 after 10 min. Updates: ack 09:10 -> due 09:40; update 09:35
    # -> due 10:05; resolved 10:00 before that: met, none missed. Resolution due 13:00, met 10:00 after 60 min.
    assert (clocks["first_response"]["status"], clocks["first_response"]["elapsed_minutes"]) == ("met", 10.0)
    assert (clocks["update"]["status"], clocks["update"]["missed"]) == ("met", 0)
    assert (clocks["resolution"]["status"], clocks["resolution"]["elapsed_minutes"]) == ("met", 60.0)
    # SEV-1 closed with no RCA step; and the call Dana asked for ("Please call me"), promised in the
    # acknowledgment that was sent, was never marked done.
    assert data["flags"] == [
        {"flag": "missing_rca", "meaning": "SEV-1/2 closed without a completed RCA", "detail": "no completed RCA recorded"},
        {"flag": "no_follow_through", "meaning": "a commitment to the customer is past due and not done",
         "detail": "#1 call the customer (due 09:30 UTC Wed 25 Nov)"}]


def test_log_does_not_move_open_or_later_statuses(db_path):
    opened(db_path)
    ok(db_path, "log", "ESC-1", "Customer called again", "--at", "2026-11-25T09:05:00+00:00")
    assert shown(db_path)["status"] == "open"  # a note before the ack does not start the investigation
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:06:00+00:00")
    ok(db_path, "log", "ESC-1", "Decided to roll back", "--kind", "decision", "--at", "2026-11-25T09:07:00+00:00")
    assert shown(db_path)["status"] == "acknowledged"
    ok(db_path, "log", "ESC-1", "Maybe the cert", "--kind", "hypothesis", "--at", "2026-11-25T09:08:00+00:00")
    assert shown(db_path)["status"] == "investigating"


def _at(minute: int) -> list[str]:
    return ["--at", f"2026-11-25T{9 + minute // 60:02d}:{minute % 60:02d}:00+00:00"]


# (steps to get there, the invalid command, what stderr says)
INVALID = {
    "confirm-open": ([], ["confirm", "ESC-1"], "cannot confirm ESC-1: it is open; resolve it first with `escalate resolve`"),
    "resolve-open": ([], ["resolve", "ESC-1"], "cannot resolve ESC-1: it is open; acknowledge it first with `escalate ack`"),
    "update-open": ([], ["update", "ESC-1"], "cannot record an update for ESC-1: it is open; acknowledge it first"),
    "ack-twice": ([["ack"]], ["ack", "ESC-1"], "cannot acknowledge ESC-1: it is acknowledged; it was acknowledged already"),
    "confirm-unresolved": ([["ack"]], ["confirm", "ESC-1"], "cannot confirm ESC-1: it is acknowledged"),
    "close-unconfirmed": ([["ack"]], ["close", "ESC-1"],
                          "cannot close ESC-1: the customer has not confirmed the fix (status acknowledged)"),
    "close-resolved": ([["ack"], ["resolve"]], ["close", "ESC-1"], "pass --force --reason to close anyway"),
    "force-without-reason": ([["ack"]], ["close", "ESC-1", "--force"], "--force needs --reason"),
    "resume-unpaused": ([["ack"]], ["resume", "ESC-1"], "ESC-1 is not paused"),
    "pause-twice": ([["ack"], ["pause", "--reason", "logs"]], ["pause", "ESC-1", "--reason", "more logs"],
                    "ESC-1 is already paused: `escalate resume ESC-1` first"),
    "pause-resolved": ([["ack"], ["resolve"]], ["pause", "ESC-1", "--reason", "x"], "cannot pause ESC-1: it is resolved"),
    "pause-blank-reason": ([["ack"]], ["pause", "ESC-1", "--reason", "  "], "a pause needs --reason"),
    "resolve-twice": ([["ack"], ["resolve"]], ["resolve", "ESC-1"], "cannot resolve ESC-1: it is resolved"),
    "same-severity": ([], ["severity", "ESC-1", "SEV-1", "--reason", "x"], "ESC-1 is already SEV-1"),
    "unknown-severity": ([], ["severity", "ESC-1", "SEV-9", "--reason", "x"], "unknown severity 'SEV-9'"),
    "blank-severity-reason": ([], ["severity", "ESC-1", "SEV-2", "--reason", " "], "a severity change needs --reason"),
    "empty-log": ([], ["log", "ESC-1", "   "], "the log entry is empty"),
    "same-owner": ([["assign", "Sam"]], ["assign", "ESC-1", "Sam"], "ESC-1 is already owned by Sam"),
    "ack-closed": ([["close", "--force", "--reason", "duplicate"]], ["ack", "ESC-1"], "cannot acknowledge ESC-1: it is closed"),
    "close-closed": ([["close", "--force", "--reason", "duplicate"]], ["close", "ESC-1", "--force", "--reason", "x"],
                     "ESC-1 is already closed"),
    "log-closed": ([["close", "--force", "--reason", "duplicate"]], ["log", "ESC-1", "late note"], "cannot log to ESC-1: it is closed"),
    "resume-closed": ([["pause", "--reason", "logs"], ["close", "--force", "--reason", "gone"]], ["resume", "ESC-1"],
                      "ESC-1 is not paused"),
    "before-opening": ([], ["ack", "ESC-1", "--at", "2026-11-25T08:59:00+00:00"], "is before ESC-1 opened"),
    "in-the-future": ([], ["ack", "ESC-1", "--at", "2026-11-26T12:06:00+00:00"], "is in the future"),
    "no-offset": ([], ["ack", "ESC-1", "--at", "2026-11-25T09:10:00"], "needs a time zone offset"),
    "not-a-time": ([], ["ack", "ESC-1", "--at", "soon"], "is not an ISO 8601 time"),
    "out-of-order": ([["ack"], ["update"]], ["resolve", "ESC-1", "--at", "2026-11-25T09:01:30+00:00"],
                     "is before the last recorded step of ESC-1 (update at 2026-11-25T09:02:00+00:00)"),
}


@pytest.mark.parametrize("setup, command, message", INVALID.values(), ids=INVALID.keys())
def test_invalid_steps_exit_2_and_store_nothing(db_path, setup, command, message):
    opened(db_path)
    for i, step in enumerate(setup, start=1):
        ok(db_path, step[0], "ESC-1", *step[1:], *_at(i))
    before_events, before = events(db_path), shown(db_path)
    has_at = "--at" in command
    result = run(db_path, *command, *([] if has_at else _at(len(setup) + 1)))
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert events(db_path) == before_events
    after = shown(db_path)
    assert (after["status"], after["severity"], after["owner"]) == (before["status"], before["severity"], before["owner"])


@pytest.mark.parametrize(
    "command",
    [["ack", "ESC-99"], ["update", "ESC-99"], ["log", "ESC-99", "x"], ["assign", "ESC-99", "Sam"],
     ["severity", "ESC-99", "SEV-2", "--reason", "x"], ["pause", "ESC-99", "--reason", "x"], ["resume", "ESC-99"],
     ["resolve", "ESC-99"], ["confirm", "ESC-99"], ["close", "ESC-99", "--force", "--reason", "x"]],
    ids=lambda c: c[0],
)
def test_events_for_unknown_ids_exit_2(db_path, command):
    opened(db_path)
    before = events(db_path)
    result = run(db_path, *command)
    assert result.exit_code == 2
    assert "no escalation ESC-99" in result.stderr
    assert events(db_path) == before


def test_malformed_id_exits_2(db_path):
    opened(db_path)
    result = run(db_path, "ack", "ticket-7")
    assert result.exit_code == 2
    assert "not an escalation id: 'ticket-7' (ids look like ESC-7)" in result.stderr


def test_close_before_confirm_with_force_records_the_red_flag(db_path):
    opened(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "resolve", "ESC-1", "--at", "2026-11-25T10:00:00+00:00")
    n = len(events(db_path))
    refused = run(db_path, "close", "ESC-1", "--at", "2026-11-25T10:05:00+00:00")
    assert refused.exit_code == 2 and len(events(db_path)) == n
    out = ok(db_path, "close", "ESC-1", "--force", "--reason", "customer unreachable for 2 weeks",
             "--at", "2026-11-25T10:05:00+00:00")
    assert out.startswith("ESC-1 closed: closed")
    data = shown(db_path)
    closed = data["events"][-1]
    assert closed["kind"] == "closed"
    assert closed["data"] == {"forced": True, "reason": "customer unreachable for 2 weeks", "status_before": "resolved"}
    assert {"flag": "premature_closure", "meaning": "closed before the customer confirmed", "detail": "customer unreachable for 2 weeks"} in data["flags"]
    assert data["status"] == "closed"


def test_close_after_confirm_is_not_a_red_flag(db_path):
    opened(db_path, source=EXAMPLES / "data-export-slow.txt")  # SEV-3: no RCA needed
    for cmd, at in [("ack", "09:10"), ("resolve", "10:00"), ("confirm", "10:30"), ("close", "10:35")]:
        ok(db_path, cmd, "ESC-1", "--at", f"2026-11-25T{at}:00+00:00")
    data = shown(db_path)
    assert data["events"][-1]["data"] == {"forced": False}
    assert data["flags"] == []


def test_pause_and_resume_through_the_cli(db_path):
    opened(db_path)  # SEV-1: resolution due 13:00
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "update", "ESC-1", "--at", "2026-11-25T09:45:00+00:00")  # next update due 10:15
    out = ok(db_path, "pause", "ESC-1", "--reason", "waiting for HAR file", "--at", "2026-11-25T10:00:00+00:00")
    assert out.startswith("ESC-1 acknowledged: pause - reason=waiting for HAR file")
    status = json.loads(ok(db_path, "status", "--json", "--now", "2026-11-25T10:30:00+00:00"))[0]
    assert status["paused"] is True
    clocks = {c["name"]: c for c in status["clocks"]}
    # Paused 10:00 and still paused at 10:30: resolution shows "paused", due as if resumed now:
    # 60 min used, 180 left -> 10:30 + 3 h = 13:30. First response is never paused (met at 09:10).
    assert (clocks["resolution"]["status"], clocks["resolution"]["due"]) == ("paused", "2026-11-25T13:30:00+00:00")
    assert clocks["first_response"]["status"] == "met"
    # Update: 15 of its 30 min used by 10:00, 15 left from 10:30 -> 10:45.
    assert (clocks["update"]["status"], clocks["update"]["due"]) == ("paused", "2026-11-25T10:45:00+00:00")
    ok(db_path, "resume", "ESC-1", "--at", "2026-11-25T11:00:00+00:00")
    status = json.loads(ok(db_path, "status", "--json", "--now", "2026-11-25T11:30:00+00:00"))[0]
    clocks = {c["name"]: c for c in status["clocks"]}
    # Paused exactly 1 h: resolution 13:00 + 1 h = 14:00, 150 min left at 11:30.
    assert (clocks["resolution"]["status"], clocks["resolution"]["due"], clocks["resolution"]["left_minutes"]) == (
        "pending", "2026-11-25T14:00:00+00:00", 150.0)
    assert status["paused"] is False


def test_severity_change_replans_from_the_stored_policy(db_path, tmp_path):
    policy = tmp_path / "acme.toml"
    policy.write_text("[severities.SEV-2]\nresolution_minutes = 600\n")
    ok(db_path, "--policy", str(policy), "triage", str(EXAMPLES / "login-outage.txt"), "--customer", "Acme",
       "--at", "2026-11-25T09:00:00+00:00")
    policy.write_text("[severities.SEV-2]\nresolution_minutes = 60\n")  # edited after the triage
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:05:00+00:00")
    out = ok(db_path, "--policy", str(policy), "severity", "ESC-1", "SEV-2", "--reason", "only the admin console is down",
             "--at", "2026-11-25T10:00:00+00:00")
    assert out == "ESC-1 acknowledged: severity_changed - SEV-1 → SEV-2: only the admin console is down\n"
    data = shown(db_path)
    assert data["severity"] == "SEV-2"
    change = data["events"][-1]["data"]
    assert change["previous_plan"]["resolution_due"] == "2026-11-25T13:00:00+00:00"
    # Lowered at 10:00 under the stored policy (SEV-2 resolution 600 min): 10:00 + 10 h = 20:00.
    assert change["targets_from"]["resolution_due"] == "2026-11-25T20:00:00+00:00"
    clocks = {c["name"]: c for c in json.loads(ok(db_path, "status", "--json", "--now", "2026-11-25T12:00:00+00:00"))[0]["clocks"]}
    assert clocks["resolution"]["due"] == "2026-11-25T20:00:00+00:00"
    assert clocks["resolution"]["target_minutes"] == 600


def test_steps_recorded_in_order_and_notes_may_be_backfilled_earlier(db_path):
    opened(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "pause", "ESC-1", "--reason", "logs", "--at", "2026-11-25T10:00:00+00:00")
    # A resume dated before the pause would leave the clock paused for ever: refused.
    result = run(db_path, "resume", "ESC-1", "--at", "2026-11-25T09:30:00+00:00")
    assert result.exit_code == 2 and "record steps in the order they happened" in result.stderr
    # A note and a reassignment can still be filled in for earlier times.
    ok(db_path, "log", "ESC-1", "Called the customer", "--at", "2026-11-25T09:20:00+00:00")
    ok(db_path, "assign", "ESC-1", "Sam Rivera", "--at", "2026-11-25T09:25:00+00:00")
    # The same moment as the last step is fine.
    ok(db_path, "resume", "ESC-1", "--at", "2026-11-25T10:00:00+00:00")
    assert shown(db_path)["owner"] == "Sam Rivera"


def test_without_at_the_step_happens_now(db_path, monkeypatch):
    monkeypatch.setenv("ESCALATE_ACTOR", "robin")
    opened(db_path)
    ok(db_path, "ack", "ESC-1")
    ack = [e for e in shown(db_path)["events"] if e["kind"] == "ack"][0]
    assert ack["at"] == FROZEN_NOW.isoformat()
    assert ack["actor"] == "robin"  # $ESCALATE_ACTOR, else $USER, else "cli"
    ok(db_path, "update", "ESC-1", "--actor", "dana")
    assert shown(db_path)["events"][-1]["actor"] == "dana"
