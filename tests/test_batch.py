"""Batch triage (`escalate triage --batch`): every row stored like a single triage, idempotent by
external id, bad rows named by line, presets, the summary, interrupts and the Claude batch path."""

from __future__ import annotations

import csv
import json
import os
import sys
from datetime import datetime, timezone

import pytest

from agent import batch, intake, similar
from agent.engines import EngineResult
from agent.engines.offline import OfflineEngine
from agent.errors import EngineError, UsageError
from agent.store import Store
from agent.triage import triage_complaint
from conftest import EXAMPLES, run

OUTAGE = (EXAMPLES / "login-outage.txt").read_text()
TYPO = "There is a typo on the invoice page footer, 'recieve' instead of 'receive'. Not urgent at all."
SLOW = "The CSV export has been slow since Monday, about 5 minutes instead of 30 seconds. We use the API as a workaround."
OPENED = "2026-11-25T09:00:00+00:00"


def jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def row(i, text=OUTAGE, **extra):
    return {"id": f"T-{i}", "customer": f"Customer {i}", "complaint": text, "opened_at": OPENED, **extra}


def options(**kw):
    return batch.Options(workers=1, **kw)


def test_each_row_is_stored_exactly_as_a_single_triage_stores_it(tmp_path, policy):
    """Same judgement, SLA plan, routing, owner and acknowledgment (the drafts compare word for word)."""
    texts = [OUTAGE, TYPO, SLOW]
    path = jsonl(tmp_path / "in.jsonl", [row(i, t, tier="enterprise", contact="Dana") for i, t in enumerate(texts)])
    engine = OfflineEngine(policy)
    with Store(tmp_path / "batch.db") as b, Store(tmp_path / "single.db") as s:
        summary = batch.run(b, str(path), engine=engine, policy=policy, options=options())
        assert summary.stored == 3 and not summary.refused
        for i, text in enumerate(texts, 1):
            single = triage_complaint(text=text, customer=f"Customer {i - 1}", tier="enterprise", contact="Dana",
                                      store=s, engine=engine, policy=policy,
                                      at=datetime.fromisoformat(OPENED))
            got = b.get(i)
            assert (got.severity, got.type, got.owner, got.summary) == (single.severity, single.type, single.owner, single.summary)
            assert got.triage == single.triage
            assert got.sla == single.sla
            assert got.drafts["acknowledgment"] == single.drafts["acknowledgment"]
            assert [e.kind for e in got.events] == [e.kind for e in single.events]
        assert b.db.execute("SELECT external_id FROM escalations ORDER BY id").fetchall() == [("T-0",), ("T-1",), ("T-2",)]


def test_two_worker_processes_store_what_one_process_stores(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(i, t) for i, t in enumerate([OUTAGE, TYPO, SLOW] * 4)])
    engine = OfflineEngine(policy)
    with Store(tmp_path / "one.db") as one, Store(tmp_path / "two.db") as two:
        batch.run(one, str(path), engine=engine, policy=policy, options=batch.Options(workers=1, chunk=5))
        batch.run(two, str(path), engine=engine, policy=policy, options=batch.Options(workers=2, chunk=5))
        for number in range(1, 13):
            a, b = one.get(number), two.get(number)
            assert (a.severity, a.triage, a.drafts) == (b.severity, b.triage, b.drafts)


def test_a_rerun_adds_nothing(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(i) for i in range(3)])
    with Store(tmp_path / "x.db") as store:
        first = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        again = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        assert (first.stored, first.skipped) == (3, 0)
        assert (again.stored, again.skipped, again.read) == (0, 3, 3)
        assert store.db.execute("SELECT count(*) FROM escalations").fetchone()[0] == 3
        assert store.db.execute("SELECT count(*) FROM drafts").fetchone()[0] == 3


def test_a_bad_row_is_named_by_line_and_the_rest_are_stored(tmp_path, policy):
    lines = [json.dumps(row(0)), "{not json", json.dumps(row(2, customer="")), json.dumps(row(3, text="   ")),
             json.dumps(row(4, opened_at="yesterday")), json.dumps(row(5, tier="platinum")), json.dumps(row(0)),
             json.dumps(row(7, text=TYPO))]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with Store(tmp_path / "x.db") as store:
        s = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        reasons = {r.line: r.reason for r in s.refused}
        assert s.stored == 2 and s.read == 8
        assert set(reasons) == {2, 3, 4, 5, 6, 7}
        assert reasons[2].startswith("not JSON")
        assert "no customer" in reasons[3]
        assert "complaint is empty" in reasons[4]
        assert reasons[5].startswith("opened_at: 'yesterday' is not a time")
        assert "unknown tier 'platinum'" in reasons[6]
        assert reasons[7] == "the id appears earlier in the file"
        assert {r[0] for r in store.db.execute("SELECT external_id FROM escalations")} == {"T-0", "T-7"}


def test_strict_stops_at_the_first_bad_row_keeping_the_rows_before_it(tmp_path, policy, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0), row(1, tier="platinum"), row(2)])
    result = run(db_path, "triage", "--batch", str(path), "--strict", "--engine", "offline")
    assert result.exit_code == 2
    assert "stopped at line 2 (T-1): unknown tier 'platinum'" in result.stderr
    with Store(db_path) as store:
        assert [r[0] for r in store.db.execute("SELECT external_id FROM escalations")] == ["T-0"]


