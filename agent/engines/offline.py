"""The offline engine: the learned model (agent/model/) read under the policy's criteria, no network.

Severity: the model's probabilities, averaged with the deterministic reading of agent/assess.py
(the playbook's criteria: workaround, scope, money, users; CUE_WEIGHT of the mix), → the level of
lowest expected cost (the policy's `severity_costs`). Measured out of fold on the status incidents,
the mix beats the model alone on high-vs-low F1 (0.70 vs 0.64) and on SEV-1 rated SEV-3/4 (0.107
vs 0.214), and on the written customer cases (accuracy 0.74 vs 0.60).
Type: the rules' reading (agent/assess.py), made security when the model's P(security) reaches the
threshold chosen for that kind of text. Impact, questions and routing: agent/assess.py.
The rule floors (agent/rules.py) are applied after every engine, this one included.
ESCALATE_OFFLINE_MODEL=off rates by the rules alone (the tests of clocks, drafts and the board use it,
so that retraining the model does not move their fixtures).
"""

from __future__ import annotations

import os

from ..assess import assess
from ..model import decide, linear
from ..policy import Policy, default_policy
from ..rules import route
from ..schemas import EscalationType, ModelReading, Severity
from ..signals import Signals
from . import EngineResult, TriageRequest

CUE_WEIGHT = 0.5  # share of the deterministic reading in a complaint's severity probabilities
CUE_CONFIDENCE = 0.7  # how sure that reading is of its own level
TRIVIAL_CEILING = "SEV-3"
# Something broken outright or a part of the service down: the model's reading is never held below these.
BROKEN_OUTRIGHT = ("major", "partial_outage", "component_down", "slow_and_failing")
DEGRADED_CEILING = "SEV-2"


def trivial_issue(signals: Signals, playbook: Severity):
    """The cue of a low-impact issue (a typo, a label, a small question) when it is the playbook's whole
    reading (SEV-4, no floor, nothing broken): shouting, or a model trained on bug trackers where the
    same words can open a blocker, lifts it at most to TRIVIAL_CEILING. Out of fold this held the
    status incidents and Apache Jira where they were (one Jira SEV-1 in 600 more rated low) and moved
    the written SEV-4 cases rated SEV-1/2 from 10 of 19 to 2. A request for documents or access under an audit or a
    law with nothing wrong ("Please give our auditor read-only access to the reports") is held the same way."""
    if playbook is not Severity.SEV4:
        return None
    return signals.first("minor") or signals.first("ui_text") or signals.first("over") or signals.first("regulatory_request")


def asked_for_only(signals: Signals, playbook: Severity):
    """The cue of a request for something that does not exist yet ("Please add a dark mode") when it is the
    playbook's whole reading (SEV-4, nothing broken, lost or breached): nothing a model reads in its words can
    make it urgent ("Please add a dark mode." had come out SEV-1 on four words under the expected-cost choice)."""
    return (signals.first("asked_for") or signals.first("account_change")) if playbook is Severity.SEV4 else None


def one_billing_error(signals: Signals, playbook: Severity):
    """The cue of one billing error when it is the playbook's whole reading (SEV-3: not large, not
    repeated, nothing broken, no floor above it): the model learned severity from bug trackers and
    status posts and knows nothing of billing, so it does not lift it ("I was double billed for my
    subscription, 2 x 49 EUR" had come out SEV-1, all hands). Out of fold this moved one Apache Jira
    SEV-1 of 1,034 to low and left the status incidents, Ohira and the written cases where they were."""
    if playbook is not Severity.SEV3 or any(signals.first(k, actual=True) for k in BROKEN_OUTRIGHT):
        return None
    return signals.first("billing_error", actual=True)


