"""Metrics against their targets (filters, meters and the existing PNG chart), the status report,
prevention actions, and import of a file and export of everything."""

from __future__ import annotations

import io
import os
import tempfile
from datetime import date
from urllib.parse import urlencode

from starlette.responses import Response
from starlette.routing import Route

from ...errors import UsageError
from .app import Ctx, page

DIMENSIONS = ("severity", "type", "customer", "owner")
MAX_IMPORT_BYTES = 50_000_000


def _month(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    try:
        first = date.fromisoformat(value + "-01")
        after = date(first.year + first.month // 12, first.month % 12 + 1, 1)  # 9999-12 has no month after it
    except ValueError:
        raise UsageError(f"month {value!r}: use YYYY-MM, e.g. 2026-11")
    return first.isoformat(), after.isoformat()


def _metrics(ctx: Ctx, with_rows: bool = False):
    """The metrics for the chosen month and (one) dimension value: the dimension's group of the result."""
    from ... import metrics
    from ...store import now

    chosen = {k: ctx.query(k) for k in ("month", *DIMENSIONS)}
    since, until = _month(chosen["month"])
    by = next((d for d in DIMENSIONS if chosen[d]), None)
    with ctx.store() as store:
        result, rows = metrics.compute_with_rows(store, now=now(), since=since, until=until, by=by)
        if by:
            wanted = chosen[by]
            groups = result.get("groups", {})
            match = next((k for k in groups if k.lower() == wanted.lower()), None)
            result = {**result, "overall": groups[match] if match else None}
            index = metrics.COLUMNS.index(by)
            rows = [r for r in rows if (r[index] or "").lower() == wanted.lower()]
        if with_rows:
            return result, rows, store, chosen
    return result, chosen


@page
def metrics_page(ctx: Ctx):
    result, chosen = _metrics(ctx)
    query = urlencode({k: v for k, v in chosen.items() if v})
    try:
        import matplotlib  # noqa: F401
        chart = True
    except ImportError:
        chart = False
    return ctx.render("metrics.html", result=result, chosen=chosen, query=query, chart=chart, dimensions=DIMENSIONS)


@page
def metrics_chart(ctx: Ctx):
    """The metrics chart PNG (the same as `escalate metrics --chart`; needs the [chart] extra)."""
    from ... import metrics

    result, rows, store, _ = _metrics(ctx, with_rows=True)
    with store:
        fd, path = tempfile.mkstemp(suffix=".png")
        os.close(fd)
        try:
            metrics.chart(result, path, store, rows)
            with open(path, "rb") as fh:
                data = fh.read()
        finally:
            os.unlink(path)
    return Response(data, media_type="image/png")


@page
def status_report(ctx: Ctx):
    from ... import status_report as lib
    from ...store import now

    with ctx.store() as store:
        text = lib.build(store, now(), timezone=ctx.policy().timezone)
    if ctx.query("download"):
        return Response(text, media_type="text/markdown; charset=utf-8",
                        headers={"content-disposition": 'attachment; filename="status-report.md"'})
    return ctx.render("status_report.html", text=text)


@page
def actions_page(ctx: Ctx):
    from ... import prevention

    today = prevention.today_in()
    with ctx.store() as store:
        found = prevention.list_all(store, open_only=bool(ctx.query("open")), owner=ctx.query("owner"))
    return ctx.render("actions.html", actions=[(a, prevention.overdue(a, today)) for a in found], today=today)


@page
def import_form(ctx: Ctx):
    return ctx.render("import.html", report=None)


@page(write=True, manager=True)
def import_post(ctx: Ctx):
    from ... import transfer

    upload = ctx.form.get("file")
    if upload is None or isinstance(upload, str) or not upload.filename:
        raise UsageError("choose a file to import (.jsonl, .csv or a status-page export)")
    fmt = ctx.field("format")
    if fmt and fmt not in ("jsonl", "csv", "statuspage"):
        raise UsageError("format is jsonl, csv or statuspage")
    data = upload.file.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise UsageError(f"the file is over {MAX_IMPORT_BYTES // 1_000_000} MB: import it with `escalate import`")
    suffix = os.path.splitext(upload.filename)[1].lower()[:10] or ".jsonl"
    fd, path = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        with ctx.store() as store:
            report = transfer.import_file(store, path, fmt=fmt, policy=ctx.policy(), dry_run=ctx.field("dry_run") == "yes")
    finally:
        os.unlink(path)
    return ctx.render("import.html", report=report, filename=upload.filename)


@page
def export(ctx: Ctx):
    from ... import transfer

    fmt = ctx.request.path_params["fmt"]
    if fmt not in ("jsonl", "csv"):
        raise UsageError("export as escalations.jsonl or escalations.csv")
    out = io.StringIO(newline="")
    with ctx.store() as store:
        transfer.export(store, fmt, out)
    media = "text/csv; charset=utf-8" if fmt == "csv" else "application/x-ndjson; charset=utf-8"
    return Response(out.getvalue(), media_type=media,
                    headers={"content-disposition": f'attachment; filename="escalations.{fmt}"'})


ROUTES = [
    Route("/metrics", metrics_page),
    Route("/metrics/chart.png", metrics_chart),
    Route("/status-report", status_report),
    Route("/actions", actions_page),
    Route("/import", import_form, methods=["GET"]),
    Route("/import", import_post, methods=["POST"]),
    Route("/export.{fmt:str}", export),
]
