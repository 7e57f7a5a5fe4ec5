"""MCP writes that cannot be taken back: every tool's four annotation hints, exactly; log_event refuses to
close, force-close or lower a severity without `confirm: true`; and the actor recorded is the server's
configured identity, a client-supplied name kept only as "via MCP, said to be …"."""

from __future__ import annotations

import anyio
import pytest
from mcp import Client

import agent.commitments, agent.drafting, agent.lifecycle, agent.recovery, agent.triage, agent.warroom  # noqa: E401,F401
from agent.faces.mcp import build_server
from agent.store import Store

OUTAGE = ("Our production environment is completely down since 9:00. Nobody at Acme can log in, all 400 "
          "support agents are blocked and we are losing orders every minute.")

# (readOnlyHint, destructiveHint, idempotentHint, openWorldHint)
HINTS = {
    "triage_complaint": (False, False, False, False),
    "get_escalation": (True, False, True, False),
    "list_escalations": (True, False, True, False),
    "log_event": (False, True, False, False),
    "draft_message": (False, False, False, False),
    "lint_message": (True, False, True, False),
    "recovery_plan": (False, False, True, False),
    "list_commitments": (True, False, True, False),
    "complete_commitment": (False, False, False, False),
    "warroom": (False, False, False, False),
    "warroom_check": (False, False, False, False),
    "warroom_brief": (True, False, True, False),
    "record_workaround": (False, False, False, False),
    "rca_next_question": (False, False, True, False),
    "rca_answer": (False, False, False, False),
    "post_incident_report": (True, False, True, False),
    "list_prevention_actions": (True, False, True, False),
    "set_prevention_action": (False, False, False, False),
    "metrics": (True, False, True, False),
}


def run(session) -> None:
    async def bounded():
        with anyio.fail_after(120):  # a hang guard, not a speed goal
            await session()

    anyio.run(bounded)


def text_of(result) -> str:
    return " ".join(block.text for block in result.content)


def test_every_tool_carries_exactly_its_four_hints(db_path):
    async def session():
        async with Client(build_server(db_path=db_path, engine="offline")) as client:
            tools = {t.name: t.annotations for t in (await client.list_tools()).tools}
            got = {name: (a.read_only_hint, a.destructive_hint, a.idempotent_hint, a.open_world_hint) for name, a in tools.items()}
            assert got == HINTS

    run(session)


@pytest.mark.parametrize("steps, refused, message", [
    ([], {"kind": "close", "force": True, "text": "customer went quiet"},
     "this force-closes ESC-1 before Acme confirmed the fix: a destructive step; call log_event again with confirm: true"),
    ([{"kind": "ack"}, {"kind": "resolve", "text": "fixed"}, {"kind": "confirm"}], {"kind": "close"},
     "this closes ESC-1: a destructive step"),
    ([], {"kind": "severity", "severity": "SEV-4", "text": "not that bad"}, "this lowers ESC-1 from SEV-1 to SEV-4: a destructive step"),
    ([], {"kind": "severity", "severity": "SEV-2", "text": "a little better"}, "this lowers ESC-1 from SEV-1 to SEV-2: a destructive step"),
])
def test_destructive_steps_need_confirm(db_path, steps, refused, message):
    async def session():
        async with Client(build_server(db_path=db_path, engine="offline")) as client:
            made = await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "tier": "enterprise"})
            assert not made.is_error and made.structured_content["severity"] == "SEV-1"
            for step in steps:
                done = await client.call_tool("log_event", {"escalation_id": "ESC-1", **step})
                assert not done.is_error, text_of(done)
            with Store(db_path) as s:
                before = s.db.execute("SELECT count(*) FROM events").fetchone()[0]
            result = await client.call_tool("log_event", {"escalation_id": "ESC-1", **refused})
            assert result.is_error
            assert text_of(result).startswith(f"Error executing tool log_event: {message}"), text_of(result)
            with Store(db_path) as s:
                assert s.db.execute("SELECT count(*) FROM events").fetchone()[0] == before  # nothing stored
            confirmed = await client.call_tool("log_event", {"escalation_id": "ESC-1", **refused, "confirm": True})
            assert not confirmed.is_error, text_of(confirmed)
            esc = confirmed.structured_content
            if refused["kind"] == "close":
                assert esc["status"] == "closed"
            else:
                assert esc["severity"] == refused["severity"]

    run(session)


def test_raising_the_severity_needs_no_confirm(db_path):
    async def session():
        async with Client(build_server(db_path=db_path, engine="offline")) as client:
            await client.call_tool("triage_complaint", {"text": "The export button is a bit slow.", "customer": "Acme"})
            start = (await client.call_tool("get_escalation", {"escalation_id": "ESC-1"})).structured_content["severity"]
            higher = "SEV-1" if start != "SEV-1" else None
            assert higher is not None, start
            raised = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "severity", "severity": higher,
                                                          "text": "it is an outage after all"})
            assert not raised.is_error, text_of(raised)
            assert raised.structured_content["severity"] == "SEV-1"

    run(session)


@pytest.mark.parametrize("configured, env, said, recorded", [
    ("robin", None, None, "robin"),
    ("robin", None, "robin", "robin"),
    ("robin", None, "Dana the CEO", "robin (via MCP, said to be Dana the CEO)"),
    (None, "ops-bot", "Dana", "ops-bot (via MCP, said to be Dana)"),
    (None, None, "Dana", "mcp (via MCP, said to be Dana)"),
    (None, None, None, "mcp"),
])
def test_the_actor_is_the_servers_identity_and_a_client_name_only_a_claim(db_path, monkeypatch, configured, env, said, recorded):
    if env:
        monkeypatch.setenv("ESCALATE_ACTOR", env)
    else:
        monkeypatch.delenv("ESCALATE_ACTOR", raising=False)

    async def session():
        async with Client(build_server(db_path=db_path, engine="offline", actor=configured)) as client:
            await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme"})
            args = {"escalation_id": "ESC-1", "kind": "ack", **({"actor": said} if said else {})}
            done = await client.call_tool("log_event", args)
            assert not done.is_error, text_of(done)
            assert done.structured_content["events"][-1]["actor"] == recorded

    run(session)