def degraded_only(signals: Signals, playbook: Severity):
    """The cue of a degraded feature when it is the playbook's whole reading (SEV-3: slow, delayed,
    intermittent; nothing broken outright, no part of the service down, no billing error, no floor):
    the model may raise it to DEGRADED_CEILING, not to SEV-1, whose criteria (production down, data
    loss, a breach) the text does not meet. "Our webhook deliveries have been delayed by 2-3 hours ...
    orders still come through eventually" had come out SEV-1 with all hands on the words "warehouse"
    and "eventually". Out of fold: 4 status incidents rated SEV-1 (2 SEV-2, 2 SEV-3) came to SEV-2
    (macro-F1 0.425 -> 0.437); of 41 Apache Jira reports moved SEV-1 -> SEV-2, 14 were SEV-1, 15
    SEV-2, 12 lower (macro-F1 0.357 -> 0.356; high/low and SEV-1 rated low unchanged)."""
    if playbook is not Severity.SEV3 or any(
            signals.first(k, actual=True) for k in (*BROKEN_OUTRIGHT, "billing_error")):
        return None
    return signals.first("degraded")


_NOTHING_WRONG_WITH_THE_PRODUCT = (*BROKEN_OUTRIGHT, "outage", "outage_scope", "data_loss", "data_gone", "all_blocked", "degraded",
                                   "security_breach", "security_concern", "exposure", "takeover", "secret_exposed", "money_moved")


def commercial_only(signals: Signals, playbook: Severity, playbook_type: EscalationType):
    """The business cue of a commercial complaint with nothing wrong with the product (SEV-3 business: a
    promise a sales call made, a price, a renewal; nothing down, broken, slow, lost or breached): the model,
    which learned severity from bug reports and status posts, may raise it to DEGRADED_CEILING, not to
    SEV-1. "We were promised a dedicated CSM ... not going to renew at the current price" had come out
    SEV-1 with the Incident Commander paged, the model reading it as a bug report. The same for a customer nobody
    answers (SEV-3 service): "Nobody answers the question of why our invoices went up 20% this year" had paged
    all hands at SEV-1."""
    if playbook is not Severity.SEV3 or playbook_type not in (EscalationType.BUSINESS, EscalationType.SERVICE) or any(
            signals.first(k) for k in _NOTHING_WRONG_WITH_THE_PRODUCT):
        return None
    return signals.first("type_business") if playbook_type is EscalationType.BUSINESS else signals.first("unanswered", actual=True)


_SECURITY_CUES = ("security_breach", "security_concern", "exposure", "takeover", "takeover_attempt", "secret_exposed")
SURE_OF_SECURITY = 2.0  # times the threshold: a billing error with no word of security is typed security only then


def billing_not_security(signals: Signals, read) -> object | None:
    """The cue of a billing error (a charge taken twice, money moved wrongly), of lost data, or of a low-impact
    issue or a request for something new ("THIS IS A CRITICAL OUTAGE. The word 'Recieved' is misspelled") in a text with no
    word of fraud, theft, exposure or intrusion, when the model's P(security) is over its threshold but not
    SURE_OF_SECURITY times it: the charge is a billing matter, the lost records an engineering one. "my account
    is charged 3 times for the same month, 29.99 each time" had been typed security at P 0.17 over the complaint
    threshold 0.12 and sent to the security team; so had "ALL of our customer records from 2019-2023 are gone
    ... your system deleted them during the 'dedupe' job". So had a request under GDPR for a copy of an employee's data
    (P 0.13): a legal request, no incident."""
    if not read.is_security or read.security >= SURE_OF_SECURITY * read.security_threshold:
        return None
    if any(signals.first(k) for k in _SECURITY_CUES):
        return None
    return (signals.first("billing_error", actual=True) or signals.first("money_moved", actual=True)
            or signals.first("data_loss", actual=True) or signals.first("data_gone", actual=True)
            # a typo or a request for more ("THIS IS A CRITICAL OUTAGE. The word 'Recieved' is misspelled" at P 0.12)
            or signals.first("asked_for") or signals.first("minor", actual=True)
            # a request under a law or an audit ("Under GDPR article 15 I request a copy of ..." at P 0.13)
            or signals.first("regulatory", actual=True) or signals.first("regulatory_request"))


