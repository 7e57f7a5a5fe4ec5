"""The 5-Whys RCA: what an engine may propose at each level, and a prevention action as stored."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

RootCauseCategory = Literal["process", "technical", "training"]
ROOT_CAUSE_CATEGORIES: tuple[str, ...] = ("process", "technical", "training")

# The playbook's prevention categories; the first three are the technical fix.
ACTION_CATEGORIES: tuple[str, ...] = (
    "monitoring", "testing", "architecture", "process", "training", "documentation", "customer communication",
)
ACTION_GROUP = {"monitoring": "technical fix", "testing": "technical fix", "architecture": "technical fix"}
ACTION_STATUSES: tuple[str, ...] = ("open", "in_progress", "blocked", "done", "cancelled")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RcaProposal(Strict):
    """An engine's next step in the 5 Whys; agent/rca.py checks it with the blameless rules."""

    root_cause_reached: bool = Field(
        description="True when the last answer is a systemic cause the organisation controls: "
        "a gap in a process, in technology, or in training. Never true for a person's mistake."
    )
    root_cause: str | None = Field(
        default=None,
        description="When reached: the root cause in one sentence, naming the gap, never a person.",
    )
    category: RootCauseCategory | None = Field(default=None, description="When reached: process, technical or training.")
    question: str | None = Field(
        default=None,
        description="When not reached: the next question, asking why the last answer happened.",
    )
    rationale: str = Field(description="One sentence: why this question, or why this is the root cause.")


class PreventionAction(BaseModel):
    escalation_id: str
    n: int
    category: str
    group: str
    action: str
    owner: str
    due: str = Field(description="Due date, YYYY-MM-DD.")
    status: str = "open"
    customer: str | None = None
    type: str | None = None
    updated_at: str | None = None
