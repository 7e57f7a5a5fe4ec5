"""Drafts of every message an escalation needs, built from the record and its timeline.

"Lead with what you know": what the events say has been done is what a draft says. The offline
path fills prompts/messages/<kind>.j2; the Claude path writes prose inside the same structure.
Either way lint checks the draft and removes what must not go out, the parts it lacks are added from
the record (agent/completion.py), and then it is saved.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from datetime import datetime

from . import board, completion, draft_checks, draft_facts, issue, lint, recovery, rules
from .draft_facts import CUSTOMER_TEAM, promised_update
from .errors import EngineError, UsageError
from .policy import DEFAULT as DEFAULT_POLICY, Policy
from .prompts import prompt_hash, render
from .schemas import Draft, Escalation, Triage
from .store import Store, now, parse_id
from .complaint import customer_words
from .editing import contact_email_of
from .greeting import greeting, reads_as_person
from .team import Signer, sender as team_sender
from .wording import format_time, second_person

KINDS = ("acknowledgment", "update", "resolution", "apology", "internal", "summary")
AUDIENCES = ("customer", "internal", "exec")
DEFAULT_AUDIENCE = {"internal": "internal"}


def template(kind: str) -> str:
    return f"messages/{kind}.j2"


def template_for(kind: str, audience: str) -> str:
    """Customer drafts each have their own template; `--to internal` is the internal brief and
    `--to exec` the executive brief, whatever the kind."""
    if audience == "customer" or kind == "internal":
        return template(kind)
    return template("internal" if audience == "internal" else "exec")


def _impact_phrase(triage: Triage, said: str = "", *, past: bool = False) -> str | None:
    """What it costs, unless the issue statement already says it ("none of your 14 warehouses…"); `past`
    once it is resolved ("I'm sorry for the disruption this caused: it put EUR 15,000 a day at risk")."""
    users = triage.impact.users_affected
    money = triage.impact.revenue_at_risk
    parts = []
    if users.evidence != "unknown" and users.evidence.lower() not in said.lower():
        parts.append(f"it {'affected' if past else 'affects'} {users.assessment}")
    if money.evidence != "unknown" and money.evidence.lower() not in said.lower():
        parts.append(f"it {'put' if past else 'puts'} {money.evidence} at risk")
    return " and ".join(parts) or None


# How a customer hears the severity: its place in our priorities, never the policy's criteria list.
PRIORITY = {1: "our highest priority", 2: "high priority", 3: "normal priority", 4: "standard priority"}
# A possible exposure asks who saw what, since when, and what to rotate, not "what have you tried".
SECURITY_FOLLOW_UPS = [
    "Who may have seen or accessed the data (which people, accounts or outside parties)?",
    "Since when could it have been exposed: when did you first notice it?",
    "Which accounts, passwords, API keys or other credentials should be rotated or revoked now?",
]
# What the customer is asked, and how the acknowledgment speaks of it, by the shape of the security matter.
# `yours`: their data, secrets or systems exposed; `others`: other people's data shown or sent to them (a parcel
# with other customers' packing slips, a page with someone else's bank details): it is not their data, and
# what they hold must not travel further; `takeover`: someone else in their account; `phished`: passwords given
# to a fake page (a phishing mail that imitates ours).
SECURITY_SHAPES = {
    "yours": ("I take the possible exposure of your data as seriously as you do: it may affect you and your users",
              SECURITY_FOLLOW_UPS),
    "others": ("I'm sorry this reached you. I take this exposure of other people's data as seriously as you do",
               ["Where exactly did it appear (the page, e-mail, document or parcel), and whose data does it show? "
                "Please describe it rather than send it on.",
                "When did you first see it, and has anyone else on your side seen or saved it?",
                "Can you keep what you received aside, unshared, until our security team tells you how to return or delete it?"]),
    "phished": ("I take passwords given to a fake page as seriously as you do: they may let someone into your accounts",
                ["Who entered their password, and have those passwords been changed and every other session signed out?",
                 "Which sign-ins, changes or payments since then do you not recognise?",
                 "Can you forward us the phishing e-mail as an attachment, with its headers, so that we can have the fake page "
                 "taken down?"]),
    "takeover": ("I take someone else being in your account as seriously as you do: it may affect you and your users",
                 ["Which sign-ins, changes or payments do you not recognise, and when did you last sign in yourself?",
                  "Have you changed the password and signed out every other session yet? If not, we can do it with you now.",
                  "Which accounts, passwords, API keys or other credentials should be rotated or revoked now?"]),
}


# A security question the customer already answered by saying when it began ("Since yesterday our staff can see …"):
# asked without its time, or not at all.
_WHEN_TOLD = {
    SECURITY_FOLLOW_UPS[1]: None,
    SECURITY_SHAPES["others"][1][1]: "Has anyone else on your side seen or saved it?",
}


def _security_asks(asks: list[str], t: Triage) -> list[str]:
    if not any(q.key == "when" and q.answer for q in t.questions):
        return asks
    return [q for q in (_WHEN_TOLD.get(ask, ask) for ask in asks) if q]


def security_shape(own: str) -> str:
    """The shape of a security matter in the customer's own words (see SECURITY_SHAPES)."""
    from .signals import Signals

    sig = Signals.read(own)
    if any(_GIVEN_AWAY.search(c.phrase) for c in sig.cues.get("security_breach", ()) if not c.hedged):
        return "phished"
    if sig.first("takeover", actual=True):
        return "takeover"
    # a breach cue that names the other party ("other customers' names") is this exposure, not a breach of their own
    said = [c for c in sig.cues.get("security_breach", ()) if not c.hedged]
    breach = [c for c in said if not _OTHER_PARTY.search(c.phrase)]
    if (sig.first("exposure", actual=True) or said) and not breach and not any(
            sig.first(k, actual=True) for k in ("secret_exposed", "data_loss", "exfiltration")):
        return "others"
    return "yours"


