"""Claude through the anthropic SDK: a forced tool call whose input schema is EngineTriage.

The only module that imports `anthropic`. HTTP retries are the SDK's (`max_retries`); schema
re-asks are tenacity's (at most two, the validation error sent back as an error tool_result).
Any failure raises EngineError carrying every call made, so the caller can log them and fall back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
import unicodedata
from datetime import datetime, timezone

import anthropic
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from ..errors import EngineError
from ..policy import Policy, default_policy
from ..prompts import prompt_hash, render
from ..redact import Redaction
from ..schemas import Draft, EngineTriage, ModelCall
from ..signals import Signals
from . import EngineResult, TriageRequest

DEFAULT_MODEL = "claude-sonnet-4-6"
TOOL_NAME = "record_triage"
DRAFT_TOOL = "write_draft"
MAX_REASKS = 2
BATCH_POLL_SECONDS = 30.0  # how often a message batch is polled ...
BATCH_MAX_WAIT = 6 * 3600.0  # ... and for how long before it is cancelled (the API allows 24 h)
_TAG = re.compile(r"<(\s*/?\s*(?:complaint|skeleton|facts))", re.IGNORECASE)
# Characters a model may read as "<", and letters that pass for Latin ones ("</сomplaint>" in Cyrillic).
_LOOKALIKE = {"\u2329": "<", "\u3008": "<", "\u27e8": "<", "\u02c2": "<", "\u1438": "<", "\u276e": "<", "\u2039": "<",
              "\u0430": "a", "\u0441": "c", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0456": "i", "\u0131": "i",
              "\u04cf": "l", "\u0455": "s", "\u03bf": "o", "\u0391": "A", "\u039f": "O", "\u0421": "C", "\u041e": "O"}


def neutralise(text: str) -> str:
    """Customer text cannot open or close the <complaint> (or <skeleton>, <facts>) element that fences it,
    not even with look-alikes: fullwidth ＜/complaint＞, zero-width characters inside the tag, Cyrillic letters."""
    folded, origin = [], []
    for i, ch in enumerate(text):
        if ch.isascii():
            folded.append(ch)
            origin.append(i)
        elif unicodedata.category(ch) != "Cf":  # zero-width and other invisible format characters vanish
            for c in _LOOKALIKE.get(ch) or unicodedata.normalize("NFKC", ch):
                folded.append(c)
                origin.append(i)
    flat = "".join(folded)
    out, at = [], 0
    for m in _TAG.finditer(flat):
        start, end = origin[m.start()], origin[m.end() - 1] + 1
        if start < at:  # a look-alike that expands to several characters already handled
            continue
        out.append(text[at:start] + "‹" + m.group(1))
        at = end
    return "".join(out) + text[at:] if out else text


def schema_hash(schema: dict) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:16]


class SchemaViolation(Exception):
    pass


class DraftAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=20, max_length=8000)


class AnthropicEngine:
    name = "anthropic"

    def __init__(
        self,
        *,
        model: str | None = None,
        client: anthropic.Anthropic | None = None,
        policy: Policy | None = None,
        max_retries: int = 2,
        timeout: float = 60.0,
        max_tokens: int = 2048,
        redact: bool = True,
    ):
        self.model = model or os.environ.get("ESCALATE_MODEL") or DEFAULT_MODEL
        # base_url=None lets the SDK read ANTHROPIC_BASE_URL (Ollama, LiteLLM, llama.cpp ...).
        self.client = client or anthropic.Anthropic(max_retries=max_retries, timeout=timeout)
        self.policy = policy or default_policy()
        self.max_tokens = max_tokens
        self.redact = redact  # personal data and secrets become placeholders before anything is sent (agent/redact.py)
        self.schema = EngineTriage.model_json_schema()
        self.tool = {
            "name": TOOL_NAME,
            "description": "Record the triage of one customer complaint.",
            "input_schema": self.schema,
        }

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        system, user, hide = self._triage_prompt(request)
        answer, calls = self._structured(self.tool, EngineTriage, system, user, "triage", ("triage_system.j2", "triage_user.j2"))
        if hide and hide.placeholders:  # the local record quotes the real words
            answer = EngineTriage.model_validate(hide.restore_data(answer.model_dump(mode="json")))
        return EngineResult(answer=_safe_summary(answer, signals), engine=self.name, model=self.model, calls=calls)

    def _triage_prompt(self, request: TriageRequest) -> tuple[str, str, Redaction | None]:
        """The system prompt, and the user turn with the complaint redacted and fenced in <complaint>."""
        system = render("triage_system.j2", severities=list(self.policy.severities.items()))
        hide = Redaction() if self.redact else None
        user = render(
            "triage_user.j2", complaint=neutralise(_hidden(hide, request.complaint)), customer=_hidden(hide, request.customer),
            tier=request.tier.value,
        )
        return system, user, hide

    def draft(self, kind: str, audience: str, facts: dict, skeleton_template: str) -> tuple[Draft, list[ModelCall]]:
        """Warm, specific prose inside the structure of the offline skeleton; lint checks it after."""
        skeleton = render(skeleton_template, **facts)
        system = render("draft_system.j2", company=self.policy.company.name)
        hide = Redaction() if self.redact else None
        user = render(
            "draft_user.j2", kind=kind, audience=audience, skeleton=neutralise(_hidden(hide, skeleton)),
            facts=neutralise(_hidden(hide, json.dumps({k: v for k, v in facts.items() if k != "complaint_excerpt"}, ensure_ascii=False, indent=1))),
            complaint=neutralise(_hidden(hide, facts.get("complaint_excerpt", ""))),
        )
        tool = {"name": DRAFT_TOOL, "description": "Return the drafted message.", "input_schema": DraftAnswer.model_json_schema()}
        answer, calls = self._structured(tool, DraftAnswer, system, user, f"draft:{kind}", ("draft_system.j2", "draft_user.j2"))
        if hide and hide.placeholders:  # real values back, locally; a credential is never written into a message
            answer = DraftAnswer.model_construct(**hide.restore_data(answer.model_dump(), withhold=("SECRET",)))
        return Draft(kind=kind, subject=answer.subject, body=answer.body, engine=self.name), calls

    def _structured(self, tool: dict, model, system: str, user: str, prompt_name: str, templates: tuple[str, ...]):
        """One forced tool call, validated by `model`; re-asked with the error at most MAX_REASKS times."""
        messages: list[dict] = [{"role": "user", "content": user}]
        calls: list[ModelCall] = []
        name = tool["name"]
        record = dict(
            prompt_name=prompt_name,
            prompt_hash=":".join(prompt_hash(t) for t in templates),
            schema_hash=schema_hash(tool["input_schema"]),
            model=self.model,
        )

        def ask():
            response = self._call(system, messages, calls, tool, record)
            block = next((b for b in response.content if b.type == "tool_use"), None)
            if block is None:
                calls[-1].error = f"answered without calling {name}"
                raise EngineError(f"Claude answered without calling {name}", calls)
            try:
                return model.model_validate(block.input)
            except ValidationError as exc:
                problems = summarise(exc)
                # The row must say why this answer was not used, not look like a good call.
                calls[-1].error = f"schema violation: {problems}"
                messages.append({"role": "assistant", "content": [block.model_dump(include={"type", "id", "name", "input"})]})
                messages.append(
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "tool_result",
                                "tool_use_id": block.id,
                                "is_error": True,
                                "content": f"The input did not match the schema; call {name} again with these fixed:\n{exc}",
                            }
                        ],
                    }
                )
                raise SchemaViolation(problems) from exc

        try:
            for attempt in Retrying(
                stop=stop_after_attempt(1 + MAX_REASKS), retry=retry_if_exception_type(SchemaViolation), reraise=True
            ):
                with attempt:
                    answer = ask()
        except SchemaViolation as exc:
            what = "triage" if name == TOOL_NAME else "draft"
            raise EngineError(f"Claude's answer violated the {what} schema {1 + MAX_REASKS} times (last: {exc})", calls)
        return answer, calls

    def _call(self, system: str, messages: list[dict], calls: list[ModelCall], tool: dict, record: dict):
        started = time.perf_counter()
        record = {**record, "at": datetime.now(timezone.utc)}
        try:
            response = self.client.messages.create(**self._params(system, messages, tool))
        except Exception as exc:  # every SDK or transport failure becomes a fallback, never a crash
            reason = describe_failure(exc)
            calls.append(ModelCall(**record, latency_ms=_ms(started), error=reason))
            raise EngineError(reason, calls) from exc
        return self._accept(response, calls, record, started)

    def _params(self, system: str, messages: list[dict], tool: dict) -> dict:
        """The forced tool call's parameters: what messages.create gets, and each request of a message batch."""
        return dict(
            model=self.model,
            max_tokens=self.max_tokens,
            system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            messages=messages,
            tools=[tool],
            tool_choice={"type": "tool", "name": tool["name"]},
        )

    def _accept(self, response, calls: list[ModelCall], record: dict, started: float):
        """Log the answer as a call; a non-message, a refusal or a cut-off answer is an EngineError."""
        if not _is_message(response):  # a proxy's HTML page, or JSON that is not a Message: the SDK hands it through
            calls.append(ModelCall(**record, latency_ms=_ms(started), raw=str(response)[:2000], error=NOT_A_MESSAGE))
            raise EngineError(NOT_A_MESSAGE, calls)
        usage = response.usage
        call = ModelCall(
            **record,
            latency_ms=_ms(started),
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_input_tokens=getattr(usage, "cache_read_input_tokens", None),
            cache_creation_input_tokens=getattr(usage, "cache_creation_input_tokens", None),
            stop_reason=response.stop_reason,
            raw=response.model_dump_json(include={"id", "model", "content", "stop_reason", "usage"}),
        )
        calls.append(call)
        if response.stop_reason == "refusal":
            call.error = "refusal"
            raise EngineError("Claude declined to answer (stop_reason: refusal)", calls)
        if response.stop_reason == "max_tokens":
            call.error = f"cut off at max_tokens={self.max_tokens}"
            raise EngineError(f"Claude's answer was cut off at max_tokens={self.max_tokens}", calls)
        return response

    def rca_why(self, facts: dict):
        """The next 5-Whys question, or the systemic root cause reached: one forced tool call validated by
        RcaProposal (agent/rca.py then checks it with the blameless rules)."""
        from ..schemas.rca import RcaProposal

        chain = [{**w, "question": _fenced(w["question"]), "answer": _fenced(w["answer"])} for w in facts["chain"]]
        system = render("rca_system.j2", max_levels=facts["max_levels"])
        user = render("rca_user.j2", problem=_fenced(facts["problem"]), chain=chain, severity=facts["severity"],
                      type=facts["type"], level=len(chain), max_levels=facts["max_levels"])
        tool = {"name": RCA_TOOL, "description": "Propose the next why question, or the root cause reached.",
                "input_schema": RcaProposal.model_json_schema()}
        return self._structured(tool, RcaProposal, system, user, "rca:why", ("rca_system.j2", "rca_user.j2"))

    def triage_batch(self, requests: list[TriageRequest], signals: list[Signals] | None = None, *,
                     poll_seconds: float | None = None, max_wait: float | None = None,
                     sleep=None, on_poll=None) -> list[EngineResult | EngineError]:
        """Many triages through the Message Batches API (half price; a batch ends within 24 h).

        Each request is the forced tool call `triage` makes, redacted and fenced the same way. The
        batch is polled every `poll_seconds` until it ends, for at most `max_wait` seconds (then it
        is cancelled). Each succeeded answer passes the same checks as a single call, but a schema
        violation is not re-asked (that would be a second round trip): it is an EngineError, like an
        errored, expired or cancelled request, so the caller falls back for that case alone. A batch
        that cannot be created, polled or read is an EngineError for every case. Results are matched
        to requests by custom_id (they come back in any order)."""
        if not requests:
            return []
        poll = BATCH_POLL_SECONDS if poll_seconds is None else poll_seconds
        limit = BATCH_MAX_WAIT if max_wait is None else max_wait
        sleep = sleep or time.sleep
        signals = signals or [Signals.read(r.complaint, r.tier) for r in requests]
        record = dict(prompt_name="triage", prompt_hash=":".join(prompt_hash(t) for t in ("triage_system.j2", "triage_user.j2")),
                      schema_hash=schema_hash(self.tool["input_schema"]), model=self.model, at=datetime.now(timezone.utc))
        started = time.perf_counter()
        hides, entries = [], []
        for i, request in enumerate(requests):
            system, user, hide = self._triage_prompt(request)
            hides.append(hide)
            entries.append({"custom_id": batch_id_of(i),
                            "params": self._params(system, [{"role": "user", "content": user}], self.tool)})

        def every_case(reason: str) -> list[EngineResult | EngineError]:
            return [EngineError(reason, [ModelCall(**record, latency_ms=_ms(started), error=reason)]) for _ in requests]

        batch = None
        try:
            batch = self.client.messages.batches.create(requests=entries)
            waiting = time.monotonic()
            while batch.processing_status != "ended":
                if on_poll is not None:  # e.g. a progress bar following the batch's request counts
                    on_poll(batch)
                if time.monotonic() - waiting >= limit:
                    self._cancel(batch.id)
                    return every_case(f"the message batch {batch.id} did not end within {limit:g} s: cancelled")
                sleep(poll)
                batch = self.client.messages.batches.retrieve(batch.id)
            results = {line.custom_id: line.result for line in self.client.messages.batches.results(batch.id)}
        except Exception as exc:  # any SDK or transport failure: every case falls back, never a crash
            where = f"the message batch {batch.id}" if batch is not None and getattr(batch, "id", None) else "the message batch"
            return every_case(f"{where} failed: {describe_failure(exc)}")
        return [self._batch_answer(results.get(batch_id_of(i)), hides[i], signals[i], record, started)
                for i in range(len(requests))]

    def _batch_answer(self, result, hide: Redaction | None, signals: Signals, record: dict, started: float):
        """One result line of a batch: an EngineResult, or the EngineError its case falls back on."""
        calls: list[ModelCall] = []
        try:
            kind = getattr(result, "type", None)
            if kind != "succeeded":
                if result is None:
                    reason = "the message batch returned no result for this request"
                elif kind == "errored":
                    error = getattr(getattr(result, "error", None), "error", None)
                    reason = (f"the batch request errored: {getattr(error, 'type', 'error')}: "
                              f"{getattr(error, 'message', '') or 'no message'}")
                else:
                    reason = f"the batch request {kind or 'returned an unreadable result'}"
                calls.append(ModelCall(**record, latency_ms=_ms(started), error=reason))
                return EngineError(reason, calls)
            response = self._accept(result.message, calls, record, started)
            block = next((b for b in response.content if b.type == "tool_use"), None)
            if block is None:
                calls[-1].error = f"answered without calling {TOOL_NAME}"
                return EngineError(f"Claude answered without calling {TOOL_NAME}", calls)
            try:
                answer = EngineTriage.model_validate(block.input)
            except ValidationError as exc:
                problems = summarise(exc)
                calls[-1].error = f"schema violation: {problems}"
                return EngineError(f"Claude's batch answer violated the triage schema (not re-asked in a batch: {problems})", calls)
        except EngineError as exc:
            return exc
        if hide and hide.placeholders:
            answer = EngineTriage.model_validate(hide.restore_data(answer.model_dump(mode="json")))
        return EngineResult(answer=_safe_summary(answer, signals), engine=self.name, model=self.model, calls=calls)

    def _cancel(self, batch_id: str) -> None:
        try:
            self.client.messages.batches.cancel(batch_id)
        except Exception:  # the batch expires by itself within 24 h
            pass


