"""Import checks every value before anything is stored: a bad triage, SLA plan, policy, CSAT,
outcome or a duplicate id names its line, and the database stays readable."""

from __future__ import annotations

import csv
import json

import pytest

from agent.store import Store
from conftest import ok, run

AT = "2026-11-02T09:00:00+00:00"


@pytest.fixture
def exported(tmp_path) -> list[dict]:
    """Two escalations exported as JSONL by this tool."""
    db = tmp_path / "src.db"
    ok(db, "triage", "--text", "Nobody can log in, the whole site is down.", "--customer", "Acme", "--at", AT)
    ok(db, "triage", "--text", "Exports are slow but we can work around it.", "--customer", "Initech", "--at", AT)
    out = tmp_path / "all.jsonl"
    ok(db, "export", "--out", str(out))
    return [json.loads(line) for line in out.read_text().splitlines() if "tickets" not in json.loads(line)]


def _import_broken(tmp_path, rows: list[dict]) -> tuple:
    path = tmp_path / "broken.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "dst.db"
    result = run(db, "import", str(path))
    return result, db


def _nothing_stored_and_readable(db) -> None:
    with Store(db) as store:
        assert store.db["escalations"].count == 0
    for command in (["list"], ["status"], ["metrics"]):
        assert run(db, *command).exit_code == 0, command


@pytest.mark.parametrize("key, bad, expected", [
    ("triage", {"severity": "SEV-9"}, "line 2: triage.severity"),
    ("triage", "not an object", "line 2: triage"),
    ("sla", {"severity": "SEV-1", "policy": "default"}, "line 2: sla."),
    ("sla", {"x": 1}, "line 2: sla."),
    ("policy", {"name": "broken"}, "line 2: policy."),
])
def test_a_bad_triage_sla_or_policy_names_its_line_and_stores_nothing(exported, tmp_path, key, bad, expected):
    exported[1][key] = bad
    result, db = _import_broken(tmp_path, exported)
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    _nothing_stored_and_readable(db)


def test_a_bad_policy_calendar_reference_is_caught(exported, tmp_path):
    exported[0]["policy"]["severities"]["SEV-1"]["calendar"] = "nowhere"
    result, db = _import_broken(tmp_path, exported)
    assert result.exit_code == 2 and "line 1: policy" in result.stderr and "nowhere" in result.stderr
    _nothing_stored_and_readable(db)


def test_a_bad_status_or_time_zone_names_its_line(exported, tmp_path):
    exported[0]["status"] = "sleeping"
    result, db = _import_broken(tmp_path, exported)
    assert result.exit_code == 2 and "line 1: unknown status 'sleeping'" in result.stderr
    exported[0]["status"] = "open"
    exported[1]["timezone"] = "Mars/Olympus"
    result, db = _import_broken(tmp_path, exported)
    assert result.exit_code == 2 and "line 2: timezone" in result.stderr
    _nothing_stored_and_readable(db)


@pytest.mark.parametrize("severity", [None, "", "  "])
def test_a_missing_severity_is_named_missing(tmp_path, severity):
    row = {"id": "X-1", "customer": "Globex", "tier": "standard", "complaint": "Exports fail.", "opened_at": AT}
    if severity is not None:
        row["severity"] = severity
    result, db = _import_broken(tmp_path, [row])
    assert result.exit_code == 2, result.output
    assert result.stderr == "error: line 1: severity is missing: choose one of SEV-1, SEV-2, SEV-3, SEV-4\n"
    _nothing_stored_and_readable(db)


def test_valid_exported_values_still_import(exported, tmp_path):
    result, db = _import_broken(tmp_path, exported)
    assert result.exit_code == 0, result.output
    assert "added 2 escalations" in result.stdout
    assert run(db, "list").exit_code == 0


def _csv(tmp_path, rows: list[list[str]]):
    path = tmp_path / "theirs.csv"
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "customer", "severity", "opened_at", "complaint", "resolved_at", "csat", "outcome"])
        w.writerows(rows)
    return path


def _row(ident: str, csat: str = "", outcome: str = "") -> list[str]:
    return [ident, "Globex", "SEV-2", AT, "Exports fail for everyone", "2026-11-02T15:00:00+00:00", csat, outcome]


@pytest.mark.parametrize("csat, outcome, expected", [
    ("7", "", "line 3: CSAT 7 is outside 1–5"),
    ("0", "", "line 3: CSAT 0 is outside 1–5"),
    ("nan", "", "line 3: CSAT nan is outside 1–5"),
    ("lots", "", "line 3: csat 'lots' is not a number"),
    ("", "happy", "line 3: unknown outcome 'happy': choose retained, churned or at-risk"),
])
def test_csv_csat_and_outcome_are_checked_like_the_commands(tmp_path, csat, outcome, expected):
    path = _csv(tmp_path, [_row("T-1", "5", "retained"), _row("T-2", csat, outcome)])
    db = tmp_path / "c.db"
    result = run(db, "import", str(path))
    assert result.exit_code == 2, result.output
    assert expected in result.stderr
    _nothing_stored_and_readable(db)


def test_the_commands_give_the_same_messages(tmp_path):
    db = tmp_path / "w.db"
    ok(db, "triage", "--text", "Exports fail for everyone.", "--customer", "Globex", "--at", AT)
    csat, outcome = run(db, "csat", "ESC-1", "7"), run(db, "outcome", "ESC-1", "happy")
    assert (csat.exit_code, outcome.exit_code) == (2, 2)
    assert "CSAT 7 is outside 1–5" in csat.stderr
    assert "unknown outcome 'happy': choose retained, churned or at-risk" in outcome.stderr


def test_duplicate_ids_in_a_csv_are_the_same_error_as_in_jsonl(tmp_path, exported):
    path = _csv(tmp_path, [_row("T-1"), _row("T-2"), _row("T-1")])
    db = tmp_path / "c.db"
    result = run(db, "import", str(path))
    assert result.exit_code == 2, result.output
    assert f"id 'T-1' appears twice in {path}" in result.stderr
    _nothing_stored_and_readable(db)
    jsonl = tmp_path / "dup.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in (exported[0], exported[1], exported[0])))
    result = run(tmp_path / "j.db", "import", str(jsonl))
    assert result.exit_code == 2 and f"id '{exported[0]['external_id']}' appears twice in {jsonl}" in result.stderr