def test_strict_keeps_the_rows_before_a_row_refused_as_it_is_read(tmp_path, policy, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0), row(1, text=TYPO), {**row(2), "id": ""}, row(3)])
    result = run(db_path, "triage", "--batch", str(path), "--strict", "--engine", "offline")
    assert result.exit_code == 2
    assert "stopped at line 3: no id (column 'id' is empty) (--strict); the 2 rows before it are stored" in result.stderr
    with Store(db_path) as store:
        assert [r[0] for r in store.db.execute("SELECT external_id FROM escalations ORDER BY id")] == ["T-0", "T-1"]
    one = jsonl(tmp_path / "one.jsonl", [row(5), {**row(6), "id": ""}])
    assert "the 1 row before it is stored" in run(db_path, "triage", "--batch", str(one), "--strict", "--engine", "offline").stderr


def test_the_jira_preset_takes_the_reporter_on_a_row_with_no_organization(tmp_path, policy):
    path = tmp_path / "jira.csv"
    path.write_text("Issue key,Summary,Description,Organizations,Reporter,Created\n"
                    "J-1,Login down,Nobody can log in,,Ann Lee,25/Nov/26 9:41 AM\n"
                    "J-2,Export slow,Export takes an hour,Acme,Bo Chan,25/Nov/26 9:42 AM\n"
                    "J-3,Blank,Nothing works,,,25/Nov/26 9:43 AM\n", encoding="utf-8")
    parsed = list(intake.rows(path, preset="jira"))
    assert [(r.external_id, r.customer) for r in parsed[:2]] == [("J-1", "Ann Lee"), ("J-2", "Acme")]
    assert parsed[2].reason == "no customer (column 'Organizations' or 'Reporter' is empty)"


def test_a_line_separator_inside_a_json_string_is_part_of_its_row(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(row(0, text="Export fails\u2028since 9am\u0085for everyone"), ensure_ascii=False) + "\n"
                    + json.dumps(row(1, text=TYPO)) + "\r\n", encoding="utf-8")
    parsed = list(intake.rows(path))
    assert [type(r).__name__ for r in parsed] == ["Intake", "Intake"]
    assert parsed[0].complaint == "Export fails\u2028since 9am\u0085for everyone" and parsed[1].line == 2


def test_a_quote_left_open_is_refused_at_its_line_and_swallows_no_row_unsaid(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text('id,customer,complaint\nQ-1,Acme,login broken\nQ-2,Beta,"export is slow\nQ-3,Gamma,invoice wrong\n'
                    'Q-4,Delta,dashboard down\n', encoding="utf-8")
    parsed = list(intake.rows(path))
    assert parsed[0].external_id == "Q-1" and len(parsed) == 2
    assert parsed[1].line == 3 and parsed[1].reason == "a quote opened here is never closed: the rest of the file, to line 5, is inside it"
    bad = tmp_path / "bad.csv"
    bad.write_text('id,customer,complaint\nB-1,Acme,"login" broken\nB-2,Beta,export is slow\n', encoding="utf-8")
    parsed = list(intake.rows(bad))
    assert parsed[0].line == 2 and parsed[0].reason.startswith("not CSV (") and parsed[1].external_id == "B-2"


def test_a_deeply_nested_row_and_a_cell_past_the_csv_cap_are_refused_and_the_rest_stored(tmp_path, policy):
    deep = tmp_path / "deep.jsonl"
    deep.write_text(json.dumps(row(0)) + "\n" + '{"id": "D-1", "customer": "Acme", "complaint": "x", "x": '
                    + "[" * 15000 + "]" * 15000 + "}\n", encoding="utf-8")
    huge = tmp_path / "huge.csv"
    with huge.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerows([["id", "customer", "complaint"], ["H-1", "Acme", "login broken"], ["H-2", "Acme", "x" * 140_000]])
    for path, refusal in ((deep, "nested too deep to read"), (huge, "a cell is over 131,072 characters, past the 100,000 limit of a row")):
        with Store(tmp_path / f"{path.stem}.db") as store:
            s = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
            assert (s.stored, [r.reason for r in s.refused]) == (1, [refusal])


@pytest.mark.parametrize("encoding,said", [("base64", "'base64' is not a text encoding"), ("rot13", "'rot13' is not a text encoding"),
                                           ("klingon", "unknown encoding 'klingon'")])
def test_an_encoding_that_reads_no_text_is_one_clear_line(tmp_path, db_path, encoding, said):
    path = jsonl(tmp_path / "in.jsonl", [row(0)])
    result = run(db_path, "triage", "--batch", str(path), "--encoding", encoding, "--engine", "offline")
    assert result.exit_code == 2 and said in result.stderr and "unexpected" not in result.stderr


def test_a_row_over_the_size_limit_is_refused_and_nothing_of_it_is_stored(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(0), row(1, text="x " * (intake.MAX_ROW_CHARS // 2 + 1)), row(2, text=TYPO)])
    with Store(tmp_path / "x.db") as store:
        s = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        assert [r.line for r in s.refused] == [2]
        assert s.refused[0].reason.endswith("characters, over the 100,000 limit")
        assert store.db.execute("SELECT count(*) FROM escalations WHERE external_id = 'T-1'").fetchone()[0] == 0
        assert s.stored == 2


def test_a_complaint_over_the_policy_limit_is_refused_with_the_limit(tmp_path, policy):
    policy = policy.model_copy(update={"max_complaint_chars": 5000})
    path = jsonl(tmp_path / "in.jsonl", [row(0, text="a " * 2500 + "b")])
    with Store(tmp_path / "x.db") as store:
        s = batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        assert s.stored == 0 and "over the" in s.refused[0].reason and "max_complaint_chars" in s.refused[0].reason


def test_summary_counts_and_lists_sev1_and_sev2_first_with_deadlines(tmp_path, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0, TYPO), row(1, OUTAGE, tier="enterprise"), row(2, SLOW)])
    result = run(db_path, "triage", "--batch", str(path), "--engine", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["stored"], summary["already_present"], summary["refused"]) == (3, 3, 0, [])
    assert sum(summary["by_severity"].values()) == 3 and sum(summary["by_type"].values()) == 3
    urgent = summary["urgent"]
    assert [u["external_id"] for u in urgent] == ["T-1"]
    assert urgent[0]["severity"] == "SEV-1"
    assert urgent[0]["first_response_due"] == "2026-11-25T09:15:00+00:00"  # 15 minutes for SEV-1
    assert list(urgent[0]) == ["id", "external_id", "customer", "severity", "type", "summary", "first_response_due",
                               "resolution_due", "timezone"]
    assert (urgent[0]["id"], urgent[0]["customer"], urgent[0]["resolution_due"], urgent[0]["timezone"]) == (
        "ESC-2", "Customer 1", "2026-11-25T13:00:00+00:00", "UTC")
    text = run(db_path, "triage", "--batch", str(path), "--engine", "offline").stdout
    assert text.startswith(f"{path}: 3 rows read, 0 stored, 3 already present, 0 refused")


def test_cli_text_summary_lists_urgent_rows_and_refusals(tmp_path, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0, OUTAGE, tier="enterprise"), row(1, customer="")])
    out = run(db_path, "triage", "--batch", str(path), "--engine", "offline").stdout
    assert "SEV-1/2 (1), respond by:" in out
    assert "ESC-1 SEV-1 Customer 0 [T-0] first response by 09:15 UTC on Wed 25 Nov 2026, resolve by " in out
    assert "refused (1):\n  line 2 (T-1): no customer (column 'customer' is empty)" in out


