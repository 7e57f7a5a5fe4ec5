"""`escalate eval --suite drafts`: every draft kind, at several moments, for real and written complaints,
scored automatically by the checks every draft must pass (agent/draft_checks.py) and by lint.

Cases: pasted e-mails with requests
(evals/cases/drafts_emails.jsonl: Outlook, Gmail, Apple Mail, forwarded threads, localised headers),
every 4th written scenario, and samples of the real complaints in ../shared/datasets (every 30th
CFPB narrative, every 10th status-page incident). Each case goes through the real workflow on a scratch store:

    fresh       triage (its acknowledgment), then the ack; internal and exec briefs
    overdue     the update interval missed by half an hour: update to customer, exec and internal
    workaround  a workaround logged: update and incident summary
    resolved    the fix recorded: resolution notice, incident summary, executive apology

The figure per check is the share of drafts that pass it; `drafts_passing` the share passing all of
them and lint. `python -m agent.evals_drafts --examples examples/drafts` writes ten of the drafts as
Markdown files for a reviewer to read (`make drafts-examples`).
"""

from __future__ import annotations

import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .draft_checks import CHECKS, audit

SAMPLE_EVERY = {"cfpb_complaints_dev.jsonl": 30, "status_incidents_dev.jsonl": 10}
SCENARIOS_EVERY = 4
OPENED = datetime(2026, 1, 7, 10, 0, tzinfo=timezone.utc)  # a Wednesday
MOMENTS = ("fresh", "overdue", "workaround", "resolved")
DRAFTS_PER_CASE = 10  # drafts a case asks the engine for (the acknowledgment at triage is the template's)


