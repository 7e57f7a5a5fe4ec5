"""The progress bar: drawn on a terminal only, silent when piped, advanced by the long commands."""

from __future__ import annotations

import io
import json

from agent import batch, progress
from agent.engines.offline import OfflineEngine
from agent.store import Store
from conftest import EXAMPLES, run


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_is_wanted_on_a_terminal_only(monkeypatch):
    monkeypatch.delenv("ESCALATE_NO_PROGRESS", raising=False)
    assert progress.wanted(Terminal()) is True
    assert progress.wanted(io.StringIO()) is False
    monkeypatch.setenv("ESCALATE_NO_PROGRESS", "1")
    assert progress.wanted(Terminal()) is False
    monkeypatch.setenv("ESCALATE_NO_PROGRESS", "0")
    assert progress.wanted(Terminal()) is True


def test_piped_output_gets_no_bar_at_all():
    out = io.StringIO()
    with progress.bar("triage", total=3, stream=out) as bar:
        bar.advance(3)
        bar.note("waiting")
        assert bar.shown is False
    assert out.getvalue() == ""


def test_on_a_terminal_the_bar_counts_to_the_total(monkeypatch):
    monkeypatch.delenv("ESCALATE_NO_PROGRESS", raising=False)
    out = Terminal()
    with progress.bar("triage", total=3, unit="row", stream=out) as bar:
        assert bar.shown is True
        bar.advance(2)
        bar.advance(1)
    drawn = out.getvalue()
    assert "triage" in drawn and "3/3" in drawn and "row" in drawn


def test_batch_triage_advances_the_bar_by_every_row_read(tmp_path, policy):
    rows = [{"id": f"r{i}", "customer": "Acme", "complaint": (EXAMPLES / "login-outage.txt").read_text()} for i in range(4)]
    rows.append({"id": "bad", "customer": ""})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    out = Terminal()
    with Store(tmp_path / "x.db") as store, progress.bar("triage", total=5, stream=out, force=True) as bar:
        batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=batch.Options(workers=1),
                  progress=bar)
        assert bar._meter.n == 5
    with Store(tmp_path / "x.db") as store, progress.bar("triage", total=5, stream=Terminal(), force=True) as bar:
        batch.run(store, str(path), engine=OfflineEngine(policy), policy=policy, options=batch.Options(workers=1),
                  progress=bar)
        assert bar._meter.n == 5  # rows already stored count as done too


def test_commands_print_no_bar_when_not_on_a_terminal(tmp_path, db_path):
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": "1", "customer": "Acme", "complaint": "The export is slow."}) + "\n")
    result = run(db_path, "triage", "--batch", str(path), "--json")
    assert result.exit_code == 0 and result.stderr == ""
    exported = run(db_path, "export", "--out", str(tmp_path / "all.jsonl"))
    assert exported.stderr == f"wrote 1 escalations to {tmp_path / 'all.jsonl'}\n"
    imported = run(tmp_path / "other.db", "import", str(tmp_path / "all.jsonl"))
    assert imported.exit_code == 0 and imported.stderr == ""


def test_a_bar_starts_no_thread_so_a_batch_on_a_terminal_still_forks_its_workers():
    import threading

    before = threading.active_count()
    with progress.bar("triage", total=3, unit="complaint", stream=io.StringIO(), force=True):
        assert threading.active_count() == before  # no tqdm monitor: batch._forks_safely stays true on a terminal
