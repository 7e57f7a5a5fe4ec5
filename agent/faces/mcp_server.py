"""The library as MCP tools, served on stdio by `escalate mcp` (official `mcp` SDK, 2.x).

Only this module imports `mcp`. Each tool is a thin call into the same library functions the
CLI uses (triage, store, board, lifecycle, drafting, lint, recovery, commitments, warroom, rca,
report, prevention, metrics), with typed inputs and structured outputs built from the Pydantic
schemas in agent/schemas plus the small view models below (board rows, drafts, lint, metrics, the
RCA interview). A library error (unknown id, bad input, a step the lifecycle refuses, an RCA
answer the blameless rules refuse) comes back as an MCP tool error result (isError) with the
library's own message, and nothing is stored. Tools that change the database say "Changes state"
in their description and carry `readOnlyHint: false`; the others carry `readOnlyHint: true`.

Every call opens the database, does its work and closes it, so the CLI and other processes can
share the file while the server runs (WAL, busy timeout; see agent/store.py). Protocol messages
are the only thing written to stdout: the SDK points file descriptor 1 at stderr while it serves,
and logging goes to stderr.
"""

from __future__ import annotations

import inspect
import logging
import os
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any, Iterator, Literal

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from ..errors import EscalateError, UsageError
from ..lint import Finding
from ..schemas import Escalation, Severity, Tier
from ..schemas.rca import PreventionAction
from ..schemas.recovery import RecoveryPlan

SERVER_NAME = "escalation-handler"
CHANGES = "Changes state: "

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
# A recovery plan is made once and read back after; a pending RCA question is recorded once.
WRITES_IDEMPOTENT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

INSTRUCTIONS = (
    "Customer escalation handling. Start with triage_complaint (it stores the escalation, plans its SLA "
    "deadlines and drafts the acknowledgment), then list_escalations for the board (most urgent first, with "
    "countdowns and red flags) and get_escalation for one record. Record what happens with log_event "
    "(acknowledgment, updates, notes, severity changes, resolution), draft customer messages with "
    "draft_message and check text a person wrote with lint_message. recovery_plan plans the recovery, "
    "warroom runs a SEV-1/2 incident, and once resolved rca_next_question / rca_answer run the blameless "
    "5-Whys interview that post_incident_report turns into a report. metrics reports the playbook's metrics "
    "against their targets. Ids look like ESC-7; times are ISO 8601 with an offset."
)

# -- inputs -------------------------------------------------------------------------------------

EscalationId = Annotated[str, Field(description="The escalation id, e.g. ESC-7.")]
At = Annotated[AwareDatetime | None, Field(description="When it happened, ISO 8601 with offset (default: now); "
                                                       "for backfilling.")]
Actor = Annotated[str | None, Field(description="Who did it (default: $ESCALATE_ACTOR or 'mcp').")]
EngineChoice = Annotated[
    Literal["auto", "anthropic", "offline"] | None,
    Field(description="auto = Claude when ANTHROPIC_API_KEY is set, else offline (default: the server's --engine)."),
]
DraftKind = Literal["acknowledgment", "update", "resolution", "apology", "internal", "summary"]
EventKind = Literal[
    "note", "action", "hypothesis", "workaround", "decision",
    "ack", "update", "assign", "severity", "pause", "resume", "resolve", "confirm", "close",
]
TIMELINE_KINDS = ("note", "action", "hypothesis", "workaround", "decision")

# -- outputs ------------------------------------------------------------------------------------


class ClockView(BaseModel):
    """One SLA clock: first_response, update or resolution."""

    name: str
    status: str = Field(description="pending, due soon, breached, met, paused or n/a.")
    due: str | None
    target_minutes: int | None
    calendar: str
    met_at: str | None
    elapsed_minutes: float | None
    left_minutes: float | None = Field(description="Minutes until due; negative when overdue.")
    missed: int = Field(0, description="Update intervals that ran over (update clock only).")


class FlagView(BaseModel):
    flag: str = Field(description="Red flag: delayed_acknowledgment, under_severity, communication_gap, ...")
    detail: str


class LiveState(BaseModel):
    paused: bool
    next_deadline: str | None
    next_step: str | None
    clocks: list[ClockView]
    flags: list[FlagView]