# -- CSV, mapping and presets -----------------------------------------------------------------


def write_csv(path, header, rows, encoding="utf-8"):
    with path.open("w", newline="", encoding=encoding) as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_csv_with_column_mapping(tmp_path, db_path):
    path = write_csv(tmp_path / "t.csv", ["Ticket", "Account", "Body", "When"],
                     [["A-1", "Acme", OUTAGE, "2026-11-25 09:00"], ["A-2", "Beta", TYPO, "2026-11-25 10:00"]])
    result = run(db_path, "triage", "--batch", str(path), "--engine", "offline", "--json",
                 "--map", "Ticket=id", "--map", "Account=customer", "--map", "Body=complaint", "--map", "When=opened_at")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stored"] == 2
    with Store(db_path) as store:
        rows = store.db.execute("SELECT external_id, customer, opened_at FROM escalations ORDER BY id").fetchall()
    assert rows == [("A-1", "Acme", "2026-11-25T09:00:00+00:00"), ("A-2", "Beta", "2026-11-25T10:00:00+00:00")]


@pytest.mark.parametrize("preset, header, values, expected_time", [
    ("zendesk", ["Id", "Subject", "Description", "Requester", "Organization", "Created at"],
     ["4012", "Nobody can log in", OUTAGE, "Dana Fox", "Acme", "2026-11-25 09:00:00 +0000"], "2026-11-25T09:00:00+00:00"),
    ("freshdesk", ["Ticket ID", "Subject", "Description", "Full name", "Company Name", "Created time"],
     ["77", "Nobody can log in", OUTAGE, "Dana Fox", "Acme", "2026-11-25 10:00:00"], "2026-11-25T10:00:00+00:00"),
    ("jira", ["Summary", "Issue key", "Description", "Reporter", "Organizations", "Created"],
     ["Nobody can log in", "SUP-9", OUTAGE, "Dana Fox", "Acme", "25/Nov/26 9:41 AM"], "2026-11-25T09:41:00+00:00"),
    ("intercom", ["Conversation ID", "Title", "First message", "User name", "Company name", "Created at"],
     ["215", "Nobody can log in", OUTAGE, "Dana Fox", "Acme", "1795597200"], "2026-11-25T09:00:00+00:00"),
])
def test_presets_map_each_helpdesks_export_columns(tmp_path, db_path, preset, header, values, expected_time):
    path = write_csv(tmp_path / f"{preset}.csv", header, [values])
    result = run(db_path, "triage", "--batch", str(path), "--from", preset, "--engine", "offline", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stored"] == 1
    with Store(db_path) as store:
        esc = store.get(1)
        (ext, opened) = store.db.execute("SELECT external_id, opened_at FROM escalations").fetchone()
    assert (esc.customer, esc.contact, ext, opened) == ("Acme", "Dana Fox", values[header.index(
        {"zendesk": "Id", "freshdesk": "Ticket ID", "jira": "Issue key", "intercom": "Conversation ID"}[preset])], expected_time)
    assert esc.complaint.startswith("Nobody can log in\n\n")
    assert esc.severity.value == "SEV-1"


def test_unknown_preset_is_one_line_and_exit_2(tmp_path, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0)])
    result = run(db_path, "triage", "--batch", str(path), "--from", "servicenow")
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: unknown preset 'servicenow': choose one of zendesk, freshdesk, jira, intercom "
                                     "(or map columns with --map)")