def _safe_summary(answer: EngineTriage, signals: Signals) -> EngineTriage:
    """The summary heads every customer message. One that carries what an injected complaint asked for
    (a link, an instruction, a promise, a severity label, system prompt text) is replaced by the offline
    engine's summary, and the rationale says so."""
    from ..assess import summarize
    from ..injection import smuggled

    tainted = smuggled(answer.summary) + (["a severity label"] if re.search(r"\bSEV-?\s?\d", answer.summary, re.I) else [])
    if not tainted:
        return answer
    return answer.model_copy(update={
        "summary": summarize(signals),
        "rationale": f"{answer.rationale.rstrip()} (Claude's summary was replaced by the offline one: it carried {', '.join(tainted)}.)",
    })


def _hidden(hide: Redaction | None, text: str) -> str:
    return hide.apply(text) if hide is not None else text


def summarise(exc: ValidationError, limit: int = 3) -> str:
    """One line naming each schema problem by its path: 'severity: Input should be ...; routing: Field required'."""
    errors = exc.errors(include_url=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in errors[:limit]]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


NOT_A_MESSAGE = "the Anthropic API returned a response that is not a valid message"


def _is_message(response) -> bool:
    try:
        anthropic.types.Message.model_validate(response.model_dump() if isinstance(response, BaseModel) else response)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


