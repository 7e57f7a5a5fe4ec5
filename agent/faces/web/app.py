"""The Starlette app of `escalate serve`: settings, the page decorator every route goes through
(session, CSRF, role, library errors as pages), security headers and the Jinja2 templates.

Routes are plain functions run in the thread pool (SQLite and the engines block); each opens the
store, calls the library and renders a template. No logic of the workflows lives here.
"""

from __future__ import annotations

import hmac
import os
import secrets
from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from ...errors import EscalateError, NotFound
from ...prompts import templates_in_force
from ...users import User
from . import auth, filters

HERE = Path(__file__).parent
COOKIE = "escalate_session"
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
SECURITY_HEADERS = {
    "content-security-policy": CSP,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
}
MAX_FORM_BYTES = 2_000_000


@dataclass
class Settings:
    db_path: Path
    policy_path: str | None = None
    engine: str = "auto"
    model: str | None = None
    team: bool = False
    secret: bytes = field(default_factory=lambda: secrets.token_bytes(32))
    local_actor: str = field(default_factory=lambda: os.environ.get("ESCALATE_ACTOR") or os.environ.get("USER") or "web")

    def templates(self) -> str | None:
        """The team's templates folder the policy file names now (read again on every request)."""
        from ...policy import load_policy

        return load_policy(self.policy_path).templates if self.policy_path else None


class Ctx:
    """One request as a route sees it: the form, the user, the store, and how to answer."""

    def __init__(self, request: Request, form, settings: Settings, token: str, user: User):
        self.request, self.form, self.settings, self.token, self.user = request, form or {}, settings, token, user
        self.csrf = csrf_for(settings, token)

    @property
    def actor(self) -> str:
        return self.user.name

    def store(self):
        from ...store import Store

        return Store(self.settings.db_path)

    def policy(self):
        from ...policy import load_policy

        return load_policy(self.settings.policy_path)

    def engine(self, choice: str | None, policy):
        from ...engines import get_engine

        return get_engine(choice or self.settings.engine, model=self.settings.model, policy=policy)

    def field(self, name: str, default: str | None = None) -> str | None:
        value = self.form.get(name)
        if value is None or isinstance(value, str) and not value.strip():
            return default
        return value if not isinstance(value, str) else value.strip()

    def raw(self, name: str) -> str:
        value = self.form.get(name)
        return value if isinstance(value, str) else ""

    def query(self, name: str, default: str | None = None) -> str | None:
        return (self.request.query_params.get(name) or "").strip() or default

    def render(self, template: str, status: int = 200, **values) -> HTMLResponse:
        html = TEMPLATES.get_template(template).render(
            user=self.user, team=self.settings.team, csrf=self.csrf, path=self.request.url.path,
            notice=self.query("done"), **values)
        return HTMLResponse(html, status_code=status)

    def redirect(self, url: str, done: str | None = None) -> RedirectResponse:
        """To `url`, with the notice in its query: before any #fragment (after it, the browser reads it as part
        of the fragment, shows no notice and finds no anchor)."""
        path, hash_, fragment = url.partition("#")
        if done:
            path += ("&" if "?" in path else "?") + urlencode({"done": done})
        return RedirectResponse(path + hash_ + fragment, status_code=303)


def csrf_for(settings: Settings, token: str) -> str:
    return hmac.new(settings.secret, b"csrf:" + token.encode(), "sha256").hexdigest()


def page(fn: Callable | None = None, *, write: bool | None = None, manager: bool = False, public: bool = False):
    """Wrap a route: session, login, CSRF on every POST, the role's rights, errors as pages. A POST
    writes (viewers are refused) unless marked write=False (lint, downloads)."""
    if fn is None:
        return lambda f: page(f, write=write, manager=manager, public=public)

    @wraps(fn)
    async def endpoint(request: Request) -> Response:
        settings: Settings = request.app.state.settings
        form = None
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
                return _plain(413, f"the form is over {MAX_FORM_BYTES // 1_000_000} MB: a complaint may be up to 100,000 characters; "
                                   "trim quoted threads and logs, or paste the part that matters")
            # a field up to the whole limit (Starlette's own 1 MB cap answered with a bare plain-text 400)
            form = await request.form(max_files=1, max_fields=200, max_part_size=MAX_FORM_BYTES)
        return await run_in_threadpool(_run, fn, request, form, settings, request.method == "POST" if write is None else write,
                                       manager, public)

    return endpoint


def _run(fn, request: Request, form, settings: Settings, write: bool, manager: bool, public: bool) -> Response:
    token = request.cookies.get(COOKIE) or ""
    new_cookie = None
    user = auth.current_user(settings, token)
    if not token:  # a first visit: a token for the CSRF check of its forms (and, in team mode, the login form)
        token = new_cookie = secrets.token_urlsafe(32)
    if user is None and not settings.team:
        user = User(settings.local_actor, "manager")
    if request.method == "POST":
        sent = (form.get("csrf") if form else None) or request.headers.get("x-csrf-token") or ""
        if not token or not hmac.compare_digest(str(sent), csrf_for(settings, token)):
            return _plain(403, "the form expired or did not come from this site (CSRF check failed): reload the page and try again")
    if user is None and not public:
        if request.method == "GET":
            return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)
        return _plain(401, "log in first")
    if write and user is not None and not user.can_write and not public:
        return _plain(403, f"{user.name} is a viewer: viewers can read but not change anything")
    if manager and user is not None and user.role != "manager":
        return _plain(403, "only a manager can do this")
    ctx = Ctx(request, form, settings, token, user)
    try:
        with templates_in_force(settings.templates()):  # the team's templates, as the CLI applies them
            response = fn(ctx)
    except NotFound as exc:
        response = ctx.render("error.html", status=404, message=str(exc))
    except EscalateError as exc:
        response = ctx.render("error.html", status=400, message=str(exc))
    if new_cookie:
        set_session_cookie(response, request, new_cookie)
    return response


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https",
                        path="/")


def _plain(status: int, message: str) -> Response:
    html = TEMPLATES.get_template("refused.html").render(status=status, message=message)
    return HTMLResponse(html, status_code=status)


class SecurityHeaders:
    """Adds the CSP and the other headers to every response (ASGI middleware)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.decode().lower() not in SECURITY_HEADERS]
                headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    filters.install(env)
    return env


TEMPLATES = _environment()


def create_app(settings: Settings) -> Starlette:
    """The web workspace over the database in `settings` (one Store per request, WAL)."""
    from ...store import Store
    from . import pages_auth, pages_drafts, pages_rca, pages_reports, pages_work

    with Store(settings.db_path):
        pass  # opens (and migrates) the database now: a bad path fails before serving
    routes = [*pages_auth.ROUTES, *pages_work.ROUTES, *pages_drafts.ROUTES, *pages_rca.ROUTES, *pages_reports.ROUTES,
              Mount("/static", StaticFiles(directory=HERE / "static"), name="static")]
    app = Starlette(routes=routes, middleware=[], exception_handlers={404: _not_found, 405: _not_allowed})
    app.state.settings = settings
    app.state.failed_logins = auth.FailedLogins()
    app.add_middleware(SecurityHeaders)
    return app


async def _not_found(request, exc) -> Response:
    return _plain(404, "no such page")


async def _not_allowed(request, exc) -> Response:
    return _plain(405, "method not allowed")