# How the rationale names what billing_not_security found.
_NAMED = {"data_loss": "lost data", "data_gone": "lost data", "minor": "a low-impact issue", "asked_for": "a request for something new",
          "regulatory": "a legal or regulatory matter"}  # (a request for documents is a "regulatory" cue too)


def over_not_security(signals: Signals, playbook: Severity):
    """The cue of a problem the customer calls over or a false alarm when it is the playbook's whole reading (SEV-4,
    nothing broken now) and the text has no word of fraud, theft, exposure or intrusion: the model's P(security),
    whatever it is, does not send a closing note to the security team. "False alarm: it was our own proxy blocking
    your domain. All good now, please close this ticket." had been typed security at P 0.31. Nor a routine change to the
    account: "Can you reset my password? I forgot it." had been, at P 0.25."""
    if playbook is not Severity.SEV4 or any(signals.first(k) for k in _SECURITY_CUES):
        return None
    # ... nor a routine change to the account ("Please cancel our subscription at the end of this month" at P 0.16; a
    # request for a new feature keeps the model's reading over twice its threshold, billing_not_security: "Provide a
    # read-only view of security wizard entries" is a security report in Ohira et al.)
    return signals.first("over") or signals.first("account_change") or signals.first("regulatory_request")


def cue_distribution(level: str) -> dict[str, float]:
    rest = (1.0 - CUE_CONFIDENCE) / (len(decide.LEVELS) - 1)
    return {s: CUE_CONFIDENCE if s == level else rest for s in decide.LEVELS}


