"""Delivery against real receivers on 127.0.0.1 that each test starts: an HTTP server that verifies the
webhook's HMAC signature (and can fail on purpose), and an SMTP server with STARTTLS and AUTH.
Retries never sleep: the notifier is handed a sleep that only records the delays."""

from __future__ import annotations

import pytest
from notify_support import MONDAY, SECRET, Receiver, escalate, minutes, policy_from, smtp_server, step, webhook_policy

from agent import board, notify

LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])
FR_BREACH = '[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n'
AFTER_BREACH = MONDAY + minutes(16)


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NOTIFY_TEST_SECRET", SECRET)


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def events(store, number, kind):
    return [e for e in store.get(number).events if e.kind == kind]


@LOCAL
def test_webhook_is_signed_so_the_receiver_can_verify_it_and_is_sent_once(store):
    number = escalate(store)
    with Receiver(secret=SECRET) as rx:
        policy = policy_from(webhook_policy(rx.url, ladder=FR_BREACH))
        report = notify.run(store, policy, AFTER_BREACH, sleep=Sleeps())
        again = notify.run(store, policy, AFTER_BREACH + minutes(30), sleep=Sleeps())
    assert rx.bad_signatures == 0 and len(rx.received) == 1
    body = rx.received[0]["json"]
    assert body["type"] == "escalation.breach"
    assert (body["escalation_id"], body["clock"], body["recipient"]) == ("ESC-1", "first_response", "owner")
    assert body["deadline"] == "2026-11-23T09:15:00+00:00" and body["countdown"] == "overdue by 1m"
    assert body["next_action"].startswith("Acknowledge Acme Corp by 09:15")
    assert rx.received[0]["headers"]["X-Escalate-Delivery"] == body["delivery"] == report.deliveries[0].delivery
    assert again.deliveries == []
    (event,) = events(store, number, "notified")
    assert (event.actor, event.at, event.data["result"], event.data["attempts"]) == ("notifier", AFTER_BREACH, "HTTP 200", 1)
    assert event.data["channel_type"] == "webhook" and event.data["recipient"] == "owner"


@LOCAL
def test_a_wrong_secret_is_refused_by_the_receiver_and_not_retried(store, monkeypatch):
    number = escalate(store)
    monkeypatch.setenv("NOTIFY_TEST_SECRET", "not-the-shared-secret")
    sleeps = Sleeps()
    with Receiver(secret=SECRET) as rx:
        notify.run(store, policy_from(webhook_policy(rx.url, ladder=FR_BREACH)), AFTER_BREACH, sleep=sleeps)
    assert rx.bad_signatures == 1 and rx.received == [] and sleeps == []
    (failed,) = events(store, number, "notification_failed")
    assert failed.data["attempts"] == 1 and "HTTP 401" in failed.data["error"]


@LOCAL
def test_slack_message_carries_the_escalation_deadline_countdown_and_next_action(store):
    escalate(store)
    ladder = '[[notifications.ladder."SEV-1"]]\nminutes_before = 10\nclocks = ["first_response"]\nnotify = ["team"]\n'
    with Receiver() as rx:
        notify.run(store, policy_from(webhook_policy(rx.url, ladder=ladder, kind="slack")), MONDAY + minutes(6), sleep=Sleeps())
    (got,) = rx.received
    blocks = got["json"]["blocks"]
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "[SEV-1] ESC-1 Acme Corp: first response due in 9m"}}
    fields = [f["text"] for f in blocks[1]["fields"]]
    assert fields[0] == "*Escalation*\nESC-1 · Acme Corp · SEV-1 · open"
    assert fields[1] == "*Deadline*\n09:15 UTC on Mon 23 Nov 2026"
    assert fields[2] == "*Countdown*\ndue in 9m"
    assert fields[3].startswith("*Next action*\nAcknowledge Acme Corp by 09:15 UTC Mon 23 Nov")
    assert "10 min before the deadline" in blocks[2]["text"]["text"]


