"""CPU time per complaint of the in-process offline triage over the 597 CFPB dev complaints, for this
checkout or another one: a comparison that holds on a loaded machine, where wall times do not.

    .venv/bin/python benchmarks/pipeline_cpu.py                 # this checkout
    .venv/bin/python benchmarks/pipeline_cpu.py /path/to/other  # another checkout (git worktree add …)

Run the two one after the other; each is the best of three passes (median and mean, ms).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

CHECKOUT = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else Path(__file__).resolve().parent.parent
sys.path[:0] = [str(CHECKOUT), str(CHECKOUT / "benchmarks")]

from run import Pipeline, cfpb_rows  # noqa: E402  (the checkout's own)

from agent.triage import clean_complaint  # noqa: E402


def main() -> None:
    pipeline = Pipeline()
    texts = [clean_complaint(r["text"], limit=pipeline.policy.max_complaint_chars) for r in cfpb_rows()]
    for text in texts[:150]:  # past the model's switch to columns, the caches warm
        pipeline.run(text)
    best = None
    for _ in range(3):
        times = []
        for text in texts:
            started = time.process_time()
            pipeline.run(text)
            times.append(time.process_time() - started)
        result = (statistics.median(times) * 1e3, statistics.mean(times) * 1e3)
        best = result if best is None or result[0] < best[0] else best
    print(f"{CHECKOUT}: CPU per complaint, median {best[0]:.2f} ms, mean {best[1]:.2f} ms ({len(texts)} CFPB complaints)")


if __name__ == "__main__":
    main()
