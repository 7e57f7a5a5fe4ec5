"""The escalation ladder (agent/ladder.py): which rung is due at which moment, exactly at the edges.

A SEV-1 opened Monday 09:00 UTC runs around the clock: first response due 09:15, first update
30 min after the acknowledgment, resolution 13:00. A SEV-3 counts business hours (Mon-Fri
09:00-17:00 UTC).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from notify_support import MONDAY, SEV3_TEXT, escalate, minutes, policy_from, step

from agent import board, ladder

SECOND = timedelta(seconds=1)
CHANNELS = ('[notifications.channels.hook]\ntype = "slack"\nurl = "http://127.0.0.1:9/x"\n'
            '[notifications.recipients.owner]\nchannel = "hook"\n[notifications.recipients.team]\nchannel = "hook"\n'
            '[notifications.recipients.exec]\nchannel = "hook"\n')


def notifications(ladder_toml: str):
    return policy_from(CHANNELS + ladder_toml).notifications


def due(store, number, at, notes, sent=frozenset()):
    return ladder.due_for_row(board.one(store, number, at), notes, at, set(sent))


def fired(store, number, at, notes, sent=frozenset()):
    return sorted((d.clock, d.rung.trigger, d.recipient) for d in due(store, number, at, notes, sent))


RESOLUTION_50 = '[[notifications.ladder."SEV-1"]]\npercent = 50\nclocks = ["resolution"]\nnotify = ["owner"]\n'


def test_percent_rung_fires_exactly_when_that_share_of_the_target_is_used(store):
    number = escalate(store)
    notes = notifications(RESOLUTION_50)
    assert fired(store, number, MONDAY + minutes(120) - SECOND, notes) == []
    assert fired(store, number, MONDAY + minutes(120), notes) == [("resolution", "50%", "owner")]


def test_percent_may_be_written_with_a_percent_sign():
    notes = notifications('[[notifications.ladder."SEV-1"]]\npercent = "75%"\nnotify = ["owner"]\n')
    assert notes.ladder_for(*_sev1()) [0].percent == 75


def _sev1():
    from agent.schemas import Severity

    return Severity.SEV1, "standard"


def test_minutes_before_fires_when_the_deadline_is_exactly_that_close(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nminutes_before = 5\nclocks = ["first_response"]\nnotify = ["team"]\n')
    assert fired(store, number, MONDAY + minutes(10) - SECOND, notes) == []
    assert fired(store, number, MONDAY + minutes(10), notes) == [("first_response", "5m-before", "team")]
    # still a warning at the deadline itself; past it, warnings stop
    assert fired(store, number, MONDAY + minutes(15), notes) == [("first_response", "5m-before", "team")]
    assert fired(store, number, MONDAY + minutes(15) + SECOND, notes) == []


def test_breach_rung_fires_only_once_the_deadline_has_passed(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner", "team"]\n')
    assert fired(store, number, MONDAY + minutes(15), notes) == []
    assert fired(store, number, MONDAY + minutes(15) + SECOND, notes) == [
        ("first_response", "breach", "owner"), ("first_response", "breach", "team")]


def test_met_deadline_sends_nothing_even_when_met_late(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n')
    step(store, number, "ack", MONDAY + minutes(20))
    assert fired(store, number, MONDAY + minutes(21), notes) == []


def test_second_breach_rung_waits_for_the_escalations_second_breached_deadline(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 2\nnotify = ["exec"]\n')
    assert fired(store, number, MONDAY + minutes(16), notes) == []  # one breach: the first response
    step(store, number, "ack", MONDAY + minutes(20))  # late: still counts as a breach; update due 09:50
    assert fired(store, number, MONDAY + minutes(50), notes) == []
    found = due(store, number, MONDAY + minutes(50) + SECOND, notes)
    assert [(d.clock, d.breaches, d.recipient) for d in found] == [("update", 2, "exec")]


def test_nothing_is_due_while_paused_and_the_breach_fires_after_resuming(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 1\nnotify = ["owner"]\noutside_hours = true\n')
    step(store, number, "pause", MONDAY + minutes(5), reason="waiting for the HAR file")
    assert fired(store, number, MONDAY + minutes(60), notes) == []
    step(store, number, "resume", MONDAY + minutes(61))
    assert fired(store, number, MONDAY + minutes(61), notes) == [("first_response", "breach", "owner")]


def test_a_pause_moves_the_deadline_but_a_fired_rung_does_not_fire_again(store):
    number = escalate(store)
    notes = notifications(RESOLUTION_50)
    first = due(store, number, MONDAY + minutes(120), notes)
    assert len(first) == 1
    sent = set(first[0].keys)
    step(store, number, "ack", MONDAY + minutes(10))
    step(store, number, "pause", MONDAY + minutes(130), reason="customer to test")
    step(store, number, "resume", MONDAY + minutes(190))
    later = board.one(store, number, MONDAY + minutes(200))
    assert {c.name: c.due for c in later.clocks}["resolution"] == MONDAY + minutes(300)  # moved by the hour paused
    assert fired(store, number, MONDAY + minutes(200), notes, sent) == []


def test_a_severity_change_makes_a_new_deadline_and_its_rungs_fire_again(store):
    number = escalate(store)
    notes = notifications(RESOLUTION_50 + RESOLUTION_50.replace("SEV-1", "SEV-2"))
    first = due(store, number, MONDAY + minutes(120), notes)
    step(store, number, "ack", MONDAY + minutes(10))
    step(store, number, "severity", MONDAY + minutes(130), severity="SEV-2", reason="partial recovery")
    # SEV-2 resolution: 8 h from 11:10, so 50 % is at 15:10
    sent = set(first[0].keys)
    assert fired(store, number, MONDAY + minutes(130 + 240) - SECOND, notes, sent) == []
    again = due(store, number, MONDAY + minutes(130 + 240), notes, sent)
    assert [(d.clock, d.rung.trigger) for d in again] == [("resolution", "50%")]
    assert again[0].key != first[0].key


def test_a_new_update_interval_is_a_new_deadline(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nminutes_before = 10\nclocks = ["update"]\nnotify = ["owner"]\n')
    step(store, number, "ack", MONDAY + minutes(5))  # update due 09:35
    first = due(store, number, MONDAY + minutes(25), notes)
    assert len(first) == 1
    step(store, number, "update", MONDAY + minutes(30))  # next update due 10:00
    assert fired(store, number, MONDAY + minutes(49), notes, first[0].keys) == []
    assert fired(store, number, MONDAY + minutes(50), notes, first[0].keys) == [("update", "10m-before", "owner")]


BUSINESS = ('[[notifications.ladder."SEV-3"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n'
            '[[notifications.ladder."SEV-3"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["exec"]\noutside_hours = true\n')


def test_business_hours_clock_is_silent_when_the_calendar_is_closed_unless_the_rung_says_so(store):
    number = escalate(store, text=SEV3_TEXT, at=MONDAY + timedelta(hours=7))  # Mon 16:00; first response due Tue 12:00
    notes = notifications(BUSINESS)
    tuesday = MONDAY + timedelta(days=1)
    assert fired(store, number, tuesday + timedelta(hours=3) + SECOND, notes) == [
        ("first_response", "breach", "exec"), ("first_response", "breach", "owner")]
    evening = tuesday + timedelta(hours=9)  # Tue 18:00, closed
    assert fired(store, number, evening, notes) == [("first_response", "breach", "exec")]
    assert fired(store, number, tuesday + timedelta(hours=8) - SECOND, notes)[-1][2] == "owner"  # 16:59:59, open
    assert fired(store, number, tuesday + timedelta(hours=8), notes) == [("first_response", "breach", "exec")]  # 17:00
    saturday = MONDAY + timedelta(days=5, hours=3)
    assert fired(store, number, saturday, notes) == [("first_response", "breach", "exec")]


def test_tier_ladder_replaces_the_severity_ladder_for_that_tier(store):
    standard = escalate(store)
    enterprise = escalate(store, tier="enterprise", customer="Globex")
    notes = notifications(RESOLUTION_50 + '[[notifications.tiers.enterprise."SEV-1"]]\npercent = 50\n'
                          'clocks = ["resolution"]\nnotify = ["exec"]\n')
    at = MONDAY + minutes(120)
    assert fired(store, standard, at, notes) == [("resolution", "50%", "owner")]
    assert fired(store, enterprise, at, notes) == [("resolution", "50%", "exec")]


def test_catching_up_sends_one_message_for_the_most_advanced_rung(store):
    number = escalate(store)
    notes = notifications(RESOLUTION_50 + RESOLUTION_50.replace("50", "75"))
    found = due(store, number, MONDAY + minutes(200), notes)  # 83 %: both rungs are due at once
    assert len(found) == 1
    assert found[0].rung.trigger == "75%"
    assert [k.split("|")[2] for k in found[0].keys] == ["75%", "50%"]
    assert due(store, number, MONDAY + minutes(201), notes, found[0].keys) == []


@pytest.mark.parametrize("status_steps", [["ack", "resolve"]])
def test_resolved_escalation_sends_nothing(store, status_steps):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 1\nnotify = ["owner"]\n')
    for i, action in enumerate(status_steps):
        step(store, number, action, MONDAY + minutes(20 + i))
    assert fired(store, number, MONDAY + minutes(600), notes) == []


def test_a_severity_change_after_a_breach_does_not_repeat_the_breach_notice(store):
    number = escalate(store)
    notes = notifications('[[notifications.ladder."SEV-1"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n'
                          '[[notifications.ladder."SEV-2"]]\nbreach = 1\nclocks = ["first_response"]\nnotify = ["owner"]\n')
    first = due(store, number, MONDAY + minutes(16), notes)
    assert len(first) == 1
    step(store, number, "severity", MONDAY + minutes(20), severity="SEV-2", reason="fewer users affected")
    # a breached deadline stays as it was: the change does not make it a new one
    assert fired(store, number, MONDAY + minutes(21), notes, first[0].keys) == []