@LOCAL
def test_a_receiver_that_fails_twice_then_succeeds_gets_exactly_one_delivery(store):
    number = escalate(store)
    sleeps = Sleeps()
    with Receiver(fail_first=2, status=502, secret=SECRET) as rx:
        notify.run(store, policy_from(webhook_policy(rx.url, ladder=FR_BREACH, retries=2)), AFTER_BREACH, sleep=sleeps)
    assert rx.requests == 3 and len(rx.received) == 1
    assert sleeps == [0.5, 1.0]  # backoff doubles
    (event,) = events(store, number, "notified")
    assert event.data["attempts"] == 3
    assert events(store, number, "notification_failed") == []
    assert "notification_failed" not in [f.name for f in board.one(store, number, AFTER_BREACH).flags]


@LOCAL
def test_a_receiver_that_always_fails_yields_the_red_flag_until_a_retry_gets_through(store):
    number = escalate(store)
    policy = policy_from(webhook_policy("http://127.0.0.1:1/unused", ladder=FR_BREACH, retries=2))
    with Receiver(always=503) as rx:
        policy = policy_from(webhook_policy(rx.url, ladder=FR_BREACH, retries=2))
        notify.run(store, policy, AFTER_BREACH, sleep=Sleeps())
        assert rx.requests == 3 and rx.received == []
        later = notify.run(store, policy, AFTER_BREACH + minutes(1), sleep=Sleeps())
        assert later.deliveries == [] and rx.requests == 3  # recorded as failed, not re-sent on every pass
    (failed,) = events(store, number, "notification_failed")
    assert failed.data["attempts"] == 3 and "HTTP 503" in failed.data["error"]
    flags = {f.name: f.detail for f in board.one(store, number, AFTER_BREACH + minutes(2)).flags}
    assert flags["notification_failed"].startswith("owner via hook: 127.0.0.1 answered HTTP 503")
    with Receiver(secret=SECRET) as rx:
        policy = policy_from(webhook_policy(rx.url, ladder=FR_BREACH))
        notify.run(store, policy, AFTER_BREACH + minutes(3), retry_failed=True, sleep=Sleeps())
    assert len(rx.received) == 1
    assert "notification_failed" not in [f.name for f in board.one(store, number, AFTER_BREACH + minutes(4)).flags]


@LOCAL
def test_an_unreachable_receiver_is_retried_then_flagged(store):
    from notify_support import free_port

    number = escalate(store)
    sleeps = Sleeps()
    url = f"http://127.0.0.1:{free_port()}/hook"
    notify.run(store, policy_from(webhook_policy(url, ladder=FR_BREACH, retries=1)), AFTER_BREACH, sleep=sleeps)
    (failed,) = events(store, number, "notification_failed")
    assert failed.data["attempts"] == 2 and "could not reach 127.0.0.1" in failed.data["error"] and sleeps == [0.5]


@LOCAL
def test_a_secret_missing_from_the_environment_is_a_recorded_failure(store, monkeypatch):
    number = escalate(store)
    monkeypatch.delenv("NOTIFY_TEST_SECRET")
    with Receiver() as rx:
        notify.run(store, policy_from(webhook_policy(rx.url, ladder=FR_BREACH)), AFTER_BREACH, sleep=Sleeps())
    assert rx.requests == 0
    (failed,) = events(store, number, "notification_failed")
    assert failed.data["error"] == "the webhook secret: the environment variable NOTIFY_TEST_SECRET is not set"


@LOCAL
def test_many_due_notifications_share_one_connection_per_host(store):
    for i in range(25):
        escalate(store, customer=f"Customer {i}")
    ladder = FR_BREACH.replace('notify = ["owner"]', 'notify = ["owner", "team"]')
    with Receiver(secret=SECRET) as rx:
        report = notify.run(store, policy_from(webhook_policy(rx.url, ladder=ladder)), AFTER_BREACH, sleep=Sleeps())
    assert len(report.deliveries) == 50 and len(rx.received) == 50
    assert rx.max_open == 1 and rx.connections == 1


@LOCAL
def test_dry_run_sends_and_records_nothing(store):
    number = escalate(store)
    with Receiver() as rx:
        policy = policy_from(webhook_policy(rx.url, ladder=FR_BREACH))
        report = notify.run(store, policy, AFTER_BREACH, dry_run=True)
        assert [d.recipient for d in report.deliveries] == ["owner"] and report.deliveries[0].outcome is None
        assert rx.requests == 0 and events(store, number, "notified") == []
        real = notify.run(store, policy, AFTER_BREACH, sleep=Sleeps())
    assert len(real.deliveries) == 1  # the dry run claimed nothing


