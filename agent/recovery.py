"""Customer recovery: the impact level of an escalation, and the recovery plan the policy allows
for it (actions, goodwill gestures, the six-step conversation, dated follow-up commitments).

Impact level rule (deterministic, documented in the README):
  points = severity (SEV-1: 3, SEV-2: 2, SEV-3: 1, SEV-4: 0)
         + 1 if it took longer than the resolution target (or is still open past it)
         + 1 if it lasted more than 24 hours
         + 1 if 100 or more users, or all users, were affected
         + 1 if the complaint names revenue at risk
         + 1 for an enterprise customer
  0-1 minor, 2-3 moderate, 4-5 significant, 6+ severe.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .policy import Policy
from .greeting import greeting as greeting_for
from .schemas import Correction, Escalation, Tier
from .schemas.recovery import (
    STEP_KEYS, STEP_TITLES, ConversationStep, Gesture, RecoveryPlan, RecoveryProposal, ScheduledCommitment,
)
from .wording import format_time, lower_first, second_person

LEVELS = ("minor", "moderate", "significant", "severe")
SEVERITY_POINTS = {"SEV-1": 3, "SEV-2": 2, "SEV-3": 1, "SEV-4": 0}


@dataclass(frozen=True)
class ImpactLevel:
    level: str
    points: int
    reasons: tuple[str, ...]


def _users_broad(esc: Escalation) -> bool:
    users = esc.triage.impact.users_affected
    if users.evidence == "unknown":
        return False
    if users.assessment.startswith("all"):
        return True
    head = users.assessment.split()[0].replace(",", "")
    return head.replace(".", "", 1).isdigit() and float(head) >= 100


def impact_level(esc: Escalation, now: datetime, resolved_at: datetime | None = None) -> ImpactLevel:
    points = SEVERITY_POINTS[esc.severity.value]
    reasons = [f"{esc.severity.value}: {points} point{'' if points == 1 else 's'}"]
    end = resolved_at or now
    if end > esc.sla.resolution_due:
        points += 1
        reasons.append("past the resolution target")
    if (end - esc.opened_at).total_seconds() > 24 * 3600:
        points += 1
        reasons.append("lasted more than 24 hours")
    if _users_broad(esc):
        points += 1
        reasons.append(f"{esc.triage.impact.users_affected.assessment} affected")
    if esc.triage.impact.revenue_at_risk.evidence != "unknown":
        points += 1
        reasons.append(f"revenue at risk ({esc.triage.impact.revenue_at_risk.evidence})")
    if esc.tier is Tier.ENTERPRISE:
        points += 1
        reasons.append("enterprise customer")
    level = LEVELS[0] if points <= 1 else LEVELS[1] if points <= 3 else LEVELS[2] if points <= 5 else LEVELS[3]
    return ImpactLevel(level, points, tuple(reasons))


# -- the recovery plan --------------------------------------------------------------------------
#
# Offline the plan is deterministic: the actions are the policy's for the impact level; the
# gestures are OFFER[level] (those the policy allows), with the most service credit the level
# allows; the six-step conversation is written from the record; the schedule is CHECK_INS for
# every level, plus an executive call (significant, severe), an in-person meeting (severe) and
# delivery of the gestures: calendar days from when the plan is made, due at the same time of
# day, shown in the customer's time zone. Whatever proposes a plan (an engine, or
# `--credit-months`), `check_plan` corrects it against the policy and records each correction.

OFFER = {
    "minor": (),
    "moderate": ("service credit",),
    "significant": ("service credit", "premium support upgrade"),
    "severe": ("service credit", "premium support upgrade", "training", "early access"),
}
GESTURE_DETAIL = {  # what the customer hears
    "premium support upgrade": "a premium support upgrade with a named engineer for the next quarter",
    "extended terms": "your current pricing held through your next renewal",
    "training": "a free training session for your team",
    "early access": "early access to the upcoming features on our roadmap",
}
CHECK_INS = (
    ("check_in_1d", timedelta(days=1), "Check in with {who}: confirm the fix is holding and nothing else is wrong"),
    ("check_in_7d", timedelta(days=7), "One-week check-in with {who}: share the root cause and the prevention actions"),
    ("review_30d", timedelta(days=30), "30-day relationship review with {customer}: is the account back on track?"),
)
EXECUTIVE_CALL_AFTER = timedelta(days=2)
MEETING_AFTER = timedelta(days=14)
GESTURES_AFTER = timedelta(days=7)


def executive(policy: Policy) -> str:
    """Who owns executive commitments: the named executive, else the title."""
    return policy.company.executive or policy.company.executive_title


def _executive_subject(policy: Policy) -> str:
    c = policy.company
    return f"{c.executive}, our {c.executive_title}," if c.executive else f"Our {c.executive_title}"


def gesture_label(g: Gesture) -> str:
    return credit_detail(g.credit_months) if g.kind == "service credit" and g.credit_months else g.kind


def credit_detail(months: int) -> str:
    return f"{months}-month service credit"


def gesture(kind: str, credit_months: int | None = None) -> Gesture:
    if kind == "service credit":
        return Gesture(kind=kind, detail=f"a {credit_detail(credit_months)} on your next invoice", credit_months=credit_months)
    return Gesture(kind=kind, detail=GESTURE_DETAIL.get(kind, kind))


def offline_gestures(policy: Policy, level: str, credit_months: int | None = None) -> list[Gesture]:
    """The offline offer; `credit_months` is a person's proposal (checked like an engine's)."""
    rules = policy.recovery[level]
    out = []
    for kind in OFFER[level]:
        if kind not in rules.gestures:
            continue
        if kind == "service credit":
            months = rules.max_credit_months if credit_months is None else credit_months
            if months <= 0:
                continue
            out.append(gesture(kind, months))
        else:
            out.append(gesture(kind))
    if credit_months and not any(g.kind == "service credit" for g in out):
        out.insert(0, gesture("service credit", credit_months))
    return out


def _correction(field: str, old, new, rule: str, reason: str) -> Correction:
    return Correction(field=field, from_value=None if old is None else str(old), to_value=None if new is None else str(new),
                      rule=rule, reason=reason)


def check_plan(proposal: RecoveryProposal, policy: Policy, impact: ImpactLevel,
               fallback_conversation: list[ConversationStep] | None = None) -> tuple[RecoveryProposal, list[Correction]]:
    """Correct a proposed plan against the policy (pure). Returns the plan and each correction made.

    - the level is the documented rule's, not the proposal's;
    - the actions are the policy's for that level;
    - only the level's gestures, one of each kind; a service credit over max_credit_months is
      capped at it (removed when the level allows none);
    - the conversation has the six steps in order (missing ones come from `fallback_conversation`).
    """
    fixes: list[Correction] = []
    level = impact.level
    if proposal.level != level:
        fixes.append(_correction("level", proposal.level, level, "impact_level_follows_rule",
                                 f"{impact.points} points by the documented rule: {'; '.join(impact.reasons)}"))
    rules = policy.recovery[level]
    if list(proposal.actions) != list(rules.actions):
        fixes.append(_correction("actions", ", ".join(proposal.actions) or "none", ", ".join(rules.actions),
                                 "actions_follow_policy", f"the policy's recovery actions for {level} impact"))
    gestures: list[Gesture] = []
    for g in proposal.gestures:
        if g.kind not in rules.gestures:
            allowed = ", ".join(rules.gestures) or "none"
            fixes.append(_correction(f"gestures.{g.kind}", g.detail, None, "gesture_within_policy",
                                     f"{level} impact allows these gestures: {allowed}"))
            continue
        if any(k.kind == g.kind for k in gestures):
            fixes.append(_correction(f"gestures.{g.kind}", g.detail, None, "one_gesture_of_each_kind",
                                     f"{g.kind} is already offered"))
            continue
        if g.kind == "service credit":
            months = g.credit_months
            cap = rules.max_credit_months
            if months is None or months <= 0:
                fixes.append(_correction("gestures.service credit.months", months, cap, "credit_within_policy",
                                         "a service credit states its months; the level's maximum is used"))
                months = cap
            if months > cap:
                reason = (f"the policy allows at most {cap} month(s) of service credit at {level} impact" if cap
                          else f"the policy allows no service credit at {level} impact")
                fixes.append(_correction("gestures.service credit.months", months, cap or None, "credit_within_policy", reason))
                months = cap
            if months <= 0:
                continue
            if months != g.credit_months:
                g = gesture("service credit", months)
        gestures.append(g)
    conversation = list(proposal.conversation)
    if conversation or fallback_conversation:
        by_step = {}
        for s in conversation:
            by_step.setdefault(s.step, s)
        fallback = {s.step: s for s in fallback_conversation or []}
        for key in STEP_KEYS:
            if key not in by_step and key in fallback:
                fixes.append(_correction(f"conversation.{key}", None, "filled from the record", "six_step_conversation",
                                         f"the recovery conversation needs the step '{STEP_TITLES[key]}'"))
                by_step[key] = fallback[key]
        conversation = [by_step[k] for k in STEP_KEYS if k in by_step]
    return RecoveryProposal(level=level, actions=list(rules.actions), gestures=gestures, conversation=conversation), fixes


def schedule(esc: Escalation, policy: Policy, level: str, gestures: list[Gesture], moment: datetime) -> list[dict]:
    """Dated follow-up commitments {key, what, due, owner, source}, from `moment`, in the customer's time zone."""
    tz = ZoneInfo(esc.sla.timezone)
    who = esc.contact or esc.customer
    owner = esc.owner
    boss = executive(policy)
    items = [(key, delta, text.format(who=who, customer=esc.customer), owner) for key, delta, text in CHECK_INS]
    if level in ("significant", "severe"):
        items.append(("executive_call", EXECUTIVE_CALL_AFTER, f"Executive call with {who} ({boss})", boss))
    if level == "severe":
        items.append(("meeting", MEETING_AFTER, f"In-person meeting with {esc.customer} ({boss})", boss))
    if gestures:
        offered = ", ".join(gesture_label(g) for g in gestures)
        items.append(("gestures", GESTURES_AFTER, f"Deliver the goodwill gestures to {esc.customer}: {offered}", owner))
    items.sort(key=lambda i: i[1])
    return [{"key": key, "what": what, "due": (moment + delta).astimezone(tz), "owner": who_owns, "source": "recovery"}
            for key, delta, what, who_owns in items]