class EscalationStatus(Escalation):
    """The stored escalation (triage, SLA plan, drafts, events) with its clocks and red flags now."""

    paused: bool
    next_deadline: str | None = Field(description="The earliest deadline still to act on, in the customer's zone.")
    next_step: str | None
    clocks: list[ClockView]
    flags: list[FlagView]


class BoardRow(LiveState):
    id: str
    customer: str
    severity: Severity
    type: str
    status: str
    owner: str | None
    summary: str
    opened_at: str


class Board(BaseModel):
    """Open escalations, breached first, then by the earliest deadline."""

    as_of: str
    count: int
    escalations: list[BoardRow]


class DraftResult(BaseModel):
    id: str
    kind: str
    audience: str
    subject: str
    body: str
    engine: str
    fallback_reason: str | None = Field(description="Why the offline template drafted it instead of Claude.")
    passed: bool = Field(description="False when an error is left after lint's corrections (saved as failed).")
    findings: list[Finding]


class LintReport(BaseModel):
    passed: bool
    findings: list[Finding]
    text: str = Field(description="The text with every fixable finding corrected.")


class RecoveryPlanResult(RecoveryPlan):
    made_now: bool = Field(description="True when this call made and stored the plan; false when it was read back.")


class MetricValue(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    value: float | None
    n: int
    target: str
    passed: bool | None = Field(alias="pass")


class SeverityTiming(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    n: int
    median_minutes: float
    p90_minutes: float
    target_minutes: float
    passed: bool = Field(alias="pass")


class MetricsSummary(BaseModel):
    model_config = ConfigDict(extra="allow")

    escalations: int
    first_response: dict[str, SeverityTiming]
    resolution: dict[str, SeverityTiming]
    sla_compliance: MetricValue
    csat: MetricValue
    recovery_success: MetricValue
    repeat_rate: MetricValue
    escalation_rate: MetricValue
    prevention_done: MetricValue | None = None
    stages: dict[str, Any] | None = None


class MetricsResult(BaseModel):
    model_config = ConfigDict(extra="allow")

    since: str | None
    until: str | None
    now: str
    overall: MetricsSummary
    by: str | None = None
    groups: dict[str, MetricsSummary] | None = None


class CommitmentView(BaseModel):
    id: str
    n: int
    escalation: str
    customer: str | None
    due: str
    owner: str
    what: str
    status: str = Field(description="open, overdue or done.")
    source: str
    made_at: str
    done_at: str | None
    note: str | None


class Commitments(BaseModel):
    as_of: str
    commitments: list[CommitmentView]


class RosterEntry(BaseModel):
    role: str
    name: str


class ChecklistItem(BaseModel):
    n: int
    item: str
    done: bool
    done_at: str | None


class WarRoom(BaseModel):
    id: str
    changed: list[str] = Field(description="What this call changed.")
    opened_at: str
    commander: str
    channel: str
    cadence: str
    roster: list[RosterEntry]
    checklist: list[ChecklistItem]


class WarRoomBrief(BaseModel):
    """The read-in for someone joining late."""

    model_config = ConfigDict(extra="allow")

    id: str
    customer: str
    tier: Tier
    severity: Severity
    type: str
    as_of: str
    war_room: dict[str, Any] | None
    what_happened: dict[str, Any]
    status: dict[str, Any]
    who: list[RosterEntry]
    next_actions: list[str]
    next_update_due: str


class WorkaroundResult(BaseModel):
    id: str
    status: str
    at: str
    steps: str
    communicated: bool = Field(description="True once a customer update was recorded at or after the workaround.")
    communicated_at: str | None
    permanent_fix_eta: str | None
    eta_source: str | None
    commitment: int | None = Field(description="The commitment number: tell the customer when the permanent fix ships.")


class RcaQuestion(BaseModel):
    """The question the 5-Whys interview asks now."""

    key: str = Field(description="timeline, identified, why, root_cause, a review question's key, or action.")
    prompt: str
    facts: list[str] = Field(description="What the record says, to answer from.")
    default: str | None = Field(description="The answer a person would most likely give (e.g. 'yes').")
    level: int | None = Field(description="The why level, or the prevention action number.")
    notes: list[str]


class RcaProgress(BaseModel):
    id: str
    completed: bool
    answered: int = Field(description="Answers recorded so far.")
    question: RcaQuestion | None = Field(description="The next question; none once the RCA is completed.")
    root_cause: dict[str, Any] | None
    prevention_actions: list[dict[str, Any]]
    findings: list[Finding] = Field([], description="What the blameless rules flagged in the answer just given.")


class RcaAction(BaseModel):
    action: str = Field(description="What will be done.")
    category: Literal["monitoring", "testing", "architecture", "process", "training", "documentation",
                      "customer communication"]
    owner: str
    due: date


class TimelineRow(BaseModel):
    label: str
    at: str | None
    text: str
    event_id: int | None


class IncidentReport(BaseModel):
    id: str
    kind: str
    markdown: str
    duration_minutes: float | None
    timeline: list[TimelineRow]
    prevention_actions: list[PreventionAction]
    warnings: list[str]
    findings: list[Finding] = Field(description="Warnings from the checks that nothing in it is invented.")


class PreventionActionView(PreventionAction):
    overdue: bool


class PreventionActions(BaseModel):
    today: str
    actions: list[PreventionActionView]


# -- helpers ------------------------------------------------------------------------------------


@contextmanager
def _tool_errors() -> Iterator[None]:
    """A library error becomes an MCP tool error result with its message (never a crash)."""
    try:
        yield
    except EscalateError as exc:
        raise ToolError(str(exc)) from exc


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _status(store, esc: Escalation, moment: datetime) -> EscalationStatus:
    from .. import board
    from ..store import parse_id

    row = board.one(store, parse_id(esc.id), moment).as_dict()
    live = {k: row[k] for k in ("paused", "next_deadline", "next_step", "clocks", "flags")}
    return EscalationStatus.model_validate({**esc.model_dump(mode="json", by_alias=True), **live})


def _rca_progress(store, ident: str, proposer, actor: str, findings: list[Finding] = ()) -> RcaProgress:
    """Where the interview stands, asking (and recording) the next why question when one is due."""
    from .. import rca
    from ..store import parse_id

    esc = rca.load(store, ident)
    st = rca.derive(esc.events)
    step = None
    if not st.completed:
        step = rca.next_step(store, esc, st, engine=proposer, actor=actor)
        if step is None:
            rca.complete(store, esc, st, actor=actor)
        st = rca.derive(store.events(parse_id(esc.id)))
    question = None if step is None else RcaQuestion(key=step.key, prompt=step.prompt, facts=step.facts,
                                                       default=step.default, level=step.level, notes=step.notes)
    return RcaProgress(id=esc.id, completed=bool(st.completed), answered=st.answered, question=question,
                       root_cause=st.root_cause, prevention_actions=st.actions, findings=list(findings))


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("escalation-handler")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


# -- the server ---------------------------------------------------------------------------------


def build_server(*, db_path: str | Path | None = None, policy_path: str | Path | None = None,
                 engine: str = "auto", model: str | None = None) -> MCPServer:
    """An MCPServer whose tools read and write the escalation database at `db_path`."""
    from ..policy import load_policy
    from ..store import Store, default_path

    path = Path(db_path) if db_path else default_path()
    default_engine, default_model = engine, model
    policy_file = str(policy_path) if policy_path else None

    def store() -> Store:
        return Store(path)

    def actor_of(actor: str | None) -> str:
        return (actor or "").strip() or os.environ.get("ESCALATE_ACTOR") or "mcp"

    def chosen_engine(choice: str | None, policy):
        from ..engines import get_engine

        return get_engine(choice or default_engine, model=default_model, policy=policy)

    def now() -> datetime:
        from ..store import now as current

        return current()

    server = MCPServer(
        SERVER_NAME, title="Escalation handler", version=_version(), instructions=INSTRUCTIONS,
        log_level="DEBUG" if os.environ.get("ESCALATE_DEBUG") else "WARNING",
    )

    def tool(*, annotations: ToolAnnotations):
        """Register a tool; its description is the docstring without the source's indentation."""

        def register(fn):
            server.add_tool(fn, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations)
            return fn

        return register

    # -- triage and the record -----------------------------------------------------------------

    @tool(annotations=WRITES)
    def triage_complaint(
        text: Annotated[str, Field(description="The customer's complaint, as they wrote it.")],
        customer: Annotated[str, Field(description="Customer (account) name.")],
        tier: Annotated[Tier, Field(description="Customer tier.")] = Tier.STANDARD,
        contact: Annotated[str | None, Field(description="The customer's contact person, greeted by name.")] = None,
        owner: Annotated[str | None, Field(description="Owner (default: the routed team's on-call owner).")] = None,
        timezone: Annotated[str | None, Field(description="Customer's IANA time zone, e.g. Europe/Berlin.")] = None,
        at: Annotated[AwareDatetime | None, Field(description="When it opened, ISO 8601 with offset (default: now).")] = None,
        engine: EngineChoice = None,
        actor: Actor = None,
    ) -> EscalationStatus:
        """Changes state: triages a complaint and stores it as a new escalation.

        Severity (SEV-1..4), type, impact, routing and the six triage questions, checked and
        corrected by deterministic rules; SLA deadlines; the acknowledgment draft. Returns the
        stored record with its id (ESC-n) and live clocks."""
        from ..triage import triage_complaint as triage

        with _tool_errors():
            policy = load_policy(policy_file)
            chosen = chosen_engine(engine, policy)
            with store() as s:
                esc = triage(text=text, customer=customer, tier=tier, contact=contact, owner=owner, timezone=timezone,
                             at=at, store=s, engine=chosen, policy=policy, actor=actor_of(actor))
                return _status(s, esc, now())

    @tool(annotations=READ_ONLY)
    def get_escalation(escalation_id: EscalationId) -> EscalationStatus:
        """One escalation, whole: record, triage, SLA plan, drafts, events, clocks and red flags."""
        with _tool_errors(), store() as s:
            return _status(s, s.get(escalation_id), now())

    @tool(annotations=READ_ONLY)
    def list_escalations(
        due_within: Annotated[str | None, Field(description="Only what is due within this window, e.g. 30m, 2h.")] = None,
        as_of: Annotated[AwareDatetime | None, Field(description="Evaluate the clocks at this time (default: now).")] = None,
    ) -> Board:
        """The status board: open escalations, breached first then by the earliest deadline, with
        countdowns, the next step and red flags."""
        from .. import board
        from ..sla import parse_duration

        with _tool_errors():
            moment = as_of or now()
            with store() as s:
                rows = board.build(s, moment)
            if due_within:
                rows = board.due_within(rows, moment, parse_duration(due_within))
            return Board(as_of=moment.isoformat(), count=len(rows),
                         escalations=[BoardRow.model_validate(r.as_dict()) for r in rows])

    @tool(annotations=WRITES)
    def log_event(
        escalation_id: EscalationId,
        kind: Annotated[EventKind, Field(description=(
            "note, action, hypothesis, workaround, decision: a timeline entry (needs text). "
            "ack: first customer response sent. update: customer update sent (text = what it said). "
            "assign: new owner (needs owner). severity: change it (needs severity, text = reason). "
            "pause: waiting on the customer (text = what for). resume. resolve (text = what fixed it). "
            "confirm: the customer confirmed the fix. close (force + text = reason to close unconfirmed)."))],
        text: Annotated[str | None, Field(description="The entry, note, reason or summary, as the kind needs.")] = None,
        owner: Annotated[str | None, Field(description="New owner, for assign.")] = None,
        severity: Annotated[Severity | None, Field(description="New severity, for severity.")] = None,
        force: Annotated[bool, Field(description="close only: close before the customer confirmed (a red flag).")] = False,
        at: At = None,
        actor: Actor = None,
    ) -> EscalationStatus:
        """Changes state: appends one event to an escalation's timeline (a lifecycle step or a log
        entry) and moves its status and clocks. A step the lifecycle does not allow is refused and
        nothing is stored."""
        from .. import lifecycle

        with _tool_errors():
            if kind in TIMELINE_KINDS:
                action, args = "log", {"kind": kind, "text": text}
            elif kind == "update":
                action, args = "update", {"note": text}
            elif kind == "assign":
                if not (owner or "").strip():
                    raise UsageError("kind 'assign' needs `owner`: the new owner's name")
                action, args = "assign", {"owner": owner}
            elif kind == "severity":
                if severity is None or not (text or "").strip():
                    raise UsageError("kind 'severity' needs `severity` (SEV-1..SEV-4) and `text`: the reason")
                action, args = "severity", {"severity": severity.value, "reason": text}
            elif kind == "pause":
                if not (text or "").strip():
                    raise UsageError("kind 'pause' needs `text`: what we are waiting for from the customer")
                action, args = "pause", {"reason": text}
            elif kind == "resolve":
                action, args = "resolve", {"summary": text}
            elif kind == "close":
                action, args = "close", {"force": force, "reason": text}
            else:
                action, args = kind, {}
            with store() as s:
                esc = lifecycle.step(s, escalation_id, action, at=at, actor=actor_of(actor), **args)
                return _status(s, esc, now())

    # -- messages -------------------------------------------------------------------------------

    @tool(annotations=WRITES)
    def draft_message(
        escalation_id: EscalationId,
        kind: Annotated[DraftKind, Field(description="Which message to draft.")],
        audience: Annotated[Literal["customer", "internal", "exec"] | None,
                            Field(description="Default: customer (internal for kind internal).")] = None,
        engine: EngineChoice = None,
        actor: Actor = None,
    ) -> DraftResult:
        """Changes state: drafts a message for an escalation, lints it (blame language,
        placeholders, next-update time, named contact, credits within policy), corrects what it
        can and saves the draft. passed is false when an error is left after correction."""
        from .. import drafting

        with _tool_errors(), store() as s:
            chosen = chosen_engine(engine, s.policy_of(escalation_id))
            outcome = drafting.create(s, escalation_id, kind, audience=audience, engine=chosen, actor=actor_of(actor))
        return DraftResult(
            id=outcome.escalation.id, kind=outcome.draft.kind,
            audience=audience or drafting.DEFAULT_AUDIENCE.get(kind, "customer"), subject=outcome.draft.subject,
            body=outcome.draft.body, engine=outcome.draft.engine, fallback_reason=outcome.fallback_reason,
            passed=outcome.result.passed, findings=outcome.result.findings,
        )

    @tool(annotations=READ_ONLY)
    def lint_message(
        escalation_id: EscalationId,
        text: Annotated[str, Field(description="The message a person wrote.")],
        kind: Annotated[DraftKind, Field(description="What kind of message it is.")] = "update",
    ) -> LintReport:
        """Lints text a person wrote against the escalation's record: findings with their spans and
        fixes, and the corrected text. Stores nothing."""
        from .. import board, drafting, lint
        from ..store import parse_id

        with _tool_errors(), store() as s:
            esc = s.get(escalation_id)
            number = parse_id(esc.id)
            policy = s.policy_of(number)
            moment = now()
            ctx = drafting.context(esc, policy, moment, board.one(s, number, moment))
        audience = "internal" if kind == "internal" else "customer"
        result = lint.lint(text, drafting.lint_context(esc, policy, kind, audience, ctx))
        return LintReport(passed=result.passed, findings=result.findings, text=result.text)

    # -- recovery, commitments, war room -------------------------------------------------------------

    @tool(annotations=WRITES_IDEMPOTENT)
    def recovery_plan(
        escalation_id: EscalationId,
        credit_months: Annotated[int | None, Field(ge=0, description=(
            "Propose this many months of service credit (capped by the policy, with a recorded correction)."))] = None,
        at: At = None,
        actor: Actor = None,
    ) -> RecoveryPlanResult:
        """Changes state (first call only): makes the recovery plan (impact level, actions,
        gestures within policy, the six-step conversation, dated follow-ups) and stores its
        follow-ups as commitments. Later calls return the stored plan."""
        from .. import recovery

        with _tool_errors(), store() as s:
            plan, made = recovery.plan(s, escalation_id, at=at, actor=actor_of(actor), credit_months=credit_months)
        return RecoveryPlanResult.model_validate({**plan.model_dump(mode="json", by_alias=True), "made_now": made})

    @tool(annotations=READ_ONLY)
    def list_commitments(
        escalation_id: Annotated[str | None, Field(description="Only this escalation's (default: all).")] = None,
        only_open: Annotated[bool, Field(description="Only commitments not done yet.")] = False,
    ) -> Commitments:
        """Commitments made to customers (recovery follow-ups, workaround promises), soonest due first."""
        from .. import commitments

        with _tool_errors(), store() as s:
            items = commitments.list_all(s, escalation_id)
        moment = now()
        return Commitments(as_of=moment.isoformat(), commitments=[
            CommitmentView.model_validate(c.as_dict(moment)) for c in items if not (only_open and c.done_at)])

    @tool(annotations=WRITES)
    def complete_commitment(
        escalation_id: EscalationId,
        n: Annotated[int, Field(ge=1, description="The commitment number (list_commitments shows it).")],
        note: Annotated[str | None, Field(description="What was done.")] = None,
        at: At = None,
        actor: Actor = None,
    ) -> CommitmentView:
        """Changes state: marks commitment N of an escalation done."""
        from .. import commitments

        with _tool_errors(), store() as s:
            c = commitments.mark_done(s, escalation_id, n, at=at, actor=actor_of(actor), note=note)
        return CommitmentView.model_validate(c.as_dict(now()))

    @tool(annotations=WRITES)
    def warroom(
        escalation_id: EscalationId,
        commander: Annotated[str | None, Field(description="Incident commander: opens the war room, or hands over.")] = None,
        roles: Annotated[dict[str, str] | None, Field(description=(
            'Roles to fill, role → name, e.g. {"technical lead": "Sam Rivera", "scribe": "Lee Wong"}.'))] = None,
        force: Annotated[bool, Field(description="Open one for a SEV-3/4 anyway.")] = False,
        at: At = None,
        actor: Actor = None,
    ) -> WarRoom:
        """Changes state: opens the war room of a SEV-1/2 (commander, roster, channel, update
        cadence, checklist), or hands over command and fills roles in one already open."""
        from .. import warroom as wr

        pairs = [f"{role}={name}" for role, name in (roles or {}).items()]
        with _tool_errors(), store() as s:
            esc, room, changed = wr.open_room(s, escalation_id, commander=commander, roles=pairs, force=force,
                                              at=at, actor=actor_of(actor))
        return WarRoom.model_validate({"id": esc.id, "changed": changed, **room.as_dict(esc.sla.timezone)})

    @tool(annotations=WRITES)
    def warroom_check(
        escalation_id: EscalationId,
        n: Annotated[int, Field(ge=1, description="The checklist item number.")],
        at: At = None,
        actor: Actor = None,
    ) -> WarRoom:
        """Changes state: ticks war-room checklist item N."""
        from .. import warroom as wr

        with _tool_errors(), store() as s:
            esc, room = wr.check(s, escalation_id, n, at=at, actor=actor_of(actor))
        return WarRoom.model_validate({"id": esc.id, "changed": [f"checklist {n} done"], **room.as_dict(esc.sla.timezone)})

    @tool(annotations=READ_ONLY)
    def warroom_brief(
        escalation_id: EscalationId,
        as_of: Annotated[AwareDatetime | None, Field(description="The clocks at this time (default: now).")] = None,
    ) -> WarRoomBrief:
        """The read-in for someone joining late: what happened, where it stands, who does what, what next."""
        from .. import warroom as wr

        with _tool_errors(), store() as s:
            return WarRoomBrief.model_validate(wr.brief(s, escalation_id, as_of or now()))

    @tool(annotations=WRITES)
    def record_workaround(
        escalation_id: EscalationId,
        steps: Annotated[str, Field(description="The steps the customer should follow.")],
        permanent_fix_eta: Annotated[str | None, Field(description=(
            "A date (by 17:00 in the customer's zone) or an ISO time with offset (default: the resolution target)."))] = None,
        at: At = None,
        actor: Actor = None,
    ) -> WorkaroundResult:
        """Changes state: records a workaround (status → workaround), the permanent-fix expectation,
        and a commitment to tell the customer when the permanent fix ships."""
        from .. import warroom as wr

        with _tool_errors(), store() as s:
            esc, w = wr.record_workaround(s, escalation_id, steps, eta=permanent_fix_eta, at=at, actor=actor_of(actor))
        return WorkaroundResult.model_validate({"id": esc.id, "status": esc.status, **{k: _iso(v) for k, v in w.items()}})

    # -- root cause analysis and the post-incident report ------------------------------------------

    def proposer_for(s, escalation_id: str, engine: str | None):
        from .. import rca

        return rca.Proposer(chosen_engine(engine, s.policy_of(escalation_id)))

    @tool(annotations=WRITES_IDEMPOTENT)
    def rca_next_question(escalation_id: EscalationId, engine: EngineChoice = None, actor: Actor = None) -> RcaProgress:
        """Changes state (records the next why question when one is due): the question the 5-Whys
        root cause interview of a resolved escalation asks now, with the facts to answer from.

        The interview confirms the timeline, asks why until a systemic root cause (never a
        person), asks the playbook's review questions, then takes prevention actions. Answer with
        rca_answer; calling this again returns the same question."""
        with _tool_errors(), store() as s:
            return _rca_progress(s, escalation_id, proposer_for(s, escalation_id, engine), actor_of(actor))

    @tool(annotations=WRITES)
    def rca_answer(
        escalation_id: EscalationId,
        answer: Annotated[str | None, Field(description=(
            "The answer to the current question: 'yes' or 'N: correction' for the timeline, an entry number or "
            "'none' for identified, the why, 'yes' / 'category: root cause' / 'no' for root_cause. For the "
            "action step leave it empty (and give no action) to finish the list."))] = None,
        action: Annotated[RcaAction | None, Field(description="For the action step: one prevention action.")] = None,
        key: Annotated[str | None, Field(description=(
            "The key of the question being answered (from rca_next_question); refused if the interview has moved on."))] = None,
        engine: EngineChoice = None,
        actor: Actor = None,
    ) -> RcaProgress:
        """Changes state: records one answer of the 5-Whys interview (checked by the blameless
        rules: an answer that blames a person is pushed one level deeper, a restated symptom is
        asked again) and returns the next question. The last answer completes the RCA."""
        from .. import rca

        with _tool_errors(), store() as s:
            proposer = proposer_for(s, escalation_id, engine)
            esc = rca.load(s, escalation_id)
            st = rca.derive(esc.events)
            if st.completed:
                raise UsageError(f"the RCA of {esc.id} is completed: post_incident_report writes its report")
            step = rca.next_step(s, esc, st, engine=proposer, actor=actor_of(actor))
            if step is None:
                return _rca_progress(s, esc.id, proposer, actor_of(actor))
            if key and key != step.key:
                raise UsageError(f"the interview of {esc.id} is at {step.key!r} ({step.prompt}), not {key!r}: "
                                 "rca_next_question shows it")
            if step.key == "action":
                if action is None and (answer or "").strip().lower() not in ("", "done", "none"):
                    raise UsageError("this step takes `action` {action, category, owner, due}; "
                                     "give neither action nor answer to finish the list")
                value = action.model_dump() if action else None
            else:
                if action is not None:
                    raise UsageError(f"the interview of {esc.id} asks {step.key!r}, not for a prevention action: "
                                     f"answer it with `answer` ({step.prompt})")
                value = answer
            try:
                found = rca.answer(s, esc, st, step, value, actor=actor_of(actor))
            except rca.Rejected as exc:
                raise UsageError(f"refused: {exc}. Still asking: {step.prompt}") from exc
            return _rca_progress(s, esc.id, proposer, actor_of(actor), found)

    @tool(annotations=READ_ONLY)
    def post_incident_report(
        escalation_id: EscalationId,
        kind: Annotated[Literal["pir", "customer", "kb"], Field(description=(
            "pir: the Post-Incident Report; customer: the customer-facing summary; kb: a knowledge-base draft."))] = "pir",
    ) -> IncidentReport:
        """The report of an escalation, in Markdown, built from the record and checked so nothing
        in it is invented (every time and timeline row is a stored event, the duration agrees,
        every action has an owner and a due date). A report that fails its checks is an error."""
        from .. import report
        from ..store import parse_id

        with _tool_errors(), store() as s:
            made = report.build(s, escalation_id, kind)
            findings = report.check(made, s.events(parse_id(made.escalation.id)))
            errors = [f for f in findings if f.severity == "error"]
            if errors:
                raise UsageError("the report failed its checks: " + "; ".join(f.describe() for f in errors))
        return IncidentReport(
            id=made.escalation.id, kind=made.kind, markdown=made.markdown, duration_minutes=made.duration_minutes,
            timeline=[TimelineRow(label=r.label, at=_iso(r.at), text=r.text, event_id=r.event_id) for r in made.timeline],
            prevention_actions=made.actions, warnings=made.warnings, findings=findings,
        )

    @tool(annotations=READ_ONLY)
    def list_prevention_actions(
        escalation_id: Annotated[str | None, Field(description="Only this escalation's (default: all).")] = None,
        owner: Annotated[str | None, Field(description="Only this owner's.")] = None,
        only_open: Annotated[bool, Field(description="Only actions not done or cancelled.")] = False,
    ) -> PreventionActions:
        """Prevention actions from RCAs, soonest due first, each marked overdue or not."""
        from .. import prevention

        today = prevention.today_in()
        with _tool_errors(), store() as s:
            found = prevention.list_all(s, open_only=only_open, owner=owner, escalation=escalation_id)
        return PreventionActions(today=today.isoformat(), actions=[
            PreventionActionView(**a.model_dump(), overdue=prevention.overdue(a, today)) for a in found])

    @tool(annotations=WRITES)
    def set_prevention_action(
        escalation_id: EscalationId,
        n: Annotated[int, Field(ge=1, description="The action number within the escalation.")],
        status: Literal["open", "in_progress", "blocked", "done", "cancelled"],
        note: Annotated[str | None, Field(description="What was done, or why the status changed.")] = None,
        at: At = None,
        actor: Actor = None,
    ) -> PreventionAction:
        """Changes state: sets the status of prevention action N of an escalation."""
        from .. import prevention

        with _tool_errors(), store() as s:
            return prevention.set_status(s, escalation_id, n, status, at=at, actor=actor_of(actor), note=note)

    # -- metrics ----------------------------------------------------------------------------------

    @tool(annotations=READ_ONLY)
    def metrics(
        since: Annotated[date | None, Field(description="Escalations opened on or after this date.")] = None,
        until: Annotated[date | None, Field(description="Escalations opened before this date.")] = None,
        by: Annotated[Literal["severity", "type", "customer", "owner", "tier", "month"] | None,
                      Field(description="Group by a dimension.")] = None,
        as_of: Annotated[AwareDatetime | None, Field(description="Judge pending targets at this time (default: now).")] = None,
    ) -> MetricsResult:
        """The playbook's metrics (time to first response and resolution per severity, SLA
        compliance, CSAT, escalation, repeat and recovery rates, prevention actions done), each
        against its target with a pass/fail mark."""
        from .. import metrics as m

        with _tool_errors(), store() as s:
            result = m.compute(s, now=as_of or now(), since=since.isoformat() if since else None,
                               until=until.isoformat() if until else None, by=by)
        return MetricsResult.model_validate(result)

    return server


def serve(*, db_path: str | Path | None = None, policy_path: str | Path | None = None,
          engine: str = "auto", model: str | None = None) -> None:
    """Check the database and policy, then serve the tools on stdio until the client hangs up."""
    from ..engines import ENGINE_CHOICES
    from ..policy import load_policy
    from ..store import Store, default_path

    if engine not in ENGINE_CHOICES:
        raise UsageError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINE_CHOICES)}")
    load_policy(str(policy_path) if policy_path else None)  # a bad policy file fails now, not per call
    with Store(Path(db_path) if db_path else default_path()):
        pass  # opens (and migrates) the database now: a bad path fails before serving
    server = build_server(db_path=db_path, policy_path=policy_path, engine=engine, model=model)
    logging.getLogger(__name__).info("serving %s on stdio", SERVER_NAME)
    server.run("stdio")
