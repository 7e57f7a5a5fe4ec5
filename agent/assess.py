"""Deterministic judgement from signals: severity, type, impact, questions, summary.

The offline engine is this module; the rules use it as the evidence baseline that a model's
answer is compared with.
"""

from __future__ import annotations

import re

from .policy import Policy
from .rules import SIGNIFICANT_MONEY, is_broad, is_significant, route, security_matter, strongest_floor
from .schemas import EngineTriage, EscalationType, Impact, ImpactFactor, Severity, Tier, TriageQuestion
from .signals import Cue, Signals, _sentence_bounds, sentences

UNKNOWN = "unknown"
_SLIGHT = re.compile(r"\b(?:slight(?:ly)?|a (?:little|bit|tad)|marginal(?:ly)?|minor)\b")
_GREETING = re.compile(r"^(?:hi|hello|hey|dear|good (?:morning|afternoon|evening)|hallo|guten tag)\b[^.!?]{0,40}[,.!]?$", re.IGNORECASE)


def assess_severity(sig: Signals, tier: Tier | None) -> tuple[Severity, str]:
    """The severity the text supports, with the reason in words."""
    floor = strongest_floor(sig, tier)
    base, why = _base_severity(sig)
    if floor and floor.severity.rank <= base.rank:
        return floor.severity, floor.reason
    return base, why


def _base_severity(sig: Signals) -> tuple[Severity, str]:
    major = sig.first("major", actual=True)
    partial = sig.first("partial_outage", actual=True)
    component = sig.first("component_down", actual=True)
    degraded = sig.first("degraded")
    broad = is_broad(sig)
    money = sig.money_at_risk is not None and (sig.money_at_risk.value or 0) >= SIGNIFICANT_MONEY
    critical = sig.first("critical")
    if partial:
        return Severity.SEV2, f'a major part of the service is down: "{sig.quote(partial)}"'
    if component:
        return Severity.SEV2, f'a part of the service is down: "{sig.quote(component)}"'
    both = sig.first("slow_and_failing", actual=True)
    if both and sig.workaround is not True:
        return Severity.SEV2, f'the service is both slow and failing: "{sig.quote(both)}"'
    if major:
        where = f'"{sig.quote(major)}"'
        if sig.workaround is True and not broad:
            return Severity.SEV3, f"a feature is broken but a workaround exists: {where}"
        if broad or money or critical or is_significant(sig):
            return Severity.SEV2, f"a major feature is broken with significant impact: {where}"
        if degraded and not sig.has("outage_scope"):
            return Severity.SEV3, f"a feature is degraded: {where}"
        return Severity.SEV3, f"a feature is broken for a limited scope: {where}"
    minor = sig.first("minor") or sig.first("ui_text")
    billing = sig.first("billing_error", actual=True)
    if billing:
        where = f'"{sig.quote(billing)}"'
        if broad or money or sig.has("repeated"):
            return Severity.SEV2, f"a billing error that is large or repeated: {where}"
        misdirected = sig.first("money_misdirected", actual=True)
        if misdirected:
            return Severity.SEV2, f'money paid to the wrong party: "{sig.quote(misdirected)}"'

        if minor:
            return Severity.SEV4, f'a small billing error: {where}; "{sig.quote(minor)}"'
        return Severity.SEV3, f"a billing error: {where}"
    if degraded:
        where = f'"{sig.quote(degraded)}"'
        if broad and sig.workaround is not True:
            return Severity.SEV2, f"a feature is degraded for many users with no workaround: {where}"
        if _SLIGHT.search(sig.lower, max(0, degraded.start - 30), degraded.end + 30) and not broad:
            return Severity.SEV4, f"a feature is slightly degraded: {where}"
        return Severity.SEV3, f"a feature is degraded: {where}"
    unanswered = sig.first("unanswered", actual=True)
    if minor and not unanswered:
        return Severity.SEV4, f'a minor, low-impact issue: "{sig.quote(minor)}"'
    if unanswered:
        return Severity.SEV3, f'the customer is not being answered: "{sig.quote(unanswered)}"'
    over = sig.first("over")
    if over:
        return Severity.SEV4, f'the customer says the outage is over: "{sig.quote(over)}"'
    if sig.has("type_service") or sig.has("type_business") or sig.has("type_technical"):
        return Severity.SEV3, "a problem with no outage, data loss or broken feature described"
    return Severity.SEV4, "no sign of an outage, data loss, broken feature or degradation"


