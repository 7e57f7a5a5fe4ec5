"""Writes the fault cassettes beside this file: Messages API responses as the API documents them.

    .venv/bin/python tests/cassettes/faults/generate.py

Requests are matched on method, host and path only, so each recorded request carries a short note
instead of the full prompt (tests/test_engine_anthropic.py's cassettes show a whole request).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
URI = "https://api.anthropic.com/v1/messages"
MODEL = "claude-sonnet-4-6"


class _Literal(str):
    pass


yaml.SafeDumper.add_representer(_Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|"))


def interaction(status: int, body: dict | str, *, message: str = "OK", headers: dict | None = None, note: str) -> dict:
    text = body if isinstance(body, str) else json.dumps(body, indent=2, ensure_ascii=False) + "\n"
    return {
        "request": {
            "method": "POST",
            "uri": URI,
            "headers": {"accept": ["application/json"], "content-type": ["application/json"], "anthropic-version": ["2023-06-01"]},
            "body": json.dumps({"model": MODEL, "note": note}),
        },
        "response": {
            "status": {"code": status, "message": message},
            "headers": {"content-type": ["application/json"], **(headers or {})},
            "body": {"string": _Literal(text)},
        },
    }


def write(path: Path, interactions: list[dict]) -> None:
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True, width=200),
                    encoding="utf-8")


def error(kind: str, message: str, n: int) -> dict:
    return {"type": "error", "error": {"type": kind, "message": message}, "request_id": f"req_011FaultS{n:03d}"}


def message(n: int, content: list[dict], stop_reason: str, *, input_tokens: int = 1873, output_tokens: int = 640) -> dict:
    return {
        "id": f"msg_01FaultS{n:03d}", "type": "message", "role": "assistant", "model": MODEL, "content": content,
        "stop_reason": stop_reason, "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 1534, "service_tier": "standard"},
    }


def tool_use(n: int, name: str, data: dict) -> dict:
    return {"type": "tool_use", "id": f"toolu_01FaultS{n:03d}", "name": name, "input": data}


QUESTIONS = [
    ("what", "What exactly is happening?", "the CSV export on the Invoices page fails with error 500"),
    ("when", "When did it start?", "Since Tuesday's release"),
    ("who", "Who is affected?", "the finance team, about 12 users"),
    ("business_impact", "What is the business impact?", "We need the export for month-end close on Friday"),
    ("tried", "What has been tried?", "We tried Chrome and Firefox and cleared the cache"),
    ("workaround", "Is there a workaround?", "For now we copy the invoices by hand"),
]
UNKNOWN = {"assessment": "unknown", "evidence": "unknown"}
VALID = {
    "severity": "SEV-3",
    "type": "technical",
    "rationale": "The CSV export is broken for the finance team but they copy invoices by hand, so a workaround exists.",
    "summary": "CSV export on the Invoices page fails with error 500 since Tuesday's release",
    "impact": {
        "customer_tier": {"assessment": "business", "evidence": "unknown"},
        "revenue_at_risk": UNKNOWN,
        "users_affected": {"assessment": "about 12 finance users", "evidence": "about 12 users"},
        "business_criticality": {"assessment": "high: month-end close", "evidence": "We need the export for month-end close on Friday"},
        "public_exposure": UNKNOWN,
        "regulatory": UNKNOWN,
    },
    "questions": [{"key": k, "question": q, "answer": a, "follow_up": None} for k, q, a in QUESTIONS],
    "routing": {"team": "Engineering", "tier": "L2", "reason": "A technical defect at SEV-3 is owned by Engineering at L2."},
}


def invalid(kind: int) -> dict:
    bad = copy.deepcopy(VALID)
    if kind == 1:  # a ticketing system's priority instead of a severity, and no routing
        bad["severity"] = "P2"
        del bad["routing"]
    elif kind == 2:  # the impact as prose instead of six factors
        bad["impact"] = "high"
    else:  # the questions as one string
        bad["questions"] = "what, when, who, business impact, tried, workaround"
    return bad


def main() -> None:
    note = "triage request (body not matched)"
    write(HERE / "rate_limited_429.yaml", [interaction(
        429, error("rate_limit_error", "This request would exceed the rate limit for your organization of 50 requests per minute.", 1),
        message="Too Many Requests", headers={"retry-after": ["17"], "x-should-retry": ["true"]}, note=note)])
    write(HERE / "overloaded_529.yaml", [interaction(529, error("overloaded_error", "Overloaded", 2), message="",
                                                     headers={"x-should-retry": ["true"]}, note=note)])
    write(HERE / "internal_error_500.yaml", [interaction(500, error("api_error", "Internal server error", 3),
                                                         message="Internal Server Error", headers={"x-should-retry": ["true"]}, note=note)])
    write(HERE / "schema_violation_twice_then_valid.yaml", [
        interaction(200, message(4, [tool_use(4, "record_triage", invalid(1))], "tool_use"), note=note),
        interaction(200, message(5, [tool_use(5, "record_triage", invalid(2))], "tool_use", input_tokens=2590), note="first re-ask"),
        interaction(200, message(6, [tool_use(6, "record_triage", VALID)], "tool_use", input_tokens=3305), note="second re-ask"),
    ])
    write(HERE / "schema_violation_three_times.yaml", [
        interaction(200, message(7, [tool_use(7, "record_triage", invalid(1))], "tool_use"), note=note),
        interaction(200, message(8, [tool_use(8, "record_triage", invalid(2))], "tool_use", input_tokens=2590), note="first re-ask"),
        interaction(200, message(9, [tool_use(9, "record_triage", invalid(3))], "tool_use", input_tokens=3305), note="second re-ask"),
    ])
    refusal = message(10, [{"type": "text", "text": "I"}], "refusal", input_tokens=1642, output_tokens=1)
    refusal["stop_details"] = {"type": "refusal", "category": None, "explanation": None}
    write(HERE / "refusal.yaml", [interaction(200, refusal, note=note)])
    cut = {k: VALID[k] for k in ("severity", "type", "rationale")}
    write(HERE / "max_tokens.yaml", [interaction(200, message(11, [tool_use(11, "record_triage", cut)], "max_tokens", output_tokens=2048), note=note)])


if __name__ == "__main__":
    main()
