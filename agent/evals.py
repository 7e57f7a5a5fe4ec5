"""Eval suites: triage quality measured on real data and on written scenarios.

Suites:
- severity: real status-page incidents with the vendor's severity (../shared/datasets).
- security: real CFPB complaints; `security: true` rows must come out as type security.
- scenarios: complaints written in a customer's voice (evals/cases/scenarios.jsonl).
- drafts: every scenario's acknowledgment draft passes the draft checks.
`--cases FILE` runs any JSONL file in the datasets' format (`text` with `severity` and/or
`security`) as an ad-hoc suite.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import UsageError
from .schemas import EscalationType, Severity, Tier

ROOT = Path(__file__).resolve().parent.parent
LEVELS = [s.value for s in Severity]
SUITES = ("severity", "security", "scenarios", "drafts")


class Case(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    source: str
    text: str
    severity: Severity | None = None
    type: EscalationType | None = None
    security: bool | None = None
    customer: str = "Customer"
    tier: Tier = Tier.STANDARD
    reason: str | None = None
    tags: list[str] = []


def datasets_dir() -> Path:
    return Path(os.environ.get("ESCALATE_DATASETS") or ROOT.parent / "shared" / "datasets")


def cases_dir() -> Path:
    for candidate in (ROOT / "evals" / "cases", Path(__file__).resolve().parent / "eval_cases"):
        if candidate.is_dir():
            return candidate
    return ROOT / "evals" / "cases"


def load_jsonl(path: Path, *, source: str | None = None, id_prefix: str = "") -> list[Case]:
    if not path.is_file():
        raise UsageError(f"no such cases file: {path}")
    cases = []
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
                raw.setdefault("source", source or f"{path.name}:{number}")
                raw["id"] = id_prefix + str(raw.get("id", number))
                cases.append(Case.model_validate(raw))
            except (json.JSONDecodeError, ValidationError) as exc:
                first = str(exc).splitlines()[0] if isinstance(exc, json.JSONDecodeError) else "; ".join(
                    f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
                raise UsageError(f"{path} line {number}: {first}")
    if not any(c.severity or c.security is not None for c in cases):
        raise UsageError(f"{path}: no case has a `severity` or `security` label to score")
    return cases


def suite_cases(name: str) -> list[Case]:
    if name == "severity":
        return load_jsonl(datasets_dir() / "status_incidents_dev.jsonl", source="status_incidents_dev.jsonl", id_prefix="status:")
    if name == "security":
        return load_jsonl(datasets_dir() / "cfpb_complaints_dev.jsonl", source="cfpb_complaints_dev.jsonl", id_prefix="cfpb:")
    if name in ("scenarios", "drafts"):
        return load_jsonl(cases_dir() / "scenarios.jsonl")
    raise UsageError(f"unknown suite {name!r}: choose one of {', '.join(SUITES)}")


# -- metrics --------------------------------------------------------------------------------------


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def severity_metrics(gold: list[str], pred: list[str]) -> dict:
    n = len(gold)
    confusion = {g: {p: 0 for p in LEVELS} for g in LEVELS}
    for g, p in zip(gold, pred):
        confusion[g][p] += 1
    per_class = {}
    f1s = []
    for level in LEVELS:
        tp = confusion[level][level]
        predicted = sum(confusion[g][level] for g in LEVELS)
        actual = sum(confusion[level].values())
        precision = tp / predicted if predicted else 0.0
        recall = tp / actual if actual else 0.0
        per_class[level] = {"precision": round(precision, 3), "recall": round(recall, 3), "support": actual}
        if actual or predicted:
            f1s.append(_f1(precision, recall))
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    high = {"SEV-1", "SEV-2"}
    tp = sum(1 for g, p in zip(gold, pred) if g in high and p in high)
    fp = sum(1 for g, p in zip(gold, pred) if g not in high and p in high)
    fn = sum(1 for g, p in zip(gold, pred) if g in high and p not in high)
    hp, hr = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
    under_pool = [(g, p) for g, p in zip(gold, pred) if g in high]
    under = sum(1 for g, p in under_pool if (g == "SEV-1" and p in ("SEV-3", "SEV-4")) or (g == "SEV-2" and p == "SEV-4"))
    return {
        "n": n,
        "accuracy": round(sum(g == p for g, p in zip(gold, pred)) / n, 3) if n else 0.0,
        "macro_f1": round(sum(f1s) / len(f1s), 3) if f1s else 0.0,
        "within_one": round(sum(abs(rank[g] - rank[p]) <= 1 for g, p in zip(gold, pred)) / n, 3) if n else 0.0,
        "high_low_f1": round(_f1(hp, hr), 3),
        "under_severity_rate": round(under / len(under_pool), 3) if under_pool else 0.0,
        "per_class": per_class,
        "confusion": confusion,
    }


def security_metrics(gold: list[bool], pred: list[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum((not g) and p for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return {
        "n": len(gold),
        "security_recall": round(recall, 3),
        "security_precision": round(precision, 3),
        "security_f1": round(_f1(precision, recall), 3),
        "security_accuracy": round(sum(g == p for g, p in zip(gold, pred)) / len(gold), 3) if gold else 0.0,
    }


# -- running --------------------------------------------------------------------------------------


@dataclass
class Prediction:
    case: Case
    severity: str
    type: str
    engine: str
    fallback_reason: str | None = None
    draft_problems: list[str] = field(default_factory=list)


@dataclass
class SuiteResult:
    suite: str
    engine: str
    model: str | None
    metrics: dict
    baseline: dict
    predictions: list[Prediction]
    seconds: float
    usage: dict = field(default_factory=dict)
    previous: dict | None = None

    def as_dict(self, with_cases: bool = False) -> dict:
        out = {
            "suite": self.suite, "engine": self.engine, "model": self.model, "metrics": self.metrics,
            "baseline": self.baseline, "previous": self.previous, "seconds": round(self.seconds, 2), "usage": self.usage,
        }
        if with_cases:
            out["cases"] = [
                {"id": p.case.id, "gold_severity": p.case.severity, "severity": p.severity, "gold_type": p.case.type,
                 "type": p.type, "security": p.case.security, "draft_problems": p.draft_problems}
                for p in self.predictions
            ]
        return out


def draft_problems(store, *, engine, case: Case, text: str, policy, opened: datetime) -> list[str]:
    """Every draft kind for this case, through the real workflow in a scratch store: what fails lint."""
    from datetime import timedelta

    from . import drafting, lifecycle
    from .triage import triage_complaint

    esc = triage_complaint(text=text, customer=case.customer, tier=case.tier, store=store, engine=engine,
                           policy=policy, at=opened, actor="eval")
    lifecycle.step(store, esc.id, "ack", at=opened + timedelta(minutes=5), actor="eval")
    lifecycle.step(store, esc.id, "log", at=opened + timedelta(minutes=10), actor="eval", kind="action",
                   text="Restarted the affected service and checked the error logs")
    problems = []
    ack = store.get(esc.id).drafts["acknowledgment"]
    if esc.severity.rank <= 2 and not ack.subject.startswith("[URGENT] We're on it - "):
        problems.append("acknowledgment: SEV-1/2 subject is not '[URGENT] We're on it - …'")
    moment = opened + timedelta(minutes=20)
    for kind in drafting.KINDS:
        if kind == "resolution":
            lifecycle.step(store, esc.id, "resolve", at=moment, actor="eval")
        outcome = drafting.create(store, esc.id, kind, engine=engine, moment=moment, actor="eval")
        if not outcome.result.passed:
            problems.append(f"{kind}: " + "; ".join(f.describe() for f in outcome.result.findings if f.severity == "error" and not f.fixed))
    return problems


def run_suite(name: str, *, engine, policy, cases: list[Case] | None = None, limit: int | None = None) -> SuiteResult:
    from .triage import clean_complaint, decide

    cases = cases if cases is not None else suite_cases(name)
    if limit:
        cases = cases[:limit]
    started = time.perf_counter()
    predictions: list[Prediction] = []
    usage = Counter()
    opened = datetime(2026, 1, 7, 10, 0, tzinfo=timezone.utc)
    scratch = None
    if name == "drafts":
        import tempfile

        from .store import Store

        scratch_dir = tempfile.TemporaryDirectory()
        scratch = Store(Path(scratch_dir.name) / "drafts.db")
    for case in cases:
        text = clean_complaint(case.text, limit=policy.max_complaint_chars)
        triage, result, info = decide(text=text, customer=case.customer, tier=case.tier, engine=engine, policy=policy)
        for call in result.calls:
            usage["calls"] += 1
            usage["input_tokens"] += call.input_tokens or 0
            usage["output_tokens"] += call.output_tokens or 0
        pred = Prediction(case, triage.severity.value, triage.type.value, info.name, info.fallback_reason)
        if scratch is not None:
            pred.draft_problems = draft_problems(scratch, engine=engine, case=case, text=text, policy=policy, opened=opened)
        predictions.append(pred)
    if scratch is not None:
        scratch.close()
        scratch_dir.cleanup()
    metrics, baseline = score(name, predictions)
    return SuiteResult(name, engine.name, getattr(engine, "model", None), metrics, baseline, predictions,
                       time.perf_counter() - started, dict(usage))


def score(name: str, predictions: list[Prediction]) -> tuple[dict, dict]:
    metrics: dict = {}
    baseline: dict = {}
    if name == "drafts":
        passing = round(sum(not p.draft_problems for p in predictions) / len(predictions), 3) if predictions else 0.0
        return {"n": len(predictions), "drafts_passing": passing, "fallbacks": 0}, {"drafts_passing": None}
    sev = [p for p in predictions if p.case.severity]
    if sev:
        gold = [p.case.severity.value for p in sev]
        metrics.update(severity_metrics(gold, [p.severity for p in sev]))
        majority = Counter(gold).most_common(1)[0][0]
        baseline.update(severity_metrics(gold, [majority] * len(gold)))
        baseline["majority_class"] = majority
    sec = [p for p in predictions if p.case.security is not None]
    if sec:
        gold_sec = [bool(p.case.security) for p in sec]
        metrics.update(security_metrics(gold_sec, [p.type == "security" for p in sec]))
        baseline.update(security_metrics(gold_sec, [False] * len(gold_sec)))
    typed = [p for p in predictions if p.case.type]
    if typed:
        metrics["type_accuracy"] = round(sum(p.type == p.case.type.value for p in typed) / len(typed), 3)
        majority_type = Counter(p.case.type.value for p in typed).most_common(1)[0][0]
        baseline["type_accuracy"] = round(sum(p.case.type.value == majority_type for p in typed) / len(typed), 3)
        gold_sec = [p.case.type is EscalationType.SECURITY for p in typed]
        if any(gold_sec):
            metrics.update(security_metrics(gold_sec, [p.type == "security" for p in typed]))
    metrics["fallbacks"] = sum(1 for p in predictions if p.fallback_reason)
    return metrics, baseline


HEADLINE = ("under_severity_rate", "accuracy", "macro_f1", "within_one", "high_low_f1", "type_accuracy",
            "security_recall", "security_precision", "drafts_passing", "n")
LOWER_IS_BETTER = {"under_severity_rate"}


def record(store, result: SuiteResult) -> None:
    """Store the run (eval_runs) after reading the previous one, so the output can compare."""
    from .prompts import prompt_hash

    result.previous = store.previous_eval_run(result.suite, result.engine)
    hashes = {name: prompt_hash(name) for name in ("triage_system.j2", "triage_user.j2", "messages/acknowledgment.j2")}
    store.save_eval_run({
        "suite": result.suite, "engine": result.engine, "model": result.model, "prompt_hashes": json.dumps(hashes),
        "n": result.metrics.get("n", len(result.predictions)), "metrics": result.metrics,
        "input_tokens": result.usage.get("input_tokens", 0), "output_tokens": result.usage.get("output_tokens", 0),
        "cost_usd": None, "seconds": round(result.seconds, 3),
    })


def render(result: SuiteResult) -> str:
    m, b = result.metrics, result.baseline
    prev = (result.previous or {}).get("metrics", {})
    lines = [f"Suite {result.suite}: {len(result.predictions)} cases, engine {result.engine}"
             + (f" ({result.model})" if result.model else "") + f", {result.seconds:.2f} s"]
    lines.append(f"  {'metric':<22} {'value':>7} {'baseline':>9} {'previous':>9}")
    for key in HEADLINE:
        if key not in m or key == "n":
            continue
        def fmt(v):
            return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)
        delta = ""
        if key in prev and isinstance(prev[key], (int, float)) and prev[key] != m[key]:
            worse = (m[key] > prev[key]) if key in LOWER_IS_BETTER else (m[key] < prev[key])
            delta = "  REGRESSION" if worse else "  improved"
        lines.append(f"  {key:<22} {fmt(m[key]):>7} {fmt(b.get(key)):>9} {fmt(prev.get(key)):>9}{delta}")
    if "per_class" in m:
        lines.append("  per class       precision  recall  support")
        for level, pc in m["per_class"].items():
            lines.append(f"    {level:<14} {pc['precision']:>8.3f} {pc['recall']:>7.3f} {pc['support']:>8}")
        lines.append("  confusion (rows gold, columns predicted)")
        lines.append("    " + " " * 8 + "".join(f"{lv:>7}" for lv in LEVELS))
        for g in LEVELS:
            lines.append(f"    {g:<8}" + "".join(f"{m['confusion'][g][p]:>7}" for p in LEVELS))
    if m.get("fallbacks"):
        lines.append(f"  fallbacks to offline: {m['fallbacks']}")
    failing = [p for p in result.predictions if p.draft_problems]
    for p in failing[:10]:
        lines.append(f"  draft {p.case.id}: {', '.join(p.draft_problems)}")
    return "\n".join(lines)


def thresholds(path: Path | None = None) -> dict:
    import tomllib

    path = path or ROOT / "evals" / "thresholds.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


def gate(result: SuiteResult, limits: dict) -> list[str]:
    """Every threshold the result misses: 'min_x' is a floor, 'max_x' a ceiling."""
    failures = []
    for key, limit in limits.get(result.suite, {}).items():
        kind, metric = key.split("_", 1)
        value = result.metrics.get(metric)
        if value is None:
            failures.append(f"{result.suite}: {metric} was not measured")
        elif kind == "min" and value < limit:
            failures.append(f"{result.suite}: {metric} {value:.3f} is below the threshold {limit}")
        elif kind == "max" and value > limit:
            failures.append(f"{result.suite}: {metric} {value:.3f} is above the threshold {limit}")
    return failures