def assess_type(sig: Signals) -> tuple[EscalationType, str]:
    cue = security_matter(sig)
    if cue:
        return EscalationType.SECURITY, f'a security matter: "{sig.quote(cue)}"'
    n = lambda kind: len(sig.cues.get(kind, ()))  # noqa: E731
    # a fault only asked about ("is annual billing not available?") is not evidence of one
    fault = lambda kind: sum(1 for c in sig.cues.get(kind, ()) if not c.hedged)  # noqa: E731
    scores = {
        EscalationType.TECHNICAL: n("type_technical") + 2 * n("ui_text")
        + 2 * (fault("major") + fault("partial_outage") + fault("component_down"))
        + 3 * (fault("outage") + fault("outage_scope") + fault("data_loss")),
        # a change to the account (a new admin, another plan) is Support Operations' to make
        EscalationType.SERVICE: 1.5 * (n("type_service") + n("unanswered") + n("account_change")),
        EscalationType.BUSINESS: 1.2 * n("type_business") + 2 * n("billing_error"),
        # a lawyer, a court or a regulator makes it a matter for Legal & Compliance
        EscalationType.COMPLIANCE: 2 * (n("regulatory") + n("regulatory_request") + n("legal")),
        # security settings and controls (2FA, session timeouts, allow-lists) without an incident
        EscalationType.SECURITY: 2.5 * n("security_hint"),
    }
    best = max(scores, key=lambda t: scores[t])  # ties keep the order above
    if scores[best] == 0:
        return EscalationType.TECHNICAL, "no type cue; technical by default"
    kinds = {
        EscalationType.TECHNICAL: ("type_technical", "major", "outage", "data_loss"),
        EscalationType.SERVICE: ("type_service", "unanswered"),
        EscalationType.BUSINESS: ("type_business", "billing_error"),
        EscalationType.COMPLIANCE: ("regulatory", "regulatory_request", "legal"),
        EscalationType.SECURITY: ("security_hint",),
    }[best]
    found = sorted((c for kind in kinds for c in sig.cues.get(kind, ())), key=lambda c: c.start)
    words = list(dict.fromkeys(c.phrase.lower() for c in found))[:4]
    return best, f"{best.value} cues dominate ({', '.join(repr(w) for w in words)})" if words else f"{best.value} cues dominate"


def _factor(sig: Signals, assessment: str, cue: Cue | None) -> ImpactFactor:
    return ImpactFactor(assessment=assessment, evidence=sig.quote(cue) if cue else UNKNOWN)


