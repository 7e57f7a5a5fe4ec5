"""Operations commands: `escalate backup` (a thin call into Store.backup)."""

from __future__ import annotations

import click

from .cli import Context, cli


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite FILE if it exists.")
@click.pass_obj
def backup(obj: Context, file: str, force: bool):
    """Copy the database to FILE while it is in use (SQLite online backup); FILE is readable by you only.

    \b
    escalate backup ~/backups/escalations-$(date +%F).db
    """
    from pathlib import Path

    from ..errors import UsageError

    if Path(file).exists() and not force:
        raise UsageError(f"{file} exists: pass --force to overwrite it, or choose another name")
    with obj.store() as store:
        target = store.backup(file)
        count = store.db.execute("SELECT count(*) FROM escalations").fetchone()[0]
    click.echo(f"backed up {count} escalation{'s' if count != 1 else ''} to {target} ({target.stat().st_size:,} bytes, mode 600)")


@cli.command()
@click.option("--fix", is_flag=True, help="Repair what can be repaired safely (file modes, orphans), printing each change.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def doctor(obj: Context, fix: bool, as_json: bool):
    """Check the database: integrity, unreadable rows and events, orphans, file modes. Exit 1 on a problem left.

    \b
    escalate doctor
    escalate doctor --fix
    """
    import sys

    from .. import doctor as lib
    from . import views

    with obj.store() as store:
        checkup = lib.examine(store, fix=fix, policy=obj.policy() if obj.policy_path else None)
        path = store.path
    click.echo(views.dumps(checkup.as_dict()) if as_json else lib.render(checkup, path))
    if not checkup.healthy:
        sys.exit(1)
