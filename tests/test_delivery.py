"""Delivery of a saved draft: --out FILE.eml (read back with the stdlib parser), --out FILE.md, and
--webhook URL to a local HTTP server on 127.0.0.1 that each test starts and that stops by itself."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from email import policy as email_policy
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from test_drafting import OPENED, clock, drafts_table, ok, open_export, run  # noqa: F401 (clock is a fixture)

LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])  # sockets for this test only, and only to 127.0.0.1


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """urllib must reach 127.0.0.1 itself, whatever proxy the environment names."""
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")


@contextmanager
def webhook_server(status: int = 200):
    """Answers one POST (or gives up after 5 s) and stops by itself; yields the URL and what it received."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append({"path": self.path, "content_type": self.headers["Content-Type"], "body": body})
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status == 200 else b"no")

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    server.timeout = 5
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/services/T000/B000/XXXX", received
    finally:
        thread.join(timeout=6)
        server.server_close()
    assert not thread.is_alive()


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def parse_eml(path):
    return BytesParser(policy=email_policy.default).parsebytes(path.read_bytes())


# -- files ---------------------------------------------------------------------------------------


def test_out_eml_parses_back_with_the_stdlib_parser(db_path, clock, tmp_path):
    open_export(db_path)
    clock.advance(30)
    out = tmp_path / "update.eml"
    result = run(db_path, "draft", "ESC-1", "update", "--engine", "offline", "--out", str(out))
    assert result.exit_code == 0, result.output
    # the default policy's [team] is not filled in: one warning line says so, then the file written
    warning, wrote = result.stderr.splitlines()
    assert warning.startswith("warning: the policy's [team] section has no company or contact_email")
    assert wrote == f"wrote {out}"
    saved = drafts_table(db_path)[-1]

    msg = parse_eml(out)
    assert msg["Subject"] == saved["subject"]
    assert msg["Subject"].startswith("[UPDATE] ESC-1 - The CSV export on the Invoices page fails")
    # No address is configured for us, none known for the contact: empty groups keep the names, never a
    # placeholder or bogus address.
    [group] = msg["From"].groups
    assert (group.display_name, group.addresses) == ("Sam Rivera", ())
    [group] = msg["To"].groups
    assert (group.display_name, group.addresses) == ("Priya Shah", ())
    assert msg["X-Escalation-Id"] == "ESC-1"
    assert parsedate_to_datetime(msg["Date"]) == clock.at
    assert msg.get_content_type() == "text/plain"
    assert msg.get_content() == saved["body"]
    assert msg.defects == [] and all(not msg[h].defects for h in ("From", "To", "Subject"))


def test_out_eml_uses_the_escalations_policy_and_quotes_names(db_path, clock, tmp_path):
    """The owner and channel come from the policy stored at triage, even when the draft is written
    without --policy; a name with a comma is one person; a contact with an address gets it."""
    policy = tmp_path / "acme.toml"
    policy.write_text('[teams.technical]\nowner = "Rivera, Sam"\nchannel = "sam.rivera@support.example or +1 555 0100"\n',
                      encoding="utf-8")
    ok(db_path, "triage", "--text", "The CSV export fails with error 500 for our whole finance team.", "--customer", "Müller GmbH",
       "--contact", "Jürgen Müller <juergen@mueller.example>", "--at", OPENED.isoformat(), "--engine", "offline", policy=policy)
    out = tmp_path / "ack.eml"
    ok(db_path, "draft", "ESC-1", "acknowledgment", "--engine", "offline", "--out", str(out))

    msg = parse_eml(out)
    [sender] = msg["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Rivera, Sam", "sam.rivera@support.example")
    [to] = msg["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Jürgen Müller", "juergen@mueller.example")
    assert "Your single point of contact is Rivera, Sam: sam.rivera@support.example or +1 555 0100." in msg.get_content()


