"""`escalate mcp`: the library over MCP, driven by the official SDK's own client.

In memory (Client(server): the direct in-process path and the legacy JSON-RPC memory-stream
transport) and over stdio with `escalate --db TMP mcp` as a subprocess. Every exchange runs
under a timeout, so a hung server fails the test instead of the suite.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner

from mcp import Client, StdioServerParameters, stdio_client  # the test extra installs mcp>=2.3

# Bound now, at collection: a module first imported while another test's fixture has patched
# agent.store.now would keep that frozen clock for the rest of the session.
import agent.commitments, agent.drafting, agent.lifecycle, agent.recovery, agent.triage, agent.warroom  # noqa: E401,F401,E402
from agent.faces.cli import cli
from agent.faces.mcp import build_server

TIMEOUT = 120  # seconds for one whole client session: a hang guard (2 loaded cores), not a speed goal
OUTAGE = ("Our production environment is completely down since 9:00. Nobody at Acme can log in, all 400 "
          "support agents are blocked and we are losing orders every minute.")
WRITES = {"triage_complaint", "log_event", "draft_message", "recovery_plan", "complete_commitment", "warroom",
          "warroom_check", "record_workaround", "rca_next_question", "rca_answer", "set_prevention_action"}
READS = {"get_escalation", "list_escalations", "lint_message", "list_commitments", "warroom_brief", "metrics",
         "post_incident_report", "list_prevention_actions"}


def run(session) -> None:
    """Run one async client session to completion, bounded by TIMEOUT."""

    async def bounded():
        with anyio.fail_after(TIMEOUT):
            await session()

    anyio.run(bounded)


def error_text(result) -> str:
    assert result.is_error, result
    assert result.structured_content is None
    return " ".join(block.text for block in result.content)


@pytest.fixture
def server(db_path):
    return build_server(db_path=db_path, engine="offline")


# -- in memory ------------------------------------------------------------------------------------


def test_tools_are_listed_typed_and_state_changes_say_so(server):
    async def session():
        async with Client(server, raise_exceptions=True) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert WRITES | READS <= set(tools)
            for name, t in tools.items():
                assert t.input_schema["type"] == "object", name
                assert t.output_schema and t.output_schema["type"] == "object", name
                if name in WRITES:
                    assert "Changes state" in t.description, name
                    assert t.annotations.read_only_hint is False, name
                elif name in READS:
                    assert "Changes state" not in t.description, name
                    assert t.annotations.read_only_hint is True, name
            triage = tools["triage_complaint"]
            assert {"text", "customer"} <= set(triage.input_schema["required"])
            assert set(triage.output_schema["properties"]) >= {"id", "severity", "sla", "triage", "clocks", "flags"}

    run(session)


@pytest.mark.parametrize("mode", ["auto", "legacy"])  # direct in-process / JSON-RPC over memory streams
def test_triage_then_read_it_back_and_see_it_on_the_board(server, mode):
    async def session():
        async with Client(server, mode=mode) as client:
            result = await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme Corp",
                                                                 "tier": "enterprise", "contact": "Dana"})
            assert not result.is_error, result.content
            esc = result.structured_content
            assert esc["severity"] == "SEV-1"
            assert esc["id"] == "ESC-1" and esc["customer"] == "Acme Corp" and esc["status"] == "open"
            assert esc["sla"]["first_response_due"] and "acknowledgment" in esc["drafts"]
            assert json.loads(result.content[0].text)["id"] == "ESC-1"  # the same record as text for the model

            got = (await client.call_tool("get_escalation", {"escalation_id": "esc-1"})).structured_content
            assert (got["id"], got["severity"], got["customer"]) == ("ESC-1", "SEV-1", "Acme Corp")
            assert got["triage"]["severity"] == "SEV-1"
            assert {c["name"] for c in got["clocks"]} == {"first_response", "update", "resolution"}
            assert got["next_step"].startswith("Acknowledge Acme Corp by ")

            board = (await client.call_tool("list_escalations", {})).structured_content
            assert board["count"] == 1
            (row,) = board["escalations"]
            assert (row["id"], row["severity"], row["status"]) == ("ESC-1", "SEV-1", "open")

    run(session)


def test_errors_come_back_as_error_results_not_crashes(server, db_path):
    async def session():
        async with Client(server, raise_exceptions=True) as client:
            unknown = await client.call_tool("get_escalation", {"escalation_id": "ESC-99"})
            assert "no escalation ESC-99" in error_text(unknown)
            assert "not an escalation id" in error_text(await client.call_tool("get_escalation", {"escalation_id": "7x"}))
            empty = await client.call_tool("triage_complaint", {"text": "  ", "customer": "Acme"})
            assert "the complaint is empty" in error_text(empty)
            bad_tier = await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "tier": "gold"})
            assert "tier" in error_text(bad_tier)
            missing = await client.call_tool("log_event", {"escalation_id": "ESC-1"})
            assert "kind" in error_text(missing)
            bad_zone = await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "timezone": "Mars/Base"})
            assert "Mars/Base" in error_text(bad_zone)
            # the server is still serving, and nothing was stored by the failed calls
            assert (await client.call_tool("list_escalations", {})).structured_content["count"] == 0
            await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme"})
            refused = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "resolve"})
            assert "cannot resolve ESC-1: it is open" in error_text(refused)
            needs_owner = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "assign"})
            assert "needs `owner`" in error_text(needs_owner)
            assert "no escalation ESC-42" in error_text(
                await client.call_tool("draft_message", {"escalation_id": "ESC-42", "kind": "update"}))

    run(session)


def test_lifecycle_draft_lint_recovery_and_metrics(server):
    async def session():
        async with Client(server, raise_exceptions=True) as client:
            await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "tier": "enterprise"})
            acked = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "ack"})
            assert acked.structured_content["status"] == "acknowledged"
            logged = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "action",
                                                          "text": "Rolled back the 08:55 auth deploy"})
            assert logged.structured_content["status"] == "investigating"
            assert logged.structured_content["events"][-1]["data"]["text"] == "Rolled back the 08:55 auth deploy"

            draft = (await client.call_tool("draft_message", {"escalation_id": "ESC-1", "kind": "update"})).structured_content
            assert draft["passed"] is True and draft["kind"] == "update" and draft["audience"] == "customer"
            assert "Rolled back the 08:55 auth deploy" in draft["body"]

            lint = (await client.call_tool("lint_message", {"escalation_id": "ESC-1",
                                                            "text": "Hi, this was your fault. TODO"})).structured_content
            assert lint["passed"] is False
            assert {"blame_language", "unfilled_placeholder"} <= {f["rule"] for f in lint["findings"]}
            assert "your fault" not in lint["text"]

            plan = (await client.call_tool("recovery_plan", {"escalation_id": "ESC-1"})).structured_content
            assert plan["made_now"] is True and plan["escalation_id"] == "ESC-1" and plan["schedule"]
            again = (await client.call_tool("recovery_plan", {"escalation_id": "ESC-1"})).structured_content
            assert again["made_now"] is False and again["level"] == plan["level"]
            promised = (await client.call_tool("list_commitments", {"escalation_id": "ESC-1"})).structured_content
            assert len(promised["commitments"]) == len(plan["schedule"])

            metrics = (await client.call_tool("metrics", {"by": "severity"})).structured_content
            assert metrics["overall"]["escalations"] == 1 and set(metrics["groups"]) == {"SEV-1"}
            assert metrics["overall"]["sla_compliance"]["target"] == ">= 95 %"

    run(session)


def test_the_type_changes_with_a_reason_like_the_cli_and_the_web(server, db_path):
    async def session():
        async with Client(server) as client:
            await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme"})
            assert "needs `type`" in error_text(await client.call_tool(
                "log_event", {"escalation_id": "ESC-1", "kind": "type", "type": "security"}))  # no reason
            assert "needs `type`" in error_text(await client.call_tool(
                "log_event", {"escalation_id": "ESC-1", "kind": "type", "text": "a data leak after all"}))
            changed = (await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "type", "type": "security",
                                                            "text": "a data leak after all"})).structured_content
            assert changed["type"] == "security"
            assert changed["events"][-1]["kind"] == "type_changed"
            assert changed["events"][-1]["data"] == {"from": "technical", "to": "security", "reason": "a data leak after all"}
            same = await client.call_tool("log_event", {"escalation_id": "ESC-1", "kind": "type", "type": "security",
                                                        "text": "again"})
            assert "already security" in error_text(same)

    run(session)


def test_rca_interview_then_the_post_incident_report(server):
    whys = iter(["The TLS certificate on the auth gateway expired", "Sam Rivera forgot to renew it",
                 "Certificate renewal is a manual task with no owner and no expiry alert"])
    action = {"action": "Alert 30 days before any certificate expires", "category": "monitoring",
              "owner": "Jordan Lee", "due": "2027-01-15"}

    async def session():
        async with Client(server, raise_exceptions=True) as client:
            async def call(name, **args):
                result = await client.call_tool(name, {"escalation_id": "ESC-1", **args})
                assert not result.is_error, result.content
                return result.structured_content

            await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "owner": "Sam Rivera"})
            early = await client.call_tool("rca_next_question", {"escalation_id": "ESC-1"})
            assert "the RCA starts once it is resolved" in error_text(early)
            await call("log_event", kind="ack")
            await call("log_event", kind="resolve", text="Certificate renewed")

            progress = await call("rca_next_question")
            assert progress["question"]["key"] == "timeline" and progress["question"]["default"] == "yes"
            assert progress == await call("rca_next_question")  # asking again changes nothing
            wrong = await client.call_tool("rca_answer", {"escalation_id": "ESC-1", "answer": "yes", "key": "why"})
            assert "is at 'timeline'" in error_text(wrong)
            blamed = None
            for _ in range(20):
                q = progress["question"]
                if q is None:
                    break
                if q["key"] == "why":
                    progress = await call("rca_answer", answer=next(whys), key="why")
                    blamed = blamed or {f["rule"] for f in progress["findings"]}
                elif q["key"] == "action":
                    progress = await call("rca_answer", **({"action": action} if q["level"] == 1 else {}))
                elif q["key"] in ("timeline", "identified", "root_cause"):
                    progress = await call("rca_answer", answer=q["default"] or "none", key=q["key"])
                else:
                    refused = await client.call_tool("rca_answer", {"escalation_id": "ESC-1", "answer": " "})
                    assert "refused" in error_text(refused)
                    progress = await call("rca_answer", answer="Monitoring only checks the login page", key=q["key"])
            assert progress["completed"] is True and progress["question"] is None
            assert "names_a_person" in blamed  # the blameless rules pushed past "Sam Rivera forgot"
            assert progress["root_cause"]["text"] == "Certificate renewal is a manual task with no owner and no expiry alert"

            report = await call("post_incident_report")
            assert report["markdown"].startswith("# Post-Incident Report: ESC-1, Acme")
            assert [a["owner"] for a in report["prevention_actions"]] == ["Jordan Lee"]
            assert report["timeline"][0]["label"] == "Issue first reported"
            actions = (await client.call_tool("list_prevention_actions", {})).structured_content["actions"]
            assert [(a["n"], a["status"]) for a in actions] == [(1, "open")]
            changed = await call("set_prevention_action", n=1, status="done")
            # the action as list_prevention_actions shows it, its escalation's customer and type included
            assert (changed["status"], changed["customer"], changed["type"]) == ("done", "Acme", actions[0]["type"])
            assert changed["type"] is not None

    run(session)


# -- over stdio, as Claude Desktop and Claude Code run it ---------------------------------------------


def _escalate() -> list[str]:
    script = Path(sys.executable).with_name("escalate")
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent"]


@pytest.mark.slow
def test_stdio_subprocess_speaks_only_protocol_on_stdout(db_path, tmp_path):
    command, *prefix = _escalate()
    params = StdioServerParameters(command=command, args=[*prefix, "--db", str(db_path), "mcp", "--engine", "offline"],
                                   cwd=str(tmp_path))
    stray: list[Exception] = []

    async def on_message(message):
        if isinstance(message, Exception):  # a stdout line that is not a JSON-RPC message
            stray.append(message)

    errlog = (tmp_path / "stderr.txt").open("w")

    async def session():
        # legacy = the initialize handshake that today's hosts use
        async with Client(stdio_client(params, errlog=errlog), mode="legacy", message_handler=on_message) as client:
            assert client.server_info.name == "escalation-handler"
            names = {t.name for t in (await client.list_tools()).tools}
            assert WRITES | READS <= names
            result = await client.call_tool("triage_complaint", {"text": OUTAGE, "customer": "Acme", "tier": "enterprise"})
            assert not result.is_error, result.content
            assert result.structured_content["severity"] == "SEV-1"
            got = await client.call_tool("get_escalation", {"escalation_id": result.structured_content["id"]})
            assert got.structured_content["severity"] == "SEV-1"
            board = (await client.call_tool("list_escalations", {})).structured_content
            assert [r["id"] for r in board["escalations"]] == ["ESC-1"]
            assert "no escalation ESC-404" in error_text(await client.call_tool("get_escalation", {"escalation_id": "ESC-404"}))
            assert "no escalation" in error_text(await client.call_tool("get_escalation", {"escalation_id": "ESC-405"}))

    try:
        run(session)
    finally:
        errlog.close()
    assert stray == []
    assert "Traceback" not in (tmp_path / "stderr.txt").read_text()
    assert db_path.exists()  # --db was honoured


@pytest.mark.slow
def test_a_line_that_is_no_json_rpc_message_gets_its_error_and_the_server_goes_on(db_path, tmp_path):
    import json
    import subprocess

    initialize = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
                  "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
    lines = ["this is not json", '{"jsonrpc": "2.0", "method": 1}', json.dumps(initialize)]
    command = [*_escalate(), "--db", str(db_path), "mcp", "--engine", "offline"]
    done = subprocess.run(command, input="\n".join(lines) + "\n", capture_output=True, text=True, timeout=60, cwd=tmp_path)
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [(r.get("id"), r.get("error", {}).get("code")) for r in replies] == [(None, -32700), (None, -32600), (1, None)]
    assert replies[2]["result"]["serverInfo"]["name"] == "escalation-handler"
    assert done.returncode == 0 and "Traceback" not in done.stderr


def test_readme_lists_every_tool(server):
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Use from Claude (MCP)", 1)[1].split("\n## ", 1)[0]
    listed = set(re.findall(r"`([a-z_]+)`", section.split("Tools (", 1)[1].split(". Those", 1)[0]))

    async def session():
        async with Client(server) as client:
            assert listed == {t.name for t in (await client.list_tools()).tools}

    run(session)


# -- the command ------------------------------------------------------------------------------------


def test_mcp_command_takes_the_db_from_escalate_db(monkeypatch, tmp_path):
    from agent.faces import mcp as mcp_face

    seen = {}
    monkeypatch.setattr(mcp_face, "serve", lambda **kw: seen.update(kw))
    result = CliRunner().invoke(cli, ["mcp", "--engine", "offline"], env={"ESCALATE_DB": str(tmp_path / "env.db")})
    assert result.exit_code == 0, result.output
    assert seen == {"db_path": str(tmp_path / "env.db"), "policy_path": None, "engine": "offline", "model": None, "actor": None}


def test_mcp_without_the_extra_names_it_and_exits_2(monkeypatch):
    import agent.faces

    for name in [m for m in sys.modules if m == "mcp" or m.startswith("mcp.")]:
        monkeypatch.setitem(sys.modules, name, None)  # as if the SDK were not installed
    for name in [m for m in sys.modules if m.startswith("agent.faces.mcp")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(agent.faces, "mcp")
    result = CliRunner().invoke(cli, ["mcp"])
    assert result.exit_code == 2
    assert "escalation-handler[mcp]" in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_mcp_help_works_without_starting_a_server():
    result = CliRunner().invoke(cli, ["mcp", "--help"])
    assert result.exit_code == 0
    assert "Usage: " in result.output and "--db" in result.output


def test_an_as_of_outside_the_clocks_range_is_refused_with_its_reason(server):
    async def session():
        async with Client(server, raise_exceptions=True) as client:
            for name in ("metrics", "list_escalations"):
                for value in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00"):
                    said = error_text(await client.call_tool(name, {"as_of": value}))
                    assert "is outside 1990 to" in said, (name, value, said)
            fine = await client.call_tool("metrics", {"as_of": "2026-11-30T12:00:00+00:00"})
            assert not fine.is_error, fine.content

    run(session)
