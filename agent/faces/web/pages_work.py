"""The board, paste → triage, and one escalation: its record, clocks, timeline and every step
(lifecycle, log, war room, workaround, recovery, commitments). Thin calls into the library."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from starlette.routing import Route

from ...errors import UsageError
from .app import Ctx, page

PAGE_SIZE = 50
MAX_PAGE = 10_000_000  # past it a page number is a mistyped URL (and one past 2**63 / 50 overflowed SQLite's integer: a bare 500)
SOON = timedelta(minutes=30)
TIERS = ("enterprise", "business", "standard", "free")
LOG_KINDS = ("note", "action", "hypothesis", "workaround", "decision")
# What each lifecycle button sends to lifecycle.step, by the form's fields.
STEP_FIELDS = {"update": {"note": "note"}, "assign": {"owner": "owner"}, "severity": {"severity": "severity", "reason": "reason"},
               "type": {"type": "type", "reason": "reason"}, "pause": {"reason": "reason"}, "resolve": {"summary": "summary"},
               "close": {"reason": "reason"}}


def _id(ctx: Ctx) -> str:
    from ...store import format_id, parse_id

    return format_id(parse_id(ctx.request.path_params["id"]))


# -- the board -------------------------------------------------------------------------------------


def board_view(ctx: Ctx) -> dict:
    """One page of the board after the filters, and what is due in the next 30 minutes. Only the
    page's rows get their clocks computed (agent/board_pages.py), except with a red-flag filter,
    which needs every row's flags (agent/board.py)."""
    from ... import board, board_pages
    from ...store import now

    moment = now()
    chosen = {k: ctx.query(k) for k in ("severity", "owner", "customer", "flag")}
    try:
        number = max(1, int(ctx.query("page", "1")))
    except ValueError:
        raise UsageError("page is a number, e.g. page=2")
    if number > MAX_PAGE:
        raise UsageError(f"page {number} is past the last page there could be ({MAX_PAGE:,})")
    offset = (number - 1) * PAGE_SIZE
    with ctx.store() as store:
        if chosen["flag"]:
            rows = [r for r in board.build(store, moment) if any(f.name == chosen["flag"] for f in r.flags)]
            rows = [r for r in rows if (not chosen["severity"] or r.severity.value == chosen["severity"])
                    and (not chosen["owner"] or (r.owner or "").lower() == chosen["owner"].lower())
                    and (not chosen["customer"] or chosen["customer"].lower() in r.customer.lower())]
            shown, total = rows[offset: offset + PAGE_SIZE], len(rows)
        else:
            shown, total = board_pages.page(store, moment, offset=offset, limit=PAGE_SIZE, severity=chosen["severity"],
                                            owner=chosen["owner"], customer=chosen["customer"])
        soon, soon_count = board_pages.due_soon(store, moment, SOON, refresh=bool(chosen["flag"]), known=shown)
    query = urlencode({k: v for k, v in chosen.items() if v})  # "AT&T" is one customer, not "AT" and a "T"
    return {"rows": shown, "total": total, "page": number, "pages": max(1, -(-total // PAGE_SIZE)), "soon": soon,
            "soon_count": soon_count, "now": moment, "chosen": chosen, "query": query, "flags": list(board.FLAG_TEXT),
            "severities": ("SEV-1", "SEV-2", "SEV-3", "SEV-4")}


@page
def board_page(ctx: Ctx):
    return ctx.render("board.html", **board_view(ctx))


@page
def board_rows(ctx: Ctx):
    """The board's table body alone: what the page's refresh fetches (htmx)."""
    return ctx.render("board_rows.html", **board_view(ctx))


# -- paste → triage ------------------------------------------------------------------------------


TRIAGE_FIELDS = ("complaint", "customer", "tier", "contact", "owner", "timezone", "engine")


@page
def triage_form(ctx: Ctx):
    return ctx.render("triage.html", tiers=TIERS, values=dict.fromkeys(TRIAGE_FIELDS), error=None, default_tz=_default_tz(ctx))


def _default_tz(ctx: Ctx) -> str:
    from ...errors import EscalateError

    try:
        return ctx.policy().timezone
    except EscalateError:  # a broken policy file is the refusal shown; the hint falls back
        return "UTC"


@page(write=True)
def triage_post(ctx: Ctx):
    from ...errors import EscalateError, NotFound
    from ...triage import triage_complaint

    values = {k: ctx.field(k) for k in TRIAGE_FIELDS if k != "complaint"}
    text = ctx.raw("complaint")
    try:
        if not text.strip():
            raise UsageError("paste the complaint first")
        if not values["customer"]:
            raise UsageError("name the customer")
        policy = ctx.policy()
        engine = ctx.engine(values["engine"], policy)
        with ctx.store() as store:
            esc = triage_complaint(text=text, customer=values["customer"], tier=values["tier"] or "standard",
                                   contact=values["contact"], owner=values["owner"], timezone=values["timezone"],
                                   store=store, engine=engine, policy=policy, actor=ctx.actor)
    except NotFound:
        raise
    except EscalateError as exc:  # the form again, as it was typed, with the refusal: the paste is not lost
        return ctx.render("triage.html", status=400, tiers=TIERS, values={**values, "complaint": text}, error=str(exc),
                          default_tz=_default_tz(ctx))
    warning = f"; {esc.engine.fallback_reason}: the offline engine triaged it" if esc.engine.fallback_reason else ""
    return ctx.redirect(f"/e/{esc.id}", f"Triaged {esc.id}{warning}")


# -- one escalation --------------------------------------------------------------------------------


def escalation_view(ctx: Ctx, ident: str) -> dict:
    from ... import board, commitments, lifecycle, prevention, rca
    from ... import warroom as wr
    from ...schemas.recovery import RecoveryPlan
    from ...store import now, parse_id
    from ..views import similar_of

    moment = now()
    with ctx.store() as store:
        esc = store.get(ident)
        number = parse_id(esc.id)
        policy = store.policy_of(number)
        row = board.one(store, number, moment)
        allowed = lifecycle.available(esc, policy, moment)
        room = wr.room(esc, policy)
        promised = commitments.list_all(store, esc.id)
        actions = prevention.list_all(store, escalation=esc.id)
    planned = [e for e in esc.events if e.kind == "recovery_planned"]
    evidence = [f.evidence for _, f in esc.triage.impact]
    return {
        "esc": esc, "row": row, "allowed": allowed, "tz": esc.sla.timezone, "now": moment,
        "timeline": [(e, _event_line(esc, e)) for e in esc.events],
        "evidence": evidence, "similar": similar_of(esc), "room": room.as_dict(esc.sla.timezone) if room else None,
        "room_roles": wr.roles_for(policy, esc.severity), "workarounds": wr.workarounds(esc),
        "commitments": [c.as_dict(moment) for c in promised], "recovery": RecoveryPlan.model_validate(planned[-1].data) if planned else None,
        "actions": actions, "rca": rca.derive(esc.events), "log_kinds": LOG_KINDS,
        "severities": ("SEV-1", "SEV-2", "SEV-3", "SEV-4"),
        "types": ("technical", "service", "business", "security", "compliance"),
    }


def _event_line(esc, e) -> str:
    """What one event says, for the timeline: the RCA's own wording for the factual steps."""
    from ... import rca

    if e.kind in rca.TIMELINE_KINDS:
        return rca.event_text(esc, e)
    d = e.data
    if e.kind == "type_changed":
        return f"Type {d.get('from')} → {d.get('to')}: {d.get('reason')}"
    if e.kind == "draft_saved":
        return f"Draft saved: {d.get('kind')} ({'passed lint' if d.get('passed') else 'failed lint'}, {d.get('engine')})"
    if e.kind == "correction":
        return f"Rules corrected {d.get('field')}: {d.get('from')} → {d.get('to')} ({d.get('rule')})"
    return e.kind.replace("_", " ")


@page
def escalation_page(ctx: Ctx):
    return ctx.render("escalation.html", **escalation_view(ctx, _id(ctx)))


@page(write=True)
def step_post(ctx: Ctx):
    from ... import lifecycle

    ident, action = _id(ctx), ctx.field("action") or ""
    if action not in lifecycle.CLOCK_ACTIONS + ("assign", "type"):
        raise UsageError(f"unknown step {action!r}")
    args = {arg: ctx.field(name) for arg, name in STEP_FIELDS.get(action, {}).items()}
    if action == "close":
        args["force"] = ctx.field("force") == "yes"
    with ctx.store() as store:
        esc = lifecycle.step(store, ident, action, actor=ctx.actor, **args)
    return ctx.redirect(f"/e/{esc.id}", f"{action} recorded; {esc.id} is {esc.status}")


@page(write=True)
def log_post(ctx: Ctx):
    from ... import lifecycle

    with ctx.store() as store:
        esc = lifecycle.step(store, _id(ctx), "log", actor=ctx.actor, kind=ctx.field("kind", "note"), text=ctx.raw("text"))
    return ctx.redirect(f"/e/{esc.id}#timeline", "logged")


@page(write=True)
def warroom_post(ctx: Ctx):
    from ... import warroom as wr

    ident = _id(ctx)
    with ctx.store() as store:
        if ctx.field("check"):
            try:
                n = int(ctx.field("check"))
            except ValueError:
                raise UsageError("the checklist item is a number")
            esc, _ = wr.check(store, ident, n, actor=ctx.actor)
            done = f"checklist {n} done"
        else:
            roles = [f"{k[5:]}={v.strip()}" for k, v in ctx.form.items() if k.startswith("role:") and isinstance(v, str) and v.strip()]
            esc, _, changed = wr.open_room(store, ident, commander=ctx.field("commander"), roles=roles,
                                           force=ctx.field("force") == "yes", actor=ctx.actor)
            done = "; ".join(changed) or "nothing changed"
    return ctx.redirect(f"/e/{esc.id}#warroom", done)


@page
def brief_page(ctx: Ctx):
    from ... import warroom as wr
    from ...store import now

    with ctx.store() as store:
        brief = wr.brief(store, _id(ctx), now())
    return ctx.render("brief.html", brief=brief)


@page(write=True)
def workaround_post(ctx: Ctx):
    from ... import warroom as wr

    with ctx.store() as store:
        esc, _ = wr.record_workaround(store, _id(ctx), ctx.raw("steps"), eta=ctx.field("eta"), actor=ctx.actor)
    return ctx.redirect(f"/e/{esc.id}#workaround", "workaround recorded")


@page(write=True)
def recovery_post(ctx: Ctx):
    from ... import recovery

    credit = ctx.field("credit_months")
    try:
        months = int(credit) if credit else None
    except ValueError:
        raise UsageError("credit months is a whole number")
    with ctx.store() as store:
        plan, made = recovery.plan(store, _id(ctx), actor=ctx.actor, credit_months=months)
    return ctx.redirect(f"/e/{plan.escalation_id}#recovery", "recovery plan made" if made else "the recovery plan was made earlier")


@page(write=True)
def commitment_done(ctx: Ctx):
    from ... import commitments

    with ctx.store() as store:
        c = commitments.mark_done(store, _id(ctx), int(ctx.request.path_params["n"]), actor=ctx.actor, note=ctx.field("note"))
    return ctx.redirect(f"/e/{c.escalation}#commitments", f"commitment #{c.n} done")


@page(write=True)
def csat_post(ctx: Ctx):
    from ... import metrics
    from ...store import now

    try:
        score = float(ctx.field("score") or "")
    except ValueError:
        raise UsageError("the CSAT score is a number from 1 to 5")
    with ctx.store() as store:
        esc = metrics.record_csat(store, _id(ctx), score, ctx.field("comment"), now(), ctx.actor)
    return ctx.redirect(f"/e/{esc.id}", f"CSAT {score:g} recorded")


ROUTES = [
    Route("/", board_page),
    Route("/board", board_page),
    Route("/board/rows", board_rows),
    Route("/triage", triage_form, methods=["GET"]),
    Route("/triage", triage_post, methods=["POST"]),
    Route("/e/{id}", escalation_page),
    Route("/e/{id}/step", step_post, methods=["POST"]),
    Route("/e/{id}/log", log_post, methods=["POST"]),
    Route("/e/{id}/warroom", warroom_post, methods=["POST"]),
    Route("/e/{id}/brief", brief_page),
    Route("/e/{id}/workaround", workaround_post, methods=["POST"]),
    Route("/e/{id}/recovery", recovery_post, methods=["POST"]),
    Route("/e/{id}/commitments/{n:int}/done", commitment_done, methods=["POST"]),
    Route("/e/{id}/csat", csat_post, methods=["POST"]),
]
