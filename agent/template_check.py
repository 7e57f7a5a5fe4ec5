"""`escalate policy check` for a team's templates folder: every file must parse, and every override
must render against a sample escalation with the context the real messages get. Errors name the
file and the line; at run time a broken override falls back to the bundled template (prompts.py)."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from .policy import Policy
from .prompts import MESSAGE_KINDS, MESSAGES, describe_error, environment, override_path

SAMPLE_COMPLAINT = (
    "Since 9am none of our 400 support agents can log in to the console: every attempt ends on a "
    "502 Bad Gateway page. We are losing about $20,000 an hour. We tried clearing caches; no workaround."
)
RESOLVED_KINDS = ("resolution", "summary")


@dataclass
class TemplateReport:
    overrides: list[str] = field(default_factory=list)
    snippets: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def sample_contexts(policy: Policy) -> dict[str, dict]:
    """The drafting context of a sample escalation, while it is being worked and once resolved."""
    from . import board, drafting, lifecycle
    from .engines.offline import OfflineEngine
    from .store import Store, now, parse_id
    from .triage import triage_complaint

    moment = now() - timedelta(hours=1)
    contexts = {}
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "sample.db") as store:
        esc = triage_complaint(text=SAMPLE_COMPLAINT, customer="Sample Customer", tier="enterprise", contact="Dana",
                               owner=None, timezone=None, at=moment, store=store, engine=OfflineEngine(policy=policy),
                               policy=policy)
        number = parse_id(esc.id)
        steps = [("ack", {}), ("log", {"kind": "action", "text": "rolled back the 4.2 gateway release"}),
                 ("log", {"kind": "hypothesis", "text": "the session cache is full"}), ("update", {"note": "rollback done"})]
        for i, (action, args) in enumerate(steps):
            lifecycle.step(store, number, action, at=moment + timedelta(minutes=5 * (i + 1)), actor="sample", **args)
        at = moment + timedelta(minutes=30)
        contexts["active"] = drafting.context(store.get(number), policy, at, board.one(store, number, at))
        lifecycle.step(store, number, "resolve", at=moment + timedelta(minutes=40), actor="sample", summary="cache resized")
        at = moment + timedelta(minutes=45)
        contexts["resolved"] = drafting.context(store.get(number), policy, at, board.one(store, number, at))
    return contexts


SAMPLE_NOTIFICATION = {
    "escalation_id": "ESC-1", "customer": "Sample Customer", "severity": "SEV-1", "tier": "enterprise", "status": "acknowledged",
    "owner": "Engineering on-call", "summary": "none of our agents can log in", "clock": "resolution",
    "clock_label": "resolution", "deadline": "2026-11-26T13:00:00+00:00", "deadline_text": "13:00 UTC on Thu 26 Nov 2026",
    "countdown": "due in 15m", "next_action": "Resolve Sample Customer by 13:00 UTC Thu 26 Nov", "why": "75 % of the target used",
    "recipient": "owner", "rung": "75%", "breaches": 0, "deadline_key": "resolution@2026-11-26T09:00:00+00:00", "kind": "warning",
}


def check(policy: Policy) -> TemplateReport:
    report = TemplateReport()
    team = policy.templates
    if not team:
        return report
    env = environment(team)
    root = Path(team)
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        is_override = relative.removesuffix(".j2") in MESSAGE_KINDS
        (report.overrides if is_override else report.snippets).append(relative)
        try:
            env.parse(path.read_text(encoding="utf-8"), name=relative, filename=str(path))
        except UnicodeDecodeError:
            report.errors.append(f"{path}: not UTF-8 text")
        except Exception as exc:
            report.errors.append(describe_error(exc, team, MESSAGES + relative))
    if not report.overrides or report.errors:
        return report
    contexts = sample_contexts(policy)
    for relative in report.overrides:
        kind = relative.removesuffix(".j2")
        ctx = dict(contexts["resolved" if kind in RESOLVED_KINDS else "active"])
        ctx.update(audience="internal" if kind == "internal" else "customer", recipient="owner",
                   notification=SAMPLE_NOTIFICATION)
        name = MESSAGES + relative
        try:
            text = env.get_template(name).render(**ctx)
        except Exception as exc:
            report.errors.append(describe_error(exc, team, name))
            continue
        subject, _, body = text.partition("\n")
        if not subject.strip() or not body.strip():
            report.errors.append(f"{override_path(name, team)} line 1: the first line is the subject and the body follows "
                                 "it; this template renders " + ("no subject" if not subject.strip() else "no body"))
    return report
