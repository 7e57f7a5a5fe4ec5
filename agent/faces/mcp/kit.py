"""What every MCP tool shares: the database, the actor, the engine, the clock, the tool
annotations, and library errors turned into MCP tool errors."""

from __future__ import annotations

import inspect
import os
from contextlib import contextmanager
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, Iterator

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations

from ...errors import EscalateError
from ...prompts import templates_in_force
from ...schemas import Escalation
from .models import EscalationStatus, RcaProgress, RcaQuestion

READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
WRITES = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
# A recovery plan is made once and read back after; a pending RCA question is recorded once.
WRITES_IDEMPOTENT = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False)
# Can close an escalation, force-close it or lower its severity: such a call needs `confirm: true`.
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)


@contextmanager
def _tool_errors() -> Iterator[None]:
    """A library error becomes an MCP tool error result with its message (never a crash)."""
    try:
        yield
    except EscalateError as exc:
        raise ToolError(str(exc)) from exc


def moment_of(as_of: datetime | None) -> datetime:
    """`as_of`, or now: the CLI's --now bounds (1990 to ten years ahead), refused with the reason (9999-12-31 had
    overflowed inside the tool, year 1 had answered an empty board)."""
    from ...errors import UsageError
    from ...event_data import EARLIEST_YEAR
    from ...store import now

    if as_of is None:
        return now()
    if not EARLIEST_YEAR <= as_of.year <= now().year + 10:
        raise UsageError(f"as_of {as_of.isoformat()!r} is outside {EARLIEST_YEAR} to {now().year + 10}")
    return as_of


def _clean(name: str) -> str:
    return " ".join("".join(ch for ch in name if ch.isprintable()).split())[:100]


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def _status(store, esc: Escalation, moment: datetime) -> EscalationStatus:
    from ... import board
    from ...store import parse_id

    row = board.one(store, parse_id(esc.id), moment).as_dict()
    live = {k: row[k] for k in ("paused", "next_deadline", "next_step", "clocks", "flags")}
    return EscalationStatus.model_validate({**esc.model_dump(mode="json", by_alias=True), **live})


def _progress(p) -> RcaProgress:
    """The library's interview progress (agent/interview.py) as the tools' output."""
    step = p.step
    question = None if step is None else RcaQuestion(key=step.key, prompt=step.prompt, facts=step.facts,
                                                       default=step.default, level=step.level, notes=step.notes)
    return RcaProgress(id=p.id, completed=p.completed, answered=p.answered, question=question,
                       root_cause=p.root_cause, prevention_actions=p.actions, findings=p.findings)


class Kit:
    """The server being built and the per-call helpers its tools close over."""

    def __init__(self, server: MCPServer, *, db_path: Path, policy_file: str | None, engine: str,
                 model: str | None, actor: str | None = None) -> None:
        self.server, self.path, self.policy_file = server, db_path, policy_file
        self.default_engine, self.default_model = engine, model
        self.identity = _clean(actor or "") or _clean(os.environ.get("ESCALATE_ACTOR", "")) or "mcp"

    def store(self):
        from ...store import Store

        return Store(self.path)

    def actor_of(self, actor: str | None) -> str:
        """Who is recorded: the server's configured identity (`escalate mcp --actor`, $ESCALATE_ACTOR), never
        just what the client says; a name the client gives is kept beside it as a claim."""
        said = _clean(actor or "")
        if not said or said == self.identity:
            return self.identity
        return f"{self.identity} (via MCP, said to be {said})"

    def templates(self) -> str | None:
        """The team's templates folder the policy file names now (read again on every call)."""
        from ...policy import load_policy

        if not self.policy_file:
            return None
        try:
            return load_policy(self.policy_file).templates
        except EscalateError as exc:
            raise ToolError(str(exc)) from None

    def chosen_engine(self, choice: str | None, policy):
        from ...engines import get_engine

        return get_engine(choice or self.default_engine, model=self.default_model, policy=policy)

    @staticmethod
    def now() -> datetime:
        from ...store import now as current

        return current()

    def tool(self, *, annotations: ToolAnnotations):
        """Register a tool; its description is the docstring without the source's indentation."""

        def register(fn):
            @wraps(fn)  # the same name, signature and annotations: the tool's schema is fn's
            def call(*args, **kwargs):
                with templates_in_force(self.templates()):  # the team's templates, as the CLI applies them
                    return fn(*args, **kwargs)

            self.server.add_tool(call, description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations)
            return fn

        return register
