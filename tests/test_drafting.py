"""Drafts of every kind through the CLI, offline: they pass lint, read naturally, follow the timeline and
the customer's time zone; `escalate lint` on human text; template syntax from customers stays literal.

The clock is frozen (every module's `now`), so each time in a draft is known exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from agent.faces.cli import cli
from agent.packing import unpack
from agent.wording import format_time

OPENED = datetime(2026, 11, 25, 14, 0, tzinfo=timezone.utc)  # Wed 09:00 in New York
TZ = "America/New_York"
EXPORT = (
    "Since this morning's release the CSV export on the Invoices page fails with error 500 for our finance team "
    "(about 12 users). We need the export for month-end close on Friday and there is no workaround."
)
CUSTOMER_KINDS = ("acknowledgment", "update", "summary", "apology", "resolution")


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, minutes: float) -> datetime:
        self.at += timedelta(minutes=minutes)
        return self.at


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(OPENED)
    for module in ("agent.store", "agent.drafting", "agent.lifecycle", "agent.triage", "agent.delivery"):
        monkeypatch.setattr(f"{module}.now", frozen)
    return frozen


def run(db_path, *args, policy=None):
    pre = ["--db", str(db_path)] + (["--policy", str(policy)] if policy else [])
    return CliRunner().invoke(cli, [*pre, *args], catch_exceptions=False)


def ok(db_path, *args, **kw):
    result = run(db_path, *args, **kw)
    assert result.exit_code == 0, result.output
    return result


def open_export(db_path, *extra, policy=None, text=EXPORT, customer="Globex", contact="Priya Shah"):
    """SEV-2 (2 h update cadence) for a standard-tier customer in New York: moderate impact, 1 month credit at most."""
    result = ok(db_path, "triage", "--text", text, "--customer", customer, "--contact", contact, "--owner", "Sam Rivera",
                "--tz", TZ, "--at", OPENED.isoformat(), "--engine", "offline", "--json", *extra, policy=policy)
    return json.loads(result.stdout)


def draft(db_path, ident, kind, *extra) -> dict:
    data = json.loads(ok(db_path, "draft", ident, kind, "--engine", "offline", "--json", *extra).stdout)
    assert data["passed"] is True, data["findings"]
    return data


def drafts_table(db_path) -> list[dict]:
    with sqlite3.connect(db_path) as conn:
        conn.row_factory = sqlite3.Row
        rows = [dict(r) for r in conn.execute("SELECT * FROM drafts ORDER BY id")]
    for r in rows:  # bodies are stored packed (agent/packing.py)
        r["body"] = unpack(r["body"])
    return rows


def new_york(moment: datetime) -> str:
    return format_time(moment, TZ)


# -- the next update time: the SLA plan's, in the customer's time zone ----------------------------


def test_acknowledgment_and_update_promise_the_plans_next_update_in_the_customers_zone(db_path, clock):
    esc = open_export(db_path)
    assert esc["severity"] == "SEV-2"
    planned = datetime.fromisoformat(esc["sla"]["next_update_due"])
    assert planned == OPENED + timedelta(hours=2)
    assert new_york(planned) == "11:00 EST on Wed 25 Nov 2026"

    # The acknowledgment stored at triage promises the plan's time, in New York time.
    ack = esc["drafts"]["acknowledgment"]["body"]
    assert "You will hear from me by 11:00 EST on Wed 25 Nov 2026 with an update" in ack
    assert "UTC" not in ack

    # Acknowledged at 09:20 EST: the update clock restarts from there and the update draft follows it.
    clock.advance(20)
    ok(db_path, "ack", "ESC-1")
    clock.advance(20)
    shown = json.loads(ok(db_path, "show", "ESC-1", "--json").stdout)
    [update_clock] = [c for c in shown["clocks"] if c["name"] == "update"]
    due = datetime.fromisoformat(update_clock["due"])
    assert due == OPENED + timedelta(minutes=20, hours=2)
    update = draft(db_path, "ESC-1", "update")
    assert f"You will hear from me by {new_york(due)} with the next update" in update["body"]
    assert new_york(due) == "11:20 EST on Wed 25 Nov 2026"
    assert [f["rule"] for f in update["findings"]] == []


# -- every kind, offline, along the timeline -------------------------------------------------------


def test_every_kind_passes_lint_reads_naturally_and_follows_the_timeline(db_path, clock):
    open_export(db_path)
    before = draft(db_path, "ESC-1", "update")
    assert "nothing has been ruled out yet" in before["body"]

    clock.advance(20)
    ok(db_path, "ack", "ESC-1")
    clock.advance(15)
    ok(db_path, "log", "ESC-1", "Rolled back this morning's release of the export service", "--kind", "action")
    ok(db_path, "log", "ESC-1", "The new invoice-number format breaks the CSV writer", "--kind", "hypothesis")
    clock.advance(5)

    drafts = {kind: draft(db_path, "ESC-1", kind) for kind in ("acknowledgment", "update", "internal", "summary", "apology")}

    # What `escalate log --kind action` recorded is in the update, and the latest lead is named.
    update = drafts["update"]["body"]
    assert "What we have done so far:\n- Rolled back this morning's release of the export service\n" in update
    # An unconfirmed hypothesis and our team names are for internal eyes only (issue 11).
    assert "invoice-number format" not in update and "lead" not in update
    assert "invoice-number format breaks the CSV writer" in drafts["internal"]["body"]
    assert "nothing has been ruled out yet" not in update
    assert "Current status: our engineers are actively investigating." in update
    # ... and in the internal note and the summary's timeline, at New York times.
    assert "Done so far:\n- Rolled back this morning's release of the export service" in drafts["internal"]["body"]
    summary = drafts["summary"]["body"]
    assert "- 09:00 EST on Wed 25 Nov 2026: Escalation opened\n" in summary
    assert "- 09:20 EST on Wed 25 Nov 2026: We acknowledged the issue\n" in summary
    assert "- 09:35 EST on Wed 25 Nov 2026: Action: Rolled back this morning's release of the export service\n" in summary
    assert "The issue is still open; our target for resolution is 17:00 EST on Wed 25 Nov 2026." in summary

    # A resolution notice before `escalate resolve` is refused, and nothing is saved.
    saved = len(drafts_table(db_path))
    refused = run(db_path, "draft", "ESC-1", "resolution", "--engine", "offline")
    assert refused.exit_code == 2
    assert refused.stderr == ("error: cannot draft a resolution notice: ESC-1 is investigating; "
                              "record the fix first with `escalate resolve ESC-1`\n")
    assert len(drafts_table(db_path)) == saved

    clock.advance(60)
    ok(db_path, "resolve", "ESC-1", "--summary", "Fixed the CSV writer for the new invoice numbers and redeployed")
    clock.advance(5)
    drafts["resolution"] = draft(db_path, "ESC-1", "resolution")
    resolution = drafts["resolution"]["body"]
    assert "As of 10:40 EST on Wed 25 Nov 2026, the issue where the CSV export on the Invoices page fails" in resolution
    assert "I would like you to confirm that everything now works as expected on your side" in resolution
    assert ("What we did:\n- Rolled back this morning's release of the export service\n"
            "- Fixed the CSV writer for the new invoice numbers and redeployed\n") in resolution

    for kind, data in drafts.items():
        body, subject = data["body"], data["subject"]
        assert data["engine"] == "offline"
        for leftover in ("[", "{{", "{%", "TODO", "TBD", "<", "None", "fully resolved"):
            assert leftover not in body, (kind, leftover)
            assert leftover not in subject.removeprefix("[URGENT] ").removeprefix("[UPDATE] ").removeprefix("[SEV-2] "), (kind, leftover)
        if kind == "internal":
            # The team reads the customer's words as written.
            assert body.startswith("SEV-2 technical escalation for Globex (standard tier), status investigating.")
            assert f"What the customer reports: {EXPORT.split('. ')[0]}" in body
            continue
        # Customer messages: greeted by name, signed by the owner, the issue in the customer's own
        # description addressed back to them ("your finance team", never "our finance team").
        assert body.startswith("Hi Priya Shah,\n\n"), kind
        assert "the CSV export on the Invoices page fails with error 500" in body
        assert not re.search(r"\bour finance team", body) and "your finance team" in body, kind
        assert "Sam Rivera" in body and "escalations@support.example" not in body  # no placeholder address

    assert drafts["acknowledgment"]["subject"] == (
        "[URGENT] We're on it - The CSV export on the Invoices page fails with error 500 for your…")
    assert drafts["update"]["subject"] == (
        "[UPDATE] ESC-1 - The CSV export on the Invoices page fails with error 500 for your…")
    assert "What happened: Since this morning's release the CSV export on the Invoices page fails with error 500 " \
           "for your finance team (about 12 users)." in drafts["resolution"]["body"]

    rows = drafts_table(db_path)
    assert [r["kind"] for r in rows] == ["acknowledgment", "update", "acknowledgment", "update", "internal", "summary",
                                         "apology", "resolution"]
    assert all(r["passed"] == 1 and r["engine"] == "offline" and r["prompt_hash"] for r in rows)


def test_resolution_never_claims_fully_resolved_before_the_customer_confirms(db_path, clock, tmp_path):
    open_export(db_path)
    clock.advance(10)
    ok(db_path, "ack", "ESC-1")
    clock.advance(50)
    ok(db_path, "resolve", "ESC-1")
    pending = draft(db_path, "ESC-1", "resolution")["body"]
    assert "fully" not in pending
    assert "is resolved, and I would like you to confirm" in pending
    assert "- Our engineers investigated and put the fix in place." in pending

    # A human writing "fully resolved" before confirmation loses the "fully" in `escalate lint` ...
    note = tmp_path / "note.txt"
    note.write_text("Hi Priya,\n\nI'm sorry for the disruption. The export is fully resolved.\n\n"
                    "Sam Rivera, escalations@support.example\n", encoding="utf-8")
    before = json.loads(ok(db_path, "lint", str(note), "--id", "ESC-1", "--kind", "resolution", "--json").stdout)
    assert [(f["rule"], f["found"]) for f in before["findings"] if f["severity"] == "error"] == [
        ("premature_resolution_claim", "fully resolved")]
    assert "I'm sorry for the disruption. The export is resolved.\n" in before["text"]

    # ... and allowed once the customer confirmed; the resolution notice then asks nothing more.
    clock.advance(30)
    ok(db_path, "confirm", "ESC-1")
    after = json.loads(ok(db_path, "lint", str(note), "--id", "ESC-1", "--kind", "resolution", "--json").stdout)
    assert [f["rule"] for f in after["findings"]] == ["specific_next_steps"] and after["passed"] is True
    assert "The export is fully resolved." in after["text"]
    confirmed = draft(db_path, "ESC-1", "resolution")["body"]
    assert "please confirm" not in confirmed.lower() and "I would like you to confirm" not in confirmed
    assert confirmed.startswith("Hi Priya Shah,\n\nAs of 10:00 EST on Wed 25 Nov 2026, the issue where the CSV export on "
                                "the Invoices page fails with error 500 for your finance team (about 12 users) is resolved.\n")


def test_apology_is_signed_by_the_executive_in_the_policy_file(db_path, clock, tmp_path):
    policy = tmp_path / "initech.toml"
    policy.write_text('[company]\nname = "Initech Cloud"\nexecutive = "Maria Chen"\nexecutive_title = "Chief Customer Officer"\n',
                      encoding="utf-8")
    open_export(db_path, policy=policy)
    clock.advance(30)
    # The policy stored at triage signs it, even when the draft is asked for without --policy.
    apology = draft(db_path, "ESC-1", "apology")
    assert apology["subject"] == "A personal apology from Maria Chen - ESC-1"
    assert apology["body"].startswith("Hi Priya Shah,\n\nI am writing personally to apologise for the disruption you "
                                      "experienced with the issue where the CSV export on the Invoices page fails with "
                                      "error 500 for your finance team (about 12 users).")
    assert apology["body"].endswith("With my apologies,\n\nMaria Chen\nChief Customer Officer, Initech Cloud\n")
    # the shipped placeholder address is never given to a customer as if it were real
    assert "Sam Rivera remains your single point of contact, and" in apology["body"]
    assert "support.example" not in apology["body"]


def test_apology_without_an_executive_is_signed_by_the_title(db_path, clock):
    open_export(db_path)
    apology = draft(db_path, "ESC-1", "apology")
    assert apology["subject"] == "A personal apology from Head of Customer Success - ESC-1"
    assert apology["body"].endswith("With my apologies,\n\nHead of Customer Success\n")


def test_the_customers_own_blaming_words_are_quoted_not_cut(db_path, clock):
    """A complaint saying 'your agent said it was user error' is what happened, not our blame:
    the acknowledgment keeps it, and the subject is not emptied."""
    text = "Your agent said it was user error, but the CSV export still fails with error 500 for all 30 of our users."
    esc = open_export(db_path, text=text)
    ack = esc["drafts"]["acknowledgment"]
    assert ack["subject"] == "We're on it - Our agent said it was user error, but the CSV export still fails with…"
    assert ("I understand that our agent said it was user error, but the CSV export still fails with error 500 "
            "for all 30 of your users") in ack["body"]
    [row] = drafts_table(db_path)
    assert json.loads(row["findings"]) == [] and row["passed"] == 1


# -- `escalate lint` on human-written text -------------------------------------------------------


def test_lint_only_removes_from_human_text_and_names_what_is_missing(db_path, clock, tmp_path):
    """Blame, an over-policy credit and a wrong next-update time are removed, never rewritten; the time the
    text then lacks is named (from the clock) and the text fails until the writer adds it."""
    open_export(db_path)
    clock.advance(20)
    ok(db_path, "ack", "ESC-1")
    clock.advance(20)
    text = ("Hi Priya,\n\nSorry about the export. As we already told you, large exports are slow. "
            "This was user error on your side. We can offer a six-month credit.\n\n"
            "I'll update you by 4pm today.\n\nSam\n")
    human = tmp_path / "reply.txt"
    human.write_text(text, encoding="utf-8")

    result = run(db_path, "lint", str(human), "--id", "ESC-1")
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "FAILED: 6 finding(s)"
    assert "  [next_update_time] 'no next-update time' → needs: by 11:20 EST on Wed 25 Nov 2026 (NOT FIXED)" in lines
    corrected = "Hi Priya,\n\nSorry about the export. Large exports are slow.\n\nSam"
    assert result.stdout.endswith("\n\n" + corrected + "\n")

    data = json.loads(run(db_path, "lint", str(human), "--id", "ESC-1", "--json").stdout)
    assert data["passed"] is False
    assert data["text"] == corrected + "\n"
    got = [(f["rule"], f["span"] and text[f["span"][0]:f["span"][1]], f["fix"], f["fixed"]) for f in data["findings"]]
    assert got == [
        ("blame_language", "This was user error on your side.", "sentence removed", True),
        ("blame_language", "As we already told you", "phrase removed", True),
        ("credit_within_policy", "a six-month credit",
         "sentence removed: over the 1-month limit at moderate impact, and no recovery plan holds a credit", True),
        ("next_update_time", "4pm today", "sentence removed: the clock says 11:20 EST on Wed 25 Nov 2026", True),
        ("next_update_time", None, "needs: by 11:20 EST on Wed 25 Nov 2026", False),
        ("specific_next_steps", None, None, False),
    ]
    # With the clock's time written in, the same text passes.
    human.write_text(text.replace("4pm today", "11:20 EST on Wed 25 Nov 2026"), encoding="utf-8")
    assert run(db_path, "lint", str(human), "--id", "ESC-1").exit_code == 0


def test_lint_exits_1_when_an_unfixable_error_remains(db_path, clock, tmp_path):
    open_export(db_path)
    human = tmp_path / "reply.txt"
    human.write_text("Hi [Name],\n\nSorry for the trouble with the export. You will hear from me by 11:00 EST on Wed 25 Nov 2026.\n\n"
                     "Sam Rivera, escalations@support.example\n", encoding="utf-8")
    result = run(db_path, "lint", str(human), "--id", "ESC-1", "--kind", "acknowledgment")
    assert result.exit_code == 1
    assert result.stdout.startswith("FAILED: 1 finding(s)\n  [unfilled_placeholder]@3-9 '[Name]' (NOT FIXED)\n")

    data = json.loads(run(db_path, "lint", str(human), "--id", "ESC-1", "--json").stdout)
    assert data["passed"] is False
    assert data["findings"] == [{"rule": "unfilled_placeholder", "span": [3, 9], "found": "[Name]", "fix": None,
                                 "fixed": False, "severity": "error"}]

    # stdin works too, and an unknown escalation is a usage error.
    piped = CliRunner().invoke(cli, ["--db", str(db_path), "lint", "-", "--id", "ESC-1"], input="Hi [Name], sorry.")
    assert piped.exit_code == 1
    assert run(db_path, "lint", str(human), "--id", "ESC-9").exit_code == 2


# -- template syntax from the customer renders literally, in every kind ------------------------


def test_template_syntax_in_complaint_and_names_renders_literally_in_every_kind(db_path, clock):
    text = "Our {{ config.SECRET }} page shows {% raw %} and {{ 7*7 }} and all our orders are gone."
    esc = open_export(db_path, text=text, customer="{{ customer.name }} Ltd", contact="{% if x %}Ann")
    assert esc["severity"] == "SEV-1"
    clock.advance(10)
    ok(db_path, "ack", "ESC-1")
    ok(db_path, "log", "ESC-1", "Checked why {{ 7*7 }} shows on the page", "--kind", "action")
    clock.advance(10)
    drafts = {kind: draft(db_path, "ESC-1", kind) for kind in ("acknowledgment", "update", "internal", "summary", "apology")}
    clock.advance(10)
    ok(db_path, "resolve", "ESC-1")
    drafts["resolution"] = draft(db_path, "ESC-1", "resolution")

    for kind, data in drafts.items():
        whole = data["subject"] + "\n" + data["body"]
        assert data["findings"] == [] or {f["rule"] for f in data["findings"]} == {"specific_next_steps"}, (kind, data["findings"])
        assert "49" not in whole, kind
        assert "{{ config.SECRET }} page shows {% raw %} and {{ 7*7 }}" in whole, kind
        if kind == "internal":
            assert "for {{ customer.name }} Ltd (standard tier)" in whole
        else:
            assert data["body"].startswith("Hi {% if x %}Ann,\n"), kind
    assert "- Checked why {{ 7*7 }} shows on the page" in drafts["update"]["body"]
    assert "the incident that affected {{ customer.name }} Ltd." in drafts["summary"]["body"]
    assert all(r["passed"] == 1 for r in drafts_table(db_path))


# -- after `escalate severity`: the live clocks, routing and stakeholders of the current severity ----


def test_drafts_after_a_severity_change_follow_the_new_severitys_plan(db_path, clock):
    esc = open_export(db_path)
    assert esc["severity"] == "SEV-2" and esc["routing"]["tier"] != "Incident Commander"
    clock.advance(20)
    ok(db_path, "ack", "ESC-1")
    clock.advance(10)
    ok(db_path, "severity", "ESC-1", "SEV-1", "--reason", "All exports now fail for every user.")
    clock.advance(5)

    internal = draft(db_path, "ESC-1", "internal")["body"]
    assert "Routed to Engineering (Incident Commander)." in internal
    assert "Stakeholders to notify: customer, executive sponsor, all hands (engineering, support, CSM).\n" in internal
    assert "Why SEV-1: severity changed from SEV-2 to SEV-1 (All exports now fail for every user).\n" in internal
    assert esc["rationale"] not in internal
    # The SEV-1 clocks from the change at 09:30 EST: updates every 30 min, resolution within 4 h.
    assert ("Clocks: next customer update by 10:00 EST on Wed 25 Nov 2026; "
            "resolution by 13:30 EST on Wed 25 Nov 2026.") in internal
    assert "17:00 EST" not in internal  # the SEV-2 resolution target set at triage

    update = draft(db_path, "ESC-1", "update")["body"]
    assert "- Our target for a full resolution is 13:30 EST on Wed 25 Nov 2026." in update
    # Who is alerted internally and our routing are for the internal note, never the customer (issue 11).
    assert "Engineering (Incident Commander)" not in update and "our engineers have the issue" in update
    ack = draft(db_path, "ESC-1", "acknowledgment")["body"]
    assert "executive sponsor" not in ack and "all hands" not in ack and "Incident Commander" not in ack
    assert "Routed to Engineering (Incident Commander)." in internal


def test_lint_cli_exits_1_whenever_it_prints_failed(db_path, clock, tmp_path):
    open_export(db_path)
    human = tmp_path / "reply.txt"
    for text in ("Hi [CUSTOMER NAME],\n\nSorry for the trouble. We will call you at [TIME] on [DATE].\n",
                 "Hi Priya,\n\nSorry for the trouble. The new export is at [LINK].\n"):
        human.write_text(text, encoding="utf-8")
        for kind in ("update", "acknowledgment", "internal", "summary"):
            result = run(db_path, "lint", str(human), "--id", "ESC-1", "--kind", kind)
            assert result.stdout.startswith("FAILED: "), (kind, result.stdout)
            assert "[unfilled_placeholder]" in result.stdout and result.exit_code == 1, (kind, result.stdout)


# -- acknowledgment wording the customer receives --------------------------------------------------


def test_acknowledgment_names_the_priority_not_the_policy_criteria(db_path, clock):
    esc = open_export(db_path)
    ack = esc["drafts"]["acknowledgment"]["body"]
    assert "- We have logged this as ESC-1 at SEV-2, high priority.\n" in ack
    assert "major feature broken" not in ack
    sev1 = open_export(db_path, text="All our orders are gone from the dashboard since the release: production is down.")
    assert sev1["severity"] == "SEV-1"
    assert "- We have logged this as ESC-2 at SEV-1, our highest priority.\n" in sev1["drafts"]["acknowledgment"]["body"]
    assert "production down, data loss" not in sev1["drafts"]["acknowledgment"]["body"]


def test_the_customers_asides_are_dropped_not_turned_into_you_know(db_path, clock):
    text = ("I know you are busy, but the CSV export on the Invoices page, I guess, is slow for our finance team. "
            "It works, just slowly.")
    ack = open_export(db_path, text=text)["drafts"]["acknowledgment"]["body"]
    assert "I understand that the CSV export on the Invoices page is slow for your finance team." in ack
    for aside in ("you know", "you guess", "you think", "I guess", "we are busy"):
        assert aside not in ack.replace("I know how", ""), aside


def test_security_acknowledgment_asks_about_exposure_and_acknowledges_the_concern(db_path, clock):
    text = ("Since this morning users of our portal can see other companies' invoices, I think, and their contact "
            "details. This is a data leak.")
    esc = open_export(db_path, text=text)
    assert esc["type"] == "security"
    ack = esc["drafts"]["acknowledgment"]["body"]
    assert "I'm sorry for the disruption" not in ack
    assert ("I take the possible exposure of your data as seriously as you do: it may affect you and your users, "
            "and I am taking ownership of it from here.\n\nHere is what is happening right now:") in ack
    assert ("To speed things up, could you tell me:\n"
            "- Who may have seen or accessed the data (which people, accounts or outside parties)?\n"
            "- Which accounts, passwords, API keys or other credentials should be rotated or revoked now?\n") in ack
    assert "Since when" not in ack  # they told us: "Since this morning"
    assert "What have you tried" not in ack and "keep working" not in ack
    assert "you think" not in ack and "I think" not in ack


def test_an_acknowledgment_of_a_false_alarm_thanks_and_offers_to_close_instead_of_asking_who_is_affected(db_path, clock):
    text = ("Hi, we reported this morning that nobody could log in. False alarm: it was our own proxy blocking your domain. "
            "All good now, please close this ticket.\n\nThanks, Tom")
    esc = open_export(db_path, text=text, contact="Tom")
    ack = esc["drafts"]["acknowledgment"]
    assert ack["subject"].startswith("Thank you for letting us know - ")
    assert ('I understand that you reported this morning that nobody could log in, and that it is over now ("All good now"). '
            "I'm sorry for the trouble it caused") in ack["body"]
    assert f"- We have logged this as ESC-1 at {esc['severity']}" in ack["body"]
    assert "and will close it unless you tell us otherwise.\n- If it comes back, reply to this message" in ack["body"]
    assert esc["severity"] == "SEV-4"  # no update cadence: it says when it will close
    assert esc["sla"]["resolution_due"] == "2026-12-02T09:00:00-05:00"
    assert "\n\nUnless I hear from you, I will close it no later than 09:00 EST on Wed 2 Dec 2026.\n\n" in ack["body"]
    assert "could you tell me" not in ack["body"] and "disruption this is causing" not in ack["body"]
    # still down: the usual acknowledgment, with its questions
    still = open_export(db_path, text="We reported this morning that nobody could log in. It is still down, please close "
                        "this ticket only once it is fixed.", contact="Tom")
    body = still["drafts"]["acknowledgment"]["body"]
    assert "over now" not in body and "We're on it" in still["drafts"]["acknowledgment"]["subject"]


def test_an_update_for_a_confirmed_or_closed_escalation_is_refused_pointing_to_summary(db_path, clock):
    open_export(db_path)
    clock.advance(10)
    ok(db_path, "ack", "ESC-1")
    clock.advance(30)
    ok(db_path, "resolve", "ESC-1", "--summary", "Fixed the CSV writer")
    draft(db_path, "ESC-1", "update")  # resolved, not yet confirmed: the update asks them to check
    clock.advance(30)
    ok(db_path, "confirm", "ESC-1")
    saved = len(drafts_table(db_path))
    refused = run(db_path, "draft", "ESC-1", "update", "--engine", "offline")
    assert refused.exit_code == 2
    assert refused.stderr == ("error: cannot draft an update: ESC-1 is confirmed, there is nothing left to update; "
                              "send the incident summary with `escalate draft ESC-1 summary`\n")
    assert len(drafts_table(db_path)) == saved
    assert "Timeline:" in draft(db_path, "ESC-1", "summary")["body"]
    clock.advance(5)
    ok(db_path, "close", "ESC-1")
    refused = run(db_path, "draft", "ESC-1", "update", "--engine", "offline")
    assert refused.exit_code == 2 and "ESC-1 is closed" in refused.stderr and "`escalate draft ESC-1 summary`" in refused.stderr


def _reading(p: float, threshold: float = 0.12, source: str = "shipped"):
    return SimpleNamespace(model=SimpleNamespace(source=source, security_probability=p, security_threshold=threshold))


def test_a_security_type_the_model_gave_alone_tells_the_customer_of_no_exposure():
    from agent.drafting import exposure_described

    cancel = ("I've been trying to cancel my subscription for 3 weeks. Nobody answers my emails and you keep "
              "charging me 29 USD every month. I'm going to report you to my bank.")
    assert not exposure_described(_reading(0.18), cancel)
    assert not exposure_described(_reading(0.12), cancel)  # exactly at the threshold: the model's call alone
    leak = "Since this morning users of our portal can see other companies' invoices and their contact details."
    assert exposure_described(_reading(0.18), leak)  # the customer describes it: the exposure wording stays
    assert exposure_described(_reading(0.1199), cancel)  # under the threshold: the rules typed it security
    assert exposure_described(_reading(0.5, source="none"), cancel)  # no model read it
    assert exposure_described(SimpleNamespace(model=None), cancel)  # Claude typed it


def test_the_impact_is_told_in_the_past_once_resolved(db_path, clock):
    text = EXPORT + " We lose EUR 15,000 a day while we wait."
    open_export(db_path, text=text)
    before = draft(db_path, "ESC-1", "update")["body"]
    assert "it puts EUR 15,000 a day at risk" in before
    ok(db_path, "ack", "ESC-1")
    clock.advance(60)
    ok(db_path, "resolve", "ESC-1", "--summary", "the export job has its memory limit back")
    for kind in ("resolution", "apology", "summary"):
        body = draft(db_path, "ESC-1", kind)["body"]
        assert "it put EUR 15,000 a day at risk" in body and "it puts" not in body, (kind, body)


def test_no_shipped_template_line_loses_its_line_end_to_an_inline_block_tag():
    """trim_blocks drops the line end after a block tag that closes a line: right for a line of tags alone, wrong
    after text ('... does not happen again.{% endif %}' ran the apology into its next paragraph, the internal brief's
    'Clocks:' into 'Still to find out'). Such a line keeps its end with '+%}'."""
    from pathlib import Path

    tag = re.compile(r"\{%-?\s*(?:if|elif|else|endif|for|endfor)\b[^%]*?(?<![+-])-?%\}$")  # not "+%}"
    found = []
    for path in sorted((Path(__file__).resolve().parents[1] / "prompts" / "messages").glob("*.j2")):
        lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
        for number, line in enumerate(lines[:-1], 1):  # jinja drops the file's last line end anyway
            if tag.search(line) and re.sub(r"\{%.*?%\}", "", line).strip():
                found.append(f"{path.name}:{number}")
    assert found == []
