"""Commands for metrics, satisfaction and outcomes, and import/export (thin calls into the library)."""

from __future__ import annotations

import sys

import click

from .cli import Context, _actor, _parse_at, cli


def _day(value: str | None, flag: str) -> str | None:
    if value is None:
        return None
    from datetime import date

    from ..errors import UsageError

    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise UsageError(f"{flag} {value!r}: use a date like 2026-11-01")


@cli.command()
@click.option("--since", help="Escalations opened on or after this date (YYYY-MM-DD).")
@click.option("--until", help="Escalations opened before this date (YYYY-MM-DD).")
@click.option("--by", type=click.Choice(["severity", "type", "customer", "owner", "tier", "month"]), help="Group by a dimension.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--chart", type=click.Path(dir_okay=False), help="Write a PNG chart (needs the [chart] extra).")
@click.option("--now", "now_", help="Evaluate pending targets at this time instead of now.")
@click.pass_obj
def metrics(obj: Context, since, until, by, as_json, chart, now_):
    """The playbook's metrics, each against its target with a pass/fail mark."""
    from .. import metrics as m
    from . import views
    from ..store import now

    moment = _parse_at(now_, "--now") or now()
    with obj.store() as store:
        result, rows = m.compute_with_rows(store, now=moment, since=_day(since, "--since"), until=_day(until, "--until"),
                                           by=by)
        if chart:
            m.chart(result, chart, store, rows)
            click.echo(f"wrote {chart}", err=True)
    click.echo(views.dumps(result) if as_json else m.render(result))


@cli.command()
@click.argument("escalation_id")
@click.argument("score", type=float)
@click.option("--comment", help="What the customer said.")
@click.option("--at", help="When it was given (ISO 8601 with offset).")
@click.pass_obj
def csat(obj: Context, escalation_id, score, comment, at):
    """Record the customer's post-escalation satisfaction score (1-5)."""
    from .. import metrics as m
    from ..store import now

    with obj.store() as store:
        esc = m.record_csat(store, escalation_id, score, comment, _parse_at(at) or now(), _actor())
    click.echo(f"{esc.id}: CSAT {score:g} recorded")


@cli.command()
@click.argument("escalation_id")
@click.argument("result", metavar="retained|churned|at-risk")
@click.option("--at", help="When it was known (ISO 8601 with offset).")
@click.pass_obj
def outcome(obj: Context, escalation_id, result, at):
    """Record whether the relationship was kept: retained, churned or at-risk."""
    from .. import metrics as m
    from ..store import now

    with obj.store() as store:
        esc = m.record_outcome(store, escalation_id, result, _parse_at(at) or now(), _actor())
    click.echo(f"{esc.id}: outcome {result} recorded")


@cli.command()
@click.option("--period", required=True, help="Month, YYYY-MM.")
@click.option("--count", required=True, type=int, help="Total support tickets in that month.")
@click.pass_obj
def tickets(obj: Context, period, count):
    """Record the total tickets of a month (the escalation-rate denominator)."""
    from .. import metrics as m

    with obj.store() as store:
        m.record_tickets(store, period, count)
    click.echo(f"{period}: {count} tickets recorded")


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "statuspage"]), help="Default: detected from the file.")
@click.option("--map", "mapping", multiple=True, help='CSV column mapping, "Their Column=our_column" (repeatable).')
@click.option("--dry-run", is_flag=True, help="Check the file and count what would be added; store nothing.")
@click.pass_obj
def import_(obj: Context, file, fmt, mapping, dry_run):
    """Load historical escalations with their timelines (idempotent, all-or-nothing per file)."""
    from .. import transfer
    from ..errors import UsageError

    pairs = {}
    for item in mapping:
        if "=" not in item:
            raise UsageError(f"--map {item!r}: use \"Their Column=our_column\"")
        src, dst = item.split("=", 1)
        pairs[src.strip()] = dst.strip()
    from .. import progress

    with obj.store() as store, progress.bar("import", unit="escalation") as bar:
        report = transfer.import_file(store, file, fmt=fmt, policy=obj.policy(), dry_run=dry_run, mapping=pairs,
                                      progress=bar)
    verb = "would add" if dry_run else "added"
    click.echo(f"{file}: {report.read} read, {verb} {report.added} escalations with {report.events} events, "
               f"{report.skipped} already present")


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write to a file instead of stdout.")
@click.pass_obj
def export(obj: Context, fmt, out):
    """Write every escalation with its events (import reads it back)."""
    from .. import transfer

    from .. import progress

    with obj.store() as store:
        total = store.db.execute("SELECT count(*) FROM escalations WHERE triage IS NOT NULL").fetchone()[0]
        if out:
            from ..private import open_private

            with open_private(out, "w", encoding="utf-8", newline="") as fh, \
                    progress.bar("export", total=total, unit="escalation") as bar:
                n = transfer.export(store, fmt, fh, progress=bar)
            click.echo(f"wrote {n} escalations to {out}", err=True)
        else:  # stdout is the data: a bar on stderr only when stdout is not the terminal it would share
            with progress.bar("export", total=total, unit="escalation",
                              force=False if sys.stdout.isatty() else None) as bar:
                transfer.export(store, fmt, sys.stdout, progress=bar)
