"""The offline pipeline end to end through the CLI, and every bad input a user can give it."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from agent.faces.cli import cli
from conftest import EXAMPLES, ok

OUTAGE = EXAMPLES / "login-outage.txt"


def run(db_path, *args, input=None):
    result = CliRunner().invoke(cli, ["--db", str(db_path), *args], input=input, catch_exceptions=False)
    return result


def triage_json(db_path, *args, input=None) -> dict:
    result = run(db_path, "triage", *args, "--json", input=input)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def count(db_path, table="escalations") -> int:
    if not db_path.exists():
        return 0
    with sqlite3.connect(db_path) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_triage_file_prints_severity_sla_and_acknowledgment(db_path):
    result = run(db_path, "triage", str(OUTAGE), "--customer", "Acme Corp", "--tier", "enterprise",
                 "--contact", "Dana", "--at", "2026-11-25T09:00:00+00:00")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.startswith("ESC-1  SEV-1  technical  Acme Corp (enterprise)")
    assert "first response due   09:15 UTC on Wed 25 Nov 2026" in out
    assert "next update due      09:30 UTC on Wed 25 Nov 2026" in out
    assert "resolution due       13:00 UTC on Wed 25 Nov 2026" in out
    assert "Subject: [URGENT] We're on it - " in out
    assert "Hi Dana," in out
    assert "You will hear from me by 09:30 UTC on Wed 25 Nov 2026" in out


def test_triage_json_has_every_documented_field_with_offsets(db_path):
    data = triage_json(db_path, str(OUTAGE), "--customer", "Acme Corp", "--tier", "enterprise",
                       "--tz", "America/New_York", "--at", "2026-11-25T14:00:00+00:00")
    for key in ("id", "severity", "type", "impact", "questions", "routing", "corrections", "sla", "engine", "drafts"):
        assert key in data
    assert data["id"] == "ESC-1"
    assert data["severity"] == "SEV-1"
    assert data["engine"] == "offline" and data["fallback_reason"] is None
    assert data["sla"]["first_response_due"] == "2026-11-25T09:15:00-05:00"
    assert data["sla"]["next_update_due"] == "2026-11-25T09:30:00-05:00"
    assert data["sla"]["resolution_due"] == "2026-11-25T13:00:00-05:00"
    assert [q["key"] for q in data["questions"]] == ["what", "when", "who", "business_impact", "tried", "workaround"]
    assert set(data["impact"]) == {"customer_tier", "revenue_at_risk", "users_affected", "business_criticality",
                                   "public_exposure", "regulatory"}
    assert data["impact"]["users_affected"]["evidence"] == "400 support agents"
    assert data["impact"]["revenue_at_risk"]["evidence"] == "$20,000 per hour"
    assert data["routing"]["team"] == "Engineering" and data["routing"]["tier"] == "Incident Commander"
    ack = data["drafts"]["acknowledgment"]
    assert ack["subject"].startswith("[URGENT] We're on it - ")
    assert "09:30 EST on Wed 25 Nov 2026" in ack["body"]


def test_stdin_dash_reads_the_complaint(db_path):
    data = triage_json(db_path, "-", "--customer", "Acme", input=OUTAGE.read_bytes())
    assert data["severity"] == "SEV-1"
    assert "none of our 400 support agents can log in" in data["summary"]


def test_text_option_triages_inline_text(db_path):
    data = triage_json(db_path, "--text", "Since 9am none of our 400 agents can log in to the console.",
                       "--customer", "Acme")
    assert data["severity"] == "SEV-1"
    assert data["impact"]["users_affected"]["assessment"] == "400 agents"


def test_low_severity_acknowledgment_is_not_urgent_and_promises_update_by_resolution(db_path):
    data = triage_json(db_path, str(EXAMPLES / "typo-invoice.txt"), "--customer", "Globex",
                       "--at", "2026-11-25T09:00:00+00:00")
    assert data["severity"] == "SEV-4"
    assert data["sla"]["next_update_due"] is None
    ack = data["drafts"]["acknowledgment"]
    assert not ack["subject"].startswith("[URGENT]")
    # SEV-4 counts business hours: 5 business days of 8 h from Wed 09:00 end Tue 17:00.
    assert "no later than 17:00 UTC on Tue 1 Dec 2026" in ack["body"]
    assert data["sla"]["first_response_due"] == "2026-11-25T17:00:00+00:00"


def test_list_orders_most_urgent_first(db_path):
    ok(db_path, "triage", str(EXAMPLES / "typo-invoice.txt"), "--customer", "Globex")
    ok(db_path, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech")
    ok(db_path, "triage", str(OUTAGE), "--customer", "Acme")
    result = run(db_path, "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()[1:]
    assert [line.split()[1] for line in lines] == ["SEV-1", "SEV-3", "SEV-4"]
    assert lines[0].startswith("ESC-3")
    data = json.loads(ok(db_path, "list", "--json"))
    assert [r["id"] for r in data] == ["ESC-3", "ESC-2", "ESC-1"]


def test_list_says_so_when_empty(db_path):
    assert ok(db_path, "list").strip() == "No open escalations."


def test_show_prints_the_record(db_path):
    ok(db_path, "triage", str(OUTAGE), "--customer", "Acme Corp", "--owner", "Sam Rivera",
        "--at", "2026-11-25T09:00:00+00:00")
    result = run(db_path, "show", "ESC-1")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("ESC-1  Acme Corp")
    assert "severity     SEV-1 (technical)" in out
    assert "started      09:00 UTC on Wed 25 Nov 2026" in out
    assert "status       open" in out
    assert "owner        Sam Rivera" in out
    assert "next action  Send the acknowledgment to Acme Corp by 09:15 UTC on Wed 25 Nov 2026" in out
    assert "ETA          13:00 UTC on Wed 25 Nov 2026" in out
    assert "Updates log" in out
    log = out.split("Updates log", 1)[1]
    assert "opened" in log and "triaged" in log and "draft_saved" in log
    assert run(db_path, "show", "esc-1").exit_code == 0  # ids are case-insensitive


def test_show_json_round_trips_the_record(db_path):
    ok(db_path, "triage", str(OUTAGE), "--customer", "Acme")
    data = json.loads(ok(db_path, "show", "ESC-1", "--json"))
    assert data["id"] == "ESC-1" and data["severity"] == "SEV-1"
    assert [e["kind"] for e in data["events"]][:2] == ["opened", "triaged"]


def test_show_unknown_id_exits_2(db_path):
    result = run(db_path, "show", "ESC-99")
    assert result.exit_code == 2
    assert "no escalation ESC-99" in result.stderr


def test_python_dash_m_agent_runs_the_cli():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "agent", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "triage" in proc.stdout and "show" in proc.stdout


@pytest.mark.parametrize(
    "args, input, message",
    [
        (["--text", ""], None, "the complaint is empty"),
        (["--text", "   \n\t  "], None, "the complaint is empty"),
        (["-"], b"", "the complaint is empty"),
        (["--text", "x" * 100_001], None, "over the 100,000 limit"),
        (["-"], b"caf\xe9 is down \xff\xfe", "is not valid utf-8"),
        (["/no/such/complaint.txt"], None, "no such file: /no/such/complaint.txt"),
        (["--text", "it is down", "--tier", "platinum"], None, "unknown tier 'platinum'"),
        (["--text", "it is down", "--engine", "gpt"], None, "unknown engine 'gpt'"),
        (["--text", "it is down", "--engine", "anthropic"], None, "ANTHROPIC_API_KEY"),
        (["--text", "it is down", "--tz", "Mars/Olympus"], None, "unknown time zone 'Mars/Olympus'"),
        (["--text", "it is down", "--at", "yesterday"], None, "not an ISO 8601 time"),
        (["--text", "it is down", "--at", "2026-11-25T09:00:00"], None, "needs a time zone offset"),
        (["-", "--encoding", "klingon"], b"it is down", "unknown encoding"),
        ([], None, "no complaint"),
    ],
    ids=["empty", "whitespace", "empty-stdin", "too-long", "bad-utf8", "missing-file", "unknown-tier",
         "unknown-engine", "anthropic-no-key", "bad-tz", "bad-at", "naive-at", "bad-encoding", "no-source"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_stored(db_path, args, input, message):
    result = run(db_path, "triage", *args, "--customer", "Acme", input=input)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert count(db_path) == 0


def test_anthropic_without_key_names_the_fix(db_path):
    result = run(db_path, "triage", "--text", "it is down", "--customer", "Acme", "--engine", "anthropic")
    assert result.exit_code == 2
    assert result.stderr == ("error: --engine anthropic needs ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN): set it, "
                             "or pass --engine offline\n")


def test_other_encodings_are_read_when_named(db_path, tmp_path):
    path = tmp_path / "cp1252.txt"
    path.write_bytes("Our caf\u00e9 till system is down for everyone \u2013 nobody can take payments.".encode("cp1252"))
    data = triage_json(db_path, str(path), "--customer", "Bistro", "--encoding", "cp1252")
    assert data["summary"].rstrip(".") == "Our café till system is down for everyone – nobody can take payments"
    assert data["severity"] == "SEV-1"


def test_template_syntax_in_complaint_and_name_appears_literally(db_path):
    text = "Our {{ config.SECRET }} page shows {% raw %} and {{ 7*7 }} and all our orders are gone."
    data = triage_json(db_path, "--text", text, "--customer", "{{ customer.name }} Ltd", "--contact", "{% if x %}Ann")
    body = data["drafts"]["acknowledgment"]["body"]
    assert "{{ customer.name }} Ltd" in data["customer"]
    assert "Hi {% if x %}Ann," in body
    assert "and 49 and" not in body and "and 49 and" not in data["summary"]
    assert data["summary"] == "Our {{ config.SECRET }} page shows {% raw %} and {{ 7*7 }} and all our orders are gone"
    assert "{{ 7*7 }}" in body and "{{ config.SECRET }}" in body


def test_control_characters_are_stripped_not_stored(db_path):
    data = triage_json(db_path, "--text", "Our exports\x00 are \x1b[31mbroken\x07 for all 50 users.", "--customer", "Acme")
    with sqlite3.connect(db_path) as conn:
        stored = conn.execute("SELECT complaint FROM escalations").fetchone()[0]
    assert "\x00" not in stored and "\x1b" not in stored and "\x07" not in stored
    assert data["id"] == "ESC-1"


def test_a_locked_database_waits_then_fails_clearly(db_path, monkeypatch):
    ok(db_path, "triage", "--text", "Our exports are broken.", "--customer", "Acme")
    monkeypatch.setenv("ESCALATE_BUSY_TIMEOUT", "0.2")
    blocker = sqlite3.connect(db_path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        result = run(db_path, "triage", "--text", "Our imports are broken.", "--customer", "Acme")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert result.exit_code == 1
    assert "is locked by another process (waited 0.2 s)" in result.stderr
    assert "Traceback" not in result.output
    assert count(db_path) == 1


def test_a_db_in_a_folder_that_does_not_exist_is_refused_and_nothing_is_created(tmp_path):
    typo = tmp_path / "esclations" / "team.db"
    result = run(typo, "list")
    assert result.exit_code == 1
    assert f"the folder {typo.parent} does not exist; create it or pass another --db" in result.stderr
    assert "No open escalations" not in result.output
    assert not typo.parent.exists()


def test_the_default_database_folder_is_made_on_first_use(tmp_path, monkeypatch):
    from agent import store

    default = tmp_path / "data" / "escalation-handler" / "escalations.db"
    monkeypatch.setattr(store, "default_path", lambda: default)
    store.Store(default).close()
    assert default.is_file()


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("these are my notes, not a database " * 100)
    result = run(bogus, "list")
    assert result.exit_code == 1
    assert "is not an escalation database" in result.stderr
    assert bogus.read_text().startswith("these are my notes")


def test_broken_policy_file_is_a_clear_error(db_path, tmp_path):
    bad = tmp_path / "policy.toml"
    bad.write_text("[severities.SEV-1]\nfirst_response_minutes = 600\nresolution_minutes = 60\n")
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--policy", str(bad), "triage", "--text", "down",
                                      "--customer", "Acme"])
    assert result.exit_code == 2
    assert "first_response_minutes is longer than resolution_minutes" in result.stderr
    assert count(db_path) == 0


def test_policy_file_overrides_targets_and_owner(db_path, tmp_path):
    policy = tmp_path / "acme.toml"
    policy.write_text(
        '[severities.SEV-1]\nfirst_response_minutes = 5\n\n[teams.technical]\nowner = "Jordan Lee"\n'
        'channel = "jordan@support.example"\n'
    )
    result = CliRunner().invoke(cli, ["--db", str(db_path), "--policy", str(policy), "triage", str(OUTAGE),
                                      "--customer", "Acme", "--at", "2026-11-25T09:00:00+00:00", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sla"]["first_response_due"] == "2026-11-25T09:05:00+00:00"
    assert data["sla"]["policy"] == "acme"
    assert data["owner"] == "Jordan Lee"
    assert "Jordan Lee: jordan@support.example" in data["drafts"]["acknowledgment"]["body"]


@pytest.mark.parametrize("command", [[], ["triage"], ["list"], ["show"]])
def test_every_help_works(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output


def test_a_broken_policy_file_is_an_error_for_every_command(db_path, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[severities.SEV-1]\nresolution_minutes = -5\n")
    for command in (["list"], ["status"]):
        result = CliRunner().invoke(cli, ["--db", str(db_path), "--policy", str(bad), *command])
        assert result.exit_code == 2, command
        assert "severities.SEV-1.resolution_minutes" in result.stderr


def test_python_dash_m_agent_cli_keeps_every_command():
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "agent.faces.cli", "metrics", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "--by" in proc.stdout


def test_the_timeline_is_in_real_time_order_whatever_the_offsets(db_path):
    ok(db_path, "triage", "--text", "Exports are broken for all 60 users.", "--customer", "Acme",
        "--at", "2026-01-05T09:00:00+01:00")  # 08:00 UTC
    ok(db_path, "ack", "ESC-1", "--at", "2026-01-05T08:30:00+00:00")  # after opening, though "08:30" < "09:00" as text
    data = json.loads(ok(db_path, "show", "ESC-1", "--json"))
    kinds = [e["kind"] for e in data["events"]]
    assert kinds.index("opened") < kinds.index("ack")
