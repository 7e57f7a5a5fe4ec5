"""Scale benchmarks: bulk triage, the SLA board, import and metrics at 100,000 escalations.

Run through `make bench` (benchmarks/run.py calls `run_all`) or alone:
    .venv/bin/python benchmarks/scale.py [--small]
--small divides every size by 10 for a quick look. Nothing here runs in `make test`.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATASETS = Path(os.environ.get("ESCALATE_DATASETS") or ROOT.parent / "shared" / "datasets")
BIN = Path(sys.executable).parent / "escalate"
START = datetime(2025, 1, 6, 9, 0, tzinfo=timezone.utc)
SEVERITIES = ["SEV-1", "SEV-2", "SEV-3", "SEV-4"]
TYPES = ["technical", "service", "business", "security", "compliance"]
TIERS = ["enterprise", "business", "standard", "free"]


def cfpb_texts() -> list[str]:
    return [json.loads(line)["text"] for line in (DATASETS / "cfpb_complaints_dev.jsonl").read_text().splitlines()]


def timed(argv: list[str], runs: int = 1, env: dict | None = None) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, capture_output=True, text=True, env=env)
        samples.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{' '.join(argv)} failed: {proc.stderr[-500:]}")
    return samples


def history(n: int, events_each: int, *, open_share: float, seed: int = 7) -> str:
    """Our JSONL import format: n escalations with events_each events each."""
    rng = random.Random(seed)
    texts = cfpb_texts()
    lines = []
    for i in range(n):
        opened = START + timedelta(minutes=rng.randrange(0, 600 * 24 * 60))
        sev = rng.choices(SEVERITIES, weights=[1, 3, 4, 2])[0]
        still_open = rng.random() < open_share
        t = opened + timedelta(minutes=rng.randrange(2, 90))
        events = [{"kind": "ack", "at": t.isoformat()}]
        kinds = ["update", "log"]
        while len(events) < events_each - (0 if still_open else 4):
            t += timedelta(minutes=rng.randrange(10, 240))
            kind = rng.choice(kinds)
            data = {"kind": "action", "text": "checked the logs"} if kind == "log" else {}
            events.append({"kind": kind, "at": t.isoformat(), "data": data})
        if not still_open:
            for kind in ("resolved", "confirmed", "closed"):
                t += timedelta(minutes=rng.randrange(5, 600))
                events.append({"kind": kind, "at": t.isoformat()})
            events.append({"kind": "csat", "at": t.isoformat(), "data": {"score": rng.choice([2, 3, 4, 4, 5, 5])}})
        lines.append(json.dumps({
            "id": f"bench-{i}", "customer": f"Customer {rng.randrange(n // 20 or 1)}", "tier": rng.choice(TIERS),
            "severity": sev, "type": rng.choice(TYPES), "summary": texts[i % len(texts)][:120],
            "complaint": texts[i % len(texts)][:1500], "opened_at": opened.isoformat(), "events": events,
        }))
    return "\n".join(lines) + "\n"


def bench_bulk_triage(n: int, tmp: Path) -> list[dict]:
    """n offline triages of real CFPB narratives, stored, in one process; peak RSS of that process."""
    script = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
from agent.engines.offline import OfflineEngine
from agent.policy import default_policy
from agent.store import Store
from agent.triage import triage_complaint
texts = [json.loads(l)["text"] for l in open({str(DATASETS / 'cfpb_complaints_dev.jsonl')!r})]
policy = default_policy(); engine = OfflineEngine(policy)
store = Store({str(tmp / 'bulk.db')!r})
start = time.perf_counter()
for i in range({n}):
    triage_complaint(text=texts[i % len(texts)], customer=f"Customer {{i % 500}}", tier="standard",
                     store=store, engine=engine, policy=policy)
elapsed = time.perf_counter() - start
print(json.dumps({{"seconds": elapsed, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return [
        {"name": f"bulk offline triage of {n:,} CFPB complaints incl. storage", "value": out["seconds"], "unit": "s",
         "detail": f"{out['seconds'] / n * 1000:.2f} ms each", "goal": None},
        {"name": "peak memory of the bulk triage process", "value": out["peak_rss_mb"], "unit": "MB", "goal": None},
    ]


def bench_board(n: int, tmp: Path) -> list[dict]:
    from agent import board
    from agent.store import Store

    db = tmp / "board.db"
    path = tmp / "board.jsonl"
    path.write_text(history(n, 20, open_share=1.0))
    timed([str(BIN), "--db", str(db), "import", str(path)])
    now = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
    with Store(db) as store:
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            rows = board.build(store, now)
            samples.append(time.perf_counter() - start)
        assert len(rows) == n
    whole = timed([str(BIN), "--db", str(db), "status", "--now", now.isoformat()], runs=5)
    return [
        {"name": f"every clock of {n:,} open escalations (20 events each), in-process", "value": statistics.median(samples),
         "unit": "s", "goal": 1.0 if n >= 10_000 else None},
        {"name": "`escalate status` on that DB", "value": statistics.median(whole), "unit": "s",
         "goal": 1.5 if n >= 10_000 else None},
    ]


def bench_history(n: int, tmp: Path) -> list[dict]:
    from agent import similar
    from agent.store import Store

    db = tmp / "history.db"
    path = tmp / "history.jsonl"
    path.write_text(history(n, 10, open_share=0.05))
    events = sum(len(json.loads(line)["events"]) + 1 for line in path.read_text().splitlines())
    (imp,) = timed([str(BIN), "--db", str(db), "import", str(path)])
    metrics = timed([str(BIN), "--db", str(db), "metrics"], runs=5)
    by_month = timed([str(BIN), "--db", str(db), "metrics", "--by", "month"], runs=5)
    texts = cfpb_texts()
    with Store(db) as store:
        samples = []
        for i in range(50):
            start = time.perf_counter()
            similar.find(store.db, number=0, complaint=texts[i * 7 % len(texts)], customer=f"Customer {i}",
                         opened_at=datetime(2026, 6, 1, tzinfo=timezone.utc))
            samples.append(time.perf_counter() - start)
    size = db.stat().st_size / 1e6
    big = n >= 100_000
    return [
        {"name": f"import {n:,} escalations / {events:,} events", "value": imp, "unit": "s", "goal": 60 if big else None},
        {"name": "`escalate metrics` on that DB", "value": statistics.median(metrics), "unit": "s", "goal": 1.0 if big else None},
        {"name": "`escalate metrics --by month`", "value": statistics.median(by_month), "unit": "s", "goal": 1.5 if big else None},
        {"name": "similar-escalation lookup, in-process", "value": statistics.median(samples) * 1000, "unit": "ms",
         "goal": 50 if big else None},
        {"name": "database size", "value": size, "unit": "MB", "goal": None},
    ]


def run_all(small: bool = False) -> list[dict]:
    scale = 10 if small else 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = []
        results += bench_bulk_triage(10_000 // scale, tmp)
        results += bench_board(10_000 // scale, tmp)
        results += bench_history(100_000 // scale, tmp)
    for r in results:
        goal = r["goal"]
        r["pass"] = None if goal is None else r["value"] <= goal
    return results


def render(results: list[dict]) -> str:
    lines = ["| benchmark | result | goal | |", "|---|--:|--:|---|"]
    for r in results:
        goal = "–" if r["goal"] is None else f"≤ {r['goal']:g} {r['unit']}"
        mark = "–" if r["pass"] is None else ("pass" if r["pass"] else "**FAIL**")
        detail = f" ({r['detail']})" if r.get("detail") else ""
        lines.append(f"| {r['name']}{detail} | {r['value']:.2f} {r['unit']} | {goal} | {mark} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(run_all(small="--small" in sys.argv)))
