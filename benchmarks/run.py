"""Speed benchmarks for `escalate`: medians over repeated runs, printed as a table.

    python benchmarks/run.py                 # print the table
    python benchmarks/run.py --json          # print JSON instead
    python benchmarks/run.py --write-readme  # also rewrite README.md between the bench markers

`make bench` runs the last one. Nothing here runs in `make test`: timings depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
EXAMPLE = ROOT / "examples" / "login-outage.txt"
CFPB = Path("/work/shared/datasets/cfpb_complaints_dev.jsonl")
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
COMMAND = "make bench"
NOTIFY_INTRO = ("The notifier (`benchmarks/notify_bench.py`, whole `escalate notify` processes; the webhook receivers run "
                "on 127.0.0.1 and count the connections they see):")

PROCESS_RUNS = 20  # whole-process benchmarks (goal: >= 15)
PROCESS_WARMUP = 2  # discarded: the first runs write bytecode caches and create the DB
INPROC_RUNS = 200  # in-process benchmarks (goal: >= 200)
INPROC_WARMUP = 5  # discarded: the first call compiles the Jinja template and fills caches
AT = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)  # fixed opening time (in the past): same SLA plan every run


@dataclass
class Result:
    name: str
    median_ms: float
    p90_ms: float
    runs: int
    goal_ms: float | None
    detail: str = ""

    @property
    def passed(self) -> bool | None:
        return None if self.goal_ms is None else self.median_ms <= self.goal_ms

    def as_dict(self) -> dict:
        return {**asdict(self), "passed": self.passed}


def p90(samples: list[float]) -> float:
    """Nearest-rank 90th percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def summarize(name: str, samples_s: list[float], goal_ms: float | None, detail: str = "") -> Result:
    ms = [s * 1000 for s in samples_s]
    return Result(name, statistics.median(ms), p90(ms), len(ms), goal_ms, detail)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- whole-process benchmarks --------------------------------------------------------------


def escalate_bin() -> Path:
    """The venv's console script, next to the interpreter running this file."""
    path = Path(sys.executable).parent / "escalate"
    if not path.exists():
        sys.exit(f"error: no `escalate` console script next to {sys.executable}: run `make bench` (it installs the venv)")
    return path


def clean_env() -> dict[str, str]:
    """The caller's environment minus what would change what is measured (a key, a policy, a DB)."""
    drop = {"ANTHROPIC_API_KEY", "ESCALATE_DB", "ESCALATE_POLICY", "ESCALATE_DEBUG"}
    return {k: v for k, v in os.environ.items() if k not in drop}


def time_process(argv: list[str], runs: int, warmup: int) -> list[float]:
    env = clean_env()
    samples = []
    for i in range(warmup + runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, cwd=ROOT, env=env, stdin=subprocess.DEVNULL, capture_output=True)
        elapsed = time.perf_counter() - start
        if proc.returncode != 0:
            sys.exit(f"error: `{' '.join(argv)}` exited {proc.returncode}:\n{proc.stderr.decode(errors='replace')}")
        if i >= warmup:
            samples.append(elapsed)
    return samples


def bench_help() -> Result:
    progress("escalate --help ...")
    samples = time_process([str(escalate_bin()), "--help"], PROCESS_RUNS, PROCESS_WARMUP)
    return summarize("`escalate --help` (whole process)", samples, 150)


def bench_cli_triage(tmp: Path) -> Result:
    progress("escalate triage (whole process) ...")
    db = tmp / "cli.db"
    # --db is an option of the `escalate` group, so it comes before the subcommand. The warm-up
    # runs create the DB, so the timed runs measure an existing DB, as in daily use.
    argv = [
        str(escalate_bin()), "--db", str(db), "triage", str(EXAMPLE.relative_to(ROOT)),
        "--customer", "Acme", "--engine", "offline",
    ]
    samples = time_process(argv, PROCESS_RUNS, PROCESS_WARMUP)
    return summarize("`escalate triage` login-outage.txt, offline (whole process)", samples, 300)


# -- in-process benchmarks -----------------------------------------------------------------


def complaint_texts() -> list[tuple[str, str]]:
    """The bundled example plus CFPB complaints at the median, p90 and maximum length of the dev set."""
    texts = [("login-outage.txt", EXAMPLE.read_text(encoding="utf-8"))]
    rows = cfpb_rows()
    if rows:
        by_len = sorted(rows, key=lambda r: (len(r["text"]), r["id"]))
        for label, q in (("p50 length", 0.5), ("p90 length", 0.9), ("longest", 1.0)):
            row = by_len[min(len(by_len) - 1, math.ceil(q * len(by_len)) - 1)]
            texts.append((f"CFPB {row['id']}, {label}", row["text"]))
    return texts