_GIVEN_AWAY = re.compile(r"\b(?:entered|typed|gave|submitted|put)\b.*\b(?:passwords?|credentials|login|logins|codes?)\b", re.IGNORECASE)
_OTHER_PARTY = re.compile(r"\b(?:other|another|someone else|somebody else|different)\b", re.IGNORECASE)


def exposure_described(t: Triage, own: str) -> bool:
    """Whether a security escalation's customer drafts may speak of a possible exposure and ask what to
    rotate. Not when the offline model alone typed it security (its P(security) at or over the
    threshold, and no security cue in the customer's own words): "I've been trying to cancel my
    subscription... I'm going to report you to my bank" read P(security) 0.18 against 0.12, and its
    acknowledgment spoke of "the possible exposure of your data" and asked which API keys to rotate.
    The type stays security, so the security team still looks at it."""
    reading = t.model
    if reading is None or reading.source == "none" or reading.security_probability < reading.security_threshold:
        return True  # Claude, or the rules, typed it security
    from .signals import Signals

    sig = Signals.read(own)
    return bool(rules.security_matter(sig) or sig.first("security_concern") or sig.first("security_hint") or sig.first("exfiltration"))


def is_request(own: str) -> bool:
    """The customer asks for something with nothing gone wrong: a feature, a change to the account (a new admin), a
    copy of their data under GDPR. There is no disruption to apologise for (lint then wants the request taken up)."""
    from .signals import _BROKEN_OR_WORSE, Signals

    sig = Signals.read(own)
    return bool(sig.first("asked_for") or sig.first("account_change") or (sig.first("regulatory_request") or sig.first("regulatory"))
                and not any(sig.first(k, actual=True) for k in _BROKEN_OR_WORSE))