def cases(limit: int | None = None):
    """Scenarios, pasted e-mails, and the real-complaint samples (when the datasets are there)."""
    from .evals import Case, cases_dir, datasets_dir, load_jsonl

    out = list(load_jsonl(cases_dir() / "scenarios.jsonl"))[::SCENARIOS_EVERY]
    emails = cases_dir() / "drafts_emails.jsonl"
    out += [Case(**{"source": emails.name, **json.loads(line)}) for line in emails.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    for name, every in SAMPLE_EVERY.items():
        path = datasets_dir() / name
        if path.is_file():
            rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
            out += [Case(id=f"{name.split('_')[0]}:{r['id']}", source=name, text=r["text"], customer="Customer",
                         tier="business") for r in rows[::every] if (r.get("text") or "").strip()]
    return out[:limit] if limit else out


def _drafts(store, case, engine, policy, text):
    """(moment label, kind, audience, outcome, check results) for every draft made for the case."""
    from . import drafting, lifecycle
    from .triage import triage_complaint

    step = lambda action, at, **kw: lifecycle.step(store, esc.id, action, at=at, actor="eval", **kw)  # noqa: E731
    made = []

    def draft(label, kind, at, audience=None):
        audience = audience or drafting.DEFAULT_AUDIENCE.get(kind, "customer")
        outcome = drafting.create(store, esc.id, kind, audience=audience, engine=engine, moment=at, actor="eval")
        # checked against the record as it stood when it was drafted
        made.append((label, kind, audience, outcome, check(store, outcome.escalation, kind, audience, outcome, at, policy)))

    esc = triage_complaint(text=text, customer=case.customer, tier=case.tier, store=store, engine=engine,
                           policy=policy, at=OPENED, actor="eval")
    ack = store.get(esc.id).drafts["acknowledgment"]
    saved = next(e for e in store.get(esc.id).events if e.kind == "draft_saved")
    first = _Saved(ack, saved, store.get(esc.id))
    made.append(("fresh", "acknowledgment", "customer", first, check(store, first.escalation, "acknowledgment", "customer",
                                                                      first, OPENED, policy)))
    t = OPENED + timedelta(minutes=5)
    step("ack", t)
    draft("fresh", "internal", t + timedelta(minutes=1))
    draft("fresh", "update", t + timedelta(minutes=1), "exec")
    cadence = policy.for_severity(esc.severity, esc.tier).update_every_minutes or 180
    late = t + timedelta(minutes=cadence + 30)
    step("log", late - timedelta(minutes=10), kind="action", text="Restarted the affected service and checked the error logs")
    for audience in ("customer", "exec", "internal"):
        draft("overdue", "update", late, audience)
    step("log", late + timedelta(minutes=5), kind="workaround", text="Use the export from the reports page until the fix ships")
    draft("workaround", "update", late + timedelta(minutes=6))
    draft("workaround", "summary", late + timedelta(minutes=6))
    done = late + timedelta(minutes=20)
    step("resolve", done, summary="Deployed the fix and verified it with the customer's account")
    for kind in ("resolution", "summary", "apology"):
        draft("resolved", kind, done + timedelta(minutes=2))
    return store.get(esc.id), made


class _Saved:
    """The acknowledgment drafted at triage, shaped like a DraftOutcome."""

    def __init__(self, draft, event, escalation):
        from .lint import LintResult

        self.draft, self.escalation = draft, escalation
        self.result = LintResult(draft.body, [])
        self.passed = bool(event.data.get("passed"))


def check(store, esc, kind, audience, outcome, moment, policy) -> dict[str, list[str]]:
    """Each check's findings for one saved draft, as a manager would receive it."""
    from . import board, drafting
    from .store import parse_id

    number = parse_id(esc.id)
    ctx = drafting.context(esc, policy, moment, board.one(store, number, moment), kind=kind, audience=audience)
    facts = drafting.check_facts(esc, policy, ctx, moment, audience)
    facts.answers = [a.sentence for a in ctx["answers"]] if audience == "customer" and kind != "internal" else []
    _, findings = audit(outcome.draft.body, facts, fix=False, subject=outcome.draft.subject)
    out = {name: [] for name in (*CHECKS, "lint")}
    for f in findings:
        out[f.rule].append(f.found)
    passed = getattr(outcome, "passed", None)
    if passed is False or (passed is None and not outcome.result.passed):
        out["lint"].append("; ".join(f.describe() for f in outcome.result.findings if f.severity == "error" and not f.fixed)
                           or "saved as failed")
    return out


def run_drafts_suite(*, engine, policy, cases_list=None, limit: int | None = None, keep: list | None = None,
                     batch_min: int | None = None, batch_options: dict | None = None):
    """The suite as evals.SuiteResult: metrics {n, drafts, drafts_passing, checks {name: pass rate}}.
    From `batch_min` model requests on (evals.BATCH_MIN_CASES, so 5 cases), an engine with `draft_batch`
    answers through message batches (`batch_options` go to them): see `batched_engines`."""
    from .evals import BATCH_MIN_CASES, Prediction, SuiteResult, usage_of
    from .store import Store
    from .triage import clean_complaint

    started = time.perf_counter()
    chosen = cases_list if cases_list is not None else cases(limit)
    if limit:
        chosen = chosen[:limit]
    totals = {name: 0 for name in (*CHECKS, "lint")}
    count = passing = 0
    predictions, calls = [], []
    texts = [clean_complaint(case.text, limit=policy.max_complaint_chars) for case in chosen]
    # As for the triage suites, from BATCH_MIN_CASES requests on: here 10 drafts a case go to the model.
    batched = (hasattr(engine, "draft_batch")
               and len(chosen) * DRAFTS_PER_CASE >= (BATCH_MIN_CASES if batch_min is None else batch_min))
    engines = batched_engines(engine, policy, chosen, texts, batch_options or {}) if batched else [engine] * len(chosen)
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "drafts.db") as store:
        for case, text, answering in zip(chosen, texts, engines):
            esc, made = _drafts(store, case, answering, policy, text)
            problems = []
            for label, kind, audience, outcome, result in made:
                count += 1
                failed = [name for name, found in result.items() if found]
                for name in failed:
                    totals[name] += 1
                    problems.append(f"{label} {kind} ({audience}) {name}: {result[name][0][:120]}")
                passing += not failed
                if keep is not None:
                    keep.append((case, label, kind, audience, outcome.draft))
            pred = Prediction(case, esc.severity.value, esc.type.value, esc.engine.name, esc.engine.fallback_reason)
            pred.draft_problems = problems
            predictions.append(pred)
        calls = list(store.db.query("SELECT * FROM model_calls"))
    checks = {name: round(1 - totals[name] / count, 3) if count else 0.0 for name in totals}
    metrics = {"n": len(chosen), "drafts": count, "drafts_passing": round(passing / count, 3) if count else 0.0,
               "checks": checks, "fallbacks": sum(1 for p in predictions if p.fallback_reason)}
    return SuiteResult("drafts", engine.name, getattr(engine, "model", None), metrics, {"drafts_passing": None},
                       predictions, time.perf_counter() - started, usage_of(calls, batched=batched))