def test_missing_required_column_names_it_and_the_mapping_option(tmp_path, db_path):
    path = write_csv(tmp_path / "t.csv", ["id", "Account", "complaint"], [["1", "Acme", OUTAGE]])
    result = run(db_path, "triage", "--batch", str(path))
    assert result.exit_code == 2
    assert result.stderr.startswith("error: missing required column 'customer': the file has 'id', 'Account', 'complaint'; "
                                    "map one with --map \"Their Column=customer\"")
    assert len(result.stderr.strip().splitlines()) == 1
    with Store(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM escalations").fetchone()[0] == 0


def test_a_file_in_another_encoding_needs_encoding(tmp_path, db_path):
    path = write_csv(tmp_path / "t.csv", ["id", "customer", "complaint"], [["1", "Café Müller", OUTAGE + " – é"]],
                     encoding="cp1252")
    result = run(db_path, "triage", "--batch", str(path))
    assert result.exit_code == 2
    assert "is not valid utf-8" in result.stderr and "--encoding cp1252" in result.stderr
    ok = run(db_path, "triage", "--batch", str(path), "--encoding", "cp1252", "--json")
    assert ok.exit_code == 0, ok.stderr
    with Store(db_path) as store:
        assert store.get(1).customer == "Café Müller"


def test_batch_refuses_single_triage_options(tmp_path, db_path):
    path = jsonl(tmp_path / "in.jsonl", [row(0)])
    result = run(db_path, "triage", "--batch", str(path), "--customer", "Acme")
    assert result.exit_code == 2 and "--batch reads every field from the file" in result.stderr
    lone = run(db_path, "triage", "--text", "x", "--customer", "Acme", "--from", "zendesk")
    assert lone.exit_code == 2 and "go with --batch FILE" in lone.stderr


def test_times_in_the_helpdesks_formats(tmp_path):
    assert intake.parse_time("28/Nov/26 9:41 PM", "Europe/Berlin").isoformat() == "2026-11-28T21:41:00+01:00"
    assert intake.parse_time("2026-11-28T09:00:00Z", "UTC").isoformat() == "2026-11-28T09:00:00+00:00"
    assert intake.parse_time("1795597200", "UTC") == datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    assert intake.parse_time("1795597200000", "UTC") == datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)
    with pytest.raises(ValueError, match="in the future"):
        intake.parse_time("2999-01-01T00:00:00+00:00", "UTC")
    with pytest.raises(ValueError, match="unknown time zone"):
        intake.parse_time("2026-11-28 09:00", "Mars/Olympus")


def test_a_naive_time_is_read_in_the_rows_timezone(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(0, opened_at="2026-11-25 09:00", timezone="America/New_York")])
    with Store(tmp_path / "x.db") as store:
        batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        esc = store.get(1)
    assert esc.opened_at.isoformat() == "2026-11-25T09:00:00-05:00"
    assert esc.sla.timezone == "America/New_York"


# -- interrupts --------------------------------------------------------------------------------


