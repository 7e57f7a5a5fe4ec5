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
        from ..store import Store, default_path

        return Store(self.db_path or default_path())

    def policy(self):
        from ..policy import load_policy

        policy = load_policy(self.policy_path)
        if policy.templates or "agent.prompts" in sys.modules:  # the team's templates folder is the one in force
            from ..prompts import use_templates

            use_templates(policy.templates)
        return policy


TIMEOUT_HELP = ("Seconds one Claude call may take, retries included, before the offline engine answers "
                "(default: the policy's llm.timeout_seconds, 30).")
timeout_option = click.option("--timeout", type=click.FloatRange(min=0.1, max=600), help=TIMEOUT_HELP)


class Group(click.Group):
    """Turns library errors into one line on stderr and an exit code; never a traceback."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for arg in args:  # bytes that are not UTF-8 reach Python as lone surrogates: refuse them here, once
            bad = next((i for i, ch in enumerate(arg) if "\udc80" <= ch <= "\udcff"), None)
            if bad is not None:
                raise click.UsageError(f"argument {arg.encode('utf-8', 'surrogateescape')[:40]!r} is not valid UTF-8 "
                                       f"(byte {bad}): pass text in UTF-8", ctx)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            from ..store import kept_summary

            click.echo(f"interrupted: {kept_summary()}", err=True)
            sys.exit(143 if _terminated else 130)
        except BrokenPipeError:
            _quiet_pipe()
        except Exception as exc:
            from ..errors import EscalateError

            if os.environ.get("ESCALATE_DEBUG"):
                raise
            if isinstance(exc, EscalateError):
                click.echo(f"error: {exc}", err=True)
                sys.exit(exc.exit_code)
            from ..store import default_path, locked_error

            if (error := locked_error(exc, getattr(ctx.obj, "db_path", None) or default_path())) is not None:
                click.echo(f"error: {error}", err=True)  # a lock met outside a Store transaction: the same line
                sys.exit(error.exit_code)
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
    if "agent.prompts" in sys.modules:  # no team templates left in force from an earlier command in this process
        sys.modules["agent.prompts"].use_templates(None)
    if policy and not ctx.resilient_parsing and ctx.invoked_subcommand is not None:
        ctx.obj.policy()  # a broken policy file is an error for every command, not only those that read it


def _read_source(source: str | None, text: str | None, encoding: str) -> str:
    from ..errors import UsageError

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


def _parse_at(value: str | None, flag: str = "--at"):
    if value is None:
        return None
    from datetime import datetime

    from ..errors import UsageError

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag} {value!r} is not an ISO 8601 time, e.g. 2026-11-28T09:00:00+01:00")
    if moment.tzinfo is None:
        raise UsageError(f"{flag} needs a time zone offset, e.g. 2026-11-28T09:00:00+01:00")
    from ..event_data import EARLIEST_YEAR
    from ..store import now

    if flag == "--now" and not EARLIEST_YEAR <= moment.year <= now().year + 10:  # the clocks would walk centuries
        raise UsageError(f"{flag} {value!r} is outside {EARLIEST_YEAR} to {now().year + 10}")
    return moment


@cli.command()
@click.argument("source", required=False)
@click.option("--text", "text", help="The complaint itself instead of a FILE.")
@click.option("--customer", help="Customer (account) name (required unless --batch).")
@click.option("--tier", default="standard", show_default=True, help="Customer tier: enterprise, business, standard or free (with --batch: for rows without one).")
@click.option("--contact", help="The customer's contact person, greeted by name in drafts.")
@click.option("--contact-email", help="The contact's e-mail address: the To: of .eml drafts.")
@click.option("--owner", help="Who owns the escalation (default: the routed team's on-call owner).")
@click.option("--tz", "timezone", help="Customer's time zone for deadlines, e.g. Europe/Berlin (default: policy's).")
@click.option("--at", "at", help="When the escalation opened, ISO 8601 with offset (default: now).")
@click.option("--engine", default="auto", show_default=True, help="auto, anthropic or offline (auto = anthropic when ANTHROPIC_API_KEY is set).")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--encoding", default="utf-8", show_default=True, help="Encoding of FILE or stdin.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.option("--no-redact", is_flag=True, help="Send emails, phone numbers, card numbers, secrets and names to the API as they are.")
@timeout_option
@click.option("--batch", "batch_file", type=click.Path(dir_okay=False), help="Triage every row of a JSONL or CSV export (see --from, --map).")
@click.option("--from", "preset", help="With --batch: the export's helpdesk, zendesk, freshdesk, jira or intercom (maps its columns).")
@click.option("--map", "mapping", multiple=True, help='With --batch: "Their Column=our_field" (repeatable; fields id, customer, tier, contact, opened_at, complaint, subject, timezone, owner).')
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), help="With --batch: the file's format (default: from its name or first line).")
@click.option("--strict", is_flag=True, help="With --batch: stop at the first bad row (the rows before it are stored).")
@click.option("--workers", type=click.IntRange(min=1), help="With --batch, offline: judging processes (default: one per core; 1 judges in this process, about half the memory).")
@click.pass_obj
def triage(obj: Context, source, text, customer, tier, contact, contact_email, owner, timezone, at, engine, model, encoding,
           as_json, no_redact, timeout, batch_file, preset, mapping, fmt, strict, workers):
    """Triage a complaint from FILE, '-' (stdin) or --text; store it and print the plan.

    \b
    escalate triage complaint.txt --customer "Acme Corp" --tier enterprise
    cat complaint.txt | escalate triage - --customer Acme --json
    escalate triage --batch tickets.csv --from zendesk     # a whole export, idempotent by ticket id
    """
    from . import views
    from ..engines import get_engine
    from ..errors import UsageError
    from ..triage import parse_tier, triage_complaint

    if batch_file is not None:
        if source is not None or text is not None or customer or contact or contact_email or owner or at:
            raise UsageError("--batch reads every field from the file: drop FILE/--text/--customer/--contact/"
                             "--contact-email/--owner/--at (map columns with --map instead)")
        from .cli_batch import run_batch

        return run_batch(obj, batch_file, preset=preset, mapping=mapping, fmt=fmt, strict=strict, tier=tier,
                         timezone=timezone, engine=engine, model=model, encoding=encoding, as_json=as_json,
                         no_redact=no_redact, timeout=timeout, workers=workers)
    if preset or mapping or fmt or strict or workers:
        raise UsageError("--from, --map, --format, --strict and --workers go with --batch FILE")
    if not customer:
        raise UsageError("missing --customer: who is complaining, e.g. --customer \"Acme Corp\"")
    from ..editing import check_email

    contact_email = check_email(contact_email) if contact_email is not None else None
    complaint = _read_source(source, text, encoding)
    parse_tier(tier)
    policy = obj.policy()
    chosen = get_engine(engine, model=model, policy=policy, timeout=timeout)
    if no_redact and hasattr(chosen, "redact"):
        chosen.redact = False
    opened = _parse_at(at)
    with obj.store() as store:
        try:
            esc = triage_complaint(
                text=complaint, customer=customer, tier=tier, contact=contact, owner=owner, timezone=timezone,
                at=opened, store=store, engine=chosen, policy=policy, contact_email=contact_email,
            )
        except KeyboardInterrupt:
            click.echo("interrupted while the complaint was being judged: no escalation was stored (the triage is "
                       "written only once it is judged); run the same command again", err=True)
            sys.exit(130)
        # Answers not used (re-asked, or another output mode tried); an HTTP attempt the SDK retried is not one.
        rejected = [c["error"] for c in store.model_calls(int(esc.id.removeprefix("ESC-")))
                    if c["error"] and not c["error"].endswith("(retried)")]
    if esc.engine.fallback_reason:
        click.echo(f"warning: {esc.engine.fallback_reason}; the offline engine triaged {esc.id}", err=True)
    elif rejected:
        click.echo(f"warning: Claude's answer was re-asked {len(rejected)} time(s) (last: {rejected[-1]}); "
                   f"the answer that passed triaged {esc.id}", err=True)
    click.echo(views.dumps(views.triage_json(esc)) if as_json else views.triage_text(esc))


@cli.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.pass_obj
def list_(obj: Context, as_json: bool):
    """Open escalations, most urgent first."""
    from .. import board
    from . import views
    from ..store import now

    with obj.store() as store:
        rows = board.build(store, now())
    if as_json:
        click.echo(views.dumps([r.as_dict() for r in rows]))
    else:
        click.echo(views.list_text(rows))


@cli.command()
@click.argument("escalation_id")
@click.option("--json", "as_json", is_flag=True, help="Print the whole record as JSON.")
@click.pass_obj
def show(obj: Context, escalation_id: str, as_json: bool):
    """One escalation, whole: record, triage, SLA, drafts and updates log."""
    from .. import board
    from . import views
    from ..store import now, parse_id

    with obj.store() as store:
        esc = store.get(escalation_id)
        row = board.one(store, parse_id(esc.id), now())
    if as_json:
        click.echo(views.dumps({**esc.model_dump(mode="json", by_alias=True), **{k: v for k, v in row.as_dict().items()
                                                                                  if k in ("clocks", "flags", "next_deadline", "next_step", "paused")}}))
    else:
        click.echo(views.show_text(esc, row))


# -- lifecycle ---------------------------------------------------------------------------------

AT_HELP = "When it happened, ISO 8601 with offset, for backfilling (default: now)."


def _when(who: str = "did it"):
    """The --at and --actor options every timeline step takes."""

    def add(command):
        command = click.option("--actor", help=f"Who {who} (default: $ESCALATE_ACTOR or $USER).")(command)
        return click.option("--at", help=AT_HELP)(command)

    return add


def _step(obj: Context, escalation_id: str, action: str, at: str | None, actor: str | None, **args) -> None:
    from .. import lifecycle
    from . import views

    with obj.store() as store:
        esc = lifecycle.step(store, escalation_id, action, at=_parse_at(at), actor=actor or _actor(), **args)
        click.echo(views.step_text(esc, action))


def _actor() -> str:
    return os.environ.get("ESCALATE_ACTOR") or os.environ.get("USER") or "cli"


def _lifecycle_command(name: str, action: str, doc: str):
    @cli.command(name, help=doc)
    @click.argument("escalation_id")
    @_when("did it")
    @click.pass_obj
    def command(obj: Context, escalation_id: str, at: str | None, actor: str | None):
        _step(obj, escalation_id, action, at, actor)

    return command


_lifecycle_command("ack", "ack", "Record the first customer-facing response (starts the update clock).")
_lifecycle_command("resume", "resume", "Resume the clocks after a pause.")
_lifecycle_command("confirm", "confirm", "Record that the customer confirmed the fix.")


@cli.command()
@click.argument("escalation_id")
@click.option("--note", help="What the update said.")
@_when("sent it")
@click.pass_obj
def update(obj: Context, escalation_id, note, at, actor):
    """Record that a customer update was sent (restarts the update clock).

    The stakeholders who asked for this severity's updates ([notifications.updates] in the policy)
    get the internal summary, once.
    """
    _step(obj, escalation_id, "update", at, actor, note=note)
    policy = obj.policy()
    if policy.notifications.updates:
        from .. import notify
        from ..store import parse_id

        with obj.store() as store:
            report = notify.stakeholder_update(store, policy, parse_id(escalation_id), _parse_at(at))
        for d in report.deliveries:
            click.echo(("told " if d.outcome.delivered else "warning: not delivered, recorded as a red flag: ")
                       + d.describe(), err=True)


@cli.command()
@click.argument("escalation_id")
@click.argument("text")
@click.option("--kind", default="note", show_default=True, type=click.Choice(["note", "action", "hypothesis", "workaround", "decision", "reply"]))
@_when("logged it")
@click.pass_obj
def log(obj: Context, escalation_id, text, kind, at, actor):
    """Add a timeline entry: note, action, hypothesis, workaround or decision."""
    _step(obj, escalation_id, "log", at, actor, kind=kind, text=text)


@cli.command()
@click.argument("escalation_id")
@click.argument("owner")
@_when("reassigned it")
@click.pass_obj
def assign(obj: Context, escalation_id, owner, at, actor):
    """Give the escalation a new owner."""
    _step(obj, escalation_id, "assign", at, actor, owner=owner)


@cli.command()
@click.argument("escalation_id")
@click.argument("new_severity", metavar="SEV-N")
@click.option("--reason", required=True, help="Why the severity changes.")
@_when("changed it")
@click.pass_obj
def severity(obj: Context, escalation_id, new_severity, reason, at, actor):
    """Change the severity; unmet targets are re-planned from this moment."""
    _step(obj, escalation_id, "severity", at, actor, severity=new_severity, reason=reason)


@cli.command()
@click.argument("escalation_id")
@click.argument("new_type", metavar="TYPE")
@click.option("--reason", required=True, help="Why the type changes.")
@_when("changed it")
@click.pass_obj
def retype(obj: Context, escalation_id, new_type, reason, at, actor):
    """Change the type: technical, service, business, security or compliance."""
    _step(obj, escalation_id, "type", at, actor, type=new_type, reason=reason)


@cli.command()
@click.argument("escalation_id")
@click.option("--reason", required=True, help="What we are waiting for from the customer.")
@_when("paused it")
@click.pass_obj
def pause(obj: Context, escalation_id, reason, at, actor):
    """Pause the update and resolution clocks while waiting on the customer."""
    _step(obj, escalation_id, "pause", at, actor, reason=reason)


@cli.command()
@click.argument("escalation_id")
@click.option("--summary", help="What fixed it.")
@_when("resolved it")
@click.pass_obj
def resolve(obj: Context, escalation_id, summary, at, actor):
    """Mark the escalation resolved (stops the resolution clock)."""
    _step(obj, escalation_id, "resolve", at, actor, summary=summary)


@cli.command()
@click.argument("escalation_id")
@click.option("--force", is_flag=True, help="Close before the customer confirmed (recorded as a red flag).")
@click.option("--reason", help="Why, when forcing.")
@_when("closed it")
@click.pass_obj
def close(obj: Context, escalation_id, force, reason, at, actor):
    """Close a confirmed escalation."""
    _step(obj, escalation_id, "close", at, actor, force=force, reason=reason)


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--due-within", help="Only what must happen within this window, e.g. 30m, 2h.")
@click.option("--fail-on-breach", is_flag=True, help="Exit 1 when any target is breached (for cron alerts).")
@click.option("--now", "now_", help="Evaluate the clocks at this time (ISO 8601 with offset) instead of now.")
@click.pass_obj
def status(obj: Context, as_json, due_within, fail_on_breach, now_):
    """The board: open escalations, most urgent deadline first, with countdowns and red flags."""
    from .. import board
    from . import views
    from ..sla import parse_duration
    from ..store import now as current

    moment = _parse_at(now_, "--now") or current()
    with obj.store() as store:
        rows = board.build(store, moment)
    if due_within:
        rows = board.due_within(rows, moment, parse_duration(due_within))
    if as_json:
        click.echo(views.dumps([r.as_dict() for r in rows]))
    elif due_within:
        click.echo(views.due_text(rows, due_within))
    else:
        click.echo(views.board_text(rows, moment))
    if fail_on_breach and any(r.breached for r in rows):
        sys.exit(1)


@cli.group()
def policy():
    """Show or check SLA policies."""


@policy.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def policy_show(obj: Context, as_json: bool):
    """Print the policy in force (defaults plus --policy / ESCALATE_POLICY)."""
    from . import views

    p = obj.policy()
    click.echo(views.dumps(p.model_dump(mode="json")) if as_json else views.policy_text(p))


@policy.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_obj
def policy_check(obj: Context, file: str):
    """Validate a TOML policy file; print it, or the errors with line and key.

    With a templates folder, every template in it must parse and every override must render
    against a sample escalation; errors name the file and line.
    """
    from . import views
    from ..errors import UsageError
    from ..policy import load_policy

    checked = load_policy(file)
    if checked.templates:
        from ..template_check import check

        report = check(checked)
        if report.errors:
            raise UsageError("invalid templates (the bundled ones would be used instead): " + "; ".join(report.errors))
    click.echo(views.policy_text(checked))
    if checked.templates:
        click.echo(f"  overrides: {', '.join(report.overrides) or 'none'}; snippets: {', '.join(report.snippets) or 'none'}")
    for name in _unset_credentials(checked):
        click.echo(f"warning: the environment variable {name} is not set here; notifications over it fail until it is", err=True)


def _unset_credentials(policy) -> list[str]:
    names = []
    for channel in policy.notifications.channels.values():
        for name in (channel.url_env, channel.secret_env, channel.username_env, channel.password_env):
            if name and not os.environ.get(name) and name not in names:
                names.append(name)
    return names


@cli.command()
@click.argument("escalation_id")
@click.argument("kind")
@click.option("--to", "audience", type=click.Choice(["customer", "internal", "exec"]), help="Audience (default: customer; internal for KIND internal).")
@click.option("--engine", default="auto", show_default=True, help="auto, anthropic or offline.")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--out", "out", type=click.Path(dir_okay=False), help="Also write FILE.eml (email) or FILE.md.")
@click.option("--webhook", help="Also post a Slack-compatible JSON message to this URL.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON with the lint findings.")
@click.option("--no-redact", is_flag=True, help="Send emails, phone numbers, card numbers, secrets and names to the API as they are.")
@timeout_option
@click.pass_obj
def draft(obj: Context, escalation_id, kind, audience, engine, model, out, webhook, as_json, no_redact, timeout):
    """Draft a message: acknowledgment, update, resolution, apology, internal or summary.

    Every draft is linted (blame language, placeholders, next update time, contact, credits)
    and saved. Exit 1 when it still fails lint after correction.
    """
    from .. import delivery, drafting
    from . import views
    from ..engines import get_engine

    if kind not in drafting.KINDS:
        from ..errors import UsageError

        raise UsageError(f"unknown draft kind {kind!r}: choose one of {', '.join(drafting.KINDS)}")
    delivery.check(out, webhook)
    with obj.store() as store:
        chosen = get_engine(engine, model=model, policy=store.policy_of(escalation_id), timeout=timeout)
        if no_redact and hasattr(chosen, "redact"):
            chosen.redact = False
        try:
            outcome = drafting.create(store, escalation_id, kind, audience=audience, engine=chosen, actor=_actor())
        except KeyboardInterrupt:
            click.echo(f"interrupted while drafting: {escalation_id} is kept as it was and no {kind} draft was saved", err=True)
            sys.exit(130)
        executive = store.policy_of(outcome.escalation.id).company.executive
    esc = outcome.escalation
    if outcome.fallback_reason:
        click.echo(f"warning: {outcome.fallback_reason}; the offline template drafted it", err=True)
    for warning in outcome.warnings:
        click.echo(f"warning: {warning}", err=True)
    if outcome.result.passed:
        if out:
            written = delivery.write(out, outcome.draft, esc, outcome.channel, executive=executive,
                                     to_address=outcome.contact_email, from_name=outcome.signer)
            click.echo(f"wrote {written}", err=True)
        if webhook:
            click.echo(f"posted to webhook (HTTP {delivery.post(webhook, outcome.draft, esc)})", err=True)
    click.echo(views.dumps(views.draft_json(outcome)) if as_json else views.draft_text(outcome))
    if not outcome.result.passed:
        click.echo("error: the draft still fails lint after correction (saved as failed): "
                   + "; ".join(f.describe() for f in outcome.result.findings if f.severity == "error" and not f.fixed), err=True)
        sys.exit(1)


@cli.command("lint")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--id", "escalation_id", required=True, help="The escalation the text is about.")
@click.option("--kind", default="update", show_default=True, type=click.Choice(["acknowledgment", "update", "resolution", "apology", "summary", "internal"]))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def lint_(obj: Context, file, escalation_id, kind, as_json):
    """Lint text a human wrote against an escalation's record; print findings and the corrected text."""
    from .. import board, drafting, lint
    from . import views
    from ..store import now, parse_id

    from ..errors import UsageError

    text = _read_source(file, None, "utf-8")
    if not text.strip():
        raise UsageError("the text is empty: lint the message you mean to send")
    if len(text) > 100_000:
        raise UsageError(f"the text is {len(text):,} characters, over the 100,000 limit: lint one message at a time")
    with obj.store() as store:
        esc = store.get(escalation_id)
        number = parse_id(esc.id)
        policy = store.policy_of(number)
        ctx = drafting.context(esc, policy, now(), board.one(store, number, now()))
    audience = "internal" if kind == "internal" else "customer"
    result = lint.lint(text, drafting.lint_context(esc, policy, kind, audience, ctx))
    click.echo(views.dumps(views.lint_json(result)) if as_json else views.lint_text(result))
    if not result.passed:
        sys.exit(1)


