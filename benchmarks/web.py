"""Web workspace benchmarks: the board's first page over 10,000 open escalations, one escalation's
page, and a triage through the paste form against the same triage in-process.

    .venv/bin/python benchmarks/web.py [--small]

Requests go through Starlette's test client (the whole app: session, CSRF, routing, the page,
templates), not a socket. --small uses 1,000 escalations. Nothing here runs in `make test`.
"""

from __future__ import annotations

import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import BIN, history, timed  # noqa: E402

OUTAGE = (ROOT / "examples" / "login-outage.txt").read_text(encoding="utf-8")


def median_ms(fn, runs: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(0.9 * len(samples) + 0.5) - 1)]


def run(n: int) -> list[dict]:
    from starlette.testclient import TestClient

    from agent.engines import get_engine
    from agent.faces.web.app import Settings, create_app
    from agent.policy import load_policy
    from agent.store import Store
    from agent.triage import triage_complaint

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "web.db"
        path = Path(tmp) / "open.jsonl"
        path.write_text(history(n, 20, open_share=1.0))
        timed([str(BIN), "--db", str(db), "import", str(path)])
        client = TestClient(create_app(Settings(db_path=db, engine="offline")))

        def get(url: str):
            r = client.get(url)
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            return r

        board = median_ms(lambda: get("/board"), runs=5)
        rows = len(re.findall(r"<tr class=", get("/board").text))
        middle = f"/e/ESC-{n // 2}"
        one = median_ms(lambda: get(middle), runs=20)

        token = re.search(r'name="csrf" value="([0-9a-f]+)"', get("/triage").text).group(1)
        form = {"csrf": token, "complaint": OUTAGE, "customer": "Acme Corp", "tier": "enterprise", "contact": "Dana",
                "engine": "offline"}

        def web_triage():
            r = client.post("/triage", data=form, follow_redirects=False)
            assert r.status_code == 303, r.text[:300]

        policy = load_policy(None)
        engine = get_engine("offline", policy=policy)

        def in_process():
            with Store(db) as store:
                triage_complaint(text=OUTAGE, customer="Acme Corp", tier="enterprise", contact="Dana", store=store,
                                 engine=engine, policy=policy, actor="bench")

        web = median_ms(web_triage, runs=30)
        lib = median_ms(in_process, runs=30)
    return [
        {"name": f"board first page ({rows} of {n:,} open escalations, 20 events each)", "median": board[0],
         "p90": board[1], "runs": 5, "goal": 300},
        {"name": "one escalation's page (record, clocks, timeline, buttons, war room, drafts)", "median": one[0],
         "p90": one[1], "runs": 20, "goal": 100},
        {"name": "triage through the paste form (POST /triage → 303)", "median": web[0], "p90": web[1], "runs": 30,
         "goal": lib[0] + 20},
        {"name": "the same triage in-process (`triage_complaint`, same DB)", "median": lib[0], "p90": lib[1], "runs": 30,
         "goal": None},
    ]


def render(results: list[dict]) -> str:
    lines = ["| benchmark | median | p90 | runs | goal | result |", "|---|--:|--:|--:|---|---|"]
    for r in results:
        goal = "–" if r["goal"] is None else f"≤ {r['goal']:.0f} ms"
        mark = "–" if r["goal"] is None else ("pass" if r["median"] <= r["goal"] else "**FAIL**")
        lines.append(f"| {r['name']} | {r['median']:.1f} ms | {r['p90']:.1f} ms | {r['runs']} | {goal} | {mark} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render(run(1_000 if "--small" in sys.argv else 10_000)))