# -- the six-step conversation, written from the record -----------------------------------------


def _day(moment: datetime, tz: str) -> str:
    local = moment.astimezone(ZoneInfo(tz))
    return f"{local:%a} {local.day} {local:%b}"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text[-1:] in ".!?" else text + "."


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _logged(esc: Escalation, kind: str) -> list[str]:
    return [e.data["text"] for e in esc.events if e.kind == "log" and e.data.get("kind") == kind]


def _prevention(esc: Escalation) -> list[str]:
    """Decisions logged, and prevention actions of a completed RCA when one is recorded."""
    out = [d.rstrip(".") for d in _logged(esc, "decision")]
    for e in esc.events:
        if e.kind != "rca_completed":
            continue
        for a in e.data.get("prevention_actions") or e.data.get("actions") or []:
            text = a if isinstance(a, str) else (a.get("action") or a.get("what") or a.get("title"))
            if text:
                out.append(str(text).rstrip("."))
    return out


def conversation(esc: Escalation, policy: Policy, impact: ImpactLevel, gestures: list[Gesture],
                 items: list[dict]) -> list[ConversationStep]:
    """Acknowledge, take responsibility, explain the fix, explain prevention, ask what else they
    need, commit to follow-up: each from this customer's record, nothing invented."""
    tz = esc.sla.timezone
    t = esc.triage
    due = {i["key"]: _day(i["due"], tz) for i in items}
    greeting = greeting_for(esc.contact, esc.customer, esc.complaint)
    issue = lower_first(second_person(" ".join(t.summary.split()).rstrip(".!?… ")))
    effects = []
    if t.impact.users_affected.evidence != "unknown":
        effects.append(f"it affected {t.impact.users_affected.assessment}")
    if t.impact.revenue_at_risk.evidence != "unknown":
        effects.append(f"it put {t.impact.revenue_at_risk.evidence} at risk")
    acknowledge = f"{greeting}. I want to start with what happened to you: {issue}."
    if effects:
        acknowledge += f" {_and(effects)[0].upper()}{_and(effects)[1:]}."
    acknowledge += " That is not the service you rely on us for, and I am sorry."

    responsibility = "We own this. You depend on us for this service, and this time we let you down."
    if "past the resolution target" in impact.reasons:
        responsibility += " We also took longer to fix it than our own target, which made it worse."

    resolved = next((e for e in reversed(esc.events) if e.kind == "resolved"), None)
    actions = [a.rstrip(".") for a in _logged(esc, "action")]
    workarounds = _logged(esc, "workaround")
    if resolved and resolved.data.get("summary"):
        fix = f"What fixed it: {_sentence(resolved.data['summary'])}"
    elif resolved:
        fix = f"The fix has been in place since {format_time(resolved.at, tz)}."
    elif workarounds:
        fix = f"The permanent fix is not in place yet. Until it is, the workaround is: {_sentence(workarounds[-1])}"
    else:
        fix = "The fix is not in place yet, and I will tell you the moment it is."
    if actions:
        fix += f" What we did along the way: {'; '.join(actions)}."

    prevention = _prevention(esc)
    if prevention:
        prevent = f"To stop it happening again: {'; '.join(prevention)}. I will confirm to you when each one is done."
    else:
        prevent = ("We are finishing the root cause analysis. At our one-week check-in on "
                   f"{due['check_in_7d']} I will walk you through what caused this and the prevention actions we commit to.")

    needs = ("What else do you need from us? If anything is still not working for your team, or something would "
             "help rebuild your confidence in us, tell me and I will make sure it happens.")
    if "thank you" in policy.recovery[impact.level].actions:
        needs += " Thank you for your patience, and for telling us so clearly what went wrong."
    if gestures:
        needs += f" To make up for the disruption we would like to offer {_and([g.detail for g in gestures])}."

    follow = [f"I will check in with you on {due['check_in_1d']}, again on {due['check_in_7d']}, "
              f"and for a 30-day review on {due['review_30d']}."]
    if "executive_call" in due:
        follow.append(f"{_executive_subject(policy)} will call you by {due['executive_call']}.")
    if "meeting" in due:
        follow.append(f"We would also like to meet you in person by {due['meeting']}.")
    if "gestures" in due:
        follow.append(f"What we offered will be in place by {due['gestures']}.")
    from .drafting import customer_contact

    name, channel = customer_contact(esc, policy)
    follow.append(f"Until then you can reach {name} at {channel} at any time." if channel else
                  f"Until then you can reach {name} by replying to this message at any time.")

    texts = dict(zip(STEP_KEYS, (acknowledge, responsibility, fix, prevent, needs, " ".join(follow))))
    return [ConversationStep(step=k, text=texts[k]) for k in STEP_KEYS]