def cfpb_rows() -> list[dict]:
    if not CFPB.exists():
        progress(f"note: {CFPB} not found; skipping the CFPB complaints")
        return []
    with CFPB.open(encoding="utf-8") as fh:
        return [row for row in map(json.loads, fh) if row.get("text", "").strip()]


class Pipeline:
    """The in-process triage: agent.triage.decide (signals, engine, rules) and the SLA plan.
    The drafts and the store are measured separately, with triage_complaint."""

    def __init__(self):
        from agent.engines.offline import OfflineEngine
        from agent.policy import default_policy

        self.policy = default_policy()
        self.engine = OfflineEngine(self.policy)

    def run(self, text: str, customer: str = "Acme", tier: str = "standard"):
        from agent import sla
        from agent.triage import clean_complaint, decide, parse_tier

        tier = parse_tier(tier)
        text = clean_complaint(text, limit=self.policy.max_complaint_chars)
        triage, _result, _info = decide(text=text, customer=customer, tier=tier, engine=self.engine, policy=self.policy)
        return triage, sla.plan(self.policy, triage.severity, AT, self.policy.timezone, tier)


def time_calls(fn, runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def bench_inprocess(tmp: Path) -> list[Result]:
    from agent.store import Store
    from agent.triage import triage_complaint

    pipeline = Pipeline()
    results = []
    for label, text in complaint_texts():
        progress(f"in-process triage: {label} ...")
        samples = time_calls(lambda: pipeline.run(text), INPROC_RUNS, INPROC_WARMUP)
        results.append(summarize(f"offline triage (signals, engine, rules, SLA plan), in-process: {label}", samples, 5, f"{len(text):,} chars"))

    rows = cfpb_rows()
    if rows:
        progress(f"in-process triage: all {len(rows)} CFPB dev complaints ...")
        for row in rows[:INPROC_WARMUP]:
            pipeline.run(row["text"])
        samples = []
        for row in rows:  # one pass: the median and p90 are over complaints, not repeats
            start = time.perf_counter()
            pipeline.run(row["text"])
            samples.append(time.perf_counter() - start)
        # issue 15's goal: the median over the CFPB dev file, model included, at most 3 ms
        results.append(summarize(f"offline triage, in-process: each of the {len(rows)} CFPB dev complaints once", samples, 3,
                                 f"median {statistics.median(len(r['text']) for r in rows):,.0f} chars"))

    progress("triage_complaint with the SQLite store ...")
    text = EXAMPLE.read_text(encoding="utf-8")
    with Store(tmp / "inproc.db") as store:
        def full():
            triage_complaint(text=text, customer="Acme", tier="standard", store=store,
                             engine=pipeline.engine, policy=pipeline.policy, at=AT)

        samples = time_calls(full, INPROC_RUNS, INPROC_WARMUP)
    results.append(summarize("`triage_complaint` incl. acknowledgment draft, similar lookup and SQLite store, in-process: login-outage.txt", samples, None))
    return results


ADVERSARIAL = {  # 100 KB shaped to make a backtracking pattern explode (the shapes of tests/test_offline_engine.py)
    "a 531-char complaint repeated": lambda: ((EXAMPLE.read_text(encoding="utf-8") + " ") * 200)[:100_000],
    "one 100,000-char word": lambda: "x" * 100_000,
    "words, no punctuation": lambda: "all of our users none of our agents can see another " * 1_900,
    "digits and commas": lambda: "1,2,3,4 $ 5,000 " * 6_000,
    "only dots": lambda: ". " * 50_000,
}
ADVERSARIAL_RUNS = 5


def bench_adversarial() -> list[Result]:
    """Signals.read and the playbook's assessment of 100 KB of adversarial text: linear patterns take
    about a second on 2 loaded cores; catastrophic backtracking would take minutes."""
    from agent.assess import assess
    from agent.policy import default_policy
    from agent.schemas import Tier
    from agent.signals import Signals

    policy = default_policy()
    results = []
    for label, make in ADVERSARIAL.items():
        text = make()
        progress(f"100 KB adversarial text: {label} ...")
        samples = time_calls(lambda: assess(Signals.read(text, Tier.STANDARD), tier=Tier.STANDARD, policy=policy),
                             ADVERSARIAL_RUNS, 1)
        results.append(summarize(f"signals + assessment of 100 KB adversarial text: {label}", samples, 2_000,
                                 f"{len(text):,} chars"))
    return results


# -- output ----------------------------------------------------------------------------------


def verdict(result: Result) -> str:
    return {True: "pass", False: "FAIL", None: "-"}[result.passed]


def fmt_ms(value: float) -> str:
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def table(results: list[Result]) -> list[list[str]]:
    rows = [["benchmark", "median", "p90", "runs", "goal", "result"]]
    for r in results:
        name = f"{r.name} ({r.detail})" if r.detail else r.name
        goal = f"≤ {r.goal_ms:g} ms" if r.goal_ms is not None else "-"
        rows.append([name, fmt_ms(r.median_ms), fmt_ms(r.p90_ms), str(r.runs), goal, verdict(r)])
    return rows


def plain_table(results: list[Result]) -> str:
    rows = table(results)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown(results: list[Result], meta: dict) -> str:
    rows = table(results)
    out = ["| " + " | ".join(rows[0]) + " |", "|" + "|".join(["---"] + ["--:"] * 3 + ["---"] * 2) + "|"]
    out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows[1:]]
    out.append("")
    out.append(
        f"Measured {meta['date']} with Python {meta['python']} on {meta['machine']} "
        f"({meta['cpus']} cores) by `{COMMAND}`. Medians; whole-process runs start a fresh "
        f"`escalate` each time (warm file cache), after {PROCESS_WARMUP} discarded warm-up runs."
    )
    return "\n".join(out)


