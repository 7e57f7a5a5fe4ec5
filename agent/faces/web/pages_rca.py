"""The 5-Whys interview one question per page (every answer saved, so it resumes), the blameless
lint as you type, prevention actions, and the reports previewed and downloaded."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ...errors import UsageError
from .app import Ctx, page
from .pages_work import _id

REPORT_KINDS = {"pir": "Post-Incident Report", "customer": "Customer incident summary", "kb": "Knowledge-base article"}
ACTION_STATUSES = ("open", "in_progress", "blocked", "done", "cancelled")


def _proposer(ctx: Ctx, store, ident: str):
    from ... import rca

    return rca.Proposer(ctx.engine(None, store.policy_of(ident)))


def _page(ctx: Ctx, progress, *, status: int = 200, error: str | None = None, answer: str = ""):
    from ... import rca

    with ctx.store() as store:
        esc = store.get(progress.id)
    return ctx.render("rca.html", status=status, esc=esc, p=progress, error=error, answer=answer,
                      categories=rca.ACTION_CATEGORIES)


@page
def rca_page(ctx: Ctx):
    from ... import interview, rca

    ident = _id(ctx)
    with ctx.store() as store:
        esc = rca.load(store, ident)
        st = rca.derive(esc.events)
        if not ctx.user.can_write:  # a viewer sees where it stands without recording a question
            return ctx.render("rca_readonly.html", esc=esc, st=st)
        progress = interview.progress(store, ident, engine=_proposer(ctx, store, ident), actor=ctx.actor)
    return _page(ctx, progress)


@page(write=True)
def rca_answer(ctx: Ctx):
    from ... import interview

    ident = _id(ctx)
    action = None
    if ctx.field("key") == "action" and ctx.field("action"):
        action = {k: ctx.field(k) or "" for k in ("action", "category", "owner", "due")}
    with ctx.store() as store:
        proposer = _proposer(ctx, store, ident)
        try:
            progress = interview.answer_current(store, ident, answer=ctx.raw("answer"), action=action,
                                                key=ctx.field("key"), engine=proposer, actor=ctx.actor)
        except UsageError as exc:
            current = interview.progress(store, ident, engine=proposer, actor=ctx.actor)
            return _page(ctx, current, status=400, error=str(exc), answer=ctx.raw("answer"))
    return _page(ctx, progress)


@page(write=False)
def rca_lint(ctx: Ctx):
    """The blameless rules on an answer as typed (stores nothing)."""
    from ... import blameless, rca

    with ctx.store() as store:
        esc = store.get(_id(ctx))
    findings = blameless.blame_findings(ctx.raw("answer"), rca.people(esc))
    return ctx.render("blameless.html", findings=findings)


def _report(ctx: Ctx):
    from ... import report
    from ...store import parse_id

    kind = ctx.request.path_params["kind"]
    if kind not in REPORT_KINDS:
        raise UsageError(f"unknown report {kind!r}: choose pir, customer or kb")
    with ctx.store() as store:
        made = report.build(store, _id(ctx), kind)
        findings = report.check(made, store.events(parse_id(made.escalation.id)))
    return made, findings


@page
def report_page(ctx: Ctx):
    made, findings = _report(ctx)
    errors = [f for f in findings if f.severity == "error"]
    return ctx.render("report.html", status=400 if errors else 200, made=made, findings=findings, errors=errors,
                      kind=made.kind, title=REPORT_KINDS[made.kind], kinds=REPORT_KINDS)


@page
def report_download(ctx: Ctx):
    made, findings = _report(ctx)
    errors = [f for f in findings if f.severity == "error"]
    if errors:
        raise UsageError("the report failed its checks: " + "; ".join(f.describe() for f in errors))
    return Response(made.markdown, media_type="text/markdown; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="{made.escalation.id}-{made.kind}.md"'})


@page(write=True)
def action_post(ctx: Ctx):
    from ... import prevention

    status = ctx.field("status") or ""
    if status not in ACTION_STATUSES:
        raise UsageError(f"unknown status {status!r}: choose one of {', '.join(ACTION_STATUSES)}")
    with ctx.store() as store:
        a = prevention.set_status(store, _id(ctx), int(ctx.request.path_params["n"]), status, actor=ctx.actor,
                                  note=ctx.field("note"))
    return ctx.redirect(f"/e/{a.escalation_id}#actions", f"prevention action #{a.n} {a.status}")


ROUTES = [
    Route("/e/{id}/rca", rca_page, methods=["GET"]),
    Route("/e/{id}/rca", rca_answer, methods=["POST"]),
    Route("/e/{id}/rca/lint", rca_lint, methods=["POST"]),
    Route("/e/{id}/report/{kind}", report_page),
    Route("/e/{id}/report/{kind}/download", report_download),
    Route("/e/{id}/actions/{n:int}", action_post, methods=["POST"]),
]
