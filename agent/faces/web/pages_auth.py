"""The login form (team mode) and logout."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.responses import RedirectResponse
from starlette.routing import Route

from ... import users
from . import auth
from .app import COOKIE, page, set_session_cookie
from .auth import safe_next


def _login(ctx):
    if not ctx.settings.team:
        return ctx.redirect("/")
    if ctx.request.method == "GET":
        return ctx.render("login.html", next=safe_next(ctx.query("next")), error=None)
    name, password = (ctx.field("name") or ""), ctx.raw("password")
    client = ctx.request.client.host if ctx.request.client else "unknown"
    keys = (f"user:{name.lower()}", f"client:{client}")
    limiter: auth.FailedLogins = ctx.request.app.state.failed_logins
    wait = limiter.blocked_for(*keys)
    if wait > 0:
        return ctx.render("login.html", status=429, next=safe_next(ctx.field("next")),
                          error=f"too many failed logins: try again in {int(wait // 60) + 1} minutes")
    with ctx.store() as store:
        user = users.verify(store, name, password)
        if user is None:
            limiter.failed(*keys)
            return ctx.render("login.html", status=401, next=safe_next(ctx.field("next")),
                              error="wrong user name or password")
        limiter.clear(keys[0])
        token = users.start_session(store, user)
    response = RedirectResponse(safe_next(ctx.field("next")), status_code=303)
    set_session_cookie(response, ctx.request, token)
    return response


def _logout(ctx):
    with ctx.store() as store:
        users.end_session(store, ctx.token)
    response = RedirectResponse("/login?" + urlencode({"next": "/"}), status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


ROUTES = [
    Route("/login", page(_login, public=True), methods=["GET", "POST"]),
    Route("/logout", page(_logout, public=True), methods=["POST"]),
]
