"""Property: over any sequence of lifecycle steps and notifier passes, each rung fires at most once per
deadline, never while paused, and never outside open hours when the rung follows the calendar.

The test keeps its own account of what a deadline is (a clock between two resets: an acknowledgment
or update for the update clock, a severity change for any clock) and of open hours (Mon-Fri
09:00-17:00 UTC, the default business calendar), rather than reusing the notifier's keys.
"""

from __future__ import annotations

import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from notify_support import MONDAY, SEV1_TEXT, SEV3_TEXT, escalate, policy_from

from agent import board, ladder, lifecycle
from agent.store import Store
from conftest import freeze_clock

LATER = datetime(2027, 6, 1, tzinfo=timezone.utc)  # "now" for the lifecycle's checks: every step lies before it

RUNGS = "".join(
    f'[[notifications.ladder."{sev}"]]\n{trigger}\nnotify = ["owner"]\n{extra}'
    for sev in ("SEV-1", "SEV-2", "SEV-3", "SEV-4")
    for trigger, extra in (("percent = 50", ""), ("percent = 90", ""), ("minutes_before = 30", ""),
                           ("breach = 1", ""), ("breach = 2", 'outside_hours = true\n'))
)
NOTIFICATIONS = policy_from(
    '[notifications.channels.hook]\ntype = "slack"\nurl = "http://127.0.0.1:9/x"\n'
    '[notifications.recipients.owner]\nchannel = "hook"\n' + RUNGS).notifications

ACTIONS = ("wait", "ack", "update", "pause", "resume", "raise", "lower", "log")
# Mostly short waits (a SEV-1's targets are minutes to hours), sometimes long ones (nights, weekends).
waits = st.one_of(st.integers(min_value=1, max_value=60), st.integers(min_value=1, max_value=3 * 24 * 60))
steps = st.lists(st.tuples(st.sampled_from(ACTIONS), waits), min_size=1, max_size=14)


def take(store, number, action, now, paused):
    """Apply one step when the lifecycle allows it; returns (paused, the clocks it reset)."""
    esc = store.get(number)
    reset: tuple[str, ...] = ()
    if action == "ack" and esc.status == "open":
        lifecycle.step(store, number, "ack", at=now)
        reset = ("update",)
    elif action == "update" and esc.status in lifecycle.ACTIVE:
        lifecycle.step(store, number, "update", at=now)
        reset = ("update",)
    elif action == "pause" and not paused and esc.status in ("open", *lifecycle.ACTIVE):
        lifecycle.step(store, number, "pause", at=now, reason="waiting on the customer")
        paused = True
    elif action == "resume" and paused:
        lifecycle.step(store, number, "resume", at=now)
        paused = False
    elif action in ("raise", "lower"):
        rank = esc.severity.rank + (-1 if action == "raise" else 1)
        if 1 <= rank <= 4:
            lifecycle.step(store, number, "severity", at=now, severity=f"SEV-{rank}", reason="re-judged")
            reset = ("first_response", "update", "resolution")
    elif action == "log" and esc.status == "acknowledged":
        lifecycle.step(store, number, "log", at=now, kind="action", text="tried a fix")
    return paused, reset


