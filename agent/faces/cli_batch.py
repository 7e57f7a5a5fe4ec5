"""`escalate triage --batch FILE`: the call into agent.batch and its summary."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from ..wording import format_time

URGENT_SHOWN = 20
REFUSED_SHOWN = 20


def _pairs(mapping) -> dict[str, str]:
    from ..errors import UsageError

    pairs = {}
    for item in mapping:
        if "=" not in item:
            raise UsageError(f"--map {item!r}: use \"Their Column=our_field\"")
        src, dst = item.split("=", 1)
        pairs[src.strip()] = dst.strip()
    return pairs


def run_batch(obj, path, *, preset, mapping, fmt, strict, tier, timezone, engine, model, encoding, as_json, no_redact,
              timeout=None, workers=None):
    from .. import batch, progress, sla
    from ..engines import get_engine
    from . import views

    options = batch.Options(preset=preset.lower() if preset else None, mapping=_pairs(mapping), fmt=fmt,
                            encoding=encoding, tier=tier, timezone=timezone, strict=strict, workers=workers)
    if timezone:
        sla.zone(timezone)
    policy = obj.policy()
    chosen = get_engine(engine, model=model, policy=policy, timeout=timeout)
    if no_redact and hasattr(chosen, "redact"):
        chosen.redact = False
    with obj.store() as store:
        with progress.bar("triage", total=batch.count_rows(path, options), unit="row") as bar:
            summary = batch.run(store, path, engine=chosen, policy=policy, options=options, progress=bar)
    if as_json:
        click.echo(views.dumps(summary.as_dict()))
    else:
        click.echo(summary_text(summary))
    if summary.interrupted:
        click.echo(f"interrupted: {summary.stored} stored before the stop; run the same command again to resume "
                   "(rows already stored are skipped)", err=True)
        sys.exit(130)
    if summary.stopped_at:
        before = {0: "no row before it is stored", 1: "the 1 row before it is stored"}.get(
            summary.stored, f"the {summary.stored} rows before it are stored")
        click.echo(f"error: stopped at {summary.stopped_at} (--strict); {before}: fix the row and run the same command again",
                   err=True)
        sys.exit(2)


def summary_text(s) -> str:
    lines = [f"{s.file}: {s.read} rows read, {s.stored} stored, {s.skipped} already present, "
             f"{len(s.refused)} refused ({s.seconds:.1f} s, engine {s.engine})"]
    if s.escalations:
        lines.append(f"database: {s.escalations:,} escalations, {s.bytes_per_escalation:,.0f} bytes each")
    if s.stored:
        lines.append("by severity: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_severity.items())))
        lines.append("by type: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_type.items())))
    if s.urgent:
        urgent = s.as_dict()["urgent"]
        lines.append(f"SEV-1/2 ({len(urgent)}), respond by:")
        for u in urgent[:URGENT_SHOWN]:
            due = {k: format_time(datetime.fromisoformat(u[k]), u["timezone"]) for k in ("first_response_due", "resolution_due")}
            lines.append(f"  {u['id']} {u['severity']} {u['customer']} [{u['external_id']}] first response by "
                         f"{due['first_response_due']}, resolve by {due['resolution_due']}: {u['summary'][:70]}")
        if len(urgent) > URGENT_SHOWN:
            lines.append(f"  … {len(urgent) - URGENT_SHOWN} more (`escalate status` lists them all)")
    if s.fallbacks:
        lines.append(f"offline fallback for {len(s.fallbacks)} row(s):")
        for f in s.fallbacks[:REFUSED_SHOWN]:
            lines.append(f"  line {f['line']} ({f['id']}) → {f['escalation']}: {f['reason']}")
    if s.refused:
        lines.append(f"refused ({len(s.refused)}):")
        for r in s.refused[:REFUSED_SHOWN]:
            lines.append(f"  {r.describe()}")
        if len(s.refused) > REFUSED_SHOWN:
            lines.append(f"  … {len(s.refused) - REFUSED_SHOWN} more (--json lists them all)")
    return "\n".join(lines)
