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
    server.run("stdio")
