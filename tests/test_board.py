"""The status board (`escalate status`, agent/board.py): ordering, filters, exit codes, red flags.

Every board here is evaluated with --now at a fixed moment, Wed 25 Nov 2026 10:00 UTC unless
stated; the wall clock is pinned too so --at backfilling never depends on today's date.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from datetime import datetime, timezone

import pytest

from agent import board
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy
from agent.schemas import Severity
from agent.store import Store
from agent.triage import triage_complaint
from tests.conftest import ROOT
from conftest import freeze_clock, ok, run

UTC = timezone.utc
NOW = "2026-11-25T10:00:00+00:00"

# The offline engine's severities for these texts (checked in test_fixture_severities).
OUTAGE = "Since 9am none of our 400 agents can log in to the console."  # SEV-1
CHECKOUT = "Production is down: our checkout site returns 500 errors for every shopper since 08:00."  # SEV-1
INVOICES = "All our invoices from last month were deleted and we cannot get them back - data loss."  # SEV-1
DASHBOARD = ("The reporting dashboard has been broken since this morning for all 200 of our users; we cannot "
             "build reports, which is a significant impact on our month-end close.")  # SEV-2
PREVIEW = "The PDF preview in the editor is slow to load; downloading the file works fine as a workaround."  # SEV-3
TYPO = "Small typo on the billing page footer, no rush."  # SEV-4


@pytest.fixture(autouse=True)
def frozen_now(monkeypatch):
    freeze_clock(monkeypatch)


def triage(db_path, text: str, customer: str, at: str, *extra) -> dict:
    return json.loads(ok(db_path, "triage", "--text", text, "--customer", customer, "--at", at, "--json", *extra))


def status(db_path, *args, now: str = NOW) -> list[dict]:
    return json.loads(ok(db_path, "status", "--json", "--now", now, *args))


def clocks_of(row: dict) -> dict[str, dict]:
    return {c["name"]: c for c in row["clocks"]}


@pytest.fixture
def busy(db_path):
    """Six escalations; at 10:00 two are breached."""
    triage(db_path, PREVIEW, "Initech", "2026-11-25T09:00:00+00:00")      # ESC-1 SEV-3: first response 13:00
    triage(db_path, OUTAGE, "Beta", "2026-11-25T09:00:00+00:00")          # ESC-2 SEV-1: not acknowledged, due 09:15
    triage(db_path, CHECKOUT, "Gamma", "2026-11-25T09:50:00+00:00")       # ESC-3 SEV-1: first response 10:05
    triage(db_path, DASHBOARD, "Delta", "2026-11-25T09:00:00+00:00")      # ESC-4 SEV-2: ack 09:30, update 11:30
    ok(db_path, "ack", "ESC-4", "--at", "2026-11-25T09:30:00+00:00")
    triage(db_path, TYPO, "Globex", "2026-11-25T09:00:00+00:00")          # ESC-5 SEV-4: first response 17:00
    triage(db_path, INVOICES, "Epsilon", "2026-11-25T08:00:00+00:00")     # ESC-6 SEV-1: update 08:30, due 09:00
    ok(db_path, "ack", "ESC-6", "--at", "2026-11-25T08:05:00+00:00")
    ok(db_path, "update", "ESC-6", "--at", "2026-11-25T08:30:00+00:00")
    return db_path


def test_fixture_severities(busy):
    rows = {r["id"]: r["severity"] for r in status(busy)}
    assert rows == {"ESC-1": "SEV-3", "ESC-2": "SEV-1", "ESC-3": "SEV-1", "ESC-4": "SEV-2", "ESC-5": "SEV-4",
                    "ESC-6": "SEV-1"}


def test_breached_first_then_earliest_deadline(busy):
    rows = status(busy)
    # Breached: ESC-6 update due 09:00, ESC-2 first response due 09:15 (earliest first);
    # then ESC-3 10:05, ESC-4 update 11:30, ESC-1 13:00, ESC-5 17:00.
    assert [r["id"] for r in rows] == ["ESC-6", "ESC-2", "ESC-3", "ESC-4", "ESC-1", "ESC-5"]
    assert [r["next_deadline"] for r in rows] == [
        "2026-11-25T09:00:00+00:00", "2026-11-25T09:15:00+00:00", "2026-11-25T10:05:00+00:00",
        "2026-11-25T11:30:00+00:00", "2026-11-25T13:00:00+00:00", "2026-11-25T17:00:00+00:00"]
    esc6, esc2, esc3 = rows[0], rows[1], rows[2]
    assert (clocks_of(esc6)["update"]["status"], clocks_of(esc6)["update"]["left_minutes"]) == ("breached", -60.0)
    assert esc6["next_step"] == "Update Epsilon by 09:00 UTC Wed 25 Nov"
    assert (clocks_of(esc2)["first_response"]["status"], clocks_of(esc2)["first_response"]["left_minutes"]) == (
        "breached", -45.0)
    assert esc2["next_step"] == "Acknowledge Beta by 09:15 UTC Wed 25 Nov"
    # ESC-3: 5 min left on a 15 min target; the warning lead is min(15, 3) = 3 min, so still pending.
    assert (clocks_of(esc3)["first_response"]["status"], clocks_of(esc3)["first_response"]["left_minutes"]) == (
        "pending", 5.0)


def test_json_row_shape(busy):
    row = status(busy)[3]  # ESC-4, SEV-2 acknowledged at 09:30
    assert set(row) == {"id", "customer", "severity", "type", "status", "owner", "paused", "summary", "opened_at",
                        "next_deadline", "next_step", "clocks", "flags", "notifications"}
    assert (row["id"], row["status"], row["paused"], row["flags"]) == ("ESC-4", "acknowledged", False, [])
    c = clocks_of(row)
    # First response met at 09:30 after 30 min (due 10:00); update 09:30 + 2 h = 11:30 (90 min left);
    # resolution 09:00 + 8 h = 17:00 (420 min left, 60 elapsed).
    assert c["first_response"] == {"name": "first_response", "status": "met", "due": "2026-11-25T10:00:00+00:00",
                                   "target_minutes": 60, "calendar": "24x7", "met_at": "2026-11-25T09:30:00+00:00",
                                   "elapsed_minutes": 30.0, "left_minutes": None, "missed": 0}
    assert (c["update"]["status"], c["update"]["due"], c["update"]["left_minutes"]) == (
        "pending", "2026-11-25T11:30:00+00:00", 90.0)
    assert (c["resolution"]["due"], c["resolution"]["left_minutes"], c["resolution"]["elapsed_minutes"]) == (
        "2026-11-25T17:00:00+00:00", 420.0, 60.0)


def test_text_board(busy):
    out = ok(busy, "status", "--now", NOW)
    lines = out.splitlines()
    assert lines[0] == "6 open (SEV-1: 3, SEV-2: 1, SEV-3: 1, SEV-4: 1); 2 breached"
    assert [line.split()[0] for line in lines[2:]] == ["ESC-6", "ESC-2", "ESC-3", "ESC-4", "ESC-1", "ESC-5"]
    esc2 = lines[3]
    assert "first response" in esc2 and "-45m" in esc2 and "delayed acknowledgment" in esc2
    assert "communication gap" in lines[2]
    assert "5m" in lines[4]


def test_due_within_30_minutes(busy):
    # At 10:00 + 30 min: the two breached (overdue is due) and ESC-3 at 10:05; ESC-4 11:30 is not.
    assert [r["id"] for r in status(busy, "--due-within", "30m")] == ["ESC-6", "ESC-2", "ESC-3"]
    out = ok(busy, "status", "--now", NOW, "--due-within", "30m")
    assert out.splitlines() == [
        "ESC-6: Update Epsilon by 09:00 UTC Wed 25 Nov",
        "ESC-2: Acknowledge Beta by 09:15 UTC Wed 25 Nov",
        "ESC-3: Acknowledge Gamma by 10:05 UTC Wed 25 Nov",
    ]
    assert [r["id"] for r in status(busy, "--due-within", "2h")] == ["ESC-6", "ESC-2", "ESC-3", "ESC-4"]
    assert ok(busy, "status", "--now", "2026-11-25T08:01:00+00:00", "--due-within", "1m").strip() == \
        "Nothing due within 1m."


def test_fail_on_breach_exit_codes(busy):
    result = run(busy, "status", "--now", NOW, "--fail-on-breach")
    assert result.exit_code == 1
    assert "2 breached" in result.stdout  # the board is still printed
    # At 08:40 only ESC-6 had opened (the others open later), its update due 09:00: nothing breached.
    early = run(busy, "status", "--now", "2026-11-25T08:40:00+00:00", "--fail-on-breach", "--json")
    assert early.exit_code == 0
    assert [r["id"] for r in json.loads(early.stdout)] == ["ESC-6"]
    # Filtered to a window without breaches, the filter decides.
    assert run(busy, "status", "--now", NOW, "--due-within", "30m", "--fail-on-breach").exit_code == 1


def test_fail_on_breach_is_0_on_an_empty_board(db_path):
    result = run(db_path, "status", "--fail-on-breach")
    assert result.exit_code == 0
    assert result.stdout.strip() == "No open escalations."


def test_now_evaluates_at_a_fixed_time(busy):
    # At 09:10 ESC-2 (SEV-1 opened 09:00) still has 5 min: due soon? 5 > 3 min lead -> pending.
    row = next(r for r in status(busy, now="2026-11-25T09:10:00+00:00") if r["id"] == "ESC-2")
    assert (clocks_of(row)["first_response"]["status"], clocks_of(row)["first_response"]["left_minutes"]) == (
        "pending", 5.0)
    row = next(r for r in status(busy, now="2026-11-25T09:13:00+00:00") if r["id"] == "ESC-2")
    assert clocks_of(row)["first_response"]["status"] == "due soon"
    # ESC-4 as of 09:20 had not been acknowledged yet (the ack is at 09:30).
    row = next(r for r in status(busy, now="2026-11-25T09:20:00+00:00") if r["id"] == "ESC-4")
    assert clocks_of(row)["first_response"]["status"] == "pending" and clocks_of(row)["update"]["status"] == "n/a"
    result = run(busy, "status", "--now", "2026-11-25T10:00:00")
    assert result.exit_code == 2 and "needs a time zone offset" in result.stderr


def test_a_late_acknowledgment_is_a_flag_not_the_next_step(db_path):
    triage(db_path, OUTAGE, "Acme", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:20:00+00:00")  # due 09:15: 5 min late
    (row,) = status(db_path, now="2026-11-25T09:25:00+00:00")
    assert clocks_of(row)["first_response"]["status"] == "breached"
    assert {"flag": "delayed_acknowledgment", "meaning": "first response breached", "detail": "acknowledged late"} in row["flags"]
    # The next thing to do is the update (09:20 + 30 min), not the acknowledgment already sent.
    assert (row["next_deadline"], row["next_step"]) == ("2026-11-25T09:50:00+00:00", "Update Acme by 09:50 UTC Wed 25 Nov")
    # Nothing is overdue now, so a cron alert stays quiet; the flag stays on the record.
    assert run(db_path, "status", "--now", "2026-11-25T09:25:00+00:00", "--fail-on-breach").exit_code == 0


def test_paused_rows_are_not_due(db_path):
    triage(db_path, OUTAGE, "Acme", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:05:00+00:00")
    ok(db_path, "pause", "ESC-1", "--reason", "waiting for logs", "--at", "2026-11-25T09:10:00+00:00")
    # At 12:50 the resolution clock (due 13:00 unpaused) is paused with 230 min left: not due within 30m.
    (row,) = status(db_path, now="2026-11-25T12:50:00+00:00")
    assert row["paused"] is True and clocks_of(row)["resolution"]["status"] == "paused"
    assert status(db_path, "--due-within", "30m", now="2026-11-25T12:50:00+00:00") == []
    assert "PAUSED" in ok(db_path, "status", "--now", "2026-11-25T12:50:00+00:00")


def test_closed_escalations_leave_the_board(db_path):
    triage(db_path, PREVIEW, "Initech", "2026-11-25T09:00:00+00:00")
    ok(db_path, "close", "ESC-1", "--force", "--reason", "duplicate of ESC-0", "--at", "2026-11-25T09:01:00+00:00")
    assert status(db_path) == []


def test_ties_break_by_severity_then_numeric_id(db_path):
    for i in range(11):
        triage(db_path, TYPO + f" Ref {i}.", f"Customer {i}", "2026-11-25T09:00:00+00:00")
    assert [r["id"] for r in status(db_path)] == [f"ESC-{i}" for i in range(1, 12)]


# -- red flags ---------------------------------------------------------------------------------

class LowballEngine:
    """Rates everything SEV-3, like a model that under-reads a breach; the rules raise it."""

    name = "stub"
    model = None

    def triage(self, request, signals):
        result = OfflineEngine().triage(request, signals)
        result.answer = result.answer.model_copy(update={"severity": Severity.SEV3})
        result.engine = self.name
        return result


def test_under_severity_flag(db_path):
    with Store(db_path) as store:
        esc = triage_complaint(text=INVOICES, customer="Hooli", tier="standard", store=store, engine=LowballEngine(),
                               policy=default_policy(), at=datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    assert esc.severity == Severity.SEV1
    (row,) = status(db_path)
    (flag,) = [f for f in row["flags"] if f["flag"] == "under_severity"]
    assert flag["detail"].startswith("SEV-3 → SEV-1 (")


def test_communication_gap_flag(busy):
    row = status(busy)[0]  # ESC-6: last update 08:30, due 09:00, nothing since
    assert {"flag": "communication_gap", "meaning": "customer update overdue",
            "detail": "1 update interval(s) overrun"} in row["flags"]


def test_pattern_blindness_flag(db_path):
    triage(db_path, PREVIEW, "Initech", "2026-10-01T09:00:00+00:00")
    triage(db_path, TYPO, "Initech", "2026-11-25T09:00:00+00:00")  # same customer 55 days later
    rows = {r["id"]: r for r in status(db_path)}
    (flag,) = [f for f in rows["ESC-2"]["flags"] if f["flag"] == "pattern_blindness"]
    assert flag["detail"].startswith("ESC-1 (same customer")
    assert not [f for f in rows["ESC-1"]["flags"] if f["flag"] == "pattern_blindness"]


def test_premature_closure_and_missing_rca_on_the_closed_record(db_path):
    triage(db_path, OUTAGE, "Acme", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "update", "ESC-1", "--at", "2026-11-25T09:35:00+00:00")  # next due 10:05: resolved in time
    ok(db_path, "resolve", "ESC-1", "--at", "2026-11-25T10:00:00+00:00")
    ok(db_path, "close", "ESC-1", "--force", "--reason", "no reply from customer", "--at", "2026-11-25T10:05:00+00:00")
    with Store(db_path) as store:
        row = board.one(store, 1, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
    assert [f.as_dict() for f in row.flags] == [
        {"flag": "premature_closure", "meaning": "closed before the customer confirmed", "detail": "no reply from customer"},
        {"flag": "missing_rca", "meaning": "SEV-1/2 closed without a completed RCA", "detail": "no completed RCA recorded"},
    ]
    assert row.status == "closed" and row.next_clock is None
    out = ok(db_path, "show", "ESC-1")
    assert "! premature closure: no reply from customer" in out
    assert "! missing rca: no completed RCA recorded" in out


def test_no_missing_rca_for_low_severities(db_path):
    triage(db_path, PREVIEW, "Initech", "2026-11-25T09:00:00+00:00")
    for cmd, at in [("ack", "09:10"), ("resolve", "10:00"), ("confirm", "10:30"), ("close", "10:35")]:
        ok(db_path, cmd, "ESC-1", "--at", f"2026-11-25T{at}:00+00:00")
    assert json.loads(ok(db_path, "show", "ESC-1", "--json"))["flags"] == []


# -- policies stored with the escalation --------------------------------------------------------

def test_enterprise_sev2_override_through_the_cli(db_path, tmp_path):
    policy = tmp_path / "acme.toml"
    policy.write_text("[tiers.enterprise.severities.SEV-2]\nfirst_response_minutes = 30\n")
    at = "2026-11-25T09:00:00+00:00"
    big = json.loads(ok(db_path, "--policy", str(policy), "triage", "--text", DASHBOARD, "--customer", "BigCo",
                        "--tier", "enterprise", "--at", at, "--json"))
    small = json.loads(ok(db_path, "--policy", str(policy), "triage", "--text", DASHBOARD, "--customer", "SmallCo",
                          "--tier", "standard", "--at", at, "--json"))
    assert big["severity"] == small["severity"] == "SEV-2"
    # Enterprise: 09:00 + 30 min; standard keeps the default 1 h.
    assert big["sla"]["first_response_due"] == "2026-11-25T09:30:00+00:00"
    assert small["sla"]["first_response_due"] == "2026-11-25T10:00:00+00:00"
    rows = {r["customer"]: clocks_of(r)["first_response"] for r in status(db_path, now="2026-11-25T09:20:00+00:00")}
    assert (rows["BigCo"]["due"], rows["BigCo"]["target_minutes"]) == ("2026-11-25T09:30:00+00:00", 30)
    assert (rows["SmallCo"]["due"], rows["SmallCo"]["target_minutes"]) == ("2026-11-25T10:00:00+00:00", 60)


def test_the_stored_policy_keeps_applying_after_the_file_changes(db_path, tmp_path):
    policy = tmp_path / "acme.toml"
    policy.write_text("[severities.SEV-1]\nfirst_response_minutes = 5\n")
    ok(db_path, "--policy", str(policy), "triage", "--text", OUTAGE, "--customer", "Acme",
       "--at", "2026-11-25T09:00:00+00:00")
    policy.write_text("[severities.SEV-1]\nfirst_response_minutes = 60\n")
    (row,) = json.loads(ok(db_path, "--policy", str(policy), "status", "--json", "--now", "2026-11-25T09:10:00+00:00"))
    # Stored: 5 min -> due 09:05, breached at 09:10 (the edited file would say 10:00).
    assert (clocks_of(row)["first_response"]["due"], clocks_of(row)["first_response"]["status"]) == (
        "2026-11-25T09:05:00+00:00", "breached")
    # A new escalation gets the edited policy.
    new = json.loads(ok(db_path, "--policy", str(policy), "triage", "--text", CHECKOUT, "--customer", "Beta",
                        "--at", "2026-11-25T09:00:00+00:00", "--json"))
    assert new["sla"]["first_response_due"] == "2026-11-25T10:00:00+00:00"


# -- the machine's time zone -----------------------------------------------------------------------

SCRIPT = textwrap.dedent(
    """
    import sys, os
    from datetime import datetime, timezone
    from click.testing import CliRunner
    import agent.lifecycle, agent.store
    from agent.faces.cli import cli
    fixed = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
    agent.store.now = agent.lifecycle.now = lambda: fixed
    db = os.path.join(sys.argv[2], "e.db")
    policy = os.path.join(os.path.dirname(db), "p.toml")
    open(policy, "w").write('[calendars.business]\\ntimezone = "Europe/Berlin"\\nholidays_country = "DE"\\n'
                            'holidays_subdivision = "BY"\\n')
    def run(*args):
        r = CliRunner().invoke(cli, ["--db", db, "--policy", policy, *args], catch_exceptions=False)
        assert r.exit_code == 0, r.output
        return r.stdout
    out = []
    out.append(run("triage", "--text", sys.argv[1], "--customer", "Acme", "--tz", "America/New_York",
                   "--at", "2026-10-23T14:30:00+00:00", "--json"))
    out.append(run("ack", "ESC-1", "--at", "2026-10-23T15:00:00+00:00"))
    out.append(run("pause", "ESC-1", "--reason", "logs", "--at", "2026-10-23T15:30:00+00:00"))
    out.append(run("resume", "ESC-1", "--at", "2026-10-26T08:00:00+00:00"))
    for now in ("2026-10-25T01:30:00+00:00", "2026-10-26T09:00:00+00:00", "2026-10-28T16:00:00+00:00"):
        out.append(run("status", "--json", "--now", now))
        out.append(run("status", "--now", now))
    out.append(run("show", "ESC-1"))
    print("\\n".join(out))
    """
)


@pytest.mark.slow
def test_cli_output_is_identical_in_every_local_time_zone(tmp_path):
    # A SEV-3 (business hours, Berlin, DE-BY holidays) across the EU fall-back weekend, shown in New York.
    outputs = {}
    for zone in ("UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu"):
        where = tmp_path / zone.replace("/", "_")
        where.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ESCALATE_", "ANTHROPIC_"))} | {"TZ": zone}
        proc = subprocess.run([sys.executable, "-c", SCRIPT, PREVIEW, str(where)], capture_output=True, text=True, cwd=ROOT,
                              env=env, timeout=120)
        assert proc.returncode == 0, proc.stderr
        outputs[zone] = proc.stdout
    assert len(set(outputs.values())) == 1, {z: o[:200] for z, o in outputs.items()}
    first = outputs["UTC"]
    # Opened Fri 23 Oct 14:30 UTC = 16:30 CEST; 4 business hours on Mon-Fri 09-17 Berlin:
    # Fri 16:30-17:00 (30 min), Mon 26 Oct 09:00-12:30 CET (210 min) -> 12:30 CET = 11:30 UTC = 07:30 EDT.
    assert '"first_response_due": "2026-10-26T07:30:00-04:00"' in first
