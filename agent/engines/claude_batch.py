"""Many triages, or many drafts, through the Message Batches API (half price; a batch ends within 24 h).

Each request is the one `AnthropicEngine.triage` (or `.draft`) sends, built by the same code (so redacted and
fenced the same way), with the system prompt cached for an hour: a batch takes longer than the
5-minute TTL. The batch is polled every `poll_seconds` until it ends, for at most `max_wait`
seconds; then it is cancelled, and the answers that had already completed (and are billed) are
still read and used. Each succeeded answer passes the same checks as a single call, but a schema
violation is not re-asked (that would be a second round trip): it is an EngineError, like an
errored, expired or cancelled request, so the caller falls back for that case alone. A batch that
cannot be created, polled or read is an EngineError for every case. Results are matched to
requests by custom_id (they come back in any order).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone

from pydantic import ValidationError

from ..errors import EngineError
from ..schemas import ModelCall
from ..signals import Signals
from . import EngineResult
from .wire import describe_failure

POLL_SECONDS = 30.0  # how often a message batch is polled ...
MAX_WAIT = 6 * 3600.0  # ... and for how long before it is cancelled (the API allows 24 h)
CANCEL_POLLS = 10  # polls after a cancel, waiting for the batch to end with what completed
TTL = "1h"


def batch_id_of(index: int, prefix: str = "triage") -> str:
    """A batch request's custom_id (the API allows [a-zA-Z0-9_-]{1,64})."""
    return f"{prefix}-{index:05d}"


def triage_batch(engine, requests, signals=None, **options) -> list[EngineResult | EngineError]:
    """Each triage request answered by an EngineResult, or the EngineError its case falls back on."""
    from .claude import _safe_summary

    if not requests:
        return []
    signals = signals or [Signals.read(r.complaint, r.tier) for r in requests]
    asks = [engine._triage_ask(r) for r in requests]

    def answered(i: int, answer, calls):
        return EngineResult(answer=_safe_summary(engine._restored(asks[i], answer), signals[i]), engine=engine.name,
                            model=engine.model, calls=calls)

    return run(engine, asks, "triage", answered, **options)


def draft_batch(engine, requests, **options) -> list[tuple | EngineError]:
    """Each draft request (kind, audience, facts, skeleton template) answered by (Draft, calls), or the
    EngineError its draft falls back on (the offline template)."""
    asks = [engine._draft_ask(*r) for r in requests]
    return run(engine, asks, "draft", lambda i, answer, calls: (engine._draft_of(asks[i], requests[i][0], answer), calls),
               **options)


def run(engine, asks, prefix: str, answered, *, poll_seconds: float | None = None, max_wait: float | None = None,
        sleep=None, on_poll=None) -> list:
    """One message batch for these asks (all of one kind, custom_ids `prefix-00000` …); `answered(i, answer,
    calls)` makes the result of each succeeded, valid answer; every other one is an EngineError."""
    from .claude import _ms

    if not asks:
        return []
    poll = POLL_SECONDS if poll_seconds is None else poll_seconds
    limit = MAX_WAIT if max_wait is None else max_wait
    sleep = sleep or time.sleep
    mode = engine.modes()[0]
    records = [{**engine._record(ask, mode), "at": datetime.now(timezone.utc)} for ask in asks]
    started = time.perf_counter()
    entries = [{"custom_id": batch_id_of(i, prefix),
                "params": engine.params(mode, engine._system(ask, mode), [{"role": "user", "content": ask.user}], ask, ttl=TTL)}
               for i, ask in enumerate(asks)]

    def every_case(reason: str) -> list[EngineError]:
        return [EngineError(reason, [ModelCall(**record, latency_ms=_ms(started), error=reason)]) for record in records]

    batch, note = None, None
    client = engine.client
    try:
        batch = client.messages.batches.create(requests=entries)
        waiting = time.monotonic()
        while batch.processing_status != "ended":
            if on_poll is not None:  # e.g. a progress bar following the batch's request counts
                on_poll(batch)
            if time.monotonic() - waiting >= limit:
                note = f"the message batch {batch.id} did not end within {limit:g} s: cancelled"
                client.messages.batches.cancel(batch.id)
                for _ in range(CANCEL_POLLS):
                    batch = client.messages.batches.retrieve(batch.id)
                    if batch.processing_status == "ended":
                        break
                    sleep(poll)
                else:
                    return every_case(note)
                break
            sleep(poll)
            batch = client.messages.batches.retrieve(batch.id)
        results = {line.custom_id: line.result for line in client.messages.batches.results(batch.id)}
    except Exception as exc:  # any SDK or transport failure: every case falls back, never a crash
        where = f"the message batch {batch.id}" if batch is not None and getattr(batch, "id", None) else "the message batch"
        return every_case(note or f"{where} failed: {describe_failure(exc)}")

    out = []
    for i, ask in enumerate(asks):
        got = result_of(engine, results.get(batch_id_of(i, prefix)), ask, records[i], started, mode, note)
        out.append(got if isinstance(got, EngineError) else answered(i, *got))
    return out


def result_of(engine, result, ask, record: dict, started: float, mode: str = "structured", note: str | None = None):
    """One result line of a batch: (the validated answer, its calls), or the EngineError it falls back on."""
    from .claude import _ms, summarise

    calls: list[ModelCall] = []
    kind = getattr(result, "type", None)
    if kind != "succeeded":
        if result is None:
            reason = "the message batch returned no result for this request"
        elif kind == "errored":
            error = getattr(getattr(result, "error", None), "error", None)
            reason = (f"the batch request errored: {getattr(error, 'type', 'error')}: "
                      f"{getattr(error, 'message', '') or 'no message'}")
        else:
            reason = f"the batch request {kind or 'returned an unreadable result'}" + (f" ({note})" if note else "")
        calls.append(ModelCall(**record, latency_ms=_ms(started), error=reason))
        return EngineError(reason, calls)
    try:
        response = engine.accept(result.message, calls, record, started)
        answer = ask.answer.model_validate(engine._answer_of(mode, response, ask, calls))
    except EngineError as exc:
        return exc
    except (ValidationError, ValueError) as exc:
        problems = summarise(exc) if isinstance(exc, ValidationError) else f"not JSON: {exc}"
        calls[-1].error = f"schema violation: {problems}"
        what = "triage" if ask.name == "triage" else "draft"
        return EngineError(f"Claude's batch answer violated the {what} schema (not re-asked in a batch: {problems})", calls)
    return answer, calls


__all__ = ["batch_id_of", "draft_batch", "triage_batch"]
