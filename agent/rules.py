"""Deterministic rules: severity floors, and the reconcile step that checks an engine's answer.

Rules never call an engine. Every change to the engine's answer becomes a Correction with the
rule's name and a reason quoting the complaint; a possible over-severity is never lowered, only
noted for a human.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import claims
from .policy import Policy
from .schemas import (
    QUESTION_KEYS,
    Correction,
    EngineTriage,
    EscalationType,
    Impact,
    ImpactFactor,
    Routing,
    Severity,
    Tier,
    Triage,
    TriageQuestion,
)
from .signals import Signals

SIGNIFICANT_USERS = 50
SIGNIFICANT_MONEY = 1_000


@dataclass(frozen=True)
class Floor:
    severity: Severity
    rule: str
    reason: str


def is_broad(sig: Signals) -> bool:
    """Many users: a count of at least SIGNIFICANT_USERS, everyone, or words such as "most of our customers"."""
    users = sig.users_affected
    return users is not None and (users.value is None or users.value >= SIGNIFICANT_USERS) or sig.has("broad")


def is_significant(sig: Signals) -> bool:
    """Impact beyond one person's inconvenience: a broken feature at scale, money, or a critical process."""
    broad = is_broad(sig)
    money = sig.money_at_risk is not None and (sig.money_at_risk.value or 0) >= SIGNIFICANT_MONEY
    broken = any(sig.has(kind, actual=True) for kind in ("major", "outage", "partial_outage", "component_down"))
    return broken and (broad or money or sig.has("critical")) or (broad and sig.has("outage_scope"))


def security_matter(sig: Signals):
    """The cue that makes a complaint a security matter, if any: a breach, another party's data exposed, an
    account taken over (or an attempt at it), a secret in a log or a public place, or a security concern stated as fact."""
    return (sig.first("security_breach") or sig.first("exposure") or sig.first("takeover") or sig.first("secret_exposed")
            or sig.first("takeover_attempt") or sig.first("security_concern", actual=True))


