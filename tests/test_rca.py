"""The 5-Whys RCA interview: through an answers file, through the terminal, interrupted and resumed;
the blameless rules table-driven; Claude's proposals against hand-written cassettes."""

from __future__ import annotations

import json
from contextlib import contextmanager

import anthropic
import click
import pytest
import yaml
from conftest import CASSETTES, cassette_vcr
from rca_example import EXAMPLES, ANSWERS, answers, datas, freeze, kinds, ok, run, worked

from agent import rca
from agent.engines.claude import AnthropicEngine, wire_schema
from agent.rca import FileAsker, allowed_question, why_question
from agent.schemas.rca import RcaProposal
from agent.store import Store


@pytest.fixture(autouse=True)
def frozen(monkeypatch):
    freeze(monkeypatch)


@pytest.fixture
def closed(db_path):
    worked(db_path)
    return db_path


def flags(db_path) -> list[str]:
    return [f["flag"] for f in json.loads(ok(db_path, "show", "ESC-1", "--json"))["flags"]]


LEVEL1 = 'Why did "none of our 400 support agents can log in to the console" happen?'
LEVEL2 = 'Why did "the TLS certificate on the auth gateway expired" happen?'
LEVEL3 = 'What allowed "Sam Rivera forgot to renew it" to happen?'
ROOT = "Certificate renewal is a manual task with no owner and no expiry alert"


# -- the answers file ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["answers.yaml", "answers.json"])
def test_the_interview_from_an_answers_file(closed, tmp_path, name):
    assert "missing_rca" in flags(closed)
    out = ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, name=name)))
    assert out == (f"RCA of ESC-1 completed.\nRoot cause (process): {ROOT}\nPrevention actions: 3\n"
                   "Next: `escalate report ESC-1` writes the Post-Incident Report.\n")
    # One event per answer, in the order given; the next why is stored before it is asked.
    assert kinds(closed, prefix="rca_") + kinds(closed, prefix="prevention_") == [
        "rca_timeline_correction", "rca_timeline_confirmed", "rca_answer",
        "rca_question", "rca_why", "rca_question", "rca_why", "rca_question", "rca_why",
        "rca_root_cause_proposed", "rca_root_cause", *["rca_answer"] * 8, "rca_actions_done", "rca_completed",
        "prevention_action", "prevention_action", "prevention_action",
    ]
    whys = datas(closed, "rca_why")
    assert [(w["level"], w["question"], w["accepted"], w["blame"]) for w in whys] == [
        (1, LEVEL1, True, False), (2, LEVEL2, True, True), (3, LEVEL3, True, False)]
    # The blamed person is sent one level deeper, with the rules' prompt.
    blamed = [q for q in datas(closed, "rca_question") if q["level"] == 3][0]
    assert blamed["by"] == "rules" and blamed["note"].startswith("pushed one level deeper")
    correction = datas(closed, "rca_timeline_correction")[0]
    assert correction == {"entry": 1, "event_id": 1, "at": "2026-11-25T08:50:00+00:00",
                          "text": "Dana first phoned the hotline at 08:50, before the web form"}
    assert datas(closed, "rca_root_cause") == [{"level": 3, "text": ROOT, "category": "process", "restated": False}]
    completed = datas(closed, "rca_completed")[0]
    assert completed["root_cause"] == ROOT and completed["category"] == "process"
    assert [a["owner"] for a in completed["prevention_actions"]] == ["Jordan Lee", "Sam Rivera", "Priya Shah"]
    assert "missing_rca" not in flags(closed)
    # Running it again changes nothing.
    assert ok(closed, "rca", "ESC-1").startswith("RCA of ESC-1 completed.")
    assert kinds(closed, prefix="rca_completed") == ["rca_completed"]


def test_the_blamed_answer_carries_its_findings(closed, tmp_path):
    ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path)))
    level2 = [w for w in datas(closed, "rca_why") if w["answer"] == "Sam Rivera forgot to renew it"][0]
    assert [(f["rule"], f["found"]) for f in level2["findings"]] == [
        ("names_a_person", "Sam Rivera"), ("human_error", "forgot")]