def _sorry(own: str) -> str:
    """The apology of an acknowledgment, for what went wrong: nobody answering them is not a disruption, and a
    request has none (`is_request`)."""
    from .signals import Signals

    sig = Signals.read(own)
    if sig.first("unanswered", actual=True):
        return "I'm sorry you were left without an answer"
    from .assess import billing_only

    if billing_only(sig):
        return "I'm sorry for the wrong charge and the trouble it causes you"
    if is_request(own):
        return lint.REQUEST_TAKEN_UP
    return "I'm sorry for the disruption this is causing"


def said_over(esc: Escalation) -> str | None:
    """The customer's own words that the problem is over or was a false alarm, when that is the playbook's whole
    reading of the complaint (SEV-4, nothing broken now; the severity may stand higher) and nothing since has been
    logged or resolved: the acknowledgment then thanks them and offers to close, instead of apologising for a
    disruption and asking how many users are affected ("False alarm: it was our own proxy ... please close this")."""
    if esc.status != "open" or any(e.kind in ("resolved", "log") for e in esc.events):
        return None
    from .assess import assess_severity
    from .schemas import Severity
    from .signals import Signals

    sig = Signals.read(customer_words(esc.complaint))
    over = sig.first("over")
    if over is None or assess_severity(sig, esc.tier)[0] is not Severity.SEV4:
        return None
    from .signals import _PAST_ANCHOR, _sentence_bounds

    lo, hi = _sentence_bounds(sig.lower, over.start, over.end)
    if _PAST_ANCHOR.search(sig.lower, lo, hi) and any(c.start >= hi or c.end <= lo for k in ("minor", "ui_text", "major", "degraded")
                                                      for c in sig.cues.get(k, ())):
        return None  # "Last year we had an outage …, it was resolved. Today: the footer has a typo": the past one is over
    return second_person(sig.quote(over, tight=True))


def _logged(esc: Escalation, kind: str) -> list[str]:
    """What the team logged, in its own words: written by us, so not turned around as a customer's words are
    ("we now drop repeated deliveries on our side; you can resume fulfilment" stays as written)."""
    return [e.data["text"] for e in esc.events if e.kind == "log" and e.data.get("kind") == kind]


def _when(esc: Escalation, kind: str) -> datetime | None:
    return next((e.at for e in esc.events if e.kind == kind), None)


