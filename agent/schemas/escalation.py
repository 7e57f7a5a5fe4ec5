"""What is stored: the escalation record, its SLA plan, events, drafts and model calls."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, Field, PlainSerializer

from .triage import EscalationType, Severity, Tier, Triage


# ISO 8601 with an explicit offset (+00:00, never "Z"), in the zone the value was made in.
Moment = Annotated[AwareDatetime, PlainSerializer(lambda d: d.isoformat(), return_type=str, when_used="json")]


class SlaPlan(BaseModel):
    severity: Severity
    policy: str = Field(description="Name of the policy the plan came from.")
    timezone: str
    opened_at: Moment
    first_response_due: Moment
    next_update_due: Moment | None = Field(
        description="When the next customer update is due; null when the cadence is 'on change'."
    )
    resolution_due: Moment
    update_cadence: str = Field(description="Human form: 'every 30 min', 'daily', 'on change'.")
    update_every_minutes: int | None
    stakeholders: list[str]


class Draft(BaseModel):
    kind: str
    subject: str
    body: str
    engine: str = "offline"


class EngineInfo(BaseModel):
    name: str = Field(description="Which engine answered: 'offline' or 'anthropic'.")
    model: str | None = None
    requested: str = Field(description="The engine that was asked for.")
    fallback_reason: str | None = None


class Event(BaseModel):
    id: int | None = None
    escalation_id: int
    at: Moment
    actor: str
    kind: str
    data: dict[str, Any] = {}


class Escalation(BaseModel):
    id: str = Field(description="ESC-n")
    customer: str
    tier: Tier
    contact: str | None = None
    owner: str
    status: str
    severity: Severity
    type: EscalationType
    summary: str
    complaint: str
    opened_at: Moment
    triage: Triage
    sla: SlaPlan
    engine: EngineInfo
    drafts: dict[str, Draft] = {}
    events: list[Event] = []


class ModelCall(BaseModel):
    prompt_name: str
    prompt_hash: str
    schema_hash: str
    model: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    cache_read_input_tokens: int | None = None
    cache_creation_input_tokens: int | None = None
    latency_ms: float
    stop_reason: str | None = None
    raw: str | None = None
    error: str | None = None
    at: datetime
    mode: str | None = Field(default=None, description="structured, tool or text: how the answer's JSON was asked for.")
