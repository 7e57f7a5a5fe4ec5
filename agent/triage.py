"""complaint → signals → engine → reconcile → SLA plan → stored escalation (with its acknowledgment)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import assess, complaint, drafting, issue, rules, similar, sla
from .engines import Engine, EngineResult, TriageRequest
from .engines.offline import OfflineEngine
from .errors import EngineError, UsageError
from .policy import Policy
from .schemas import EngineInfo, Escalation, Event, SlaPlan, Tier, Triage
from .signals import Signals
from .store import FUTURE_SLACK, Store, format_id, now

MAX_CUSTOMER_CHARS = 200


def clean_complaint(text: str, *, limit: int) -> str:
    """Reject what cannot be triaged; strip control characters a terminal or DB should not see."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    if not text.replace("\n", "").replace("\t", "").replace("\r", "").isprintable():  # the common case skips the walk
        text = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable() or ch == "\r")
    text = text.replace("\r\n", "\n")
    if not text.strip():
        raise UsageError("the complaint is empty: paste the customer's text, pass a file, or use --text")
    if len(text) > limit:
        raise UsageError(
            f"the complaint is {len(text):,} characters, over the {limit:,} limit: "
            "trim quoted threads and signatures, or raise max_complaint_chars in the policy"
        )
    return text.strip()


def clean_name(value: str, what: str) -> str:
    value = " ".join("".join(ch for ch in value if ch.isprintable()).split())
    if not value:
        raise UsageError(f"the {what} is empty: pass --customer NAME")
    if len(value) > MAX_CUSTOMER_CHARS:
        raise UsageError(f"the {what} is over {MAX_CUSTOMER_CHARS} characters")
    return value


def parse_tier(value: str | Tier) -> Tier:
    try:
        return Tier(str(value).strip().lower())
    except ValueError:
        raise UsageError(f"unknown tier {value!r}: choose one of {', '.join(t.value for t in Tier)}")


def run_engine(engine: Engine, request: TriageRequest, signals: Signals, policy: Policy,
               offline_model=None) -> tuple[EngineResult, EngineInfo]:
    """Ask the engine; on any failure fall back to the offline engine and say why."""
    if isinstance(engine, OfflineEngine) and offline_model is not None:
        engine = OfflineEngine(policy, model=offline_model)
    try:
        result = engine.triage(request, signals)
        info = EngineInfo(name=result.engine, model=result.model, requested=engine.name)
        if result.reading is not None and result.reading.error:
            info.fallback_reason = result.reading.error
        return result, info
    except EngineError as exc:
        fallback = OfflineEngine(policy, model=offline_model).triage(request, signals)
        fallback.calls = exc.calls
        return fallback, EngineInfo(name="offline", requested=engine.name, model=None, fallback_reason=str(exc))


def offline_model_for(store: Store | None, *, own_copy: bool = False):
    """The model the offline engine uses with this store: its team model if trained, else the shipped one
    (None when neither loads: the engine then says so and rates by the rules alone); with `own_copy`
    one read for the caller alone (linear.in_force)."""
    import os

    from .model import linear

    if os.environ.get("ESCALATE_OFFLINE_MODEL", "").strip().lower() == "off":
        return None
    try:
        return linear.in_force(store.path if store is not None else None, own_copy=own_copy)
    except linear.ModelFileError:
        return None


def decide(*, text: str, customer: str, tier: Tier, engine: Engine, policy: Policy,
           offline_model=None, contact: str | None = None,
           staff: tuple[str, ...] = ()) -> tuple[Triage, EngineResult, EngineInfo]:
    """Signals → engine (with fallback) → rules: the whole judgement, nothing stored. They read the
    customer's own new words (agent.complaint): never the mail headers, quoted thread or signature;
    and without what those words claim about their own severity (agent.claims). The contact's and
    staff names go with the request so the engine can hide them from the model."""
    pasted, text = text, complaint.customer_words(text)
    signals = Signals.read(text, tier)
    request = TriageRequest(complaint=signals.text, customer=customer, tier=tier, contact=contact, staff=staff)
    result, info = run_engine(engine, request, signals, policy, offline_model)
    evidence_severity, _ = assess.assess_severity(signals, tier)
    triage = rules.reconcile(
        result.answer, signals, tier=tier, policy=policy,
        evidence_severity=evidence_severity, default_questions=assess.default_questions(),
    )
    # The one issue statement every draft, report and the RCA use (agent/issue.py).
    triage = triage.model_copy(update={"summary": issue.statement(pasted, triage.summary)})
    if result.reading is not None:
        triage = triage.model_copy(update={"model": result.reading})
    return triage, result, info


