"""`escalate`: a thin click CLI over the library. Imports are lazy so `--help` stays fast."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


class Context:
    def __init__(self, db: str | None, policy: str | None):
        self.db_path = db
        self.policy_path = policy

    def store(self):
        from .store import Store, default_path

        return Store(self.db_path or default_path())

    def policy(self):
        from .policy import load_policy

        return load_policy(self.policy_path)


class Group(click.Group):
    """Turns library errors into one line on stderr and an exit code; never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted; nothing half-written was kept", err=True)
            sys.exit(130)
        except Exception as exc:
            from .errors import EscalateError

            if os.environ.get("ESCALATE_DEBUG"):
                raise
            if isinstance(exc, EscalateError):
                click.echo(f"error: {exc}", err=True)
                sys.exit(exc.exit_code)
            click.echo(f"error: unexpected {type(exc).__name__}: {exc} (set ESCALATE_DEBUG=1 for details)", err=True)
            sys.exit(1)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="ESCALATE_DB", type=click.Path(dir_okay=False), help="Database file (default: user data dir; env ESCALATE_DB).")
@click.option("--policy", envvar="ESCALATE_POLICY", type=click.Path(dir_okay=False), help="Policy TOML overriding the default tables (env ESCALATE_POLICY).")
@click.version_option(package_name="escalation-handler")
@click.pass_context
def cli(ctx: click.Context, db: str | None, policy: str | None) -> None:
    """Triage customer escalations, plan their SLAs and draft every message."""
    ctx.obj = Context(db, policy)


def _read_source(source: str | None, text: str | None, encoding: str) -> str:
    from .errors import UsageError

    if text is not None and source is not None:
        raise UsageError("give the complaint once: a FILE, '-' for stdin, or --text")
    if text is not None:
        return text
    if source is None:
        raise UsageError("no complaint: pass a FILE, '-' to read stdin, or --text \"...\"")
    if source == "-":
        data = sys.stdin.buffer.read()
        where = "stdin"
    else:
        path = Path(source)
        if not path.is_file():
            raise UsageError(f"no such file: {source}")
        data = path.read_bytes()
        where = source
    try:
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding)
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{where} is not valid {encoding} (byte {exc.start}): save it as UTF-8 or pass --encoding, e.g. --encoding cp1252"
        )
    except LookupError:
        raise UsageError(f"unknown encoding {encoding!r}: try utf-8, cp1252 or latin-1")


def _parse_at(value: str | None):
    if value is None:
        return None
    from datetime import datetime

    from .errors import UsageError

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--at {value!r} is not an ISO 8601 time, e.g. 2026-11-28T09:00:00+01:00")
    if moment.tzinfo is None:
        raise UsageError("--at needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    return moment


@cli.command()
@click.argument("source", required=False)
@click.option("--text", "text", help="The complaint itself instead of a FILE.")
@click.option("--customer", required=True, help="Customer (account) name.")
@click.option("--tier", default="standard", show_default=True, help="Customer tier: enterprise, business, standard or free.")
@click.option("--contact", help="The customer's contact person, greeted by name in drafts.")
@click.option("--owner", help="Who owns the escalation (default: the routed team's on-call owner).")
@click.option("--tz", "timezone", help="Customer's time zone for deadlines, e.g. Europe/Berlin (default: policy's).")
@click.option("--at", "at", help="When the escalation opened, ISO 8601 with offset (default: now).")
@click.option("--engine", default="auto", show_default=True, help="auto, anthropic or offline (auto = anthropic when ANTHROPIC_API_KEY is set).")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of FILE or stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_obj
def triage(obj: Context, source, text, customer, tier, contact, owner, timezone, at, engine, model, encoding, as_json):
    """Triage a complaint from FILE, '-' (stdin) or --text; store it and print the plan.

    \b
    escalate triage complaint.txt --customer "Acme Corp" --tier enterprise
    cat complaint.txt | escalate triage - --customer Acme --json
    """
    from . import views
    from .engines import get_engine
    from .triage import parse_tier, triage_complaint

    complaint = _read_source(source, text, encoding)
    parse_tier(tier)
    policy = obj.policy()
    chosen = get_engine(engine, model=model, policy=policy)
    opened = _parse_at(at)
    with obj.store() as store:
        esc = triage_complaint(
            text=complaint, customer=customer, tier=tier, contact=contact, owner=owner, timezone=timezone,
            at=opened, store=store, engine=chosen, policy=policy,
        )
    if esc.engine.fallback_reason:
        click.echo(f"warning: {esc.engine.fallback_reason}; the offline engine triaged {esc.id}", err=True)
    click.echo(views.dumps(views.triage_json(esc)) if as_json else views.triage_text(esc))


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_(obj: Context, as_json: bool):
    """Open escalations, most urgent first."""
    from . import views

    with obj.store() as store:
        rows = store.open_escalations()
    if as_json:
        click.echo(views.dumps([{**r, "id": f"ESC-{r['id']}"} for r in rows]))
    else:
        click.echo(views.list_text(rows))


@cli.command()
@click.argument("escalation_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.pass_obj
def show(obj: Context, escalation_id: str, as_json: bool):
    """One escalation, whole: record, triage, SLA, drafts and updates log."""
    from . import views

    with obj.store() as store:
        esc = store.get(escalation_id)
    click.echo(views.dumps(esc.model_dump(mode="json", by_alias=True)) if as_json else views.show_text(esc))


def main() -> None:
    cli(prog_name="escalate")


if __name__ == "__main__":
    main()
