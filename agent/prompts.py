"""The Jinja2 environment for prompts/ (LLM prompts and message templates).

Templates are ours; everything a customer wrote arrives as a variable and is never parsed as a
template. The environment is sandboxed and undefined variables are errors.

A team may keep its own message templates in a folder the policy names (`templates = "..."`):
a file there named like a bundled message template (update.j2, notification.j2, …) replaces it,
and any other file in it is a snippet the templates can `{% include %}`. Only messages/ can be
overridden, never the LLM prompts. An override that fails to load or render is reported once, with
its file and line, and the bundled template renders instead.
"""

from __future__ import annotations

import hashlib
import sys
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from pathlib import Path

from jinja2 import ChoiceLoader, FileSystemLoader, PrefixLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

_HERE = Path(__file__).resolve().parent
MESSAGES = "messages/"
MESSAGE_KINDS = ("acknowledgment", "update", "resolution", "apology", "internal", "summary", "notification")
# The team's templates folder in force, set from the policy by the faces: once per command by the CLI,
# for each request (web) or tool call (MCP) by templates_in_force. A context variable, so the web's
# worker threads each see their own request's.
_team: ContextVar[str | None] = ContextVar("team_templates", default=None)
_warned: set[str] = set()


def prompts_dir() -> Path:
    """prompts/ ships inside the wheel as agent/prompts; in a checkout it sits beside agent/."""
    for candidate in (_HERE / "prompts", _HERE.parent / "prompts"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("prompts/ directory not found next to the agent package")


def use_templates(folder: str | Path | None) -> None:
    """Make the team's templates folder (or none: the bundled ones) the one in force."""
    _team.set(str(folder) if folder else None)


@contextmanager
def templates_in_force(folder: str | Path | None):
    """The team's templates folder (or none) for the length of one request or tool call."""
    token = _team.set(str(folder) if folder else None)
    try:
        yield
    finally:
        _team.reset(token)


def team_templates() -> str | None:
    return _team.get()


@lru_cache(maxsize=8)
def environment(team: str | None = None) -> SandboxedEnvironment:
    bundled = FileSystemLoader(prompts_dir())
    if team:
        own = FileSystemLoader(team)
        # messages/<kind>.j2 from the team first; then the bundled templates; then the team's snippets.
        loader = ChoiceLoader([PrefixLoader({MESSAGES.rstrip("/"): own}), bundled, own])
    else:
        loader = bundled
    return SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def override_path(name: str, team: str | None = None) -> Path | None:
    """The team's file that replaces bundled template `name`, when there is one."""
    team = team if team is not None else _team.get()
    if not team or not name.startswith(MESSAGES):
        return None
    path = Path(team) / name.removeprefix(MESSAGES)
    return path if path.is_file() else None


def render(name: str, **variables) -> str:
    team = _team.get()
    if team and name.startswith(MESSAGES):
        try:
            return environment(team).get_template(name).render(**variables)
        except Exception as exc:  # a team template may fail any way (a filter's TypeError too)
            if override_path(name, team) is None and not _in_team_file(exc, team):
                raise  # the bundled template itself (no team file involved): a bug of ours, not theirs
            _warn(f"team template {describe_error(exc, team, name)}; the bundled {name} is used instead")
    return environment().get_template(name).render(**variables)


def describe_error(exc: Exception, team: str, name: str) -> str:
    """`<file> line <n>: <message>` for an error raised while loading or rendering a team template."""
    where, line = _location(exc, team)
    if where is None:
        own = override_path(name, team)
        where = str(own) if own else name
    if isinstance(exc, TemplateNotFound):
        message = f"no template or snippet named {exc.name!r} (in the team folder or bundled)"
    else:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return f"{where}{f' line {line}' if line else ''}: {message}"


def _location(exc: Exception, team: str) -> tuple[str | None, int | None]:
    if isinstance(exc, TemplateSyntaxError) and exc.filename:
        return exc.filename, exc.lineno
    tb, found = exc.__traceback__, (None, None)
    root = str(Path(team).resolve())
    while tb is not None:  # jinja rewrites render tracebacks so a template's frame names its file and line
        filename = tb.tb_frame.f_code.co_filename
        if filename and str(Path(filename).resolve()).startswith(root):
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _in_team_file(exc: Exception, team: str) -> bool:
    return _location(exc, team)[0] is not None


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        print(f"warning: {message}", file=sys.stderr)


def prompt_hash(name: str) -> str:
    """sha256 of the template source (the team's override when one is in force): which wording produced a stored answer."""
    path = override_path(name) or prompts_dir() / name
    return _hash(str(path), path.stat().st_mtime_ns)


@lru_cache(maxsize=None)
def _hash(path: str, _mtime: int) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
