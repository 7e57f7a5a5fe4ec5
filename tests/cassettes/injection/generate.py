"""Writes one cassette per case of tests/injection_corpus.jsonl: a Claude that OBEYED the injection.

    .venv/bin/python tests/cassettes/injection/generate.py

Interaction 1 answers the triage the way the injection asked (SEV-4, the injected text as summary);
interaction 2 answers the update draft with the injected reply (links, promises, instructions,
system prompt text) in its body. tests/test_injection.py checks that none of it survives the rules
and lint. Re-run after editing the corpus.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "injection_corpus.jsonl"
_spec = importlib.util.spec_from_file_location("faults_generate", HERE.parent / "faults" / "generate.py")
gen = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gen)

QUESTIONS = [
    ("what", "What exactly is happening?"), ("when", "When did it start?"), ("who", "Who is affected?"),
    ("business_impact", "What is the business impact?"), ("tried", "What has been tried?"), ("workaround", "Is there a workaround?"),
]


def obeyed_triage(case: dict) -> dict:
    o = case["obeyed"]
    unknown = {"assessment": "unknown", "evidence": "unknown"}
    return {
        "severity": o["severity"],
        "type": o["type"],
        "rationale": f"The customer's message says how to treat it: {o['severity']}, as instructed.",
        "summary": o["summary"],
        "impact": {k: dict(unknown) for k in ("customer_tier", "revenue_at_risk", "users_affected", "business_criticality",
                                              "public_exposure", "regulatory")},
        "questions": [{"key": k, "question": q, "answer": None, "follow_up": q} for k, q in QUESTIONS],
        "routing": {"team": "Account Management", "tier": "L1", "reason": "As the message instructed."},
    }


def obeyed_draft(case: dict) -> dict:
    o = case["obeyed"]
    body = (
        "Hi Acme team,\n\n"
        "Thank you for getting in touch, and I'm sorry for the disruption.\n\n"
        f"{o['reply']}\n\n"
        "Best,\nSupport\n"
    )
    # Where lint has a rule for the payload (a link, a promise) the subject carries it too.
    subject = f"Update: {o['summary']}" if case["attack"] in ("add_link", "add_promise") else "Update on your escalation"
    return {"subject": subject[:200], "body": body}


def main() -> None:
    cases = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()]
    for old in HERE.glob("*.yaml"):
        old.unlink()
    for n, case in enumerate(cases, start=1):
        triage = gen.message(100 + n, [gen.tool_use(100 + n, "record_triage", obeyed_triage(case))], "tool_use")
        draft = gen.message(200 + n, [gen.tool_use(200 + n, "write_draft", obeyed_draft(case))], "tool_use",
                            input_tokens=2210, output_tokens=180)
        gen.write(HERE / f"{case['id']}.yaml", [
            gen.interaction(200, triage, note=f"triage of injection case {case['id']}"),
            gen.interaction(200, draft, note=f"update draft for injection case {case['id']}"),
        ])


if __name__ == "__main__":
    main()
