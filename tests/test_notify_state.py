"""The notifier skips escalations that cannot have anything due yet (notify_state), and wakes them exactly
when something can: a rung's moment, a new event, a changed ladder, or an event already recorded for later."""

from __future__ import annotations

import pytest
from notify_support import MONDAY, escalate, minutes, policy_from, step

from agent import channels, notify
from agent.policy import default_policy

CHANNELS = ('[notifications.channels.hook]\ntype = "slack"\nurl = "http://127.0.0.1:9/x"\n'
            '[notifications.recipients.owner]\nchannel = "hook"\n')


@pytest.fixture
def sent(monkeypatch):
    """Deliveries succeed without a network; the list collects what was sent."""
    out: list[str] = []

    def fake_send_all(deliveries, notifications, **kw):
        for d in deliveries:
            d.outcome = channels.Outcome(True, 1, "test")
            out.append(f"{d.facts['clock']} {d.facts['rung']}")
        return {}

    monkeypatch.setattr(notify, "send_all", fake_send_all)
    return out


def with_ladder(toml: str):
    return default_policy().model_copy(update={"notifications": policy_from(CHANNELS + toml).notifications})


def state(store, number):
    """Until when the escalation is quiet (stored in UTC with microseconds, so that SQL can compare it)."""
    from datetime import datetime

    value = store.db.execute("SELECT quiet_until FROM notify_state WHERE escalation_id = ?", [number]).fetchone()[0]
    return value and datetime.fromisoformat(value).isoformat()


def test_a_minutes_before_rung_wakes_the_escalation_exactly_on_time(store, sent):
    number = escalate(store)
    policy = with_ladder('[[notifications.ladder."SEV-1"]]\nminutes_before = 30\nclocks = ["resolution"]\nnotify = ["owner"]\n')
    notify.run(store, policy, MONDAY + minutes(1))
    assert sent == [] and state(store, number) == (MONDAY + minutes(210)).isoformat()
    notify.run(store, policy, MONDAY + minutes(210) - minutes(1 / 60))
    assert sent == []
    notify.run(store, policy, MONDAY + minutes(210))
    assert sent == ["resolution 30m-before"]


def test_a_percent_rung_is_never_skipped_past_its_moment(store, sent):
    number = escalate(store)
    policy = with_ladder('[[notifications.ladder."SEV-1"]]\npercent = 75\nclocks = ["resolution"]\nnotify = ["owner"]\n')
    notify.run(store, policy, MONDAY + minutes(60))
    assert state(store, number) == (MONDAY + minutes(180)).isoformat()  # 75 % of 4 h
    notify.run(store, policy, MONDAY + minutes(180))
    assert sent == ["resolution 75%"]


def test_everything_sent_sleeps_until_a_new_event(store, sent):
    number = escalate(store)
    policy = with_ladder('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n'
                         '[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["update"]\nnotify = ["owner"]\n')
    notify.run(store, policy, MONDAY + minutes(16))
    assert sent == ["first_response breach"] and state(store, number) is None  # nothing more without a new event
    step(store, number, "ack", MONDAY + minutes(20))  # starts the update clock: due 09:50
    notify.run(store, policy, MONDAY + minutes(21))
    assert state(store, number) == (MONDAY + minutes(50)).isoformat()
    notify.run(store, policy, MONDAY + minutes(51))
    assert sent == ["first_response breach", "update breach"]


def test_a_changed_ladder_wakes_every_escalation(store, sent):
    escalate(store)
    first = with_ladder('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n')
    notify.run(store, first, MONDAY + minutes(16))
    notify.run(store, first, MONDAY + minutes(17))
    assert sent == ["first_response breach"]
    second = with_ladder('[[notifications.ladder."SEV-1"]]\npercent = 5\nclocks = ["resolution"]\nnotify = ["owner"]\n')
    notify.run(store, second, MONDAY + minutes(18))
    assert sent == ["first_response breach", "resolution 5%"]


def test_an_event_recorded_for_later_wakes_the_escalation_then(store, sent, monkeypatch):
    from conftest import freeze_clock

    freeze_clock(monkeypatch, MONDAY + minutes(60))
    number = escalate(store)
    step(store, number, "pause", MONDAY + minutes(2), reason="waiting for logs")
    step(store, number, "resume", MONDAY + minutes(30))
    policy = with_ladder('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n')
    notify.run(store, policy, MONDAY + minutes(10))  # paused as of 09:10: nothing, but the resume is at 09:30
    assert sent == [] and state(store, number) == (MONDAY + minutes(30)).isoformat()
    notify.run(store, policy, MONDAY + minutes(31))
    assert sent == ["first_response breach"]


def test_going_back_in_time_evaluates_again(store, sent):
    number = escalate(store)
    policy = with_ladder('[[notifications.ladder."SEV-1"]]\npercent = 50\nclocks = ["resolution"]\nnotify = ["owner"]\n')
    notify.run(store, policy, MONDAY + minutes(100))
    assert state(store, number) == (MONDAY + minutes(120)).isoformat()
    notify.run(store, policy, MONDAY + minutes(50))  # an earlier --now is not judged by a later pass's state
    assert state(store, number) == (MONDAY + minutes(120)).isoformat()
    notify.run(store, policy, MONDAY + minutes(121))
    assert sent == ["resolution 50%"]


def test_a_breach_held_back_outside_open_hours_is_sent_when_they_open(store, sent):
    from datetime import timedelta

    from notify_support import SEV3_TEXT

    number = escalate(store, text=SEV3_TEXT, at=MONDAY + timedelta(hours=7))  # Mon 16:00; first response due Tue 12:00
    policy = with_ladder('[[notifications.ladder."SEV-3"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n')
    tuesday_evening = MONDAY + timedelta(days=1, hours=9)  # 18:00, closed
    notify.run(store, policy, tuesday_evening)
    assert sent == [] and state(store, number) == (MONDAY + timedelta(days=2)).isoformat()  # held back until Wed 09:00
    notify.run(store, policy, MONDAY + timedelta(days=2) - minutes(1 / 60))  # Wed 08:59:59
    assert sent == []
    notify.run(store, policy, MONDAY + timedelta(days=2))  # Wed 09:00
    assert sent == ["first_response breach"]