def severity_floors(sig: Signals, tier: Tier | None) -> list[Floor]:
    """Every floor the text supports, strongest first."""
    floors: list[Floor] = []

    def add(severity: Severity, rule: str, kind: str, what: str, *, actual: bool = True) -> None:
        cue = sig.first(kind, actual=actual)
        if cue:
            floors.append(Floor(severity, rule, f'{what}: "{sig.quote(cue)}"'))

    add(Severity.SEV1, "security_breach_is_sev1", "security_breach", "the complaint describes a security breach")
    # A security concern plus bulk data taken out ("a deactivated user exported our entire contact list") is a breach.
    concern, taken = sig.first("security_concern", actual=True), sig.first("exfiltration", actual=True)
    if concern and taken:
        quotes = dict.fromkeys((sig.quote(concern), sig.quote(taken)))
        floors.append(Floor(
            Severity.SEV1, "security_breach_is_sev1",
            "the complaint describes data taken without authorisation: " + "; ".join(f'"{q}"' for q in quotes),
        ))
    add(Severity.SEV1, "exposure_of_others_data_is_sev1", "exposure", "another party's data is shown, sent or exposed")
    add(Severity.SEV1, "account_takeover_is_sev1", "takeover", "an account is used by someone who is not its owner")
    add(Severity.SEV1, "secret_exposed_is_sev1", "secret_exposed", "a secret or card number sits in a log or a public place")
    add(Severity.SEV1, "data_loss_is_sev1", "data_loss", "the complaint describes lost or corrupted data")
    add(Severity.SEV1, "data_loss_is_sev1", "data_gone", "data is lost, dropped or corrupted")
    add(Severity.SEV1, "full_outage_is_sev1", "outage", "the complaint describes a full outage")
    add(Severity.SEV1, "full_outage_is_sev1", "outage_scope", "nobody can work")
    add(Severity.SEV1, "full_outage_is_sev1", "all_blocked", "everyone (or every site) is unable to work")
    # Exposure is a risk by nature: "if this isn't fixed we will involve our lawyers" counts.
    add(Severity.SEV2, "regulatory_exposure_is_at_least_sev2", "regulatory", "regulatory exposure", actual=False)
    add(Severity.SEV2, "regulatory_exposure_is_at_least_sev2", "legal", "legal action is threatened", actual=False)
    add(Severity.SEV2, "security_concern_is_at_least_sev2", "security_concern", "a security concern")
    add(Severity.SEV2, "security_concern_is_at_least_sev2", "takeover_attempt", "an attempt on an account that its owner did not make")
    for kind, what in (("exposure", "another party's data possibly exposed"), ("takeover", "an account possibly taken over"),
                       ("secret_exposed", "a secret possibly exposed")):
        hedged = next((c for c in sig.cues.get(kind, ()) if c.hedged), None)
        if hedged and not sig.has(kind, actual=True):
            floors.append(Floor(Severity.SEV2, "security_concern_is_at_least_sev2", f'{what}: "{sig.quote(hedged)}"'))
    # Money moved wrongly for many, again, in a large sum or to the wrong party (a third party holds it); one
    # customer charged twice, once, stays one billing error (SEV-3 in the playbook).
    moved = sig.first("money_moved", actual=True)
    misdirected = sig.first("money_misdirected", actual=True)
    large = sig.money_at_risk is not None and (sig.money_at_risk.value or 0) >= SIGNIFICANT_MONEY
    if moved and (is_broad(sig) or sig.has("repeated") or large or misdirected):
        how = "to the wrong party" if misdirected else "at scale or repeatedly" if is_broad(sig) or sig.has("repeated") else "in a large sum"
        floors.append(Floor(Severity.SEV2, "money_moved_wrongly_at_scale_is_at_least_sev2",
                            f'money moved wrongly, {how}: "{sig.quote(misdirected or moved)}"'))
    hedged_breach = next((c for c in sig.cues.get("security_breach", ()) if c.hedged), None)
    if hedged_breach and not sig.has("security_breach", actual=True):
        floors.append(
            Floor(Severity.SEV2, "security_concern_is_at_least_sev2", f'a possible breach: "{sig.quote(hedged_breach)}"')
        )
    if tier is Tier.ENTERPRISE and is_significant(sig):
        cue = (
            sig.first("major", actual=True) or sig.first("partial_outage", actual=True)
            or sig.first("outage", actual=True) or sig.first("outage_scope")
        )
        floors.append(
            Floor(
                Severity.SEV2,
                "enterprise_significant_impact_is_at_least_sev2",
                f'an enterprise customer with significant impact: "{sig.quote(cue)}"' if cue else "an enterprise customer with significant impact",
            )
        )
    floors.sort(key=lambda f: f.severity.rank)
    return floors


def strongest_floor(sig: Signals, tier: Tier | None) -> Floor | None:
    floors = severity_floors(sig, tier)
    return floors[0] if floors else None


def route(policy: Policy, type_: EscalationType, severity: Severity) -> Routing:
    team = policy.teams[type_]
    tier = policy.tier_by_severity[severity]
    return Routing(
        team=team.name,
        tier=tier,
        reason=f"{type_.value} escalations go to {team.name}; {severity.value} is owned at {tier}",
    )


_TYPOGRAPHY = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "\u00a0": " "})
_ELLIPSIS = re.compile(r"\s*(?:…|\.\.\.+|\[\.\.\.\])\s*")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.translate(_TYPOGRAPHY)).strip().casefold()


def _quotes_complaint(evidence: str, complaint: str) -> bool:
    """The evidence is the complaint's own words: typography and spacing aside, and allowing a quote
    shortened with an ellipsis ("none of our agents … can log in") as long as each piece is there, in order."""
    ev = _normalise(evidence).strip("\"' .…")
    if not ev or ev == "unknown":
        return True
    text = _normalise(complaint)
    at = 0
    for piece in _ELLIPSIS.split(ev):
        piece = piece.strip("\"' ")
        if not piece:
            continue
        found = text.find(piece, at)
        if found < 0:
            return False
        at = found + len(piece)
    return True