def assess_impact(sig: Signals, tier: Tier, severity: Severity) -> Impact:
    text_tier = sig.text_tier
    tier_factor = ImpactFactor(
        assessment=f"{tier.value} (account record)" + (" - enterprise accounts get higher priority" if tier is Tier.ENTERPRISE else ""),
        evidence=sig.quote(text_tier[1]) if text_tier else UNKNOWN,
    )
    money = sig.money_at_risk
    revenue = (
        ImpactFactor(assessment=f"{money.evidence} at risk", evidence=money.evidence)
        if money
        else _factor(sig, "not stated; ask", None)
    )
    users = sig.users_affected
    if users is None:
        users_factor = _factor(sig, UNKNOWN, None)
    elif users.value is None:
        users_factor = ImpactFactor(assessment="all users", evidence=users.evidence)
    else:
        unit = _ENGLISH_UNIT.get(users.unit.lower(), users.unit)  # "40 Mitarbeiter" is 40 staff in an English draft
        unit = _singular(unit) if users.value == 1 else unit
        users_factor = ImpactFactor(assessment=f"{users.value:,.0f} {unit}", evidence=users.evidence)
    critical = sig.first("critical")
    level = "high" if severity.rank <= 2 else "medium" if critical or severity is Severity.SEV3 else "low"
    criticality = _factor(sig, level + (f" ({critical.phrase.lower()} affected)" if critical else ""), critical)
    public = sig.first("public")
    public_factor = _factor(sig, f"yes: {public.phrase.lower()}" if public else "none mentioned", public)
    reg = sig.first("regulatory") or sig.first("legal")
    said: dict[str, str] = {}  # one term however it was capitalised, as first written ("Attorney", "attorney")
    for c in sig.cues["regulatory"] + sig.cues["legal"]:
        said.setdefault(c.phrase.lower(), c.phrase)
    terms = [said[k] for k in sorted(said)]  # (a set sorted by lower case put tied spellings in the hash seed's order)
    reg_factor = _factor(sig, ("yes: " + ", ".join(terms[:5])) if reg else "none mentioned", reg)
    return Impact(
        customer_tier=tier_factor,
        revenue_at_risk=revenue,
        users_affected=users_factor,
        business_criticality=criticality,
        public_exposure=public_factor,
        regulatory=reg_factor,
    )


QUESTIONS = {
    "what": ("What exactly is happening?", "Can you describe exactly what you see, including any error message and where it appears?"),
    "when": ("When did it start?", "When did this start, and has anything changed on your side since then?"),
    "who": ("Who is affected?", "How many users, teams or locations are affected, and is it everyone or only some?"),
    "business_impact": ("What is the business impact?", "What is this stopping you from doing, and is there a cost or deadline attached?"),
    "tried": ("What has been tried?", "What have you tried so far, and what happened when you did?"),
    "workaround": ("Is there a workaround?", "Have you found any way to keep working in the meantime?"),
}


# A billing error is not an outage: who is affected, what was tried and the workaround mean other things
# for a charge. The six questions keep their keys (and what they are for); the words fit a charge.
BILLING_QUESTIONS = {
    **QUESTIONS,
    "when": ("When was it charged?", "On which date or dates was the charge taken, and for which billing period?"),
    "who": ("Which account and charges?",
            "Which account or subscription is it on, and what invoice or transaction reference does each charge show?"),
    "tried": ("Is the bank involved?",
              "Have you disputed the charge with your bank or card issuer? If so, please tell us, as it changes how the money comes back."),
    "workaround": ("Is the service affected?", "Is your service blocked or limited because of this, or is it only the money?"),
}
# Nobody answering is a service failure of its own: the questions are about the contact that failed.
SERVICE_QUESTIONS = {
    **QUESTIONS,
    "when": ("When did you first contact us?",
             "When did you first contact us about this, and through which channel (phone, e-mail, chat or the portal)?"),
    "who": ("Which tickets or contacts?", "Which ticket or case numbers do you have, and whom did you speak or write to?"),
    "workaround": ("How to reach you?", "What is the best time and number or address to reach you, so that this does not happen again?"),
}
# A request under a law or an audit (erasure, access, a report for auditors) is answered in writing, by a date.
COMPLIANCE_QUESTIONS = {
    **QUESTIONS,
    "when": ("When was the request made?", "When did you send the request, and through which channel? A reference or a copy helps."),
    "who": ("Whose data or which account?", "Which account, e-mail address or person does the request concern?"),
    "business_impact": ("Is there a deadline?",
                        "Is there a deadline set by law, a regulator, an auditor or a court, and has any of them been contacted?"),
    "tried": ("What has been received so far?", "What have you had from us so far: a confirmation, a reference or a partial answer?"),
    "workaround": ("How to reply?", "To which address should the written answer go, and in what form (e-mail, letter or the portal)?"),
}
# A request with nothing gone wrong (a feature, a change to the account) has no start, no one affected and nothing
# tried: what is wanted, for whom, by when, and, for a change to an account, who on their side may ask for it.
REQUEST_QUESTIONS = {
    "what": ("What is asked for?", "What exactly should we change or add, and where?"),
    "when": ("By when is it needed?", "By when do you need it, and is a date attached?"),
    "who": ("For whom or which account?", "Which users, e-mail addresses or accounts should it apply to?"),
    "business_impact": ("What will it make possible?", "What will it let you do that you cannot do today?"),
    "tried": ("Who approves it?", "Can you confirm that you may ask for this change on the account, or who on your side approves it?"),
    "workaround": ("How is it done today?", "How do you manage without it today?"),
}
_BROKEN = ("outage", "outage_scope", "partial_outage", "component_down", "data_loss", "data_gone", "exposure", "takeover",
           "takeover_attempt", "secret_exposed", "security_breach", "security_concern", "major", "all_blocked",
           "slow_and_failing", "degraded")