@dataclass
class Judged:
    """A complaint checked and judged, with its SLA plan and owner: everything stored, before storing."""

    text: str
    customer: str
    tier: Tier
    contact: str | None
    owner: str
    timezone: str
    opened_at: datetime
    requested: str
    triage: Triage
    sla: SlaPlan
    info: EngineInfo
    calls: list

    def events(self, number: int) -> list[Event]:
        """The events the store writes with it (ids are provisional: drafts read kinds and times only)."""
        t = self.triage
        data = [("opened", "batch", {"customer": self.customer, "tier": self.tier.value}),
                ("triaged", "batch", {"severity": t.severity.value, "type": t.type.value, "engine": self.info.name,
                                      "fallback_reason": self.info.fallback_reason, "owner": self.owner})]
        data += [("correction", "rules", c.model_dump(mode="json")) for c in t.corrections]
        return [Event(id=i, escalation_id=number, at=self.opened_at, actor=actor, kind=kind, data=d)
                for i, (kind, actor, d) in enumerate(data, 1)]

    def escalation(self, number: int) -> Escalation:
        """The record as `Store.get` will read it back once written as `number`."""
        return Escalation(
            id=format_id(number), customer=self.customer, tier=self.tier, contact=self.contact, owner=self.owner,
            status="open", severity=self.triage.severity, type=self.triage.type, summary=self.triage.summary,
            complaint=self.text, opened_at=self.opened_at, triage=self.triage, sla=self.sla,
            engine=self.info.model_copy(update={"requested": self.requested}), events=self.events(number))

    def board_row(self, number: int, policy: Policy):
        """Its clocks as the board computes them at the moment it opened."""
        from . import board

        history, clocks = sla.clocks_for(policy, self.tier, self.opened_at, self.triage.severity,
                                         [e for e in self.events(number) if e.kind in board.BOARD_EVENTS],
                                         self.opened_at)
        return board.Row(id=format_id(number), customer=self.customer, severity=self.triage.severity,
                         type=self.triage.type.value, status="open", owner=self.owner, summary=self.triage.summary,
                         timezone=self.timezone, opened_at=self.opened_at, paused=history.paused, clocks=clocks)


def check_opened(at: datetime | None) -> datetime:
    opened_at = at or now()
    if opened_at.tzinfo is None:
        raise UsageError("--at needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    if opened_at > now() + FUTURE_SLACK:
        raise UsageError(f"--at {opened_at.isoformat()} is in the future: give when the escalation opened")
    if opened_at.year < 1990:
        raise UsageError(f"--at {opened_at.isoformat()} is too far in the past")
    return opened_at


def _staff(owner: str | None) -> tuple[str, ...]:
    """The staff names the engine hides from the model (the owner given to the triage)."""
    return (owner.strip(),) if owner and owner.strip() else ()


def request_for(*, text: str, customer: str, tier: str | Tier, contact: str | None, policy: Policy,
                owner: str | None = None) -> TriageRequest:
    """What the engine is asked for a complaint, after the same checks as a triage (batch requests); the
    contact's and owner's names go with it so the engine hides them, as for a single triage."""
    tier = parse_tier(tier)
    customer = clean_name(customer, "customer name")
    contact = clean_name(contact, "contact name") if contact else None
    text = clean_complaint(text, limit=policy.max_complaint_chars)
    return TriageRequest(complaint=complaint.customer_words(text), customer=customer, tier=tier, contact=contact,
                         staff=_staff(owner))


def judge(*, text: str, customer: str, tier: str | Tier, engine: Engine, policy: Policy, contact: str | None = None,
          owner: str | None = None, timezone: str | None = None, at: datetime | None = None,
          offline_model=None) -> Judged:
    """Check the input, judge it (decide), plan its SLA and route it: nothing stored. Raises UsageError.
    `offline_model` (offline_model_for): the model the offline engine, or the fallback, reads through."""
    tier = parse_tier(tier)
    customer = clean_name(customer, "customer name")
    contact = clean_name(contact, "contact name") if contact else None
    text = clean_complaint(text, limit=policy.max_complaint_chars)
    tz_name = timezone or policy.timezone
    sla.zone(tz_name)  # validate before anything is stored
    opened_at = check_opened(at)
    # Judge first, then write once: nothing is stored until the judgement is whole.
    triage, result, info = decide(text=text, customer=customer, tier=tier, engine=engine, policy=policy,
                                  offline_model=offline_model, contact=contact, staff=_staff(owner))
    plan = sla.plan(policy, triage.severity, opened_at, tz_name, tier)
    team = policy.teams[triage.type]
    owner_name = owner.strip() if owner and owner.strip() else team.owner
    return Judged(text, customer, tier, contact, owner_name, tz_name, opened_at, engine.name, triage, plan, info,
                  result.calls)


def triage_complaint(
    *,
    text: str,
    customer: str,
    tier: str | Tier,
    store: Store,
    engine: Engine,
    policy: Policy,
    contact: str | None = None,
    contact_email: str | None = None,
    owner: str | None = None,
    timezone: str | None = None,
    at: datetime | None = None,
    actor: str = "cli",
) -> Escalation:
    j = judge(text=text, customer=customer, tier=tier, engine=engine, policy=policy, contact=contact, owner=owner,
              timezone=timezone, at=at, offline_model=offline_model_for(store))
    matches = similar.find(store.db, number=0, complaint=j.text, customer=j.customer, opened_at=j.opened_at)
    number = store.create_triaged(
        customer=j.customer, tier=j.tier.value, contact=j.contact, complaint=j.text, opened_at=j.opened_at,
        timezone_name=j.timezone, requested_engine=engine.name, actor=actor,
        triage=j.triage, sla=j.sla, engine=j.info, owner=j.owner, policy=policy.model_dump(mode="json"),
        calls=j.calls, similar=[m.as_dict() for m in matches],
    )
    if contact_email:
        store.append(number, "contact_email", actor=actor, at=j.opened_at, data={"email": contact_email})
    return drafting.create(store, format_id(number), "acknowledgment", moment=j.opened_at, actor=actor).escalation