def context(esc: Escalation, policy: Policy, moment: datetime, row: board.Row | None = None, *,
            kind: str = "update", audience: str = "customer") -> dict:
    """Every fact a draft may use, from the record, its events and its clocks, as of `moment`."""
    from .warroom import workarounds as logged_workarounds

    t = esc.triage
    tz = esc.sla.timezone
    team = policy.teams[esc.type]
    stated = next((q.answer for q in t.questions if q.key == "workaround" and q.answer), None)
    workarounds = _logged(esc, "workaround")
    workaround = workarounds[-1] if workarounds else (
        second_person(stated.removeprefix("Yes: ")) if stated and stated.startswith("Yes: ") else None)
    eta = next((w["permanent_fix_eta"] for w in reversed(logged_workarounds(esc)) if w["permanent_fix_eta"]), None)
    # The live clocks (they follow `escalate severity`, pauses and acknowledgments), else the triage plan.
    clocks = {c.name: c for c in row.clocks} if row else {}
    update_clock, resolution_clock = clocks.get("update"), clocks.get("resolution")
    update_due = update_clock.due if update_clock and update_clock.due else esc.sla.next_update_due
    resolution_due = resolution_clock.due if resolution_clock and resolution_clock.due else esc.sla.resolution_due
    # Every promised time is still ahead at the moment of drafting: an overdue update is promised one
    # interval from now (the missed one is for internal eyes only).
    next_update = promised_update(esc, policy, moment, update_due)
    missed_update = update_due if update_due and update_due <= moment and next_update else None
    if missed_update and _promised_before_raise(esc, moment):
        missed_update = None  # the clock a raise shortened is ours to catch up on: the customer's promised time is ahead
    target_ahead = resolution_due > moment
    # Routing and stakeholders of the current severity, not the triage-time ones.
    routing = rules.route(policy, esc.type, esc.severity)
    stakeholders = list(policy.for_severity(esc.severity, esc.tier).stakeholders)
    changes = [e for e in esc.events if e.kind == "severity_changed"]
    severity_change = ({"from": changes[-1].data.get("from"), "to": changes[-1].data.get("to"),
                        "reason": (changes[-1].data.get("reason") or "").strip().rstrip(".")} if changes else None)
    resolved_at = _when(esc, "resolved")
    level = recovery.impact_level(esc, moment, resolved_at)
    max_credit = policy.recovery[level.level].max_credit_months
    resolved_event = next((e for e in esc.events if e.kind == "resolved"), None)
    timeline = [(format_time(e.at, tz), _timeline_text(e)) for e in esc.events if _timeline_text(e)]
    said = issue.phrases(esc.summary, issue.addressed(esc))
    default_channel = DEFAULT_CHANNELS.get(esc.type.value)
    who = team_sender(policy.team, kind=kind, audience=audience, owner=esc.owner,
                      team_channel=None if team.channel == default_channel else team.channel,
                      executive=Signer(name=policy.company.executive, title=policy.company.executive_title),
                      company="" if policy.company.name == "Customer Support" else policy.company.name)
    senior = team_sender(policy.team, kind="exec", audience="exec", owner=esc.owner, team_channel=None)
    senior_name = (f"{senior.name}, our {senior.title}," if senior.title and senior.name != esc.owner
                   else "our support manager")
    contact = customer_contact(esc, policy)[0] if audience == "customer" else esc.owner
    answers = draft_facts.answers(esc, policy, moment, next_update=next_update, signer=who.name,
                                  senior=senior_name, channel=who.channel)
    rca_done = any(e.kind == "rca_completed" for e in esc.events)
    paused_for = _paused_for(esc)
    users, money = t.impact.users_affected, t.impact.revenue_at_risk
    own = " ".join(draft_facts.customer_texts(esc))
    exposure = esc.type.value == "security" and exposure_described(t, own)
    security_line, security_follow_ups = SECURITY_SHAPES[security_shape(own) if exposure else "yours"]
    return {
        "kind": kind,
        "customer": esc.customer,
        "greeting": greeting(esc.contact, esc.customer, esc.complaint),
        "customer_is_person": reads_as_person(esc.customer),  # "affecting you", not "your team", for Sarah Miller
        "escalation_id": esc.id,
        "severity": esc.severity.value,
        "severity_rank": esc.severity.rank,
        "severity_criteria": policy.for_severity(esc.severity, esc.tier).criteria,
        "severity_priority": PRIORITY[esc.severity.rank],
        "security": exposure,
        "sorry_line": security_line if exposure else _sorry(own),
        "request": not exposure and is_request(own),
        "type": esc.type.value,
        "tier": esc.tier.value,
        "status": esc.status,
        "paused_for": paused_for,
        "said_over": said_over(esc) if kind == "acknowledgment" and audience == "customer" else None,
        "waiting_on_customer": _waiting_on_customer(paused_for),
        "urgent": esc.severity.rank <= 2,
        "issue": said["subject"],
        "issue_lower": said["clause"],
        "problem": said["about"].removeprefix("the issue where ").removeprefix("the issue "),
        "about": said["about"],
        "issue_quoted": issue.is_quote(esc.summary),
        "impact": _impact_phrase(t, esc.summary, past=bool(resolved_at)),
        "users_affected": users.assessment if users.evidence != "unknown" else None,
        "revenue_at_risk": money.evidence if money.evidence != "unknown" else None,
        "impact_level": level.level,
        "max_credit_months": max_credit,
        "decision_needed": draft_facts.exec_decision(esc, level.level, max_credit, bool(resolved_at)),
        "team": routing.team,
        "customer_team": CUSTOMER_TEAM[esc.type.value],
        "routing_tier": routing.tier,
        "stakeholders": ", ".join(s for s in stakeholders if s != "customer") or "our team",
        "stakeholder_list": stakeholders,
        "workaround": workaround,
        "permanent_fix_eta": format_time(eta, tz) if eta and eta > moment else None,
        "actions": _logged(esc, "action"),
        "hypotheses": _logged(esc, "hypothesis"),
        "decisions": _logged(esc, "decision"),
        "security_line": security_line,
        "follow_ups": [q for q in (_security_asks(security_follow_ups, t) if exposure
                                   else [q.follow_up for q in t.questions if q.follow_up]) if not _already_said(q, t, own)][:3],
        "next_update": format_time(next_update, tz) if next_update else None,
        "missed_update": format_time(missed_update, tz) if missed_update else None,
        "resolution_due": format_time(resolution_due, tz) if target_ahead else None,
        "resolution_breached": format_time(resolution_due, tz) if not target_ahead else None,
        "opened": format_time(esc.opened_at, tz),
        "resolved": format_time(resolved_at, tz) if resolved_at else None,
        "resolution_summary": (resolved_event.data.get("summary") if resolved_event else None),
        "confirmed": esc.status in ("confirmed", "closed"),
        "rca_done": rca_done,
        "timeline": timeline,
        "owner": contact,
        "contact": esc.contact,
        "channel": who.channel,
        "signature": who.signature,
        "signer": who.name,
        "signer_is_person": bool(who.title) or who.name == esc.owner,
        "sender_warning": who.warning,
        "requests": [{"kind": a.kind, "label": REQUEST_LABELS[a.kind], "words": a.words, "answer": a.sentence} for a in answers],
        "answers": answers,
        "company": who.company or policy.company.name,  # team templates may sign with it; ours use `signature`
        "executive": policy.company.executive,
        "executive_title": policy.company.executive_title,
        "rationale": issue.close_quotes(t.rationale),
        "severity_change": severity_change,
        "summary": esc.summary,
        # The summary addressed back to the customer ("your agents", not "our agents"), or their words quoted.
        "what_happened": said["sentence"],
        "complaint_excerpt": customer_words(esc.complaint)[:400],
    }