_OPENING = re.compile(r"^(?:hi|hello|hey|dear)\b[^,.!?]{0,40},\s*", re.IGNORECASE)  # "Hi, I was charged twice…"
_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|"
          r"nov(?:ember)?|dec(?:ember)?)(?![a-z])")
_CHARGED_WHEN = re.compile(
    r"\b(?:in|on|for|since|from)\s+(?:the\s+)?(?:" + _MONTH + r"\b|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?" + _MONTH
    + r"\b|\d{1,2}[./-]\d{1,2}(?:[./-]\d{2,4})?\b|\d{4}-\d{2}-\d{2}\b|(?:last|this|previous)\s+(?:month|week|year|billing\s+(?:period|cycle))\b)",
    re.IGNORECASE,
)
def _numbered(words: str, least: int) -> re.Pattern:
    """A thing named with its number: 'invoice INV-20931', 'ticket #4411', 'order no. 5512'."""
    return re.compile(rf"\b(?:{words})\s*(?:no\.?|number|id)?\s*[:#]?\s*(?=[\w-]*\d)[A-Z0-9][\w-]{{{least},}}", re.IGNORECASE)


_REFERENCE = _numbered("invoice|order|transaction|receipt|reference|ref|booking", 3)
_BANK = re.compile(
    r"\bcharge\s?backs?\b|\b(?:disputed|reported|flagged)\s+(?:it|this|them|the\s+(?:second\s+|double\s+)?charges?)\s+(?:with|to)\s+"
    r"(?:my|our|the)\s+(?:bank|card\s+issuer|credit\s+card\s+company)\b|\b(?:contacted|called|told|asked)\s+(?:my|our|the)\s+bank\b",
    re.IGNORECASE,
)


def billing_only(sig: Signals) -> Cue | None:
    """The cue of a billing error when the complaint describes nothing broken besides the charge."""
    cue = sig.first("billing_error", actual=True)
    return cue if cue and not any(sig.first(k, actual=True) for k in _BROKEN) else None


def _found(sig: Signals, pattern: re.Pattern) -> str | None:
    """The sentence of the customer's words that matches, as written."""
    if not pattern.search(sig.text):  # (most texts: no sentence to split out)
        return None
    found = next((" ".join(s.split()) for s in sentences(sig.text) if pattern.search(s)), None)
    return _OPENING.sub("", found) if found else None


def unanswered_only(sig: Signals) -> Cue | None:
    """The cue of nobody answering when the complaint describes nothing broken and no billing error."""
    cue = sig.first("unanswered", actual=True)
    return cue if cue and not any(sig.first(k, actual=True) for k in (*_BROKEN, "billing_error")) else None