class Replayed:
    """The Claude engine, for one case's workflow, answering from message batches: its triage from the
    triage batch (as engines.Answered), each draft in turn from the draft batch. With `drafts` None it
    collects the draft requests instead (the offline template stands in), for the batch to be sent."""

    name = "anthropic"

    def __init__(self, engine, triaged, drafts: list | None = None, asked: list | None = None):
        from .engines import Answered

        self.model = getattr(engine, "model", None)
        self.triaged = Answered(engine, triaged)
        self.drafts, self.asked = drafts, asked

    def triage(self, request, signals):
        return self.triaged.triage(request, signals)

    def draft(self, kind: str, audience: str, facts: dict, skeleton_template: str):
        from .errors import EngineError

        if self.drafts is None:
            self.asked.append((kind, audience, facts, skeleton_template))
            raise EngineError("collected for the message batch")
        request, outcome = self.drafts.pop(0)
        if request[:2] != (kind, audience) or request[2] != facts:
            raise EngineError("the record differed from the one the batch answered: not used")
        if isinstance(outcome, EngineError):
            raise outcome
        return outcome


def batched_engines(engine, policy, chosen, texts, options: dict) -> list[Replayed]:
    """Two message batches for the whole suite: every case's triage, then every draft of every case.
    The workflow is walked once on a scratch store to collect the draft requests (each depends on its
    triage and on the moment), then the suite walks it again with each answer in hand. A draft whose
    record came out different on the second walk is not given an answer made for another."""
    from .store import Store
    from .triage import request_for

    requests = [request_for(text=t, customer=c.customer, tier=c.tier, contact=None, policy=policy)
                for c, t in zip(chosen, texts)]
    triaged = engine.triage_batch(requests, **options)
    asked: list[list] = [[] for _ in chosen]
    with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "collect.db") as store:
        for case, text, outcome, mine in zip(chosen, texts, triaged, asked):
            _drafts(store, case, Replayed(engine, outcome, asked=mine), policy, text)
    flat = [r for mine in asked for r in mine]
    answers = iter(engine.draft_batch(flat, **options))
    return [Replayed(engine, outcome, drafts=[(r, next(answers)) for r in mine]) for outcome, mine in zip(triaged, asked)]


# Ten drafts a reviewer can read: each kind and audience, each moment, real and pasted text.
EXAMPLES = [
    ("email:outlook-card-payments", "fresh", "acknowledgment", "customer"),
    ("email:outlook-card-payments", "overdue", "update", "customer"),
    ("email:outlook-card-payments", "overdue", "update", "exec"),
    ("email:outlook-card-payments", "overdue", "update", "internal"),
    ("email:gmail-login-thread", "workaround", "update", "customer"),
    ("email:forwarded-vp-call", "fresh", "acknowledgment", "customer"),
    ("email:german-outlook", "resolved", "resolution", "customer"),
    ("email:typo-subject-only", "fresh", "acknowledgment", "customer"),
    ("email:written-rca-request", "resolved", "summary", "customer"),
    ("email:outlook-card-payments", "resolved", "apology", "customer"),
]


def write_examples(folder: Path, *, engine, policy) -> list[Path]:
    """Regenerate the ten example drafts (examples/drafts/) from the pasted-e-mail cases."""
    wanted = {c[0] for c in EXAMPLES}
    chosen = [c for c in cases() if c.id in wanted]
    kept: list = []
    run_drafts_suite(engine=engine, policy=policy, cases_list=chosen, keep=kept)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for n, (case_id, label, kind, audience) in enumerate(EXAMPLES, 1):
        case, _, _, _, draft = next(k for k in kept if (k[0].id, k[1], k[2], k[3]) == (case_id, label, kind, audience))
        path = folder / f"{n:02d}-{case_id.split(':')[1]}-{label}-{kind}-{audience}.md"
        path.write_text(f"# {draft.subject}\n\n_{case_id} · {label} · {kind} · to {audience}_\n\n{draft.body}", encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    import argparse

    from .engines.offline import OfflineEngine
    from .policy import default_policy, load_policy

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--examples", type=Path, required=True, help="folder to write the ten example drafts to")
    parser.add_argument("--policy", type=Path, default=Path(__file__).resolve().parent.parent / "examples" / "team-policy.toml",
                        help="policy with a filled-in [team] section (default: examples/team-policy.toml)")
    args = parser.parse_args(argv)
    policy = load_policy(args.policy) if args.policy.is_file() else default_policy()
    for path in write_examples(args.examples, engine=OfflineEngine(policy), policy=policy):
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
