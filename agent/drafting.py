"""Drafts of every message an escalation needs, built from the record and its timeline.

"Lead with what you know": what the events say has been done is what a draft says. The offline
path fills prompts/messages/<kind>.j2; the Claude path writes prose inside the same structure.
Either way lint checks and corrects the draft before it is saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import board, lint, recovery, rules
from .errors import EngineError, UsageError
from .policy import Policy
from .prompts import prompt_hash, render
from .schemas import Draft, Escalation, Triage
from .store import Store, now, parse_id
from .wording import format_time, headline, lower_first, second_person, without_leading_time

KINDS = ("acknowledgment", "update", "resolution", "apology", "internal", "summary")
AUDIENCES = ("customer", "internal", "exec")
DEFAULT_AUDIENCE = {"internal": "internal"}


def template(kind: str) -> str:
    return f"messages/{kind}.j2"


def _impact_phrase(triage: Triage) -> str | None:
    users = triage.impact.users_affected
    money = triage.impact.revenue_at_risk
    parts = []
    if users.evidence != "unknown":
        parts.append(f"it affects {users.assessment}")
    if money.evidence != "unknown":
        parts.append(f"it puts {money.evidence} at risk")
    return " and ".join(parts) or None


# How a customer hears the severity: its place in our priorities, never the policy's criteria list.
PRIORITY = {1: "our highest priority", 2: "high priority", 3: "normal priority", 4: "standard priority"}
# A possible exposure asks who saw what, since when, and what to rotate, not "what have you tried".
SECURITY_FOLLOW_UPS = [
    "Who may have seen or accessed the data (which people, accounts or outside parties)?",
    "Since when could it have been exposed: when did you first notice it?",
    "Which accounts, passwords, API keys or other credentials should be rotated or revoked now?",
]


def _logged(esc: Escalation, kind: str) -> list[str]:
    return [second_person(e.data["text"]) if kind == "workaround" else e.data["text"]
            for e in esc.events if e.kind == "log" and e.data.get("kind") == kind]


def _when(esc: Escalation, kind: str) -> datetime | None:
    return next((e.at for e in esc.events if e.kind == kind), None)


def context(esc: Escalation, policy: Policy, moment: datetime, row: board.Row | None = None) -> dict:
    """Every fact a draft may use, from the record, its events and its clocks."""
    t = esc.triage
    tz = esc.sla.timezone
    team = policy.teams[esc.type]
    stated = next((q.answer for q in t.questions if q.key == "workaround" and q.answer), None)
    workarounds = _logged(esc, "workaround")
    workaround = workarounds[-1] if workarounds else (
        second_person(stated.removeprefix("Yes: ")) if stated and stated.startswith("Yes: ") else None)
    # The live clocks (they follow `escalate severity`, pauses and acknowledgments), else the triage plan.
    clocks = {c.name: c for c in row.clocks} if row else {}
    update_clock, resolution_clock = clocks.get("update"), clocks.get("resolution")
    next_update = update_clock.due if update_clock and update_clock.due else esc.sla.next_update_due
    resolution_due = resolution_clock.due if resolution_clock and resolution_clock.due else esc.sla.resolution_due
    # Routing and stakeholders of the current severity, not the triage-time ones.
    routing = rules.route(policy, esc.type, esc.severity)
    stakeholders = list(policy.for_severity(esc.severity, esc.tier).stakeholders)
    changes = [e for e in esc.events if e.kind == "severity_changed"]
    severity_change = ({"from": changes[-1].data.get("from"), "to": changes[-1].data.get("to"),
                        "reason": (changes[-1].data.get("reason") or "").strip().rstrip(".")} if changes else None)
    resolved_at = _when(esc, "resolved")
    level = recovery.impact_level(esc, moment, resolved_at)
    resolved_event = next((e for e in esc.events if e.kind == "resolved"), None)
    timeline = [(format_time(e.at.astimezone(esc.sla.opened_at.tzinfo), tz), _timeline_text(e))
                for e in esc.events if _timeline_text(e)]
    issue = second_person(t.summary.rstrip(".!?…"))
    return {
        "customer": esc.customer,
        "greeting": f"Hi {esc.contact}" if esc.contact else f"Hello {esc.customer} team",
        "escalation_id": esc.id,
        "severity": esc.severity.value,
        "severity_rank": esc.severity.rank,
        "severity_criteria": policy.for_severity(esc.severity, esc.tier).criteria,
        "severity_priority": PRIORITY[esc.severity.rank],
        "security": esc.type.value == "security",
        "type": esc.type.value,
        "tier": esc.tier.value,
        "status": esc.status,
        "urgent": esc.severity.rank <= 2,
        "issue": headline(t.summary),
        "issue_lower": lower_first(issue),
        "problem": lower_first(second_person(without_leading_time(t.summary.rstrip(".!?…")))),
        "impact": _impact_phrase(t),
        "impact_level": level.level,
        "team": routing.team,
        "routing_tier": routing.tier,
        "stakeholders": ", ".join(s for s in stakeholders if s != "customer") or "our team",
        "stakeholder_list": stakeholders,
        "workaround": workaround,
        "actions": _logged(esc, "action"),
        "hypotheses": _logged(esc, "hypothesis"),
        "decisions": _logged(esc, "decision"),
        "follow_ups": (SECURITY_FOLLOW_UPS if esc.type.value == "security"
                       else [q.follow_up for q in t.questions if q.follow_up][:3]),
        "next_update": format_time(next_update, tz) if next_update and esc.status not in ("resolved", "confirmed", "closed") else None,
        "resolution_due": format_time(resolution_due, tz),
        "opened": format_time(esc.opened_at.astimezone(esc.sla.opened_at.tzinfo), tz),
        "resolved": format_time(resolved_at.astimezone(esc.sla.opened_at.tzinfo), tz) if resolved_at else None,
        "resolution_summary": (resolved_event.data.get("summary") if resolved_event else None),
        "confirmed": esc.status in ("confirmed", "closed"),
        "timeline": timeline,
        "owner": esc.owner,
        "contact": esc.contact,
        "channel": team.channel,
        "company": policy.company.name,
        "executive": policy.company.executive,
        "executive_title": policy.company.executive_title,
        "rationale": t.rationale,
        "severity_change": severity_change,
        "summary": t.summary,
        # The summary in the customer's own words, addressed back to them ("your agents", not "our agents").
        "what_happened": second_person(t.summary.rstrip(".!?…")) + ".",
        "complaint_excerpt": esc.complaint[:400],
    }


def _timeline_text(e) -> str | None:
    d = e.data
    return {
        "opened": "Escalation opened",
        "ack": "We acknowledged the issue",
        "update": "We sent a progress update",
        "severity_changed": f"Severity changed from {d.get('from')} to {d.get('to')}",
        "resolved": "Fix in place" + (f": {d['summary']}" if d.get("summary") else ""),
        "confirmed": "You confirmed the fix",
        "log": f"{d.get('kind', 'note').capitalize()}: {d.get('text')}" if d.get("kind") in ("action", "workaround", "decision") else None,
    }.get(e.kind)


def lint_context(esc: Escalation, policy: Policy, kind: str, audience: str, ctx: dict) -> lint.LintContext:
    return lint.LintContext(
        kind=kind,
        audience=audience,
        next_update=ctx["next_update"],
        owner=esc.owner,
        channel=ctx["channel"],
        confirmed=ctx["confirmed"],
        max_credit_months=policy.recovery[ctx["impact_level"]].max_credit_months,
        impact_level=ctx["impact_level"],
        # What the customer (or our own people, in the timeline) wrote; not the engine's summary, which a
        # model could have filled with an injected link.
        customer_text=[esc.complaint, esc.customer, esc.contact or "", *ctx["actions"],
                       *(ctx["workaround"] and [ctx["workaround"]] or [])],
        severity=esc.severity.value,
    )


def render_offline(kind: str, ctx: dict) -> Draft:
    text = render(template(kind), **ctx)
    subject, _, body = text.partition("\n")
    return Draft(kind=kind, subject=subject.strip(), body=body.strip() + "\n", engine="offline")


@dataclass
class DraftOutcome:
    draft: Draft
    result: lint.LintResult
    escalation: Escalation
    fallback_reason: str | None = None


def create(store: Store, ident: str, kind: str, *, audience: str | None = None, engine=None,
           moment: datetime | None = None, actor: str = "cli") -> DraftOutcome:
    """Draft one message, lint it, save it (with engine, prompt hash and findings)."""
    if kind not in KINDS:
        raise UsageError(f"unknown draft kind {kind!r}: choose one of {', '.join(KINDS)}")
    audience = audience or DEFAULT_AUDIENCE.get(kind, "customer")
    if audience not in AUDIENCES:
        raise UsageError(f"unknown audience {audience!r}: choose one of {', '.join(AUDIENCES)}")
    esc = store.get(ident)
    if kind == "resolution" and esc.status not in ("resolved", "confirmed", "closed"):
        raise UsageError(f"cannot draft a resolution notice: {esc.id} is {esc.status}; record the fix first with `escalate resolve {esc.id}`")
    if kind == "update" and esc.status in ("confirmed", "closed"):
        raise UsageError(f"cannot draft an update: {esc.id} is {esc.status}, there is nothing left to update; "
                         f"send the incident summary with `escalate draft {esc.id} summary`")
    number = parse_id(esc.id)
    moment = moment or now()
    policy = store.policy_of(number)
    ctx = context(esc, policy, moment, board.one(store, number, moment))
    ctx["audience"] = audience
    fallback = None
    draft = None
    calls = []
    if engine is not None and getattr(engine, "name", "offline") == "anthropic":
        try:
            draft, calls = engine.draft(kind, audience, ctx, template(kind))
        except EngineError as exc:
            fallback, calls = str(exc), exc.calls
    if draft is None:
        draft = render_offline(kind, ctx)
    body_ctx = lint_context(esc, policy, kind, audience, ctx)
    result = lint.lint(draft.body, body_ctx)
    subject_ctx = lint.LintContext(kind="subject", audience="internal", confirmed=ctx["confirmed"],
                                   customer_text=body_ctx.customer_text)
    subject_result = lint.lint(draft.subject, subject_ctx)
    subject = " ".join(subject_result.text.split())
    if not subject:  # lint removed the whole line (a blaming subject): the template's subject stands in, linted too
        subject_result = lint.lint(render_offline(kind, ctx).subject, subject_ctx)
        subject = " ".join(subject_result.text.split())
    final = draft.model_copy(update={"body": result.text, "subject": subject})
    findings = result.findings + subject_result.findings
    store.save_draft(number, final, prompt_hash(template(kind)), findings=[f.model_dump(mode="json") for f in findings],
                     passed=result.passed and subject_result.passed, audience=audience, actor=actor, at=moment,
                     calls=calls, fallback_reason=fallback)
    return DraftOutcome(final, lint.LintResult(final.body, findings), store.get(number), fallback)
