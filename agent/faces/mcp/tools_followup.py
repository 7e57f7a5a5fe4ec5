"""MCP tools for recovery plans, commitments, the war room and workarounds."""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from .kit import READ_ONLY, WRITES, WRITES_IDEMPOTENT, Kit, _iso, _tool_errors, moment_of
from .models import (At, Actor, CommitmentView, Commitments, EscalationId, RecoveryPlanResult, WarRoom, WarRoomBrief,
                     WorkaroundResult)


def register(kit: Kit) -> None:
    """Add these tools to the server being built."""
    store, actor_of, now, tool = kit.store, kit.actor_of, kit.now, kit.tool

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
        from ... import recovery

        with _tool_errors(), store() as s:
            plan, made = recovery.plan(s, escalation_id, at=at, actor=actor_of(actor), credit_months=credit_months)
        return RecoveryPlanResult.model_validate({**plan.model_dump(mode="json", by_alias=True), "made_now": made})

    @tool(annotations=READ_ONLY)
    def list_commitments(
        escalation_id: Annotated[str | None, Field(description="Only this escalation's (default: all).")] = None,
        only_open: Annotated[bool, Field(description="Only commitments not done yet.")] = False,
    ) -> Commitments:
        """Commitments made to customers (recovery follow-ups, workaround promises), soonest due first."""
        from ... import commitments

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
        from ... import commitments

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
        from ... import warroom as wr

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
        from ... import warroom as wr

        with _tool_errors(), store() as s:
            esc, room = wr.check(s, escalation_id, n, at=at, actor=actor_of(actor))
        return WarRoom.model_validate({"id": esc.id, "changed": [f"checklist {n} done"], **room.as_dict(esc.sla.timezone)})

    @tool(annotations=READ_ONLY)
    def warroom_brief(
        escalation_id: EscalationId,
        as_of: Annotated[AwareDatetime | None, Field(description="The clocks at this time (default: now).")] = None,
    ) -> WarRoomBrief:
        """The read-in for someone joining late: what happened, where it stands, who does what, what next."""
        from ... import warroom as wr

        with _tool_errors(), store() as s:
            return WarRoomBrief.model_validate(wr.brief(s, escalation_id, moment_of(as_of)))

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
        from ... import warroom as wr

        with _tool_errors(), store() as s:
            esc, w = wr.record_workaround(s, escalation_id, steps, eta=permanent_fix_eta, at=at, actor=actor_of(actor))
        return WorkaroundResult.model_validate({"id": esc.id, "status": esc.status, **{k: _iso(v) for k, v in w.items()}})