def business_open(moment) -> bool:
    return moment.weekday() < 5 and 9 <= moment.hour < 17


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start_sev3=st.booleans(), opened_offset=st.integers(min_value=0, max_value=6 * 24 * 60), plan=steps)
# Always tried: a warning fired, then a pause and a resume before the deadline (the deadline moved, the rung
# must not fire again); a business-hours breach over a night and a weekend; severity changes both ways.
@example(start_sev3=False, opened_offset=0, plan=[("ack", 5), ("wait", 120), ("pause", 5), ("resume", 30), ("wait", 5)])
@example(start_sev3=True, opened_offset=7 * 60, plan=[("wait", 20 * 60), ("wait", 4 * 60), ("pause", 60), ("resume", 3 * 24 * 60)])
@example(start_sev3=False, opened_offset=0, plan=[("ack", 20), ("raise", 1), ("lower", 40), ("update", 30), ("wait", 200)])
def test_each_rung_fires_at_most_once_per_deadline_never_paused_never_when_closed(store, monkeypatch, start_sev3,
                                                                                 opened_offset, plan):
    freeze_clock(monkeypatch, LATER)
    opened = MONDAY + timedelta(minutes=opened_offset)
    number = escalate(store, text=SEV3_TEXT if start_sev3 else SEV1_TEXT, at=opened, customer=f"C{opened_offset}")
    now = opened
    sent: set[str] = set()
    epochs = {"first_response": 0, "update": 0, "resolution": 0}  # bumped at each reset of that clock
    fired: set[tuple] = set()
    paused = False
    for action, wait in plan:
        now += timedelta(minutes=wait)
        paused, reset = take(store, number, action, now, paused)
        epochs = {k: v + (k in reset) for k, v in epochs.items()}
        row = board.one(store, number, now)
        calendar = row.policy.for_severity(row.severity, row.tier).calendar
        for due in ladder.due_for_row(row, NOTIFICATIONS, now, sent):
            assert not paused, f"{due.key} fired while paused"
            if calendar != "24x7" and not due.rung.outside_hours:
                assert business_open(now), f"{due.key} fired at {now:%a %H:%M}, outside open hours"
            for key in due.keys:
                trigger = key.split("|")[2]
                identity = (due.clock, epochs[due.clock], trigger)
                assert identity not in fired, f"{trigger} fired twice for one {due.clock} deadline ({key})"
                fired.add(identity)
            sent.update(due.keys)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(start_sev3=st.booleans(), opened_offset=st.integers(min_value=0, max_value=6 * 24 * 60), plan=steps,
       passes=st.lists(st.integers(min_value=1, max_value=180), min_size=1, max_size=4))
@example(start_sev3=False, opened_offset=0, plan=[("ack", 5), ("wait", 100), ("pause", 30), ("resume", 30)], passes=[1, 60])
def test_skipping_quiet_escalations_never_misses_or_delays_a_notification(monkeypatch, start_sev3, opened_offset, plan,
                                                                           passes):
    """notify.run keeps, per escalation, a moment before which nothing can come due (notify_state) and
    skips it until then: it must send exactly what a fresh evaluation of every escalation says is due."""
    from agent import channels, notify
    from agent.policy import default_policy

    delivered: list[str] = []

    def fake_send_all(deliveries, notifications, **kw):
        for d in deliveries:
            d.outcome = channels.Outcome(True, 1, "test")
            delivered.extend(d.keys)
        return {}

    monkeypatch.setattr(notify, "send_all", fake_send_all)
    freeze_clock(monkeypatch, LATER)
    policy = default_policy().model_copy(update={"notifications": NOTIFICATIONS})
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "p.db") as store:
        run_plan(store, policy, delivered, start_sev3, opened_offset, plan, passes)


def run_plan(store, policy, delivered, start_sev3, opened_offset, plan, passes):
    from agent import notify

    opened = MONDAY + timedelta(minutes=opened_offset)
    numbers = [escalate(store, text=SEV3_TEXT if start_sev3 else SEV1_TEXT, at=opened, customer=f"P{opened_offset}-{i}")
               for i in range(2)]
    now, paused = opened, False
    for i, (action, wait) in enumerate(plan):
        now += timedelta(minutes=wait)
        paused, _ = take(store, numbers[0], action, now, paused)  # the second escalation just runs its clocks
        for extra in passes if i % 2 == 0 else passes[:1]:
            moment = now + timedelta(minutes=extra)
            sent = notify.claimed_keys(store)
            expected = sorted(k for n in numbers for d in ladder.due_for_row(board.one(store, n, moment), NOTIFICATIONS, moment, sent)
                              for k in d.keys)
            delivered.clear()
            notify.run(store, policy, moment)
            assert sorted(delivered) == expected, f"at {moment:%a %H:%M} after {action}"
        now = moment
