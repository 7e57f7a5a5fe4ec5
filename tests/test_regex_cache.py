"""The rules' regular expressions compiled once per machine (agent/regex_cache.py)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from agent import regex_cache
from agent.cues import _rx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ("Since 9am none of our 400 agents can log in; the dashboard says 'Recieved'. We lost orders worth $20,000 "
          "and someone reset my password without asking. Fraudulent charges too. Not urgent, SEV-4 please.")


def _run(cache: Path | str, code: str) -> dict:
    env = {**os.environ, "ESCALATE_REGEX_CACHE": str(cache)}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


READ = ("import json, agent.signals as s; from agent import regex_cache as r; "
        "sig = s.Signals.read({text!r}); "
        "print(json.dumps({{'stats': r.stats(), 'cues': {{k: [(c.phrase, c.start, c.hedged) for c in v] for k, v in sig.cues.items()}}}}))")


def test_a_second_process_reads_the_patterns_from_the_cache_and_finds_the_same_cues(tmp_path):
    first = _run(tmp_path, READ.format(text=SAMPLE))
    assert first["stats"]["hits"] == 0 and first["stats"]["pending"] > 100  # compiled, written at exit
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].name.startswith("regex-cpython-")
    second = _run(tmp_path, READ.format(text=SAMPLE))
    assert second["stats"]["hits"] == first["stats"]["pending"] and second["stats"]["pending"] == 0
    assert second["cues"] == first["cues"]
    assert second["cues"]["security_concern"] == [["Fraudulent", 151, False]]  # real cues, not empty lists
    assert sum(1 for found in second["cues"].values() if found) >= 4
    off = _run("off", READ.format(text=SAMPLE))
    assert off["cues"] == first["cues"] and off["stats"]["hits"] == 0


def test_a_corrupt_or_foreign_cache_file_is_ignored_and_rewritten(tmp_path):
    _run(tmp_path, READ.format(text="x"))
    (cache,) = tmp_path.iterdir()
    cache.write_bytes(b"\x00not marshal at all")
    again = _run(tmp_path, READ.format(text=SAMPLE))
    assert again["stats"]["hits"] == 0 and again["stats"]["pending"] > 100
    assert again["cues"] == _run("off", READ.format(text=SAMPLE))["cues"]
    assert _run(tmp_path, READ.format(text="x"))["stats"]["hits"] > 100  # rewritten whole


def test_an_entry_the_matcher_refuses_is_compiled_as_usual(tmp_path, monkeypatch):
    monkeypatch.setattr(regex_cache, "_entries", {("ab+c", 32): (32, b"\xff\xff\xff\xff", 0, {}, (None,))})
    monkeypatch.setattr(regex_cache, "_importing_package_module", lambda: True)
    monkeypatch.setattr(regex_cache, "_new", {})
    monkeypatch.setattr(regex_cache, "_original", regex_cache._compiler.compile)
    pattern = regex_cache._compile("ab+c", 32)
    assert pattern.findall("abbbc ac abc") == ["abbbc", "abc"]
    assert ("ab+c", 32) in regex_cache._new  # and stored again, right this time


def test_a_pattern_built_at_run_time_from_customer_text_is_never_stored(tmp_path):
    code = ("import json, re; import agent.signals; from agent import regex_cache as r; "
            "before = r.stats()['pending']; re.compile(re.escape('Dana Whitfield-Okafor')); "
            "print(json.dumps({'before': before, 'stats': r.stats()}))")
    result = _run(tmp_path, code)
    assert result["stats"]["pending"] == result["before"]
    (cache,) = tmp_path.iterdir()
    assert b"Whitfield" not in cache.read_bytes()


def test_a_pattern_read_back_from_its_stored_code_matches_as_the_compiler_makes_it(monkeypatch):
    from agent import signals

    monkeypatch.setattr(regex_cache, "_importing_package_module", lambda: True)
    monkeypatch.setattr(regex_cache, "_new", {})
    monkeypatch.setattr(regex_cache, "_entries", {})
    monkeypatch.setattr(regex_cache, "_original", regex_cache._compiler.compile)
    named = _rx(r"\b(?P<n>\d+) records? (?:missing|deleted)\b", r"\bdata (?:is|was) (?:lost|gone)\b")
    for source in (signals.CRITERIA["security_concern"][0], signals.CRITERIA["outage"][0], named):
        fresh = regex_cache._original(source.pattern, source.flags)
        regex_cache._compile(source.pattern, source.flags)  # a miss: compiled, its code kept
        regex_cache._entries.update(regex_cache._new)
        hits = regex_cache._stats["hits"]
        cached = regex_cache._compile(source.pattern, source.flags)  # a hit: built from the kept code
        assert regex_cache._stats["hits"] == hits + 1
        assert cached.groupindex == fresh.groupindex and cached.flags == fresh.flags
        text = SAMPLE.lower() + " our data was lost yesterday and 120 records deleted, 3 records missing"
        assert [m.span() for m in cached.finditer(text)] == [m.span() for m in fresh.finditer(text)]
    assert [m.group("n") for m in cached.finditer(text)] == [None, "120", "3"]


@pytest.mark.parametrize("setting", ["off", "OFF"])
def test_the_cache_can_be_turned_off(setting, monkeypatch):
    monkeypatch.setenv("ESCALATE_REGEX_CACHE", setting)
    assert regex_cache.path() is None


LITERALS = ("import json, agent.signals as s; from agent import literals as l; "
            "p = s.CRITERIA['outage'][0]; print(json.dumps({'known': len(l._known), 'outage': sorted(l._known.get((p.pattern, p.flags)) or []), "
            "'reach': l._reaches.get((p.pattern, p.flags)), 'plan': len(l._plans.get((p.pattern, p.flags)) or ())}))")


def test_the_literal_gates_come_from_the_cache_without_parsing_the_rules_again(tmp_path, monkeypatch):
    first = _run(tmp_path, LITERALS)
    second = _run(tmp_path, LITERALS)
    assert first["known"] > 100 and second["known"] == first["known"]  # every pattern compiled at import has its set
    assert second["outage"] == first["outage"] and "outage" in second["outage"]
    assert second["reach"] == first["reach"] and first["reach"][0] > 50  # and its reach (agent/windows.py)
    assert second["plan"] == first["plan"] > 10  # and its plan, one step per alternative
    (cache,) = tmp_path.iterdir()
    import marshal

    entries = marshal.loads(cache.read_bytes())
    assert all(len(entry) == 8 for entry in entries.values())
    for old in (5, 6, 7):  # a file written before the gates, the reaches or the plans
        cache.write_bytes(marshal.dumps({key: entry[:old] for key, entry in entries.items()}))
        again = _run(tmp_path, LITERALS)
        assert again["outage"] == first["outage"] and again["reach"] == first["reach"] and again["plan"] == first["plan"]  # compiled again