def test_missing_and_unknown_keys_are_named_and_nothing_is_stored(closed, tmp_path):
    data = {k: v for k, v in ANSWERS.items() if k not in ("not_detected", "actions")}
    data["whyz"] = ["typo"]
    data["severity"] = "SEV-2"
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, data)))
    assert result.exit_code == 2
    assert result.stderr == (f"error: {tmp_path / 'answers.yaml'}: unknown keys: severity, whyz; "
                             "missing keys: not_detected, actions\n")
    assert kinds(closed, prefix="rca_") == []


def test_an_action_without_owner_or_due_date_is_refused(closed, tmp_path):
    bad = [{"action": "Alert before expiry", "category": "monitoring", "owner": "Jordan Lee", "due": "2026-12-15"},
           {"action": "Automate renewal", "category": "architecture", "due": "2027-01-29"},
           {"action": "Write it down", "category": "documentation", "owner": "Priya Shah", "due": ""}]
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, actions=bad)))
    assert result.exit_code == 2
    assert "actions[2]: missing owner (every action needs an owner and a due date)" in result.stderr
    assert "actions[3]: missing due" in result.stderr
    assert kinds(closed, prefix="rca_") == []


def test_an_unknown_action_category_names_the_choices(closed, tmp_path):
    bad = [{"action": "Alert before expiry", "category": "alerts", "owner": "Jordan Lee", "due": "2026-12-15"}]
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, actions=bad)))
    assert result.exit_code == 2
    assert "actions: unknown action category 'alerts': choose one of monitoring, testing, architecture" in result.stderr
    # Everything answered before the actions is kept; the interview is not complete.
    assert "rca_root_cause" in kinds(closed) and "rca_completed" not in kinds(closed)


@pytest.mark.parametrize("text", ["whys: [unclosed", "- just\n- a list\n"])
def test_an_answers_file_that_is_not_a_mapping_is_refused(closed, tmp_path, text):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = run(closed, "rca", "ESC-1", "--answers", str(path))
    assert result.exit_code == 2 and str(path) in result.stderr


def test_rca_on_an_unknown_escalation_exits_2(db_path):
    result = run(db_path, "rca", "ESC-9")
    assert result.exit_code == 2
    assert result.stderr == "error: no escalation ESC-9; `escalate list` shows the open ones\n"


def test_rca_on_a_still_open_sev4_exits_2(db_path):
    ok(db_path, "triage", str(EXAMPLES / "typo-invoice.txt"), "--customer", "Globex",
       "--at", "2026-11-25T09:00:00+00:00")
    result = run(db_path, "rca", "ESC-1")
    assert result.exit_code == 2
    assert result.stderr == ("error: cannot run an RCA on ESC-1: it is a SEV-4 still open; "
                             "the RCA starts once it is resolved (`escalate resolve ESC-1`)\n")
    assert kinds(db_path, prefix="rca_") == []


def test_a_file_that_runs_out_of_whys_keeps_its_answers_and_another_continues(closed, tmp_path):
    first = answers(tmp_path, whys=ANSWERS["whys"][:1], name="first.yaml")
    result = run(closed, "rca", "ESC-1", "--answers", str(first))
    assert result.exit_code == 2
    assert f"{first}: whys: no answer left for level 2 (\"{LEVEL2}\")" in result.stderr
    assert [w["level"] for w in datas(closed, "rca_why")] == [1]
    # The second file needs only what is still open: no timeline, and the whys from level 2.
    rest = {k: v for k, v in ANSWERS.items() if k not in ("timeline", "identified")}
    rest["whys"] = ANSWERS["whys"][1:]
    ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, rest, name="second.yaml")))
    assert [w["answer"] for w in datas(closed, "rca_why")] == ANSWERS["whys"]
    assert len(datas(closed, "rca_timeline_confirmed")) == 1


