"""`escalate mcp`: serve the library to Claude (or any MCP client) on stdio.

A thin call into agent/faces/mcp/, which alone imports the `mcp` SDK (the [mcp] extra). Only
click is imported here, so `--help` stays fast and works without the extra.
"""

from __future__ import annotations

import click

from .cli import Context, cli

EXTRA_HINT = "pip install 'escalation-handler[mcp]' (the [mcp] extra)"


@cli.command("mcp")
@click.option("--engine", default="auto", show_default=True, type=click.Choice(["auto", "anthropic", "offline"]),
              help="Engine for triage and drafts when a tool call does not name one (auto = anthropic when ANTHROPIC_API_KEY is set).")
@click.option("--model", help="Claude model for the anthropic engine.")
@click.option("--actor", help="Who the server's writes are recorded as (default: $ESCALATE_ACTOR, else 'mcp'); "
                              "a name a client sends is kept only as \"via MCP, said to be …\".")
@click.pass_obj
def mcp_(obj: Context, engine: str, model: str | None, actor: str | None):
    """Serve triage, the board, lifecycle steps, drafts, lint, recovery and metrics as MCP tools on stdio.

    \b
    Uses --db / ESCALATE_DB and --policy / ESCALATE_POLICY like every command; needs the [mcp] extra.
    claude mcp add escalation-handler -- /path/to/.venv/bin/escalate --db /path/to/escalations.db mcp
    """
    from ..errors import UsageError

    try:
        from . import mcp as mcp_face
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("mcp", "mcp_types"):
            raise
        raise UsageError(f"`escalate mcp` needs the MCP Python SDK 2.x (mcp>=2.3), which is missing or older: {EXTRA_HINT}")
    mcp_face.serve(db_path=obj.db_path, policy_path=obj.policy_path, engine=engine, model=model, actor=actor)
