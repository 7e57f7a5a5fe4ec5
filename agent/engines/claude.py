"""Claude through the anthropic SDK: structured outputs constrained by the Pydantic model's JSON schema.

The only module (with wire.py) that imports `anthropic`. Each answer is asked for with
`output_config.format` (the JSON schema of the Pydantic model, transformed by the SDK's own
`transform_schema`, as `messages.parse` does), validated here, and re-asked with the validation
error at most MAX_REASKS times (tenacity). No tool is ever forced: the current models refuse a
forced tool, and so does any model with thinking on. A server without structured outputs (a local
Anthropic-compatible one) gets an unforced tool definition, then JSON asked for in the text; the
mode that answered is stored with each call. Every request is redacted in one place (`_user`), runs
under one total deadline (wire.py), and any failure raises EngineError carrying every call made.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import anthropic
from anthropic.lib._parse._transform import transform_schema
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from ..errors import EngineError
from ..policy import Policy, default_policy, target_label
from ..prompts import prompt_hash, render
from ..redact import Redaction
from ..schemas import Draft, EngineTriage, ModelCall
from ..signals import Signals
from . import EngineResult, TriageRequest
from .fence import fenced, neutralise  # noqa: F401  (neutralise is part of this module's API)
from .wire import NOT_A_MESSAGE, Bounds, Deadline, Stop, describe_failure, within

# Sonnet 5.5: a current model at $2 / $10 per million tokens, fast, adaptive thinking; see README "Choosing the model".
DEFAULT_MODEL = "claude-sonnet-5-5"
MODES = ("structured", "tool", "text")
MAX_REASKS = 2
MAX_TOKENS = 8192  # room for adaptive thinking before the JSON answer
# Documented minimum cacheable prefix per model (tokens); an unlisted model is assumed to need the
# largest documented one, so a short prefix is never marked for nothing.
MIN_CACHEABLE = {
    "claude-opus-5": 512, "claude-fable-5": 512, "claude-mythos-5": 512,
    "claude-opus-4-8": 1024, "claude-sonnet-5": 1024, "claude-sonnet-4-6": 1024, "claude-sonnet-4-5": 1024,
    "claude-opus-4-7": 2048,
    "claude-opus-4-6": 4096, "claude-opus-4-5": 4096, "claude-haiku-4-5": 4096,
}
MIN_CACHEABLE_UNKNOWN = 4096
CHARS_PER_TOKEN = 4  # a low estimate of tokens (English runs 3-4 characters a token): never over-claims a prefix
_UNSUPPORTED = re.compile(r"not supported|unsupported|does not support|extra inputs|not permitted|unknown (?:field|parameter)|unrecognized", re.I)
_FEATURE = {"structured": re.compile(r"output_config|output_format|json_schema|structured output|response.?format", re.I),
            "tool": re.compile(r"\btools?\b|tool_use|function", re.I)}


def schema_hash(schema: dict) -> str:
    return hashlib.sha256(json.dumps(schema, sort_keys=True).encode()).hexdigest()[:16]


def wire_schema(model: type[BaseModel]) -> dict:
    """The schema output_config.format carries: what messages.parse would send for `model`."""
    return transform_schema(model)


def cacheable(model: str, text: str) -> bool:
    minimum = MIN_CACHEABLE.get(re.sub(r"-\d{8}$", "", model), MIN_CACHEABLE_UNKNOWN)
    return len(text) // CHARS_PER_TOKEN >= minimum


class SchemaViolation(Exception):
    pass


class Unsupported(Exception):
    """The server rejected the output mode itself (a local server without structured outputs)."""


class DraftAnswer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=3, max_length=200)
    body: str = Field(min_length=20, max_length=8000)


@dataclass
class Ask:
    """One question to the model: the prompt, the answer's contract, and the redaction it went through."""

    name: str  # prompt name in the store: triage, draft:<kind>, rca:why
    answer: type[BaseModel]
    system: str  # template name; rendered with `variables` and the mode's answer instruction
    variables: dict
    user: str  # the user turn, already fenced and redacted
    templates: tuple[str, ...]
    tool: str
    hide: Redaction | None