def splice_readme(text: str, block: str) -> str:
    """README text with everything between the marker lines replaced by `block`."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.strip() == START]
    ends = [i for i, line in enumerate(lines) if line.strip() == END]
    if len(starts) != 1 or len(ends) != 1 or starts[0] > ends[0]:
        raise ValueError(
            f"it needs exactly one line `{START}` followed later by one line `{END}` "
            f"(found {len(starts)} start and {len(ends)} end markers)"
        )
    return "".join(lines[: starts[0] + 1]) + block.rstrip("\n") + "\n" + "".join(lines[ends[0] :])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write-readme", action="store_true", help=f"rewrite README.md between {START} and {END}")
    parser.add_argument("--readme", type=Path, default=README, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--no-scale", action="store_true",
                        help="skip the scale and notifier benchmarks (benchmarks/scale.py, notify_bench.py: minutes)")
    parser.add_argument("--small", action="store_true", help="scale benchmarks at a tenth of the sizes")
    args = parser.parse_args(argv)

    if args.write_readme:  # fail before spending a minute measuring
        try:
            splice_readme(args.readme.read_text(encoding="utf-8"), "")
        except (OSError, ValueError) as exc:
            print(f"error: cannot write the benchmark table into {args.readme}: {exc}", file=sys.stderr)
            return 1

    sys.path.insert(0, str(ROOT))  # run from a checkout even without the editable install
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="escalate-bench-") as tmp:
        results = [bench_help()]
        results += bench_inprocess(Path(tmp))
        results += bench_adversarial()
        results.append(bench_cli_triage(Path(tmp)))
    scale_results, notify_results = [], []
    if not args.no_scale:
        import notify_bench
        import scale

        progress("scale benchmarks (bulk triage, board, import, metrics)…")
        scale_results = scale.run_all(small=args.small)
        progress("notifier benchmarks (benchmarks/notify_bench.py: 10,000 idle, 1,000 due)…")
        notify_results = notify_bench.run_all(small=args.small)
    meta = {
        "date": date.today().isoformat(),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "cpus": os.cpu_count(),
        "loadavg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
        "seconds": round(time.perf_counter() - started, 1),
        "command": COMMAND,
    }

    if args.write_readme:
        readme = args.readme.read_text(encoding="utf-8")
        block = markdown(results, meta)
        if scale_results:
            import scale

            block += "\n\nAt scale (`benchmarks/scale.py`, one run each unless a median is noted):\n\n" + scale.render(scale_results)
        if notify_results:
            block += "\n\n" + NOTIFY_INTRO + "\n\n" + scale.render(notify_results)
        args.readme.write_text(splice_readme(readme, block), encoding="utf-8")
        progress(f"wrote the table into {args.readme}")
    if args.json:
        print(json.dumps({"meta": meta, "results": [r.as_dict() for r in results], "scale": scale_results,
                          "notify": notify_results},
                         indent=2, ensure_ascii=False))
    else:
        print(plain_table(results))
        if scale_results:
            import scale

            print("\n" + scale.render(scale_results))
        if notify_results:
            print("\n" + scale.render(notify_results))
        print(f"\n{meta['date']}, Python {meta['python']}, {meta['cpus']} cores, {meta['seconds']} s; `{COMMAND}`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