def test_ctrl_c_keeps_whole_chunks_and_the_same_command_resumes(tmp_path, policy, db_path, monkeypatch):
    path = jsonl(tmp_path / "in.jsonl", [row(i, [OUTAGE, TYPO, SLOW][i % 3]) for i in range(6)])
    real = Store._insert_draft
    calls = {"n": 0}

    def interrupted(self, *args, **kw):
        calls["n"] += 1
        if calls["n"] == 4:  # inside the second chunk's transaction, after one of its rows was written
            raise KeyboardInterrupt
        return real(self, *args, **kw)

    monkeypatch.setattr(Store, "_insert_draft", interrupted)
    monkeypatch.setattr(batch, "CHUNK", 2)
    result = run(db_path, "triage", "--batch", str(path), "--engine", "offline")
    assert result.exit_code == 130
    assert ("interrupted: 2 stored before the stop; run the same command again to resume "
            "(rows already stored are skipped)") in result.stderr
    with Store(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM escalations").fetchone()[0] == 2  # the second chunk rolled back
        assert store.db.execute("SELECT count(*) FROM events WHERE escalation_id > 2").fetchone()[0] == 0
    monkeypatch.setattr(Store, "_insert_draft", real)
    again = run(db_path, "triage", "--batch", str(path), "--engine", "offline", "--json")
    done = json.loads(again.stdout)
    with Store(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM escalations").fetchone()[0] == 6
        assert store.db.execute("SELECT count(DISTINCT external_id) FROM escalations").fetchone()[0] == 6
    assert (done["stored"], done["already_present"]) == (4, 2)


def test_the_first_ctrl_c_finishes_the_chunk_in_hand_then_stops(tmp_path, db_path, monkeypatch):
    import os
    import signal

    path = jsonl(tmp_path / "in.jsonl", [row(i, [OUTAGE, TYPO, SLOW][i % 3]) for i in range(6)])
    real = Store._insert_draft
    calls = {"n": 0}

    def pressed(self, *args, **kw):
        calls["n"] += 1
        if calls["n"] == 3:  # while the second chunk is being written
            os.kill(os.getpid(), signal.SIGINT)
        return real(self, *args, **kw)

    monkeypatch.setattr(Store, "_insert_draft", pressed)
    monkeypatch.setattr(batch, "CHUNK", 2)
    result = run(db_path, "triage", "--batch", str(path), "--engine", "offline")
    assert result.exit_code == 130
    assert "interrupted: 4 stored before the stop" in result.stderr
    with Store(db_path) as store:
        assert store.db.execute("SELECT count(*) FROM escalations").fetchone()[0] == 4
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the handler is put back


# -- the Claude path: one message batch per chunk ------------------------------------------------


class FakeBatchEngine:
    """Stands in for AnthropicEngine.triage_batch: answers with the offline engine, fails some rows."""

    name, model = "anthropic", "claude-test"

    def __init__(self, policy, fail: set[int]):
        self.offline, self.fail, self.seen = OfflineEngine(policy), fail, []

    def triage(self, request, signals):
        raise AssertionError("a batch never calls triage one by one")

    def triage_batch(self, requests, signals=None, *, sleep=None, **_):
        from agent.signals import Signals

        self.seen.append([r.customer for r in requests])
        sleep and sleep(0)
        out = []
        for i, r in enumerate(requests):
            if i in self.fail:
                out.append(EngineError("the batch request errored: overloaded_error: busy", []))
            else:
                answer = self.offline.triage(r, Signals.read(r.complaint, r.tier)).answer
                out.append(EngineResult(answer=answer, engine="anthropic", model=self.model))
        return out


def test_anthropic_rows_go_through_one_message_batch_and_failures_fall_back_per_row(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(0, OUTAGE), row(1, customer=""), row(2, TYPO), row(3, SLOW)])
    engine = FakeBatchEngine(policy, fail={1})
    with Store(tmp_path / "x.db") as store:
        s = batch.run(store, str(path), engine=engine, policy=policy, options=options())
        assert engine.seen == [["Customer 0", "Customer 2", "Customer 3"]]  # the refused row is not sent
        assert s.stored == 3 and [r.line for r in s.refused] == [2]
        engines = dict(store.db.execute("SELECT external_id, engine FROM escalations").fetchall())
        assert engines == {"T-0": "anthropic", "T-2": "offline", "T-3": "anthropic"}
        assert s.fallbacks == [{"line": 3, "id": "T-2", "escalation": "ESC-2",
                                "reason": "the batch request errored: overloaded_error: busy"}]
        assert store.get(2).engine.fallback_reason == "the batch request errored: overloaded_error: busy"
        assert store.get(1).engine.requested == "anthropic"


def test_the_anthropic_engine_batch_answers_are_matched_by_id_and_failures_fall_back(tmp_path, policy):
    """The real AnthropicEngine.triage_batch (the one `escalate eval` uses) against the recorded
    message-batch cassette: one answer succeeds, one violates the schema, one errored."""
    from test_eval_batches import EXPORT, FENCED, OUTAGE, SCHEMA_REASON, ERRORED_REASON, make_client, replay

    from agent.engines.claude import AnthropicEngine

    path = jsonl(tmp_path / "in.jsonl", [{"id": f"c{i}", "customer": "Acme", "complaint": t}
                                         for i, t in enumerate([EXPORT, OUTAGE, FENCED])])
    sent: list = []
    engine = AnthropicEngine(client=make_client(sent))
    with Store(tmp_path / "x.db") as store, replay("three_results.yaml"):
        s = batch.run(store, str(path), engine=engine, policy=policy,
                      options=batch.Options(batch_options={"poll_seconds": 0}))
        rows = store.db.execute("SELECT external_id, engine, fallback_reason FROM escalations ORDER BY id").fetchall()
    assert [(r.method, r.url.path) for r in sent][0] == ("POST", "/v1/messages/batches")
    assert not any(r.url.path == "/v1/messages" for r in sent)  # no single message call
    assert rows == [("c0", "anthropic", None), ("c1", "offline", SCHEMA_REASON), ("c2", "offline", ERRORED_REASON)]
    assert [f["id"] for f in s.fallbacks] == ["c1", "c2"] and s.stored == 3


# -- the similar-escalation term index --------------------------------------------------------


def test_batch_rows_find_earlier_similar_rows_of_the_same_file(tmp_path, policy):
    path = jsonl(tmp_path / "in.jsonl", [row(0, SLOW), row(1, TYPO), row(2, SLOW + " Still slow today.")])
    with Store(tmp_path / "x.db") as store:
        batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        (data,) = store.db.execute("SELECT data FROM events WHERE kind = 'similar_found' AND escalation_id = 3").fetchone()
    assert [m["id"] for m in json.loads(data)["matches"]] == ["ESC-1"]


def test_term_index_counts_imported_rows_before_the_next_lookup(tmp_path, policy):
    with Store(tmp_path / "x.db") as store:
        at = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)
        for text in (SLOW, SLOW, TYPO):
            store.open_escalation(customer="Imported", tier="standard", contact=None, complaint=text, opened_at=at,
                                  timezone_name="UTC", requested_engine="import", actor="import")
        assert store.db.execute("SELECT upto FROM similar_indexed").fetchone()[0] == 0
        found = similar.find(store.db, number=0, complaint=SLOW, customer="Someone", opened_at=at)
        assert store.db.execute("SELECT upto FROM similar_indexed").fetchone()[0] == 3
        docs = dict(store.db.execute("SELECT term, docs FROM similar_df").fetchall())
        assert docs["export"] == 2 and docs["typo"] == 1
        assert found == []  # opened but never triaged: counted, yet never cited as similar
        assert similar.catch_up(store.db) == 0  # nothing counted twice
        assert dict(store.db.execute("SELECT term, docs FROM similar_df").fetchall())["export"] == 2


def test_unknown_row_mapping_target_is_refused(tmp_path):
    with pytest.raises(UsageError, match="unknown field 'priority'"):
        intake.column_map(["id", "customer", "complaint"], None, {"customer": "priority"})


def test_a_stored_match_keeps_eight_shared_terms_and_its_reason_is_rebuilt_on_read(tmp_path, policy):
    """A near-duplicate shares every word; the event keeps the eight longest, the reader still gets the
    matched row's facts and the same reason the lookup gave."""
    long_text = SLOW + " Affected reports: quarterly, monthly, regional, warehouse, invoices, shipments, returns."
    path = jsonl(tmp_path / "in.jsonl", [row(0, long_text), row(1, long_text)])
    with Store(tmp_path / "x.db") as store:
        batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=options())
        (data,) = store.db.execute("SELECT data FROM events WHERE kind = 'similar_found' AND escalation_id = 2").fetchone()
        (stored,) = json.loads(data)["matches"]
        assert sorted(stored) == ["id", "jaccard", "same_customer", "shared_terms"]
        everything = similar.overlap(similar.terms(long_text), similar.terms(long_text))[0]
        assert len(everything) > 8 and stored["shared_terms"] == list(everything[:8])
        (read,) = next(e for e in store.get(2).events if e.kind == "similar_found").data["matches"]
        assert read["reason"] == "shares " + ", ".join(everything[:6])
        assert (read["customer"], read["summary"]) == ("Customer 0", store.get(1).summary)


