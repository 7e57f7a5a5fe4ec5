"""Notifier benchmarks (issue 17): `escalate notify` over 10,000 open escalations with nothing to send,
and with 1,000 notifications due to two webhook hosts on 127.0.0.1, counting the connections each
host saw at once.

Run alone (`.venv/bin/python benchmarks/notify_bench.py [--small]`) or through `make bench`
(benchmarks/run.py calls `run_all` after the scale benchmarks and writes the rows into the README). Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)
LADDER = "".join(
    f'[[notifications.ladder."{sev}"]]\n{trigger}\nnotify = ["{who}"]\n'
    for sev in ("SEV-1", "SEV-2", "SEV-3", "SEV-4")
    for trigger, who in (("percent = 50", "owner"), ("percent = 75", "owner"), ("minutes_before = 15", "team"),
                         ("breach = 1", "manager"), ("breach = 2", "exec"))
)


def policy_text(url_a: str, url_b: str, ladder: str = LADDER) -> str:
    return ("[notifications]\nretries = 2\nbackoff_seconds = 1\n"
            f'[notifications.channels.a]\ntype = "webhook"\nurl = "{url_a}"\nsecret_env = "BENCH_SECRET"\n'
            f'[notifications.channels.b]\ntype = "slack"\nurl = "{url_b}"\n'
            '[notifications.recipients.owner]\nchannel = "a"\n[notifications.recipients.manager]\nchannel = "a"\n'
            '[notifications.recipients.team]\nchannel = "b"\n[notifications.recipients.exec]\nchannel = "b"\n' + ladder)


class Receiver:
    """Keep-alive HTTP receiver on 127.0.0.1 counting requests and connections (open at once, in all)."""

    def __init__(self):
        self.requests = self.connections = self.open_now = self.max_open = 0
        self.lock = threading.Lock()
        rx = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                super().setup()
                with rx.lock:
                    rx.connections += 1
                    rx.open_now += 1
                    rx.max_open = max(rx.max_open, rx.open_now)

            def finish(self):
                super().finish()
                with rx.lock:
                    rx.open_now -= 1

            def do_POST(self):
                self.rfile.read(int(self.headers["Content-Length"]))
                with rx.lock:
                    rx.requests += 1
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


def env() -> dict:
    out = {k: v for k, v in os.environ.items() if k not in ("ESCALATE_DB", "ESCALATE_POLICY", "ANTHROPIC_API_KEY")
           and not k.lower().endswith("_proxy")}
    out["BENCH_SECRET"] = "bench-secret"
    return out


def populate(db: Path, n: int, tmp: Path) -> None:
    import scale

    path = tmp / f"notify-{n}.jsonl"
    path.write_text(scale.history(n, 20, open_share=1.0))
    scale.timed([str(scale.BIN), "--db", str(db), "import", str(path)], env=env())


def mark_all_sent(db: Path, policy_file: Path) -> int:
    """The steady state of a notifier run every minute: what is due now was sent already."""
    from agent import board, notify
    from agent.policy import load_policy
    from agent.store import Store

    policy = load_policy(policy_file)
    with Store(db) as store:
        rows = board.build(store, NOW)
        due = notify.ladder_deliveries(rows, policy.notifications, NOW, set())
        with store.transaction() as conn:
            conn.conn.executemany(
                "INSERT OR IGNORE INTO notifications (key, escalation_id, delivery, status, claimed_at, at) "
                "VALUES (?, ?, ?, 'delivered', ?, ?)",
                [(key, d.number, d.delivery, NOW.isoformat(), NOW.isoformat()) for d in due for key in d.keys])
    return len(due)


def bench_nothing_to_send(n: int, tmp: Path) -> list[dict]:
    import scale

    db = tmp / "idle.db"
    populate(db, n, tmp)
    a, b = Receiver(), Receiver()
    policy_file = tmp / "idle.toml"
    policy_file.write_text(policy_text(a.url, b.url))
    marked = mark_all_sent(db, policy_file)
    argv = [str(scale.BIN), "--db", str(db), "--policy", str(policy_file), "notify", "--now", NOW.isoformat()]
    (cold,) = scale.timed(argv, runs=1, env=env())  # evaluates every escalation, keeps when each can next be due
    samples = scale.timed(argv, runs=5, env=env())  # what a pass every minute costs from then on
    a.stop(), b.stop()
    assert a.requests == b.requests == 0, "the idle run sent something"
    return [{"name": f"`escalate notify` over {n:,} open escalations, nothing to send ({marked:,} sent before), "
                     "a pass after the first (median of 5)",
             "value": statistics.median(samples), "unit": "s", "goal": 1.0 if n >= 10_000 else None},
            {"name": "the first pass over that DB (every clock evaluated, notify_state written)", "value": cold,
             "unit": "s", "goal": None}]


def bench_due(n_due: int, tmp: Path) -> list[dict]:
    """n_due notifications: n_due / 2 breached escalations, each to one recipient on each of two hosts."""
    import scale
    import subprocess

    db = tmp / "due.db"
    populate(db, n_due // 2, tmp)
    a, b = Receiver(), Receiver()
    ladder = "".join(f'[[notifications.ladder."{sev}"]]\nbreach = 1\nclocks = ["resolution"]\nnotify = ["owner", "team"]\n'
                     f'outside_hours = true\n' for sev in ("SEV-1", "SEV-2", "SEV-3", "SEV-4"))
    policy_file = tmp / "due.toml"
    policy_file.write_text(policy_text(a.url, b.url, ladder))
    start = time.perf_counter()
    proc = subprocess.run([str(scale.BIN), "--db", str(db), "--policy", str(policy_file), "notify", "--now", NOW.isoformat()],
                          capture_output=True, text=True, env=env())
    elapsed = time.perf_counter() - start
    a.stop(), b.stop()
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-500:])
    summary = proc.stdout.strip().splitlines()[-1]
    sent = a.requests + b.requests
    return [{"name": f"`escalate notify` with {sent:,} notifications due to 2 webhook hosts ({summary})",
             "value": elapsed, "unit": "s", "goal": None,
             "detail": f"{elapsed / max(sent, 1) * 1000:.1f} ms each; connections per host at once: "
                       f"{a.max_open} and {b.max_open}; in all: {a.connections} and {b.connections}"},
            {"name": "most connections open to one webhook host at a time", "value": max(a.max_open, b.max_open),
             "unit": "", "goal": 1}]


def run_all(small: bool = False) -> list[dict]:
    scale_down = 10 if small else 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        results = bench_nothing_to_send(10_000 // scale_down, tmp) + bench_due(1_000 // scale_down, tmp)
    for r in results:
        r["pass"] = None if r["goal"] is None else r["value"] <= r["goal"]
    return results


if __name__ == "__main__":
    import scale

    results = run_all(small="--small" in sys.argv)
    print(json.dumps(results, indent=1) if "--json" in sys.argv else scale.render(results))