REQUEST_LABELS = {"call": "a call", "senior": "someone senior", "written_rca": "a written root cause",
                  "credit": "a credit or refund", "deadline": "a deadline", "channel": "a preferred channel",
                  "explanation": "an explanation"}
# The shipped policy's placeholder channels: never printed as if they were a real address.
DEFAULT_CHANNELS = {k: v["channel"] for k, v in DEFAULT_POLICY["teams"].items()}


def _paused_for(esc: Escalation) -> str | None:
    """Why the clocks are paused (the last pause with no resume after it), as the team wrote it."""
    reason = None
    for e in esc.events:
        if e.kind == "pause":
            reason = (e.data.get("reason") or "").strip().rstrip(".") or "no reason given"
        elif e.kind in ("resume", "resolved", "closed"):
            reason = None
    return reason


_WAITING = re.compile(r"^(?:we\s+are\s+|we're\s+)?(?:waiting|wait|awaiting)\s+(?:for\s+|on\s+)?(?P<what>.+)$", re.IGNORECASE)
_THE_CUSTOMER = re.compile(r"\b(?:the\s+)?customer(?P<s>'s|’s)?\b|\bthem\b|\btheir\b", re.IGNORECASE)


def _waiting_on_customer(reason: str | None) -> str | None:
    """A pause that waits on the customer, said to them: "waiting for a HAR file of a slow search from the
    customer" -> "a HAR file of a slow search from you". A pause for anything else stays internal."""
    m = _WAITING.match(reason or "")
    if not m or not _THE_CUSTOMER.search(m.group("what")):
        return None
    return _THE_CUSTOMER.sub(lambda c: "your" if c.group("s") or c.group(0).lower() == "their" else "you", m.group("what"))


