"""Prevention actions, the Post-Incident Report (and its customer and KB variants), the checks that
keep a report to the record, and the prevention plan per escalation type."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest
from rca_example import EXAMPLES, answers, datas, freeze, kinds, ok, run, worked

from agent import prevention, rca, report
from agent.store import Store

SECOND = [  # ESC-2: a SEV-3 technical escalation for Initech, with its own RCA
    ["ack", "ESC-2", "--at", "2026-11-25T13:30:00+00:00"],
    ["log", "ESC-2", "Export query plan changed after the update", "--kind", "hypothesis", "--at", "2026-11-25T14:00:00+00:00"],
    ["resolve", "ESC-2", "--summary", "Index restored on the invoices table", "--at", "2026-11-25T16:00:00+00:00"],
]
SECOND_ANSWERS = {
    "timeline": "yes", "identified": "none",
    "whys": ["The export query lost its index in the update", "The migration dropped the index and nothing checked it",
             "The release has no performance test for the export"],
    "root_cause": "yes",
    "not_prevented": "No performance test", "not_detected": "No latency alert on exports",
    "resolution_difficult": "Reproducing needed production-sized data",
    "triage_worked": "Yes", "communication_effective": "Yes", "right_people": "Yes",
    "tools_processes": "The query profiler helped", "do_differently": "Test exports at production size",
    "actions": [{"action": "Add an export performance test to the release pipeline", "category": "testing",
                 "owner": "Jordan Lee", "due": "2026-12-10"}],
}


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze(monkeypatch)


@pytest.fixture
def done(db_path, tmp_path):
    """ESC-1 closed with a completed RCA (three actions)."""
    worked(db_path)
    ok(db_path, "rca", "ESC-1", "--answers", str(answers(tmp_path)))
    return db_path


@pytest.fixture
def two(done, tmp_path):
    """… and ESC-2, resolved, with its own RCA (one action)."""
    ok(done, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech",
       "--at", "2026-11-25T13:00:00+00:00")
    for step in SECOND:
        ok(done, *step)
    ok(done, "rca", "ESC-2", "--answers", str(answers(tmp_path, SECOND_ANSWERS, name="second.yaml")))
    return done


# -- the Post-Incident Report ------------------------------------------------------------------------

PIR = """\
# Post-Incident Report: ESC-1, Acme Corp

## Summary

| | |
|---|---|
| Customer | Acme Corp (enterprise) |
| Issue | Since 9am this morning none of our 400 support agents can log in to the console - every attempt ends on a "502 Bad Gateway" page |
| Severity | SEV-1 (technical) |
| Duration | 1h 10m (from 08:50 UTC on Wed 25 Nov 2026 to 10:00 UTC on Wed 25 Nov 2026) |
| Impact | 400 agents affected; $20,000 per hour at risk; impact level severe |

## Timeline (UTC)

| Time | Milestone | From the record |
|---|---|---|
| 08:50 UTC on Wed 25 Nov 2026 | Issue first reported | Acme Corp reported: Since 9am this morning none of our 400 support agents can log in to the console - every attempt ends on a "502 Bad Gateway" page (corrected in the RCA: Dana first phoned the hotline at 08:50, before the web form) |
| 09:00 UTC on Wed 25 Nov 2026 | Escalation triggered | SEV-1 technical, routed to Engineering / Incident Commander, owner Sam Rivera |
| 09:20 UTC on Wed 25 Nov 2026 | Root cause identified | Hypothesis: Auth gateway rejects every login: its TLS certificate expired |
| 10:00 UTC on Wed 25 Nov 2026 | Resolution implemented | Resolved: Certificate renewed and the gateway restarted |
| 11:00 UTC on Wed 25 Nov 2026 | Customer confirmed | Customer confirmed the fix |

## Root Cause

Certificate renewal is a manual task with no owner and no expiry alert (process cause, level 3 of the 5 Whys)

