"""A local stand-in for the Anthropic Messages API on 127.0.0.1, answering in the documented shapes.

Tests start it (pytest-socket allows 127.0.0.1 where a test is marked) and point ANTHROPIC_BASE_URL
or the client's base_url at it; benchmarks/faults.py measures the README's fault table with it.
Behaviours (`StandIn(behaviour)`):

  ok              a valid answer in the mode asked for: structured (output_config.format), an
                  unforced tool, or JSON in text; it rejects a forced tool_choice with a 400, as the
                  current models do
  no_structured   like a local server without structured outputs: output_config is a 400
  text_only       neither output_config nor tools: JSON in the text only
  hang            never answers (until the server stops)
  trickle         sends the headers, then the body one byte every TRICKLE_SECONDS
  rate_limit_3600 429 rate_limit_error with retry-after: 3600
  overloaded      529 overloaded_error (no retry-after: the SDK backs off and retries)
  spend_limit     429 rate_limit_error whose error.details.error_code is enforced_spend_limit_reached
  bad_request     400 invalid_request_error with a message
  flaky_429       the first request a 429 with retry-after-ms: 50 (a wait under the cap), then like ok

Every request body is kept in `bodies`. The server stops itself after LIFETIME seconds at most.
Usage follows the documented arithmetic: input_tokens counts the uncached input; no cache tokens are
reported (the stand-in never caches).
"""

from __future__ import annotations

import http.server
import json
import threading
import time

LIFETIME = 120.0
TRICKLE_SECONDS = 0.2
FORCED_TOOL = ("Forced tool use is not supported for this model: tool_choice type 'tool' returns an error. "
               "Use tool_choice 'auto' or structured outputs (output_config.format).")


def triage_answer() -> dict:
    unknown = {"assessment": "unknown", "evidence": "unknown"}
    keys = [("what", "What exactly is happening?", "the CSV export fails with error 500"),
            ("when", "When did it start?", "Since Tuesday's release"), ("who", "Who is affected?", None),
            ("business_impact", "What is the business impact?", None), ("tried", "What has been tried?", None),
            ("workaround", "Is there a workaround?", "we copy the invoices by hand")]
    return {
        "summary": "CSV export on the Invoices page fails with error 500",
        "impact": {k: dict(unknown) for k in ("customer_tier", "revenue_at_risk", "users_affected", "business_criticality",
                                              "public_exposure", "regulatory")},
        "questions": [{"key": k, "question": q, "answer": a, "follow_up": None if a else f"{q} Please tell us."}
                      for k, q, a in keys],
        "rationale": "The export is broken but invoices can be copied by hand, so a workaround exists.",
        "type": "technical", "severity": "SEV-3",
        "routing": {"team": "Engineering", "tier": "L2", "reason": "A product defect with a workaround."},
    }


ANSWERS = {
    "EngineTriage": triage_answer,
    "DraftAnswer": lambda: {"subject": "We are on it: your CSV export", "body": "Thank you for telling us. We are looking into the export failure now and will update you soon."},
    "RcaProposal": lambda: {"root_cause_reached": False, "root_cause": None, "category": None,
                            "question": "Why did the release checks not catch the failing export?",
                            "rationale": "The answer names a symptom, not a gap we control."},
}


def _title(schema: dict) -> str:
    return schema.get("title", "EngineTriage")


class StandIn:
    def __init__(self, behaviour: str = "ok"):
        self.behaviour = behaviour
        self.bodies: list[dict] = []
        self.stopping = threading.Event()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("content-length") or 0)
                try:
                    body = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    body = {}
                owner.bodies.append(body)
                owner.answer(self, body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        threading.Thread(target=self._watchdog, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _watchdog(self):
        if not self.stopping.wait(LIFETIME):
            self.stopping.set()
            self.httpd.shutdown()

    # -- answers -----------------------------------------------------------------------------------

    def answer(self, handler, body: dict) -> None:
        b = self.behaviour
        if b == "hang":
            self.stopping.wait(LIFETIME)
            return
        if b == "rate_limit_3600":
            return self.error(handler, 429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit.",
                              {"retry-after": "3600"})
        if b == "overloaded":
            return self.error(handler, 529, "overloaded_error", "Overloaded")
        if b == "spend_limit":
            return self.error(handler, 429, "rate_limit_error",
                              "Your organization has reached its monthly usage limit. Access resumes on 2027-01-01 at 00:00 UTC.",
                              details={"error_code": "enforced_spend_limit_reached"})
        if b == "flaky_429" and len(self.bodies) == 1:
            return self.error(handler, 429, "rate_limit_error", "Number of requests has exceeded your per-minute rate limit.",
                              {"retry-after-ms": "50"})
        if b == "bad_request":
            return self.error(handler, 400, "invalid_request_error", "messages.0.content: text content blocks must be non-empty")
        if (body.get("tool_choice") or {}).get("type") == "tool":
            return self.error(handler, 400, "invalid_request_error", FORCED_TOOL)
        if "output_config" in body and b in ("no_structured", "text_only"):
            return self.error(handler, 400, "invalid_request_error", "output_config: Extra inputs are not permitted")
        if body.get("tools") and b == "text_only":
            return self.error(handler, 400, "invalid_request_error", "tools: this server does not support tools")
        self.reply(handler, 200, self.message(body))

    def message(self, body: dict) -> dict:
        fmt = ((body.get("output_config") or {}).get("format") or {}).get("schema")
        tools = body.get("tools") or []
        if fmt:
            data = ANSWERS[_title(fmt)]()
            content = [{"type": "text", "text": json.dumps(data)}]
        elif tools:
            data = ANSWERS[_title(tools[0]["input_schema"])]()
            content = [{"type": "tool_use", "id": "toolu_01StandIn", "name": tools[0]["name"], "input": data}]
        else:
            system = json.dumps(body.get("system"))
            title = next((t for t in ANSWERS if f'\\"title\\": \\"{t}\\"' in system or f'"title": "{t}"' in system), "EngineTriage")
            content = [{"type": "text", "text": json.dumps(ANSWERS[title]())}]
        sent = len(json.dumps(body.get("system"))) + len(json.dumps(body.get("messages")))
        return {"id": f"msg_01StandIn{len(self.bodies):04d}", "type": "message", "role": "assistant",
                "model": body.get("model", "claude-sonnet-5-5"), "content": content,
                "stop_reason": "tool_use" if content[0]["type"] == "tool_use" else "end_turn", "stop_sequence": None,
                "usage": {"input_tokens": sent // 4, "output_tokens": len(json.dumps(content)) // 4,
                          "cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, "service_tier": "standard"}}

    def error(self, handler, status: int, kind: str, message: str, headers: dict | None = None, details: dict | None = None):
        error = {"type": kind, "message": message, **({"details": details} if details else {})}
        self.reply(handler, status, {"type": "error", "error": error, "request_id": "req_011StandIn"}, headers)

    def reply(self, handler, status: int, payload: dict, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            handler.send_header("request-id", "req_011StandIn")
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            if self.behaviour == "trickle":
                for i in range(len(data)):
                    if self.stopping.wait(TRICKLE_SECONDS):
                        return
                    handler.wfile.write(data[i:i + 1])
                    handler.wfile.flush()
            else:
                handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


def seconds(fn) -> tuple[float, object]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value