def planned_credit_months(esc: Escalation) -> int | None:
    """The months of service credit the latest stored recovery plan holds (None without one)."""
    plans = [e.data for e in esc.events if e.kind == "recovery_planned"]
    months = [g.get("credit_months") for g in (plans[-1].get("gestures") or []) if g.get("kind") == "service credit"] if plans else []
    return next((m for m in months if m), None)


def _lint(esc: Escalation, policy: Policy, level: str, steps: list[ConversationStep],
          credit_months: int | None = None) -> tuple[list[ConversationStep], list[Correction]]:
    """Lint each step like a customer message: no blame, no credit over the policy, no premature claims."""
    from . import lint

    ctx = lint.LintContext(
        kind="recovery", audience="customer", confirmed=esc.status in ("confirmed", "closed"), status=esc.status,
        plan_credit_months=credit_months,
        max_credit_months=policy.recovery[level].max_credit_months, impact_level=level,
        customer_text=[esc.complaint, esc.customer, esc.contact or "", esc.summary, *_logged(esc, "action"),
                       *_logged(esc, "workaround"), *_logged(esc, "decision")],
    )
    out, fixes = [], []
    for s in steps:
        result = lint.lint(s.text, ctx)
        for f in result.findings:
            fixes.append(_correction(f"conversation.{s.step}", f.found, f.fix, f.rule,
                                     "lint: " + ("fixed" if f.fixed else "left for a person to fix")))
        out.append(s.model_copy(update={"text": result.text}))
    return out, fixes