def test_a_symptom_and_a_circular_answer_are_flagged_and_asked_again(closed, tmp_path):
    whys = ["The TLS certificate on the auth gateway expired",
            "The certificate expired",  # the symptom again
            "Nobody renewed it in time",
            "The TLS certificate on the gateway expired",  # level 1 again: a circle
            "Renewal relies on someone remembering the date"]
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, whys=whys)))
    assert result.exit_code == 0, result.stderr
    rows = datas(closed, "rca_why")
    assert [(w["level"], w["accepted"]) for w in rows] == [(1, True), (2, False), (2, True), (3, False), (3, True)]
    assert [f["rule"] for f in rows[1]["findings"]] == ["restates_symptom"]
    assert [f["rule"] for f in rows[3]["findings"]] == ["circular_chain"]
    assert "repeats level 1" in rows[3]["findings"][0]["fix"]
    # The same question is asked again, with the flag as a note.
    questions = datas(closed, "rca_question")
    assert [q["level"] for q in questions] == [1, 2, 2, 3, 3]
    assert questions[2]["question"] == questions[1]["question"] == LEVEL2
    assert questions[2]["note"].startswith("flagged, asked again: that describes what happened, not why")
    assert datas(closed, "rca_root_cause")[0]["category"] == "process"


def test_the_chain_stops_at_five_levels_and_a_restated_root_cause_is_kept(closed, tmp_path):
    whys = ["The gateway rejected the certificate", "The certificate lapsed on Sunday",
            "The renewal job ran on the old host", "The old host was decommissioned in October",
            "Moving the job was left off the migration list"]
    restated = "process: the host migration checklist does not cover scheduled jobs"
    ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, whys=whys, root_cause=restated)))
    proposed = datas(closed, "rca_root_cause_proposed")[0]
    assert (proposed["level"], proposed["by"], proposed["category"], proposed["note"]) == (5, "rules", None, "5 levels reached")
    assert datas(closed, "rca_root_cause") == [{"level": 5, "text": "the host migration checklist does not cover scheduled jobs",
                                                "category": "process", "restated": True}]


def test_a_blamed_fifth_answer_still_goes_one_level_deeper(closed, tmp_path):
    whys = ["The gateway rejected the certificate", "The certificate lapsed on Sunday",
            "The renewal job ran on the old host", "The old host was decommissioned in October",
            "Human error", "The decommissioning checklist does not list scheduled jobs"]
    ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, whys=whys, root_cause="yes")))
    assert [w["level"] for w in datas(closed, "rca_why")] == [1, 2, 3, 4, 5, 6]
    assert datas(closed, "rca_question")[-1]["question"] == 'What allowed "Human error" to happen?'
    assert datas(closed, "rca_root_cause")[0] == {"level": 6, "text": whys[-1], "category": "process", "restated": False}


def test_no_at_the_confirmation_asks_why_once_more(closed, tmp_path):
    whys = [*ANSWERS["whys"], "Ownership of shared infrastructure was never assigned after the reorg"]
    ok(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, whys=whys, root_cause=["no", "yes"])))
    assert kinds(closed, prefix="rca_root_cause") == ["rca_root_cause_proposed", "rca_root_cause_rejected",
                                                      "rca_root_cause_proposed", "rca_root_cause"]
    assert datas(closed, "rca_question")[-1]["question"] == f'Why did "{ROOT}" happen?'
    assert datas(closed, "rca_root_cause")[0]["level"] == 4


def test_a_root_cause_restated_as_blame_is_refused(closed, tmp_path):
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, root_cause="training: Sam was careless")))
    assert result.exit_code == 2
    assert "root_cause: a root cause cannot be a person or human error ('Sam was careless')" in result.stderr
    assert "rca_root_cause" not in kinds(closed)


# -- the terminal ----------------------------------------------------------------------------------

TERMINAL = [
    "1 @ 2026-11-25T08:50:00+00:00: Dana first phoned the hotline at 08:50, before the web form",
    "",  # the timeline is now right (default: yes)
    "5",
    *ANSWERS["whys"],
    "",  # confirm the proposed root cause (default: yes)
    *(ANSWERS[k] for k in rca.QUESTIONS),
    "Alert 30 days before any certificate expires", "monitoring", "Jordan Lee", "2026-12-15",
    "Automate certificate renewal", "architecture", "", "2027-01-29",  # no owner: refused, asked again
    "Automate certificate renewal", "architecture", "Sam Rivera", "2027-01-29",
    "Add certificates to the on-call runbook", "documentation", "Priya Shah", "2026-12-04",
    "",
]


