"""What a triage is: the engine's answer, the rules' corrections, the final record."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Severity(StrEnum):
    SEV1 = "SEV-1"
    SEV2 = "SEV-2"
    SEV3 = "SEV-3"
    SEV4 = "SEV-4"

    @property
    def rank(self) -> int:
        """1 is the most severe."""
        return int(self.value[-1])

    def at_least(self, floor: "Severity") -> bool:
        return self.rank <= floor.rank


class EscalationType(StrEnum):
    TECHNICAL = "technical"
    SERVICE = "service"
    BUSINESS = "business"
    SECURITY = "security"
    COMPLIANCE = "compliance"


class Tier(StrEnum):
    ENTERPRISE = "enterprise"
    BUSINESS = "business"
    STANDARD = "standard"
    FREE = "free"


QUESTION_KEYS = ("what", "when", "who", "business_impact", "tried", "workaround")
QuestionKey = Literal["what", "when", "who", "business_impact", "tried", "workaround"]
IMPACT_KEYS = (
    "customer_tier",
    "revenue_at_risk",
    "users_affected",
    "business_criticality",
    "public_exposure",
    "regulatory",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ImpactFactor(Strict):
    """One impact dimension: what we conclude, and the complaint's own words behind it."""

    assessment: str = Field(description="Short conclusion, e.g. '400 agents', 'high', or 'unknown'.")
    evidence: str = Field(
        description="Exact words quoted from the complaint that support the assessment, or 'unknown'."
    )


class Impact(Strict):
    customer_tier: ImpactFactor
    revenue_at_risk: ImpactFactor
    users_affected: ImpactFactor
    business_criticality: ImpactFactor
    public_exposure: ImpactFactor
    regulatory: ImpactFactor


class TriageQuestion(Strict):
    """One of the six initial triage questions: answered from the text, or a follow-up to ask."""

    key: QuestionKey
    question: str
    answer: str | None = Field(
        default=None, description="What the complaint says, quoted or closely paraphrased; null if it does not say."
    )
    follow_up: str | None = Field(
        default=None, description="The question to ask the customer when the complaint does not answer it."
    )


class Routing(Strict):
    team: str
    tier: str = Field(description="Support tier that owns it: L1, L2, L3 or Incident Commander.")
    reason: str


class EngineTriage(Strict):
    """The structured answer an engine (Claude or offline) must return."""

    # Evidence first, verdict last: the model writes what the complaint says before it commits to a level.
    summary: str = Field(description="One line naming the problem in the customer's terms.")
    impact: Impact
    questions: list[TriageQuestion] = Field(description="Exactly the six initial triage questions.")
    rationale: str = Field(description="Two or three sentences: why this severity and type, from the evidence above.")
    type: EscalationType
    severity: Severity
    routing: Routing


class Correction(BaseModel):
    """A change the deterministic rules made to the engine's answer."""

    model_config = ConfigDict(populate_by_name=True, serialize_by_alias=True)

    field: str
    from_value: str | None = Field(alias="from")
    to_value: str | None = Field(alias="to")
    rule: str
    reason: str


class ModelReading(BaseModel):
    """What the offline model read (agent/model/): shown in the triage's "why" beside the rules."""

    source: str = Field(description="The model file: 'shipped' or the team model's path.")
    kind: str = Field(description="How the text reads: incident (status post), bug (bug report) or complaint.")
    severity_probabilities: dict[str, float]
    expected_costs: dict[str, float] = Field(description="Expected cost of each rating under the policy's severity_costs.")
    chosen: Severity = Field(description="The rating with the lowest expected cost (before the rule floors).")
    security_probability: float
    security_threshold: float
    security_read_as: str | None = Field(default=None, description=(
        "The kind P(security) was read as, when not `kind`: a text the model is not sure is a bug report or a status "
        "post is judged for security as the customer complaint it arrives as."))
    words: list[tuple[str, float]] = Field(default=[], description="The words that weighed most towards the top level.")
    error: str | None = Field(default=None, description="Why the model could not be used (the rules alone rated it).")


class Triage(BaseModel):
    """The final, reconciled triage."""

    severity: Severity
    type: EscalationType
    rationale: str
    summary: str
    impact: Impact
    questions: list[TriageQuestion]
    routing: Routing
    corrections: list[Correction] = []
    notes: list[str] = Field(default=[], description="Observations for a human (e.g. possible over-severity).")
    model: ModelReading | None = Field(default=None, description="The offline model's reading, when it judged.")
    engine_severity: Severity
