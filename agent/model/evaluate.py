"""`escalate model eval`: the team model, the shipped model and the baselines, cross-validated on the
same rows (this database's closed escalations), fold by fold."""

from __future__ import annotations

from collections import Counter

from .data import Row
from .decide import cheapest
from .scoring import severity_figures

FOLDS = 5


def compare(rows: list[Row], types: list[str]) -> dict:
    """Severity figures (cost decision) and type accuracy of each contender on held-out folds."""
    from . import train
    from .features import features
    from .linear import Head, shipped

    fold = train.folds_of(rows, lambda r: r.severity, k=min(FOLDS, len(rows)))
    feats = [features(r.text, "complaint") for r in rows]
    sev = {i: r.severity for i, r in enumerate(rows)}
    preds: dict[str, list] = {k: [None] * len(rows) for k in ("shipped", "team", "team+shipped", "majority")}
    type_preds: dict[str, list] = {k: [None] * len(rows) for k in ("shipped", "team", "majority")}
    base = [shipped().read(r.text, "complaint") for r in rows]
    for k in sorted(set(fold)):
        tr = [i for i, f in enumerate(fold) if f != k]
        te = [i for i, f in enumerate(fold) if f == k]
        majority = Counter(rows[i].severity for i in tr).most_common(1)[0][0]
        majority_type = Counter(types[i] for i in tr).most_common(1)[0][0]
        team_probs = {}
        if len({rows[i].severity for i in tr}) >= 2:
            design, model = train.fit(feats, sev, tr, train.ALPHA_SEVERITY, True)
            h = train.export(design, model)
            head = Head(tuple(h["classes"]), tuple(h["intercept"]), h["weights"], {}, h["link"])
            team_probs = {i: head.probabilities(feats[i]) for i in te}
        type_head = None
        if len({types[i] for i in tr}) >= 2:
            design, model = train.fit(feats, dict(enumerate(types)), tr, train.ALPHA_SEVERITY, True)
            h = train.export(design, model)
            type_head = Head(tuple(h["classes"]), tuple(h["intercept"]), h["weights"], {}, h["link"])
        for i in te:
            preds["shipped"][i] = cheapest(base[i].severity)
            preds["majority"][i] = majority
            tp = team_probs.get(i)
            preds["team"][i] = cheapest(tp) if tp else majority
            blend = {s: 0.5 * base[i].severity[s] + 0.5 * (tp or base[i].severity).get(s, 0.0) for s in base[i].severity}
            preds["team+shipped"][i] = cheapest(blend)
            type_preds["shipped"][i] = "security" if base[i].is_security else None
            type_preds["majority"][i] = majority_type
            if type_head:
                p = type_head.probabilities(feats[i])
                type_preds["team"][i] = max(p, key=p.get)
    gold = [r.severity for r in rows]
    out = {name: severity_figures(gold, p) for name, p in preds.items()}
    for name, p in type_preds.items():
        if name in out or name == "majority":
            scored = [(g, q) for g, q in zip(types, p) if q is not None]
            out.setdefault(name, {})["type_accuracy"] = round(sum(g == q for g, q in scored) / len(scored), 3) if scored else None
    return {"rows": len(rows), "folds": len(set(fold)), "contenders": out}