_SAID_WHEN = re.compile(
    r"\b(?:on|since|last)\s+(?:mon|tues|wednes|thurs|fri|satur|sun)day\b|\blast\s+(?:week|month)\b|\b\d+\s+(?:hours|days|weeks)\s+ago\b"
    r"|\b(?:yesterday|this\s+morning)\b", re.IGNORECASE)
_TICKET = _numbered("ticket|case|request|reference|ref|incident", 2)


_DEADLINE = re.compile(
    r"\b(?:by|before|until|no later than)\s+(?:(?:next|this)\s+)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|tomorrow|the\s+\d{1,2}(?:st|nd|rd|th)?|"
    r"\d{1,2}(?:st|nd|rd|th)?\s+" + _MONTH + r"|" + _MONTH + r"\s+\d{1,2}|end of (?:the )?(?:day|week|month))\b"
    r"|\bdeadline\b|\bwithin\s+(?:\d+|a|an|one|two|three|four|thirty)\s+(?:(?:calendar|business|working)\s+)?(?:days?|weeks?|months?)\b",
    re.IGNORECASE,
)
# Whose data or which account a request concerns, when the customer says: "about our employee John Smith
# (john.smith@acme.com)", "all personal data you hold about me", "jane.doe@acme.com", "account 48213".
_DATA_SUBJECT = re.compile(
    r"\b(?:about|of|concerning|regarding|on|for|belonging\s+to)\s+(?:me|myself|us|(?:our|my|a|the|one\s+of\s+our)\s+(?:former\s+|ex-?)?"
    r"(?:employee|customer|client|user|member|patient|colleague|staff\s+member|account\s+holder|student|tenant)s?"
    r"(?-i:(?:,?\s+[A-Z][\w'’-]+){0,3})(?:\s*\([^()\n]{1,80}\))?)(?![\w'’-])"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\baccount\s+(?:id\s+|number\s+|no\.?\s+)?#?\s*[\w-]*\d[\w-]*",
    re.IGNORECASE,
)


# Business the customer says they lose while it lasts: "We are losing orders every minute", "we can't take payments".
_LOST_BUSINESS = re.compile(
    r"\b(?:we|i)\b[^.!?\n]{0,20}?\b(?:losing|lose|lost|missing\s+out\s+on)\s+(?:(?:all|our|my|the|new|potential|\w+'s)\s+){0,2}"
    r"(?:orders|sales|bookings|revenue|customers|business|deals|money|reservations|subscribers|income)\b"
    r"|\b(?:we|i)\s+(?:can't|can’t|cannot|can\s+not|are\s+unable\s+to)\s+(?:sell|ship|trade|take\s+(?:any\s+)?(?:orders|payments|bookings))\b",
    re.IGNORECASE,
)


_EARLIER_REQUEST = re.compile(r"\b(?:asked|requested|sent|submitted|made|filed|wrote|e-?mailed|contacted)\b|\bago\b|\bstill\b|"
                              r"\balready\b|\b(?:have|has)n't\b|\b(?:have|has) not\b", re.IGNORECASE)


def compliance_only(sig: Signals, type_: EscalationType | None):
    """The cue of a request under a law or an audit when that is the playbook's reading and nothing is broken."""
    if type_ is not EscalationType.COMPLIANCE or any(sig.first(k, actual=True) for k in _BROKEN) \
            or sig.first("billing_error", actual=True):
        return None
    return sig.first("regulatory_request") or sig.first("regulatory") or sig.first("legal")


def request_only(sig: Signals) -> Cue | None:
    """The cue of a request for something new or for a change to the account, when that is all the complaint says
    (signals sets these only with nothing broken, lost, breached, down or unanswered)."""
    return sig.first("asked_for") or sig.first("account_change")


def _said(sig: Signals, pattern: re.Pattern) -> str | None:
    """The customer's words that match, as written (a name or an address, not its whole sentence)."""
    m = pattern.search(sig.text)
    return " ".join(m.group().split()) if m else None