@cli.command("eval")
@click.option("--suite", "suites", multiple=True,
              help="status, jira, ohira, chromium, cfpb (one per dataset file), scenarios, drafts or rca (default: all).")
@click.option("--cases", "cases_file", type=click.Path(dir_okay=False), help="Any JSONL with `text` and a `severity` and/or `security` label.")
@click.option("--engine", default="offline", show_default=True, help="offline or anthropic.")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N cases of each suite.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (with per-case predictions).")
@click.option("--gate", is_flag=True, help="Exit 1 when a figure misses evals/thresholds.toml.")
@click.option("--in-sample", is_flag=True,
              help="Score the shipped model on the dataset rows it was trained on (default: out of fold, 5-fold CV).")
@timeout_option
@click.pass_obj
def eval_(obj: Context, suites, cases_file, engine, model, limit, as_json, gate, in_sample, timeout):
    """Measure triage quality: accuracy, macro-F1, under-severity rate, security recall, vs baselines and last run.

    \b
    On the dataset suites the offline engine reads each row through the model that was not trained
    on it (out of fold), beside the majority class and TF-IDF + logistic regression on the same folds.
    The rca suite walks answer files (evals/cases/rca/) through the 5-Whys interview and scores
    the share of complete Post-Incident Reports. Each suite shows its model calls, tokens and
    cost; on the anthropic engine a triage suite of 50 or more cases goes through the Message
    Batches API (half price; it may take a while to end).
    """
    from pathlib import Path as P

    from .. import evals
    from . import views
    from ..engines import get_engine

    policy = obj.policy()
    chosen = get_engine(engine, model=model, policy=policy, timeout=timeout)
    runs = []
    if cases_file:
        runs.append(("cases:" + P(cases_file).name, evals.load_jsonl(P(cases_file))))
    for name in suites or ([] if cases_file else evals.SUITES):
        runs.append((name, None))
    results, failures = [], []
    limits = evals.thresholds() if gate else {}
    from .. import progress

    with obj.store() as store, progress.bar("eval", unit="case") as bar:
        for name, cases in runs:
            suite = name if cases is None else "cases"
            bar.label(f"eval {name}")
            result = evals.run_suite(suite, engine=chosen, policy=policy, cases=cases, limit=limit, in_sample=in_sample,
                                     progress=bar)
            result.suite = name
            evals.record(store, result)
            results.append(result)
            failures += evals.gate(result, limits) if gate else []
    if as_json:
        click.echo(views.dumps([r.as_dict(with_cases=True) for r in results]))
    else:
        click.echo("\n\n".join(evals.render(r) for r in results))
    for failure in failures:
        click.echo(f"below threshold: {failure}", err=True)
    if failures:
        sys.exit(1)


