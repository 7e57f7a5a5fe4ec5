"""MCP tools for the 5-Whys interview, the post-incident reports, prevention actions and metrics."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from ...errors import UsageError
from ...schemas.rca import PreventionAction
from .kit import READ_ONLY, WRITES, WRITES_IDEMPOTENT, Kit, _iso, _progress, _tool_errors, moment_of
from .models import (At, Actor, EngineChoice, EscalationId, IncidentReport, MetricsResult, PreventionActions,
                     PreventionActionView, RcaAction, RcaProgress, TimelineRow)


def register(kit: Kit) -> None:
    """Add these tools to the server being built."""
    store, actor_of, chosen_engine, now, tool = kit.store, kit.actor_of, kit.chosen_engine, kit.now, kit.tool

    # -- root cause analysis and the post-incident report ------------------------------------------

    def proposer_for(s, escalation_id: str, engine: str | None):
        from ... import rca

        return rca.Proposer(chosen_engine(engine, s.policy_of(escalation_id)))

    @tool(annotations=WRITES_IDEMPOTENT)
    def rca_next_question(escalation_id: EscalationId, engine: EngineChoice = None, actor: Actor = None) -> RcaProgress:
        """Changes state (records the next why question when one is due): the question the 5-Whys
        root cause interview of a resolved escalation asks now, with the facts to answer from.

        The interview confirms the timeline, asks why until a systemic root cause (never a
        person), asks the playbook's review questions, then takes prevention actions. Answer with
        rca_answer; calling this again returns the same question."""
        from ... import interview

        with _tool_errors(), store() as s:
            return _progress(interview.progress(s, escalation_id, engine=proposer_for(s, escalation_id, engine),
                                                actor=actor_of(actor)))

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
        from ... import interview

        with _tool_errors(), store() as s:
            return _progress(interview.answer_current(
                s, escalation_id, answer=answer, action=action.model_dump() if action else None, key=key,
                engine=proposer_for(s, escalation_id, engine), actor=actor_of(actor)))

    @tool(annotations=READ_ONLY)
    def post_incident_report(
        escalation_id: EscalationId,
        kind: Annotated[Literal["pir", "customer", "kb"], Field(description=(
            "pir: the Post-Incident Report; customer: the customer-facing summary; kb: a knowledge-base draft."))] = "pir",
    ) -> IncidentReport:
        """The report of an escalation, in Markdown, built from the record and checked so nothing
        in it is invented (every time and timeline row is a stored event, the duration agrees,
        every action has an owner and a due date). A report that fails its checks is an error."""
        from ... import report
        from ...store import parse_id

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
        from ... import prevention

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
        from ... import prevention

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
        from ... import metrics as m

        with _tool_errors(), store() as s:
            result = m.compute(s, now=moment_of(as_of), since=since.isoformat() if since else None,
                               until=until.isoformat() if until else None, by=by)
        return MetricsResult.model_validate(result)