1. Why did "none of our 400 support agents can log in to the console" happen? The TLS certificate on the auth gateway expired
2. Why did "the TLS certificate on the auth gateway expired" happen? Sam Rivera forgot to renew it
3. What allowed "Sam Rivera forgot to renew it" to happen? Certificate renewal is a manual task with no owner and no expiry alert

- Why didn't we prevent it? Nothing tracked certificate expiry dates
- Why didn't we detect it earlier? Monitoring checks the login page, not the certificate
- What made resolution difficult? Only one engineer could reach the certificate store

## Resolution

Certificate renewed and the gateway restarted (10:00 UTC on Wed 25 Nov 2026)

Steps taken:
- 09:15 UTC on Wed 25 Nov 2026: Action: Rolled back release 4.2

## Customer Impact

- Users affected: 400 agents ("400 support agents")
- Revenue: $20,000 per hour at risk ("$20,000 per hour")
- Business criticality: high (our customers affected) ("Our customers are already complaining on Twitter")
- Public exposure: yes: twitter ("Our customers are already complaining on Twitter")
- Regulatory: none mentioned
- Impact level: severe (SEV-1: 3 points; 400 agents affected; revenue at risk ($20,000 per hour); enterprise customer)
- SLA first response: met after 10m (target 15m)
- SLA updates: met, 0 interval(s) missed (target 30m)
- SLA resolution: met after 1h (target 4h)

## Prevention Actions

| # | Action | Category | Owner | Due date | Status |
|---|---|---|---|---|---|
| 1 | Alert 30 days before any certificate expires | monitoring | Jordan Lee | 2026-12-15 | done |
| 2 | Automate certificate renewal | architecture | Sam Rivera | 2027-01-29 | open |
| 3 | Add certificates to the on-call runbook | documentation | Priya Shah | 2026-12-04 | open |

## Lessons Learned

- Triage: Yes: SEV-1 from the start, no severity change needed
- Communication: Every update went out on time
- People: Security joined late; they own the certificate store
- Tools and processes: The on-call runbook has no section on certificates
- Next time: Page security as soon as a certificate is involved

## Recovery Actions Taken

- call the customer (owner Sam Rivera, due 2026-11-25): open

## Response and Outcome

- No war room was opened.
- Customer updates sent (2):
  - 09:10 UTC on Wed 25 Nov 2026: acknowledgment
  - 09:35 UTC on Wed 25 Nov 2026: update (Root cause found)
- Timeline correction in the RCA, entry 1 (Issue first reported by Acme Corp (enterprise), 09:00 UTC on Wed 25 Nov 2026), \
corrected to 08:50 UTC on Wed 25 Nov 2026: Dana first phoned the hotline at 08:50, before the web form
- Closed 11:05 UTC on Wed 25 Nov 2026.
- CSAT: not recorded (`escalate csat`).
- Outcome: not recorded (`escalate outcome`).
"""


def test_the_post_incident_report_of_the_worked_example(done, tmp_path):
    ok(done, "action", "ESC-1", "1", "--done", "--at", "2026-11-26T10:00:00+00:00")
    result = run(done, "report", "ESC-1")
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == PIR
    out = tmp_path / "pir.md"
    result = run(done, "report", "ESC-1", "--out", str(out))
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", f"wrote {out}\n")
    assert out.read_text(encoding="utf-8") == PIR


CUSTOMER = """\
# Incident summary: None of your 400 support agents can log in to the console

Acme Corp · reference ESC-1

## What happened

Since 9am this morning none of your 400 support agents can log in to the console - every attempt ends on a "502 Bad Gateway" page.

## When

You first reported the issue at 08:50 UTC on Wed 25 Nov 2026. The fix was in place at 10:00 UTC on Wed 25 Nov 2026, 1h 10m later. You confirmed it at 11:00 UTC on Wed 25 Nov 2026.

## Who was affected

400 support agents.

## Why it happened

Certificate renewal is a manual task with no owner and no expiry alert.

## What we did

