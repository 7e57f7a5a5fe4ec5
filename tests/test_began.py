"""When the customer says it began: read from their words against the moment they reported it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from agent.began import began
from rca_example import ok, run

REPORTED = datetime(2026, 12, 1, 18, 6, tzinfo=timezone.utc)  # 19:06 CET


@pytest.mark.parametrize("text, local, words", [
    ("Since about 07:40 this morning (Berlin time) the terminals fail.", "2026-12-01 07:40", "Since about 07:40 this morning"),
    ("Since 9am this morning none of our agents can log in.", "2026-12-01 09:00", "Since 9am this morning"),
    ("It started at 23:30 yesterday.", "2026-11-30 23:30", "started at 23:30 yesterday"),
    ("Down since 20:00.", "2026-11-30 20:00", "since 20:00"),  # later than the report today: yesterday evening
    ("It has been down for 11 hours now.", "2026-12-01 08:06", "for 11 hours now"),
    ("three hours ago the site died", "2026-12-01 16:06", "three hours ago"),
])
def test_the_customers_start_time_is_read_in_their_zone(text, local, words):
    at, said = began(text, REPORTED, "Europe/Berlin")
    assert (at.strftime("%Y-%m-%d %H:%M"), said) == (local, words)


@pytest.mark.parametrize("text", [
    "Down since 3 weeks.", "Since 10% of users complained.", "We lose 2,000 parcels an hour.", "Since 3 the site is down.",
    "Since 19:06 today nothing works.",  # the very moment of the report is no earlier start
])
def test_no_start_time_is_guessed(text):
    assert began(text, REPORTED, "Europe/Berlin") is None


def test_at_most_two_days_before_the_report():
    assert began("down for 48 hours now", REPORTED, "UTC")[0] == REPORTED.replace(second=0) - timedelta(hours=48)
    assert began("down for 49 hours now", REPORTED, "UTC") is None


def test_the_customer_report_uses_the_start_the_customer_gave(db_path):
    ok(db_path, "triage", "--text", "Since 08:00 this morning none of our 400 agents can log in to the console.",
       "--customer", "Acme Corp", "--tier", "enterprise", "--at", "2026-11-25T19:06:00+00:00")
    ok(db_path, "ack", "ESC-1", "--at", "2026-11-25T19:07:00+00:00")
    ok(db_path, "resolve", "ESC-1", "--summary", "Restarted the auth gateway", "--at", "2026-11-25T19:08:00+00:00")
    result = run(db_path, "report", "ESC-1", "--kind", "customer")
    assert result.exit_code == 0, result.stderr
    assert ("By your account it began at 08:00 UTC on Wed 25 Nov 2026 (you wrote “Since 08:00 this morning”), and you "
            "first reported it at 19:06 UTC on Wed 25 Nov 2026. The fix was in place at 19:08 UTC on Wed 25 Nov 2026, "
            "2m later (11h 8m after it began).") in result.stdout
