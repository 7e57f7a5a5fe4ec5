"""The HTTP side of the Claude engine: a total deadline per call, retry-after honoured only up to a cap,
no retry where retrying cannot help, and one line that says what went wrong.

The SDK retries 408, 409, 429, 5xx and connection failures itself (`max_retries`) and obeys any
`retry-after`, however long. `Bounds`, a middleware that runs inside the SDK's retry loop once per
attempt, stops that loop at once (an exception the SDK does not retry) when:
  - the deadline has passed, or a timeout came with too little time left for another attempt;
  - a 429 is a spend limit (`error.details.error_code` enforced_spend_limit_reached): retrying
    cannot succeed before the limit resets;
  - the server asks for a wait (`retry-after`) longer than the cap, or longer than the time left.
`within` runs the call on a worker thread and waits at most until the deadline, so neither a hang
nor a body that trickles in byte by byte (each byte resetting httpx's read timeout) can hold the
caller past it; Ctrl-C interrupts the wait at once.
"""

from __future__ import annotations

import email.utils
import json
import threading
import time
from datetime import datetime, timezone

import anthropic

from ..redact import Redaction

NAMES = {400: "bad request", 401: "authentication failed", 403: "permission denied", 404: "not found",
         413: "request too large", 429: "rate limited", 500: "internal error", 529: "overloaded"}
SPEND_LIMIT = "enforced_spend_limit_reached"
GRACE = 0.25  # seconds the caller waits past the deadline for the worker's own timeout to land


class Stop(Exception):
    """Raised inside the SDK's retry loop: not an APIStatusError or APIConnectionError, so not retried."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()

    def passed(self) -> str:
        return f"the Anthropic API did not answer within the {self.seconds:g} s deadline"


class Attempt:
    """One HTTP attempt as the middleware saw it: when it started, how long it took, what went wrong."""

    def __init__(self):
        self.at = datetime.now(timezone.utc)
        self._started = time.perf_counter()
        self.latency_ms: float | None = None  # None while it is still in flight
        self.error: str | None = None

    def end(self, error: str | None) -> None:
        self.latency_ms = round((time.perf_counter() - self._started) * 1000, 1)
        self.error = error

    def so_far_ms(self) -> float:
        return self.latency_ms if self.latency_ms is not None else round((time.perf_counter() - self._started) * 1000, 1)


class Bounds(anthropic.Middleware):
    """Per attempt: refuse to start past the deadline; end the retry loop where waiting cannot help."""

    def __init__(self, deadline: Deadline, max_retry_after: float):
        self.deadline = deadline
        self.max_retry_after = max_retry_after
        self.last: str | None = None  # the last failed attempt, for the deadline message
        self.attempts: list[Attempt] = []  # every HTTP attempt since the engine last took them

    def take(self) -> list[Attempt]:
        """The attempts made since the last take (the engine logs one model_calls row each)."""
        taken, self.attempts = self.attempts, []
        return taken

    def handle(self, request, call_next):
        if self.deadline.left() <= 0:
            raise Stop(self._late())
        attempt = Attempt()
        self.attempts.append(attempt)
        try:
            response = call_next(request)
        except anthropic.APITimeoutError:
            attempt.end("the Anthropic API timed out")
            if self.deadline.left() <= 1.0:
                raise Stop(self._late()) from None
            self.last = "the Anthropic API timed out"
            raise
        except anthropic.APIConnectionError:
            attempt.end("could not connect to the Anthropic API")
            raise
        except BaseException as exc:
            attempt.end(describe_failure(exc))
            raise
        status = response.status_code
        attempt.end(None if status < 400 else f"Anthropic API {status} {NAMES.get(status, 'error')}")
        if status < 400:
            return response
        http = response.http_response
        error = error_of(http)
        if status == 429 and (error.get("details") or {}).get("error_code") == SPEND_LIMIT:
            said = Redaction().apply(str(error.get("message") or "no message"))[:300]
            raise Stop(f"Anthropic API 429 spend limit reached (not retried): {said}")
        if status in (408, 409, 429) or status >= 500:
            wait = retry_after(http.headers)
            name = "rate limited" if status == 429 else f"Anthropic API {status} {NAMES.get(status, 'error')}"
            if wait is not None and (wait > self.max_retry_after or wait >= self.deadline.left()):
                raise Stop(f"{name}, retry after {wait:g} s (more than this call may wait: fell back at once)")
            self.last = f"Anthropic API {status} {NAMES.get(status, 'error')}"
        return response

    def _late(self) -> str:
        return self.deadline.passed() + (f" (last attempt: {self.last})" if self.last else "")


def within(deadline: Deadline, call, bounds: Bounds | None = None):
    """call() on a daemon thread; its result, its exception, or Stop once the deadline has passed."""
    box: dict = {}
    done = threading.Event()

    def work():
        try:
            box["value"] = call()
        except BaseException as exc:  # handed to the caller's thread
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=work, name="claude-call", daemon=True).start()
    if not done.wait(max(deadline.left(), 0.0) + GRACE):
        raise Stop(bounds._late() if bounds else deadline.passed())
    if "error" in box:
        raise box["error"]
    return box["value"]


def retry_after(headers) -> float | None:
    """Seconds the server asks us to wait (retry-after-ms, retry-after in seconds or as a date)."""
    try:
        return float(headers.get("retry-after-ms")) / 1000
    except (TypeError, ValueError):
        pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        parsed = email.utils.parsedate_tz(value)
        return None if parsed is None else max(0.0, email.utils.mktime_tz(parsed) - time.time())


def error_of(http) -> dict:
    """The `error` object of an API error body ({} when the body is not the documented JSON)."""
    try:
        http.read()
        data = json.loads(http.text or "{}")
    except Exception:
        return {}
    error = data.get("error") if isinstance(data, dict) else None
    return error if isinstance(error, dict) else {}


NOT_A_MESSAGE = "the Anthropic API returned a response that is not a valid message"


def describe_failure(exc: BaseException) -> str:
    """One line for the record's fallback_reason; an API error keeps the API's own message."""
    if isinstance(exc, Stop):
        return exc.reason
    if isinstance(exc, anthropic.APITimeoutError):
        return "the Anthropic API timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        return "could not connect to the Anthropic API"
    if isinstance(exc, anthropic.APIStatusError):
        status = exc.status_code
        body = exc.body if isinstance(exc.body, dict) else {}
        error = body.get("error") if isinstance(body.get("error"), dict) else body
        message = (error or {}).get("message") if isinstance(error, dict) else None
        wait = retry_after(exc.response.headers) if exc.response is not None else None
        hint = f", retry after {wait:g} s" if wait is not None else ""
        # The API's own words, credentials masked: a careless proxy may echo the key it was sent.
        said = f": {Redaction().apply(str(message))[:300]}" if message else ""
        return f"Anthropic API {status} {NAMES.get(status, 'error')}{hint}{said}"
    if isinstance(exc, anthropic.APIResponseValidationError):
        return NOT_A_MESSAGE
    if isinstance(exc, json.JSONDecodeError):
        return "the Anthropic API returned a response that is not JSON"
    return f"the Anthropic API call failed: {type(exc).__name__}"