# -- making and storing the plan ----------------------------------------------------------------


def rebuilt(esc: Escalation, policy: Policy, stored: RecoveryPlan) -> RecoveryPlan:
    """A stored plan as it reads now: its level, gestures and commitments as they were offered (the
    stored event keeps that history), the conversation rewritten from the record (the fix, the RCA's
    prevention actions, the owner) at each call."""
    impact = ImpactLevel(stored.level, stored.points, tuple(stored.reasons))
    items = schedule(esc, policy, stored.level, stored.gestures, stored.planned_at)
    credit = next((g.credit_months for g in stored.gestures if g.kind == "service credit" and g.credit_months), None)
    steps, _ = _lint(esc, policy, stored.level, conversation(esc, policy, impact, stored.gestures, items), credit)
    return stored.model_copy(update={"conversation": steps})


def plan(store, ident: str, *, at: datetime | None = None, actor: str = "cli",
         credit_months: int | None = None) -> tuple[RecoveryPlan, bool]:
    """The escalation's recovery plan: made and stored (with its commitments) the first time,
    read back after that. Returns (plan, made_now). The check for an earlier plan and the writing of this one
    happen under one write lock: eight concurrent calls had made eight plans and forty commitments."""
    with store.transaction():
        return _plan(store, ident, at=at, actor=actor, credit_months=credit_months)


