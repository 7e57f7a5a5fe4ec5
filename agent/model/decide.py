"""Choose a severity from the model's probabilities by expected cost, not by the likeliest level.

cost[gold][rated] is what it costs to rate an escalation whose true severity is `gold` as
`rated` (the policy's `severity_costs`, documented in the README). Rating a real SEV-1 as SEV-3/4
costs several times more than one level too high, so when the model hesitates between SEV-1 and
SEV-3 the triage leans high. The rule floors in agent/rules.py still apply afterwards.
"""

from __future__ import annotations

from ..policy import DEFAULT_COSTS

LEVELS = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")

def expected_costs(probabilities: dict[str, float], costs) -> dict[str, float]:
    """For each level it could be rated, the cost expected under the model's probabilities.
    `costs` is keyed by level names or by Severity members (a str enum: both index the same)."""
    table = {str(getattr(g, "value", g)): {str(getattr(r, "value", r)): c for r, c in row.items()} for g, row in costs.items()}
    return {rated: sum(probabilities.get(gold, 0.0) * table[gold][rated] for gold in LEVELS) for rated in LEVELS}


def cheapest(probabilities: dict[str, float], costs=DEFAULT_COSTS, highest: str = "SEV-1") -> str:
    """The level with the lowest expected cost, no higher than `highest`; ties go to the higher severity."""
    expected = expected_costs(probabilities, costs)
    allowed = LEVELS[LEVELS.index(highest):]
    return min(allowed, key=lambda level: (round(expected[level], 12), LEVELS.index(level)))
