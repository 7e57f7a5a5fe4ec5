"""Eval suites: triage quality measured on real data and on written scenarios.

Suites:
- severity: real status-page incidents with the vendor's severity (../shared/datasets).
- security: real CFPB complaints; `security: true` rows must come out as type security.
- scenarios: complaints written in a customer's voice (evals/cases/scenarios.jsonl).
- drafts: every scenario's acknowledgment draft passes the draft checks.
- rca: answer files (evals/cases/rca/) walked through triage, resolution and the 5-Whys interview
  on a scratch store; the Post-Incident Report must come out complete (rca_complete).
`--cases FILE` runs any JSONL file in the datasets' format (`text` with `severity` and/or
`security`) as an ad-hoc suite.

With an engine that has `triage_batch` (Claude), a triage suite of BATCH_MIN_CASES or more cases
goes through the Message Batches API (half price). Every suite reports its model calls, tokens
and cost in USD from PRICES (unknown model: cost "unknown").
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import UsageError
from .schemas import EscalationType, Severity, Tier

ROOT = Path(__file__).resolve().parent.parent
LEVELS = [s.value for s in Severity]
# One suite per dataset file (../shared/datasets), then the written scenarios, drafts and RCA files.
DATASET_SUITES = {
    "status": "status_incidents_dev.jsonl",
    "jira": "apache_jira_dev.jsonl",
    "ohira": "apache_ohira_dev.jsonl",
    "chromium": "chromium_security_dev.jsonl",
    "cfpb": "cfpb_complaints_dev.jsonl",
}
SUITES = (*DATASET_SUITES, "scenarios", "drafts", "rca")
ALIASES = {"severity": "status", "security": "cfpb"}  # the suites' names before the dataset suites
BATCH_MIN_CASES = 50  # a triage suite this large goes through the Message Batches API
BATCH_DISCOUNT = 0.5
# USD per million tokens: input, output, cache write (5 min), cache read, cache write (1 h). Source: Anthropic's
# pricing page and model overviews, https://platform.claude.com/docs/en/about-claude/pricing (read 2026-12-01);
# Sonnet 5.5 cache reads are $0.10 since 2026-10-07; Haiku 5.5 is priced for prompts up to 100k tokens (a
# longer prompt costs 5x, which triage never sends). The Batch API bills every kind of token at 50 %, and a
# batch caches for 1 h. A dated model id (…-20251001) is priced as its alias.
PRICES = {
    "claude-fable-5-1": (10.0, 50.0, 12.50, 0.25, 20.0),
    "claude-mythos-5-1": (10.0, 50.0, 12.50, 0.25, 20.0),
    "claude-fable-5": (10.0, 50.0, 12.50, 1.00, 20.0),
    "claude-mythos-5": (10.0, 50.0, 12.50, 1.00, 20.0),
    "claude-opus-5-5": (4.0, 20.0, 5.0, 0.20, 8.0),
    "claude-opus-5": (5.0, 25.0, 6.25, 0.50, 10.0),
    "claude-sonnet-5-5": (2.0, 10.0, 2.50, 0.10, 4.0),
    "claude-sonnet-5": (2.0, 10.0, 2.50, 0.20, 4.0),
    "claude-haiku-5-5": (0.10, 0.50, 0.125, 0.01, 0.20),
    "claude-opus-4-8": (5.0, 25.0, 6.25, 0.50, 10.0),
    "claude-opus-4-7": (5.0, 25.0, 6.25, 0.50, 10.0),
    "claude-opus-4-6": (5.0, 25.0, 6.25, 0.50, 10.0),
    "claude-opus-4-5": (5.0, 25.0, 6.25, 0.50, 10.0),
    "claude-sonnet-4-6": (3.0, 15.0, 3.75, 0.30, 6.0),
    "claude-sonnet-4-5": (3.0, 15.0, 3.75, 0.30, 6.0),
    "claude-haiku-4-5": (1.0, 5.0, 1.25, 0.10, 2.0),
}


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


class WalkStep(BaseModel):
    """One lifecycle step (agent/lifecycle.py), `after` minutes from opening; other keys are its arguments."""
    model_config = ConfigDict(extra="allow")

    step: str
    after: float


class RcaCase(Case):
    """One rca suite file: the complaint, the walk from triage to resolution (minutes after opening),
    and `answers` in the format `escalate rca --answers` takes."""

    text: str = Field(validation_alias="complaint")
    contact: str | None = None
    owner: str | None = None
    opened: datetime = datetime(2026, 1, 7, 9, 0, tzinfo=timezone.utc)
    walk: list[WalkStep]
    answers: dict
    expect: dict = {}
    path: Path | None = None


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
    name = ALIASES.get(name, name)
    if name in DATASET_SUITES:
        file = DATASET_SUITES[name]
        return load_jsonl(datasets_dir() / file, source=file, id_prefix=name + ":")
    if name in ("scenarios", "drafts"):
        return load_jsonl(cases_dir() / "scenarios.jsonl")
    if name == "rca":
        return load_rca_cases(cases_dir() / "rca")
    raise UsageError(f"unknown suite {name!r}: choose one of {', '.join(SUITES)}")


def load_rca_cases(folder: Path) -> list[RcaCase]:
    """Every *.yaml / *.json file of the folder, in name order; a bad one names its file."""
    import yaml

    files = sorted(p for p in folder.glob("*") if p.suffix.lower() in (".yaml", ".yml", ".json"))
    if not files:
        raise UsageError(f"no rca cases in {folder}")
    cases = []
    for path in files:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
            cases.append(RcaCase.model_validate({**raw, "path": path}))
        except (yaml.YAMLError, ValidationError, TypeError) as exc:
            first = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()) \
                if isinstance(exc, ValidationError) else str(exc).splitlines()[0]
            raise UsageError(f"{path}: {first}")
    return cases


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
        "sev1_rated_low": round(sum(p in ("SEV-3", "SEV-4") for g, p in zip(gold, pred) if g == "SEV-1")
                                / max(1, sum(g == "SEV-1" for g in gold)), 3),
        "per_class": per_class,
        "confusion": confusion,
    }


def security_metrics(gold: list[bool], pred: list[bool]) -> dict:
    tp = sum(g and p for g, p in zip(gold, pred))
    fp = sum((not g) and p for g, p in zip(gold, pred))
    fn = sum(g and not p for g, p in zip(gold, pred))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    negatives = sum(not g for g in gold)
    false_alarms = fp / negatives if negatives else 0.0
    return {
        "n": len(gold),
        "security_recall": round(recall, 3),
        "false_alarm_rate": round(false_alarms, 3),
        "g_measure": round(_f1(recall, 1 - false_alarms), 3),
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
    rca_problems: list[str] = field(default_factory=list)


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
                 "type": p.type, "security": p.case.security, "engine": p.engine, "fallback_reason": p.fallback_reason,
                 "draft_problems": p.draft_problems, **({"rca_problems": p.rca_problems} if self.suite == "rca" else {})}
                for p in self.predictions
            ]
        return out


def draft_problems(store, *, engine, case: Case, text: str, policy, opened: datetime):
    """Every draft kind for this case, through the real workflow in a scratch store: the escalation
    (its triage is the case's prediction) and what fails lint."""
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
    return esc, problems


def held_out_engine(engine, policy):
    """On a dataset suite the offline engine reads each row through the model that did not train on it
    (agent/model/oof.py), so its figures are cross-validated; other engines are returned as they are."""
    from .engines.offline import OfflineEngine

    if not isinstance(engine, OfflineEngine):
        return engine, False
    from .model.oof import OutOfFold

    return OfflineEngine(policy, model=OutOfFold()), True


def run_suite(name: str, *, engine, policy, cases: list[Case] | None = None, limit: int | None = None,
              batch_min: int | None = None, batch_options: dict | None = None, in_sample: bool = False,
              progress=None) -> SuiteResult:
    """`batch_min` (default BATCH_MIN_CASES): from this many cases on, an engine with `triage_batch`
    answers the triage suites through one message batch; `batch_options` go to triage_batch.
    On a dataset suite the offline engine is scored on out-of-fold readings unless `in_sample`.
    `progress` (agent.progress.Progress) advances by one for each case judged."""
    from .engines import Answered, TriageRequest
    from .triage import clean_complaint, decide

    name = ALIASES.get(name, name)
    if name == "drafts":  # every draft kind at several moments, scored by the draft checks (agent/evals_drafts.py)
        from .evals_drafts import run_drafts_suite

        return run_drafts_suite(engine=engine, policy=policy, cases_list=cases, limit=limit, batch_min=batch_min,
                                batch_options=batch_options)
    cases = cases if cases is not None else suite_cases(name)
    if limit:
        cases = cases[:limit]
    cross_validated = False
    if name in DATASET_SUITES and in_sample is False:
        engine, cross_validated = held_out_engine(engine, policy)
    if name == "rca":
        return run_rca_suite(cases, engine=engine, policy=policy)
    started = time.perf_counter()
    predictions: list[Prediction] = []
    calls: list = []
    opened = datetime(2026, 1, 7, 10, 0, tzinfo=timezone.utc)
    scratch = None
    if name == "drafts":
        from .store import Store

        scratch_dir = tempfile.TemporaryDirectory()
        scratch = Store(Path(scratch_dir.name) / "drafts.db")
    texts = [clean_complaint(case.text, limit=policy.max_complaint_chars) for case in cases]
    threshold = BATCH_MIN_CASES if batch_min is None else batch_min
    batched = scratch is None and hasattr(engine, "triage_batch") and len(cases) >= threshold
    engines = [engine] * len(cases)
    if batched:
        requests = [TriageRequest(complaint=t, customer=c.customer, tier=c.tier) for c, t in zip(cases, texts)]
        engines = [Answered(engine, outcome) for outcome in engine.triage_batch(requests, **(batch_options or {}))]
    for case, text, answering in zip(cases, texts, engines):
        if scratch is not None:  # one triage per case: the workflow's, whose model calls are read below
            esc, problems = draft_problems(scratch, engine=engine, case=case, text=text, policy=policy, opened=opened)
            pred = Prediction(case, esc.severity.value, esc.type.value, esc.engine.name, esc.engine.fallback_reason)
            pred.draft_problems = problems
        else:
            triage, result, info = decide(text=text, customer=case.customer, tier=case.tier, engine=answering, policy=policy)
            calls += [c.model_dump() for c in result.calls]
            pred = Prediction(case, triage.severity.value, triage.type.value, info.name, info.fallback_reason)
        predictions.append(pred)
        if progress is not None:
            progress.advance()
    if scratch is not None:
        calls += list(scratch.db.query("SELECT * FROM model_calls"))  # the workflow's triage and drafts
        scratch.close()
        scratch_dir.cleanup()
    metrics, baseline = score(name, predictions)
    model_name = "shipped model, out of fold (5-fold CV)" if cross_validated else getattr(engine, "model", None)
    if name in DATASET_SUITES:
        baseline["tfidf"] = tfidf_baseline(DATASET_SUITES[name])
    return SuiteResult(name, engine.name, model_name, metrics, baseline, predictions,
                       time.perf_counter() - started, usage_of(calls, batched=batched))


def tfidf_baseline(source: str) -> dict:
    """TF-IDF + logistic regression trained on the file alone, on the same folds (measured by
    `escalate model train`, kept in the shipped model's scores), in this module's metric names."""
    from .model import linear

    try:
        figures = linear.shipped().scores.get(source, {})
    except linear.ModelFileError:
        return {}
    out = {}
    sev = figures.get("baseline_tfidf")
    if sev:
        out.update({"accuracy": sev["accuracy"], "macro_f1": sev["macro_f1"], "high_low_f1": sev["high_low_f1"],
                    "within_one": sev["within_one"], "sev1_rated_low": sev["sev1_rated_low"]})
    sec = figures.get("security_baseline_tfidf")
    if sec:
        out.update({"security_recall": sec["recall"], "security_precision": sec["precision"],
                    "false_alarm_rate": sec["false_alarm_rate"], "g_measure": sec["g_measure"]})
    return out


# -- cost -----------------------------------------------------------------------------------------


def price_of(model: str | None) -> tuple[float, float, float, float, float] | None:
    return PRICES.get(re.sub(r"-\d{8}$", "", model or ""))


def usage_of(calls: list[dict], *, batched: bool = False) -> dict:
    """Calls, tokens and cost in USD of these model calls (rows of model_calls, or ModelCall dumps):
    cost "unknown" when a call that used tokens has no price; at BATCH_DISCOUNT for a message batch."""
    keys = ("input_tokens", "output_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
    usage = {"calls": len(calls), **{k: sum(c.get(k) or 0 for c in calls) for k in keys}, "batched": batched}
    cost = 0.0
    for c in calls:
        tokens = [c.get(k) or 0 for k in keys]
        if not any(tokens):
            continue  # a call that failed before an answer is not billed
        price = price_of(c.get("model"))
        if price is None:
            cost = None
            break
        rates = (price[0], price[1], price[4] if batched else price[2], price[3])  # a batch writes the 1-hour cache
        cost += sum(n * rate for n, rate in zip(tokens, rates)) / 1_000_000
    usage["cost_usd"] = "unknown" if cost is None else round(cost * (BATCH_DISCOUNT if batched else 1.0), 6)
    return usage


# -- the rca suite --------------------------------------------------------------------------------

PIR_SECTIONS = ("Summary", "Timeline", "Root Cause", "Resolution", "Customer Impact", "Prevention Actions",
                "Lessons Learned", "Recovery Actions Taken")
# What a section says when the record has nothing for it (agent/report.py). Recovery actions are
# only taken for some impact levels, so "None recorded." is complete there.
PLACEHOLDERS = {"Root Cause": "Not identified yet", "Resolution": "Not resolved yet", "Prevention Actions": "None recorded",
                "Lessons Learned": "Not recorded yet"}


def run_rca_suite(cases: list[RcaCase], *, engine, policy) -> SuiteResult:
    started = time.perf_counter()
    predictions, calls = [], []
    with tempfile.TemporaryDirectory() as folder:
        for n, case in enumerate(cases, 1):
            pred, used = rca_case(case, Path(folder) / f"rca-{n}.db", engine=engine, policy=policy)
            predictions.append(pred)
            calls += used
    metrics, baseline = score("rca", predictions)
    return SuiteResult("rca", engine.name, getattr(engine, "model", None), metrics, baseline, predictions,
                       time.perf_counter() - started, usage_of(calls))


def rca_case(case: RcaCase, db: Path, *, engine, policy) -> tuple[Prediction, list[dict]]:
    """Triage the complaint on a scratch store, walk it to resolved, run the answers through the
    interview, then build and check the Post-Incident Report: what keeps it from being complete."""
    import yaml

    from . import lifecycle, rca, report
    from .errors import EngineError
    from .store import Store, parse_id
    from .triage import triage_complaint

    problems: list[str] = []
    with Store(db) as store:
        try:
            esc = triage_complaint(text=case.text, customer=case.customer, tier=case.tier, store=store, engine=engine,
                                   policy=policy, contact=case.contact, owner=case.owner, at=case.opened, actor="eval")
        except UsageError as exc:
            raise UsageError(f"{case.path or case.id}: {exc}")
        pred = Prediction(case, esc.severity.value, esc.type.value, esc.engine.name, esc.engine.fallback_reason)
        number = parse_id(esc.id)
        where = f"{case.path or case.id}: answers"
        answers = db.with_suffix(".answers.yaml")
        try:
            for step in case.walk:
                lifecycle.step(store, esc.id, step.step, at=case.opened + timedelta(minutes=step.after), actor="eval",
                               **step.model_extra)
            answers.write_text(yaml.safe_dump(case.answers, sort_keys=False, allow_unicode=True), encoding="utf-8")
            st = rca.derive(store.events(number))
            asker = rca.FileAsker(rca.load_answers(answers, st), where)
            st = rca.run(store, esc.id, asker, engine=engine, actor="eval")
        except (UsageError, EngineError) as exc:
            problems.append(str(exc).replace(str(answers), where))
            st = rca.derive(store.events(number))
        if not st.completed:
            problems.append("the RCA did not complete")
        made = report.build(store, esc.id, "pir")
        problems += made.warnings
        problems += [f"check: {f.describe()}" for f in report.check(made, store.events(number)) if f.severity == "error"]
        problems += [f"timeline: {r.label} not recorded" for r in made.timeline if r.at is None]
        problems += section_problems(made.markdown)
        deeper = [e for e in store.events(number) if e.kind == "rca_question" and "pushed one level deeper" in (e.data.get("note") or "")]
        if case.expect.get("pushed_deeper") and not deeper:
            problems.append("expected a blamed answer to be pushed one level deeper; none was")
        pred.rca_problems = problems
        used = list(store.db.query("SELECT * FROM model_calls"))
    return pred, used


def section_problems(markdown: str) -> list[str]:
    """Every section of the report present, none saying the record has nothing for it."""
    parts = re.split(r"^## ", markdown, flags=re.MULTILINE)[1:]
    bodies = {part.split("\n", 1)[0].split(" (")[0].strip(): part.split("\n", 1)[1].strip() if "\n" in part else ""
              for part in parts}
    out = []
    for name in PIR_SECTIONS:
        if name not in bodies:
            out.append(f"section {name} missing")
        elif not bodies[name] or (name in PLACEHOLDERS and bodies[name].startswith(PLACEHOLDERS[name])):
            out.append(f"section {name} empty: {bodies[name][:60] or 'no text'}")
    return out


def score(name: str, predictions: list[Prediction]) -> tuple[dict, dict]:
    metrics: dict = {}
    baseline: dict = {}
    if name == "drafts":
        passing = round(sum(not p.draft_problems for p in predictions) / len(predictions), 3) if predictions else 0.0
        return {"n": len(predictions), "drafts_passing": passing, "fallbacks": 0}, {"drafts_passing": None}
    if name == "rca":
        complete = round(sum(not p.rca_problems for p in predictions) / len(predictions), 3) if predictions else 0.0
        return ({"n": len(predictions), "rca_complete": complete, "fallbacks": sum(1 for p in predictions if p.fallback_reason)},
                {"rca_complete": None})
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


HEADLINE = ("under_severity_rate", "sev1_rated_low", "accuracy", "macro_f1", "within_one", "high_low_f1",
            "type_accuracy", "security_recall", "false_alarm_rate", "security_precision", "g_measure",
            "drafts_passing", "rca_complete", "n")
LOWER_IS_BETTER = {"under_severity_rate", "sev1_rated_low", "false_alarm_rate"}


def record(store, result: SuiteResult) -> None:
    """Store the run (eval_runs) after reading the previous one, so the output can compare."""
    from .prompts import prompt_hash

    result.previous = store.previous_eval_run(result.suite, result.engine)
    hashes = {name: prompt_hash(name) for name in ("triage_system.j2", "triage_user.j2", "messages/acknowledgment.j2")}
    store.save_eval_run({
        "suite": result.suite, "engine": result.engine, "model": result.model, "prompt_hashes": json.dumps(hashes),
        "n": result.metrics.get("n", len(result.predictions)), "metrics": result.metrics,
        "input_tokens": result.usage.get("input_tokens", 0), "output_tokens": result.usage.get("output_tokens", 0),
        "cost_usd": cost if isinstance(cost := result.usage.get("cost_usd"), (int, float)) else None,
        "seconds": round(result.seconds, 3),
    })


def render(result: SuiteResult) -> str:
    m, b = result.metrics, result.baseline
    prev = (result.previous or {}).get("metrics", {})
    lines = [f"Suite {result.suite}: {len(result.predictions)} cases, engine {result.engine}"
             + (f" ({result.model})" if result.model else "") + f", {result.seconds:.2f} s"]
    tfidf = b.get("tfidf") or {}
    lines.append(f"  {'metric':<22} {'value':>7} {'majority':>9} {'tf-idf+lr':>9} {'previous':>9}")
    for key in HEADLINE:
        if key not in m or key == "n":
            continue
        def fmt(v):
            return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)
        delta = ""
        if key in prev and isinstance(prev[key], (int, float)) and prev[key] != m[key]:
            worse = (m[key] > prev[key]) if key in LOWER_IS_BETTER else (m[key] < prev[key])
            delta = "  REGRESSION" if worse else "  improved"
        lines.append(f"  {key:<22} {fmt(m[key]):>7} {fmt(b.get(key)):>9} {fmt(tfidf.get(key)):>9} {fmt(prev.get(key)):>9}{delta}")
    if "per_class" in m:
        lines.append("  per class       precision  recall  support")
        for level, pc in m["per_class"].items():
            lines.append(f"    {level:<14} {pc['precision']:>8.3f} {pc['recall']:>7.3f} {pc['support']:>8}")
        lines.append("  confusion (rows gold, columns predicted)")
        lines.append("    " + " " * 8 + "".join(f"{lv:>7}" for lv in LEVELS))
        for g in LEVELS:
            lines.append(f"    {g:<8}" + "".join(f"{m['confusion'][g][p]:>7}" for p in LEVELS))
    if m.get("checks"):  # the drafts suite: the share of drafts passing each check
        lines.append(f"  {m.get('drafts', 0)} drafts; pass rate per check:")
        lines += [f"    {check:<20} {rate:>7.3f}" for check, rate in m["checks"].items()]
    if m.get("fallbacks"):
        lines.append(f"  fallbacks to offline: {m['fallbacks']}")
    lines.append("  " + render_usage(result.usage))
    failing = [p for p in result.predictions if p.draft_problems]
    for p in failing[:10]:
        lines.append(f"  draft {p.case.id}: {', '.join(p.draft_problems)}")
    for p in [p for p in result.predictions if p.rca_problems][:10]:
        lines.append(f"  rca {p.case.id}: {'; '.join(p.rca_problems)}")
    return "\n".join(lines)


def render_usage(u: dict) -> str:
    cost = u.get("cost_usd", 0.0)
    cost = f"${cost:.4f}" if isinstance(cost, (int, float)) else "unknown (no price for the model)"
    cached = u.get("cache_read_input_tokens", 0)
    return (f"usage: {u.get('calls', 0)} model call(s)" + (" in a message batch (50 % off)" if u.get("batched") else "")
            + f", {u.get('input_tokens', 0):,} input + {u.get('output_tokens', 0):,} output tokens"
            + (f" ({cached:,} read from cache)" if cached else "") + f", cost {cost}")


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