def test_the_bar_follows_the_message_batch_request_counts(tmp_path, policy):
    """While the batch runs, the bar's note says how many of its requests the API has answered."""
    from test_eval_batches import EXPORT, FENCED, OUTAGE, make_client, replay

    from agent.engines.claude import AnthropicEngine
    from agent.progress import Progress

    class Meter:
        notes: list = []

        def set_postfix_str(self, text, refresh=True):
            self.notes.append(text)

        def update(self, n):
            pass

    path = jsonl(tmp_path / "in.jsonl", [{"id": f"c{i}", "customer": "Acme", "complaint": t}
                                         for i, t in enumerate([EXPORT, OUTAGE, FENCED])])
    meter = Meter()
    with Store(tmp_path / "x.db") as store, replay("three_results.yaml"):
        batch.run(store, str(path), engine=AnthropicEngine(client=make_client([])), policy=policy,
                  options=batch.Options(batch_options={"poll_seconds": 0}), progress=Progress(meter))
    waits = [n for n in meter.notes if n]
    assert waits and all(n.startswith("message batch: 0/3 answered, waiting ") for n in waits)
    assert meter.notes[-1] == ""  # cleared once the answers are in


def test_a_small_batch_is_judged_in_process_without_starting_workers(tmp_path, policy, monkeypatch):
    """Under POOL_MIN fresh rows, starting worker processes (each reading the model) would cost more
    than judging here; asking for workers still gets them."""
    import multiprocessing

    def no_workers(*_a, **_k):
        raise AssertionError("a worker pool was started")

    monkeypatch.setattr(multiprocessing, "get_context", no_workers)
    rows = [row(i, TYPO) for i in range(batch.POOL_MIN - 1)]
    with Store(tmp_path / "x.db") as store:
        assert batch.run(store, str(jsonl(tmp_path / "in.jsonl", rows)), engine=OfflineEngine(policy),
                         policy=policy, options=batch.Options()).stored == batch.POOL_MIN - 1
        with pytest.raises(AssertionError, match="pool was started"):
            batch.run(store, str(jsonl(tmp_path / "more.jsonl", [row(100, SLOW)])), engine=OfflineEngine(policy),
                      policy=policy, options=batch.Options(workers=2))
        at_threshold = [row(200 + i, SLOW) for i in range(batch.POOL_MIN)]
        with pytest.raises(AssertionError, match="pool was started"):
            batch.run(store, str(jsonl(tmp_path / "big.jsonl", at_threshold)), engine=OfflineEngine(policy),
                      policy=policy, options=batch.Options(workers=2 if (os.cpu_count() or 1) < 2 else None))


def test_workers_option_reaches_the_batch_and_goes_only_with_it(tmp_path, db_path, monkeypatch):
    path = jsonl(tmp_path / "in.jsonl", [row(i, t) for i, t in enumerate([OUTAGE, TYPO])])
    asked = []
    real = batch.run
    monkeypatch.setattr(batch, "run", lambda *a, **k: asked.append(k["options"].workers) or real(*a, **k))
    done = run(db_path, "triage", "--batch", str(path), "--workers", "1", "--json")
    assert done.exit_code == 0, done.stderr
    assert asked == [1] and json.loads(done.stdout)["stored"] == 2
    assert run(db_path, "triage", "--batch", str(path), "--workers", "0").exit_code == 2
    lone = run(db_path, "triage", "--text", "x", "--customer", "Acme", "--workers", "2")
    assert lone.exit_code == 2 and "--strict and --workers go with --batch FILE" in lone.stderr


def test_a_worker_ignores_ctrl_c_and_ends_on_sigterm_whatever_handler_the_writer_had(monkeypatch, tmp_path):
    import signal

    from agent.policy import default_policy

    set_ = []
    monkeypatch.setattr(signal, "signal", lambda sig, handler: set_.append((sig, handler)))  # this test process keeps its own
    monkeypatch.setenv("ESCALATE_OFFLINE_MODEL", "off")
    monkeypatch.setattr(batch, "_WORKER", {})
    batch._worker_init(default_policy().model_dump_json(), str(tmp_path / "x.db"))
    # forked from the command, a worker would otherwise inherit its SIGTERM handler (raise KeyboardInterrupt), and the
    # pool's terminate would interrupt it inside a shared queue lock: the command then waited for it for ever
    assert set_ == [(signal.SIGINT, signal.SIG_IGN), (signal.SIGTERM, signal.SIG_DFL)]


