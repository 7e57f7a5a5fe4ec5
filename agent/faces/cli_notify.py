"""`escalate notify` (one pass, for cron) and `escalate watch` (a pass every minute): thin calls into agent.notify."""

from __future__ import annotations

import sys

import click

from .cli import Context, _parse_at, cli

NOT_CONFIGURED = ("nothing to send: the policy in force has no [notifications] ladder or updates "
                  "(pass --policy or set ESCALATE_POLICY; README: Notifications)")


def _print(report, *, dry_run: bool, as_json: bool, quiet_when_idle: bool = False, stamp: str = "") -> None:
    from . import views

    if as_json:
        click.echo(views.dumps({
            "dry_run": dry_run, "configured": report.configured,
            "notifications": [{**d.facts, "kind": d.kind, "channel": d.channel, "keys": d.keys,
                               **({"delivered": d.outcome.delivered, "attempts": d.outcome.attempts,
                                   "detail": d.outcome.detail} if d.outcome else {})} for d in report.deliveries],
        }))
        return
    if not report.configured:
        click.echo(NOT_CONFIGURED, err=True)
        return
    if not report.deliveries:
        if not quiet_when_idle:
            click.echo(f"{stamp}nothing due")
        return
    for d in report.deliveries:
        click.echo(f"{stamp}{'would send: ' if dry_run else ''}{d.describe()}")
    if not dry_run:
        failed = len(report.failed)
        click.echo(f"{stamp}{len(report.deliveries) - failed} delivered, {failed} failed"
                   + (f", {report.skipped_claimed} taken by another notifier" if report.skipped_claimed else ""))
    for d in report.failed:
        click.echo(f"warning: not delivered, recorded as a red flag: {d.describe()}", err=True)


@cli.command()
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and record nothing.")
@click.option("--now", "now_", help="Evaluate the clocks at this time (ISO 8601 with offset) instead of now.")
@click.option("--retry-failed", is_flag=True, help="Also resend notifications that failed before (when still due).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def notify(obj: Context, dry_run, now_, retry_failed, as_json):
    """Send the due-soon and breach notifications the policy's ladder calls for, once each; exit 0.

    \b
    Cron-friendly: one pass, then exit (e.g. `* * * * * escalate notify`). Each notification goes
    once per deadline and rung, is recorded in the event log with its delivery result, and a
    failure (after the policy's retries) becomes a "notification failed" red flag.
    escalate notify --dry-run
    escalate notify --now 2026-11-26T14:00:00+00:00
    """
    from .. import notify as notifier

    moment = _parse_at(now_, "--now")
    policy = obj.policy()
    with obj.store() as store:
        report = notifier.run(store, policy, moment, dry_run=dry_run, retry_failed=retry_failed)
    _print(report, dry_run=dry_run, as_json=as_json)


@cli.command()
@click.option("--every", default=60, show_default=True, type=click.IntRange(min=1), help="Seconds between passes.")
@click.option("--max-runs", type=click.IntRange(min=1), help="Stop after N passes (default: run until interrupted).")
@click.pass_obj
def watch(obj: Context, every, max_runs):
    """Run `escalate notify` every minute (or --every N seconds) until interrupted.

    \b
    For a machine that stays up; the policy file is read again on every pass, so edits apply
    without a restart. A pass that fails (e.g. the database is locked) is reported and the next
    one runs as usual.
    """
    from .. import notify as notifier
    from ..errors import EscalateError

    said = {"not_configured": False}

    def one_pass(moment):
        stamp = f"{moment:%Y-%m-%d %H:%M:%S} "
        try:
            policy = obj.policy()
            with obj.store() as store:
                report = notifier.run(store, policy, moment)
        except EscalateError as exc:
            click.echo(f"{stamp}error: {exc} (the next pass runs in {every} s)", err=True)
            return
        if not report.configured:  # said once, not every pass; said again if it is configured and then not
            if not said["not_configured"]:
                click.echo(f"{NOT_CONFIGURED}; watch keeps reading the policy every pass", err=True)
            said["not_configured"] = True
            return
        said["not_configured"] = False
        _print(report, dry_run=False, as_json=False, quiet_when_idle=True, stamp=stamp)
        sys.stdout.flush()

    click.echo(f"watching: a notify pass every {every} s" + (f", {max_runs} pass(es)" if max_runs else "; Ctrl-C stops"),
               err=True)
    notifier.watch(one_pass, every=every, max_runs=max_runs)
