"""Figures of the model's out-of-fold predictions, per dataset file, through the shipped decision.

Severity: accuracy, macro-F1, high (SEV-1/2) vs low F1, within one level, share of SEV-1 rated
SEV-3/4, confusion matrix. Security: recall, false-alarm rate, precision, g-measure.
"""

from __future__ import annotations

from .data import Row
from .decide import LEVELS, cheapest


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def severity_figures(gold: list[str], pred: list[str]) -> dict:
    n = len(gold)
    f1s = []
    for level in LEVELS:
        tp = sum(g == level and p == level for g, p in zip(gold, pred))
        fp = sum(g != level and p == level for g, p in zip(gold, pred))
        fn = sum(g == level and p != level for g, p in zip(gold, pred))
        if tp + fn == 0 and fp == 0:
            continue
        f1s.append(_f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0))
    hi = lambda s: s in ("SEV-1", "SEV-2")  # noqa: E731
    tp = sum(hi(g) and hi(p) for g, p in zip(gold, pred))
    fp = sum(not hi(g) and hi(p) for g, p in zip(gold, pred))
    fn = sum(hi(g) and not hi(p) for g, p in zip(gold, pred))
    sev1 = [p for g, p in zip(gold, pred) if g == "SEV-1"]
    return {
        "cases": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 3),
        "macro_f1": round(sum(f1s) / len(f1s), 3) if f1s else 0.0,
        "high_low_f1": round(_f1(tp / (tp + fp) if tp + fp else 0.0, tp / (tp + fn) if tp + fn else 0.0), 3),
        "within_one": round(sum(abs(LEVELS.index(g) - LEVELS.index(p)) <= 1 for g, p in zip(gold, pred)) / n, 3),
        "sev1_rated_low": round(sum(p in ("SEV-3", "SEV-4") for p in sev1) / len(sev1), 3) if sev1 else 0.0,
        "confusion": {g: {p: sum(a == g and b == p for a, b in zip(gold, pred)) for p in LEVELS} for g in LEVELS},
    }


def security_figures(gold: list[bool], pred: list[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum(p and not g for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    tn = sum(not g and not p for g, p in zip(gold, pred))
    recall = tp / (tp + fn) if tp + fn else 0.0
    fa = fp / (fp + tn) if fp + tn else 0.0
    return {"cases": len(gold), "recall": round(recall, 3), "false_alarm_rate": round(fa, 3),
            "precision": round(tp / (tp + fp), 3) if tp + fp else 0.0,
            "g_measure": round(_f1(recall, 1 - fa), 3)}


def score_oof(rows: list[Row], oof: dict, costs=None) -> dict:
    """Per source file: severity figures of the cost decision and security figures at the chosen threshold."""
    from ..policy import DEFAULT_COSTS

    costs = costs or DEFAULT_COSTS
    out: dict[str, dict] = {}
    for source in sorted({r.source for r in rows}):
        mine = [r for r in rows if r.source == source]
        figures = {}
        sev = [r for r in mine if r.severity and "severity" in oof.get(r.id, {})]
        if sev:
            figures["severity"] = severity_figures([r.severity for r in sev],
                                                   [cheapest(oof[r.id]["severity"], costs) for r in sev])
            figures["severity_argmax"] = severity_figures(
                [r.severity for r in sev], [max(oof[r.id]["severity"], key=oof[r.id]["severity"].get) for r in sev])
        for name in ("majority", "tfidf"):
            key = f"severity_{name}"
            base = [r for r in sev if key in oof[r.id]]
            if base:
                figures[f"baseline_{name}"] = severity_figures([r.severity for r in base], [oof[r.id][key] for r in base])
        sec = [r for r in mine if r.security is not None and "security" in oof.get(r.id, {})]
        for name in ("majority", "tfidf"):
            key = f"security_{name}"
            base = [r for r in sec if key in oof[r.id]]
            if base:
                figures[f"security_baseline_{name}"] = security_figures([bool(r.security) for r in base],
                                                                        [bool(oof[r.id][key]) for r in base])
        if sec:
            figures["security"] = security_figures(
                [bool(r.security) for r in sec],
                [oof[r.id]["security"] >= oof[r.id]["security_threshold"] for r in sec])
        out[source] = figures
    return out
