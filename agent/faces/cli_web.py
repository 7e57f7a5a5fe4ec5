"""`escalate serve` (the web workspace) and `escalate user` (team mode's users). Only click is
imported here; Starlette, uvicorn and argon2 load when a command runs (the [web] extra)."""

from __future__ import annotations

import click

from .cli import Context, cli

EXTRA_HINT = "pip install 'escalation-handler[web]' (the [web] extra)"


def is_loopback(host: str) -> bool:
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _need_extra():
    from ..errors import UsageError

    try:
        import argon2  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"this command needs {exc.name}: {EXTRA_HINT}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; other than loopback needs --team.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--team", is_flag=True, help="Team mode: log in as a user of `escalate user add`, with roles (agent, manager, viewer).")
@click.option("--engine", default="auto", show_default=True, type=click.Choice(["auto", "anthropic", "offline"]),
              help="Engine for triage and drafts when a form does not name one.")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.pass_obj
def serve(obj: Context, host: str, port: int, team: bool, engine: str, model: str | None):
    """Serve the web workspace: paste & triage, the board, escalations, drafts, RCA, metrics.

    \b
    Single user on this machine by default (127.0.0.1, no login). For a team:
    escalate user add dana --role agent
    escalate serve --team --host 0.0.0.0
    Uses --db / ESCALATE_DB and --policy / ESCALATE_POLICY like every command.
    """
    from pathlib import Path

    from ..errors import UsageError
    from ..store import Store, default_path

    _need_extra()
    if not team and not is_loopback(host):
        raise UsageError(f"refusing to serve on {host} without --team: anyone who reaches it could read and change "
                         "every escalation; add users with `escalate user add` and pass --team, or keep 127.0.0.1")
    path = Path(obj.db_path) if obj.db_path else default_path()
    obj.policy()  # a bad policy file fails now
    if team:
        from .. import users

        with Store(path) as store:
            if users.count(store) == 0:
                raise UsageError("team mode needs at least one user: `escalate user add NAME --role manager`")
    import uvicorn

    from .web.app import Settings, create_app

    app = create_app(Settings(db_path=path, policy_path=obj.policy_path, engine=engine, model=model, team=team))
    mode = "team mode (log in)" if team else "single user, no login"
    click.echo(f"serving {path} on http://{host}:{port}/ ({mode}); Ctrl-C stops", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)


@cli.group()
def user():
    """Team mode's users: add, list, remove."""


@user.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(["agent", "manager", "viewer"]), help="agent and manager write; a viewer only reads; a manager also imports.")
@click.option("--password", envvar="ESCALATE_PASSWORD", help="The password (default: asked twice, hidden; env ESCALATE_PASSWORD).")
@click.option("--replace", is_flag=True, help="Reset an existing user's password and role (ends their sessions).")
@click.pass_obj
def user_add(obj: Context, name: str, role: str, password: str | None, replace: bool):
    """Add a user who can log in to `escalate serve --team` (password hashed with argon2)."""
    from .. import users

    _need_extra()
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    with obj.store() as store:
        made = users.add(store, name, password, role, replace=replace)
    click.echo(f"user {made.name} ({made.role}) {'reset' if replace else 'added'}")


@user.command("list")
@click.pass_obj
def user_list(obj: Context):
    """The users and their roles."""
    from .. import users

    with obj.store() as store:
        found = users.list_all(store)
    click.echo("\n".join(f"{u.name}\t{u.role}" for u in found) or "no users (team mode needs one: escalate user add)")


@user.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(obj: Context, name: str):
    """Remove a user and end their sessions."""
    from .. import users

    with obj.store() as store:
        users.remove(store, name)
    click.echo(f"user {name} removed")
