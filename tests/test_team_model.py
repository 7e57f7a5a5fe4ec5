"""`escalate model train --from-db`, `model show`, `model eval`: a team model from the database's own history."""

from __future__ import annotations

import pytest
from conftest import run

from agent.engines.offline import OfflineEngine
from agent.model import linear
from agent.policy import default_policy
from agent.store import Store
from agent.triage import triage_complaint

pytest.importorskip("sklearn")
POLICY = default_policy()
OUTAGE = "Since this morning none of our {n} warehouse staff can log in, the whole portal is down."
TYPO = "There is a small typo on invoice {n}: 'Recieved' instead of 'Received'."


def closed_history(db_path, n: int) -> None:
    with Store(db_path) as store:
        for i in range(n):
            text = (OUTAGE if i % 2 else TYPO).format(n=i + 10)
            triage_complaint(text=text, customer=f"C{i}", tier="standard", store=store, engine=OfflineEngine(POLICY),
                             policy=POLICY)
        store.db.execute("UPDATE escalations SET status = 'closed'")
        store.db.conn.commit()


def test_too_few_closed_escalations_says_how_many_it_needs(tmp_path):
    db = tmp_path / "team.db"
    closed_history(db, 29)
    result = run(db, "model", "train", "--from-db")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: the team model needs at least 30 closed escalations; this database has 29: "
                                     "close more (or keep using the shipped model)")
    assert not linear.team_model_path(db).exists()


def test_a_team_model_is_trained_stored_beside_the_database_and_put_in_force(tmp_path):
    db = tmp_path / "team.db"
    closed_history(db, 30)
    before = run(db, "model", "show")
    assert before.exit_code == 0 and before.stdout.startswith("in force: shipped\n")
    trained = run(db, "model", "train", "--from-db")
    assert trained.exit_code == 0, trained.output
    path = linear.team_model_path(db)
    assert path == tmp_path / "team.model.json.gz" and path.exists()
    assert "from 30 closed escalations" in trained.stdout
    shown = run(db, "model", "show")
    assert shown.stdout.startswith(f"in force: {path}\n")
    with Store(db) as store:
        esc = triage_complaint(text=OUTAGE.format(n=99), customer="New", tier="standard", store=store,
                               engine=OfflineEngine(POLICY), policy=POLICY)
    assert esc.triage.model.source == str(path)


def test_model_eval_compares_team_shipped_and_majority_on_the_same_folds(tmp_path):
    db = tmp_path / "team.db"
    closed_history(db, 30)
    result = run(db, "model", "eval")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "30 closed escalations, 5-fold cross-validation (same folds for each):"
    assert [line.split()[0] for line in lines[2:]] == ["shipped", "team", "team+shipped", "majority"]


def test_a_team_model_reads_the_same_through_its_columns_in_a_long_run(tmp_path):
    db = tmp_path / "team.db"
    closed_history(db, 30)
    assert run(db, "model", "train", "--from-db").exit_code == 0
    path = linear.team_model_path(db)
    from agent.model.team import load_team

    slow, fast = load_team(path), load_team(path)
    fast.reads = linear.FAST_AFTER  # the next read is past the threshold
    for text in (OUTAGE.format(n=7), TYPO.format(n=8), "Our payroll export lost every record from March."):
        slow.reads = 0
        a, b = slow.read(text), fast.read(text)
        assert fast._columns is not None and slow._columns is None
        assert b.severity == pytest.approx(a.severity, abs=1e-9) and b.type == a.type and b.source == str(path)


def test_a_team_model_in_a_batch_worker_reads_the_same_with_its_heads_released(tmp_path, monkeypatch):
    db = tmp_path / "team.db"
    closed_history(db, 30)
    assert run(db, "model", "train", "--from-db").exit_code == 0
    from agent.model.team import load_team

    path = linear.team_model_path(db)
    whole, lean = load_team(path), load_team(path)
    whole.expect_many()
    monkeypatch.setattr(linear, "_CACHE", {str(linear.SHIPPED): linear.LinearModel.load(linear.SHIPPED)})
    lean.expect_many(release=True)  # its own heads and the shipped model's (a fresh copy here)
    for text in (OUTAGE.format(n=7), TYPO.format(n=8), "Our payroll export lost every record from March."):
        a, b = whole.read(text), lean.read(text)
        assert b.severity == pytest.approx(a.severity, abs=1e-9) and b.type == a.type