def _promised_before_raise(esc: Escalation, moment: datetime) -> bool:
    """Whether the update the customer was last told to expect is still ahead, though the clock says an update
    is overdue: a severity change since the last message to them (ack or update) shortened the clock, and the
    plan it replaced (the one that message promised) is not due yet."""
    sent = [e.at for e in esc.events if e.kind in ("ack", "update")]
    if not sent:
        return False
    changed = [e for e in esc.events if e.kind == "severity_changed" and e.at >= max(sent)]
    told = changed[0].data.get("previous_plan", {}).get("next_update_due") if changed else None
    return bool(told) and datetime.fromisoformat(told) > moment


def customer_contact(esc: Escalation, policy: Policy) -> tuple[str, str | None]:
    """Who the customer reaches, and how, in every message, report and recovery plan alike: while the
    escalation is with a team's default owner (a role: "Engineering on-call", also after a retype), the
    person the policy's [team] names to write to customers, else the owner; the [team] contact address,
    else the routed team's channel when the policy set one (None for the shipped placeholder: reply to
    the message)."""
    team = policy.teams[esc.type]
    default_channel = DEFAULT_CHANNELS.get(esc.type.value)
    agent = team_sender(policy.team, kind="update", audience="customer", owner=esc.owner,
                        team_channel=None if team.channel == default_channel else team.channel)
    roles = {t.owner for t in policy.teams.values()}
    name = agent.name if esc.owner in roles and policy.team.agent.name else esc.owner
    return name, agent.channel


def _already_said(question: str, t: Triage, text: str = "") -> bool:
    """A follow-up for what the customer already told us is not asked again."""
    key = next((q.key for q in t.questions if q.follow_up == question), None)
    if key == "business_impact" and (draft_facts.states_impact(text) or _impact_phrase(t)):
        return True
    return key is not None and any(q.key == key and q.answer for q in t.questions)


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
        owner=ctx["owner"],
        channel=ctx["channel"],
        confirmed=ctx["confirmed"],
        max_credit_months=policy.recovery[ctx["impact_level"]].max_credit_months,
        impact_level=ctx["impact_level"],
        # What the customer (or our own people, in the timeline) wrote; not the engine's summary, which a
        # model could have filled with an injected link.
        customer_text=[esc.complaint, esc.customer, esc.contact or "", *ctx["actions"],
                       *(ctx["workaround"] and [ctx["workaround"]] or [])],
        severity=esc.severity.value,
        status=esc.status,
        plan_credit_months=recovery.planned_credit_months(esc),
        request=ctx["request"],
    )


def check_facts(esc: Escalation, policy: Policy, ctx: dict, moment: datetime, audience: str) -> draft_checks.Facts:
    """What the record says, for the checks every draft must pass (agent/draft_checks.py)."""
    own = " ".join(draft_facts.customer_texts(esc))
    names = {t.name for t in policy.teams.values()} | set(policy.tier_by_severity.values())
    return draft_checks.Facts(
        moment=moment, timezone=esc.sla.timezone, audience=audience, escalation_id=esc.id, severity=esc.severity.value,
        complaint=esc.complaint, next_update=ctx["next_update"], owner=esc.owner, hypotheses=ctx["hypotheses"],
        team_names=sorted(n for n in names if n and n.lower() not in own.lower()), criteria=ctx["severity_criteria"],
        answers=[a.sentence for a in ctx["answers"]], customer_text=[esc.complaint, esc.customer, esc.contact or ""],
    )


def render_offline(kind: str, ctx: dict, name: str | None = None) -> Draft:
    text = render(name or template(kind), **ctx)
    subject, _, body = text.partition("\n")
    return Draft(kind=kind, subject=subject.strip(), body=body.strip() + "\n", engine="offline")


@dataclass
class DraftOutcome:
    draft: Draft
    result: lint.LintResult
    escalation: Escalation
    fallback_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    signer: str | None = None          # who signs: the .eml's From name
    channel: str | None = None         # how the customer reaches us: the .eml's From address when it has one
    contact_email: str | None = None   # the customer contact's address: the .eml's To