def triage_questions(sig: Signals, summary: str, type_: EscalationType | None = None) -> list[TriageQuestion]:
    billing = billing_only(sig)
    # a request under a law that went unanswered ("our GDPR erasure request … nobody has replied") is asked about as
    # the request it is: its deadline, what came back, where to reply
    compliance = None if billing else compliance_only(sig, type_)
    unanswered = None if billing or compliance else unanswered_only(sig)
    ignored = sig.first("unanswered", actual=True) if compliance else None
    users = sig.users_affected
    money = sig.money_at_risk
    critical = sig.first("critical")
    answers: dict[str, str | None] = {
        "what": summary if _describes_problem(sig) else None,
        "when": _time_answer(sig),
        "who": (users.evidence if users else None),
        "business_impact": money.evidence if money else _found(sig, _LOST_BUSINESS) or (sig.quote(critical) if critical else None),
        "tried": _clause(sig, "tried"),
        "workaround": (
            f"No: {_clause(sig, 'workaround_no')}" if sig.workaround is False
            else f"Yes: {_clause(sig, 'workaround_yes')}" if sig.workaround else None
        ),
    }
    if billing:
        answers |= {"when": _found(sig, _CHARGED_WHEN) or answers["when"], "who": _found(sig, _REFERENCE),
                    "tried": _found(sig, _BANK), "workaround": None}
    if unanswered:
        answers |= {"what": answers["what"] or sig.quote(unanswered), "who": _found(sig, _TICKET),
                    "when": answers["when"] or _found(sig, _SAID_WHEN) or _found(sig, _CHARGED_WHEN),
                    "tried": answers["tried"] or sig.quote(unanswered), "workaround": None}
    if compliance:
        earlier = _EARLIER_REQUEST.search(sig.text)  # asked before, or asked in this very message
        answers |= {"what": answers["what"] or sig.quote(compliance),
                    "when": (answers["when"] or _found(sig, _SAID_WHEN) or _found(sig, _CHARGED_WHEN)) if earlier
                    else "With this message.",
                    "who": _said(sig, _DATA_SUBJECT), "business_impact": _found(sig, _DEADLINE),
                    "tried": sig.quote(ignored) if ignored else None if earlier else "Nothing yet: this message is the request.",
                    "workaround": None}
    request = None if billing or compliance or unanswered else request_only(sig)
    if request:
        # only a change to an account needs someone allowed to ask for it, and it makes nothing new possible (a new
        # admin, a cancellation); a feature request needs nobody's leave
        change = request.kind == "account_change"
        unneeded = "Not needed for a change to the account." if change else "Not needed for a request for something new."
        answers = {"what": sig.quote(request), "when": _found(sig, _DEADLINE), "who": _said(sig, _DATA_SUBJECT),
                   "business_impact": answers["business_impact"] or (unneeded if change else None),
                   "tried": None if change else unneeded, "workaround": unneeded if change else None}
    asked = (BILLING_QUESTIONS if billing else SERVICE_QUESTIONS if unanswered else COMPLIANCE_QUESTIONS if compliance
             else REQUEST_QUESTIONS if request else QUESTIONS)
    return [
        TriageQuestion(key=key, question=q, answer=answers[key], follow_up=None if answers[key] else ask)
        for key, (q, ask) in asked.items()
    ]


def default_questions() -> list[TriageQuestion]:
    return [TriageQuestion(key=k, question=q, follow_up=ask) for k, (q, ask) in QUESTIONS.items()]


def _clause(sig: Signals, kind: str) -> str | None:
    cue = sig.first(kind)
    return sig.quote(cue, tight=True) if cue else None


_TIME_LEAD = re.compile(r"\b(?:since|after|when|from|starting|started|began|ever since)\b", re.IGNORECASE)


