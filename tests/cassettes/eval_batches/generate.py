"""Writes the Message Batches cassettes beside this file, in the API's documented format.

    .venv/bin/python tests/cassettes/eval_batches/generate.py

A batch goes: POST /v1/messages/batches (in_progress) → GET …/{id} until processing_status is
"ended" → the SDK's batches.results(), which GETs the batch once more for its results_url and then
streams the results as JSON Lines, in any order (custom_id says which request each answers).
Requests are matched on method, host and path only, so each recorded request carries a short note.

  three_results.yaml  3 requests: triage-00000 a valid answer, triage-00001 an answer that violates
                      the triage schema, triage-00002 errored (results listed out of order)
  fifty_results.yaml  50 requests: even custom_ids the CSV export (SEV-3), odd ones the login outage
                      (SEV-1); all valid but triage-00007 (schema violation) and triage-00010 (errored)
  not_ended.yaml      1 poll still in_progress, then the cancel request
  drafts_batches.yaml the drafts suite on 2 cases: a triage batch (triage-00000 the export, triage-00001
                      the outage), then a draft batch of their 20 drafts (draft-00000 …): all answered
                      but draft-00003 (errored) and draft-00005 (a body too short: schema violation)

`python generate.py drafts` writes drafts_batches.yaml alone, in the structured-output format (the
answer's JSON in a text block, no cache tokens: the prefixes are below Sonnet 5.5's minimum). The three
triage cassettes were since migrated to that format by hand; after writing any of them, run
`make cassette-requests` to put the requests actually sent in place of the notes.
"""

from __future__ import annotations

import copy
import json
import zlib
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
API = "https://api.anthropic.com/v1/messages/batches"
MODEL = "claude-sonnet-4-6"


class _Literal(str):
    pass


yaml.SafeDumper.add_representer(_Literal, lambda d, s: d.represent_scalar("tag:yaml.org,2002:str", s, style="|"))


def interaction(method: str, uri: str, body: str, *, note: str, content_type: str = "application/json") -> dict:
    return {
        "request": {
            "method": method,
            "uri": uri,
            "headers": {"accept": ["application/json"], "anthropic-version": ["2023-06-01"],
                        **({"content-type": ["application/json"]} if method == "POST" else {})},
            "body": json.dumps({"note": note}) if method == "POST" else None,
        },
        "response": {
            "status": {"code": 200, "message": "OK"},
            "headers": {"content-type": [content_type], "request-id": [f"req_011EvalBatch{zlib.crc32(note.encode()):010d}"]},
            "body": {"string": _Literal(body)},
        },
    }


def batch(batch_id: str, status: str, n: int, *, succeeded: int = 0, errored: int = 0, canceling: bool = False) -> str:
    ended = status == "ended"
    data = {
        "id": batch_id,
        "type": "message_batch",
        "processing_status": status,
        "request_counts": {"processing": 0 if ended else n, "succeeded": succeeded, "errored": errored, "canceled": 0, "expired": 0},
        "ended_at": "2026-11-27T10:41:07.503491Z" if ended else None,
        "created_at": "2026-11-27T10:00:02.188301Z",
        "expires_at": "2026-11-28T10:00:02.188301Z",
        "archived_at": None,
        "cancel_initiated_at": "2026-11-27T10:00:03.000000Z" if canceling else None,
        "results_url": f"{API}/{batch_id}/results" if ended else None,
    }
    return json.dumps(data, indent=2) + "\n"


def message(n: int, answer: dict, *, output_tokens: int) -> dict:
    return {
        "id": f"msg_01EvalBatch{n:05d}", "type": "message", "role": "assistant", "model": MODEL,
        "content": [{"type": "tool_use", "id": f"toolu_01EvalBatch{n:05d}", "name": "record_triage", "input": answer}],
        "stop_reason": "tool_use", "stop_sequence": None,
        "usage": {"input_tokens": 339, "output_tokens": output_tokens, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 1534, "service_tier": "batch"},
    }


def succeeded(n: int, answer: dict, output_tokens: int = 642) -> dict:
    return {"custom_id": f"triage-{n:05d}", "result": {"type": "succeeded", "message": message(n, answer, output_tokens=output_tokens)}}


