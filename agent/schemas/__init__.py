"""Pydantic models: the contracts between engines, rules, the store and every interface."""

from .escalation import Draft, EngineInfo, Escalation, Event, ModelCall, SlaPlan
from .triage import (
    IMPACT_KEYS,
    QUESTION_KEYS,
    Correction,
    EngineTriage,
    EscalationType,
    Impact,
    ImpactFactor,
    ModelReading,
    Routing,
    Severity,
    Tier,
    Triage,
    TriageQuestion,
)

# Models exported as JSON Schema under schemas/ (a test fails when they drift).
EXPORTED = {
    "engine_triage": EngineTriage,
    "triage": Triage,
    "sla_plan": SlaPlan,
    "escalation": Escalation,
    "event": Event,
    "model_call": ModelCall,
}

__all__ = [
    "Correction", "Draft", "EngineInfo", "EngineTriage", "Escalation", "EscalationType", "Event",
    "EXPORTED", "IMPACT_KEYS", "Impact", "ImpactFactor", "ModelCall", "ModelReading", "QUESTION_KEYS", "Routing",
    "Severity", "SlaPlan", "Tier", "Triage", "TriageQuestion",
]
