"""Behaviours an audit could break with a one-character change and still pass the suite, pinned at
their edges: the SEV-2 floor at exactly 50 users and exactly $1,000; every blame phrase lint knows,
asserting the words are gone from the corrected text (not only that a finding says fixed); and the
redaction of PEM keys, Google API keys, github_pat_ tokens and passphrase / client-secret labels,
asserting the secret is absent from what would be sent (a no-op redaction fails)."""

from __future__ import annotations

import json

import pytest

from agent.redact import Redaction
from agent.rules import SIGNIFICANT_MONEY, SIGNIFICANT_USERS, is_significant, severity_floors
from agent.schemas import Tier
from agent.signals import Signals
from conftest import ok

FLOOR = "enterprise_significant_impact_is_at_least_sev2"


def floors(text: str, tier: Tier = Tier.ENTERPRISE) -> list[str]:
    return [f.rule for f in severity_floors(Signals.read(text, tier), tier)]


def test_the_thresholds_are_the_playbooks():
    assert (SIGNIFICANT_USERS, SIGNIFICANT_MONEY) == (50, 1_000)


@pytest.mark.parametrize("users, floored", [(49, False), (50, True), (51, True)])
def test_the_sev2_floor_starts_at_exactly_50_users(users, floored):
    text = f"The export feature is broken for {users} users since the update."
    sig = Signals.read(text, Tier.ENTERPRISE)
    assert sig.users_affected.value == users
    assert is_significant(sig) is floored
    assert floors(text) == ([FLOOR] if floored else [])
    assert floors(text, Tier.BUSINESS) == []  # the floor is for enterprise customers only


@pytest.mark.parametrize("amount, value, floored", [("$999", 999, False), ("$1,000", 1000, True), ("$1,001", 1001, True)])
def test_the_sev2_floor_starts_at_exactly_1000_dollars(amount, value, floored):
    text = f"Exports are failing and we estimate {amount} at risk per day."
    sig = Signals.read(text, Tier.ENTERPRISE)
    assert sig.money_at_risk.value == value
    assert is_significant(sig) is floored
    assert floors(text) == ([FLOOR] if floored else [])


@pytest.mark.parametrize("users, expected", [(49, "SEV-3"), (50, "SEV-2")])
def test_an_enterprise_triage_at_50_users_is_sev2(tmp_path, users, expected):
    db = tmp_path / "f.db"
    out = json.loads(ok(db, "triage", "--text", f"The export feature is broken for {users} users since the update.",
                        "--customer", "Acme", "--tier", "enterprise", "--engine", "offline", "--json",
                        "--at", "2026-11-25T09:00:00+00:00"))
    assert out["severity"] == expected


# -- blame language: each phrase lint knows, gone from the text -----------------------------------------

GREETING = "Hi Dana,\n\nThanks for your patience. "
FACT = "We restarted the export workers at 10:00 and exports run again."
SENTENCES = [  # a whole sentence that blames the customer or another team is removed
    "You failed to rotate the token before the upgrade.",
    "You forgot to renew the certificate.",
    "You did not follow the upgrade guide.",
    "You didn't follow the runbook we sent.",
    "You should have read the release notes.",
    "You should have known the limit was 10 MB.",
    "This was user error on your side.",
    "It was an operator error in your account.",
    "This is your fault, frankly.",
    "This was your own fault.",
    "This was not our fault.",
    "This is not our problem.",
    "This is not my responsibility.",
    "It was another team's fault.",
    "The outage was the other team's change.",
    "It was caused by another team.",
    "It was broken by your team.",
    "It was caused by the customer's configuration.",
    "The blame lies with the database vendor.",
    "The blame rests with the release process.",
    "Engineering broke the export job.",
    "The vendor is to blame here.",
]
ASIDES = [  # a reproachful aside is cut out of a sentence that otherwise stays
    ("As we told you before, the export needs a fresh token.", "as we told you before"),
    ("As previously stated, the export needs a fresh token.", "as previously stated"),
    ("Per my last email, the export needs a fresh token.", "per my last email"),
    ("As you should know, the export needs a fresh token.", "as you should know"),
    ("Obviously, the export needs a fresh token.", "obviously"),
    ("The export, obviously, needs a fresh token.", "obviously"),
    ("If you had read the guide, the export needs a fresh token.", "if you had read"),
]


