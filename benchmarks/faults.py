"""The README's fault table, measured: the triage `escalate triage --engine anthropic --model
claude-sonnet-5-5` runs (the engine built by get_engine from the environment, as the CLI builds it:
the policy's deadline of 30 s, retry-after cap of 10 s and max_retries of 2; nothing overridden),
against the local stand-in (tests/standin.py), one run per fault. The seconds are those of the
triage itself, from the complaint to the stored escalation, so interpreter start-up and imports
are not counted.

    python benchmarks/faults.py            # print the markdown table (about 75 s: two faults wait out the deadline)

Nothing here runs in `make test`.
"""

from __future__ import annotations

import os
import socket
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from standin import StandIn  # noqa: E402

COMPLAINT = ("Since Tuesday's release the CSV export on the Invoices page fails with error 500 for our finance team. "
             "For now we copy the invoices by hand.")
FAULTS = [
    ("a current model (forced tools refused); structured outputs", "ok"),
    ("a 429 with `retry-after: 3600`", "rate_limit_3600"),
    ("a 429 whose `retry-after` is 50 ms, then an answer", "flaky_429"),
    ("a spend-limit 429 (`enforced_spend_limit_reached`)", "spend_limit"),
    ("529 overloaded on every try", "overloaded"),
    ("400 with a message", "bad_request"),
    ("a server that never answers", "hang"),
    ("a body trickling in one byte every 0.2 s", "trickle"),
    ("a local server without structured outputs", "no_structured"),
    ("a local server with neither structured outputs nor tools", "text_only"),
    ("connection refused", None),
]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(url: str, db: Path) -> tuple[float, dict]:
    from agent.engines import get_engine
    from agent.policy import default_policy
    from agent.store import Store
    from agent.triage import triage_complaint

    os.environ.update({"ANTHROPIC_API_KEY": "sk-ant-bench-not-a-real-key", "ANTHROPIC_BASE_URL": url,
                       "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"})
    policy = default_policy()
    engine = get_engine("anthropic", model="claude-sonnet-5-5", policy=policy)
    with Store(db) as store:
        started = time.perf_counter()
        esc = triage_complaint(text=COMPLAINT, customer="Acme", tier="business", store=store, engine=engine, policy=policy)
        seconds = time.perf_counter() - started
    return seconds, {"engine": esc.engine.name, "fallback_reason": esc.engine.fallback_reason}


def main() -> None:
    rows = ["| fault | requests the server saw | seconds | engine | the record's `fallback_reason` |", "|---|--:|--:|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        for i, (name, behaviour) in enumerate(FAULTS):
            db = Path(tmp) / f"{i}.db"
            if behaviour is None:
                seconds, out = run(f"http://127.0.0.1:{closed_port()}", db)
                seen = "0"
            else:
                with StandIn(behaviour) as server:
                    seconds, out = run(server.url, db)
                    seen = str(len(server.bodies))
            reason = out.get("fallback_reason") or "none: Claude answered"
            rows.append(f"| {name} | {seen} | {seconds:.1f} | {out['engine']} | {reason} |")
            print(rows[-1], file=sys.stderr)
    print("\n".join(rows))


if __name__ == "__main__":
    main()
