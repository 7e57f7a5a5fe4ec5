"""Commands for the 5-Whys RCA, prevention actions and reports (thin calls into agent/rca.py,
agent/prevention.py and agent/report.py). Only click is imported here; the rest lazily."""

from __future__ import annotations

import sys

import click

from .cli import Context, _actor, _parse_at, cli, timeout_option


class TerminalAsker:
    """The interview in a terminal: facts, then a prompt; refusals and flags are said and asked again."""

    def ask(self, step):
        click.echo("")
        for line in step.facts:
            click.echo(line)
        for note in step.notes:
            click.echo(f"note: {note}")
        if step.key == "action":
            return self._action(step)
        label = f"[why {step.level}] {step.prompt}" if step.key == "why" else step.prompt
        return click.prompt(label, default=step.default, show_default=step.default is not None)

    @staticmethod
    def _action(step):
        what = click.prompt(step.prompt, default="", show_default=False)
        if not what.strip():
            return None
        return {
            "action": what,
            "category": click.prompt("  category", default="", show_default=False),
            "owner": click.prompt("  owner", default="", show_default=False),
            "due": click.prompt("  due date (YYYY-MM-DD)", default="", show_default=False),
        }

    def rejected(self, step, message: str) -> None:
        click.echo(f"refused: {message}", err=True)

    def findings(self, step, findings) -> None:
        for f in findings:
            click.echo(f"flagged [{f.rule}]: {f.found!r}" + (f" - {f.fix}" if f.fix else ""))


@cli.command()
@click.argument("escalation_id")
@click.option("--answers", "answers_file", type=click.Path(dir_okay=False),
              help="Answer from a YAML or JSON file instead of the terminal (for scripts).")
@click.option("--engine", default="auto", show_default=True, help="auto, anthropic or offline: who proposes the next why.")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--actor", help="Who is answering (default: $ESCALATE_ACTOR or $USER).")
@timeout_option
@click.pass_obj
def rca(obj: Context, escalation_id, answers_file, engine, model, actor, timeout):
    """Run the 5-Whys root cause interview for a resolved escalation, or continue it.

    \b
    Confirm the timeline, answer the whys until a systemic root cause, the playbook's RCA
    questions and process review, then the prevention actions (each with owner and due date).
    Every answer is stored as it is given: Ctrl-C loses nothing, and running it again continues.
    escalate rca ESC-7
    escalate rca ESC-7 --answers rca.yaml
    """
    from .. import rca as lib
    from ..engines import get_engine
    from ..store import parse_id

    with obj.store() as store:
        esc = lib.load(store, escalation_id)
        st = lib.derive(esc.events)
        if not st.completed:
            if answers_file:
                data = lib.load_answers(answers_file, st)
                asker = lib.FileAsker(data, answers_file)
            else:
                asker = TerminalAsker()
                if st.answered:
                    click.echo(f"Continuing the RCA of {esc.id}: {st.answered} answer(s) already recorded.")
            chosen = get_engine(engine, model=model, policy=store.policy_of(esc.id), timeout=timeout)
            try:
                st = lib.run(store, esc.id, asker, engine=chosen, actor=actor or _actor())
            except (click.exceptions.Abort, KeyboardInterrupt, EOFError):
                saved = lib.derive(store.events(parse_id(esc.id))).answered
                click.echo(f"\ninterrupted: {saved} answer(s) are saved; `escalate rca {esc.id}` continues where you stopped",
                           err=True)
                sys.exit(130)
            for left in getattr(asker, "leftovers", lambda: [])():
                click.echo(f"warning: {answers_file}: {left} answer(s) not needed", err=True)
        rc = st.root_cause
        click.echo(f"RCA of {esc.id} completed.\nRoot cause ({rc['category']}): {rc['text']}\n"
                   f"Prevention actions: {len(st.actions)}\n"
                   f"Next: `escalate report {esc.id}` writes the Post-Incident Report.")


