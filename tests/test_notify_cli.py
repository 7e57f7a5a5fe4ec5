"""`escalate notify`, `escalate watch`, `escalate update` telling stakeholders, and `policy check` on the
[notifications] section: end to end through the CLI, time given by --now / --at."""

from __future__ import annotations

import json

import pytest
from conftest import freeze_clock, ok, run
from notify_support import MONDAY, SECRET, Receiver, minutes, webhook_policy

LOCAL = pytest.mark.allow_hosts(["127.0.0.1"])
LADDER = ('[[notifications.ladder."SEV-1"]]\npercent = 50\nclocks = ["first_response"]\nnotify = ["owner"]\n'
          '[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner", "team"]\n')


@pytest.fixture(autouse=True)
def _env(monkeypatch):
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NOTIFY_TEST_SECRET", SECRET)


@pytest.fixture
def sev1(db_path):
    ok(db_path, "triage", "examples/login-outage.txt", "--customer", "Acme Corp", "--tier", "enterprise", "--engine", "offline",
       "--at", MONDAY.isoformat())
    return db_path


def write_policy(tmp_path, url, ladder=LADDER, extra=""):
    path = tmp_path / "notify.toml"
    path.write_text(webhook_policy(url, ladder=ladder, extra=extra).replace("backoff_seconds = 0.5", "backoff_seconds = 0"))
    return str(path)