def reconcile(
    answer: EngineTriage,
    sig: Signals,
    *,
    tier: Tier,
    policy: Policy,
    evidence_severity: Severity,
    default_questions: list[TriageQuestion],
) -> Triage:
    """Check an engine's answer against the text and the policy; correct it and say why."""
    corrections: list[Correction] = []
    notes: list[str] = []

    def correct(field: str, old: object, new: object, rule: str, reason: str) -> None:
        corrections.append(
            Correction(field=field, from_value=None if old is None else str(old), to_value=None if new is None else str(new), rule=rule, reason=reason)
        )

    severity = answer.severity
    rationale = answer.rationale.strip()
    claimed = claims.note(sig.claims)
    if claimed:
        notes.append(claimed)
    floor = strongest_floor(sig, tier)
    if floor and not severity.at_least(floor.severity):
        correct("severity", severity.value, floor.severity.value, floor.rule, f"{floor.reason}; {floor.severity.value} is the floor")
        rationale += f" Raised from {severity.value} to {floor.severity.value} by rule {floor.rule}."
        severity = floor.severity
    elif evidence_severity.rank > severity.rank:
        notes.append(
            f"Possible over-severity: the engine chose {severity.value} but the text's cues support "
            f"{evidence_severity.value}. Kept at {severity.value}; a human should confirm."
        )

    type_ = answer.type
    security_cue = security_matter(sig)
    if security_cue and type_ is not EscalationType.SECURITY:
        correct(
            "type", type_.value, EscalationType.SECURITY.value, "security_cues_mean_security_type",
            f'the complaint describes a security matter: "{sig.quote(security_cue)}"',
        )
        type_ = EscalationType.SECURITY
    elif type_ is EscalationType.SECURITY and not security_cue:
        notes.append("Typed as security without a security cue in the text; a human should confirm.")

    impact = _check_impact(answer.impact, sig, tier, correct)
    questions = _check_questions(answer.questions, default_questions, correct)

    routing = route(policy, type_, severity)
    if (answer.routing.team, answer.routing.tier) != (routing.team, routing.tier):
        correct(
            "routing", f"{answer.routing.team} / {answer.routing.tier}", f"{routing.team} / {routing.tier}",
            "routing_follows_policy", routing.reason,
        )

    return Triage(
        severity=severity,
        type=type_,
        rationale=rationale,
        summary=answer.summary.strip()[:300],
        impact=impact,
        questions=questions,
        routing=routing,
        corrections=corrections,
        notes=notes,
        engine_severity=answer.severity,
    )


def _check_impact(impact: Impact, sig: Signals, tier: Tier, correct) -> Impact:
    fixed = {}
    for key, factor in impact:
        evidence = factor.evidence
        assessment = factor.assessment
        if not _quotes_complaint(evidence, sig.text):
            correct(
                f"impact.{key}.evidence", evidence, "unknown", "evidence_must_quote_complaint",
                "the quoted words do not appear in the complaint",
            )
            evidence = "unknown"
        fixed[key] = ImpactFactor(assessment=assessment, evidence=evidence)
    account_tier = fixed["customer_tier"]
    if not re.search(rf"\b{tier.value}\b", account_tier.assessment.casefold()):
        new = f"{tier.value} (account record)"
        correct("impact.customer_tier", account_tier.assessment, new, "tier_from_account_record", "the account record names the tier")
        fixed["customer_tier"] = ImpactFactor(assessment=new, evidence=account_tier.evidence)
    return Impact(**fixed)


def _check_questions(questions: list[TriageQuestion], defaults: list[TriageQuestion], correct) -> list[TriageQuestion]:
    given = {}
    for q in questions:
        given.setdefault(q.key, q)
    out = []
    for default in defaults:
        q = given.get(default.key)
        if q is None:
            correct(f"questions.{default.key}", None, default.question, "all_six_questions", "the engine skipped this triage question")
            q = default
        elif not (q.answer or "").strip() and not (q.follow_up or "").strip():
            correct(
                f"questions.{default.key}", None, default.follow_up or default.answer, "answer_or_ask",
                "a question with neither an answer nor a follow-up leaves a gap",
            )
            q = default
        out.append(q)
    assert [q.key for q in out] == list(QUESTION_KEYS)
    return out