def test_the_interview_in_the_terminal(closed, tmp_path, db_path):
    result = run(closed, "rca", "ESC-1", input="\n".join(TERMINAL) + "\n")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert "Timeline:\n  1  09:00 UTC on Wed 25 Nov 2026  Issue first reported by Acme Corp (enterprise)\n" in out
    assert "  correction (entry 1 at 08:50 UTC on Wed 25 Nov 2026): Dana first phoned" in out
    assert f"[why 1] {LEVEL1}: " in out and f"[why 3] {LEVEL3}: " in out
    assert "flagged [names_a_person]: 'Sam Rivera'" in out
    assert "note: pushed one level deeper" in out
    assert f'Root cause: "{ROOT}". Answer \'yes\' to confirm it as a process cause' in out
    assert "SLA clocks:\n  first response: met after 10m (target 15m)\n" in out
    assert "Stakeholders for SEV-1: customer, executive sponsor" in out
    assert "refused: an action without owner is refused: every action needs an owner and a due date" in result.stderr
    assert out.endswith(f"RCA of ESC-1 completed.\nRoot cause (process): {ROOT}\nPrevention actions: 3\n"
                        "Next: `escalate report ESC-1` writes the Post-Incident Report.\n")
    # The same record as the answers file gives.
    other = tmp_path / "other.db"
    worked(other)
    ok(other, "rca", "ESC-1", "--answers", str(answers(tmp_path)))
    for kind in ("rca_why", "rca_root_cause", "rca_answer", "prevention_action", "rca_completed"):
        assert datas(closed, kind) == datas(other, kind), kind


def test_interrupted_answers_are_kept_and_the_interview_continues(closed):
    first = run(closed, "rca", "ESC-1", input="\n".join(TERMINAL[:5]) + "\n")  # ends (EOF) during why 3
    assert first.exit_code == 130
    assert first.stderr.strip().endswith("interrupted: 5 answer(s) are saved; `escalate rca ESC-1` continues where you stopped")
    assert [w["answer"] for w in datas(closed, "rca_why")] == ANSWERS["whys"][:2]
    second = run(closed, "rca", "ESC-1", input="\n".join(TERMINAL[5:]) + "\n")
    assert second.exit_code == 0, second.stderr
    assert second.stdout.startswith("Continuing the RCA of ESC-1: 5 answer(s) already recorded.\n")
    assert "Timeline:" not in second.stdout and "[why 1]" not in second.stdout
    assert f"[why 3] {LEVEL3}: " in second.stdout  # asked again, exactly as stored
    assert [w["answer"] for w in datas(closed, "rca_why")] == ANSWERS["whys"]
    assert kinds(closed, prefix="rca_completed") == ["rca_completed"]


def test_ctrl_c_loses_nothing_already_answered(closed, monkeypatch):
    given = iter(["yes", "5", ANSWERS["whys"][0]])

    def prompt(*args, **kwargs):
        try:
            return next(given)
        except StopIteration:
            raise KeyboardInterrupt

    monkeypatch.setattr(click, "prompt", prompt)
    result = run(closed, "rca", "ESC-1")
    assert result.exit_code == 130
    assert "interrupted: 3 answer(s) are saved" in result.stderr
    assert kinds(closed, prefix="rca_") == ["rca_timeline_confirmed", "rca_answer", "rca_question", "rca_why", "rca_question"]


# -- the blameless rules -----------------------------------------------------------------------------

PEOPLE = ("Sam Rivera", "Dana")


@pytest.mark.parametrize("text, rules", [
    ("Sam Rivera forgot to renew it", ["names_a_person", "human_error"]),
    ("Human error", ["human_error"]),
    ("It was operator error during the deploy", ["human_error"]),
    ("Someone forgot to renew the certificate", ["names_a_person", "human_error"]),
    ("The engineer was careless with the config", ["names_a_person", "human_error"]),
    ("Priya didn't pay attention to the alert", ["names_a_person", "human_error"]),
    ("An admin missed the warning email", ["names_a_person"]),
    ("Dana reported it late", ["names_a_person"]),
    ("Carelessness", ["human_error"]),
    ("Renewal is a manual task with no owner", []),
    ("The deploy pipeline has no test for expired certificates", []),
    ("Monitoring missed the spike because it samples every 10 minutes", []),
    ("The on-call rota has no security contact", []),
])
def test_blame_findings(text, rules):
    assert [f.rule for f in rca.blame_findings(text, PEOPLE)] == rules


