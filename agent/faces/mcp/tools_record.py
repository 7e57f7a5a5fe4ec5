"""MCP tools for triage, the record, the board, lifecycle steps, drafts and lint."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from ...errors import UsageError
from ...schemas import EscalationType, Severity, Tier
from .kit import DESTRUCTIVE, READ_ONLY, WRITES, Kit, _status, _tool_errors, moment_of
from .models import (TIMELINE_KINDS, Actor, At, Board, BoardRow, DraftKind, DraftResult, EngineChoice, EscalationId,
                     EscalationStatus, EventKind, LintReport)


def _needs_confirm(esc, action: str, args: dict) -> None:
    """Closing, force-closing and lowering the severity happen only when the call says confirm: true."""
    what = None
    if action == "close":
        what = f"force-closes {esc.id} before {esc.customer} confirmed the fix" if args.get("force") else f"closes {esc.id}"
    elif action == "severity" and int(args["severity"][-1]) > int(esc.severity.value[-1]):
        what = f"lowers {esc.id} from {esc.severity.value} to {args['severity']}"
    if what:
        raise UsageError(f"this {what}: a destructive step; call log_event again with confirm: true if that is intended")


def register(kit: Kit) -> None:
    """Add these tools to the server being built."""
    from ...policy import load_policy

    store, actor_of, chosen_engine, now, tool = kit.store, kit.actor_of, kit.chosen_engine, kit.now, kit.tool
    policy_file = kit.policy_file

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
        from ...triage import triage_complaint as triage

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
        from ... import board
        from ...sla import parse_duration

        with _tool_errors():
            moment = moment_of(as_of)
            with store() as s:
                rows = board.build(s, moment)
            if due_within:
                rows = board.due_within(rows, moment, parse_duration(due_within))
            return Board(as_of=moment.isoformat(), count=len(rows),
                         escalations=[BoardRow.model_validate(r.as_dict()) for r in rows])

    @tool(annotations=DESTRUCTIVE)
    def log_event(
        escalation_id: EscalationId,
        kind: Annotated[EventKind, Field(description=(
            "note, action, hypothesis, workaround, decision: a timeline entry (needs text). "
            "ack: first customer response sent. update: customer update sent (text = what it said). "
            "assign: new owner (needs owner). severity: change it (needs severity, text = reason). "
            "type: change the type (needs type, text = reason). "
            "pause: waiting on the customer (text = what for). resume. resolve (text = what fixed it). "
            "confirm: the customer confirmed the fix. close (force + text = reason to close unconfirmed)."))],
        text: Annotated[str | None, Field(description="The entry, note, reason or summary, as the kind needs.")] = None,
        owner: Annotated[str | None, Field(description="New owner, for assign.")] = None,
        severity: Annotated[Severity | None, Field(description="New severity, for severity.")] = None,
        type: Annotated[EscalationType | None, Field(description="New type, for type.")] = None,
        force: Annotated[bool, Field(description="close only: close before the customer confirmed (a red flag).")] = False,
        confirm: Annotated[bool, Field(description=(
            "Must be true to close, force-close or lower the severity: those take the escalation off the "
            "board or slow its clocks, and the log keeps them for good."))] = False,
        at: At = None,
        actor: Actor = None,
    ) -> EscalationStatus:
        """Changes state: appends one event to an escalation's timeline (a lifecycle step or a log
        entry) and moves its status and clocks. A step the lifecycle does not allow is refused and
        nothing is stored. Destructive: closing, force-closing or lowering the severity is refused
        unless `confirm` is true."""
        from ... import lifecycle

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
            elif kind == "type":
                if type is None or not (text or "").strip():
                    raise UsageError("kind 'type' needs `type` (technical, service, business, security or compliance) "
                                     "and `text`: the reason")
                action, args = "type", {"type": type.value, "reason": text}
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
                if not confirm:
                    _needs_confirm(s.get(escalation_id), action, args)
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
        from ... import drafting

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
        from ... import board, drafting, lint
        from ...store import parse_id

        with _tool_errors(), store() as s:
            esc = s.get(escalation_id)
            number = parse_id(esc.id)
            policy = s.policy_of(number)
            moment = now()
            ctx = drafting.context(esc, policy, moment, board.one(s, number, moment))
        audience = "internal" if kind == "internal" else "customer"
        result = lint.lint(text, drafting.lint_context(esc, policy, kind, audience, ctx))
        return LintReport(passed=result.passed, findings=result.findings, text=result.text)
