"""Metrics, import and export, checked against independent computation on real status-page data."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from datetime import datetime, timezone

import pytest

from agent import evals, metrics, projection, transfer
from agent.store import Store
from conftest import freeze_clock, ok, run

DATASET = evals.datasets_dir() / "status_incidents_dev.jsonl"
NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
STAGES = ("investigating", "identified", "monitoring", "resolved")


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    if not DATASET.is_file():
        pytest.fail(f"dataset missing: {DATASET} (set ESCALATE_DATASETS)")
    db = tmp_path_factory.mktemp("m") / "history.db"
    result = run(db, "import", str(DATASET))
    assert result.exit_code == 0, result.output
    return db


def independent_stage_means() -> dict[str, dict[str, float]]:
    """Straight from the file with the standard library: per provider, mean minutes between the
    first update of each stage, and from start to the first 'resolved' update."""
    gaps: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for line in DATASET.read_text().splitlines():
        row = json.loads(line)
        first: dict[str, datetime] = {}
        for u in row["updates"]:
            at = datetime.fromisoformat(u["at"])
            if u["stage"] not in first or at < first[u["stage"]]:
                first[u["stage"]] = at
        for a, b in zip(STAGES, STAGES[1:]):
            if a in first and b in first:
                gaps[row["provider"]][f"{a}_to_{b}"].append((first[b] - first[a]).total_seconds() / 60)
        if "resolved" in first:
            gaps[row["provider"]]["time_to_resolution"].append(
                (first["resolved"] - datetime.fromisoformat(row["started_at"])).total_seconds() / 60)
    return {p: {k: sum(v) / len(v) for k, v in d.items()} for p, d in gaps.items()}


def test_imported_stage_times_equal_an_independent_computation(imported):
    expected = independent_stage_means()
    with Store(imported) as store:
        result = metrics.compute(store, now=NOW, by="customer")
    assert set(result["groups"]) == set(expected)
    for provider, means in expected.items():
        stages = result["groups"][provider]["stages"]
        for key, value in means.items():
            assert stages[key]["mean_minutes"] == pytest.approx(value, abs=0.01), (provider, key)


def test_import_is_idempotent(imported):
    again = run(imported, "import", str(DATASET))
    assert again.exit_code == 0
    assert "added 0 escalations with 0 events, 209 already present" in again.stdout
    with Store(imported) as store:
        assert store.db["escalations"].count == 209


def test_import_dry_run_stores_nothing(tmp_path):
    db = tmp_path / "d.db"
    result = run(db, "import", str(DATASET), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "would add 209 escalations" in result.stdout
    with Store(db) as store:
        assert store.db["escalations"].count == 0


def test_a_bad_row_names_its_line_and_stores_nothing(tmp_path):
    lines = DATASET.read_text().splitlines()[:5]
    broken = json.loads(lines[3])
    broken["severity"] = "SEV-9"
    lines[3] = json.dumps(broken)
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(lines) + "\n")
    db = tmp_path / "b.db"
    result = run(db, "import", str(path), "--format", "statuspage")
    assert result.exit_code == 2
    assert "line 4: unknown severity 'SEV-9'" in result.stderr
    with Store(db) as store:
        assert store.db["escalations"].count == 0


def test_export_then_import_reproduces_the_metrics(imported, tmp_path):
    with Store(imported) as store:
        ok(imported, "csat", "ESC-3", "4.5")
        ok(imported, "outcome", "ESC-3", "retained")
        for (month,) in store.db.execute("SELECT DISTINCT month FROM clock_projection").fetchall():
            ok(imported, "tickets", "--period", month, "--count", "5000")
        before = metrics.compute(store, now=NOW, by="severity")
        assert before["overall"]["escalation_rate"]["value"] is not None
        buffer = io.StringIO()
        assert transfer.export(store, "jsonl", buffer) == 209
    path = tmp_path / "all.jsonl"
    path.write_text(buffer.getvalue())
    fresh = tmp_path / "fresh.db"
    assert run(fresh, "import", str(path)).exit_code == 0
    with Store(fresh) as store:
        after = metrics.compute(store, now=NOW, by="severity")
    assert after["overall"] == before["overall"]
    assert after["groups"] == before["groups"]


def test_csv_export_and_import_with_a_column_mapping(imported, tmp_path):
    with Store(imported) as store:
        buffer = io.StringIO()
        transfer.export(store, "csv", buffer)
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    assert len(rows) == 209 and rows[0]["customer"] == "anthropic"
    theirs = tmp_path / "theirs.csv"
    with theirs.open("w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Ticket", "Account", "Priority", "Opened", "Text", "Solved"])
        w.writerow(["T-1", "Globex", "SEV-2", "2026-11-02T10:00:00+00:00", "Exports fail for everyone", "2026-11-02T15:00:00+00:00"])
    db = tmp_path / "c.db"
    result = run(db, "import", str(theirs), "--map", "Ticket=id", "--map", "Account=customer", "--map", "Priority=severity",
                 "--map", "Opened=opened_at", "--map", "Text=complaint", "--map", "Solved=resolved_at")
    assert result.exit_code == 0, result.output
    with Store(db) as store:
        res = metrics.compute(store, now=NOW)
    # 5 h from opening to resolution, within the SEV-2 8 h target.
    assert res["overall"]["resolution"]["SEV-2"] == {"n": 1, "median_minutes": 300.0, "p90_minutes": 300.0,
                                                     "target_minutes": 480, "pass": True}


def test_metrics_on_a_worked_example(tmp_path):
    db = tmp_path / "w.db"
    base = "2026-11-02T09:00:00+00:00"
    for customer, text in (("Acme", "Nobody can log in to the admin console, the whole site is down."),
                           ("Acme", "Nobody can log in to the admin console again, the whole site is down again."),
                           ("Initech", "Exports are slow but we can work around it.")):
        assert run(db, "triage", "--text", text, "--customer", customer, "--at", base).exit_code == 0
    # ESC-1 (SEV-1, 24x7): ack after 10 min (target 15), resolved after 3 h (target 4 h).
    ok(db, "ack", "ESC-1", "--at", "2026-11-02T09:10:00+00:00")
    ok(db, "resolve", "ESC-1", "--at", "2026-11-02T12:00:00+00:00")
    # ESC-2 (SEV-1): ack after 30 min: a breach.
    ok(db, "ack", "ESC-2", "--at", "2026-11-02T09:30:00+00:00")
    # Given before 13:00, the time the metrics are judged at (later ones are not known yet then).
    given = ("--at", "2026-11-02T12:30:00+00:00")
    ok(db, "csat", "ESC-1", "5", *given)
    ok(db, "csat", "ESC-2", "3", *given)
    ok(db, "outcome", "ESC-1", "retained", *given)
    ok(db, "outcome", "ESC-2", "at-risk", *given)
    ok(db, "tickets", "--period", "2026-11", "--count", "100")
    data = json.loads(ok(db, "metrics", "--json", "--now", "2026-11-02T13:00:00+00:00"))
    o = data["overall"]
    assert o["escalations"] == 3
    assert o["first_response"]["SEV-1"]["median_minutes"] == 20.0  # median of 10 and 30
    assert o["first_response"]["SEV-1"]["pass"] is False  # 20 > 15
    assert o["csat"]["value"] == 4.0 and o["csat"]["pass"] is True
    assert o["recovery_success"]["value"] == 0.5 and o["recovery_success"]["pass"] is False
    assert o["escalation_rate"]["value"] == 0.03 and o["escalation_rate"]["pass"] is True
    # ESC-2 repeats ESC-1 (same customer, similar complaint, within 90 days).
    assert o["repeat_rate"]["value"] == round(1 / 3, 3)
    # Targets judged at 13:00: ESC-1 first response met, resolution met, but its update interval
    # 09:10 → resolved 12:00 ran over the 30 min cadence (missed); ESC-2 first response breached,
    # its running update interval overdue since 10:00, its resolution (due 13:00) still pending;
    # ESC-3 (SEV-3, business hours from Mon 09:00) first response due 13:00: not yet judged.
    # 2 met of 5 judged.
    assert o["sla_compliance"] == {"value": 0.4, "n": 5, "target": ">= 95 %", "pass": False}
    text = ok(db, "metrics", "--by", "severity", "--now", "2026-11-02T13:00:00+00:00")
    assert "severity = SEV-1" in text and "FAIL" in text


def test_tickets_period_is_validated(tmp_path):
    result = run(tmp_path / "t.db", "tickets", "--period", "Nov 2026", "--count", "5")
    assert result.exit_code == 2 and "use YYYY-MM" in result.stderr


def test_chart_without_matplotlib_names_the_extra(imported, tmp_path, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_matplotlib(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    result = run(imported, "metrics", "--chart", str(tmp_path / "c.png"))
    assert result.exit_code == 2
    assert "escalation-handler[chart]" in result.stderr


def test_status_report_lists_open_escalations_and_what_breached_since_the_last(tmp_path):
    db = tmp_path / "r.db"
    assert run(db, "triage", "--text", "Nobody can log in, the whole site is down.", "--customer", "Acme | Co",
               "--at", "2026-11-02T09:00:00+00:00").exit_code == 0
    first = run(db, "report", "status")
    assert first.exit_code == 0
    text = first.stdout
    assert "1 open escalation(s): SEV-1 1." in text
    assert "| ESC-1 | SEV-1 | Acme \\| Co |" in text
    assert "(BREACHED)" in text and "## Breached now (" in text
    assert "- ESC-1 Acme | Co: first response target passed at 09:15 UTC on Mon 2 Nov 2026\n" in text
    assert "First report: every breach above is new." in text
    second = run(db, "report", "status", "--out", str(tmp_path / "s.md"))
    assert second.exit_code == 0
    again = (tmp_path / "s.md").read_text()
    # The table still says BREACHED, and so does the list: the same breach, no longer new.
    assert "(BREACHED)" in again
    assert "- ESC-1 Acme | Co: first response target passed at 09:15 UTC on Mon 2 Nov 2026\n" in again
    assert "(new since the last report)" not in again
    assert "Breached since the last report (" in again and "): 0" in again


def test_chart_is_a_png_of_compliance_and_resolution_time(imported, tmp_path):
    path = tmp_path / "chart.png"
    result = run(imported, "metrics", "--chart", str(path), "--now", NOW.isoformat())
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.stderr
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def _opened(db, text: str, customer: str, at: str) -> None:
    ok(db, "triage", "--text", text, "--customer", customer, "--at", at)


DOWN = "Nobody can log in to the admin console, the whole site is down."


def test_metrics_now_in_the_past_does_not_poison_the_projection(tmp_path, monkeypatch):
    freeze_clock(monkeypatch)  # Thu 26 Nov 12:00 UTC
    db = tmp_path / "p.db"
    _opened(db, DOWN, "Acme", "2026-11-02T09:00:00+00:00")
    ok(db, "ack", "ESC-1", "--at", "2026-11-02T09:10:00+00:00")
    ok(db, "resolve", "ESC-1", "--at", "2026-11-02T12:00:00+00:00")
    ok(db, "csat", "ESC-1", "5", "--at", "2026-11-02T12:30:00+00:00")
    ok(db, "outcome", "ESC-1", "retained", "--at", "2026-11-02T12:30:00+00:00")
    past = json.loads(ok(db, "metrics", "--json", "--now", "2026-11-02T10:00:00+00:00"))["overall"]
    # At 10:00 the acknowledgement had happened, the resolution, CSAT and outcome had not.
    assert past["first_response"]["SEV-1"]["n"] == 1
    assert past["resolution"] == {}
    assert past["csat"]["value"] is None and past["recovery_success"]["value"] is None
    # Judged: the first response, and the update interval 09:10 → 12:00 (closed update intervals are
    # counted as projected, at the real time); the resolution (met at 12:00) is still pending.
    assert past["sla_compliance"]["n"] == 2
    with Store(db) as store:
        (projected_at,) = store.db.execute("SELECT projected_at FROM clock_projection").fetchone()
    assert projected_at == "2026-11-26T12:00:00+00:00"  # agent.store.now(), not the wall clock
    later = json.loads(ok(db, "metrics", "--json"))["overall"]
    assert later["resolution"]["SEV-1"]["n"] == 1 and later["resolution"]["SEV-1"]["median_minutes"] == 180.0
    assert later["csat"]["value"] == 5.0 and later["recovery_success"]["value"] == 1.0


def test_a_paused_clock_is_not_counted_as_breached(tmp_path, monkeypatch):
    freeze_clock(monkeypatch, datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc))
    db = tmp_path / "p.db"
    _opened(db, DOWN, "Acme", "2026-11-02T09:00:00+00:00")
    ok(db, "ack", "ESC-1", "--at", "2026-11-02T09:10:00+00:00")
    ok(db, "pause", "ESC-1", "--reason", "waiting for the customer's logs", "--at", "2026-11-02T09:20:00+00:00")
    with Store(db) as store:
        first = metrics.compute(store, now=datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc))
    # A week later, still paused and nothing appended: the projection is not recomputed, yet the
    # resolution and update deadlines move with the pause, so they are not overdue.
    later = datetime(2026, 11, 9, 9, 30, tzinfo=timezone.utc)
    freeze_clock(monkeypatch, later)
    with Store(db) as store:
        result = metrics.compute(store, now=later)
    assert result["overall"]["sla_compliance"] == first["overall"]["sla_compliance"]
    assert result["overall"]["sla_compliance"]["value"] == 1.0
    with Store(db) as store:
        assert store.db.execute("SELECT paused FROM clock_projection").fetchone() == (1,)


def test_times_are_grouped_by_the_severity_they_were_judged_under(tmp_path, monkeypatch):
    freeze_clock(monkeypatch)
    db = tmp_path / "s.db"
    _opened(db, "Exports are slow but we can work around it.", "Initech", "2026-11-02T09:00:00+00:00")
    with Store(db) as store:
        (opened_as,) = store.db.execute("SELECT severity FROM escalations").fetchone()
    ok(db, "ack", "ESC-1", "--at", "2026-11-02T09:20:00+00:00")
    ok(db, "severity", "ESC-1", "SEV-1", "--reason", "it got worse", "--at", "2026-11-02T10:00:00+00:00")
    assert opened_as != "SEV-1"
    overall = json.loads(ok(db, "metrics", "--json"))["overall"]
    # The acknowledgement was judged under the opening severity, with its target.
    assert list(overall["first_response"]) == [opened_as]
    with Store(db) as store:
        row = store.db.execute("SELECT severity, first_response_severity, first_response_target FROM clock_projection"
                               ).fetchone()
    assert row[:2] == ("SEV-1", opened_as)
    assert overall["first_response"][opened_as]["target_minutes"] == row[2]


def test_repeat_flags_and_since_compare_instants_not_text(tmp_path, monkeypatch):
    freeze_clock(monkeypatch)
    db = tmp_path / "r.db"
    # ESC-1 09:00 UTC; ESC-2 10:30+05:00 = 05:30 UTC, earlier, though its text sorts later.
    _opened(db, DOWN, "Acme", "2026-11-02T09:00:00+00:00")
    _opened(db, DOWN, "Acme", "2026-11-02T10:30:00+05:00")
    # 01:00+05:00 on 1 Nov is 20:00 UTC on 31 Oct: before --since 2026-11-01.
    _opened(db, "Exports are slow but we can work around it.", "Initech", "2026-11-01T01:00:00+05:00")
    with Store(db) as store:
        assert projection.repeat_flags(store.db, [1, 2]) == {1: True, 2: False}
        result = metrics.compute(store, now=datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc), since="2026-11-01")
        assert result["overall"]["escalations"] == 2
        until = metrics.compute(store, now=datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc), until="2026-11-01")
        assert until["overall"]["escalations"] == 1


def test_p90_is_the_nearest_rank():
    assert metrics._p90(list(range(1, 11))) == 9  # ceil(0.9 * 10) = 9th value
    assert metrics._p90(list(range(1, 21))) == 18
    assert metrics._p90([7.0]) == 7.0
    assert metrics._p90([3, 1, 2]) == 3


def test_stage_times_read_the_events_once_and_chart_reuses_the_rows(imported, tmp_path, monkeypatch):
    statements: list[str] = []
    with Store(imported) as store:
        store.db.conn.set_trace_callback(statements.append)
        result = metrics.compute(store, now=NOW, by="customer")
        store.db.conn.set_trace_callback(None)
    assert len(result["groups"]) > 1
    assert sum("kind = 'stage'" in sql for sql in statements) == 1
    calls = []
    real = metrics._rows
    monkeypatch.setattr(metrics, "_rows", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = run(imported, "metrics", "--chart", str(tmp_path / "c.png"), "--now", NOW.isoformat())
    assert result.exit_code == 0, result.output
    assert len(calls) == 1


def test_grouping_by_an_unknown_dimension_is_a_usage_error_naming_the_choices(db_path):
    from datetime import datetime, timezone

    from agent import metrics
    from agent.errors import UsageError
    from agent.store import Store

    with Store(db_path) as store:
        with pytest.raises(UsageError, match="cannot group metrics by 'planet': choose one of severity, type, customer, owner, tier, month"):
            metrics.compute(store, now=datetime(2026, 12, 1, tzinfo=timezone.utc), by="planet")
        assert metrics.compute(store, now=datetime(2026, 12, 1, tzinfo=timezone.utc), by="tier")["by"] == "tier"