def email_policy(port: int, ca_file, ladder: str = FR_BREACH) -> str:
    return ("[notifications]\nretries = 1\nbackoff_seconds = 0\n"
            f'[notifications.channels.mail]\ntype = "email"\nhost = "127.0.0.1"\nport = {port}\n'
            f'from = "escalations@support.example"\nusername_env = "NOTIFY_SMTP_USER"\npassword_env = "NOTIFY_SMTP_PASSWORD"\n'
            f'ca_file = "{ca_file}"\n'
            '[notifications.recipients.owner]\nchannel = "mail"\nto = ["oncall@support.example", "lead@support.example"]\n'
            + ladder)


@LOCAL
def test_email_goes_over_starttls_with_credentials_from_the_environment_and_they_are_never_stored(store, db_path, tmp_path, monkeypatch):
    from email import message_from_bytes, policy as email_policy_module

    number = escalate(store)
    monkeypatch.setenv("NOTIFY_SMTP_USER", "notifier")
    monkeypatch.setenv("NOTIFY_SMTP_PASSWORD", "pw-from-env")
    with smtp_server(tmp_path) as (port, messages, ca_file):
        notify.run(store, policy_from(email_policy(port, ca_file)), AFTER_BREACH, sleep=Sleeps())
    (got,) = messages
    assert got["tls"] and got["authenticated"]
    assert got["from"] == "escalations@support.example" and got["to"] == ["oncall@support.example", "lead@support.example"]
    mail = message_from_bytes(got["data"], policy=email_policy_module.default)
    assert mail["Subject"] == "[SEV-1] ESC-1 Acme Corp: first response overdue by 1m"
    assert mail["X-Escalation-Id"] == "ESC-1"
    assert "Next action: Acknowledge Acme Corp by 09:15" in mail.get_content()
    (event,) = events(store, number, "notified")
    assert event.data["channel_type"] == "email" and event.data["to"] == ["oncall@support.example", "lead@support.example"]
    store.db.conn.execute("PRAGMA wal_checkpoint(FULL)")
    stored = b"".join(p.read_bytes() for p in db_path.parent.glob(db_path.name + "*"))
    assert b"pw-from-env" not in stored and b"NOTIFY_SMTP_PASSWORD" not in stored


@LOCAL
def test_a_refused_smtp_login_is_final_and_flagged(store, tmp_path, monkeypatch):
    number = escalate(store)
    monkeypatch.setenv("NOTIFY_SMTP_USER", "notifier")
    monkeypatch.setenv("NOTIFY_SMTP_PASSWORD", "wrong")
    with smtp_server(tmp_path) as (port, messages, ca_file):
        notify.run(store, policy_from(email_policy(port, ca_file)), AFTER_BREACH, sleep=Sleeps())
    assert messages == []
    (failed,) = events(store, number, "notification_failed")
    assert (failed.data["attempts"], failed.data["error"]) == (1, "127.0.0.1 refused the login (535)")


@LOCAL
def test_an_update_sends_the_internal_summary_to_the_severitys_stakeholders_once(store):
    number = escalate(store)
    extra = '[notifications.updates]\n"SEV-1" = ["team"]\n"SEV-2" = ["owner"]\n'
    step(store, number, "ack", MONDAY + minutes(5))
    step(store, number, "log", MONDAY + minutes(7), kind="action", text="rolled back the gateway")
    step(store, number, "update", MONDAY + minutes(10), note="rollback done")
    with Receiver(secret=SECRET) as rx:
        policy = policy_from(webhook_policy(rx.url, ladder="", extra=extra))
        first = notify.stakeholder_update(store, policy, number, MONDAY + minutes(10), sleep=Sleeps())
        again = notify.run(store, policy, MONDAY + minutes(11), sleep=Sleeps())
    assert [(d.kind, d.recipient) for d in first.deliveries] == [("update", "team")] and again.deliveries == []
    (got,) = rx.received
    text = got["json"]["text"]
    assert got["json"]["type"] == "escalation.update"
    assert "Done so far:\n- rolled back the gateway" in text and "Stakeholders to notify" in text  # the internal summary
    assert "Hi Dana" not in text  # not the customer's draft