def errored(n: int) -> dict:
    return {"custom_id": f"triage-{n:05d}", "result": {"type": "errored", "error": {
        "type": "error", "error": {"type": "invalid_request_error", "message": "max_tokens: Field required"},
        "request_id": f"req_011EvalBatchErr{n:03d}"}}}


UNKNOWN = {"assessment": "unknown", "evidence": "unknown"}
EXPORT = {
    "severity": "SEV-3",
    "type": "technical",
    "rationale": "The CSV export is broken for the finance team but they copy invoices by hand, so a workaround exists.",
    "summary": "CSV export on the Invoices page fails with error 500 since Tuesday's release",
    "impact": {
        "customer_tier": {"assessment": "standard", "evidence": "unknown"},
        "revenue_at_risk": UNKNOWN,
        "users_affected": {"assessment": "about 12 finance users", "evidence": "about 12 users"},
        "business_criticality": {"assessment": "high: month-end close", "evidence": "We need the export for month-end close on Friday"},
        "public_exposure": UNKNOWN,
        "regulatory": UNKNOWN,
    },
    "questions": [{"key": k, "question": q, "answer": a, "follow_up": None} for k, q, a in [
        ("what", "What exactly is happening?", "the CSV export on the Invoices page fails with error 500"),
        ("when", "When did it start?", "Since Tuesday's release"),
        ("who", "Who is affected?", "the finance team, about 12 users"),
        ("business_impact", "What is the business impact?", "We need the export for month-end close on Friday"),
        ("tried", "What has been tried?", "We tried Chrome and Firefox and cleared the cache"),
        ("workaround", "Is there a workaround?", "For now we copy the invoices by hand"),
    ]],
    "routing": {"team": "Engineering", "tier": "L2", "reason": "A technical defect at SEV-3 is owned by Engineering at L2."},
}
OUTAGE = {
    "severity": "SEV-1",
    "type": "technical",
    "rationale": "Nobody among 400 agents can log in and there is no workaround: a full outage of the console.",
    "summary": "None of the 400 support agents can log in to the console since 9am (502 Bad Gateway)",
    "impact": {
        "customer_tier": {"assessment": "standard", "evidence": "unknown"},
        "revenue_at_risk": {"assessment": "about $20,000 per hour", "evidence": "losing roughly $20,000 per hour"},
        "users_affected": {"assessment": "400 agents", "evidence": "none of our 400 support agents can log in"},
        "business_criticality": {"assessment": "critical: phone queue piling up", "evidence": "our phone queue is piling up"},
        "public_exposure": UNKNOWN,
        "regulatory": UNKNOWN,
    },
    "questions": [{"key": k, "question": q, "answer": a, "follow_up": f} for k, q, a, f in [
        ("what", "What exactly is happening?", "every login attempt ends on a 502 Bad Gateway page", None),
        ("when", "When did it start?", "Since 9am this morning", None),
        ("who", "Who is affected?", "all 400 support agents", None),
        ("business_impact", "What is the business impact?", "losing roughly $20,000 per hour in missed renewals", None),
        ("tried", "What has been tried?", "clearing caches, different browsers and the backup VPN", None),
        ("workaround", "Is there a workaround?", None, "Is there any way for agents to reach the console at all?"),
    ]],
    "routing": {"team": "Engineering", "tier": "Incident Commander", "reason": "A full outage is SEV-1, led by the Incident Commander."},
}


def violating(answer: dict) -> dict:
    bad = copy.deepcopy(answer)
    bad["severity"] = "P1"  # a ticketing system's priority instead of a severity
    del bad["routing"]
    return bad


def jsonl(lines: list[dict]) -> str:
    return "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)


def write(path: Path, interactions: list[dict]) -> None:
    path.write_text(yaml.safe_dump({"interactions": interactions, "version": 1}, sort_keys=False, allow_unicode=True, width=200),
                    encoding="utf-8")


