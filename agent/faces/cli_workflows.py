"""`escalate recovery|commitments|done|warroom|workaround`: thin calls into agent.recovery,
agent.commitments and agent.warroom. Only click is imported here, so `--help` stays fast."""

from __future__ import annotations

import click

from .cli import AT_HELP, Context, _actor, _parse_at, cli



@cli.command()
@click.argument("escalation_id")
@click.option("--credit-months", type=int, help="Propose this many months of service credit (capped by the policy, with a recorded correction).")
@click.option("--at", help="When the plan is made; the follow-up dates count from it. " + AT_HELP)
@click.option("--actor", help="Who made the plan (default: $ESCALATE_ACTOR or $USER).")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@click.pass_obj
def recovery(obj: Context, escalation_id, credit_months, at, actor, as_json):
    """Recovery plan: impact level, actions, gestures, the six-step conversation and dated follow-ups.

    \b
    The first call makes the plan and stores its follow-ups as commitments; later calls show it.
    escalate recovery ESC-7
    escalate recovery ESC-7 --credit-months 2 --json
    """
    from .. import recovery as rec
    from . import views, views_workflows

    with obj.store() as store:
        plan, made = rec.plan(store, escalation_id, at=_parse_at(at), actor=actor or _actor(), credit_months=credit_months)
        tz = store.get(plan.escalation_id).sla.timezone
    if as_json:
        click.echo(views.dumps({**plan.model_dump(mode="json"), "made_now": made}))
    else:
        click.echo(views_workflows.recovery_text(plan, made, tz))


@cli.command()
@click.argument("escalation_id", required=False)
@click.option("--open", "only_open", is_flag=True, help="Only commitments not done yet.")
@click.option("--now", "now_", help="Judge overdue at this time (ISO 8601 with offset) instead of now.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def commitments(obj: Context, escalation_id, only_open, now_, as_json):
    """Commitments to customers (of one escalation, or all), soonest due first."""
    from .. import commitments as com
    from . import views, views_workflows
    from ..store import now as current

    moment = _parse_at(now_, "--now") or current()
    with obj.store() as store:
        items = com.list_all(store, escalation_id)
    if only_open:
        items = [c for c in items if not c.done_at]
    if as_json:
        click.echo(views.dumps([c.as_dict(moment) for c in items]))
    else:
        click.echo(views_workflows.commitments_text(items, moment))


@cli.command()
@click.argument("escalation_id")
@click.argument("number", metavar="N", type=int)
@click.option("--note", help="What was done.")
@click.option("--at", help=AT_HELP)
@click.option("--actor", help="Who did it.")
@click.pass_obj
def done(obj: Context, escalation_id, number, note, at, actor):
    """Mark commitment N of an escalation done (`escalate commitments` lists them)."""
    from .. import commitments as com
    from . import views_workflows

    with obj.store() as store:
        c = com.mark_done(store, escalation_id, number, at=_parse_at(at), actor=actor or _actor(), note=note)
    click.echo(views_workflows.done_text(c))


@cli.command()
@click.argument("escalation_id")
@click.option("--commander", help="Incident commander: opens the war room, or hands over command.")
@click.option("--role", "roles", multiple=True, metavar="ROLE=NAME", help='Fill a role, e.g. --role "technical lead=Sam Rivera" (repeatable).')
@click.option("--force", is_flag=True, help="Open a war room for a SEV-3/4 anyway.")
@click.option("--check", "check_n", type=int, metavar="N", help="Tick checklist item N.")
@click.option("--brief", "show_brief", is_flag=True, help="Print the read-in for someone joining late.")
@click.option("--now", "now_", help="With --brief: the clocks at this time (ISO 8601 with offset) instead of now.")
@click.option("--at", help=AT_HELP)
@click.option("--actor", help="Who did it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def warroom(obj: Context, escalation_id, commander, roles, force, check_n, show_brief, now_, at, actor, as_json):
    """War room for a SEV-1/2: commander, roster, channel, update cadence and checklist.

    \b
    escalate warroom ESC-7 --commander "Pat Kim"              open it
    escalate warroom ESC-7 --role "scribe=Lee Wong"           fill a role
    escalate warroom ESC-7 --check 2                          tick checklist item 2
    escalate warroom ESC-7 --brief                            read-in for someone joining late
    """
    from .. import warroom as wr
    from . import views, views_workflows
    from ..errors import UsageError
    from ..store import now as current

    modes = sum([bool(commander or roles), check_n is not None, show_brief])
    if modes != 1:
        raise UsageError("say what to do: --commander NAME (and --role ROLE=NAME), --check N, or --brief")
    if now_ and not show_brief:
        raise UsageError("--now goes with --brief; to backfill a change, use --at")
    with obj.store() as store:
        if show_brief:
            b = wr.brief(store, escalation_id, _parse_at(now_, "--now") or current())
            click.echo(views.dumps(b) if as_json else views_workflows.brief_text(b))
            return
        if check_n is not None:
            esc, room = wr.check(store, escalation_id, check_n, at=_parse_at(at), actor=actor or _actor())
            changed = [f"checklist {check_n} done"]
        else:
            esc, room, changed = wr.open_room(store, escalation_id, commander=commander, roles=roles, force=force,
                                              at=_parse_at(at), actor=actor or _actor())
    if as_json:
        click.echo(views.dumps({"id": esc.id, "changed": changed, **room.as_dict(esc.sla.timezone)}))
    else:
        click.echo(views_workflows.room_text(esc, room, changed))


@cli.command()
@click.argument("escalation_id")
@click.argument("steps")
@click.option("--permanent-fix-eta", "eta", metavar="DATE", help="When the permanent fix is expected: a date (by 17:00 in the customer's zone) or an ISO time with offset (default: the resolution target).")
@click.option("--at", help=AT_HELP)
@click.option("--actor", help="Who found it.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def workaround(obj: Context, escalation_id, steps, eta, at, actor, as_json):
    """Record a workaround: its steps, the permanent-fix expectation, and a follow-up commitment.

    \b
    escalate workaround ESC-7 "Sign in at https://backup.example/login" --permanent-fix-eta 2026-12-01
    It counts as communicated once `escalate update` records the update that carried it.
    """
    from .. import warroom as wr
    from . import views, views_workflows

    with obj.store() as store:
        esc, w = wr.record_workaround(store, escalation_id, steps, eta=eta, at=_parse_at(at), actor=actor or _actor())
    if as_json:
        click.echo(views.dumps({"id": esc.id, "status": esc.status, **{k: v.isoformat() if hasattr(v, "isoformat") else v
                                                                       for k, v in w.items()}}))
    else:
        click.echo(views_workflows.workaround_text(esc, w))
