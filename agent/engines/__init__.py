"""One Engine protocol, two engines. Only engines/claude.py imports `anthropic`."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Protocol

from ..errors import UsageError
from ..schemas import EngineTriage, ModelCall, ModelReading, Tier
from ..signals import Signals

ENGINE_CHOICES = ("auto", "anthropic", "offline")


@dataclass(frozen=True)
class TriageRequest:
    complaint: str
    customer: str
    tier: Tier
    contact: str | None = None  # the customer's contact person: redacted before anything is sent
    staff: tuple[str, ...] = ()  # our people named in the request (the owner): redacted too


@dataclass
class EngineResult:
    answer: EngineTriage
    engine: str
    model: str | None = None
    calls: list[ModelCall] = field(default_factory=list)
    reading: "ModelReading | None" = None  # the offline model's reading, when it judged


class Engine(Protocol):
    name: str
    model: str | None

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        """Return a schema-valid answer or raise EngineError (carrying the calls made)."""
        ...


def get_engine(choice: str = "auto", *, model: str | None = None, policy=None, timeout: float | None = None) -> Engine:
    """auto = anthropic when ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN, e.g. a LiteLLM proxy's) is set, else offline."""
    from .offline import OfflineEngine

    if choice not in ENGINE_CHOICES:
        raise UsageError(f"unknown engine {choice!r}: choose one of {', '.join(ENGINE_CHOICES)}")
    has_key = any(os.environ.get(k, "").strip() for k in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN"))
    if choice == "offline" or (choice == "auto" and not has_key):
        return OfflineEngine(policy=policy)
    if not has_key:
        raise UsageError("--engine anthropic needs ANTHROPIC_API_KEY (or ANTHROPIC_AUTH_TOKEN): set it, or pass --engine offline")
    from .claude import AnthropicEngine

    return AnthropicEngine(model=model, policy=policy, timeout=timeout)


class Answered:
    """An answer already in hand (one result of a message batch), handed to triage.decide as if it were
    the engine: the fallback (triage.run_engine) and the rules are exactly those of a single call."""

    def __init__(self, engine, outcome):
        self.name, self.model, self.outcome = engine.name, getattr(engine, "model", None), outcome

    def triage(self, request, signals):
        from ..errors import EngineError

        if isinstance(self.outcome, EngineError):
            raise self.outcome
        return self.outcome
