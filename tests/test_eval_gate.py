"""The CI gate: the offline engine must stay at or above the figures in evals/thresholds.toml."""

from __future__ import annotations

import pytest

from agent import evals
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy

LIMITS = evals.thresholds()


@pytest.fixture(scope="module")
def engine():
    return OfflineEngine(default_policy())


@pytest.mark.parametrize("suite", sorted(LIMITS))
def test_offline_engine_meets_recorded_thresholds(suite, engine):
    if suite in ("severity", "security") and not evals.datasets_dir().is_dir():
        pytest.fail(f"datasets not found at {evals.datasets_dir()}: set ESCALATE_DATASETS")
    result = evals.run_suite(suite, engine=engine, policy=default_policy())
    assert evals.gate(result, LIMITS) == []


def test_the_gate_covers_every_suite():
    assert set(LIMITS) == set(evals.SUITES)
    assert LIMITS["rca"] == {"min_rca_complete": 1.0}


def test_metrics_match_a_hand_computed_example():
    gold = ["SEV-1", "SEV-1", "SEV-2", "SEV-3", "SEV-4", "SEV-2"]
    pred = ["SEV-1", "SEV-3", "SEV-4", "SEV-3", "SEV-3", "SEV-2"]
    m = evals.severity_metrics(gold, pred)
    assert m["accuracy"] == round(3 / 6, 3)
    # within one: SEV-1/SEV-3 (2 apart) and SEV-2/SEV-4 (2 apart) miss; the other four are within one.
    assert m["within_one"] == round(4 / 6, 3)
    # under-severity: gold SEV-1 → SEV-3 and gold SEV-2 → SEV-4, out of four high cases.
    assert m["under_severity_rate"] == 0.5
    assert m["confusion"]["SEV-2"]["SEV-4"] == 1
    assert m["per_class"]["SEV-3"] == {"precision": round(1 / 3, 3), "recall": 1.0, "support": 1}
    # high vs low: tp 2 (SEV-1→1, SEV-2→2), fn 2, fp 0 → precision 1, recall .5, F1 .667
    assert m["high_low_f1"] == 0.667


def test_security_metrics_count_true_and_false_positives():
    m = evals.security_metrics([True, True, False, False], [True, False, True, False])
    assert (m["security_recall"], m["security_precision"]) == (0.5, 0.5)


def test_gate_reports_a_regression():
    result = evals.SuiteResult("severity", "offline", None, {"under_severity_rate": 0.5, "accuracy": 0.3}, {}, [], 0.0)
    failures = evals.gate(result, {"severity": {"max_under_severity_rate": 0.2, "min_accuracy": 0.4}})
    assert failures == [
        "severity: under_severity_rate 0.500 is above the threshold 0.2",
        "severity: accuracy 0.300 is below the threshold 0.4",
    ]


def test_bad_cases_file_names_the_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text('{"id": 1, "text": "down", "severity": "SEV-1"}\n{"id": 2, "text": "x", "severity": "SEV-9"}\n')
    with pytest.raises(evals.UsageError, match="line 2: severity"):
        evals.load_jsonl(path)


def test_eval_cli_runs_an_ad_hoc_cases_file_and_stores_the_run(tmp_path):
    import json

    from click.testing import CliRunner

    from agent.faces.cli import cli

    path = tmp_path / "mine.jsonl"
    path.write_text(
        '{"id": "a", "text": "Nobody in the company can log in since 9am, the whole site is down.", "severity": "SEV-1"}\n'
        '{"id": "b", "text": "Small typo on the invoice footer, no rush.", "severity": "SEV-4"}\n'
    )
    db = tmp_path / "e.db"
    first = CliRunner().invoke(cli, ["--db", str(db), "eval", "--cases", str(path), "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert data[0]["metrics"]["accuracy"] == 1.0 and data[0]["previous"] is None
    second = CliRunner().invoke(cli, ["--db", str(db), "eval", "--cases", str(path)])
    assert second.exit_code == 0, second.output
    assert "Suite cases:mine.jsonl: 2 cases" in second.stdout
    assert "accuracy" in second.stdout and "1.000" in second.stdout
    third = CliRunner().invoke(cli, ["--db", str(db), "eval", "--cases", str(path), "--json"])
    assert third.exit_code == 0, third.output
    again = json.loads(third.stdout)
    assert again[0]["previous"]["metrics"]["accuracy"] == 1.0