def describe_failure(exc: Exception) -> str:
    if isinstance(exc, anthropic.APITimeoutError):
        return "the Anthropic API timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        return "could not connect to the Anthropic API"
    if isinstance(exc, anthropic.APIStatusError):
        names = {429: "rate limited", 529: "overloaded", 500: "internal error", 401: "authentication failed", 400: "bad request"}
        name = names.get(exc.status_code, "error")
        retry_after = exc.response.headers.get("retry-after") if exc.response is not None else None
        hint = f", retry after {retry_after}s" if retry_after else ""
        return f"Anthropic API {exc.status_code} {name}{hint}"
    if isinstance(exc, anthropic.APIResponseValidationError):
        return NOT_A_MESSAGE
    if isinstance(exc, json.JSONDecodeError):
        return "the Anthropic API returned a response that is not JSON"
    return f"the Anthropic API call failed: {type(exc).__name__}"


# -- the 5-Whys RCA interview (agent/rca.py checks every proposal with the blameless rules) -----

RCA_TOOL = "propose_next_why"
_FENCE = re.compile(r"<(\s*/?\s*(?:problem|chain))", re.IGNORECASE)


def _fenced(text: str) -> str:
    """Reviewer text cannot open or close the elements that fence it."""
    return _FENCE.sub(r"‹\1", neutralise(str(text)))


def batch_id_of(index: int) -> str:
    """A batch request's custom_id (the API allows [a-zA-Z0-9_-]{1,64})."""
    return f"triage-{index:05d}"