class OfflineEngine:
    name = "offline"
    model = None

    def __init__(self, policy: Policy | None = None, model: "linear.LinearModel | None" = None):
        self.policy = policy or default_policy()
        self._model = model

    def _load(self) -> linear.LinearModel:
        return self._model or linear.shipped()

    def triage(self, request: TriageRequest, signals: Signals) -> EngineResult:
        answer = assess(signals, tier=request.tier, policy=self.policy)
        if self._model is None and os.environ.get("ESCALATE_OFFLINE_MODEL", "").strip().lower() == "off":
            return EngineResult(answer=answer, engine=self.name)  # the rules alone, by choice
        try:
            model = self._load()
        except linear.ModelFileError as exc:
            reading = ModelReading(source="none", kind="unknown", severity_probabilities={}, expected_costs={},
                                   chosen=answer.severity, security_probability=0.0, security_threshold=1.0,
                                   error=f"{exc}; rated by the rules alone")
            return EngineResult(answer=answer, engine=self.name, reading=reading)
        read = model.read(request.complaint)
        probabilities = dict(read.severity)
        cues = cue_distribution(answer.severity.value)
        probabilities = {s: (1 - CUE_WEIGHT) * probabilities.get(s, 0.0) + CUE_WEIGHT * cues[s] for s in decide.LEVELS}
        costs = self.policy.severity_costs
        trivial = trivial_issue(signals, answer.severity)
        billing = None if trivial else one_billing_error(signals, answer.severity)
        degraded = None if trivial or billing else degraded_only(signals, answer.severity)
        commercial = None if trivial or billing or degraded else commercial_only(signals, answer.severity, answer.type)
        unbounded = decide.cheapest(probabilities, costs)
        requested = asked_for_only(signals, answer.severity)
        ceiling = ("SEV-4" if requested else TRIVIAL_CEILING if trivial or billing else DEGRADED_CEILING if degraded or commercial
                   else "SEV-1")
        chosen = decide.cheapest(probabilities, costs, highest=ceiling)
        expected = decide.expected_costs(probabilities, costs)
        reading = ModelReading(
            source=model.name, kind=read.kind,
            severity_probabilities={s: round(p, 3) for s, p in probabilities.items()},
            expected_costs={s: round(c, 3) for s, c in expected.items()}, chosen=Severity(chosen),
            security_probability=round(read.security, 3), security_threshold=read.security_threshold,
            security_read_as=read.security_kind if read.security_kind not in (None, read.kind) else None,
            words=read.words,
        )
        severity = Severity(chosen)
        billing_only = billing_not_security(signals, read)
        over_only = read.is_security and not billing_only and over_not_security(signals, answer.severity)
        model_security = read.is_security and not billing_only and not over_only
        type_ = EscalationType.SECURITY if model_security else EscalationType(read.type) if read.type else answer.type
        why = ", ".join(f"{s} {p:.0%}" for s, p in reading.severity_probabilities.items())
        words = "; words that weighed most: " + ", ".join(w for w, _ in read.words) if read.words else ""
        rationale = (f"{severity.value}: the model read this as a {read.kind} text ({why}); {severity.value} has the "
                     f"lowest expected cost{' of the levels allowed' if ceiling != 'SEV-1' else ''}{words}. The playbook's reading: {answer.rationale}")
        if chosen != unbounded and requested:
            asks = "a change to their account" if requested.kind == "account_change" else "something that does not exist yet"
            rationale += (f" Held at SEV-4: the customer asks for {asks} (\"{signals.quote(requested)}\") "
                          "and nothing is broken, so the model's reading does not raise it.")
        elif chosen != unbounded and trivial:
            what = "a request under an audit or a law" if trivial is signals.first("regulatory_request") else "a low-impact issue"
            rationale += (f" Held at {TRIVIAL_CEILING}: the playbook reads {what} (\"{signals.quote(trivial)}\") "
                          "and nothing worse, so the model's reading may raise it one level, no more.")
        elif chosen != unbounded and degraded:
            rationale += (f" Held at {DEGRADED_CEILING}: the playbook reads a degraded feature (\"{signals.quote(degraded)}\") "
                          "and nothing down, lost or breached, so the model's reading may raise it one level, no more.")
        elif chosen != unbounded and commercial:
            matter = "a customer not being answered" if commercial.kind == "unanswered" else "a commercial matter"
            rationale += (f" Held at {DEGRADED_CEILING}: the playbook reads {matter} (\"{signals.quote(commercial)}\") "
                          "and nothing wrong with the product, so the model's reading may raise it one level, no more.")
        elif chosen != unbounded:
            rationale += (f" Held at {TRIVIAL_CEILING}: the playbook reads one billing error (\"{signals.quote(billing)}\"), neither "
                          "large nor repeated, and nothing broken; the model, which learned severity from bug reports and status "
                          "posts, does not raise it.")
        if type_ is not answer.type and model_security:
            rationale += f" Type security: the model puts P(security) at {read.security:.2f}, at or over {read.security_threshold:.2f}."
        elif type_ is not EscalationType.SECURITY and over_only:  # (the playbook may type it security itself: "Please enable 2FA")
            says = {"over": "says it is over", "account_change": "asks for a change to their account with nothing gone wrong"}.get(
                over_only.kind, "asks for documents or access under an audit or a law with nothing gone wrong")
            rationale += (f" Not typed security: the model puts P(security) at {read.security:.2f}, over {read.security_threshold:.2f}, "
                          f"but the customer {says} (\"{signals.quote(over_only)}\") and names no fraud, theft, exposure or intrusion.")
        elif type_ is not EscalationType.SECURITY and billing_only:
            rationale += (f" Not typed security: the model puts P(security) at {read.security:.2f}, over {read.security_threshold:.2f} "
                          f"but under {SURE_OF_SECURITY:g} times it, and the text names {_NAMED.get(billing_only.kind, 'a billing error')} (\"{signals.quote(billing_only)}\") "
                          "and no fraud, theft, exposure or intrusion.")
        answer = answer.model_copy(update={"severity": severity, "type": type_, "rationale": rationale,
                                           "routing": route(self.policy, type_, severity)})
        return EngineResult(answer=answer, engine=self.name, reading=reading)