class AnthropicEngine:
    name = "anthropic"

    def __init__(self, *, model: str | None = None, client: anthropic.Anthropic | None = None,
                 policy: Policy | None = None, max_retries: int | None = None, timeout: float | None = None,
                 max_tokens: int = MAX_TOKENS, redact: bool = True, mode: str | None = None):
        self.policy = policy or default_policy()
        self.model = model or os.environ.get("ESCALATE_MODEL") or DEFAULT_MODEL
        self.timeout = timeout or self.policy.llm.timeout_seconds
        self.max_retry_after = self.policy.llm.max_retry_after_seconds
        retries = self.policy.llm.max_retries if max_retries is None else max_retries
        # The SDK reads ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, and ANTHROPIC_BASE_URL (Ollama, LiteLLM, llama.cpp ...).
        self.client = client or anthropic.Anthropic(max_retries=retries)
        self.max_tokens = max_tokens
        self.redact = redact  # personal data and secrets become placeholders before anything is sent (agent/redact.py)
        self.mode = mode or os.environ.get("ESCALATE_OUTPUT_MODE") or "auto"
        if self.mode not in ("auto", *MODES):
            raise ValueError(f"unknown output mode {self.mode!r}: auto, {', '.join(MODES)}")
        self.unsupported: set[str] = set()  # modes this server refused; auto skips them from then on
        self.schema = wire_schema(EngineTriage)

    # -- the three questions --------------------------------------------------------------------

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        ask = self._triage_ask(request)
        answer, calls = self._structured(ask)
        return EngineResult(answer=_safe_summary(self._restored(ask, answer), signals), engine=self.name,
                            model=self.model, calls=calls)

    def draft(self, kind: str, audience: str, facts: dict, skeleton_template: str) -> tuple[Draft, list[ModelCall]]:
        """Warm, specific prose inside the structure of the offline skeleton; lint checks it after."""
        ask = self._draft_ask(kind, audience, facts, skeleton_template)
        answer, calls = self._structured(ask)
        return self._draft_of(ask, kind, answer), calls

    def _draft_ask(self, kind: str, audience: str, facts: dict, skeleton_template: str) -> Ask:
        hide = self._redaction(facts.get("contact"), facts.get("owner"), facts.get("signer"), facts.get("executive"),
                               ours=(facts.get("channel"),))
        shown = {k: v for k, v in facts.items() if k != "complaint_excerpt"}
        user = self._user(hide, "draft_user.j2", kind=kind, audience=audience,
                          skeleton=neutralise(render(skeleton_template, **facts)),
                          facts=neutralise(json.dumps(shown, ensure_ascii=False, indent=1, default=str)),
                          complaint=neutralise(facts.get("complaint_excerpt", "")))
        return Ask(f"draft:{kind}", DraftAnswer, "draft_system.j2", {"company": self.policy.company.name}, user,
                   ("draft_system.j2", "draft_user.j2"), "write_draft", hide)

    def _draft_of(self, ask: Ask, kind: str, answer: DraftAnswer) -> Draft:
        if ask.hide and ask.hide.placeholders:  # real values back, locally; a credential is never written into a message
            answer = DraftAnswer.model_construct(**ask.hide.restore_data(answer.model_dump(), withhold=("SECRET",)))
        return Draft(kind=kind, subject=answer.subject, body=answer.body, engine=self.name)

    def rca_why(self, facts: dict):
        """The next 5-Whys question, or the systemic root cause reached, validated by RcaProposal
        (agent/rca.py then checks it with the blameless rules)."""
        from ..schemas.rca import RcaProposal

        hide = self._redaction(*facts.get("names", ()))
        chain = [{**w, "question": fenced(w["question"]), "answer": fenced(w["answer"])} for w in facts["chain"]]
        user = self._user(hide, "rca_user.j2", problem=fenced(facts["problem"]), chain=chain, severity=facts["severity"],
                          type=facts["type"], level=len(chain), max_levels=facts["max_levels"])
        ask = Ask("rca:why", RcaProposal, "rca_system.j2", {"max_levels": facts["max_levels"]}, user,
                  ("rca_system.j2", "rca_user.j2"), "propose_next_why", hide)
        answer, calls = self._structured(ask)
        return self._restored(ask, answer), calls

    def triage_batch(self, requests, signals=None, **options):
        from .claude_batch import triage_batch

        return triage_batch(self, requests, signals, **options)

    def draft_batch(self, requests, **options):
        """Many drafts through one message batch: each request (kind, audience, facts, skeleton template)
        answered by (Draft, calls) or the EngineError its draft falls back on."""
        from .claude_batch import draft_batch

        return draft_batch(self, requests, **options)

    # -- prompts --------------------------------------------------------------------------------

    def _triage_ask(self, request: TriageRequest) -> Ask:
        hide = self._redaction(request.contact, *request.staff)
        user = self._user(hide, "triage_user.j2", complaint=neutralise(request.complaint),
                          customer=fenced(request.customer), tier=request.tier.value)
        return Ask("triage", EngineTriage, "triage_system.j2", triage_policy(self.policy), user,
                   ("triage_system.j2", "triage_user.j2"), "record_triage", hide)

    def _redaction(self, *names: str | None, ours: tuple[str | None, ...] = ()) -> Redaction | None:
        """The session every text of one request goes through: the names given to the tool are hidden,
        our own details (team channels, the sender's channel, the company's name) are kept."""
        if not self.redact:
            return None
        channels = [t.channel for t in self.policy.teams.values()] + [c for c in ours if c]
        team = self.policy.team
        kept = {self.policy.company.name, self.policy.company.signature, *channels,
                *(t.name for t in self.policy.teams.values()),
                team.company, team.support_team, team.contact_email, team.contact_phone}
        kept |= {part.strip() for c in channels for part in re.split(r"[,;]", c)}  # "a@b.example, +1 555 0100"
        return Redaction(names=tuple(n for n in names if n), keep=tuple(sorted(k for k in kept if k)))

    @staticmethod
    def _user(hide: Redaction | None, template: str, **variables) -> str:
        """THE redaction step: every user turn of every path (triage, drafts, RCA, batches) is built here."""
        text = render(template, **variables)
        return hide.apply(text) if hide is not None else text

    def _system(self, ask: Ask, mode: str) -> str:
        schema = json.dumps(ask.answer.model_json_schema(), ensure_ascii=False)
        answer_with = {
            "structured": "Answer with the JSON object the response format asks for, and nothing else.",
            "tool": f"Answer by calling the {ask.tool} tool once with the whole answer.",
            "text": f"Answer with one JSON object and nothing else (no prose, no code fence), matching this JSON Schema:\n{schema}",
        }[mode]
        return render(ask.system, **ask.variables, answer_with=answer_with)

    def _restored(self, ask: Ask, answer: BaseModel) -> BaseModel:
        """The local record quotes the real words."""
        if not ask.hide or not ask.hide.placeholders:
            return answer
        return type(answer).model_validate(ask.hide.restore_data(answer.model_dump(mode="json")))

    # -- one structured answer ------------------------------------------------------------------

    def modes(self) -> list[str]:
        return [self.mode] if self.mode != "auto" else [m for m in MODES if m not in self.unsupported] or ["text"]

    def _structured(self, ask: Ask):
        """The answer in the first mode the server accepts, re-asked with the error at most MAX_REASKS times,
        all of it within one deadline."""
        deadline = Deadline(self.timeout)
        bounds = Bounds(deadline, self.max_retry_after)
        client = self.client.with_middleware(bounds)
        calls: list[ModelCall] = []
        for mode in self.modes():
            try:
                return self._in_mode(mode, ask, client, deadline, bounds, calls), calls
            except Unsupported:
                self.unsupported.add(mode)
        raise EngineError(calls[-1].error if calls else "no output mode left to try", calls)

    def _in_mode(self, mode: str, ask: Ask, client, deadline: Deadline, bounds: Bounds, calls: list[ModelCall]):
        system = self._system(ask, mode)
        messages: list[dict] = [{"role": "user", "content": ask.user}]
        record = self._record(ask, mode)

        def once():
            response = self._call(client, deadline, bounds, self.params(mode, system, messages, ask), calls, record)
            try:
                return ask.answer.model_validate(self._answer_of(mode, response, ask, calls))
            except (ValidationError, ValueError) as exc:
                problems = summarise(exc) if isinstance(exc, ValidationError) else f"not JSON: {exc}"
                calls[-1].error = f"schema violation: {problems}"  # the row says why this answer was not used
                messages.extend(_reask(mode, response, ask, exc))
                raise SchemaViolation(problems) from exc

        try:
            for attempt in Retrying(stop=stop_after_attempt(1 + MAX_REASKS), retry=retry_if_exception_type(SchemaViolation),
                                    reraise=True):
                with attempt:
                    return once()
        except SchemaViolation as exc:
            what = {"triage": "triage", "rca:why": "RCA"}.get(ask.name, "draft")
            raise EngineError(f"Claude's answer violated the {what} schema {1 + MAX_REASKS} times (last: {exc})", calls)

    def _record(self, ask: Ask, mode: str) -> dict:
        schema = wire_schema(ask.answer) if mode == "structured" else ask.answer.model_json_schema()
        return dict(prompt_name=ask.name, prompt_hash=":".join(prompt_hash(t) for t in ask.templates),
                    schema_hash=schema_hash(schema), model=self.model, mode=mode)

    def params(self, mode: str, system: str, messages: list[dict], ask: Ask, *, ttl: str | None = None) -> dict:
        """What messages.create gets, and each request of a message batch. Never a tool_choice."""
        block: dict = {"type": "text", "text": system}
        if cacheable(self.model, system):
            block["cache_control"] = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
        params = dict(model=self.model, max_tokens=self.max_tokens, system=[block], messages=messages)
        if mode == "structured":
            params["output_config"] = {"format": {"type": "json_schema", "schema": wire_schema(ask.answer)}}
        elif mode == "tool":
            params["tools"] = [{"name": ask.tool, "description": f"Return the {ask.name} answer.",
                                "input_schema": ask.answer.model_json_schema()}]
        return params

    def _call(self, client, deadline: Deadline, bounds: Bounds, params: dict, calls: list[ModelCall], record: dict):
        started = time.perf_counter()
        record = {**record, "at": datetime.now(timezone.utc)}
        try:
            response = within(deadline, lambda: client.messages.create(**params, timeout=max(0.1, deadline.left())), bounds)
        except Exception as exc:  # every SDK or transport failure becomes a fallback, never a crash
            reason = describe_failure(exc)
            record, latency = self._attempts(bounds, calls, record, started)
            calls.append(ModelCall(**record, latency_ms=latency, error=reason))
            if _refused_mode(record["mode"], exc) and self.mode == "auto":
                calls[-1].error = f"{reason} (the server has no {record['mode']} output: trying the next mode)"
                raise Unsupported(reason) from exc
            raise EngineError(reason, calls) from exc
        record, latency = self._attempts(bounds, calls, record, started)
        return self.accept(response, calls, record, started, latency_ms=latency)

    @staticmethod
    def _attempts(bounds: Bounds, calls: list[ModelCall], record: dict, started: float) -> tuple[dict, float]:
        """One model_calls row per HTTP attempt: the attempts the SDK retried are logged here with what
        went wrong; the last one is the row the caller writes (its time and latency returned)."""
        *retried, last = bounds.take() or [None]
        for attempt in retried:
            calls.append(ModelCall(**{**record, "at": attempt.at}, latency_ms=attempt.so_far_ms(),
                                   error=f"{attempt.error or 'failed'} (retried)"))
        if last is None:
            return record, _ms(started)
        return {**record, "at": last.at}, last.so_far_ms()

    def accept(self, response, calls: list[ModelCall], record: dict, started: float, *, latency_ms: float | None = None):
        """Log the answer as a call; a non-message, a refusal or a cut-off answer is an EngineError."""
        latency = latency_ms if latency_ms is not None else _ms(started)
        if not _is_message(response):  # a proxy's HTML page, or JSON that is not a Message: the SDK hands it through
            calls.append(ModelCall(**record, latency_ms=latency, raw=str(response)[:2000], error=NOT_A_MESSAGE))
            raise EngineError(NOT_A_MESSAGE, calls)
        usage = response.usage
        call = ModelCall(
            **record, latency_ms=latency, input_tokens=usage.input_tokens, output_tokens=usage.output_tokens,
            cache_read_input_tokens=getattr(usage, "cache_read_input_tokens", None),
            cache_creation_input_tokens=getattr(usage, "cache_creation_input_tokens", None),
            stop_reason=response.stop_reason,
            raw=response.model_dump_json(include={"id", "model", "content", "stop_reason", "stop_details", "usage"}),
        )
        calls.append(call)
        if response.stop_reason == "refusal":
            details = getattr(response, "stop_details", None)
            category = getattr(details, "category", None)
            call.error = "refusal" + (f" ({category})" if category else "")
            raise EngineError(f"Claude declined to answer (stop_reason: refusal{', ' + category if category else ''})", calls)
        if response.stop_reason == "max_tokens":
            call.error = f"cut off at max_tokens={self.max_tokens}"
            raise EngineError(f"Claude's answer was cut off at max_tokens={self.max_tokens}", calls)
        return response

    @staticmethod
    def _answer_of(mode: str, response, ask: Ask, calls: list[ModelCall]):
        """The answer's JSON: the text of a structured or text answer, a tool's input (or JSON in the text)."""
        if mode == "tool":
            block = next((b for b in response.content if b.type == "tool_use" and b.name == ask.tool), None)
            if block is not None:
                return block.input
        text = "".join(b.text for b in response.content if b.type == "text").strip()
        if not text:
            calls[-1].error = f"answered without {'calling ' + ask.tool if mode == 'tool' else 'any text'}"
            raise EngineError(f"Claude answered without {'calling ' + ask.tool if mode == 'tool' else 'an answer'}", calls)
        return json.loads(_json_in(text) if mode != "structured" else text)


