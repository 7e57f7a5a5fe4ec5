"""The rca eval suite: each answers file in evals/cases/rca/ goes through triage, the walk to
resolved and the 5-Whys interview on a scratch store; the Post-Incident Report must be complete."""

from __future__ import annotations

import json
import sqlite3

import pytest
import yaml
from click.testing import CliRunner

from agent import evals, rca
from agent.faces.cli import cli
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy
from agent.store import Store

FOLDER = evals.cases_dir() / "rca"


def cases() -> dict[str, evals.RcaCase]:
    return {c.id: c for c in evals.load_rca_cases(FOLDER)}


def test_cli_rca_suite_json_every_report_complete(tmp_path):
    db = tmp_path / "e.db"
    out = CliRunner().invoke(cli, ["--db", str(db), "eval", "--suite", "rca", "--json"])
    assert out.exit_code == 0, out.output
    [suite] = json.loads(out.stdout)
    assert suite["suite"] == "rca" and suite["engine"] == "offline"
    assert suite["metrics"] == {"n": len(cases()), "rca_complete": 1.0, "fallbacks": 0}
    assert suite["metrics"]["n"] >= 4
    assert all(c["rca_problems"] == [] for c in suite["cases"])
    assert suite["usage"]["calls"] == 0 and suite["usage"]["cost_usd"] == 0.0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT suite, n, cost_usd FROM eval_runs").fetchall() == [("rca", len(cases()), 0.0)]
    text = CliRunner().invoke(cli, ["--db", str(db), "eval", "--suite", "rca", "--gate"])
    assert text.exit_code == 0, text.output
    assert "Suite rca: " in text.stdout and "rca_complete             1.000" in text.stdout


def test_every_case_has_an_id_a_source_and_answers_escalate_rca_accepts(tmp_path):
    found = cases()
    assert len(found) >= 4
    for case in found.values():
        assert case.id and case.source and case.path.parent == FOLDER
        path = tmp_path / f"{case.id}.yaml"
        path.write_text(yaml.safe_dump(case.answers), encoding="utf-8")
        assert rca.load_answers(path) == case.answers  # the format of `escalate rca ID --answers FILE`


def test_a_human_error_answer_is_pushed_one_level_deeper_and_the_report_still_completes(tmp_path):
    case = cases()["export-human-error"]
    assert case.expect == {"pushed_deeper": True}
    pred, calls = evals.rca_case(case, tmp_path / "x.db", engine=OfflineEngine(default_policy()), policy=default_policy())
    assert pred.rca_problems == [] and calls == []
    with Store(tmp_path / "x.db") as store:
        st = rca.derive(store.events(1))
        questions = [e.data for e in store.events(1) if e.kind == "rca_question"]
    blamed = next(w for w in st.whys if w["blame"])
    assert blamed["answer"].startswith("Human error")
    deeper = questions[blamed["level"]]
    assert deeper["level"] == blamed["level"] + 1
    assert deeper["question"].startswith('What allowed "Human error')
    assert deeper["note"].startswith("pushed one level deeper")
    assert st.root_cause["level"] == blamed["level"] + 1 and st.root_cause["category"] == "process"


def write_case(folder, **changes):
    data = yaml.safe_load((FOLDER / "login-cert-expiry.yaml").read_text(encoding="utf-8"))
    data.update(changes)
    folder.mkdir(exist_ok=True)
    (folder / f"{data['id']}.yaml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def test_an_interview_that_runs_out_of_whys_is_an_incomplete_report(tmp_path):
    good = cases()["login-cert-expiry"]
    short = {**good.answers, "whys": ["The TLS certificate on the auth gateway expired"]}
    write_case(tmp_path / "rca", id="short", answers=short)
    write_case(tmp_path / "rca", id="fine")
    result = evals.run_suite("rca", engine=OfflineEngine(default_policy()), policy=default_policy(),
                             cases=evals.load_rca_cases(tmp_path / "rca"))
    assert result.metrics["rca_complete"] == 0.5
    fine, short_pred = result.predictions
    assert fine.rca_problems == []
    problems = short_pred.rca_problems
    assert problems[0].startswith(f"{tmp_path / 'rca' / 'short.yaml'}: answers: whys: no answer left for level 2")
    assert "the RCA did not complete" in problems
    assert "ESC-1 has no completed RCA: the root cause is missing (`escalate rca ESC-1`)" in problems
    assert any(p.startswith("section Root Cause empty: Not identified yet") for p in problems)
    assert any(p.startswith("section Lessons Learned empty") for p in problems)
    assert "rca short: " in evals.render(result)
    failures = evals.gate(result, evals.thresholds())
    assert failures == ["rca: rca_complete 0.500 is below the threshold 1.0"]


def test_an_expected_push_deeper_that_never_happens_is_a_problem(tmp_path):
    write_case(tmp_path / "rca", id="no-blame", expect={"pushed_deeper": True})
    [pred] = evals.run_suite("rca", engine=OfflineEngine(default_policy()), policy=default_policy(),
                             cases=evals.load_rca_cases(tmp_path / "rca")).predictions
    assert pred.rca_problems == ["expected a blamed answer to be pushed one level deeper; none was"]


def test_answers_escalate_rca_refuses_are_named_with_the_case_file(tmp_path):
    good = cases()["login-cert-expiry"]
    write_case(tmp_path / "rca", id="bad-keys", answers={**good.answers, "whoops": 1})
    [pred] = evals.run_suite("rca", engine=OfflineEngine(default_policy()), policy=default_policy(),
                             cases=evals.load_rca_cases(tmp_path / "rca")).predictions
    assert pred.rca_problems[0] == f"{tmp_path / 'rca' / 'bad-keys.yaml'}: answers: unknown keys: whoops"


@pytest.mark.parametrize(("text", "problem"), [
    ("id: x\nsource: y\n", "walk: Field required"),
    ("- not a mapping\n", "mapping"),
    ("id: [unclosed\n", "while parsing"),
])
def test_a_bad_case_file_names_the_file(tmp_path, text, problem):
    (tmp_path / "bad.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(evals.UsageError) as info:
        evals.load_rca_cases(tmp_path)
    assert str(info.value).startswith(str(tmp_path / "bad.yaml") + ": ") and problem in str(info.value)


def test_section_problems_name_a_missing_and_an_empty_section():
    markdown = "# Report\n\n## Summary\n\nx\n\n## Root Cause\n\nNot identified yet: no completed RCA.\n\n## Timeline (UTC)\n\n| a |\n"
    problems = evals.section_problems(markdown)
    assert "section Root Cause empty: Not identified yet: no completed RCA." in problems
    assert "section Resolution missing" in problems
    assert not any("Summary" in p or "Timeline" in p for p in problems)