- Rolled back release 4.2.
- Certificate renewed and the gateway restarted.

## What we are doing so it does not happen again

- Alert 30 days before any certificate expires (by 2026-12-15)
- Automate certificate renewal (by 2027-01-29)
- Add certificates to the on-call runbook (by 2026-12-04)

## Questions

Sam Rivera is your point of contact: reply to any of our messages.
"""


def test_the_customer_incident_summary(done):
    assert ok(done, "report", "ESC-1", "--kind", "customer") == CUSTOMER
    # No internal owner of an action, no category, no blame.
    for word in ("Jordan Lee", "Priya Shah", "monitoring", "forgot"):
        assert word not in CUSTOMER


def test_the_knowledge_base_draft(done):
    out = ok(done, "report", "ESC-1", "--kind", "kb")
    assert out.startswith("# KB draft: None of our 400 support agents can log in to the console\n")
    sections = [line for line in out.splitlines() if line.startswith("## ")]
    assert sections == ["## Symptoms", "## Cause", "## Workaround", "## Fix"]
    assert "## Cause\n\nCertificate renewal is a manual task with no owner and no expiry alert\n" in out
    assert "## Workaround\n\nNone known.\n" in out  # the customer said there was none
    assert "## Fix\n\nCertificate renewed and the gateway restarted\n\n- Planned: Alert 30 days before any certificate " \
           "expires (monitoring, due 2026-12-15, open)\n- Planned: Automate certificate renewal (architecture, " \
           "due 2027-01-29, open)\n" in out


def test_a_report_before_the_rca_says_what_is_missing(db_path):
    worked(db_path)
    result = run(db_path, "report", "ESC-1")
    assert result.exit_code == 0
    assert result.stderr == "warning: ESC-1 has no completed RCA: the root cause is missing (`escalate rca ESC-1`)\n"
    assert "## Root Cause\n\nNot identified yet: no completed RCA (`escalate rca ESC-1`).\n" in result.stdout
    assert "| - | Root cause identified | not recorded |" in result.stdout
    assert "## Prevention Actions\n\nNone recorded.\n" in result.stdout


def test_report_times_are_in_the_escalations_time_zone(db_path, tmp_path):
    ok(db_path, "triage", str(EXAMPLES / "login-outage.txt"), "--customer", "Acme",
       "--tz", "Europe/Berlin", "--at", "2026-11-25T09:00:00+00:00")
    for step in (["ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00"],
                 ["resolve", "ESC-1", "--at", "2026-11-25T10:00:00+00:00"]):
        ok(db_path, *step)
    out = ok(db_path, "report", "ESC-1")
    assert "## Timeline (Europe/Berlin)" in out
    assert "| 10:00 CET on Wed 25 Nov 2026 | Issue first reported |" in out
    assert "| Duration | 1h (from 10:00 CET on Wed 25 Nov 2026 to 11:00 CET on Wed 25 Nov 2026) |" in out


# -- nothing invented --------------------------------------------------------------------------------


def _built(db_path, kind="pir"):
    with Store(db_path) as store:
        made = report.build(store, "ESC-1", kind)
        return made, store.events(1)


@pytest.mark.parametrize("kind", ["pir", "customer", "kb"])
def test_a_reports_timeline_holds_only_stored_events(done, kind):
    made, events = _built(done, kind)
    by_id = {e.id: e for e in events}
    corrected = {e.id: e for e in events if e.kind == "rca_timeline_correction"}
    for row in made.timeline:
        event = by_id[row.event_id]
        assert event.kind == row.kind
        stored = datetime.fromisoformat(corrected[row.corrected_by].data["at"]) if row.corrected_by else event.at
        assert row.at == stored
    assert [r.kind for r in made.timeline] == ["opened", "triaged", "log", "resolved", "confirmed"]
    # Every time written in the report is a stored time.
    stored_times = {e.at for e in events} | {datetime.fromisoformat(e.data["at"]) for e in corrected.values()}
    written = report.TIME.findall(made.markdown)
    assert all(any(report.format_time(t, "UTC") == w for t in stored_times) for w in written)
    assert len(written) == {"pir": 14, "customer": 3, "kb": 0}[kind]
    assert report.check(made, events) == []


def test_the_checks_catch_an_invented_time_event_duration_or_action(done):
    made, events = _built(done)
    made.markdown = made.markdown.replace("Steps taken:", "Steps taken (12:34 UTC on Wed 25 Nov 2026):")
    made.timeline[2].event_id = 999
    made.actions[1].owner = ""
    made.actions[2].due = ""
    rules = [(f.rule, f.found) for f in report.check(made, events)]
    assert rules == [
        ("time_not_in_store", "12:34 UTC on Wed 25 Nov 2026"),
        ("event_not_in_store", "Root cause identified at 09:20 UTC on Wed 25 Nov 2026"),
        ("action_without_owner", "#2 Automate certificate renewal"),
        ("action_without_due", "#3 Add certificates to the on-call runbook"),
    ]
    made, events = _built(done)
    made.end = made.end.replace(hour=10, minute=30)  # the stated duration no longer matches
    assert [f.rule for f in report.check(made, events)] == ["duration_inconsistent"]


def test_a_report_that_fails_its_checks_is_not_written(done, tmp_path, monkeypatch):
    real = report.build

    def invented(store, ident, kind="pir"):
        made = real(store, ident, kind)
        made.markdown += "\nFollow-up call at 15:00 UTC on Wed 25 Nov 2026.\n"
        return made

    monkeypatch.setattr(report, "build", invented)
    out = tmp_path / "pir.md"
    result = run(done, "report", "ESC-1", "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: the report failed its checks: [time_not_in_store]")
    assert not out.exists()


# -- prevention actions ------------------------------------------------------------------------------


def test_actions_list_filters_and_json(two):
    out = ok(two, "actions")
    lines = out.splitlines()
    assert lines[0].split() == ["action", "category", "owner", "due", "status", "what"]
    assert [line.split()[0] for line in lines[1:5]] == ["ESC-1#3", "ESC-2#1", "ESC-1#1", "ESC-1#2"]  # soonest due first
    assert lines[-1] == "prevention implementation: 0 of 4 done (0%; target 100%)"
    assert [a["n"] for a in json.loads(ok(two, "actions", "--owner", "jordan lee", "--json"))] == [1, 1]
    ok(two, "action", "ESC-1", "3", "--done", "--note", "runbook page added")
    ok(two, "action", "ESC-2", "1", "--status", "cancelled")
    data = json.loads(ok(two, "actions", "--open", "--json"))
    assert [(a["escalation_id"], a["n"], a["status"], a["overdue"]) for a in data] == [
        ("ESC-1", 1, "open", False), ("ESC-1", 2, "open", False)]
    assert data[0] | {"updated_at": None} == {
        "escalation_id": "ESC-1", "n": 1, "category": "monitoring", "group": "technical fix",
        "action": "Alert 30 days before any certificate expires", "owner": "Jordan Lee", "due": "2026-12-15",
        "status": "open", "customer": "Acme Corp", "type": "technical", "updated_at": None, "overdue": False}
    # Cancelled actions are left out of the metric: 1 of 3 done.
    assert ok(two, "actions").splitlines()[-1] == "prevention implementation: 1 of 3 done (33%; target 100%)"


def test_action_status_changes_are_events(done):
    assert ok(done, "action", "ESC-1", "2", "--status", "in progress") == \
        "ESC-1 action #2 in_progress: Automate certificate renewal (owner Sam Rivera, due 2027-01-29)\n"
    ok(done, "action", "ESC-1", "2", "--done", "--at", "2026-11-26T11:00:00+00:00")
    assert datas(done, "action_status") == [
        {"n": 2, "from": "open", "to": "in_progress", "note": None},
        {"n": 2, "from": "in_progress", "to": "done", "note": None}]


@pytest.mark.parametrize("args, message", [
    (["ESC-1", "7", "--done"], "ESC-1 has no prevention action #7: it has #1, #2, #3"),
    (["ESC-1", "1"], "give --done or --status STATUS"),
    (["ESC-1", "1", "--done", "--status", "blocked"], "give --done or --status STATUS"),
    (["ESC-1", "1", "--status", "finished"], "unknown status 'finished': choose one of open, in_progress, blocked, done, cancelled"),
    (["ESC-1", "1", "--status", "open"], "ESC-1 action #1 is already open"),
    (["ESC-9", "1", "--done"], "no escalation ESC-9"),
])
def test_bad_action_commands_exit_2_and_store_nothing(done, args, message):
    before = kinds(done)
    result = run(done, "action", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert kinds(done) == before


def test_the_prevention_implementation_metric(two):
    with Store(two) as store:
        actions = prevention.list_all(store)
        assert prevention.implementation_rate(actions) == 0.0
        prevention.set_status(store, "ESC-1", 1, "done")
        prevention.set_status(store, "ESC-2", 1, "done")
        assert prevention.implementation_rate(prevention.list_all(store)) == 0.5
        assert rca.prevention_counts(store, [1, 2]) == (2, 4)
        assert rca.prevention_counts(store, [2]) == (1, 1)
        assert rca.prevention_counts(store, []) == (0, 0)
    assert prevention.implementation_rate([]) is None


# -- the prevention plan per type ---------------------------------------------------------------------


def test_the_prevention_plan_for_a_type(two):
    ok(two, "action", "ESC-2", "1", "--done")
    plan = json.loads(ok(two, "prevention", "technical", "--json"))
    assert plan["escalations"] == 2
    assert [(c["id"], c["category"]) for c in plan["root_causes"]] == [("ESC-1", "process"), ("ESC-2", "technical")]
    assert plan["root_cause_categories"] == {"process": 1, "technical": 1}
    assert [(a["escalation_id"], a["n"]) for a in plan["open_actions"]] == [("ESC-1", 3), ("ESC-1", 1), ("ESC-1", 2)]
    assert plan["implementation_rate"] == 0.25
    assert plan["plan"][0] == "finish the 3 past action(s) still open before adding new ones"
    text = ok(two, "prevention", "technical")
    assert text.startswith("Prevention plan for technical escalations: 2 with a completed RCA\n\nRoot causes:\n"
                           "  ESC-1  Acme Corp  (process) Certificate renewal is a manual task with no owner and no expiry alert\n")
    assert "Past actions still open:\n  ESC-1#3  documentation: Add certificates to the on-call runbook" in text
    assert text.endswith("prevention implementation: 25% of past actions done (target 100%)\n")


def test_recurring_root_causes_are_treated_as_one_problem(done, tmp_path):
    ok(done, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech",
       "--at", "2026-11-25T13:00:00+00:00")
    for step in SECOND:
        ok(done, *step)
    again = {**SECOND_ANSWERS, "root_cause": "process: certificate renewal for the export host has no owner"}
    ok(done, "rca", "ESC-2", "--answers", str(answers(tmp_path, again, name="again.yaml")))
    plan = json.loads(ok(done, "prevention", "technical", "--json"))
    assert plan["root_cause_categories"] == {"process": 2}
    assert [(r["term"], r["ids"]) for r in plan["recurring"]] == [
        ("certificate", ["ESC-1", "ESC-2"]), ("owner", ["ESC-1", "ESC-2"]), ("renewal", ["ESC-1", "ESC-2"])]
    assert 'recurring theme "certificate" in ESC-1, ESC-2: treat it as one problem, not 2' in plan["plan"]


def test_prevention_for_a_type_without_rcas_and_an_unknown_type(done):
    assert ok(done, "prevention", "security") == ("Prevention plan for security escalations: 0 with a completed RCA\n"
                                                 "No completed RCA for a security escalation yet: `escalate rca ID` runs one.\n")
    result = run(done, "prevention", "hardware")
    assert result.exit_code == 2
    assert "unknown escalation type 'hardware': choose one of technical, service, business, security, compliance" in result.stderr


def test_overdue_actions_are_marked(done, monkeypatch):
    monkeypatch.setattr("agent.store.now", lambda: datetime(2026, 12, 20, 12, 0, tzinfo=timezone.utc))
    lines = ok(done, "actions").splitlines()
    assert [line.split()[0] for line in lines[1:4] if "OVERDUE" in line] == ["ESC-1#3", "ESC-1#1"]
    assert [a["overdue"] for a in json.loads(ok(done, "actions", "--json"))] == [True, True, False]
    with Store(done) as store:
        first = prevention.list_all(store)[0]
    assert (first.due, prevention.overdue(first, date(2026, 12, 4)), prevention.overdue(first, date(2026, 12, 5))) == (
        "2026-12-04", False, True)


def test_the_pir_names_the_war_room_a_forced_closure_csat_and_outcome(db_path):
    worked(db_path, steps=[("ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00"),
                           ("warroom", "ESC-1", "--commander", "Pat Kim"),
                           ("warroom", "ESC-1", "--commander", "Lee Wong"),
                           ("close", "ESC-1", "--force", "--reason", "the customer stopped answering",
                            "--at", "2026-11-25T12:00:00+00:00"),
                           ("csat", "ESC-1", "2", "--comment", "too slow", "--at", "2026-11-25T12:10:00+00:00"),
                           ("outcome", "ESC-1", "at-risk", "--at", "2026-11-25T12:20:00+00:00")])
    pir = run(db_path, "report", "ESC-1").stdout
    section = pir.split("## Response and Outcome\n\n")[1]
    lines = section.splitlines()
    assert lines[0].startswith("- War room opened ") and ": commander Pat Kim, channel " in lines[0]
    assert lines[1].startswith("- War room command handed over ") and lines[1].endswith(": Pat Kim → Lee Wong")
    assert lines[2:4] == ["- Customer updates sent (1):", "  - 09:10 UTC on Wed 25 Nov 2026: acknowledgment"]
    assert lines[4] == ("- Closed 12:00 UTC on Wed 25 Nov 2026 by force, from acknowledged without the customer's "
                        "confirmation: the customer stopped answering")
    assert lines[5:] == ['- CSAT: 2 of 5 (12:10 UTC on Wed 25 Nov 2026): "too slow"', "- Outcome: at-risk (12:20 UTC on Wed 25 Nov 2026)"]


def test_the_customer_report_loses_the_blame_we_wrote_and_names_the_drafts_contact(db_path):
    team = str(EXAMPLES / "team-policy.toml")
    ok(db_path, "--policy", team, "triage", str(EXAMPLES / "login-outage.txt"), "--customer", "Acme",
       "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "--policy", team, "ack", "ESC-1", "--at", "2026-11-25T09:05:00+00:00")
    ok(db_path, "--policy", team, "log", "ESC-1", "Locked the admin account and revoked every session", "--kind", "action",
       "--at", "2026-11-25T09:20:00+00:00")
    ok(db_path, "--policy", team, "resolve", "ESC-1", "--summary",
       "The admin reused his password, which was user error on their side", "--at", "2026-11-25T10:00:00+00:00")
    result = run(db_path, "--policy", team, "report", "ESC-1", "--kind", "customer")
    assert result.exit_code == 0, result.stderr
    assert "user error" not in result.stdout and "reused his password" not in result.stdout
    assert "## What we did\n\n- Locked the admin account and revoked every session.\n\n" in result.stdout
    assert "customer report: blame_language 'user error' (sentence removed)" in result.stderr
    # the contact every draft names (the policy's [team]), not the routed team's role and placeholder channel
    assert result.stdout.rstrip().endswith(
        "Sam Rivera is your point of contact: support@vendorcloud.example, +44 20 7946 0000.")