def test_a_batch_worker_lays_the_model_out_as_columns_and_releases_its_heads_before_the_first_row(monkeypatch, tmp_path):
    import signal

    from agent.model import linear
    from agent.policy import default_policy

    monkeypatch.setattr(signal, "signal", lambda *a: None)  # the worker ignores Ctrl-C; this test process must not
    monkeypatch.delenv("ESCALATE_OFFLINE_MODEL", raising=False)
    model = linear.LinearModel.load(linear.SHIPPED)  # a fresh copy: no other test's reads counted
    monkeypatch.setattr(linear, "_CACHE", {str(linear.SHIPPED): model})
    monkeypatch.setattr(batch, "_WORKER", {})
    batch._worker_init(default_policy().model_dump_json(), str(tmp_path / "x.db"))
    assert batch._WORKER["model"] is model and model._columns is not None  # laid out before the first row
    with pytest.raises(RuntimeError, match="released"):  # and the heads' own dicts gone
        model.heads["kind"].probabilities({"w:outage": 1.0})
    item = next(r for r in intake.rows(jsonl(tmp_path / "in.jsonl", [row(1)])) if not isinstance(r, intake.Refused))
    judged = batch._worker_judge((item, "standard", None, "offline", 7))
    assert model._columns is not None and model.reads == linear.FAST_AFTER + 1
    assert judged.number == 7 and "ESC-7" in judged.draft.draft.body + judged.draft.draft.subject


def _fresh_python(code: str, **env) -> dict:
    """Run `code` in a new interpreter (gc.freeze and forked workers must not touch this test process);
    it prints one JSON object."""
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "ESCALATE_OFFLINE_MODEL"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                          env={**environ, **env}, cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


LAID_OUT = """
import gc, json, sys
from pathlib import Path
from agent import batch, prompts, regex_cache, triage
from agent.model import linear
from agent.store import Store
cached = linear.shipped()
with Store(Path(sys.argv[1]) / "x.db") as store:
    batch._lay_out_for_workers(store)
model = batch._FORKED.get("model")
cols = model and model._columns
print(json.dumps({
    "warm": "agent.warroom" in sys.modules and len(prompts.environment().cache or {}) > 0,
    "loaded": model is not None, "own_copy": model is not cached,
    "cached_kept": all(not isinstance(h.index, linear._Released) for h in cached.heads.values()),
    "matrices": sorted(f"{n}/{k}" for n, k in cols._matrices) if cols else None,
    "readable": bool(cols) and linear.STOPWORDS in cols._readables,
    "released": bool(model) and all(isinstance(h.index, linear._Released) for h in model.heads.values()),
    "frozen": gc.get_freeze_count()}))
"""


@pytest.mark.slow
def test_the_writer_lays_out_a_copy_of_the_stores_model_and_freezes_it_before_forking_the_workers(tmp_path):
    got = _fresh_python(LAID_OUT.replace("sys.argv[1]", repr(str(tmp_path))))
    assert got["loaded"] and got["released"] and got["readable"] and got["own_copy"]
    assert got["cached_kept"]  # the process's own model, which other callers use, keeps its heads
    assert got["matrices"] == ["kind/None", "security/bug", "security/complaint", "security/incident",
                               "severity/bug", "severity/complaint", "severity/incident"]
    assert got["frozen"] > 10_000  # every object then alive: the model's, the modules'
    assert got["warm"]  # a first row's modules and templates loaded, for all workers
    off = _fresh_python(LAID_OUT.replace("sys.argv[1]", repr(str(tmp_path))), ESCALATE_OFFLINE_MODEL="off")
    assert not off["loaded"] and off["frozen"] > 0  # no model, as the workers will have none


def test_workers_are_forked_only_on_linux_with_no_other_thread_running(monkeypatch):
    import threading

    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    assert batch._forks_safely()
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # a web or MCP server's threads: spawned
    assert not batch._forks_safely()
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not batch._forks_safely()


TWO_WORKERS = """
import gc, json, signal, sys, threading
from pathlib import Path
from agent import batch
from agent.faces.cli import _on_sigterm
signal.signal(signal.SIGTERM, _on_sigterm)  # as the command runs it: its workers must still end when the pool ends them
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy
from agent.store import Store
policy, tmp = default_policy(), Path(sys.argv[1])
out, methods = {}, []
real = batch._forks_safely
batch._forks_safely = lambda: methods.append(real()) or methods[-1]
for run, workers in (("one", 1), ("forked", 2), ("spawned", 2)):
    done = threading.Event()
    if run == "spawned":  # another thread running: the workers are spawned
        threading.Thread(target=done.wait).start()
    with Store(tmp / f"{run}.db") as store:
        batch.run(store, str(tmp / "in.jsonl"), engine=OfflineEngine(policy), policy=policy,
                  options=batch.Options(workers=workers, chunk=4))
        out[run] = [[e.severity.value, e.triage.model_dump_json(), e.drafts["acknowledgment"].model_dump_json(),
                     e.engine.name] for e in map(store.get, range(1, 10))]
        out["similar " + run] = store.db.execute("SELECT data FROM events WHERE kind = 'similar_found' ORDER BY id").fetchall()
        out["intact " + run] = store.db.execute("PRAGMA integrity_check").fetchone()[0]
    done.set()
    out["frozen after " + run] = gc.get_freeze_count()
print(json.dumps({"same": out["one"] == out["forked"] == out["spawned"],
                  "similar same": out["similar one"] == out["similar forked"] == out["similar spawned"],
                  "engines": sorted({r[3] for r in out["forked"] + out["spawned"]}), "similar": len(out["similar forked"]),
                  "intact": [out["intact " + r] for r in ("forked", "spawned")], "methods": methods,
                  "frozen after": [out["frozen after " + r] for r in ("forked", "spawned")], "forked": batch._FORKED}))
"""