SUBJECT = "The TLS certificate on the auth gateway expired"
PROBLEM = "none of our 400 support agents can log in to the console"


@pytest.mark.parametrize("answer, earlier, rules", [
    ("The certificate expired", [SUBJECT], ["restates_symptom"]),
    ("Because agents could not log in", [SUBJECT], ["restates_symptom"]),
    ("The TLS certificate had expired", [SUBJECT], ["restates_symptom"]),
    ("Renewal is manual", [SUBJECT], []),
    ("Renewal depends on a calendar reminder that was deleted", [SUBJECT], []),
])
def test_lint_why_symptom(answer, earlier, rules):
    found = rca.lint_why(answer, subject=earlier[-1], problem=PROBLEM, earlier=earlier)
    assert [f.rule for f in found] == rules


@pytest.mark.parametrize("answer, rules", [
    ("The TLS certificate on the gateway expired", ["circular_chain"]),  # level 1 again
    ("Nobody owns certificates", []),
    ("Sam forgot, the TLS certificate expired", ["names_a_person", "human_error"]),
    ("The TLS certificate on the auth gateway had expired", ["circular_chain"]),
])
def test_lint_why_circle(answer, rules):
    earlier = [SUBJECT, "Renewal relies on a calendar reminder"]
    found = rca.lint_why(answer, subject=earlier[-1], problem=PROBLEM, earlier=earlier)
    assert [f.rule for f in found] == rules


@pytest.mark.parametrize("question, rules", [
    ("Why did the certificate expire?", []),
    ("What allowed the renewal to be missed?", []),
    ("Who forgot to renew the certificate?", ["question_asks_who", "question_human_error"]),
    ("Why did Sam Rivera not renew it?", ["question_names_a_person"]),
    ("Explain the failure", ["question_not_a_question"]),
    ("", ["question_empty"]),
    ("Why " + "really " * 60 + "?", ["question_too_long"]),
])
def test_question_rules(question, rules):
    assert [f.rule for f in rca.lint_question(question, PEOPLE)] == rules


@pytest.mark.parametrize("text, category", [
    ("Certificate renewal is a manual task with no owner", "process"),
    ("There is no runbook for certificate rotation", "process"),
    ("Nothing alerts on certificate expiry: no monitoring of the gateway", "technical"),
    ("The gateway is a single point of failure", "technical"),
    ("The release had no tests for the login path", "technical"),
    ("The new support agents were never trained on the escalation path", "training"),
    ("The TLS certificate expired", None),
    ("The gateway rejected every login", None),
    # the gap said after what lacks it
    ("Our design review checklist has no item for idempotent delivery", "process"),
    ("The retry logic had no record of what it had already delivered", "technical"),
    ("Our test suite has no case for a slow receiver", "technical"),
    ("The customer has no backup of the file", None),
    ("The endpoint acknowledged late because it did the work before answering", None),
])
def test_classify(text, category):
    assert rca.classify(text) == category


ANSWER = "The TLS certificate on the auth gateway expired"


