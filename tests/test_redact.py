"""Personal data and secrets never reach the API; the API key never reaches the DB, output or cassettes.

agent/redact.py replaces emails, phone numbers, Luhn-valid card numbers, mod-97-valid IBANs, US SSNs,
UK NI numbers and credential-looking strings by placeholders before the anthropic engine sends
anything; the triage and the drafts get the real values back locally (a credential is withheld from
drafts). The engine tests answer through an httpx MockTransport that sees exactly what would be sent.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from functools import partial

import anthropic
import httpx2
import pytest
from click.testing import CliRunner
from conftest import CASSETTES, OPENED
from hypothesis import given, settings
from hypothesis import strategies as st
from test_faults import FaultyServer, closed_port, replay_only

from agent import drafting
from agent.faces.cli import cli
from agent.engines import claude
from agent.engines.claude import AnthropicEngine
from agent.redact import WITHHELD, Redaction, iban_ok, luhn, redact
from agent.store import Store
from agent.triage import triage_complaint

FAKE_KEY = "sk-ant-test-not-a-real-key"

CAUGHT = [
    ("EMAIL", "jane.doe+billing@acme.example"),
    ("EMAIL", "ops@mail.acme.co.uk"),
    ("PHONE", "+44 20 7946 0958"),
    ("PHONE", "+1 (555) 123-4567"),
    ("PHONE", "555-123-4567"),
    ("PHONE", "555-0100"),
    ("PHONE", "020 7946 0958"),
    ("CARD", "4111 1111 1111 1111"),
    ("CARD", "5500-0000-0000-0004"),
    ("CARD", "378282246310005"),
    ("IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("IBAN", "DE89370400440532013000"),
    ("SSN", "123-45-6789"),
    ("NINO", "AB 12 34 56 C"),
    ("NINO", "ab123456c"),
    ("SECRET", "sk-ant-api03-abcdefghijklmnop1234"),
    ("SECRET", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"),
    ("SECRET", "AKIAIOSFODNN7EXAMPLE"),
    ("SECRET", "ghp_abcdefghijklmnopqrstuvwxyz0123456789"),
    ("SECRET", "xoxb-1234567890-abcdefghij"),
    ("SECRET", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"),
]
CONTEXT_SECRETS = [  # the value after a label is the secret; the label stays
    ("password: hunter2!", "password: ", "hunter2!"),
    ("API_KEY=abcd1234efgh", "API_KEY=", "abcd1234efgh"),
    ("Authorization: Bearer abcdef1234567890xyz", "Authorization: Bearer ", "abcdef1234567890xyz"),
    ("our temporary password is Winter2026", "our temporary password is ", "Winter2026"),
]
LEFT_ALONE = [
    "Since 2026-11-25 09:00 UTC, and again on 28.11.2026 and 12/05/2026.",
    "The gateway at 192.168.100.200 runs version 4.2.10.",
    "Error 500 for 400 users; $20,000 at risk; ticket #123-456-789.",
    "We lost 10 000 000 rows.",
    "Card 4111 1111 1111 1112 fails the Luhn check.",
    "IBAN DE89 3704 0044 0532 0130 01 fails mod-97.",
    "Order 12345678 shipped; room 101, floor 3.",
    "An SSN-like 000-12-3456 is not valid.",
    "The token expired and the password reset page is blank.",
]


@pytest.mark.parametrize("kind, value", CAUGHT, ids=[f"{k}:{v[:18]}" for k, v in CAUGHT])
def test_each_kind_is_replaced_and_restored(kind, value):
    text = f"Please look at {value} today."
    hidden, session = redact(text)
    assert value not in hidden
    assert hidden == f"Please look at ⟦{kind}_1⟧ today."
    assert session.restore(hidden) == text


@pytest.mark.parametrize("text, label, value", CONTEXT_SECRETS)
def test_a_labelled_secret_keeps_its_label(text, label, value):
    hidden, session = redact(text)
    assert hidden == label + "⟦SECRET_1⟧"
    assert session.placeholders == {"⟦SECRET_1⟧": value}


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_look_alikes_are_left_alone(text):
    assert redact(text)[0] == text


def test_checksums():
    assert luhn("4111111111111111") and not luhn("4111111111111112")
    assert iban_ok("GB82 WEST 1234 5698 7654 32") and not iban_ok("GB83 WEST 1234 5698 7654 32")


def test_same_value_same_placeholder_across_texts():
    session = Redaction()
    a = session.apply("Mail jane@acme.example or bob@acme.example.")
    b = session.apply("As I said, jane@acme.example.")
    assert a == "Mail ⟦EMAIL_1⟧ or ⟦EMAIL_2⟧." and b == "As I said, ⟦EMAIL_1⟧."
    assert session.counts() == {"EMAIL": 2}


def test_restore_withholds_secrets_and_never_invents_a_value():
    session = Redaction()
    hidden = session.apply("key sk-ant-api03-abcdefghijklmnop1234 from jane@acme.example")
    assert session.restore(hidden, withhold=("SECRET",)) == f"key {WITHHELD} from jane@acme.example"
    # A placeholder this session never issued (a model's invention) is not guessed at: lint flags it.
    assert session.restore("Call ⟦PHONE_7⟧.") == "Call [redacted]."
    # Customer text that already looks like a placeholder cannot be turned into someone's data.
    assert session.apply("see ⟦EMAIL_1⟧") == "see [EMAIL_1]"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
       | st.lists(st.sampled_from([v for _, v in CAUGHT] + LEFT_ALONE + [" ", "\n", "x", "⟦EMAIL_1⟧"]), max_size=12).map(" ".join))
def test_round_trip(text):
    session = Redaction()
    hidden = session.apply(text)
    expected = text.replace("⟦", "[").replace("⟧", "]")
    assert session.restore(hidden) == expected


# -- the engine: what is sent, what is stored ----------------------------------------------------------

PERSONAL = {
    "email": "jane.doe@acme.example",
    "phone": "+44 20 7946 0958",
    "card": "4111 1111 1111 1111",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "ssn": "123-45-6789",
    "nino": "AB 12 34 56 C",
    "key": "sk-ant-api03-abcdefghijklmnop1234",
    "password": "Tr0ub4dor&3",
}
COMPLAINT = (
    f"Your billing page charged our card {PERSONAL['card']} twice for all 40 seats and the invoices page is down. "
    f"Contact {PERSONAL['email']} or {PERSONAL['phone']}. Pay the difference back to IBAN {PERSONAL['iban']}. "
    f"The account holder's SSN {PERSONAL['ssn']} and NI number {PERSONAL['nino']} were on the invoice. "
    f"Our admin password: {PERSONAL['password']} and the key {PERSONAL['key']} were pasted in the ticket too."
)
QUESTIONS = ["what", "when", "who", "business_impact", "tried", "workaround"]


def _message(data: dict) -> dict:
    """A structured-output answer: the JSON in one text block."""
    return {"id": "msg_01Redact", "type": "message", "role": "assistant", "model": claude.DEFAULT_MODEL,
            "content": [{"type": "text", "text": json.dumps(data, ensure_ascii=False)}],
            "stop_reason": "end_turn", "stop_sequence": None, "usage": {"input_tokens": 900, "output_tokens": 300}}


def _first(kind: str, text: str) -> str:
    return re.search(f"⟦{kind}_\\d+⟧", text).group(0)


def _answer(tool: str, text: str) -> dict:
    """Claude quoting back whatever placeholders it was given."""
    if tool == "EngineTriage":
        unknown = {"assessment": "unknown", "evidence": "unknown"}
        return {
            "severity": "SEV-2", "type": "business",
            "rationale": "Double billing for all 40 seats.",
            "summary": f"Card {_first('CARD', text)} charged twice; contact {_first('EMAIL', text)}",
            "impact": {"customer_tier": unknown, "revenue_at_risk": unknown, "business_criticality": unknown,
                       "public_exposure": unknown, "regulatory": unknown,
                       "users_affected": {"assessment": "the billing contact", "evidence": f"Contact {_first('EMAIL', text)}"}},
            "questions": [{"key": k, "question": f"{k}?", "answer": None, "follow_up": f"Tell us {k}?"} for k in QUESTIONS],
            "routing": {"team": "Account Management", "tier": "L3", "reason": "billing"},
        }
    return {"subject": "Your double charge",
            "body": (f"Hello Acme team,\n\nI'm sorry for the double charge on card {_first('CARD', text)}. "
                     f"We will write to {_first('EMAIL', text)}. Please rotate {_first('SECRET', text)} now.\n\nBest,\nSupport\n")}


@pytest.fixture
def fake_api():
    """A client whose transport answers like the Messages API and keeps every request body it was sent."""
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        seen.append(request.content.decode())
        text = body["messages"][0]["content"]
        kind = body["output_config"]["format"]["schema"]["title"]
        return httpx2.Response(200, json=_message(_answer(kind, text)))

    client = anthropic.Anthropic(api_key=FAKE_KEY, max_retries=0, base_url="https://api.anthropic.com",
                                 http_client=anthropic.DefaultHttpxClient(transport=httpx2.MockTransport(handler)))
    return client, seen


def test_nothing_personal_is_sent_and_the_record_has_the_real_values(fake_api, store, policy):
    client, seen = fake_api
    engine = AnthropicEngine(client=client, policy=policy)
    esc = triage_complaint(text=COMPLAINT, customer="Acme", tier="business", store=store, engine=engine, policy=policy, at=OPENED)
    outcome = drafting.create(store, esc.id, "update", engine=engine, moment=OPENED + timedelta(minutes=10))

    assert len(seen) == 2
    for body in seen:
        for value in PERSONAL.values():
            assert value not in body and json.dumps(value)[1:-1] not in body
    assert {"⟦EMAIL_1⟧", "⟦PHONE_1⟧", "⟦CARD_1⟧", "⟦IBAN_1⟧", "⟦SSN_1⟧", "⟦NINO_1⟧", "⟦SECRET_1⟧", "⟦SECRET_2⟧"} <= set(
        re.findall("⟦[A-Z]+_\\d+⟧", seen[0]))
    # The triage quotes the real words (so the evidence rule keeps them), the call log keeps what Claude said.
    assert esc.engine.name == "anthropic"
    assert esc.summary == f"Card {PERSONAL['card']} charged twice; contact {PERSONAL['email']}"
    assert esc.triage.impact.users_affected.evidence == f"Contact {PERSONAL['email']}"
    raws = " ".join(c["raw"] for c in store.model_calls(1))
    assert "⟦EMAIL_1⟧" in raws and PERSONAL["email"] not in raws
    # The draft has the real email and card back; the credential is not written into a message.
    body = outcome.draft.body
    assert PERSONAL["email"] in body and PERSONAL["card"] in body
    assert WITHHELD in body and PERSONAL["key"] not in body and PERSONAL["password"] not in body
    assert "⟦" not in body and "⟦" not in outcome.draft.subject


@pytest.mark.parametrize("flag", [[], ["--no-redact"]], ids=["default", "no-redact"])
def test_cli_no_redact_sends_the_text_as_written(flag, fake_api, monkeypatch, db_path):
    client, seen = fake_api
    monkeypatch.setenv("ANTHROPIC_API_KEY", FAKE_KEY)
    monkeypatch.setattr(claude, "AnthropicEngine", partial(AnthropicEngine, client=client))
    base = ["--db", str(db_path)]
    result = CliRunner().invoke(cli, [*base, "triage", "--text", COMPLAINT, "--customer", "Acme", "--engine", "anthropic", *flag])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(cli, [*base, "draft", "ESC-1", "update", "--engine", "anthropic", *flag])
    assert result.exit_code == 0, result.output
    assert len(seen) == 2
    for body in seen:
        user = json.loads(body)["messages"][0]["content"]  # the system prompt explains placeholders either way
        assert (PERSONAL["email"] in user) == bool(flag)
        assert ("⟦EMAIL_1⟧" in user) == (not flag)


def test_help_shows_no_redact():
    for command in ("triage", "draft"):
        assert "--no-redact" in CliRunner().invoke(cli, [command, "--help"]).output


# -- the API key -----------------------------------------------------------------------------------------

CANARY = "sk-ant-api03-CANARY7f3e9d1c5b-not-a-real-key-QQQQ"


@pytest.mark.allow_hosts(["127.0.0.1"])  # the local misbehaving server only
def test_the_api_key_is_never_stored_printed_or_recorded(monkeypatch, tmp_path):
    monkeypatch.setenv("ANTHROPIC_API_KEY", CANARY)
    monkeypatch.setattr(claude, "AnthropicEngine", partial(AnthropicEngine, max_retries=0, timeout=2.0))
    db = tmp_path / "escalations.db"
    outputs: list[str] = []

    def run(*args):
        result = CliRunner().invoke(cli, ["--db", str(db), *args])
        outputs.extend([result.stdout, result.stderr, str(result.exception or "")])
        return result

    triage = ["triage", "--customer", "Acme", "--engine", "anthropic", "--text"]
    # Failing calls: an error status, a refused connection, an HTML page, a proxy that echoes the key back.
    with replay_only("redact").use_cassette("overloaded_529.yaml") as cassette:
        failed = run(*triage, "The export fails with error 500.")
    # The 529 came from the cassette, not from a missing one: any failure would fall back with exit 0.
    assert cassette.all_played and cassette.play_count == 1
    assert failed.exit_code == 0 and failed.stderr.startswith("warning: Anthropic API 529 overloaded")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{closed_port()}")
    assert run(*triage, "The export fails again.").exit_code == 0
    for mode in ("html", "echo401"):
        with FaultyServer(mode) as server:
            monkeypatch.setenv("ANTHROPIC_BASE_URL", server.url)
            assert run(*triage, f"The export fails ({mode}).").exit_code == 0
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    # Succeeding calls: a triage and a draft, on a fixed clock (the draft's request names the next update's time).
    for module in ("agent.store", "agent.drafting", "agent.lifecycle", "agent.triage", "agent.delivery"):
        monkeypatch.setattr(f"{module}.now", lambda: OPENED + timedelta(minutes=10))
    with replay_only("redact").use_cassette("triage_then_draft.yaml") as cassette:
        answered = run(*triage, "Nobody in our company can log in since this morning.", "--json")
        drafted = run("draft", "ESC-5", "update", "--engine", "anthropic")
    assert cassette.all_played and cassette.play_count == 2
    assert answered.exit_code == 0 and json.loads(answered.stdout)["engine"] == "anthropic"
    assert drafted.exit_code == 0 and "by the anthropic engine" in drafted.stdout
    assert any("401" in o for o in outputs)  # the echoing proxy was reached, and reported by status only

    with Store(db) as store:
        errors = [c["error"] for c in store.db.query("SELECT error FROM model_calls")]
        # Reported with the API's message, the echoed credential masked.
        assert any(e and e.startswith("Anthropic API 401 authentication failed: invalid x-api-key: ⟦SECRET_") for e in errors)
    needles = (CANARY, CANARY[14:34])
    for text in outputs:
        assert not any(n in text for n in needles)
    for path in db.parent.glob(db.name + "*"):  # the DB, and its -wal / -shm if any
        data = path.read_bytes()
        assert not any(n.encode() in data for n in needles), path.name
    for path in CASSETTES.rglob("*"):
        if path.is_file():
            assert not any(n.encode() in path.read_bytes() for n in needles), path
