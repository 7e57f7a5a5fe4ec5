"""Typed inputs and structured outputs of the MCP tools: the Pydantic schemas in agent/schemas plus
small view models (board rows, drafts, lint, metrics, the RCA interview)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ...lint import Finding
from ...schemas import Escalation, Severity, Tier
from ...schemas.rca import PreventionAction
from ...schemas.recovery import RecoveryPlan

# -- inputs -------------------------------------------------------------------------------------

EscalationId = Annotated[str, Field(description="The escalation id, e.g. ESC-7.")]
At = Annotated[AwareDatetime | None, Field(description="When it happened, ISO 8601 with offset (default: now); "
                                                       "for backfilling.")]
Actor = Annotated[str | None, Field(description="Who did it (default: $ESCALATE_ACTOR or 'mcp').")]
EngineChoice = Annotated[
    Literal["auto", "anthropic", "offline"] | None,
    Field(description="auto = Claude when ANTHROPIC_API_KEY is set, else offline (default: the server's --engine)."),
]
DraftKind = Literal["acknowledgment", "update", "resolution", "apology", "internal", "summary"]
EventKind = Literal[
    "note", "action", "hypothesis", "workaround", "decision",
    "ack", "update", "assign", "severity", "type", "pause", "resume", "resolve", "confirm", "close",
]
TIMELINE_KINDS = ("note", "action", "hypothesis", "workaround", "decision")

# -- outputs ------------------------------------------------------------------------------------


class ClockView(BaseModel):
    """One SLA clock: first_response, update or resolution."""

    name: str
    status: str = Field(description="pending, due soon, breached, met, paused or n/a.")
    due: str | None
    target_minutes: int | None
    calendar: str
    met_at: str | None
    elapsed_minutes: float | None
    left_minutes: float | None = Field(description="Minutes until due; negative when overdue.")
    missed: int = Field(0, description="Update intervals that ran over (update clock only).")


class FlagView(BaseModel):
    flag: str = Field(description="Red flag: delayed_acknowledgment, under_severity, communication_gap, ...")
    detail: str


class LiveState(BaseModel):
    paused: bool
    next_deadline: str | None
    next_step: str | None
    clocks: list[ClockView]
    flags: list[FlagView]


class EscalationStatus(Escalation):
    """The stored escalation (triage, SLA plan, drafts, events) with its clocks and red flags now."""

    paused: bool
    next_deadline: str | None = Field(description="The earliest deadline still to act on, in the customer's zone.")
    next_step: str | None
    clocks: list[ClockView]
    flags: list[FlagView]


class BoardRow(LiveState):
    id: str
    customer: str
    severity: Severity
    type: str
    status: str
    owner: str | None
    summary: str
    opened_at: str


class Board(BaseModel):
    """Open escalations, breached first, then by the earliest deadline."""

    as_of: str
    count: int
    escalations: list[BoardRow]


class DraftResult(BaseModel):
    id: str
    kind: str
    audience: str
    subject: str
    body: str
    engine: str
    fallback_reason: str | None = Field(description="Why the offline template drafted it instead of Claude.")
    passed: bool = Field(description="False when an error is left after lint's corrections (saved as failed).")
    findings: list[Finding]


class LintReport(BaseModel):
    passed: bool
    findings: list[Finding]
    text: str = Field(description="The text with every fixable finding corrected.")


class RecoveryPlanResult(RecoveryPlan):
    made_now: bool = Field(description="True when this call made and stored the plan; false when it was read back.")


class MetricValue(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    value: float | None
    n: int
    target: str
    passed: bool | None = Field(alias="pass")


class SeverityTiming(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    n: int
    median_minutes: float
    p90_minutes: float
    target_minutes: float
    passed: bool = Field(alias="pass")


class MetricsSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    escalations: int
    first_response: dict[str, SeverityTiming]
    resolution: dict[str, SeverityTiming]
    sla_compliance: MetricValue
    csat: MetricValue
    recovery_success: MetricValue
    repeat_rate: MetricValue
    escalation_rate: MetricValue
    prevention_done: MetricValue | None = None
    stages: dict[str, Any] | None = None


class MetricsResult(BaseModel):
    model_config = ConfigDict(extra="allow")

    since: str | None
    until: str | None
    now: str
    overall: MetricsSummary
    by: str | None = None
    groups: dict[str, MetricsSummary] | None = None


class CommitmentView(BaseModel):
    id: str
    n: int
    escalation: str
    customer: str | None
    due: str
    owner: str
    what: str
    status: str = Field(description="open, overdue or done.")
    source: str
    made_at: str
    done_at: str | None
    note: str | None


class Commitments(BaseModel):
    as_of: str
    commitments: list[CommitmentView]


class RosterEntry(BaseModel):
    role: str
    name: str


class ChecklistItem(BaseModel):
    n: int
    item: str
    done: bool
    done_at: str | None


class WarRoom(BaseModel):
    id: str
    changed: list[str] = Field(description="What this call changed.")
    opened_at: str
    commander: str
    channel: str
    cadence: str
    roster: list[RosterEntry]
    checklist: list[ChecklistItem]


class WarRoomBrief(BaseModel):
    """The read-in for someone joining late."""

    model_config = ConfigDict(extra="allow")

    id: str
    customer: str
    tier: Tier
    severity: Severity
    type: str
    as_of: str
    war_room: dict[str, Any] | None
    what_happened: dict[str, Any]
    status: dict[str, Any]
    who: list[RosterEntry]
    next_actions: list[str]
    next_update_due: str


class WorkaroundResult(BaseModel):
    id: str
    status: str
    at: str
    steps: str
    communicated: bool = Field(description="True once a customer update was recorded at or after the workaround.")
    communicated_at: str | None
    permanent_fix_eta: str | None
    eta_source: str | None
    commitment: int | None = Field(description="The commitment number: tell the customer when the permanent fix ships.")


class RcaQuestion(BaseModel):
    """The question the 5-Whys interview asks now."""

    key: str = Field(description="timeline, identified, why, root_cause, a review question's key, or action.")
    prompt: str
    facts: list[str] = Field(description="What the record says, to answer from.")
    default: str | None = Field(description="The answer a person would most likely give (e.g. 'yes').")
    level: int | None = Field(description="The why level, or the prevention action number.")
    notes: list[str]


class RcaProgress(BaseModel):
    id: str
    completed: bool
    answered: int = Field(description="Answers recorded so far.")
    question: RcaQuestion | None = Field(description="The next question; none once the RCA is completed.")
    root_cause: dict[str, Any] | None
    prevention_actions: list[dict[str, Any]]
    findings: list[Finding] = Field([], description="What the blameless rules flagged in the answer just given.")


class RcaAction(BaseModel):
    action: str = Field(description="What will be done.")
    category: Literal["monitoring", "testing", "architecture", "process", "training", "documentation",
                      "customer communication"]
    owner: str
    due: date


class TimelineRow(BaseModel):
    label: str
    at: str | None
    text: str
    event_id: int | None


class IncidentReport(BaseModel):
    id: str
    kind: str
    markdown: str
    duration_minutes: float | None
    timeline: list[TimelineRow]
    prevention_actions: list[PreventionAction]
    warnings: list[str]
    findings: list[Finding] = Field(description="Warnings from the checks that nothing in it is invented.")


class PreventionActionView(PreventionAction):
    overdue: bool


class PreventionActions(BaseModel):
    today: str
    actions: list[PreventionActionView]