@pytest.mark.parametrize("proposal, kind, expect", [
    (RcaProposal(root_cause_reached=True, root_cause="Human error: the on-call engineer forgot to renew the certificate",
                 category="training", rationale="r"),
     "rca_question", {"level": 3, "question": allowed_question(ANSWER), "by": "rules"}),
    (RcaProposal(root_cause_reached=True, root_cause="Sam Rivera did not renew it", category="process", rationale="r"),
     "rca_question", {"level": 3, "question": allowed_question(ANSWER), "by": "rules"}),
    (RcaProposal(root_cause_reached=True, root_cause="Certificate renewal has no owner", rationale="r"),
     "rca_root_cause_proposed", {"level": 2, "text": "Certificate renewal has no owner", "category": "process", "by": "anthropic"}),
    (RcaProposal(root_cause_reached=False, question="Who forgot to renew it?", rationale="r"),
     "rca_question", {"level": 3, "question": why_question(ANSWER), "by": "rules"}),
    (RcaProposal(root_cause_reached=False, question="Why was the expiry not noticed", rationale="r"),
     "rca_question", {"level": 3, "question": why_question(ANSWER), "by": "rules"}),
    (RcaProposal(root_cause_reached=False, question="Why was the expiry not noticed before it lapsed?", rationale="r"),
     "rca_question", {"level": 3, "question": "Why was the expiry not noticed before it lapsed?", "by": "anthropic"}),
])
def test_claude_proposals_are_checked_by_the_same_rules(proposal, kind, expect):
    got_kind, data = rca.check_proposal(proposal, ANSWER, 2, PEOPLE)
    assert got_kind == kind
    assert {k: data[k] for k in expect} == expect


# -- Claude, against hand-written cassettes (tests/cassettes/rca/<test>.yaml) -------------------------

VCR = cassette_vcr("rca")


@contextmanager
def replay(request):
    with VCR.use_cassette(f"{request.node.name}.yaml") as cassette:
        yield cassette
    assert cassette.all_played, f"{cassette.play_count} of {len(cassette)} recorded interactions were played"


def engine(sent: list) -> AnthropicEngine:
    client = anthropic.Anthropic(api_key="sk-ant-test-not-a-real-key", max_retries=0, base_url="https://api.anthropic.com",
                                 http_client=anthropic.DefaultHttpxClient(event_hooks={"request": [sent.append]}))
    return AnthropicEngine(client=client)


def interview(db_path, chosen, whys) -> rca.State:
    data = {**ANSWERS, "whys": whys}
    with Store(db_path) as store:
        return rca.run(store, "ESC-1", FileAsker(data, "answers.yaml"), engine=chosen, actor="test")


def test_claude_human_error_root_cause_is_pushed_one_level_deeper(request, closed):
    sent: list = []
    whys = ["The TLS certificate on the auth gateway expired", ROOT]
    with replay(request):
        st = interview(closed, engine(sent), whys)

    # Claude called the level-1 answer the root cause and blamed a person; the rules asked one level deeper.
    first = datas(closed, "rca_question")[1]
    assert first["level"] == 2 and first["by"] == "rules"
    assert first["question"] == allowed_question(whys[0])
    assert first["note"].startswith('the proposed root cause "Human error: the on-call engineer forgot to renew the '
                                    'certificate" stops at a person (names_a_person, human_error): pushed one level deeper')
    assert first["corrections"][0]["rule"] == "root_cause_is_blameless"
    # The second proposal is systemic and stands, in Claude's words.
    proposed = datas(closed, "rca_root_cause_proposed")[0]
    assert proposed == {"level": 2, "text": "Certificate renewal is manual, with no owner and no expiry alert",
                        "category": "process", "by": "anthropic",
                        "rationale": "A missing owner and a missing alert are process and tooling gaps the organisation controls."}
    assert st.root_cause["text"] == proposed["text"] and st.completed

    # Each request asks for RcaProposal as structured output (no tool is forced), with the chain fenced.
    assert len(sent) == 2
    body = json.loads(sent[1].content)
    assert body["output_config"] == {"format": {"type": "json_schema", "schema": wire_schema(RcaProposal)}}
    assert "tools" not in body and "tool_choice" not in body
    assert "cache_control" not in body["system"][0]  # below the minimum cacheable prefix
    user = body["messages"][0]["content"]
    assert "<chain>\nLevel 1. Q: " + LEVEL1 + "\nA: " + whys[0] + "\nLevel 2. Q: " + allowed_question(whys[0]) in user
    with Store(closed) as store:
        calls = store.model_calls(1)
    rows = [c for c in calls if c["prompt_name"] == "rca:why"]
    assert [(c["stop_reason"], c["error"]) for c in rows] == [("end_turn", None), ("end_turn", None)]
    recorded = yaml.safe_load((CASSETTES / "rca" / f"{request.node.name}.yaml").read_text(encoding="utf-8"))
    usage = json.loads(recorded["interactions"][0]["response"]["body"]["string"])["usage"]
    assert (rows[0]["input_tokens"], rows[0]["output_tokens"]) == (usage["input_tokens"], usage["output_tokens"])