def _time_answer(sig: Signals, limit: int = 60) -> str | None:
    """When it started, in the customer's words: their clause if short, else the time and what leads to it
    ("since you rotated your SAML certificate yesterday"), not a whole sentence about the failure."""
    cue = sig.first("started")
    if cue is None:
        return None
    clause = sig.quote(cue, tight=True)
    if len(clause) <= limit:
        return clause
    leads = list(_TIME_LEAD.finditer(sig.text, max(0, cue.start - limit), cue.start))
    start = leads[-1].start() if leads and not re.search(r"[.!?\n]", sig.text[leads[-1].start() : cue.start]) else cue.start
    return sig.text[start : cue.end].strip()


def _describes_problem(sig: Signals) -> bool:
    return any(
        sig.has(k)
        for k in ("outage", "outage_scope", "partial_outage", "component_down", "data_loss", "security_breach", "security_concern", "major",
                  "exposure", "takeover", "takeover_attempt", "secret_exposed", "data_gone", "money_moved", "all_blocked",
                  "slow_and_failing", "billing_error", "unanswered", "degraded", "minor", "ui_text")
    )


def _singular(noun: str) -> str:
    """'users' -> 'user', 'branches' -> 'branch', 'properties' -> 'property' (for a count of one)."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    if noun.endswith(("ches", "shes", "sses", "xes")):
        return noun[:-2]
    return noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun


def _asked(sig: Signals, cue) -> bool:
    """The cue's sentence ends in a question mark."""
    _, hi = _sentence_bounds(sig.lower, cue.start, cue.end)
    return sig.lower[hi : hi + 1] == "?"


def summarize(sig: Signals, limit: int = 140) -> str:
    """One line naming the problem, in the customer's words where possible."""
    order = ("exposure", "takeover", "secret_exposed", "exfiltration", "security_breach", "data_loss", "data_gone", "all_blocked", "outage_scope", "outage", "partial_outage", "component_down", "security_concern", "slow_and_failing",
             "major", "billing_error", "degraded", "unanswered", "regulatory_request", "regulatory", "minor", "ui_text")
    found = [sig.first(k, actual=True) for k in order if sig.first(k, actual=True)]
    # a cue in a statement before one in a question: "How did someone get in?" names no more than it asks
    cue = next((c for c in found if not _asked(sig, c)), found[0] if found else None)
    if cue:
        line = sig.quote(cue, limit)
    else:
        parts = [p for p in sentences(sig.text) if not _GREETING.match(p)]
        line = parts[0] if parts else sig.text.strip()
    line = " ".join(line.split())
    if len(line) > limit:
        line = line[: limit - 1].rsplit(" ", 1)[0] + "…"
    return line[:1].upper() + line[1:]


# The people a complaint in another language counts, as an English draft names them.
_ENGLISH_UNIT = {
    "mitarbeiter": "staff", "mitarbeitende": "staff", "mitarbeiterinnen": "staff", "angestellte": "employees", "benutzer": "users",
    "nutzer": "users", "kunden": "customers", "filialen": "branches", "standorte": "sites",
    "employés": "employees", "salariés": "employees", "utilisateurs": "users", "collaborateurs": "staff", "clients": "customers",
    "agents": "agents", "magasins": "stores", "empleados": "employees", "usuarios": "users", "trabajadores": "staff",
    "tiendas": "stores", "medewerkers": "employees", "gebruikers": "users", "klanten": "customers", "winkels": "stores",
    "funcionários": "employees", "utilizadores": "users", "usuários": "users", "lojas": "stores",
}


def assess(sig: Signals, *, tier: Tier, policy: Policy) -> EngineTriage:
    severity, severity_why = assess_severity(sig, tier)
    type_, type_why = assess_type(sig)
    summary = summarize(sig)
    return EngineTriage(
        severity=severity,
        type=type_,
        rationale=f"{severity.value} because {severity_why}. Type {type_.value}: {type_why}.",
        summary=summary,
        impact=assess_impact(sig, tier, severity),
        questions=triage_questions(sig, summary, type_),
        routing=route(policy, type_, severity),
    )
