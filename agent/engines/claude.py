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
from datetime import datetime, timezone

import anthropic
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt

from ..errors import EngineError
from ..policy import Policy, default_policy
from ..prompts import prompt_hash, render
from ..schemas import Draft, EngineTriage, ModelCall
from ..signals import Signals
from . import EngineResult, TriageRequest

DEFAULT_MODEL = "claude-sonnet-4-6"
TOOL_NAME = "record_triage"
DRAFT_TOOL = "write_draft"
MAX_REASKS = 2
_TAG = re.compile(r"<(\s*/?\s*complaint)", re.IGNORECASE)


def neutralise(text: str) -> str:
    """Customer text cannot open or close the <complaint> element that fences it."""
    return _TAG.sub(r"‹\1", text)


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
    ):
        self.model = model or os.environ.get("ESCALATE_MODEL") or DEFAULT_MODEL
        # base_url=None lets the SDK read ANTHROPIC_BASE_URL (Ollama, LiteLLM, llama.cpp ...).
        self.client = client or anthropic.Anthropic(max_retries=max_retries, timeout=timeout)
        self.policy = policy or default_policy()
        self.max_tokens = max_tokens
        self.schema = EngineTriage.model_json_schema()
        self.tool = {
            "name": TOOL_NAME,
            "description": "Record the triage of one customer complaint.",
            "input_schema": self.schema,
        }

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        system = render("triage_system.j2", severities=list(self.policy.severities.items()))
        user = render(
            "triage_user.j2", complaint=neutralise(request.complaint), customer=request.customer, tier=request.tier.value
        )
        answer, calls = self._structured(self.tool, EngineTriage, system, user, "triage", ("triage_system.j2", "triage_user.j2"))
        return EngineResult(answer=answer, engine=self.name, model=self.model, calls=calls)

    def draft(self, kind: str, audience: str, facts: dict, skeleton_template: str) -> tuple[Draft, list[ModelCall]]:
        """Warm, specific prose inside the structure of the offline skeleton; lint checks it after."""
        skeleton = render(skeleton_template, **facts)
        system = render("draft_system.j2", company=self.policy.company.name)
        user = render(
            "draft_user.j2", kind=kind, audience=audience, skeleton=neutralise(skeleton),
            facts=neutralise(json.dumps({k: v for k, v in facts.items() if k != "complaint_excerpt"}, ensure_ascii=False, indent=1)),
            complaint=neutralise(facts.get("complaint_excerpt", "")),
        )
        tool = {"name": DRAFT_TOOL, "description": "Return the drafted message.", "input_schema": DraftAnswer.model_json_schema()}
        answer, calls = self._structured(tool, DraftAnswer, system, user, f"draft:{kind}", ("draft_system.j2", "draft_user.j2"))
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
            response = self.client.messages.create(
                model=self.model,
                max_tokens=self.max_tokens,
                system=[{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
                messages=messages,
                tools=[tool],
                tool_choice={"type": "tool", "name": tool["name"]},
            )
        except Exception as exc:  # every SDK or transport failure becomes a fallback, never a crash
            reason = describe_failure(exc)
            calls.append(ModelCall(**record, latency_ms=_ms(started), error=reason))
            raise EngineError(reason, calls) from exc
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


def summarise(exc: ValidationError, limit: int = 3) -> str:
    """One line naming each schema problem by its path: 'severity: Input should be ...; routing: Field required'."""
    errors = exc.errors(include_url=False)
    parts = [f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in errors[:limit]]
    if len(errors) > limit:
        parts.append(f"and {len(errors) - limit} more")
    return "; ".join(parts)


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


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
        return "the Anthropic API returned a response that is not a valid message"
    return f"the Anthropic API call failed: {type(exc).__name__}"