@pytest.fixture(scope="module")
def escalation(tmp_path_factory):
    db = tmp_path_factory.mktemp("lint") / "l.db"
    ok(db, "triage", "--text", "Exports are broken for 80 users since the update.", "--customer", "Acme",
       "--contact", "Dana", "--at", "2026-11-25T09:00:00+00:00", "--engine", "offline")
    return db


def linted(db, text: str) -> dict:
    return json.loads(ok(db, "lint", "-", "--id", "ESC-1", "--json", input=text))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_each_blame_sentence_is_removed_from_the_text(escalation, sentence):
    result = linted(escalation, f"{GREETING}{sentence} {FACT}\n\nBest,\nSupport")
    assert sentence not in result["text"]
    assert sentence.rstrip(".").split(",")[0] not in result["text"]
    assert FACT in result["text"]  # only the blaming sentence goes
    assert "Hi Dana," in result["text"]
    assert [f["fixed"] for f in result["findings"] if f["rule"] == "blame_language"] == [True]


@pytest.mark.parametrize("sentence, aside", ASIDES)
def test_each_blaming_aside_is_cut_out(escalation, sentence, aside):
    result = linted(escalation, f"{GREETING}{sentence} {FACT}\n\nBest,\nSupport")
    assert aside not in result["text"].lower()
    assert "needs a fresh token" in result["text"] and FACT in result["text"]
    assert [f["fixed"] for f in result["findings"] if f["rule"] == "blame_language"] == [True]


def test_an_aside_at_the_start_of_a_paragraph_keeps_the_greeting(escalation):
    result = linted(escalation, "Hi Dana,\n\nObviously, we restarted the export workers.\n\nBest,\nSupport")
    assert result["text"].startswith("Hi Dana,\n\n")
    assert "obviously" not in result["text"].lower()


# -- redaction: the secret must be absent from what is sent ---------------------------------------------

PEM = ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7Vx0abcDEFghiJKLmnoPQRstuVWxyz0123456789\n"
       "q1w2e3r4t5y6u7i8o9p0ASDFGHJKLzxcvbnm\n-----END RSA PRIVATE KEY-----")
SECRETS = [
    ("pem", f"Here is our key:\n{PEM}\nplease check it.", [PEM, "MIIEowIBAAKCAQEA7Vx0", "q1w2e3r4t5y6"]),
    ("pem-openssh", "key:\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU\n-----END OPENSSH PRIVATE KEY-----",
     ["b3BlbnNzaC1rZXktdjEAAAAABG5vbmU"]),
    ("google", "Our maps key AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY stopped working.",
     ["AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"]),
    ("github-pat", "The token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF fails.",
     ["github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEF"]),
    ("passphrase", "The passphrase: correct-horse-battery-staple does not unlock it.", ["correct-horse-battery-staple"]),
    ("passphrase-is", "Our passphrase is Tr0ub4dor&3 and it stopped working.", ["Tr0ub4dor&3"]),
    ("client-secret", "client_secret=9f8e7d6c5b4a3210fedcba and client id 42.", ["9f8e7d6c5b4a3210fedcba"]),
    ("client-secret-spaced", "Client Secret: Xy7-QwErTy-9988 was rotated.", ["Xy7-QwErTy-9988"]),
]


@pytest.mark.parametrize("name, text, secrets", SECRETS, ids=[s[0] for s in SECRETS])
def test_secrets_are_absent_from_what_is_sent(name, text, secrets):
    session = Redaction()
    hidden = session.apply(text)
    for secret in secrets:
        assert secret not in hidden, (name, hidden)
    assert "⟦SECRET_1⟧" in hidden
    assert session.counts().get("SECRET", 0) >= 1
    assert hidden != text  # a redaction that does nothing fails here, whatever restore() says
    assert session.restore(hidden) == text  # and locally the text comes back whole