@cli.command()
@click.option("--open", "open_only", is_flag=True, help="Only actions not done or cancelled.")
@click.option("--owner", help="Only this owner's actions.")
@click.option("--id", "escalation_id", help="Only this escalation's actions.")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def actions(obj: Context, open_only, owner, escalation_id, as_json):
    """Prevention actions from RCAs, soonest due first, with the share done."""
    from .. import prevention
    from . import views

    today = prevention.today_in()
    with obj.store() as store:
        found = prevention.list_all(store, open_only=open_only, owner=owner, escalation=escalation_id)
    if as_json:
        click.echo(views.dumps([{**a.model_dump(), "overdue": prevention.overdue(a, today)} for a in found]))
    else:
        click.echo(prevention.render_list(found, today))


@cli.command()
@click.argument("escalation_id")
@click.argument("n", type=int)
@click.option("--done", is_flag=True, help="Mark it done.")
@click.option("--status", help="open, in_progress, blocked, done or cancelled.")
@click.option("--note", help="What was done, or why the status changed.")
@click.option("--at", help="When, ISO 8601 with offset (default: now).")
@click.option("--actor", help="Who changed it.")
@click.pass_obj
def action(obj: Context, escalation_id, n, done, status, note, at, actor):
    """Set the status of prevention action N of an escalation."""
    from .. import prevention
    from ..errors import UsageError

    if done == bool(status) and not (done and status == "done"):
        raise UsageError("give --done or --status STATUS (open, in_progress, blocked, done or cancelled)")
    with obj.store() as store:
        a = prevention.set_status(store, escalation_id, n, "done" if done else status, at=_parse_at(at),
                                  actor=actor or _actor(), note=note)
    click.echo(f"{a.escalation_id} action #{a.n} {a.status}: {a.action} (owner {a.owner}, due {a.due})")


@cli.command()
@click.argument("escalation_id", metavar="ID|status")
@click.option("--kind", default="pir", show_default=True, type=click.Choice(["pir", "customer", "kb"]),
              help="pir: the Post-Incident Report; customer: the customer-facing summary; kb: a knowledge-base draft.")
@click.option("--out", type=click.Path(dir_okay=False), help="Write FILE.md instead of printing.")
@click.pass_obj
def report(obj: Context, escalation_id, kind, out):
    """Write an escalation's report from the record; checked so nothing in it is invented.

    `escalate report status` writes the escalation status report instead: every open escalation
    (severity, owner, age, next deadline, last update, red flags), counts by severity, and what
    breached since the last status report.

    Exit 1 (and nothing written) when a check fails: a time or event not in the store, an
    inconsistent duration, an action without owner or due date.
    """

    from .. import report as lib
    from ..private import write_private
    from ..store import parse_id

    if escalation_id.lower() == "status":
        from .. import status_report
        from ..store import now

        with obj.store() as store:
            text = status_report.build(store, now(), timezone=obj.policy().timezone)
        if out:
            write_private(out, text)
            click.echo(f"wrote {out}", err=True)
        else:
            click.echo(text, nl=False)
        return
    with obj.store() as store:
        made = lib.build(store, escalation_id, kind)
        findings = lib.check(made, store.events(parse_id(made.escalation.id)))
    for warning in made.warnings:
        click.echo(f"warning: {warning}", err=True)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        click.echo("error: the report failed its checks: " + "; ".join(f.describe() for f in errors), err=True)
        sys.exit(1)
    if out:
        write_private(out, made.markdown)
        click.echo(f"wrote {out}", err=True)
    else:
        click.echo(made.markdown, nl=False)


@cli.command()
@click.argument("type_", metavar="TYPE")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def prevention(obj: Context, type_, as_json):
    """Root causes and actions of past escalations of TYPE, and a prevention plan from them."""
    from .. import prevention as lib
    from . import views

    with obj.store() as store:
        plan = lib.plan(store, type_)
    click.echo(views.dumps(plan) if as_json else lib.render_plan(plan))
