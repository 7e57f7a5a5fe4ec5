"""The war room (roster, channel, cadence, checklist), the read-in brief and the workaround protocol."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from agent.faces.cli import cli
from agent.policy import DEFAULT, Policy, default_policy
from agent.warroom import channel_name
from conftest import EXAMPLES, ok, run

OUTAGE = EXAMPLES / "login-outage.txt"
# The outage without its "Please call me" request: these tests follow the recovery's own commitments
# (a request answered in a draft becomes one more, see test_requests.py).
OUTAGE_TEXT = OUTAGE.read_text(encoding="utf-8").replace(" Please call me as soon as you have anything.", "")
SLOW = EXAMPLES / "data-export-slow.txt"


def events(db_path, kind: str | None = None) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT kind, data, at FROM events ORDER BY id").fetchall()
    return [{"kind": k, "at": at, **json.loads(d)} for k, d, at in rows if kind is None or k == kind]


def _outage(db_path, *extra):
    ok(db_path, "triage", "--text", OUTAGE_TEXT, "--customer", "Acme Corp", "--tier", "enterprise", "--contact", "Dana",
       "--owner", "Sam Rivera", "--at", "2026-11-25T09:00:00+00:00", *extra)


SEV1_ROLES = ["incident commander", "technical lead", "communications lead", "customer success manager",
              "executive sponsor", "scribe"]


def test_warroom_designates_commander_roster_channel_cadence_and_checklist(db_path):
    _outage(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    room = json.loads(ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--role", "Scribe = Lee Wong",
                         "--at", "2026-11-25T09:12:00+00:00", "--json"))
    assert room["channel"] == "#esc-1-acme-corp"
    assert room["commander"] == "Pat Kim"
    assert room["cadence"] == "every 30 min"
    assert room["roster"] == [
        {"role": "incident commander", "name": "Pat Kim"},
        {"role": "technical lead", "name": "Sam Rivera"},
        {"role": "communications lead", "name": "unassigned"},
        {"role": "customer success manager", "name": "unassigned"},
        {"role": "executive sponsor", "name": "Head of Customer Success"},
        {"role": "scribe", "name": "Lee Wong"},
    ]
    assert [c["item"] for c in room["checklist"]] == [
        "Open #esc-1-acme-corp and invite the roster",
        "Confirm every role has a named person",
        "Post the read-in in #esc-1-acme-corp: `escalate warroom ESC-1 --brief`",
        "Update Acme Corp every 30 min (next: 09:40 UTC on Wed 25 Nov 2026)",
        "Decide workaround, rollback or fix forward, and log it: "
        "`escalate log ESC-1 \"what we decided and why\" --kind decision`",
        "Keep the timeline: log every action and hypothesis, e.g. "
        "`escalate log ESC-1 \"what was done, by whom\" --kind action`",
        "Brief the executive sponsor on impact and ETA",
        "Agree the all-clear with Acme Corp, stand down, and schedule the RCA",
    ]
    assert not any(c["done"] for c in room["checklist"])
    (opened,) = events(db_path, "warroom_opened")
    assert opened["at"] == "2026-11-25T09:12:00+00:00" and opened["update_every_minutes"] == 30
    assert [r["role"] for r in opened["roster"]] == SEV1_ROLES

    ticked = json.loads(ok(db_path, "warroom", "ESC-1", "--check", "2", "--at", "2026-11-25T09:15:00+00:00", "--json"))
    assert [c["n"] for c in ticked["checklist"] if c["done"]] == [2]
    assert events(db_path, "warroom_check")[0]["item"] == "Confirm every role has a named person"


def test_sev2_roster_and_cadence_and_an_unacknowledged_room_starts_with_the_ack(db_path):
    _outage(db_path)
    ok(db_path, "severity", "ESC-1", "SEV-2", "--reason", "half the agents are back", "--at", "2026-11-25T09:05:00+00:00")
    out = ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--at", "2026-11-25T09:06:00+00:00")
    assert out.startswith("ESC-1  Acme Corp  SEV-2: war room opened: #esc-1-acme-corp, commander Pat Kim")
    assert "Updates    every 2 h to Acme Corp" in out
    roster = out.split("Roster\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split("  ")[1].strip() for line in roster] == [
        "incident commander", "technical lead", "communications lead", "customer success manager"]
    assert "[ ] 1. Acknowledge Acme Corp now: `escalate ack ESC-1`" in out
    assert "executive sponsor" not in out


def test_a_sev3_war_room_is_refused_unless_forced(db_path):
    ok(db_path, "triage", str(SLOW), "--customer", "Initech", "--at", "2026-11-25T09:00:00+00:00")
    before = events(db_path)
    result = run(db_path, "warroom", "ESC-1", "--commander", "Pat Kim")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: ESC-1 is SEV-3: a war room is for SEV-1 and SEV-2; raise the severity "
                                     "with `escalate severity`, or pass --force to open one anyway")
    assert events(db_path) == before
    room = json.loads(ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--force", "--json"))
    assert [r["role"] for r in room["roster"]] == ["incident commander", "technical lead", "customer success manager"]
    assert room["cadence"] == "daily (every business day)"


def test_handover_roles_and_refusals(db_path):
    _outage(db_path)
    ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--at", "2026-11-25T09:06:00+00:00")
    out = ok(db_path, "warroom", "ESC-1", "--commander", "Ada Obi", "--role", "communications lead=Kim Ng")
    assert "command handed over: Pat Kim → Ada Obi; communications lead: Kim Ng" in out.splitlines()[0]
    assert "  incident commander         Ada Obi" in out and "  communications lead        Kim Ng" in out
    before = events(db_path)
    for args, message in [
        (["--commander", "Ada Obi"], "ESC-1 already has a war room (#esc-1-acme-corp, commander Ada Obi)"),
        (["--role", "chef=Bob"], "unknown role 'chef'; this war room has: incident commander, technical lead"),
        (["--role", "scribe"], "write ROLE=NAME"),
        (["--role", "incident commander=Bob"], "name the incident commander with --commander"),
        (["--check", "99"], "checklist has items 1-9, not 99"),
        ([], "say what to do"),
        (["--brief", "--check", "1"], "say what to do"),
        (["--check", "1", "--now", "2026-11-25T10:00:00+00:00"], "--now goes with --brief"),
    ]:
        result = run(db_path, "warroom", "ESC-1", *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    assert events(db_path) == before


@pytest.mark.parametrize("args, message", [
    (["warroom", "ESC-9", "--commander", "Pat"], "no escalation ESC-9"),
    (["warroom", "ESC-9", "--brief"], "no escalation ESC-9"),
    (["warroom", "ESC-1", "--check", "1"], "ESC-1 has no war room"),
    (["warroom", "ESC-1", "--role", "scribe=Lee"], "ESC-1 has no war room yet: open one with --commander NAME"),
    (["workaround", "ESC-9", "steps"], "no escalation ESC-9"),
    (["workaround", "ESC-1", "   "], "the workaround is empty"),
    (["workaround", "ESC-1", "steps", "--permanent-fix-eta", "soon"], "is not a date (2026-12-01)"),
    (["workaround", "ESC-1", "steps", "--permanent-fix-eta", "2026-11-25T08:00:00+00:00"], "is not after the workaround"),
    (["workaround", "ESC-1", "steps", "--permanent-fix-eta", "2026-12-01T10:00:00"], "needs a time zone offset"),
])
def test_bad_input_exits_2_and_stores_nothing(db_path, args, message):
    _outage(db_path)
    before = events(db_path)
    result = run(db_path, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert events(db_path) == before


def test_brief_reads_in_someone_joining_late(db_path):
    _outage(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--at", "2026-11-25T09:12:00+00:00")
    ok(db_path, "log", "ESC-1", "rolled back gateway 4.2", "--kind", "action", "--at", "2026-11-25T09:20:00+00:00")
    ok(db_path, "log", "ESC-1", "auth cache pool exhausted", "--kind", "hypothesis", "--at", "2026-11-25T09:25:00+00:00")
    ok(db_path, "update", "ESC-1", "--note", "rollback done, still investigating", "--at", "2026-11-25T09:35:00+00:00")
    out = ok(db_path, "warroom", "ESC-1", "--brief", "--now", "2026-11-25T09:50:00+00:00")
    assert out.startswith("Read-in: ESC-1 Acme Corp (enterprise), SEV-1 technical, war room #esc-1-acme-corp\n"
                          "As of 09:50 UTC on Wed 25 Nov 2026\n")
    what, rest = out.split("Current status", 1)
    assert "Opened 09:00 UTC on Wed 25 Nov 2026" in what
    assert "none of our 400 support agents can log in" in what
    assert "users affected:        400 agents" in what
    assert "09:20 UTC on Wed 25 Nov 2026 - action: rolled back gateway 4.2" in what
    assert "09:25 UTC on Wed 25 Nov 2026 - hypothesis: auth cache pool exhausted" in what
    assert "09:35 UTC on Wed 25 Nov 2026 - customer update sent: rollback done, still investigating" in what
    status, rest = rest.split("Who is doing what", 1)
    assert "  investigating" in status
    assert "update          pending   due 10:05 UTC on Wed 25 Nov 2026" in status
    assert "resolution      pending   due 13:00 UTC on Wed 25 Nov 2026" in status
    who, nxt = rest.split("Next actions", 1)
    assert "  incident commander         Pat Kim" in who and "  owner                      Sam Rivera" in who
    assert "  customer contact           Dana" in who
    assert "  - Update Acme Corp by 10:05 UTC on Wed 25 Nov 2026" in nxt
    assert "  - checklist 1: Open #esc-1-acme-corp and invite the roster" in nxt
    # the update item names the live clock's next update, not the one of when the room opened (09:42)
    assert "  - checklist 4: Update Acme Corp every 30 min (next: 10:05 UTC on Wed 25 Nov 2026)" in nxt
    assert nxt.rstrip().endswith("Next update due: 10:05 UTC on Wed 25 Nov 2026 (15m left)")

    data = json.loads(ok(db_path, "warroom", "ESC-1", "--brief", "--now", "2026-11-25T10:10:00+00:00", "--json"))
    assert data["next_update_due"] == "10:05 UTC on Wed 25 Nov 2026 (overdue by 5m)"
    assert [f["flag"] for f in data["status"]["flags"]] == ["communication_gap"]
    assert data["war_room"]["commander"] == "Pat Kim"


def test_brief_without_a_war_room_says_how_to_open_one(db_path):
    _outage(db_path)
    out = ok(db_path, "warroom", "ESC-1", "--brief", "--now", "2026-11-25T09:05:00+00:00")
    assert out.startswith("Read-in: ESC-1 Acme Corp (enterprise), SEV-1 technical\n")
    assert "(no war room: `escalate warroom ESC-1 --commander NAME`)" in out
    assert out.rstrip().endswith("Next update due: acknowledge by 09:15 UTC on Wed 25 Nov 2026 (10m left)")


def test_workaround_protocol(db_path):
    _outage(db_path, "--tz", "Europe/Berlin")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    out = ok(db_path, "workaround", "ESC-1", "Sign in through the backup URL sso2.example.com",
             "--permanent-fix-eta", "2026-11-27", "--at", "2026-11-25T09:30:00+00:00")
    assert out.splitlines() == [
        "ESC-1 workaround: workaround recorded",
        "  steps: Sign in through the backup URL sso2.example.com",
        "  permanent fix expected by 17:00 CET on Fri 27 Nov 2026 (given)",
        "  commitment #1: tell the customer when the permanent fix ships",
        "  not yet communicated: record the update that carries it with `escalate update ESC-1 --note ...`",
    ]
    (logged,) = [e for e in events(db_path, "log")]
    assert (logged["kind"], logged["text"]) == ("workaround", "Sign in through the backup URL sso2.example.com")
    (commitment,) = events(db_path, "commitment")
    assert commitment["due"] == "2026-11-27T17:00:00+01:00" and commitment["owner"] == "Sam Rivera"
    assert commitment["what"].startswith("Tell Dana when the permanent fix ships")
    (protocol,) = events(db_path, "workaround_protocol")
    assert protocol["eta_source"] == "given" and protocol["commitment"] == 1
    show = ok(db_path, "show", "ESC-1").splitlines()
    assert "  workaround   Sign in through the backup URL sso2.example.com (permanent fix expected by 17:00 CET on Fri 27 Nov 2026)" in show

    brief = json.loads(ok(db_path, "warroom", "ESC-1", "--brief", "--now", "2026-11-25T09:31:00+00:00", "--json"))
    assert brief["status"]["status"] == "workaround"
    assert [w["communicated"] for w in brief["status"]["workarounds"]] == [False]
    ok(db_path, "update", "ESC-1", "--note", "workaround sent", "--at", "2026-11-25T09:40:00+00:00")
    brief = json.loads(ok(db_path, "warroom", "ESC-1", "--brief", "--now", "2026-11-25T09:41:00+00:00", "--json"))
    (w,) = brief["status"]["workarounds"]
    assert (w["communicated"], w["communicated_at"]) == (True, "10:40 CET on Wed 25 Nov 2026")
    assert w["permanent_fix_eta"] == "17:00 CET on Fri 27 Nov 2026"

    # Not done by the ETA: no follow-through.
    (row,) = json.loads(ok(db_path, "status", "--now", "2026-11-27T16:01:00+00:00", "--json"))
    assert "no_follow_through" in [f["flag"] for f in row["flags"]]
    ok(db_path, "done", "ESC-1", "1", "--at", "2026-11-27T15:00:00+00:00")
    (row,) = json.loads(ok(db_path, "status", "--now", "2026-11-27T16:01:00+00:00", "--json"))
    assert "no_follow_through" not in [f["flag"] for f in row["flags"]]


def test_a_logged_workaround_reaches_the_customer_in_the_teams_own_words(db_path):
    _outage(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    steps = "We now send sign-ins through our backup gateway; you can log in again at sso2.example.com"
    ok(db_path, "workaround", "ESC-1", steps, "--at", "2026-11-25T09:30:00+00:00")
    update = ok(db_path, "draft", "ESC-1", "update")
    assert steps in update  # written by us: not turned around into "you now send… we can log in"
    assert "You now send" not in update and "we can log in" not in update


def test_workaround_without_eta_expects_the_fix_by_the_resolution_target(db_path):
    _outage(db_path)
    data = json.loads(ok(db_path, "workaround", "ESC-1", "use the mobile app", "--at", "2026-11-25T09:30:00+00:00", "--json"))
    assert (data["eta_source"], data["permanent_fix_eta"]) == ("resolution target", "2026-11-25T13:00:00+00:00")
    assert data["status"] == "open"  # logged before the acknowledgment: the lifecycle keeps it open
    result = run(db_path, "workaround", "ESC-1", "use the API", "--at", "2026-11-25T14:00:00+00:00")
    assert result.exit_code == 2 and "the resolution target (13:00 UTC on Wed 25 Nov 2026) has passed" in result.stderr


def test_channel_names_are_slack_safe():
    assert channel_name(42, "Acme Corp") == "#esc-42-acme-corp"
    assert channel_name(7, "Café Zürich & Söhne GmbH") == "#esc-7-cafe-zurich-sohne-gmbh"
    assert channel_name(3, "株式会社") == "#esc-3"
    assert channel_name(1, "{{ customer.name }} Ltd") == "#esc-1-customer-name-ltd"
    assert len(channel_name(12345, "x" * 200)) == 81 and channel_name(1, "a" * 200).startswith("#esc-1-aaa")


def test_roles_are_an_optional_policy_table():
    assert default_policy().roles["SEV-1"] == SEV1_ROLES
    older = {k: v for k, v in DEFAULT.items() if k != "roles"}  # a policy stored before roles existed
    assert Policy.model_validate(older).roles["SEV-2"] == SEV1_ROLES[:4]


@pytest.mark.parametrize("command", [["warroom"], ["workaround"]])
def test_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output


def test_checklist_commands_run_as_copied_and_are_no_placeholders_to_lint(db_path):
    import re
    import shlex

    from agent.lint import LintContext, lint

    _outage(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    room = json.loads(ok(db_path, "warroom", "ESC-1", "--commander", "Pat Kim", "--at", "2026-11-25T09:12:00+00:00", "--json"))
    commands = [c for item in room["checklist"] for c in re.findall(r"`escalate (log [^`]+)`", item["item"])]
    assert commands == ['log ESC-1 "what we decided and why" --kind decision',
                        'log ESC-1 "what was done, by whom" --kind action']
    for command in commands:  # each runs as copied, TEXT and all
        ok(db_path, *shlex.split(command), "--at", "2026-11-25T09:13:00+00:00")
    assert [(e["kind"], e["text"]) for e in events(db_path, "log")] == [
        ("decision", "what we decided and why"), ("action", "what was done, by whom")]
    # Quoted in a draft, the example TEXT is not an unfilled placeholder.
    items = "\n".join(f"- {c['item']}" for c in room["checklist"])
    assert [f.rule for f in lint(items, LintContext(kind="internal", audience="internal")).findings] == []


def test_the_summary_keeps_the_workaround_only_while_the_fix_is_not_in_place(db_path, monkeypatch):
    from datetime import datetime

    from test_drafting import Clock

    frozen = Clock(datetime.fromisoformat("2026-11-25T09:40:00+00:00"))
    for module in ("agent.store", "agent.drafting", "agent.lifecycle", "agent.triage", "agent.delivery"):
        monkeypatch.setattr(f"{module}.now", frozen)
    _outage(db_path)
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "workaround", "ESC-1", "use the mobile app", "--at", "2026-11-25T09:30:00+00:00")
    open_ = ok(db_path, "draft", "ESC-1", "summary")
    assert ". Until then the workaround stands, and we expect the permanent fix by 13:00 UTC on Wed 25 Nov 2026.\n\nPreventing" in open_
    update = ok(db_path, "draft", "ESC-1", "update")
    assert "In the meantime: use the mobile app. We expect the permanent fix by 13:00 UTC on Wed 25 Nov 2026.\n\n" in update
    frozen.at = datetime.fromisoformat("2026-11-25T10:05:00+00:00")
    ok(db_path, "resolve", "ESC-1", "--summary", "Gateway certificate renewed", "--at", "2026-11-25T10:00:00+00:00")
    done = ok(db_path, "draft", "ESC-1", "summary")
    assert "The fix was in place at 10:00 UTC" in done and "Until then the workaround stands" not in done
    assert "works as expected.\n\nPreventing recurrence:" in done  # each its own paragraph
