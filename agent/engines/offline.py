"""The offline engine: a full triage from the deterministic signals, no network, no key."""

from __future__ import annotations

from ..assess import assess
from ..policy import Policy, default_policy
from ..signals import Signals
from . import EngineResult, TriageRequest


class OfflineEngine:
    name = "offline"
    model = None

    def __init__(self, policy: Policy | None = None):
        self.policy = policy or default_policy()

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        return EngineResult(answer=assess(signals, tier=request.tier, policy=self.policy), engine=self.name)
