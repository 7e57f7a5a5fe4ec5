"""build_server (an MCPServer whose tools read and write one escalation database) and serve
(check the database and policy, then serve on stdio)."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mcp.server.mcpserver import MCPServer

from ...errors import UsageError
from . import tools_followup, tools_rca, tools_record
from .kit import Kit

SERVER_NAME = "escalation-handler"

INSTRUCTIONS = (
    "Customer escalation handling. Start with triage_complaint (it stores the escalation, plans its SLA "
    "deadlines and drafts the acknowledgment), then list_escalations for the board (most urgent first, with "
    "countdowns and red flags) and get_escalation for one record. Record what happens with log_event "
    "(acknowledgment, updates, notes, severity changes, resolution), draft customer messages with "
    "draft_message and check text a person wrote with lint_message. recovery_plan plans the recovery, "
    "warroom runs a SEV-1/2 incident, and once resolved rca_next_question / rca_answer run the blameless "
    "5-Whys interview that post_incident_report turns into a report. metrics reports the playbook's metrics "
    "against their targets. Ids look like ESC-7; times are ISO 8601 with an offset."
)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("escalation-handler")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0"


def build_server(*, db_path: str | Path | None = None, policy_path: str | Path | None = None,
                 engine: str = "auto", model: str | None = None, actor: str | None = None) -> MCPServer:
    """An MCPServer whose tools read and write the escalation database at `db_path`."""
    from ...store import default_path

    server = MCPServer(
        SERVER_NAME, title="Escalation handler", version=_version(), instructions=INSTRUCTIONS,
        log_level="DEBUG" if os.environ.get("ESCALATE_DEBUG") else "WARNING",
    )
    kit = Kit(server, db_path=Path(db_path) if db_path else default_path(),
              policy_file=str(policy_path) if policy_path else None, engine=engine, model=model, actor=actor)
    for tools in (tools_record, tools_followup, tools_rca):
        tools.register(kit)
    return server


def serve(*, db_path: str | Path | None = None, policy_path: str | Path | None = None,
          engine: str = "auto", model: str | None = None, actor: str | None = None) -> None:
    """Check the database and policy, then serve the tools on stdio until the client hangs up."""
    from ...engines import ENGINE_CHOICES
    from ...policy import load_policy
    from ...store import Store, default_path

    if engine not in ENGINE_CHOICES:
        raise UsageError(f"unknown engine {engine!r}: choose one of {', '.join(ENGINE_CHOICES)}")
    load_policy(str(policy_path) if policy_path else None)  # a bad policy file fails now, not per call
    with Store(Path(db_path) if db_path else default_path()):
        pass  # opens (and migrates) the database now: a bad path fails before serving
    server = build_server(db_path=db_path, policy_path=policy_path, engine=engine, model=model, actor=actor)
    logging.getLogger(__name__).info("serving %s on stdio", SERVER_NAME)
    if getattr(server, "_lowlevel_server", None) is None:  # (an SDK whose internals moved: its own transport)
        server.run("stdio")
        return
    import anyio

    anyio.run(_serve_stdio, server)


def _unreadable(exc: Exception):
    """The JSON-RPC error a line that is no message gets (JSON-RPC 2.0 §5.1, id null): -32700 when it is not
    JSON, -32600 when it is JSON but no request, notification or response."""
    import mcp_types as types
    from pydantic import ValidationError

    errors = exc.errors() if isinstance(exc, ValidationError) else []
    not_json = any(e.get("type") == "json_invalid" for e in errors)
    code, what = (-32700, "Parse error: the line is not JSON") if not_json or not errors else (
        -32600, "Invalid Request: the line is JSON but no JSON-RPC 2.0 request, notification or response")
    return types.JSONRPCError(jsonrpc="2.0", id=None, error=types.ErrorData(code=code, message=what))


async def _serve_stdio(server: MCPServer) -> None:
    """server.run("stdio"), except that a line that is no JSON-RPC message is answered with its error, as
    JSON-RPC asks, instead of being dropped with no reply (the SDK's stdio transport hands it to the session,
    which only logs it)."""
    import anyio
    from mcp.server.stdio import stdio_server
    from mcp.shared.message import SessionMessage

    lowlevel = server._lowlevel_server
    async with stdio_server() as (read_stream, write_stream):
        to_session, from_wire = anyio.create_memory_object_stream(0)

        async def relay() -> None:
            async with to_session:
                async for item in read_stream:
                    if isinstance(item, Exception):
                        await write_stream.send(SessionMessage(_unreadable(item)))
                    else:
                        await to_session.send(item)

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(relay)
            await lowlevel.run(from_wire, write_stream, lowlevel.create_initialization_options())
            tasks.cancel_scope.cancel()