def test_claude_overloaded_falls_back_to_the_offline_questions(request, closed):
    with replay(request):
        interview(closed, engine([]), ANSWERS["whys"])
    second = datas(closed, "rca_question")[1]
    assert (second["by"], second["question"]) == ("offline", LEVEL2)
    assert second["note"] == "Anthropic API 529 overloaded: Overloaded; the offline questions are used"
    # The blamed answer needs no model: the rules push it deeper; the systemic one is classified offline.
    assert datas(closed, "rca_root_cause")[0]["text"] == ROOT
    with Store(closed) as store:
        [row] = [c for c in store.model_calls(1) if c["prompt_name"] == "rca:why"]
    assert row["error"] == "Anthropic API 529 overloaded: Overloaded"


def test_cassettes_hold_no_credentials():
    for path in (CASSETTES / "rca").glob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        assert "x-api-key" not in text and "authorization" not in text and "sk-ant" not in text


@pytest.mark.parametrize("command", [["rca"], ["actions"], ["action"], ["report"], ["prevention"]])
def test_every_rca_help_works(command):
    result = run("unused.db", *command, "--help")
    assert result.exit_code == 0 and "Usage: " in result.stdout


def test_the_cli_module_imports_only_click_at_module_level():
    import ast
    from pathlib import Path

    tree = ast.parse((Path(rca.__file__).parent / "faces" / "cli_rca.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    names = [(n.module if isinstance(n, ast.ImportFrom) else n.names[0].name) for n in top]
    assert names == ["__future__", "sys", "click", "cli"]


def test_a_root_cause_seen_before_raises_pattern_blindness(tmp_path, monkeypatch):
    """Two escalations whose RCAs end at the same process cause: the second is flagged."""
    freeze(monkeypatch)
    db = tmp_path / "p.db"
    worked(db)
    ok(db, "rca", "ESC-1", "--answers", str(answers(tmp_path)))
    ok(db, "triage", "--text", "Again nobody can log in: the login page says the certificate is invalid.",
       "--customer", "Globex", "--at", "2026-11-25T12:00:00+00:00")
    for step in (["ack", "ESC-2", "--at", "2026-11-25T12:05:00+00:00"],
                 ["resolve", "ESC-2", "--at", "2026-11-25T13:00:00+00:00"]):
        ok(db, *step)
    ok(db, "rca", "ESC-2", "--answers", str(answers(tmp_path, name="second.yaml", timeline="yes", identified=1)))
    [recurs] = datas(db, "root_cause_recurs", number=2)
    assert recurs["matches"][0]["id"] == "ESC-1"
    assert recurs["matches"][0]["category"] == "process"
    shown = ok(db, "show", "ESC-2")
    assert "! pattern blindness: root cause seen before in ESC-1 (same process root cause" in shown
    assert datas(db, "root_cause_recurs", number=1) == []


def test_yaml_yes_and_dates_are_kept_as_written(tmp_path, monkeypatch):
    from agent.rca import load_answers

    path = answers(tmp_path, right_people=True, do_differently="2026-12-01")
    text = path.read_text().replace("right_people: true", "right_people: Yes").replace("'2026-12-01'", "2026-12-01")
    path.write_text(text)
    data = load_answers(path)
    assert data["right_people"] == "yes"
    assert data["do_differently"] == "2026-12-01"
    assert data["identified"] == 5


def test_the_process_review_lists_the_stakeholders_of_the_severity_it_has_now(db_path):
    """Raised from SEV-2 to SEV-1: the review names SEV-1's stakeholders, not those planned at triage."""
    from agent import rca as rca_mod

    ok(db_path, "triage", "--text", "The CSV export fails with error 500 for our finance team.", "--customer", "Initech",
       "--at", "2026-11-25T09:00:00+00:00")
    ok(db_path, "severity", "ESC-1", "SEV-2", "--reason", "month-end close", "--at", "2026-11-25T09:10:00+00:00")
    with Store(db_path) as store:
        before = rca_mod.review_facts(store, store.get("ESC-1"), "right_people")
    assert before[1] == "Stakeholders for SEV-2: customer, support manager, CSM"
    ok(db_path, "severity", "ESC-1", "SEV-1", "--reason", "every customer's exports fail", "--at", "2026-11-25T09:30:00+00:00")
    with Store(db_path) as store:
        after = rca_mod.review_facts(store, store.get("ESC-1"), "right_people")
    assert after[1] == "Stakeholders for SEV-1: customer, executive sponsor, all hands (engineering, support, CSM)"


# -- timeline corrections: one documented form -----------------------------------------------------


def test_the_timeline_prompt_shows_the_one_form_with_entry_ones_own_time(closed):
    with Store(closed) as store:
        esc = store.get("ESC-1")
        step = rca.next_step(store, esc, rca.derive(esc.events))
    assert step.key == "timeline"
    assert step.prompt == ("Is this timeline correct? 'yes', or a correction: 'N: what is wrong', or "
                           "'N @ 2026-11-25T09:00+00:00: what is wrong' to correct entry N's time too")


@pytest.mark.parametrize("typed, refusal", [
    # the time after the text (the form a reader may guess): refused with the exact form, never stored without its time
    ("1: Dana phoned first @ 2026-11-25T09:40:00+01:00", "use '1 @ 2026-11-25T09:40+01:00: Dana phoned first'"),
    ("1 @ 2026-11-25T08:40:00+00:00", "use '1 @ 2026-11-25T08:40+00:00: what is wrong'"),
    ("1 @ 2026-11-25T08:40: Dana phoned first", "a corrected time needs its offset: use '1 @ 2026-11-25T08:40+00:00: Dana phoned first'"),
    ("1 @ 08:40: Dana phoned first", "(a time needs its date and offset)"),
    ("99: no such entry", "there is no timeline entry 99"),
])
def test_an_ambiguous_timeline_correction_is_refused_with_the_form_to_use(closed, tmp_path, typed, refusal):
    result = run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, timeline=[typed])))
    assert result.exit_code == 2
    assert refusal in result.stderr and result.stderr.count("\n") == 1
    assert kinds(closed, prefix="rca_timeline") == []


