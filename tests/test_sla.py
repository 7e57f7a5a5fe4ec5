"""SLA clocks (agent/sla.py): the plan at triage and every clock replayed from events.

Default policy unless stated: SEV-1 15 min / every 30 min / 4 h and SEV-2 1 h / 2 h / 8 h around
the clock; SEV-3 4 h / daily (8 business h) / 16 business h and SEV-4 8 h / on change / 40
business h on Mon-Fri 09:00-17:00 UTC. OPENED is Wed 25 Nov 2026 09:00 UTC.
"""

from __future__ import annotations

import itertools
import os
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agent import sla
from agent.errors import UsageError
from agent.policy import default_policy, parse_policy
from agent.schemas import Event, Severity
from tests.conftest import OPENED

UTC = timezone.utc
S1, S2, S3, S4 = Severity.SEV1, Severity.SEV2, Severity.SEV3, Severity.SEV4
POLICY = default_policy()
_ids = itertools.count(1)


def t(hour: int, minute: int = 0, day: int = 25) -> datetime:
    """A moment in November 2026, UTC (25 = Wednesday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=UTC)


def ev(kind: str, when: datetime, **data) -> Event:
    return Event(id=next(_ids), escalation_id=1, at=when, actor="test", kind=kind, data=data)


def raised(when: datetime, to: Severity) -> Event:
    return ev("severity_changed", when, to=to.value)


def clocks(severity: Severity, events: list[Event], now: datetime, *, policy=POLICY, tier=None,
           opened: datetime = OPENED) -> dict[str, sla.Clock]:
    _, found = sla.clocks_for(policy, tier, opened, severity, events, now)
    return {c.name: c for c in found}


# -- the plan ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    "severity, first, update, resolution",
    [
        # Around the clock: 09:00 + 15 min / + 30 min / + 4 h.
        (S1, t(9, 15), t(9, 30), t(13)),
        # 09:00 + 1 h / + 2 h / + 8 h.
        (S2, t(10), t(11), t(17)),
        # Business hours Mon-Fri 09-17: + 4 h = 13:00; + 8 h = Wed 17:00; + 16 h = Thu 17:00.
        (S3, t(13), t(17), t(17, day=26)),
        # + 8 h = Wed 17:00; on change = no update deadline; + 40 h = five days -> Tue 1 Dec 17:00.
        (S4, t(17), None, datetime(2026, 12, 1, 17, 0, tzinfo=UTC)),
    ],
)
def test_plan_with_the_default_policy(severity, first, update, resolution):
    p = sla.plan(POLICY, severity, OPENED)
    assert (p.first_response_due, p.next_update_due, p.resolution_due) == (first, update, resolution)
    assert p.update_every_minutes == POLICY.severities[severity].update_every_minutes


def test_plan_is_shown_in_the_customer_time_zone():
    p = sla.plan(POLICY, S1, OPENED, "America/New_York")
    assert p.first_response_due.isoformat() == "2026-11-25T04:15:00-05:00"
    assert p.timezone == "America/New_York"
    with pytest.raises(UsageError, match="unknown time zone 'Mars/Olympus'"):
        sla.plan(POLICY, S1, OPENED, "Mars/Olympus")
    with pytest.raises(ValueError, match="timezone-aware"):
        sla.plan(POLICY, S1, datetime(2026, 11, 25, 9, 0))


BERLIN_POLICY = parse_policy('timezone = "Europe/Berlin"\n')
NEW_YORK_POLICY = parse_policy('timezone = "America/New_York"\n')


@pytest.mark.parametrize(
    "policy, severity, opened, first, update, resolution",
    [
        # EU spring-forward, Sun 29 Mar 2026 02:00 CET -> 03:00 CEST. SEV-1 around the clock from
        # Sat 23:00 CET: +15 min, +30 min, +4 h = 02:00 UTC = 04:00 CEST (five wall-clock hours).
        (BERLIN_POLICY, S1, "2026-03-28T23:00:00+01:00",
         "2026-03-28T23:15:00+01:00", "2026-03-28T23:30:00+01:00", "2026-03-29T04:00:00+02:00"),
        # EU fall-back, Sun 25 Oct 2026. SEV-3 on Mon-Fri 09-17 Berlin from Fri 23 Oct 15:00 CEST:
        # first response 4 h = Fri 15-17 (2) + Mon 26 Oct 09-11 CET (2) -> 11:00 CET; update 8 h = Fri 2
        # + Mon 6 -> Mon 15:00 CET; resolution 16 h = Fri 2 + Mon 8 + Tue 6 -> Tue 27 Oct 15:00 CET.
        (BERLIN_POLICY, S3, "2026-10-23T15:00:00+02:00",
         "2026-10-26T11:00:00+01:00", "2026-10-26T15:00:00+01:00", "2026-10-27T15:00:00+01:00"),
        # US spring-forward, Sun 8 Mar 2026 02:00 EST -> 03:00 EDT. SEV-2 from Sat 22:00 EST:
        # +1 h = 23:00 EST, +2 h = Sun 00:00 EST, +8 h = 11:00 UTC = 07:00 EDT.
        (NEW_YORK_POLICY, S2, "2026-03-07T22:00:00-05:00",
         "2026-03-07T23:00:00-05:00", "2026-03-08T00:00:00-05:00", "2026-03-08T07:00:00-04:00"),
        # US fall-back, Sun 1 Nov 2026. SEV-4 on Mon-Fri 09-17 New York from Fri 30 Oct 12:00 EDT:
        # first response 8 h = Fri 12-17 (5) + Mon 2 Nov 09-12 EST (3) -> 12:00 EST; on change;
        # resolution 40 h = Fri 5 + Mon-Thu 4 x 8 (37) + Fri 6 Nov 09-12 (40) -> 12:00 EST.
        (NEW_YORK_POLICY, S4, "2026-10-30T12:00:00-04:00",
         "2026-11-02T12:00:00-05:00", None, "2026-11-06T12:00:00-05:00"),
    ],
    ids=["berlin-spring-forward", "berlin-fall-back", "new-york-spring-forward", "new-york-fall-back"],
)
def test_plan_across_dst_weekends(policy, severity, opened, first, update, resolution):
    p = sla.plan(policy, severity, datetime.fromisoformat(opened))
    got = [p.first_response_due.isoformat(), p.next_update_due.isoformat() if p.next_update_due else None,
           p.resolution_due.isoformat()]
    assert got == [first, update, resolution]


def test_pause_spanning_a_bavarian_holiday_on_the_resolution_clock():
    policy = parse_policy('timezone = "Europe/Berlin"\n[calendars.business]\nholidays_country = "DE"\n'
                          'holidays_subdivision = "BY"\n')
    berlin = datetime.fromisoformat
    opened = berlin("2026-06-02T09:00:00+02:00")  # Tue; Thu 4 Jun is Corpus Christi in Bavaria
    events = [ev("ack", berlin("2026-06-02T09:30:00+02:00")), ev("pause", berlin("2026-06-03T13:00:00+02:00")),
              ev("resume", berlin("2026-06-05T11:00:00+02:00"))]
    res = clocks(S3, events, berlin("2026-06-05T12:00:00+02:00"), policy=policy, opened=opened)["resolution"]
    # 16 business h: Tue 8 + Wed 09-13 4 = 12 used before the pause; the pause covers the rest of Wed
    # and the holiday; 4 h left from Fri 11:00 -> Fri 15:00 CEST. At Fri 12:00: 13 h elapsed, 3 h left.
    assert res.due == berlin("2026-06-05T15:00:00+02:00")
    assert (res.status, res.elapsed_minutes, res.left_minutes) == (sla.PENDING, 780, 180)


ENTERPRISE = parse_policy("[tiers.enterprise.severities.SEV-2]\nfirst_response_minutes = 30\n", name="acme")


def test_enterprise_sev2_override_applies_to_enterprise_customers_only():
    assert sla.plan(ENTERPRISE, S2, OPENED, tier="enterprise").first_response_due == t(9, 30)
    for tier in ("business", "standard", "free", None):
        assert sla.plan(ENTERPRISE, S2, OPENED, tier=tier).first_response_due == t(10)
    # Only SEV-2 first response changes; the rest of the SEV-2 row and SEV-1 stay.
    p = sla.plan(ENTERPRISE, S2, OPENED, tier="enterprise")
    assert (p.next_update_due, p.resolution_due) == (t(11), t(17))
    assert sla.plan(ENTERPRISE, S1, OPENED, tier="enterprise").first_response_due == t(9, 15)
    # The replayed clocks use the tier too.
    assert clocks(S2, [], t(9, 10), policy=ENTERPRISE, tier="enterprise")["first_response"].due == t(9, 30)
    assert clocks(S2, [], t(9, 10), policy=ENTERPRISE, tier="standard")["first_response"].due == t(10)


# -- statuses ----------------------------------------------------------------------------------

def test_first_response_pending_due_soon_breached_and_met():
    # SEV-1: due 09:15. Warning lead = min(15 min, 20 % of 15 min = 3 min) = 3 min.
    fr = clocks(S1, [], t(9, 5))["first_response"]
    assert (fr.status, fr.due, fr.left_minutes, fr.elapsed_minutes) == (sla.PENDING, t(9, 15), 10, 5)
    assert clocks(S1, [], t(9, 11))["first_response"].status == sla.PENDING  # 4 min left
    soon = clocks(S1, [], t(9, 12))["first_response"]
    assert (soon.status, soon.left_minutes) == (sla.DUE_SOON, 3)
    assert clocks(S1, [], t(9, 15))["first_response"].status == sla.DUE_SOON  # due now, not yet late
    late = clocks(S1, [], t(9, 40))["first_response"]
    assert (late.status, late.left_minutes) == (sla.BREACHED, -25)  # overdue by 25 min
    # Acknowledged 09:10: met, elapsed 10 min, no countdown any more.
    met = clocks(S1, [ev("ack", t(9, 10))], t(12))["first_response"]
    assert (met.status, met.met_at, met.elapsed_minutes, met.left_minutes) == (sla.MET, t(9, 10), 10, None)
    # Acknowledged 09:20: breached for good, elapsed 20 min.
    acked_late = clocks(S1, [ev("ack", t(9, 20))], t(12))["first_response"]
    assert (acked_late.status, acked_late.met_at, acked_late.elapsed_minutes) == (sla.BREACHED, t(9, 20), 20)
    # Exactly on time counts as met.
    assert clocks(S1, [ev("ack", t(9, 15))], t(12))["first_response"].status == sla.MET


@pytest.mark.parametrize(
    "severity, clock, warn",
    [
        (S1, "first_response", 3),   # min(15, 15 // 5 = 3)
        (S1, "update", 6),           # min(15, 30 // 5 = 6)
        (S1, "resolution", 15),      # min(15, 240 // 5 = 48)
        (S2, "first_response", 12),  # min(15, 60 // 5 = 12)
        (S3, "first_response", 15),  # min(15, 240 // 5 = 48)
    ],
)
def test_default_warning_lead_is_15_min_or_20_percent_of_the_target(severity, clock, warn):
    assert POLICY.for_severity(severity).warning_for(sla.ClockPlanner(POLICY, None).target(severity, clock)) == warn
    events = [ev("ack", OPENED)] if clock == "update" else []
    due = clocks(severity, events, OPENED)[clock].due
    assert clocks(severity, events, due - timedelta(minutes=warn, seconds=1))[clock].status == sla.PENDING
    assert clocks(severity, events, due - timedelta(minutes=warn))[clock].status == sla.DUE_SOON


def test_warning_minutes_in_the_policy_override_the_default():
    policy = parse_policy("[severities.SEV-1]\nwarning_minutes = 10\n")
    assert clocks(S1, [], t(9, 5), policy=policy)["first_response"].status == sla.DUE_SOON  # 10 min left
    assert clocks(S1, [], t(9, 4), policy=policy)["first_response"].status == sla.PENDING


def test_resolution_met_reports_elapsed_time():
    # Resolved 11:30 under SEV-1 (due 13:00): met after 150 min.
    c = clocks(S1, [ev("ack", t(9, 10)), ev("resolved", t(11, 30))], t(15))["resolution"]
    assert (c.status, c.met_at, c.elapsed_minutes, c.due) == (sla.MET, t(11, 30), 150, t(13))
    late = clocks(S1, [ev("ack", t(9, 10)), ev("resolved", t(14))], t(15))["resolution"]
    assert (late.status, late.elapsed_minutes) == (sla.BREACHED, 300)


def test_business_hours_elapsed_counts_open_time_only():
    # SEV-3 opened Wed 09:00, acknowledged Thu 10:00: 8 h Wed + 1 h Thu = 540 business minutes,
    # after the 13:00 deadline.
    fr = clocks(S3, [ev("ack", t(10, day=26))], t(12, day=26))["first_response"]
    assert (fr.status, fr.elapsed_minutes, fr.calendar) == (sla.BREACHED, 540, "business")
    # Overnight nothing counts: at Thu 08:00 the resolution clock has 8 h elapsed, due Thu 17:00.
    res = clocks(S3, [], t(8, day=26))["resolution"]
    assert (res.elapsed_minutes, res.due, res.status) == (480, t(17, day=26), sla.PENDING)
    # left_minutes is wall-clock time to the deadline: Thu 08:00 -> 17:00 = 540.
    assert res.left_minutes == 540


# -- pauses ------------------------------------------------------------------------------------

def test_pauses_stop_resolution_and_update_never_first_response():
    # SEV-1, paused at 09:05 before anyone acknowledged; now 09:20, still paused.
    c = clocks(S1, [ev("pause", t(9, 5))], t(9, 20))
    assert (c["first_response"].status, c["first_response"].due) == (sla.BREACHED, t(9, 15))
    # Resolution: 5 min used before the pause; while paused the deadline is "as if resumed now":
    # 09:20 + 235 min = 13:15. No countdown while paused.
    res = c["resolution"]
    assert (res.status, res.due, res.left_minutes, res.elapsed_minutes) == (sla.PAUSED, t(13, 15), None, 5)


def test_a_finished_pause_moves_the_deadline_by_its_length():
    # SEV-1 paused 10:00-11:00: resolution due 13:00 + 1 h = 14:00; at 12:00 elapsed 3 h - 1 h = 120.
    events = [ev("ack", t(9, 10)), ev("pause", t(10)), ev("resume", t(11))]
    res = clocks(S1, events, t(12))["resolution"]
    assert (res.status, res.due, res.elapsed_minutes, res.left_minutes) == (sla.PENDING, t(14), 120, 120)


def test_update_clock_pauses_and_resumes():
    # Ack 09:10 -> update due 09:40. Paused 09:20-09:50: 10 min used, 20 left from 09:50 -> 10:10.
    events = [ev("ack", t(9, 10)), ev("pause", t(9, 20))]
    during = clocks(S1, events, t(9, 50))["update"]
    assert (during.status, during.due) == (sla.PAUSED, t(10, 10))
    after = clocks(S1, [*events, ev("resume", t(9, 50))], t(10))["update"]
    assert (after.status, after.due, after.left_minutes) == (sla.PENDING, t(10, 10), 10)


def test_pausing_after_a_breach_does_not_hide_it():
    # SEV-1 resolution due 13:00; paused only at 13:30. At 14:00 it is breached, not "paused".
    events = [ev("ack", t(9, 10)), ev("update", t(9, 35)), ev("pause", t(13, 30))]
    res = clocks(S1, events, t(14))["resolution"]
    assert (res.status, res.due, res.left_minutes) == (sla.BREACHED, t(13), -60)


def test_resolving_ends_a_pause():
    events = [ev("ack", t(9, 10)), ev("pause", t(10)), ev("resolved", t(11))]
    history, found = sla.clocks_for(POLICY, None, OPENED, S1, events, t(12))
    assert not history.paused and history.pauses == [(t(10), t(11))]
    res = {c.name: c for c in found}["resolution"]
    assert (res.status, res.elapsed_minutes) == (sla.MET, 60)  # 09:00-10:00


# -- update cadence ----------------------------------------------------------------------------

def test_update_clock_starts_at_acknowledgment_and_restarts_at_each_update():
    assert clocks(S1, [], t(9, 5))["update"].status == sla.NOT_APPLICABLE  # nothing sent yet
    # Ack 09:10: due 09:40.
    c = clocks(S1, [ev("ack", t(9, 10))], t(9, 30))["update"]
    assert (c.status, c.due, c.left_minutes, c.target_minutes) == (sla.PENDING, t(9, 40), 10, 30)
    # Update 09:35 restarts it: due 10:05.
    c = clocks(S1, [ev("ack", t(9, 10)), ev("update", t(9, 35))], t(9, 50))["update"]
    assert (c.status, c.due, c.missed) == (sla.PENDING, t(10, 5), 0)


def test_missed_update_intervals_are_counted():
    # Ack 09:10 (due 09:40), update only at 09:50: one interval overran; next due 10:20.
    events = [ev("ack", t(9, 10)), ev("update", t(9, 50))]
    c = clocks(S1, events, t(10))["update"]
    assert (c.status, c.due, c.missed) == (sla.PENDING, t(10, 20), 1)
    # And at 10:30 the current one is overdue too.
    c = clocks(S1, events, t(10, 30))["update"]
    assert (c.status, c.missed, c.left_minutes) == (sla.BREACHED, 2, -10)


def test_update_overdue_when_resolved_counts_as_missed():
    # Ack 09:10 (update due 09:40); nothing more until resolved at 10:30: the customer waited 80 min.
    events = [ev("ack", t(9, 10)), ev("resolved", t(10, 30))]
    c = clocks(S1, events, t(11))["update"]
    assert (c.status, c.missed) == (sla.BREACHED, 1)
    # Resolved before the update was due: met.
    c = clocks(S1, [ev("ack", t(9, 10)), ev("resolved", t(9, 30))], t(11))["update"]
    assert (c.status, c.missed, c.met_at) == (sla.MET, 0, t(9, 10))


def test_on_change_cadence_has_no_periodic_deadline():
    # SEV-4 updates "on change": after the ack nothing is ever due, however long.
    c = clocks(S4, [ev("ack", t(10))], t(9, day=30))["update"]
    assert (c.status, c.due, c.target_minutes, c.left_minutes, c.missed) == (sla.NOT_APPLICABLE, None, None, None, 0)
    assert sla.plan(POLICY, S4, OPENED).update_cadence == "on change"


# -- severity changes --------------------------------------------------------------------------

def test_severity_raised_mid_escalation():
    # SEV-3 opened Wed 09:00, acknowledged 09:30, raised to SEV-1 at 10:00.
    events = [ev("ack", t(9, 30)), raised(t(10), S1)]
    c = clocks(S3, events, t(11))
    # First response was met before the change: stays met against its 13:00 deadline.
    assert (c["first_response"].status, c["first_response"].due) == (sla.MET, t(13))
    # Resolution: SEV-3 Thu 26 Nov 17:00 vs 10:00 + 4 h (SEV-1, around the clock) = 14:00 -> 14:00.
    res = c["resolution"]
    assert (res.status, res.due, res.target_minutes, res.calendar, res.left_minutes) == (
        sla.PENDING, t(14), 240, "24x7", 180)
    # Update: from the ack 09:30, SEV-3 daily = 8 business h -> Thu 09:30; SEV-1 from 10:00 + 30 min = 10:30.
    up = c["update"]
    assert (up.status, up.due, up.left_minutes) == (sla.BREACHED, t(10, 30), -30)


def test_severity_raised_before_acknowledgment():
    # SEV-3 first response due 13:00. Raised to SEV-1 at 10:00: 10:00 + 15 min = 10:15 is earlier.
    fr = clocks(S3, [raised(t(10), S1)], t(10, 20))["first_response"]
    assert (fr.status, fr.due) == (sla.BREACHED, t(10, 15))
    # Raised at 12:50: 12:50 + 15 = 13:05 is later than 13:00, so the earlier 13:00 stands.
    fr = clocks(S3, [raised(t(12, 50), S1)], t(12, 55))["first_response"]
    assert (fr.status, fr.due, fr.target_minutes) == (sla.PENDING, t(13), 15)
    # The warning lead follows the current severity: SEV-1, min(15, 15 // 5) = 3 min before 13:00.
    assert clocks(S3, [raised(t(12, 50), S1)], t(12, 57))["first_response"].status == sla.DUE_SOON


def test_severity_lowered_mid_escalation():
    # SEV-1 opened Wed 09:00, ack 09:10, update 09:35, lowered to SEV-3 at 10:00.
    events = [ev("ack", t(9, 10)), ev("update", t(9, 35)), raised(t(10), S3)]
    c = clocks(S1, events, t(14))
    assert (c["first_response"].status, c["first_response"].due) == (sla.MET, t(9, 15))
    # Resolution: SEV-1 13:00 is replaced by 10:00 + 16 business h: Wed 10-17 (7) + Thu 9-17 (8)
    # + Fri 09-10 (1) -> Fri 27 Nov 10:00. At 14:00 it is pending, not breached.
    res = c["resolution"]
    assert (res.status, res.due, res.calendar) == (sla.PENDING, t(10, day=27), "business")
    # Update: was due 10:05; from 10:00 + 8 business h: Wed 10-17 (7) + Thu 09-10 (1) -> Thu 10:00.
    up = c["update"]
    assert (up.status, up.due) == (sla.PENDING, t(10, day=26))


def test_a_clock_already_breached_is_not_rewritten_by_a_later_change():
    # SEV-1, nobody acknowledged by 09:15; lowered to SEV-4 at 09:30: first response stays 09:15, breached.
    fr = clocks(S1, [raised(t(9, 30), S4)], t(9, 45))["first_response"]
    assert (fr.status, fr.due) == (sla.BREACHED, t(9, 15))
    # Lowered to SEV-4 "on change": the update clock no longer has a deadline.
    up = clocks(S1, [ev("ack", t(9, 10)), raised(t(9, 20), S4)], t(11))["update"]
    assert (up.status, up.due) == (sla.NOT_APPLICABLE, None)


def test_clocks_are_evaluated_as_of_now():
    # Events recorded later than `now` do not count yet: at 09:05 the 09:10 ack has not happened.
    events = [ev("ack", t(9, 10)), ev("update", t(9, 35)), ev("resolved", t(11))]
    c = clocks(S1, events, t(9, 5))
    assert (c["first_response"].status, c["first_response"].met_at) == (sla.PENDING, None)
    assert c["update"].status == sla.NOT_APPLICABLE
    assert (c["resolution"].status, c["resolution"].elapsed_minutes) == (sla.PENDING, 5)
    # At 09:36 the ack and the update count, the resolution not yet.
    c = clocks(S1, events, t(9, 36))
    assert (c["first_response"].status, c["update"].due, c["resolution"].status) == (sla.MET, t(10, 5), sla.PENDING)


def test_a_closed_escalation_stops_its_clocks_and_its_pause():
    # SEV-1 acknowledged, paused 10:00, force-closed 10:30 without resolution. A day later nothing
    # has run on: the clocks read as at 10:30 (30 min into the pause), and the pause has ended.
    events = [ev("ack", t(9, 10)), ev("pause", t(10)), ev("closed", t(10, 30), forced=True, reason="customer left")]
    history, found = sla.clocks_for(POLICY, None, OPENED, S1, events, t(10, day=26))
    assert not history.paused and history.pauses == [(t(10), t(10, 30))]
    res = {c.name: c for c in found}["resolution"]
    # 60 min used before the pause; 180 left from the close at 10:30 -> 13:30.
    assert (res.status, res.elapsed_minutes, res.due) == (sla.PENDING, 60, t(13, 30))


def test_history_replays_in_time_order():
    events = [ev("resume", t(11)), ev("ack", t(9, 10)), ev("pause", t(10)), raised(t(9, 30), S2)]
    h = sla.replay(OPENED, S1, events)
    assert h.first_ack == t(9, 10) and h.pauses == [(t(10), t(11))] and not h.paused
    assert [s for _, s in h.severities] == [S1, S2]
    assert h.severity_at(t(9, 29)) == S1 and h.severity_at(t(9, 30)) == S2


# -- properties --------------------------------------------------------------------------------

PROPERTY = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 40)), deadline=None)
offsets = st.integers(min_value=0, max_value=7 * 24 * 60)


@st.composite
def pause_events(draw):
    edges = sorted(draw(st.lists(st.integers(0, 5 * 24 * 60), unique=True, max_size=6)))
    events = []
    for i, minute in enumerate(edges):
        events.append(ev("pause" if i % 2 == 0 else "resume", OPENED + timedelta(minutes=minute)))
    return events


@PROPERTY
@given(st.sampled_from(list(Severity)), pause_events(), st.integers(0, 5 * 24 * 60), st.integers(1, 600), offsets)
def test_an_extra_pause_never_moves_a_clock_deadline_earlier(severity, pauses, start, length, now_offset):
    now = OPENED + timedelta(minutes=now_offset)
    events = [ev("ack", OPENED + timedelta(minutes=5)), *pauses]
    before = clocks(severity, events, now)
    h = sla.replay(OPENED, severity, events)
    extra_start = OPENED + timedelta(minutes=start)
    if any(a <= extra_start + timedelta(minutes=length) and (b is None or extra_start <= b) for a, b in h.pauses):
        return  # overlapping pauses are not something the lifecycle can record
    extra = [ev("pause", extra_start), ev("resume", extra_start + timedelta(minutes=length))]
    after = clocks(severity, [*events, *extra], now)
    for name in ("resolution", "update"):
        if before[name].due and after[name].due:
            assert after[name].due >= before[name].due
    assert after["first_response"].due == before["first_response"].due  # never paused


@PROPERTY
@given(st.sampled_from(list(Severity)), pause_events(), offsets, offsets)
def test_clock_elapsed_time_is_monotonic_in_now(severity, pauses, a, b):
    events = [ev("ack", OPENED + timedelta(minutes=20)), *pauses]
    early, late = OPENED + timedelta(minutes=min(a, b)), OPENED + timedelta(minutes=max(a, b))
    c1, c2 = clocks(severity, events, early), clocks(severity, events, late)
    assert c1["resolution"].elapsed_minutes <= c2["resolution"].elapsed_minutes
    assert c1["first_response"].elapsed_minutes <= c2["first_response"].elapsed_minutes
    # Once breached, a clock stays breached.
    for name in ("first_response", "resolution"):
        if c1[name].status == sla.BREACHED:
            assert c2[name].status == sla.BREACHED


# -- formatting helpers ------------------------------------------------------------------------

@pytest.mark.parametrize("minutes, text", [(None, "-"), (0, "0m"), (5, "5m"), (60, "1h"), (95, "1h 35m"),
                                            (1440, "1d"), (1505, "1d 1h 5m"), (-25, "-25m")])
def test_humanize(minutes, text):
    assert sla.humanize(minutes) == text


@pytest.mark.parametrize("text, minutes", [("30m", 30), ("2h", 120), ("1d", 1440), ("90", 90), ("1.5h", 90), ("45min", 45)])
def test_parse_duration(text, minutes):
    assert sla.parse_duration(text) == timedelta(minutes=minutes)


def test_parse_duration_rejects_nonsense():
    with pytest.raises(UsageError, match="is not a duration"):
        sla.parse_duration("soon")
