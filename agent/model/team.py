"""The team model: learned from this database's own closed escalations (`escalate model train --from-db`).

Rows: every closed escalation, its complaint as the customer wrote it (agent.complaint's new words)
and its final severity and type, after any human change. The team model holds a severity head and
a type head trained on those rows alone; at triage its probabilities are averaged with the shipped
model's (a team's history is small, the datasets are not), and the type head names the type when
it is sure (P ≥ TYPE_CONFIDENCE). It is written beside the database (escalations.model.json.gz)
and nothing leaves the machine.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import UsageError
from .data import Row
from .linear import FAST_AFTER, Head, LinearModel, Reading, packed, shipped

MIN_ROWS = 30
TYPE_CONFIDENCE = 0.5
SHARE = 0.5  # the team model's share of the severity probabilities


def history_rows(db) -> tuple[list[Row], list[str]]:
    """The closed escalations as training rows, and their final types (same order), read once."""
    from ..complaint import customer_words

    rows, types = [], []
    for r in db.query("SELECT id, complaint, severity, type FROM escalations WHERE status = 'closed' "
                      "AND severity IS NOT NULL AND complaint IS NOT NULL ORDER BY id"):
        rows.append(Row(id=f"ESC-{r['id']}", source="team", kind="complaint", text=customer_words(r["complaint"]),
                        severity=r["severity"], security=r["type"] == "security"))
        types.append(r["type"])
    return rows, types


def check_enough(rows: list[Row]) -> None:
    if len(rows) < MIN_ROWS:
        raise UsageError(f"the team model needs at least {MIN_ROWS} closed escalations; this database has "
                         f"{len(rows)}: close more (or keep using the shipped model)")
    if len({r.severity for r in rows}) < 2:
        raise UsageError("every closed escalation has the same severity: the team model needs at least two severities")


class TeamModel(LinearModel):
    """Shipped model + this team's heads: severity averaged, type from the team when it is sure."""

    def expect_many(self, *, release: bool = False) -> None:
        super().expect_many(release=release)
        shipped().expect_many(release=release)

    def read(self, text: str, kind: str | None = None) -> Reading:
        from .features import features

        base = shipped().read(text, kind)
        self.reads += 1
        if self.reads > FAST_AFTER:  # a long-lived process: the team heads as columns too
            cols = self.columns
            rows, values = cols.encode(text)
            probabilities = lambda name: cols.probabilities(name, "complaint", rows, values)  # noqa: E731
        else:
            feats = features(text, "complaint")
            probabilities = lambda name: self.heads[name].probabilities(feats)  # noqa: E731
        team_sev = probabilities("severity")
        severity = {s: (1 - SHARE) * base.severity.get(s, 0.0) + SHARE * team_sev.get(s, 0.0) for s in base.severity}
        reading = replace(base, severity=severity, source=self.name)
        if "type" in self.heads:
            types = probabilities("type")
            best = max(types, key=types.get)
            if types[best] >= TYPE_CONFIDENCE:
                reading = replace(reading, type=best)
        return reading


def build_team(db, out: Path) -> dict:
    """Train the team heads on the database's closed escalations and write them to `out`."""
    from . import train
    from .features import features
    from .linear import FORMAT

    train._need_sklearn()
    rows, types = history_rows(db)
    check_enough(rows)
    feats = [features(r.text, "complaint") for r in rows]
    every = list(range(len(rows)))
    heads = {}
    design, model = train.fit(feats, {i: r.severity for i, r in enumerate(rows)}, every, train.ALPHA_SEVERITY, True)
    heads["severity"] = train.export(design, model)
    if len(set(types)) >= 2:
        design, model = train.fit(feats, dict(enumerate(types)), every, train.ALPHA_SEVERITY, True)
        heads["type"] = train.export(design, model)
    heads.update({name: h for name, h in shipped().heads.items() if name in ("kind", "security")})
    from .evaluate import compare

    data = {"format": FORMAT, "team": True, "heads": heads,
            "made": {"command": "escalate model train --from-db", "rows": len(rows), "seed": train.SEED},
            "scores": {"team": compare(rows, types)}}
    train.write(out, packed(data))
    return data


def load_team(path: Path) -> TeamModel:
    base = LinearModel.load(path)
    return TeamModel({"format": 1, "heads": dict(base.heads), "made": base.made, "scores": base.scores}, str(path))


__all__ = ["Head", "MIN_ROWS", "TeamModel", "build_team", "check_enough", "history_rows", "load_team"]