def ended_batch(batch_id: str, n: int, results: list[dict]) -> list[dict]:
    ok = sum(r["result"]["type"] == "succeeded" for r in results)
    url = f"{API}/{batch_id}"
    return [
        interaction("POST", API, batch(batch_id, "in_progress", n), note=f"create: {n} triage requests"),
        interaction("GET", url, batch(batch_id, "in_progress", n), note="poll 1"),
        interaction("GET", url, batch(batch_id, "ended", n, succeeded=ok, errored=n - ok), note="poll 2"),
        interaction("GET", url, batch(batch_id, "ended", n, succeeded=ok, errored=n - ok), note="results(): the results_url"),
        interaction("GET", f"{url}/results", jsonl(results), note="results", content_type="application/binary"),
    ]


def main() -> None:
    three = [errored(2), succeeded(0, EXPORT), succeeded(1, violating(OUTAGE), output_tokens=610)]
    write(HERE / "three_results.yaml", ended_batch("msgbatch_01EvalBatchThree", 3, three))
    fifty = []
    for n in range(50):
        answer = EXPORT if n % 2 == 0 else OUTAGE
        fifty.append(errored(n) if n == 10 else succeeded(n, violating(answer), 610) if n == 7 else succeeded(n, answer))
    fifty.reverse()  # the API does not keep the order of the requests
    write(HERE / "fifty_results.yaml", ended_batch("msgbatch_01EvalBatchFifty", 50, fifty))
    batch_id = "msgbatch_01EvalBatchSlow"
    write(HERE / "not_ended.yaml", [
        interaction("POST", API, batch(batch_id, "in_progress", 2), note="create: 2 triage requests"),
        interaction("POST", f"{API}/{batch_id}/cancel", batch(batch_id, "canceling", 2, canceling=True), note="cancel"),
    ])


SYNTHETIC = ("# synthetic: written in the Messages API's documented format, not recorded from the API. Message Batches "
             "answers scripted per case (errors, schema violations, out-of-order results); never re-recorded.\n")
CURRENT = "claude-sonnet-5-5"


def structured(n: int, custom_id: str, answer: dict, *, input_tokens: int, output_tokens: int) -> dict:
    """A succeeded result line whose message answers in the structured-output format."""
    return {"custom_id": custom_id, "result": {"type": "succeeded", "message": {
        "id": f"msg_01DraftBatch{n:05d}", "type": "message", "role": "assistant", "model": CURRENT,
        "content": [{"type": "text", "text": json.dumps(answer, ensure_ascii=False)}],
        "stop_reason": "end_turn", "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens, "cache_creation_input_tokens": 0,
                  "cache_read_input_tokens": 0, "service_tier": "batch"}}}}


def draft_answer(n: int) -> dict:
    if n == 5:
        return {"subject": "Update", "body": "On it."}  # body under 20 characters: violates the draft schema
    return {"subject": "Where things stand on your escalation",
            "body": ("Hello Acme team,\n\nThank you for your patience. We have the issue in hand and are working "
                     "through it; I will write again with the next update as promised.\n\nBest regards,\n"
                     "Customer Support\n")}


def drafts() -> None:
    triage = [structured(1, "triage-00001", OUTAGE, input_tokens=1480, output_tokens=640),
              structured(0, "triage-00000", EXPORT, input_tokens=1452, output_tokens=655)]
    lines = []
    for n in reversed(range(20)):  # results come back in any order
        if n == 3:
            lines.append({"custom_id": "draft-00003", "result": {"type": "errored", "error": {
                "type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"},
                "request_id": "req_011DraftBatchErr003"}}})
        else:
            lines.append(structured(100 + n, f"draft-{n:05d}", draft_answer(n), input_tokens=2100 + 10 * n, output_tokens=180))
    interactions = ended_batch("msgbatch_01DraftsTriage", 2, triage)
    interactions[0]["request"]["body"] = json.dumps({"note": "create: 2 triage requests"})
    drafting = ended_batch("msgbatch_01DraftsDrafts", 20, lines)
    drafting[0]["request"]["body"] = json.dumps({"note": "create: 20 draft requests"})
    path = HERE / "drafts_batches.yaml"
    write(path, [*interactions, *drafting])
    path.write_text(SYNTHETIC + path.read_text(encoding="utf-8"), encoding="utf-8")


if __name__ == "__main__":
    import sys

    drafts() if sys.argv[1:] == ["drafts"] else main()
