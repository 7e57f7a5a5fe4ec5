"""Recovery: the impact-level rule, plans checked against the policy, commitments and no_follow_through."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest
from click.testing import CliRunner

from agent.faces.cli import cli
from agent.engines.offline import OfflineEngine
from agent.recovery import check_plan, impact_level
from agent.schemas import ImpactFactor, Severity, Tier
from agent.schemas.recovery import ConversationStep, Gesture, RecoveryProposal
from agent.triage import triage_complaint
from conftest import EXAMPLES, OPENED, ok, run

OUTAGE = EXAMPLES / "login-outage.txt"
# The outage without its "Please call me" request: these tests follow the recovery's own commitments
# (a request answered in a draft becomes one more, see test_requests.py).
OUTAGE_TEXT = OUTAGE.read_text(encoding="utf-8").replace(" Please call me as soon as you have anything.", "")
UNKNOWN = ImpactFactor(assessment="unknown", evidence="unknown")


def events(db_path, kind: str | None = None) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        rows = conn.execute("SELECT kind, data FROM events ORDER BY id").fetchall()
    return [{"kind": k, **json.loads(d)} for k, d in rows if kind is None or k == kind]


# -- the impact-level rule ------------------------------------------------------------------------


@pytest.fixture
def base(store, policy):
    """An escalation with no impact signals, resolution due 4 h after opening."""
    esc = triage_complaint(text="The export page is slow.", customer="Initech", tier="standard", store=store,
                           engine=OfflineEngine(policy), policy=policy, at=OPENED)
    impact = esc.triage.impact.model_copy(update={"users_affected": UNKNOWN, "revenue_at_risk": UNKNOWN})
    return esc.model_copy(update={
        "triage": esc.triage.model_copy(update={"impact": impact}),
        "sla": esc.sla.model_copy(update={"resolution_due": OPENED + timedelta(hours=4)}),
    })


def _variant(esc, severity="SEV-4", tier="standard", users=None, revenue=None):
    impact = esc.triage.impact.model_copy(update={
        "users_affected": ImpactFactor(assessment=users, evidence=users) if users else UNKNOWN,
        "revenue_at_risk": ImpactFactor(assessment=revenue, evidence=revenue) if revenue else UNKNOWN,
    })
    return esc.model_copy(update={"severity": Severity(severity), "tier": Tier(tier),
                                  "triage": esc.triage.model_copy(update={"impact": impact})})


@pytest.mark.parametrize(
    "variant, hours, level, points, reasons",
    [
        ({}, 1, "minor", 0, ["SEV-4: 0 points"]),
        ({"severity": "SEV-3"}, 1, "minor", 1, ["SEV-3: 1 point"]),
        ({"severity": "SEV-2"}, 1, "moderate", 2, ["SEV-2: 2 points"]),
        ({}, 30, "moderate", 2, ["SEV-4: 0 points", "past the resolution target", "lasted more than 24 hours"]),
        ({"severity": "SEV-3", "users": "50 users"}, 5, "moderate", 2, ["SEV-3: 1 point", "past the resolution target"]),
        ({"severity": "SEV-1", "tier": "enterprise"}, 2, "significant", 4, ["SEV-1: 3 points", "enterprise customer"]),
        ({"severity": "SEV-2", "users": "all users", "revenue": "$5,000 a day"}, 5, "significant", 5,
         ["SEV-2: 2 points", "past the resolution target", "all users affected", "revenue at risk ($5,000 a day)"]),
        ({"severity": "SEV-1", "tier": "enterprise", "users": "400 agents", "revenue": "$20,000 per hour"}, 2, "severe", 6,
         ["SEV-1: 3 points", "400 agents affected", "revenue at risk ($20,000 per hour)", "enterprise customer"]),
        ({"severity": "SEV-2", "tier": "enterprise", "users": "1,200 users"}, 26, "severe", 6,
         ["SEV-2: 2 points", "past the resolution target", "lasted more than 24 hours", "1,200 users affected",
          "enterprise customer"]),
    ],
    ids=["sev4", "sev3", "sev2", "slow-sev4", "50-users-do-not-count", "sev1-enterprise", "sev2-broad", "sev1-all",
         "sev2-long-enterprise"],
)
def test_impact_level_rule(base, variant, hours, level, points, reasons):
    esc = _variant(base, **variant)
    resolved = OPENED + timedelta(hours=hours)
    got = impact_level(esc, resolved + timedelta(days=3), resolved)
    assert (got.level, got.points, list(got.reasons)) == (level, points, reasons)


def test_impact_level_of_an_unresolved_escalation_counts_until_now(base):
    got = impact_level(_variant(base, severity="SEV-3"), OPENED + timedelta(hours=25))
    assert got.level == "moderate" and got.points == 3


# -- check_plan: the policy corrects whatever proposed the plan -------------------------------------


def _impact(base, **variant):
    return impact_level(_variant(base, **variant), OPENED + timedelta(hours=1), OPENED + timedelta(hours=1))


def test_check_plan_caps_a_credit_over_the_policy_and_records_it(base, policy):
    impact = _impact(base, severity="SEV-2")  # moderate: at most 1 month
    proposal = RecoveryProposal(level="moderate", actions=["apology", "service credit"],
                                gestures=[Gesture(kind="service credit", detail="6 months free", credit_months=6)])
    checked, fixes = check_plan(proposal, policy, impact)
    assert [(g.kind, g.credit_months, g.detail) for g in checked.gestures] == [
        ("service credit", 1, "a 1-month service credit on your next invoice")]
    assert [c.model_dump(mode="json") for c in fixes] == [{
        "field": "gestures.service credit.months", "from": "6", "to": "1", "rule": "credit_within_policy",
        "reason": "the policy allows at most 1 month(s) of service credit at moderate impact"}]


def test_check_plan_corrects_level_actions_gestures_and_fills_missing_steps(base, policy):
    impact = _impact(base)  # minor: no gestures at all
    proposal = RecoveryProposal(
        level="significant", actions=["executive call"],
        gestures=[Gesture(kind="service credit", detail="2 months", credit_months=2),
                  Gesture(kind="early access", detail="beta")],
        conversation=[ConversationStep(step="ask_needs", text="What else?"),
                      ConversationStep(step="acknowledge", text="Sorry.")],
    )
    fallback = [ConversationStep(step=k, text=f"from the record: {k}") for k in
                ("acknowledge", "take_responsibility", "explain_fix", "explain_prevention", "ask_needs", "commit_follow_up")]
    checked, fixes = check_plan(proposal, policy, impact, fallback_conversation=fallback)
    assert checked.level == "minor"
    assert checked.actions == ["apology", "thank you"]
    assert checked.gestures == []
    assert [s.step for s in checked.conversation] == [s.step for s in fallback]
    assert checked.conversation[0].text == "Sorry." and checked.conversation[4].text == "What else?"
    assert checked.conversation[1].text == "from the record: take_responsibility"
    assert [(c.field, c.rule) for c in fixes] == [
        ("level", "impact_level_follows_rule"),
        ("actions", "actions_follow_policy"),
        ("gestures.service credit", "gesture_within_policy"),
        ("gestures.early access", "gesture_within_policy"),
        ("conversation.take_responsibility", "six_step_conversation"),
        ("conversation.explain_fix", "six_step_conversation"),
        ("conversation.explain_prevention", "six_step_conversation"),
        ("conversation.commit_follow_up", "six_step_conversation"),
    ]
    assert fixes[0].from_value == "significant" and fixes[0].to_value == "minor"


def test_check_plan_leaves_a_plan_within_policy_alone(base, policy):
    impact = _impact(base, severity="SEV-1", tier="enterprise")  # significant: up to 2 months
    proposal = RecoveryProposal(level="significant", actions=["executive call", "service credit", "roadmap review"],
                                gestures=[Gesture(kind="service credit", detail="2 months", credit_months=2)])
    checked, fixes = check_plan(proposal, policy, impact)
    assert fixes == [] and checked.gestures == proposal.gestures


# -- the plan through the CLI -----------------------------------------------------------------------


def _outage(db_path):
    ok(db_path, "triage", "--text", OUTAGE_TEXT, "--customer", "Acme Corp", "--tier", "enterprise", "--contact", "Dana",
       "--owner", "Sam Rivera", "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T09:10:00+00:00")
    ok(db_path, "log", "ESC-1", "rolled back 4.2", "--kind", "action", "--at", "2026-11-25T09:20:00+00:00")
    ok(db_path, "resolve", "ESC-1", "--summary", "restored the auth cache pool", "--at", "2026-11-25T11:00:00+00:00")


def test_recovery_plan_from_the_record_with_dated_commitments(db_path):
    _outage(db_path)
    plan = json.loads(ok(db_path, "recovery", "ESC-1", "--at", "2026-11-25T12:00:00+00:00", "--json"))
    assert plan["made_now"] is True
    assert (plan["level"], plan["points"]) == ("severe", 6)
    assert plan["reasons"] == ["SEV-1: 3 points", "400 agents affected", "revenue at risk ($20,000 per hour)",
                               "enterprise customer"]
    assert plan["actions"] == ["in-person meeting", "significant gesture"]
    assert [(g["kind"], g["credit_months"]) for g in plan["gestures"]] == [
        ("service credit", 3), ("premium support upgrade", None), ("training", None), ("early access", None)]
    assert plan["corrections"] == []
    steps = {s["step"]: s["text"] for s in plan["conversation"]}
    assert list(steps) == ["acknowledge", "take_responsibility", "explain_fix", "explain_prevention", "ask_needs",
                           "commit_follow_up"]
    assert steps["acknowledge"].startswith("Hi Dana. I want to start with what happened to you: since 9am this "
                                           "morning none of your 400 support agents can log in to the console")
    assert "It affected 400 agents and it put $20,000 per hour at risk." in steps["acknowledge"]
    assert steps["explain_fix"] == ("What fixed it: restored the auth cache pool. "
                                    "What we did along the way: rolled back 4.2.")
    assert "At our one-week check-in on Wed 2 Dec" in steps["explain_prevention"]
    assert "a 3-month service credit on your next invoice" in steps["ask_needs"]
    assert steps["commit_follow_up"] == (
        "I will check in with you on Thu 26 Nov, again on Wed 2 Dec, and for a 30-day review on Fri 25 Dec. "
        "Our Head of Customer Success will call you by Fri 27 Nov. We would also like to meet you in person by "
        "Wed 9 Dec. What we offered will be in place by Wed 2 Dec. "
        "Until then you can reach Sam Rivera by replying to this message at any time.")
    assert [(c["n"], c["due"], c["owner"]) for c in plan["schedule"]] == [
        (1, "2026-11-26T12:00:00+00:00", "Sam Rivera"),
        (2, "2026-11-27T12:00:00+00:00", "Head of Customer Success"),
        (3, "2026-12-02T12:00:00+00:00", "Sam Rivera"),
        (4, "2026-12-02T12:00:00+00:00", "Sam Rivera"),
        (5, "2026-12-09T12:00:00+00:00", "Head of Customer Success"),
        (6, "2026-12-25T12:00:00+00:00", "Sam Rivera"),
    ]
    assert plan["schedule"][1]["what"] == "Executive call with Dana (Head of Customer Success)"
    assert plan["schedule"][4]["what"] == "In-person meeting with Acme Corp (Head of Customer Success)"
    assert len(events(db_path, "commitment")) == 6 and len(events(db_path, "recovery_planned")) == 1

    # A second call shows the stored plan and adds nothing.
    again = json.loads(ok(db_path, "recovery", "ESC-1", "--json"))
    assert again["made_now"] is False and again["schedule"] == plan["schedule"]
    assert len(events(db_path, "commitment")) == 6
    text = ok(db_path, "recovery", "ESC-1")
    assert text.startswith("ESC-1  Acme Corp: recovery plan, severe impact (6 points)")
    assert "gestures and commitments as stored; the conversation as the record reads now" in text
    assert "  6. Commit to follow-up" in text


def test_minor_impact_is_apology_and_thanks_and_a_credit_is_refused(db_path):
    ok(db_path, "triage", str(EXAMPLES / "typo-invoice.txt"), "--customer", "Globex", "--contact", "Hank",
       "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T10:00:00+00:00")
    plan = json.loads(ok(db_path, "recovery", "ESC-1", "--credit-months", "2", "--at", "2026-11-25T11:00:00+00:00", "--json"))
    assert (plan["level"], plan["actions"], plan["gestures"]) == ("minor", ["apology", "thank you"], [])
    assert [(c["rule"], c["from"], c["to"]) for c in plan["corrections"]] == [("gesture_within_policy", "a 2-month service credit on your next invoice", None)]
    steps = {s["step"]: s["text"] for s in plan["conversation"]}
    assert "Thank you for your patience" in steps["ask_needs"] and "credit" not in steps["ask_needs"]
    assert steps["explain_fix"] == "The fix is not in place yet, and I will tell you the moment it is."
    assert [c["what"].split(":")[0] for c in plan["schedule"]] == [
        "Check in with Hank", "One-week check-in with Hank", "30-day relationship review with Globex"]


def test_a_plan_made_before_the_fix_reads_the_fix_once_it_is_in(db_path):
    """The conversation is rebuilt from the record at each call; what was offered and promised stays as stored."""
    ok(db_path, "triage", str(EXAMPLES / "typo-invoice.txt"), "--customer", "Globex", "--contact", "Hank",
       "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T10:00:00+00:00")
    first = json.loads(ok(db_path, "recovery", "ESC-1", "--at", "2026-11-25T11:00:00+00:00", "--json"))
    fix = {s["step"]: s["text"] for s in first["conversation"]}["explain_fix"]
    assert fix == "The fix is not in place yet, and I will tell you the moment it is."
    ok(db_path, "resolve", "ESC-1", "--summary", "Corrected the company name on the invoice template",
       "--at", "2026-11-25T12:00:00+00:00")
    ok(db_path, "log", "ESC-1", "--kind", "decision", "Invoice templates get a second review before release",
       "--at", "2026-11-25T12:05:00+00:00")
    later = json.loads(ok(db_path, "recovery", "ESC-1", "--json"))
    steps = {s["step"]: s["text"] for s in later["conversation"]}
    assert later["made_now"] is False
    assert steps["explain_fix"] == "What fixed it: Corrected the company name on the invoice template."
    assert steps["explain_prevention"].startswith(
        "To stop it happening again: Invoice templates get a second review before release.")
    assert (later["planned_at"], later["gestures"], later["schedule"]) == (first["planned_at"], first["gestures"], first["schedule"])
    (stored,) = events(db_path, "recovery_planned")  # the stored plan keeps its history
    assert {s["step"]: s["text"] for s in stored["conversation"]}["explain_fix"] == fix
    assert len(events(db_path, "commitment")) == len(first["schedule"])


def test_credit_months_over_the_level_is_capped_with_a_recorded_correction(db_path):
    # SEV-3, still open two days later: 1 + past target + over 24 h = 3 points, moderate, at most 1 month.
    ok(db_path, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech", "--owner", "Priya's CSM",
       "--at", "2026-11-25T09:00:00+00:00")
    out = ok(db_path, "recovery", "ESC-1", "--credit-months", "6", "--at", "2026-11-27T12:00:00+00:00")
    assert "recovery plan, moderate impact (3 points)" in out
    assert "Gestures   1-month service credit" in out
    assert "gestures.service credit.months: 6 → 1 [credit_within_policy] the policy allows at most 1" in out
    (stored,) = events(db_path, "recovery_planned")
    assert stored["corrections"][0]["to"] == "1" and stored["gestures"][0]["credit_months"] == 1
    result = run(db_path, "recovery", "ESC-1", "--credit-months", "1")
    assert result.exit_code == 2 and "already has a recovery plan" in result.stderr


def test_a_draft_credit_over_policy_is_cut_to_the_plans_credit_and_removed_without_a_plan(db_path):
    """Lint writes no offer: the credit the stored recovery plan holds is the only one it may cut to."""
    from agent import board, drafting, lint
    from agent.store import Store

    ok(db_path, "triage", str(EXAMPLES / "data-export-slow.txt"), "--customer", "Initech", "--owner", "Priya's CSM",
       "--at", "2026-11-25T09:00:00+00:00")
    offer = "Hi Priya,\n\nI'm sorry. We are offering a six-month credit.\n"

    def linted():
        with Store(db_path) as store:
            esc = store.get("ESC-1")
            policy = store.policy_of(1)
            moment = esc.opened_at + timedelta(days=2, hours=3)
            ctx = drafting.context(esc, policy, moment, board.one(store, 1, moment))
            return lint.lint(offer, drafting.lint_context(esc, policy, "resolution", "customer", ctx))

    before = linted()
    assert before.text == "Hi Priya,\n\nI'm sorry.\n"
    ok(db_path, "recovery", "ESC-1", "--at", "2026-11-27T12:00:00+00:00")  # moderate: a 1-month credit
    after = linted()
    assert after.text == "Hi Priya,\n\nI'm sorry. We are offering a one-month service credit.\n"
    assert after.findings[0].fix == "cut to the 1-month credit the recovery plan holds (limit 1 at moderate impact)"


# -- commitments, done, and the no_follow_through flag ---------------------------------------------


def _flags(db_path, now: str) -> list[str]:
    (row,) = json.loads(ok(db_path, "status", "--now", now, "--json"))
    return [f["flag"] for f in row["flags"]]


def test_a_commitment_past_due_and_not_done_raises_no_follow_through(db_path):
    _outage(db_path)
    ok(db_path, "recovery", "ESC-1", "--at", "2026-11-25T12:00:00+00:00")
    assert "no_follow_through" not in _flags(db_path, "2026-11-26T11:59:00+00:00")
    (row,) = json.loads(ok(db_path, "status", "--now", "2026-11-26T12:01:00+00:00", "--json"))
    (flag,) = [f for f in row["flags"] if f["flag"] == "no_follow_through"]
    assert flag["detail"] == ("#1 Check in with Dana: confirm the fix is holding and nothing else is wrong "
                              "(due 12:00 UTC on Thu 26 Nov 2026)")
    assert "no follow through" in ok(db_path, "status", "--now", "2026-11-26T12:01:00+00:00")

    listing = json.loads(ok(db_path, "commitments", "--open", "--now", "2026-11-26T12:01:00+00:00", "--json"))
    assert [(c["id"], c["status"]) for c in listing[:3]] == [("ESC-1#1", "overdue"), ("ESC-1#2", "open"), ("ESC-1#3", "open")]
    assert set(listing[0]) == {"id", "n", "escalation", "customer", "due", "owner", "what", "status", "source",
                               "made_at", "done_at", "note"}

    assert ok(db_path, "done", "ESC-1", "1", "--note", "Dana says all good", "--at", "2026-11-26T12:30:00+00:00").strip() == (
        "ESC-1 commitment #1 done: Check in with Dana: confirm the fix is holding and nothing else is wrong (Dana says all good)")
    assert "no_follow_through" not in _flags(db_path, "2026-11-26T13:00:00+00:00")
    # ...and looking back, it was overdue before it was done.
    assert "no_follow_through" in _flags(db_path, "2026-11-26T12:15:00+00:00")

    table = ok(db_path, "commitments", "ESC-1", "--now", "2026-11-26T13:00:00+00:00").splitlines()
    assert table[0].split() == ["ID", "ESC", "DUE", "OWNER", "STATUS", "WHAT"]
    assert table[1].startswith("ESC-1#1    ESC-1   12:00 UTC on Thu 26 Nov 2026 Sam Rivera") and " done " in table[1]
    assert len(ok(db_path, "commitments", "--open", "--now", "2026-11-26T13:00:00+00:00").splitlines()) == 1 + 5


@pytest.mark.parametrize(
    "args, message",
    [
        (["done", "ESC-9", "1"], "no escalation ESC-9"),
        (["done", "nope", "1"], "not an escalation id: 'nope'"),
        (["done", "ESC-1", "7"], "ESC-1 has no commitment #7: it has #1, #2, #3, #4, #5, #6"),
        (["done", "ESC-1", "1", "--at", "2026-11-25T08:00:00+00:00"], "is before ESC-1 opened"),
        (["done", "ESC-1", "1", "--at", "2999-01-01T00:00:00+00:00"], "is in the future"),
        (["done", "ESC-1", "1", "--at", "2026-11-25T11:30:00+00:00"], "is before commitment #1 was made"),
        (["commitments", "ESC-9"], "no escalation ESC-9"),
        (["recovery", "ESC-9"], "no escalation ESC-9"),
        (["recovery", "ESC-1", "--at", "2026-11-26"], "needs a time zone offset"),
    ],
    ids=["unknown-id", "bad-id", "unknown-n", "before-opened", "future", "before-made", "list-unknown-id",
         "recovery-unknown-id", "naive-at"],
)
def test_bad_input_exits_2_and_stores_nothing(db_path, args, message):
    _outage(db_path)
    ok(db_path, "recovery", "ESC-1", "--at", "2026-11-25T12:00:00+00:00")
    before = events(db_path)
    result = run(db_path, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert events(db_path) == before


def test_done_twice_is_refused(db_path):
    _outage(db_path)
    ok(db_path, "recovery", "ESC-1", "--at", "2026-11-25T12:00:00+00:00")
    ok(db_path, "done", "ESC-1", "2", "--at", "2026-11-26T09:00:00+00:00")
    result = run(db_path, "done", "ESC-1", "2")
    assert result.exit_code == 2 and "commitment #2 is already done" in result.stderr
    assert len(events(db_path, "commitment_done")) == 1


def test_no_commitments_says_so(db_path):
    assert ok(db_path, "commitments").strip() == "No commitments."
    ok(db_path, "triage", str(OUTAGE), "--customer", "Acme")
    result = run(db_path, "done", "ESC-1", "1")
    assert result.exit_code == 2 and "it has none yet" in result.stderr


@pytest.mark.parametrize("command", [["recovery"], ["commitments"], ["done"]])
def test_help(command):
    result = CliRunner().invoke(cli, [*command, "--help"])
    assert result.exit_code == 0 and "Usage: " in result.output


def test_prevention_step_names_the_completed_rca_actions_and_logged_decisions(base, policy):
    from agent.recovery import conversation, schedule
    from agent.schemas import Event

    moment = OPENED + timedelta(hours=5)
    esc = base.model_copy(update={"events": [
        Event(id=90, escalation_id=1, at=OPENED + timedelta(hours=1), actor="sam", kind="log",
              data={"kind": "decision", "text": "freeze deploys on Fridays."}),
        Event(id=91, escalation_id=1, at=OPENED + timedelta(hours=4), actor="sam", kind="rca_completed",
              data={"root_cause": "no alert", "prevention_actions": [
                  {"n": 1, "category": "monitoring", "action": "alert on export queue depth", "owner": "Ops", "due": "2026-12-01"}]}),
    ]})
    impact = impact_level(esc, moment)
    steps = {s.step: s.text for s in conversation(esc, policy, impact, [], schedule(esc, policy, impact.level, [], moment))}
    assert steps["explain_prevention"] == ("To stop it happening again: freeze deploys on Fridays; alert on export queue "
                                           "depth. I will confirm to you when each one is done.")


def test_concurrent_calls_make_one_plan_and_one_set_of_commitments(db_path, policy):
    import threading

    from agent import recovery
    from agent.store import Store

    with Store(db_path) as s:
        esc = triage_complaint(text="Production is completely down, 400 agents blocked", customer="Acme", tier="enterprise",
                               store=s, engine=OfflineEngine(policy), policy=policy, at=OPENED)
    start, made, errors = threading.Barrier(6), [], []

    def call():
        try:
            with Store(db_path) as own:  # a connection each, as separate processes have
                start.wait()
                made.append(recovery.plan(own, esc.id, at=OPENED + timedelta(hours=1))[1])
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == [] and sorted(made) == [False] * 5 + [True]
    assert len(events(db_path, "recovery_planned")) == 1
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM events WHERE kind = 'commitment'").fetchone()[0] == 5