def triage_policy(policy: Policy) -> dict:
    """What the triage system prompt shows of the policy: criteria, boundaries, examples, targets in the
    policy's own units, type definitions, teams and owners."""
    severities = [{"level": sev.value, "criteria": p.criteria, "boundary": p.boundary.rstrip("."), "examples": p.examples,
                   "first_response": target_label(p.first_response_minutes, p.calendar),
                   "resolution": target_label(p.resolution_minutes, p.calendar), "business": p.calendar != "24x7"}
                  for sev, p in policy.severities.items()]
    types = [{"name": t.value, "definition": policy.types.get(t, ""), "team": policy.teams[t].name} for t in policy.teams]
    return {"policy_name": policy.name, "severities": severities, "types": types,
            "owners": [(sev.value, owner) for sev, owner in policy.tier_by_severity.items()]}


def _reask(mode: str, response, ask: Ask, exc: Exception) -> list[dict]:
    """The answer and the error, back to the model (instructor's habit: a tool answer gets an error tool_result)."""
    block = next((b for b in response.content if b.type == "tool_use"), None) if mode == "tool" else None
    if block is not None:
        return [{"role": "assistant", "content": [block.model_dump(include={"type", "id", "name", "input"})]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": block.id, "is_error": True,
                                              "content": f"The input did not match the schema; call {ask.tool} again with these fixed:\n{exc}"}]}]
    text = "".join(b.text for b in response.content if b.type == "text")
    return [{"role": "assistant", "content": text or "(no answer)"},
            {"role": "user", "content": f"That answer did not match the schema. Answer again with the whole JSON object, with these fixed:\n{exc}"}]


def _json_in(text: str) -> str:
    """The JSON object inside a text answer (a code fence or a sentence around it is tolerated)."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the answer")
    return text[start:end + 1]


def _refused_mode(mode: str, exc: Exception) -> bool:
    """A 400/404/422 whose message says the server does not support this output mode."""
    if not isinstance(exc, anthropic.APIStatusError) or exc.status_code not in (400, 404, 422) or mode == "text":
        return False
    message = json.dumps(exc.body) if exc.body is not None else str(exc)
    return bool(_FEATURE[mode].search(message) and _UNSUPPORTED.search(message))


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


def summarise(exc: ValidationError, limit: int = 3) -> str:
    """One line naming each schema problem by its path: 'severity: Input should be ...; routing: Field required'."""
    errors = exc.errors(include_url=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in errors[:limit]]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def _is_message(response) -> bool:
    try:
        anthropic.types.Message.model_validate(response.model_dump() if isinstance(response, BaseModel) else response)
    except (ValidationError, TypeError, ValueError):
        return False
    return True


__all__ = ["AnthropicEngine", "DEFAULT_MODEL", "DraftAnswer", "Stop", "describe_failure", "neutralise", "schema_hash"]