def test_out_md(db_path, clock, tmp_path):
    open_export(db_path)
    out = tmp_path / "internal.md"
    ok(db_path, "draft", "ESC-1", "internal", "--engine", "offline", "--out", str(out))
    saved = drafts_table(db_path)[-1]
    text = out.read_text(encoding="utf-8")
    assert text == f"# {saved['subject']}\n\n_ESC-1 · Globex · internal_\n\n{saved['body']}"
    assert text.startswith("# [SEV-2] ESC-1 Globex (standard): The CSV export on the Invoices page fails")


@pytest.mark.parametrize("args, message", [
    (["--out", "reply.txt"], "--out reply.txt: use a .eml or .md file name"),
    (["--webhook", "ftp://hooks.example/x"], "--webhook 'ftp://hooks.example/x': give an http(s) URL"),
])
def test_bad_destination_is_refused_before_anything_is_drafted(db_path, clock, args, message):
    open_export(db_path)
    result = run(db_path, "draft", "ESC-1", "update", "--engine", "offline", *args)
    assert result.exit_code == 2
    assert result.stderr == f"error: {message}\n"
    assert [r["kind"] for r in drafts_table(db_path)] == ["acknowledgment"]  # only triage's


# -- webhook -------------------------------------------------------------------------------------


@LOCAL
def test_webhook_posts_slack_compatible_json(db_path, clock):
    text = "The CSV export fails with error 500 for all 12 users in finance <@U024BE7LH> & we need it by Friday."
    open_export(db_path, text=text, customer="Globex & Sons")
    with webhook_server() as (url, received):
        result = run(db_path, "draft", "ESC-1", "internal", "--engine", "offline", "--webhook", url)
    assert result.exit_code == 0, result.output
    assert result.stderr == "posted to webhook (HTTP 200)\n"
    saved = drafts_table(db_path)[-1]

    [request] = received
    assert request["path"] == "/services/T000/B000/XXXX"
    assert request["content_type"] == "application/json"
    payload = json.loads(request["body"])
    header, section, context = payload["blocks"]
    assert header == {"type": "header", "text": {"type": "plain_text", "text": saved["subject"][:150]}}
    assert section["type"] == "section" and section["text"]["type"] == "mrkdwn"
    assert context == {"type": "context", "elements": [{"type": "mrkdwn", "text": "ESC-1 · Globex &amp; Sons · internal"}]}
    # Slack's control characters from the customer are escaped: no mention, no link markup.
    assert "<@U024BE7LH>" not in request["body"].decode()
    assert "in finance &lt;@U024BE7LH&gt; &amp; we need it by Friday" in section["text"]["text"]
    unescaped = section["text"]["text"].replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert unescaped == saved["body"]
    assert payload["text"].startswith(saved["subject"].replace("&", "&amp;").replace("<", "&lt;") + "\n\n")


@LOCAL
def test_webhook_error_status_is_a_clear_error_with_the_draft_saved(db_path, clock):
    open_export(db_path)
    with webhook_server(status=500) as (url, received):
        result = run(db_path, "draft", "ESC-1", "update", "--engine", "offline", "--webhook", url)
    assert len(received) == 1
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "error: the webhook answered 500 Internal Server Error; the draft is saved, nothing was posted"
    assert [(r["kind"], r["passed"]) for r in drafts_table(db_path)] == [("acknowledgment", 1), ("update", 1)]


@LOCAL
def test_unreachable_webhook_is_a_clear_error_with_the_draft_saved(db_path, clock):
    open_export(db_path)
    url = f"http://127.0.0.1:{closed_port()}/hook"
    result = run(db_path, "draft", "ESC-1", "update", "--engine", "offline", "--webhook", url)
    assert result.exit_code == 1
    error = result.stderr.splitlines()[-1]
    assert error.startswith("error: could not reach the webhook (")
    assert error.endswith("); the draft is saved, nothing was posted")
    assert "Connection refused" in error
    assert len(result.stderr.splitlines()) == 2 and "Traceback" not in result.output  # the [team] warning, the error
    rows = drafts_table(db_path)
    assert [(r["kind"], r["passed"]) for r in rows] == [("acknowledgment", 1), ("update", 1)]
    assert "What we have done so far" in rows[-1]["body"]