@pytest.mark.slow
def test_workers_forked_from_the_writer_or_spawned_store_what_one_process_stores_with_the_model(tmp_path):
    jsonl(tmp_path / "in.jsonl", [row(i, t) for i, t in enumerate([OUTAGE, TYPO, SLOW] * 3)])
    got = _fresh_python(TWO_WORKERS.replace("sys.argv[1]", repr(str(tmp_path))))
    assert got["methods"] == [True, False]  # forked first; spawned with a thread running
    assert got["same"] and got["similar same"] and got["similar"] > 0 and got["engines"] == ["offline"]
    assert got["intact"] == ["ok", "ok"]  # the writer's database, open while it forked, is whole
    assert got["frozen after"] == [0, 0] and got["forked"] == {}  # the writer's objects unfrozen, the copy let go


def test_the_term_cache_holds_each_term_once_and_gives_back_the_same_terms():
    texts = [OUTAGE, TYPO, SLOW, OUTAGE + " The payroll export fails too."]
    cache = similar.TermCache(size=8)
    for n, text in enumerate(texts, 1):
        cache.remember(n, similar.terms(text))
    for n, text in enumerate(texts, 1):
        assert cache.get(n) == frozenset(similar.terms(text)) and n in cache
    assert len(cache._terms) == len(set().union(*map(similar.terms, texts)))  # shared terms held once
    assert cache.get(99) is None and 99 not in cache and len(cache) == 4
    assert cache.of(99, SLOW) == frozenset(similar.terms(SLOW)) and 99 in cache  # read from the complaint, then held


def test_a_full_term_cache_drops_its_oldest_quarter_and_rebuilds_its_vocabulary(monkeypatch):
    monkeypatch.setattr(similar.TermCache, "VOCABULARY", 40)
    cache = similar.TermCache(size=8)
    words = [{f"word{n}x{k}" for k in range(10)} for n in range(12)]  # no term in common
    for n, mine in enumerate(words):
        cache.remember(n, mine)
    assert sorted(cache._held) == [4, 5, 6, 7, 8, 9, 10, 11]  # 0-1 dropped at the 9th, 2-3 at the 11th
    assert all(cache.get(n) == frozenset(words[n]) for n in cache._held)
    # rebuilt when the vocabulary passed 40 terms: only the held escalations' words are left (with the last ones)
    assert len(cache._terms) <= 80 and set(cache._terms) >= set().union(*(words[n] for n in cache._held))
    assert not any(t.startswith("word0x") for t in cache._terms)


def test_the_export_is_read_line_by_line_cut_only_at_line_ends(tmp_path):
    body = "a\r\nb\rc\n\nd\u2028e\x0cf\x85g\r\n" + "x" * 8190 + "\r\n" + "y" * 9000 + "\rlast"
    path = tmp_path / "odd.txt"
    path.write_bytes(("\ufeff" + body).encode("utf-8"))  # a byte-order mark first, as Excel writes
    expected = ["a", "b", "c", "", "d\u2028e\x0cf\x85g", "x" * 8190, "y" * 9000, "last"]  # U+2028, \f, U+0085 cut nothing
    assert list(intake.lines(path, intake.codec_for("utf-8"))) == expected
    assert batch.count_rows(str(path), batch.Options()) == len([x for x in expected if x.strip()]) - 1


def test_rows_are_parsed_without_the_file_held_whole_and_a_bad_byte_far_in_is_refused_first(tmp_path, monkeypatch):
    rows = [row(i, SLOW) for i in range(3)]
    csv_path = tmp_path / "in.csv"
    with csv_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    unknown_suffix = jsonl(tmp_path / "in.export", rows)
    monkeypatch.setattr(intake, "read_text", lambda *a: pytest.fail("the whole file was read"))
    for path in (jsonl(tmp_path / "in.jsonl", rows), csv_path, unknown_suffix):
        got = list(intake.rows(path))
        assert [(r.line, r.external_id, r.complaint) for r in got] == [
            (n + (path.suffix == ".csv"), f"T-{n - 1}", SLOW) for n in (1, 2, 3)]
    monkeypatch.undo()
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes((json.dumps(row(1, SLOW)) + "\n").encode() * 30_000 + b'{"id": "T-\xff"}\n')  # past 1 MiB
    offset = bad.read_bytes().index(b"\xff")
    assert offset > 1 << 20
    rows_read = intake.rows(bad)
    with pytest.raises(UsageError, match=rf"is not valid utf-8 \(byte {offset}\)"):
        next(rows_read)  # before the first row is given


def test_a_judged_row_carries_its_terms_one_a_line():
    item = intake.Intake(1, "T-1", "Acme", SLOW)
    from agent.policy import default_policy

    policy = default_policy()
    judged = batch.judge_row(item, engine=OfflineEngine(policy), policy=policy, tier="standard", tz=None,
                             requested="offline")
    assert judged.term_set() == frozenset(similar.terms(judged.judged.text)) and "export" in judged.term_set()
    assert judged.terms == "\n".join(sorted(judged.term_set()))
    assert batch.Judged(item, judged.judged, "offline", "").term_set() == frozenset()


def test_kept_character_grams_are_one_string_each_across_words():
    from agent.model import features

    bill, billing = features.char_grams("bill"), features.char_grams("billing")
    assert " bi" in {g[2:] for g in bill} and bill[:2] == ("c: bi", "c:bil")
    shared = [g for g in billing if g in bill]
    assert shared and all(any(g is h for h in bill) for g in shared)  # the same objects, not equal copies
    assert features.char_grams("billing") is billing


def test_released_pattern_entries_are_read_again_when_a_pattern_needs_them(monkeypatch):
    from agent import regex_cache

    monkeypatch.setattr(regex_cache, "_entries", {("x", 0): "kept"})
    regex_cache.release()
    assert regex_cache._entries is None
    monkeypatch.setattr(regex_cache, "path", lambda: None)
    assert regex_cache._load() == {}  # read again (here: no file)