@pytest.mark.parametrize("typed, at", [
    ("1 @ 2026-11-25T09:40+01:00: Dana phoned first", "2026-11-25T09:40:00+01:00"),
    ("1 @ 2026-11-25T08:40Z: Dana phoned first", "2026-11-25T08:40:00+00:00"),
    ("1: Dana phoned first", None),
])
def test_the_documented_forms_store_the_time_they_give(closed, tmp_path, typed, at):
    data = dict(ANSWERS, timeline=[typed])
    assert run(closed, "rca", "ESC-1", "--answers", str(answers(tmp_path, data))).exit_code == 0
    [stored] = datas(closed, "rca_timeline_correction")
    assert (stored["entry"], stored["at"], stored["text"]) == (1, at, "Dana phoned first")
    pir = run(closed, "report", "ESC-1").stdout
    assert "- Timeline correction in the RCA, entry 1 (Issue first reported by Acme Corp (enterprise), " in pir
    assert pir.count("Dana phoned first") >= 1


@pytest.mark.parametrize("answer, named", [
    ("Dave hardcoded a 10,000 row page limit", "Dave hardcoded"),
    ("Priya merged the change without review", "Priya merged"),
    ("Fire Dave", "Fire Dave"),
])
def test_a_first_name_doing_what_a_person_does_is_a_person_named(answer, named):
    from agent.blameless import blame_findings

    assert [(f.rule, f.found) for f in blame_findings(answer)] == [("names_a_person", named)]


@pytest.mark.parametrize("answer", [
    "Terraform changed the DNS record", "Config changed on Friday", "Automation deleted the rows",
    "The deploy script set the wrong limit", "Release 4.2 changed the session timeout", "Kubernetes evicted the pod",
])
def test_a_tool_or_a_thing_doing_it_is_a_cause_to_ask_about(answer):
    from agent.blameless import blame_findings

    assert blame_findings(answer) == []
