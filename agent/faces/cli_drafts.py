"""`escalate edit` and `escalate init`: thin calls into agent.editing and agent.team_policy."""

from __future__ import annotations

import click

from .cli import AT_HELP, Context, _actor, _parse_at, cli


@cli.command()
@click.argument("escalation_id")
@click.option("--summary", help="The issue statement every draft, report and the RCA use: what is broken and for whom.")
@click.option("--contact-email", help="The customer contact's e-mail address (the .eml's To: header).")
@click.option("--at", help="When the edit was made. " + AT_HELP)
@click.option("--actor", help="Who edited (default: $ESCALATE_ACTOR or $USER).")
@click.pass_obj
def edit(obj: Context, escalation_id, summary, contact_email, at, actor):
    """Correct the issue statement or the contact's address (each change recorded as an event).

    \b
    escalate edit ESC-7 --summary "card payments are failing at checkout in your 3 stores"
    escalate edit ESC-7 --contact-email anna.keller@nordwind.example
    """
    from ..editing import edit as apply_edit

    with obj.store() as store:
        esc = apply_edit(store, escalation_id, summary=summary, contact_email=contact_email,
                         actor=actor or _actor(), at=_parse_at(at))
    click.echo(f"{esc.id}  summary: {esc.summary}")


@cli.command()
@click.argument("file", default="escalate-policy.toml", type=click.Path(dir_okay=False))
def init(file):
    """Write a commented policy file to fill in (who is writing: [team]; routing; targets).

    \b
    escalate init my-policy.toml && $EDITOR my-policy.toml
    escalate policy check my-policy.toml
    export ESCALATE_POLICY=$PWD/my-policy.toml
    """
    from pathlib import Path

    from ..errors import UsageError
    from ..team import POLICY_TEMPLATE

    target = Path(file)
    if target.exists():
        raise UsageError(f"{file} already exists: init never overwrites; edit it, or give another file name")
    try:
        target.write_text(POLICY_TEMPLATE, encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {file}: {exc.strerror}")
    click.echo(f"wrote {file}: fill in [team], then `escalate policy check {file}` and use it with --policy {file}")
