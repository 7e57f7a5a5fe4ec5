"""Customer recovery: what an engine may propose, and the plan the rules let stand."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .escalation import Moment
from .triage import Correction

Level = Literal["minor", "moderate", "significant", "severe"]
StepKey = Literal[
    "acknowledge", "take_responsibility", "explain_fix", "explain_prevention", "ask_needs", "commit_follow_up"
]
STEP_KEYS: tuple[str, ...] = (
    "acknowledge", "take_responsibility", "explain_fix", "explain_prevention", "ask_needs", "commit_follow_up"
)
STEP_TITLES = {
    "acknowledge": "Acknowledge",
    "take_responsibility": "Take responsibility",
    "explain_fix": "Explain the fix",
    "explain_prevention": "Explain prevention",
    "ask_needs": "Ask what else they need",
    "commit_follow_up": "Commit to follow-up",
}


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Gesture(Strict):
    """A goodwill gesture; only the policy's gestures for the impact level are allowed."""

    kind: str = Field(description="service credit, premium support upgrade, extended terms, training or early access.")
    detail: str
    credit_months: int | None = Field(default=None, description="Months of service credit (service credit only).")


class ConversationStep(Strict):
    step: StepKey
    text: str


class RecoveryProposal(Strict):
    """What an engine (or a person) proposes; `check_plan` corrects it against the policy."""

    level: Level
    actions: list[str]
    gestures: list[Gesture] = []
    conversation: list[ConversationStep] = []


class ScheduledCommitment(Strict):
    what: str
    due: Moment
    owner: str
    n: int | None = Field(default=None, description="The commitment number once stored (see `escalate commitments`).")


class RecoveryPlan(BaseModel):
    """The plan as stored (event `recovery_planned`) and printed by `escalate recovery`."""

    escalation_id: str
    customer: str
    planned_at: Moment
    level: Level
    points: int
    reasons: list[str]
    actions: list[str]
    max_credit_months: int
    gestures: list[Gesture]
    conversation: list[ConversationStep]
    schedule: list[ScheduledCommitment]
    corrections: list[Correction] = []
    engine: str = "offline"