def _plan(store, ident: str, *, at: datetime | None, actor: str, credit_months: int | None) -> tuple[RecoveryPlan, bool]:
    from . import commitments
    from .errors import UsageError
    from .store import parse_id

    esc = store.get(ident)
    number = parse_id(esc.id)
    earlier = [e for e in esc.events if e.kind == "recovery_planned"]
    if earlier:
        if credit_months is not None:
            raise UsageError(f"{esc.id} already has a recovery plan (made {earlier[-1].at.isoformat()}); "
                             "its gestures were offered then: see `escalate recovery " + esc.id + "`")
        return rebuilt(esc, store.policy_of(number), RecoveryPlan.model_validate(earlier[-1].data)), False
    if credit_months is not None and credit_months < 0:
        raise UsageError("--credit-months cannot be negative")
    moment = commitments.checked_moment(esc.opened_at, at, esc.id)
    policy = store.policy_of(number)
    resolved_at = next((e.at for e in esc.events if e.kind == "resolved"), None)
    impact = impact_level(esc, moment, resolved_at)
    rules = policy.recovery[impact.level]
    proposal = RecoveryProposal(level=impact.level, actions=list(rules.actions),
                                gestures=offline_gestures(policy, impact.level, credit_months))
    checked, fixes = check_plan(proposal, policy, impact)
    items = schedule(esc, policy, impact.level, checked.gestures, moment)
    credit = next((g.credit_months for g in checked.gestures if g.kind == "service credit" and g.credit_months), None)
    steps, lint_fixes = _lint(esc, policy, impact.level, conversation(esc, policy, impact, checked.gestures, items), credit)

    def build(stored: list[dict]) -> RecoveryPlan:
        return RecoveryPlan(
            escalation_id=esc.id, customer=esc.customer, planned_at=moment.astimezone(ZoneInfo(esc.sla.timezone)),
            level=impact.level, points=impact.points, reasons=list(impact.reasons), actions=checked.actions,
            max_credit_months=rules.max_credit_months, gestures=checked.gestures, conversation=steps,
            schedule=[ScheduledCommitment(what=s["what"], due=i["due"], owner=s["owner"], n=s["n"])
                      for s, i in zip(stored, items)],
            corrections=fixes + lint_fixes,
        )

    made: list[RecoveryPlan] = []

    def then(stored: list[dict]) -> list[tuple[str, dict]]:
        made.append(build(stored))
        return [("recovery_planned", made[0].model_dump(mode="json"))]

    commitments.add(store, number, items, actor=actor, at=moment, then=then)
    return made[0], True
