"""Drafts: generate any kind for any audience (offline or Claude), edit with lint findings as you
type, download .eml or .md, and mark as sent (agent/outbox.py records the ack or update)."""

from __future__ import annotations

from starlette.responses import Response
from starlette.routing import Route

from ...errors import UsageError
from .app import Ctx, page
from .pages_work import _id

ENGINES = ("auto", "offline", "anthropic")


def _kind(ctx: Ctx) -> str:
    from ... import drafting

    kind = ctx.request.path_params.get("kind") or ctx.field("kind") or ""
    if kind not in drafting.KINDS:
        raise UsageError(f"unknown draft kind {kind!r}: choose one of {', '.join(drafting.KINDS)}")
    return kind


def _audience(ctx: Ctx, kind: str) -> str:
    from ... import drafting

    audience = ctx.field("audience") or ctx.query("audience") or drafting.DEFAULT_AUDIENCE.get(kind, "customer")
    if audience not in drafting.AUDIENCES:
        raise UsageError(f"unknown audience {audience!r}: choose one of {', '.join(drafting.AUDIENCES)}")
    return audience


def _editor(ctx: Ctx, ident: str, kind: str, audience: str, subject: str, body: str, *, status: int = 200,
            fallback: str | None = None, error: str | None = None):
    from ... import drafting, outbox

    with ctx.store() as store:
        esc = store.get(ident)
        result = outbox.check(store, esc.id, kind, body, audience=audience)
    return ctx.render("draft.html", status=status, esc=esc, kind=kind, audience=audience, subject=subject, body=body,
                      result=result, fallback=fallback, error=error, kinds=drafting.KINDS, audiences=drafting.AUDIENCES,
                      engines=ENGINES)


@page
def drafts_page(ctx: Ctx):
    """The drafts made so far and the form to make one."""
    from ... import drafting

    with ctx.store() as store:
        esc = store.get(_id(ctx))
        drafted_for = store.draft_audiences(esc.id)
    return ctx.render("drafts.html", esc=esc, kinds=drafting.KINDS, audiences=drafting.AUDIENCES, engines=ENGINES,
                      drafted_for=drafted_for)


@page(write=True)
def draft_post(ctx: Ctx):
    from ... import drafting

    ident, kind = _id(ctx), _kind(ctx)
    audience = _audience(ctx, kind)
    with ctx.store() as store:
        engine = ctx.engine(ctx.field("engine"), store.policy_of(ident))
        outcome = drafting.create(store, ident, kind, audience=audience, engine=engine, actor=ctx.actor)
    return _editor(ctx, outcome.escalation.id, kind, audience, outcome.draft.subject, outcome.draft.body,
                   fallback=outcome.fallback_reason)


@page
def draft_edit(ctx: Ctx):
    """The latest draft of a kind, in the editor."""
    ident, kind = _id(ctx), _kind(ctx)
    with ctx.store() as store:
        esc = store.get(ident)
        drafted_for = store.draft_audiences(esc.id).get(kind)
    draft = esc.drafts.get(kind)
    if draft is None:
        raise UsageError(f"{esc.id} has no {kind} draft yet: make one on the drafts page")
    # the audience it was drafted for, unless the link names one: an internal update brief is not opened as the customer's
    audience = _audience(ctx, kind) if ctx.query("audience") else drafted_for or _audience(ctx, kind)
    return _editor(ctx, esc.id, kind, audience, draft.subject, draft.body)


@page(write=False)
def lint_post(ctx: Ctx):
    """Lint findings of the text as typed (htmx swaps them in; without JavaScript the whole editor)."""
    from ... import outbox

    ident, kind = _id(ctx), _kind(ctx)
    audience = _audience(ctx, kind)
    if ctx.request.headers.get("hx-request") != "true":
        return _editor(ctx, ident, kind, audience, ctx.raw("subject"), ctx.raw("body"))
    with ctx.store() as store:
        result = outbox.check(store, ident, kind, ctx.raw("body"), audience=audience)
    return ctx.render("lint_findings.html", result=result, body=ctx.raw("body"))


@page(write=False)
def download_post(ctx: Ctx):
    """The edited text as an .eml (the email) or .md file."""
    from ... import delivery
    from ...schemas import Draft

    ident, kind = _id(ctx), _kind(ctx)
    fmt = ctx.field("format", "eml")
    draft = Draft(kind=kind, subject=" ".join(ctx.raw("subject").split()), body=ctx.raw("body"), engine="human")
    with ctx.store() as store:
        esc = store.get(ident)
        policy = store.policy_of(esc.id)
    name = f"{esc.id}-{kind}"
    if fmt == "eml":
        data = delivery.as_eml(draft, esc, policy.teams[esc.type].channel, executive=policy.company.executive)
        return Response(data, media_type="message/rfc822",
                        headers={"content-disposition": f'attachment; filename="{name}.eml"'})
    if fmt == "md":
        return Response(delivery.as_markdown(draft, esc), media_type="text/markdown; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="{name}.md"'})
    raise UsageError("format is eml or md")


@page(write=True)
def sent_post(ctx: Ctx):
    from ... import outbox

    ident, kind = _id(ctx), _kind(ctx)
    audience = _audience(ctx, kind)
    try:
        with ctx.store() as store:
            esc, step = outbox.mark_sent(store, ident, kind, ctx.raw("subject"), ctx.raw("body"), audience=audience,
                                         actor=ctx.actor)
    except UsageError as exc:  # the editor again, with the refusal and the findings
        return _editor(ctx, ident, kind, audience, ctx.raw("subject"), ctx.raw("body"), status=400, error=str(exc))
    said = {"ack": "acknowledgment recorded", "update": "customer update recorded", "log": "internal message logged"}[step]
    return ctx.redirect(f"/e/{esc.id}", f"{kind} marked as sent: {said}")


ROUTES = [
    Route("/e/{id}/drafts", drafts_page, methods=["GET"]),
    Route("/e/{id}/drafts", draft_post, methods=["POST"]),
    Route("/e/{id}/drafts/{kind}", draft_edit, methods=["GET"]),
    Route("/e/{id}/drafts/{kind}/lint", lint_post, methods=["POST"]),
    Route("/e/{id}/drafts/{kind}/download", download_post, methods=["POST"]),
    Route("/e/{id}/drafts/{kind}/sent", sent_post, methods=["POST"]),
]