@LOCAL
def test_notify_sends_what_is_due_once_and_show_and_the_board_tell_it(sev1, tmp_path):
    with Receiver(secret=SECRET) as rx:
        policy = write_policy(tmp_path, rx.url)
        dry = ok(sev1, "--policy", policy, "notify", "--dry-run", "--now", (MONDAY + minutes(8)).isoformat())
        assert dry == "would send: ESC-1 first response 50 % of the target used → owner via hook\n" and rx.requests == 0
        out = ok(sev1, "--policy", policy, "notify", "--now", (MONDAY + minutes(8)).isoformat())
        assert out == ("ESC-1 first response 50 % of the target used → owner via hook: delivered\n"
                       "1 delivered, 0 failed\n")
        assert ok(sev1, "--policy", policy, "notify", "--now", (MONDAY + minutes(9)).isoformat()) == "nothing due\n"
        out = ok(sev1, "--policy", policy, "notify", "--now", (MONDAY + minutes(16)).isoformat())
        assert out.splitlines()[-1] == "2 delivered, 0 failed"
    assert len(rx.received) == 3
    show = ok(sev1, "show", "ESC-1")
    section = show.split("Notifications\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert section[0].split()[:5] == ["09:08", "UTC", "Mon", "23", "Nov"] and "first response 50%" in section[0]
    assert section[0].endswith("→ owner via hook: delivered") and len(section) == 3
    assert "notified         notifier owner via hook (webhook), first response: breached; HTTP 200, 1 attempt(s)" in show
    board = ok(sev1, "status", "--now", (MONDAY + minutes(20)).isoformat())
    assert "[told 3; last team: first response breach]" in board
    rows = json.loads(ok(sev1, "status", "--json", "--now", (MONDAY + minutes(20)).isoformat()))
    assert [(n["recipient"], n["rung"], n["result"]) for n in rows[0]["notifications"]] == [
        ("owner", "50%", "delivered"), ("owner", "breach", "delivered"), ("team", "breach", "delivered")]


@LOCAL
def test_failed_delivery_exits_0_says_so_and_raises_the_red_flag(sev1, tmp_path):
    with Receiver(always=500) as rx:
        policy = write_policy(tmp_path, rx.url, ladder=LADDER.split("[[", 2)[0] + "[[" + LADDER.split("[[", 2)[2])
        result = run(sev1, "--policy", policy, "notify", "--now", (MONDAY + minutes(16)).isoformat())
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "0 delivered, 2 failed"
    assert "warning: not delivered, recorded as a red flag: ESC-1 first response breached → owner via hook: FAILED" in result.stderr
    board = ok(sev1, "status", "--now", (MONDAY + minutes(20)).isoformat())
    assert "notification failed" in board
    flag = json.loads(ok(sev1, "status", "--json", "--now", (MONDAY + minutes(20)).isoformat()))[0]["flags"][-1]
    assert flag["flag"] == "notification_failed" and "owner via hook: 127.0.0.1 answered HTTP 500" in flag["detail"]


def test_notify_without_a_ladder_says_how_to_configure_it_and_exits_0(sev1):
    result = run(sev1, "notify")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.startswith("nothing to send: the policy in force has no [notifications] ladder")


def test_notify_rejects_a_bad_now(sev1):
    result = run(sev1, "notify", "--now", "tomorrow")
    assert result.exit_code == 2 and "--now 'tomorrow' is not an ISO 8601 time" in result.stderr


@LOCAL
def test_watch_runs_passes_until_max_runs(sev1, tmp_path):
    with Receiver(secret=SECRET) as rx:
        policy = write_policy(tmp_path, rx.url, ladder='[[notifications.ladder."SEV-1"]]\nbreach = 1\nnotify = ["owner"]\n')
        result = run(sev1, "--policy", policy, "watch", "--max-runs", "1")
        assert result.exit_code == 0, result.output
        # the real clock is days past MONDAY: every clock of the SEV-1 is breached by now
        assert len(rx.received) == 2 and "delivered" in result.stdout
        assert "watching: a notify pass every 60 s, 1 pass(es)" in result.stderr


def test_watch_on_a_policy_without_notifications_says_so_once_and_again_only_after_it_was_configured(
        sev1, tmp_path, monkeypatch):
    from functools import partial

    from agent import notify

    policy = tmp_path / "policy.toml"
    policy.write_text("")
    configured = ('[notifications.channels.log]\ntype = "webhook"\nurl = "http://127.0.0.1:9/hook"\nsecret_env = "S"\n'
                  '[notifications.recipients.owner]\nchannel = "log"\n'
                  '[[notifications.ladder."SEV-4"]]\nbreach = 5\nnotify = ["owner"]\n')  # nothing due for the SEV-1
    texts = iter([""] * 3 + [configured, ""])

    def between_passes(seconds):  # no real sleeping: the policy file changes between passes instead
        policy.write_text(next(texts))

    monkeypatch.setattr(notify, "watch", partial(notify.watch, sleep=between_passes))
    result = run(sev1, "--policy", str(policy), "watch", "--max-runs", "6", "--every", "1")
    assert result.exit_code == 0, result.output
    said = [line for line in result.stderr.splitlines() if line.startswith("nothing to send")]
    assert len(said) == 2  # passes 1-4 unconfigured: once; pass 5 configured; pass 6 unconfigured: once more
    assert said[0] == ("nothing to send: the policy in force has no [notifications] ladder or updates (pass --policy or "
                       "set ESCALATE_POLICY; README: Notifications); watch keeps reading the policy every pass")
    assert "nothing due" not in result.stdout  # an idle configured pass prints nothing either


def test_watch_repeats_on_its_interval_without_drifting():
    from datetime import timezone

    from agent import notify

    seen, sleeps, now = [], [], [1000.0]

    def one_pass(moment):
        seen.append(moment)
        now[0] += 2.5  # the pass itself takes 2.5 s

    def sleep(seconds):
        sleeps.append(seconds)
        now[0] += seconds

    assert notify.watch(one_pass, every=60, max_runs=3, clock=lambda: now[0], sleep=sleep) == 3
    assert sleeps == [57.5, 57.5]
    assert [m.timestamp() for m in seen] == [1000.0, 1060.0, 1120.0] and seen[0].tzinfo is timezone.utc


@LOCAL
def test_escalate_update_tells_the_stakeholders_who_asked_for_that_severity(sev1, tmp_path, monkeypatch):
    freeze_clock(monkeypatch, MONDAY + minutes(30))
    with Receiver(secret=SECRET) as rx:
        policy = write_policy(tmp_path, rx.url, ladder="", extra='[notifications.updates]\n"SEV-1" = ["team"]\n"SEV-3" = ["owner"]\n')
        ok(sev1, "--policy", policy, "ack", "ESC-1", "--at", (MONDAY + minutes(5)).isoformat())
        result = run(sev1, "--policy", policy, "update", "ESC-1", "--note", "gateway restarted", "--at", (MONDAY + minutes(20)).isoformat())
        assert result.exit_code == 0, result.output
        assert "told ESC-1 update recorded: internal summary → team via hook: delivered" in result.stderr
        assert ok(sev1, "--policy", policy, "notify", "--now", (MONDAY + minutes(21)).isoformat()) == "nothing due\n"
    (got,) = rx.received
    assert got["json"]["subject"].startswith("[SEV-1] ESC-1 Acme Corp (enterprise):")  # the internal summary's subject
    assert got["json"]["recipient"] == "team"


# -- bad input: policy check names the key and the line -------------------------------------------

CHANNEL = '[notifications.channels.hook]\ntype = "slack"\nurl = "https://hooks.example.com/x"\n'
RECIPIENT = '[notifications.recipients.owner]\nchannel = "hook"\n'
BROKEN = {
    "unknown-recipient": (
        CHANNEL + RECIPIENT + '\n[[notifications.ladder."SEV-1"]]\npercent = 50\nnotify = ["owner"]\n'
        '\n[[notifications.ladder."SEV-1"]]\nbreach = 1\nnotify = ["manager"]\n',
        "line 13: notifications.ladder.SEV-1.1.notify: unknown recipient 'manager' (defined: owner)"),
    "unknown-channel": (
        CHANNEL + '[notifications.recipients.owner]\nchannel = "pagerduty"\n',
        "line 5: notifications.recipients.owner.channel: unknown channel 'pagerduty' (defined: hook)"),
    "bad-percentage": (
        CHANNEL + RECIPIENT + '[[notifications.ladder."SEV-2"]]\nnotify = ["owner"]\npercent = 150\n',
        "line 8: notifications.ladder.SEV-2.0.percent: 150 is not a percentage between 0 and 100 (exclusive)"),
    "not-a-percentage": (
        CHANNEL + RECIPIENT + '[[notifications.ladder."SEV-2"]]\npercent = "half"\nnotify = ["owner"]\n',
        "line 7: notifications.ladder.SEV-2.0.percent: 'half' is not a percentage"),
    "two-triggers": (
        CHANNEL + RECIPIENT + '[[notifications.ladder."SEV-2"]]\npercent = 50\nbreach = 1\nnotify = ["owner"]\n',
        "line 6: notifications.ladder.SEV-2.0: a rung needs exactly one of percent, minutes_before or breach (it has percent, breach)"),
    "smtp-without-credentials": (
        '[notifications.channels.mail]\ntype = "email"\nhost = "smtp.example.com"\nfrom = "esc@example.com"\n',
        "line 3: notifications.channels.mail.host: the SMTP host smtp.example.com has no credentials"),
    "webhook-without-secret": (
        '[notifications.channels.hook]\ntype = "webhook"\nurl = "https://hooks.example.com/x"\n',
        "line 1: notifications.channels.hook.secret_env: a webhook is signed"),
    "unknown-update-recipient": (
        CHANNEL + RECIPIENT + '[notifications.updates]\n"SEV-1" = ["cfo"]\n',
        "line 7: notifications.updates.SEV-1: unknown recipient 'cfo' (defined: owner)"),
    "email-recipient-without-address": (
        '[notifications.channels.mail]\ntype = "email"\nhost = "localhost"\nfrom = "esc@example.com"\n'
        '[notifications.recipients.owner]\nchannel = "mail"\n',
        "line 5: notifications.recipients.owner.to: owner is reached by e-mail: give the address(es) in to"),
    "unknown-tier": (
        CHANNEL + RECIPIENT + '[[notifications.tiers.platinum."SEV-1"]]\nbreach = 1\nnotify = ["owner"]\n',
        "line 6: notifications.tiers.platinum: Input should be 'enterprise', 'business', 'standard' or 'free'"),
}


@pytest.mark.parametrize("source, expected", BROKEN.values(), ids=BROKEN.keys())
def test_policy_check_names_the_notification_key_and_line(tmp_path, db_path, source, expected):
    path = tmp_path / "broken.toml"
    path.write_text(source)
    result = run(db_path, "policy", "check", str(path))
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1
    assert f"{path} {expected}" in result.stderr, result.stderr


def test_policy_check_lists_the_ladder_and_warns_of_unset_credentials(tmp_path, db_path, monkeypatch):
    monkeypatch.delenv("SLACK_SUPPORT_WEBHOOK", raising=False)
    result = run(db_path, "policy", "check", "examples/notify-policy.toml")
    assert result.exit_code == 0, result.output
    assert "  SEV-1            breached (breach 2 or later of this escalation) → exec-sponsor" in result.stdout
    assert "  enterprise SEV-2 breached → manager, commander, any hour" in result.stdout
    assert "  overrides: notification.j2; snippets: signature.j2" in result.stdout
    assert "warning: the environment variable SLACK_SUPPORT_WEBHOOK is not set here" in result.stderr


def test_stored_escalations_never_keep_the_notification_wiring(sev1, tmp_path):
    from agent.store import Store

    policy = tmp_path / "p.toml"
    policy.write_text(CHANNEL + RECIPIENT + '[[notifications.ladder."SEV-1"]]\nbreach = 1\nnotify = ["owner"]\n')
    ok(sev1, "--policy", str(policy), "triage", "--text", "Login is down for everyone", "--customer", "Initech",
       "--engine", "offline")
    policy.write_text('name = "p"\n')
    ok(sev1, "--policy", str(policy), "triage", "--text", "Login is down for everyone", "--customer", "Hooli",
       "--engine", "offline")
    with Store(sev1) as store:
        stored = [row[0] for row in store.db.execute("SELECT json FROM policies")]
    assert len(stored) == 2  # the default and p's, the same with or without the section: no URL kept
    assert not any("hooks.example.com" in s or "notifications" in s for s in stored)