def test_apology_eml_is_from_the_policys_executive_and_otherwise_from_the_owner(db_path, clock, tmp_path):
    from agent import delivery

    policy = tmp_path / "initech.toml"
    policy.write_text('[company]\nname = "Initech Cloud"\nexecutive = "Maria Chen"\nexecutive_title = "Chief Customer Officer"\n',
                      encoding="utf-8")
    open_export(db_path, policy=policy)
    out = tmp_path / "apology.eml"
    ok(db_path, "draft", "ESC-1", "apology", "--engine", "offline", "--out", str(out))
    msg = parse_eml(out)
    assert msg["Subject"] == "A personal apology from Maria Chen - ESC-1"
    [sender] = msg["From"].groups
    assert sender.display_name == "Maria Chen"
    # Other kinds stay from the owner.
    ok(db_path, "draft", "ESC-1", "update", "--engine", "offline", "--out", str(tmp_path / "update.eml"))
    [sender] = parse_eml(tmp_path / "update.eml")["From"].groups
    assert sender.display_name == "Sam Rivera"

    # No executive named: the apology is signed by the title alone, and the owner sends it.
    open_export(db_path, customer="Umbrella")
    ok(db_path, "draft", "ESC-2", "apology", "--engine", "offline", "--out", str(out))
    msg = parse_eml(out)
    assert msg["Subject"] == "A personal apology from Head of Customer Success - ESC-2"
    [sender] = msg["From"].groups
    assert sender.display_name == "Sam Rivera"

    # Given explicitly (the policy's company.executive), the name wins; empty means the owner.
    saved = drafts_table(db_path)[-1]
    from agent.schemas import Draft
    from agent.store import Store

    with Store(db_path) as store:
        esc = store.get("ESC-2")
    apology = Draft(kind="apology", subject=saved["subject"], body=saved["body"])
    assert delivery.signer(apology, esc, "Maria Chen") == "Maria Chen"
    assert delivery.signer(apology, esc, "") == "Sam Rivera"


def test_a_filled_team_section_signs_and_addresses_the_eml_without_a_warning(db_path, clock, tmp_path):
    policy = tmp_path / "acme.toml"
    policy.write_text('[team]\ncompany = "Acme Payments"\ncontact_email = "support@acme.example"\ncontact_phone = "+44 20 7946 0000"\n'
                      'agent = { name = "Sam Rivera", title = "Senior Support Engineer" }\n', encoding="utf-8")
    ok(db_path, "triage", "--text", "The CSV export fails with error 500 for our whole finance team.", "--customer", "Globex",
       "--contact", "Priya Shah", "--contact-email", "priya@globex.example", "--at", OPENED.isoformat(),
       "--engine", "offline", policy=policy)
    out = tmp_path / "ack.eml"
    result = run(db_path, "draft", "ESC-1", "acknowledgment", "--engine", "offline", "--out", str(out))
    assert result.exit_code == 0 and result.stderr == f"wrote {out}\n"
    msg = parse_eml(out)
    [sender] = msg["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Sam Rivera", "support@acme.example")
    [to] = msg["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Priya Shah", "priya@globex.example")
    body = msg.get_content()
    assert body.endswith("Sam Rivera\nSenior Support Engineer, Acme Payments\n")
    assert "support@acme.example, +44 20 7946 0000" in body


@pytest.mark.parametrize("address", ["priya", "priya@", "@globex.example", "priya globex.example", "a@b"])
def test_contact_email_that_is_not_an_address_exits_2(db_path, address):
    result = run(db_path, "triage", "--text", "The export fails.", "--customer", "Globex", "--contact-email", address)
    assert result.exit_code == 2 and result.stderr.startswith("error: --contact-email") and "not an e-mail address" in result.stderr
    result = run(db_path, "edit", "ESC-1", "--contact-email", address)
    assert result.exit_code == 2 and "not an e-mail address" in result.stderr
