"""Text views of the model's cross-validated figures."""

from __future__ import annotations


def scores(scores: dict) -> str:
    lines = ["cross-validated (5 folds, rows the model was not trained on):"]
    for source, figures in scores.items():
        sev = figures.get("severity")
        if sev:
            lines.append(f"  {source:32} severity  macro-F1 {sev['macro_f1']:.3f}  high/low F1 {sev['high_low_f1']:.3f}  "
                         f"accuracy {sev['accuracy']:.3f}  within one {sev['within_one']:.3f}  "
                         f"SEV-1 rated SEV-3/4 {sev['sev1_rated_low']:.3f}  ({sev['cases']} rows)")
        sec = figures.get("security")
        if sec:
            lines.append(f"  {source:32} security  recall {sec['recall']:.3f}  false alarms {sec['false_alarm_rate']:.3f}  "
                         f"precision {sec['precision']:.3f}  g-measure {sec['g_measure']:.3f}  ({sec['cases']} rows)")
    return "\n".join(lines)


def contenders(result: dict) -> str:
    lines = [f"{result['rows']} closed escalations, {result['folds']}-fold cross-validation (same folds for each):",
             f"  {'model':<14} {'macro-F1':>8} {'accuracy':>8} {'high/low':>8} {'SEV-1 low':>9} {'type acc':>8}"]
    for name, f in result["contenders"].items():
        t = f.get("type_accuracy")
        lines.append(f"  {name:<14} {f.get('macro_f1', 0):>8.3f} {f.get('accuracy', 0):>8.3f} {f.get('high_low_f1', 0):>8.3f} "
                     f"{f.get('sev1_rated_low', 0):>9.3f} {('-' if t is None else f'{t:.3f}'):>8}")
    return "\n".join(lines)