@dataclass
class Composed:
    """One message drafted, linted and checked from the record alone: what `create` saves."""

    draft: Draft
    findings: list
    passed: bool
    calls: list
    prompt: str                        # the template's hash
    promises: list[dict] = field(default_factory=list)
    fallback_reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    signer: str | None = None
    channel: str | None = None


def compose(esc: Escalation, policy: Policy, kind: str, *, audience: str, moment: datetime,
            row: board.Row | None = None, engine=None, others: tuple[str, ...] = ()) -> Composed:
    """Draft one message and lint it, nothing stored (batch triage composes acknowledgments for records
    not yet written; `create` saves what this returns). `others`: the database's other customers, whom a
    customer's message never names."""
    ctx = context(esc, policy, moment, row, kind=kind, audience=audience)
    ctx["audience"] = audience
    ctx["kind"] = kind
    name = template_for(kind, audience)
    fallback = None
    draft = None
    calls = []
    if engine is not None and getattr(engine, "name", "offline") == "anthropic":
        try:
            draft, calls = engine.draft(kind, audience, ctx, name)
        except EngineError as exc:
            fallback, calls = str(exc), exc.calls
    if draft is None:
        draft = render_offline(kind, ctx, name)
    body_ctx = lint_context(esc, policy, kind, audience, ctx)
    # (a customer who names another one, "we are not Brightwater", may read that name back)
    body_ctx.other_customers = tuple(n for n in others if n.lower() not in esc.complaint.lower()) if audience != "internal" else ()
    result = lint.lint(draft.body, body_ctx)
    if audience == "customer":  # what lint found missing, drafting adds from the record
        result = lint.LintResult(*completion.complete(result.text, result.findings, ctx))
    subject_ctx = lint.LintContext(kind="subject", audience="internal", confirmed=ctx["confirmed"],
                                   customer_text=body_ctx.customer_text)
    subject_result = lint.lint(draft.subject, subject_ctx)
    subject = " ".join(subject_result.text.split())
    if not subject:  # lint removed the whole line (a blaming subject): the template's subject stands in, linted too
        subject_result = lint.lint(render_offline(kind, ctx, name).subject, subject_ctx)
        subject = " ".join(subject_result.text.split())
    body, checked = draft_checks.audit(result.text, check_facts(esc, policy, ctx, moment, audience), subject=subject,
                                       skip=("placeholder",), warn=("request_unanswered",))
    final = draft.model_copy(update={"body": body, "subject": subject})
    findings = result.findings + subject_result.findings + checked
    passed = result.passed and subject_result.passed and lint.LintResult(body, checked).passed
    # The promises this draft makes; they become commitments when it is sent (`escalate ack` / `update`).
    promises = draft_facts.promises([a for a in ctx["answers"] if a.sentence in final.body], owner=ctx["signer"]) \
        if passed and audience == "customer" else []
    warnings = [ctx["sender_warning"]] if ctx["sender_warning"] and audience != "internal" else []
    return Composed(final, findings, passed, calls, prompt_hash(name), promises, fallback, warnings,
                    signer=ctx["signer"] if ctx["signer_is_person"] else None, channel=ctx["channel"])


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
    made = compose(esc, policy, kind, audience=audience, moment=moment, row=board.one(store, number, moment),
                   engine=engine, others=store.other_customers(esc.customer))
    store.save_draft(number, made.draft, made.prompt, findings=[f.model_dump(mode="json") for f in made.findings],
                     passed=made.passed, audience=audience, actor=actor, at=moment,
                     calls=made.calls, fallback_reason=made.fallback_reason, promises=made.promises)
    after = store.get(number)
    return DraftOutcome(made.draft, lint.LintResult(made.draft.body, made.findings), after, made.fallback_reason,
                        made.warnings, signer=made.signer, channel=made.channel, contact_email=contact_email_of(after.events))