_terminated = False


def _on_sigterm(signum, frame) -> None:
    """SIGTERM ends a command like Ctrl-C: the open transaction rolls back and the message says what was kept."""
    global _terminated
    _terminated = True
    raise KeyboardInterrupt


def _quiet_pipe() -> None:
    """The reader went away (`escalate export | head`): stop quietly, as `cat` does, exit 0."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real stdout (a test runner): nothing more to silence
        pass
    sys.exit(0)


def main() -> None:
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        cli(prog_name="escalate")
    except BrokenPipeError:  # raised while click flushed its own output
        _quiet_pipe()
    except SystemExit:
        try:
            sys.stdout.flush()  # flush now, not at interpreter exit where a closed pipe prints a traceback-like line
        except BrokenPipeError:
            _quiet_pipe()
        raise


# Command groups that live in their own modules register themselves on `cli` when imported.
from . import cli_metrics  # noqa: E402,F401
from . import cli_ops  # noqa: E402,F401
from . import cli_mcp  # noqa: E402,F401
from . import cli_workflows  # noqa: E402,F401
from . import cli_rca  # noqa: E402,F401
from . import cli_model  # noqa: E402,F401
from . import cli_drafts  # noqa: E402,F401
from . import cli_web  # noqa: E402,F401
from . import cli_notify  # noqa: E402,F401

if __name__ == "__main__":  # `python -m agent.faces.cli`: run the one `cli` the command modules registered on
    from agent.faces.cli import main as registered_main

    registered_main()
