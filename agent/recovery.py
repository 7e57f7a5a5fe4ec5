"""Customer recovery: the impact level of an escalation and what the policy allows for it.

Impact level rule (deterministic, documented in the README):
  points = severity (SEV-1: 3, SEV-2: 2, SEV-3: 1, SEV-4: 0)
         + 1 if it took longer than the resolution target (or is still open past it)
         + 1 if it lasted more than 24 hours
         + 1 if 100 or more users, or all users, were affected
         + 1 if the complaint names revenue at risk
         + 1 for an enterprise customer
  0-1 minor, 2-3 moderate, 4-5 significant, 6+ severe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .schemas import Escalation, Tier

LEVELS = ("minor", "moderate", "significant", "severe")
SEVERITY_POINTS = {"SEV-1": 3, "SEV-2": 2, "SEV-3": 1, "SEV-4": 0}


@dataclass(frozen=True)
class ImpactLevel:
    level: str
    points: int
    reasons: tuple[str, ...]


def _users_broad(esc: Escalation) -> bool:
    users = esc.triage.impact.users_affected
    if users.evidence == "unknown":
        return False
    if users.assessment.startswith("all"):
        return True
    head = users.assessment.split()[0].replace(",", "")
    return head.replace(".", "", 1).isdigit() and float(head) >= 100


def impact_level(esc: Escalation, now: datetime, resolved_at: datetime | None = None) -> ImpactLevel:
    points = SEVERITY_POINTS[esc.severity.value]
    reasons = [f"{esc.severity.value}: {points} points"]
    end = resolved_at or now
    if end > esc.sla.resolution_due:
        points += 1
        reasons.append("past the resolution target")
    if (end - esc.opened_at).total_seconds() > 24 * 3600:
        points += 1
        reasons.append("lasted more than 24 hours")
    if _users_broad(esc):
        points += 1
        reasons.append(f"{esc.triage.impact.users_affected.assessment} affected")
    if esc.triage.impact.revenue_at_risk.evidence != "unknown":
        points += 1
        reasons.append(f"revenue at risk ({esc.triage.impact.revenue_at_risk.evidence})")
    if esc.tier is Tier.ENTERPRISE:
        points += 1
        reasons.append("enterprise customer")
    level = LEVELS[0] if points <= 1 else LEVELS[1] if points <= 3 else LEVELS[2] if points <= 5 else LEVELS[3]
    return ImpactLevel(level, points, tuple(reasons))
