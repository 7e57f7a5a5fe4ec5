"""The library as MCP tools, served on stdio by `escalate mcp` (official `mcp` SDK, 2.x).

Only this package imports `mcp`. Each tool is a thin call into the same library functions the
CLI uses (triage, store, board, lifecycle, drafting, lint, recovery, commitments, warroom, rca,
report, prevention, metrics), with typed inputs and structured outputs built from the Pydantic
schemas in agent/schemas plus the small view models in models.py (board rows, drafts, lint,
metrics, the RCA interview). A library error (unknown id, bad input, a step the lifecycle refuses, an RCA
answer the blameless rules refuse) comes back as an MCP tool error result (isError) with the
library's own message, and nothing is stored. Tools that change the database say "Changes state"
in their description and carry `readOnlyHint: false`; the others carry `readOnlyHint: true`.
log_event can close, force-close or lower a severity: it carries `destructiveHint: true` and such a
call needs `confirm: true`. Writes are recorded as the server's identity (`escalate mcp --actor`,
$ESCALATE_ACTOR, else "mcp"); a name the client sends is kept as "(via MCP, said to be …)".

Every call opens the database, does its work and closes it, so the CLI and other processes can
share the file while the server runs (WAL, busy timeout; see agent/store.py). Protocol messages
are the only thing written to stdout: the SDK points file descriptor 1 at stderr while it serves,
and logging goes to stderr.

The package: models.py (typed inputs and structured outputs), kit.py (what every tool shares:
the database, the actor, the engine, the annotations, library errors as tool errors),
tools_record.py (triage, the board, lifecycle steps, drafts, lint), tools_followup.py
(recovery, commitments, war room, workaround), tools_rca.py (the 5-Whys interview, reports,
prevention actions, metrics) and server.py (build_server and serve).
"""

from .server import build_server, serve

__all__ = ["build_server", "serve"]
