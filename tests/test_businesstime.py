"""Calendar arithmetic (agent/businesstime.py): worked examples computed by hand, then properties.

Every worked example states its arithmetic in a comment. Times are written in the calendar's
own zone and compared as aware datetimes, so an assertion fails if either the wall-clock time
or the UTC offset is wrong.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agent.businesstime import OpenHours, open_hours
from agent.policy import Calendar

UTC = timezone.utc
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def calendar(tz: str = "UTC", hours: str | list[str] = "09:00-17:00", days=WEEKDAYS, **kw) -> Calendar:
    intervals = [hours] if isinstance(hours, str) else hours
    return Calendar(timezone=tz, hours={d: intervals for d in days}, **kw)


def at(tz: ZoneInfo, *args) -> datetime:
    return datetime(*args, tzinfo=tz)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


# -- holidays: a Wednesday 23:00 ticket, 48 business hours, 09:00-21:00 ---------------------------

NY_LONG_DAYS = calendar("America/New_York", "09:00-21:00", holidays_country="US", holidays_subdivision="NY")


def test_48_business_hours_from_wednesday_23h_skip_two_new_york_holidays():
    # Opened Wed 11 Feb 2026 23:00 EST, after closing. Mon-Fri 09:00-21:00 is 12 h a day.
    # Thu 12 Feb Lincoln's Birthday (a New York holiday) closed; Fri 13 Feb 12 h (12);
    # Sat/Sun closed; Mon 16 Feb Washington's Birthday closed; Tue 17 12 h (24);
    # Wed 18 12 h (36); Thu 19 12 h (48) -> due at closing, Thu 19 Feb 21:00 EST = Fri 02:00 UTC.
    hours = OpenHours(NY_LONG_DAYS)
    due = hours.add(at(NEW_YORK, 2026, 2, 11, 23, 0), 48 * 60)
    assert due == at(NEW_YORK, 2026, 2, 19, 21, 0)
    assert due == utc(2026, 2, 20, 2, 0)
    assert hours.is_holiday(date(2026, 2, 12)) and hours.is_holiday(date(2026, 2, 16))
    assert hours.between(at(NEW_YORK, 2026, 2, 11, 23, 0), due) == 48 * 60


def test_the_subdivision_decides_which_holidays_count():
    # Federal US only: Lincoln's Birthday is a working day. Thu 12 (12), Fri 13 (24),
    # Mon 16 Washington's Birthday closed, Tue 17 (36), Wed 18 (48) -> Wed 18 Feb 21:00 EST.
    federal = OpenHours(calendar("America/New_York", "09:00-21:00", holidays_country="US"))
    assert federal.add(at(NEW_YORK, 2026, 2, 11, 23, 0), 48 * 60) == at(NEW_YORK, 2026, 2, 18, 21, 0)
    assert not federal.is_holiday(date(2026, 2, 12))


def test_custom_closed_dates_add_to_the_country_holidays():
    # US-NY plus a custom closed Fri 13 Feb: Thu 12 holiday, Fri 13 custom, Mon 16 holiday;
    # Tue 17 (12), Wed 18 (24), Thu 19 (36), Fri 20 (48) -> Fri 20 Feb 21:00 EST.
    cal = NY_LONG_DAYS.model_copy(update={"holidays_extra": [date(2026, 2, 13)]})
    assert OpenHours(cal).add(at(NEW_YORK, 2026, 2, 11, 23, 0), 48 * 60) == at(NEW_YORK, 2026, 2, 20, 21, 0)


def test_custom_dates_alone_without_a_country():
    # No country, two custom closed days Thu 24 and Fri 25 Dec 2026, 09:00-21:00 UTC:
    # opened Wed 23 Dec 23:00; Mon 28 (12), Tue 29 (24), Wed 30 (36), Thu 31 (48) -> Thu 31 Dec 21:00.
    cal = calendar("UTC", "09:00-21:00", holidays_extra=[date(2026, 12, 24), date(2026, 12, 25)])
    assert OpenHours(cal).add(utc(2026, 12, 23, 23, 0), 48 * 60) == utc(2026, 12, 31, 21, 0)


def test_easter_in_germany_with_the_holidays_package():
    # Opened Wed 1 Apr 2026 23:00 CEST, 48 h on Mon-Fri 09:00-21:00 Berlin, holidays DE:
    # Thu 2 Apr (12); Fri 3 Good Friday; Sat/Sun; Mon 6 Easter Monday; Tue 7 (24); Wed 8 (36);
    # Thu 9 (48) -> Thu 9 Apr 21:00 CEST = 19:00 UTC.
    hours = OpenHours(calendar("Europe/Berlin", "09:00-21:00", holidays_country="DE"))
    assert hours.add(at(BERLIN, 2026, 4, 1, 23, 0), 48 * 60) == utc(2026, 4, 9, 19, 0)


def test_bavarian_holiday_only_in_bavaria():
    # Corpus Christi (Thu 4 Jun 2026) is a public holiday in Bavaria, not in Germany as a whole.
    bavaria = OpenHours(calendar("Europe/Berlin", holidays_country="DE", holidays_subdivision="BY"))
    germany = OpenHours(calendar("Europe/Berlin", holidays_country="DE"))
    assert bavaria.is_holiday(date(2026, 6, 4)) and not germany.is_holiday(date(2026, 6, 4))
    # 8 business hours from Wed 3 Jun 17:00 (closing): Bavaria opens again Fri 5 Jun -> 17:00;
    # elsewhere Thu 4 Jun 17:00.
    start = at(BERLIN, 2026, 6, 3, 17, 0)
    assert bavaria.add(start, 8 * 60) == at(BERLIN, 2026, 6, 5, 17, 0)
    assert germany.add(start, 8 * 60) == at(BERLIN, 2026, 6, 4, 17, 0)
    # Holidays of the next year are looked up too (the table is built per year).
    assert bavaria.is_holiday(date(2027, 1, 6))  # Epiphany


# -- split shift -------------------------------------------------------------------------------

SPLIT = OpenHours(calendar("UTC", ["08:00-12:00", "13:00-17:00"]))  # 8 h a day with a lunch hour


@pytest.mark.parametrize(
    "start, minutes, due",
    [
        # Wed 11:00 + 4 h: 11-12 (1 h), lunch, 13-16 (3 h) -> Wed 16:00.
        (utc(2026, 11, 25, 11, 0), 240, utc(2026, 11, 25, 16, 0)),
        # Opened during lunch, Wed 12:30 + 1 h: nothing counts until 13:00 -> 14:00.
        (utc(2026, 11, 25, 12, 30), 60, utc(2026, 11, 25, 14, 0)),
        # Wed 10:00 + 8 h: 10-12 (2), 13-17 (4) = 6 h; Thu 08-10 (2) -> Thu 10:00.
        (utc(2026, 11, 25, 10, 0), 480, utc(2026, 11, 26, 10, 0)),
        # Wed 08:00 + 4 h uses the whole morning shift -> due at 12:00, not after lunch.
        (utc(2026, 11, 25, 8, 0), 240, utc(2026, 11, 25, 12, 0)),
        # From the close of the morning, Wed 12:00 + 1 min -> 13:01.
        (utc(2026, 11, 25, 12, 0), 1, utc(2026, 11, 25, 13, 1)),
        # Fri 16:30 + 2 h: 16:30-17:00 (30 min), weekend, Mon 08:00-09:30 (90 min) -> Mon 30 Nov 09:30.
        (utc(2026, 11, 27, 16, 30), 120, utc(2026, 11, 30, 9, 30)),
        # Saturday 10:00 + 30 min: closed all weekend -> Mon 08:30.
        (utc(2026, 11, 28, 10, 0), 30, utc(2026, 11, 30, 8, 30)),
    ],
)
def test_split_shift_add(start, minutes, due):
    assert SPLIT.add(start, minutes) == due
    assert SPLIT.between(start, due) == minutes


def test_split_shift_between_and_intervals():
    # Wed 11:30-13:30: 30 min before lunch + 30 min after = 60 min.
    assert SPLIT.between(utc(2026, 11, 25, 11, 30), utc(2026, 11, 25, 13, 30)) == 60
    # Wed 07:00 - Thu 07:00: one whole day = 8 h.
    assert SPLIT.between(utc(2026, 11, 25, 7, 0), utc(2026, 11, 26, 7, 0)) == 480
    # Fri 12:00 - Mon 08:00 is all closed.
    assert SPLIT.between(utc(2026, 11, 27, 17, 0), utc(2026, 11, 30, 8, 0)) == 0
    assert list(SPLIT.intervals(utc(2026, 11, 25, 9, 0), utc(2026, 11, 25, 15, 0))) == [
        (utc(2026, 11, 25, 9, 0), utc(2026, 11, 25, 12, 0)),
        (utc(2026, 11, 25, 13, 0), utc(2026, 11, 25, 15, 0)),
    ]
    # Zero minutes from lunch time is the next open moment.
    assert SPLIT.add(utc(2026, 11, 25, 12, 15), 0) == utc(2026, 11, 25, 13, 0)
    assert SPLIT.between(utc(2026, 11, 25, 15, 0), utc(2026, 11, 25, 9, 0)) == 0  # end before start


# -- DST weekends ------------------------------------------------------------------------------

BERLIN_24X7 = OpenHours(Calendar(timezone="Europe/Berlin", always_open=True))
BERLIN_ALL_DAY = OpenHours(calendar("Europe/Berlin", "00:00-24:00", days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
BERLIN_EVERY_DAY = OpenHours(calendar("Europe/Berlin", "09:00-17:00", days=("mon", "tue", "wed", "thu", "fri", "sat", "sun")))
BERLIN_NIGHT = OpenHours(calendar("Europe/Berlin", "01:00-04:00", days=("sun",)))
BERLIN_OFFICE = OpenHours(calendar("Europe/Berlin"))


def test_berlin_spring_forward_29_march_2026():
    # Clocks jump 02:00 CET -> 03:00 CEST (01:00 UTC); that Sunday has 23 hours.
    # Around the clock, 4 h from Sat 28 Mar 23:00 CET (22:00 UTC) is 02:00 UTC = 04:00 CEST:
    # five hours on the wall, four real hours.
    due = BERLIN_24X7.add(at(BERLIN, 2026, 3, 28, 23, 0), 240)
    assert due == utc(2026, 3, 29, 2, 0)
    assert due.astimezone(BERLIN).hour == 4 and due.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    # A 00:00-24:00 calendar on that Sunday counts the 23 real hours, not 24.
    assert BERLIN_ALL_DAY.between(at(BERLIN, 2026, 3, 29, 0, 0), at(BERLIN, 2026, 3, 30, 0, 0)) == 23 * 60
    # 48 h from Sat 28 Mar 00:00 CET: Sat 24 h + Sun 23 h = 47 h, +1 h Monday -> Mon 30 Mar 01:00 CEST,
    # exactly what the always-open calendar gives.
    start = at(BERLIN, 2026, 3, 28, 0, 0)
    assert BERLIN_ALL_DAY.add(start, 48 * 60) == at(BERLIN, 2026, 3, 30, 1, 0) == BERLIN_24X7.add(start, 48 * 60)
    # 01:00-04:00 wall clock on the transition Sunday is 01:00 CET-04:00 CEST = 00:00-02:00 UTC = 2 h;
    # a week earlier it is 3 h.
    assert BERLIN_NIGHT.between(at(BERLIN, 2026, 3, 29, 0, 0), at(BERLIN, 2026, 3, 30, 0, 0)) == 120
    assert BERLIN_NIGHT.between(at(BERLIN, 2026, 3, 22, 0, 0), at(BERLIN, 2026, 3, 23, 0, 0)) == 180
    # Business hours are wall-clock hours: 09:00-17:00 is 8 h on the DST Sunday too.
    # Sat 28 Mar 16:00 CET + 2 h: 16-17 Sat (1 h), Sun 09:00-10:00 CEST (1 h) -> Sun 10:00 CEST = 08:00 UTC.
    assert BERLIN_EVERY_DAY.add(at(BERLIN, 2026, 3, 28, 16, 0), 120) == utc(2026, 3, 29, 8, 0)
    assert BERLIN_EVERY_DAY.between(at(BERLIN, 2026, 3, 29, 0, 0), at(BERLIN, 2026, 3, 30, 0, 0)) == 480
    # Mon-Fri office hours across the weekend: Fri 27 Mar 16:00 CET (15:00 UTC) + 4 h:
    # Fri 16-17 (1 h), Mon 30 Mar 09:00-12:00 CEST (3 h) -> 12:00 CEST = 10:00 UTC.
    assert BERLIN_OFFICE.add(at(BERLIN, 2026, 3, 27, 16, 0), 240) == utc(2026, 3, 30, 10, 0)


def test_berlin_fall_back_25_october_2026():
    # Clocks go back 03:00 CEST -> 02:00 CET (01:00 UTC); that Sunday has 25 hours.
    # Around the clock, 4 h from Sat 24 Oct 23:00 CEST (21:00 UTC) is 01:00 UTC = the second 02:00, CET.
    due = BERLIN_24X7.add(at(BERLIN, 2026, 10, 24, 23, 0), 240)
    assert due == utc(2026, 10, 25, 1, 0)
    local = due.astimezone(BERLIN)
    assert (local.hour, local.utcoffset()) == (2, timedelta(hours=1))
    assert BERLIN_ALL_DAY.between(at(BERLIN, 2026, 10, 25, 0, 0), at(BERLIN, 2026, 10, 26, 0, 0)) == 25 * 60
    # 01:00 CEST-04:00 CET = Sat 23:00 UTC-Sun 03:00 UTC = 4 h.
    assert BERLIN_NIGHT.between(at(BERLIN, 2026, 10, 25, 0, 0), at(BERLIN, 2026, 10, 26, 0, 0)) == 240
    # 09:00-17:00 on that Sunday is still 8 h: Sat 24 Oct 16:00 CEST + 2 h -> Sun 10:00 CET = 09:00 UTC.
    assert BERLIN_EVERY_DAY.add(at(BERLIN, 2026, 10, 24, 16, 0), 120) == utc(2026, 10, 25, 9, 0)
    # Fri 23 Oct 16:00 CEST (14:00 UTC) + 4 office hours -> Mon 26 Oct 12:00 CET = 11:00 UTC.
    assert BERLIN_OFFICE.add(at(BERLIN, 2026, 10, 23, 16, 0), 240) == utc(2026, 10, 26, 11, 0)


NY_24X7 = OpenHours(Calendar(timezone="America/New_York", always_open=True))
NY_ALL_DAY = OpenHours(calendar("America/New_York", "00:00-24:00", days=("sat", "sun", "mon")))
NY_OFFICE = OpenHours(calendar("America/New_York"))


def test_new_york_spring_forward_8_march_2026():
    # 02:00 EST -> 03:00 EDT (07:00 UTC). Around the clock, 8 h from Sat 7 Mar 22:00 EST (03:00 UTC)
    # is 11:00 UTC = Sun 07:00 EDT: nine hours on the wall.
    assert NY_24X7.add(at(NEW_YORK, 2026, 3, 7, 22, 0), 480) == at(NEW_YORK, 2026, 3, 8, 7, 0) == utc(2026, 3, 8, 11, 0)
    assert NY_ALL_DAY.between(at(NEW_YORK, 2026, 3, 8, 0, 0), at(NEW_YORK, 2026, 3, 9, 0, 0)) == 23 * 60
    # Fri 6 Mar 16:00 EST (21:00 UTC) + 2 office hours: Fri 16-17 (1 h), Mon 9 Mar 09:00-10:00 EDT
    # -> 10:00 EDT = 14:00 UTC (the UTC time of opening moved by an hour over the weekend).
    assert NY_OFFICE.add(at(NEW_YORK, 2026, 3, 6, 16, 0), 120) == utc(2026, 3, 9, 14, 0)


def test_new_york_fall_back_1_november_2026():
    # 02:00 EDT -> 01:00 EST (06:00 UTC). 8 h from Sat 31 Oct 22:00 EDT (Sun 02:00 UTC) is 10:00 UTC
    # = Sun 05:00 EST: seven hours on the wall.
    due = NY_24X7.add(at(NEW_YORK, 2026, 10, 31, 22, 0), 480)
    assert due == utc(2026, 11, 1, 10, 0)
    assert due.astimezone(NEW_YORK).hour == 5
    assert NY_ALL_DAY.between(at(NEW_YORK, 2026, 11, 1, 0, 0), at(NEW_YORK, 2026, 11, 2, 0, 0)) == 25 * 60
    # Fri 30 Oct 16:00 EDT (20:00 UTC) + 2 office hours -> Mon 2 Nov 10:00 EST = 15:00 UTC.
    assert NY_OFFICE.add(at(NEW_YORK, 2026, 10, 30, 16, 0), 120) == utc(2026, 11, 2, 15, 0)
    # The repeated hour counts twice: 01:00-02:00 wall clock that night is 01:00 EDT-02:00 EST = 2 h.
    repeated = OpenHours(calendar("America/New_York", "01:00-02:00", days=("sun",)))
    assert repeated.between(utc(2026, 11, 1, 0, 0), utc(2026, 11, 2, 0, 0)) == 120


# -- pauses ------------------------------------------------------------------------------------

BAVARIA_OFFICE = OpenHours(calendar("Europe/Berlin", holidays_country="DE", holidays_subdivision="BY"))


def test_pause_spanning_a_holiday():
    # Mon-Fri 09:00-17:00 Berlin, holidays DE-BY; Thu 4 Jun 2026 is Corpus Christi.
    start = at(BERLIN, 2026, 6, 2, 9, 0)  # Tue
    # 16 h without a pause: Tue 8 + Wed 8 -> Wed 3 Jun 17:00.
    assert BAVARIA_OFFICE.add(start, 960) == at(BERLIN, 2026, 6, 3, 17, 0)
    # Paused Wed 13:00 -> Fri 11:00 (the holiday inside the pause): Tue 8 + Wed 09-13 4 = 12 h used,
    # 4 h left from Fri 11:00 -> Fri 5 Jun 15:00. The holiday is not subtracted twice.
    pause = [(at(BERLIN, 2026, 6, 3, 13, 0), at(BERLIN, 2026, 6, 5, 11, 0))]
    due = BAVARIA_OFFICE.add(start, 960, pause)
    assert due == at(BERLIN, 2026, 6, 5, 15, 0)
    assert BAVARIA_OFFICE.between(start, due, pause) == 960
    # Resumed on the holiday itself (Thu 12:00): nothing counts until Fri 09:00 -> Fri 13:00.
    resumed_on_holiday = [(at(BERLIN, 2026, 6, 3, 13, 0), at(BERLIN, 2026, 6, 4, 12, 0))]
    assert BAVARIA_OFFICE.add(start, 960, resumed_on_holiday) == at(BERLIN, 2026, 6, 5, 13, 0)
    # Where Thursday is a working day the same pause ends the clock Thu 12:00 + 4 h = 16:00.
    germany = OpenHours(calendar("Europe/Berlin", holidays_country="DE"))
    assert germany.add(start, 960, resumed_on_holiday) == at(BERLIN, 2026, 6, 4, 16, 0)


def test_pauses_around_the_clock_and_still_open():
    start = utc(2026, 11, 25, 9, 0)
    hours = OpenHours(Calendar(always_open=True))
    pauses = [(utc(2026, 11, 25, 10, 0), utc(2026, 11, 25, 11, 0)), (utc(2026, 11, 25, 12, 0), utc(2026, 11, 25, 12, 30))]
    # 4 h target + 1 h + 30 min paused -> 14:30.
    assert hours.add(start, 240, pauses) == utc(2026, 11, 25, 14, 30)
    # A pause still open (end None) stops counting from its start: 09:00-10:00 = 60 min, however late.
    open_pause = [(utc(2026, 11, 25, 10, 0), None)]
    assert hours.between(start, utc(2026, 11, 30, 0, 0), open_pause) == 60
    # A pause before the start changes nothing; one starting exactly at the deadline neither.
    assert hours.add(start, 60, [(utc(2026, 11, 25, 7, 0), utc(2026, 11, 25, 8, 0))]) == utc(2026, 11, 25, 10, 0)
    assert hours.add(start, 60, [(utc(2026, 11, 25, 10, 0), utc(2026, 11, 25, 11, 0))]) == utc(2026, 11, 25, 10, 0)
    # A pause that began before the start and ends after it delays the start.
    assert hours.add(start, 60, [(utc(2026, 11, 25, 8, 0), utc(2026, 11, 25, 9, 30))]) == utc(2026, 11, 25, 10, 30)


def test_a_calendar_without_open_time_ahead_is_an_error_not_a_hang():
    mondays = [date(2026, 11, 30) + timedelta(weeks=w) for w in range(53 * 4)]
    hours = OpenHours(calendar("UTC", days=("mon",), holidays_extra=mondays))
    with pytest.raises(ValueError, match="no open time"):
        hours.add(utc(2026, 11, 25, 9, 0), 60)


def test_open_hours_are_cached_per_distinct_calendar():
    a = open_hours(calendar("Europe/Berlin"))
    assert open_hours(calendar("Europe/Berlin")) is a
    assert open_hours(calendar("America/New_York")) is not a


# -- properties --------------------------------------------------------------------------------

EVERY_DAY = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
BUSINESS_CALENDARS = [
    calendar("UTC"),
    calendar("Europe/Berlin", ["08:00-12:00", "13:00-17:00"], holidays_country="DE", holidays_subdivision="BY"),
    calendar("America/New_York", "09:00-21:00", holidays_country="US", holidays_subdivision="NY",
             holidays_extra=[date(2026, 11, 27), date(2027, 11, 26)]),
    calendar("Asia/Kolkata", "10:00-18:30", days=("mon", "tue", "wed", "thu", "fri", "sat")),  # +05:30
    calendar("Australia/Lord_Howe", "08:00-16:00"),  # half-hour DST shift
    Calendar(timezone="Asia/Tokyo", hours={"sun": ["20:00-24:00"], "mon": ["00:00-04:00", "20:00-24:00"],
                                           "tue": ["00:00-04:00"]}),  # a night shift over midnight
    calendar("Europe/Berlin", "09:00-17:00", days=EVERY_DAY),
]
ALL_CALENDARS = [*BUSINESS_CALENDARS, Calendar(timezone="Europe/Berlin", always_open=True),
                 calendar("America/New_York", "00:00-24:00", days=EVERY_DAY)]
HOURS = [OpenHours(c) for c in ALL_CALENDARS]
BUSINESS = list(range(len(BUSINESS_CALENDARS)))

PROPERTY = settings(max_examples=int(os.environ.get("HYPOTHESIS_EXAMPLES", 60)), deadline=None, suppress_health_check=[HealthCheck.too_slow])
moments = st.datetimes(min_value=datetime(2025, 12, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))
targets = st.integers(min_value=1, max_value=6000)


@st.composite
def scenarios(draw, open_ended: bool = False):
    """A start and sorted, non-overlapping pauses around it, as the replay produces them."""
    start = draw(moments)
    edges = sorted(draw(st.lists(st.integers(min_value=-3000, max_value=20000), unique=True, max_size=8)))
    if len(edges) % 2:
        edges = edges[:-1]
    pauses = [(start + timedelta(minutes=a), start + timedelta(minutes=b)) for a, b in zip(edges[::2], edges[1::2])]
    if open_ended and draw(st.booleans()):
        last = pauses[-1][1] if pauses else start
        pauses.append((last + timedelta(minutes=draw(st.integers(1, 5000))), None))
    return start, pauses


def _inside_open_hours(cal: Calendar, hours: OpenHours, moment: datetime) -> bool:
    """Independent of add(): the local wall time lies in (start, end] of a weekly interval on a non-holiday."""
    local = moment.astimezone(ZoneInfo(cal.timezone))
    minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
    candidates = [(local.date(), minute)]
    if minute == 0:
        candidates.append((local.date() - timedelta(days=1), 24 * 60))
    for day, m in candidates:
        if hours.is_holiday(day):
            continue
        if any(a < m <= b for a, b in cal.intervals(day.weekday())):
            return True
    return False


@PROPERTY
@given(st.sampled_from(range(len(HOURS))), scenarios(), targets, st.data())
def test_adding_a_pause_never_moves_a_deadline_earlier(which, scenario, minutes, data):
    start, pauses = scenario
    hours = HOURS[which]
    with_all = hours.add(start, minutes, pauses)
    assert with_all >= hours.add(start, minutes)
    if pauses:
        dropped = data.draw(st.integers(0, len(pauses) - 1))
        fewer = pauses[:dropped] + pauses[dropped + 1:]
        assert with_all >= hours.add(start, minutes, fewer)
    # Paused time is never counted: the open, unpaused minutes up to the deadline are the target.
    assert hours.between(start, with_all, pauses) == pytest.approx(minutes, abs=1e-6)


@PROPERTY
@given(st.sampled_from(BUSINESS), scenarios(), targets)
def test_a_business_hours_deadline_falls_inside_open_hours(which, scenario, minutes):
    start, pauses = scenario
    cal, hours = ALL_CALENDARS[which], HOURS[which]
    due = hours.add(start, minutes, pauses)
    assert due > start
    assert _inside_open_hours(cal, hours, due), f"{due.astimezone(ZoneInfo(cal.timezone))} is outside open hours"


@PROPERTY
@given(st.sampled_from(range(len(HOURS))), scenarios(open_ended=True), st.integers(0, 30000), st.integers(0, 30000))
def test_elapsed_business_time_is_monotonic_in_wall_time(which, scenario, a, b):
    start, pauses = scenario
    hours = HOURS[which]
    t1, t2 = start + timedelta(minutes=min(a, b)), start + timedelta(minutes=max(a, b))
    e1, e2 = hours.between(start, t1, pauses), hours.between(start, t2, pauses)
    assert 0 <= e1 <= e2
    assert e2 - e1 <= (t2 - t1).total_seconds() / 60 + 1e-9  # never more than the wall time
    assert hours.between(t1, t2, pauses) == pytest.approx(e2 - e1, abs=1e-6)  # additive


@PROPERTY
@given(scenarios(), targets)
def test_an_all_day_calendar_is_the_same_as_always_open(scenario, minutes):
    start, pauses = scenario
    always, all_day = HOURS[-2], OpenHours(calendar("Europe/Berlin", "00:00-24:00", days=EVERY_DAY))
    assert always.add(start, minutes, pauses) == all_day.add(start, minutes, pauses)


# -- the machine's local time zone never matters ------------------------------------------------

LOCAL_ZONES = ["UTC", "Pacific/Kiritimati", "America/Los_Angeles", "Asia/Kathmandu", "Europe/Berlin",
               "Australia/Lord_Howe", "EST5EDT", "Pacific/Pago_Pago"]


@contextmanager
def local_zone(name: str):
    before = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()


def _battery(start: datetime, minutes: int) -> list:
    out = []
    for hours in HOURS:
        due = hours.add(start, minutes)
        out += [due.isoformat(), hours.between(start, due), hours.between(start, start + timedelta(days=3))]
    return out


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(LOCAL_ZONES), moments, targets)
def test_results_do_not_depend_on_the_local_time_zone(zone, start, minutes):
    with local_zone("UTC"):
        expected = _battery(start, minutes)
    with local_zone(zone):
        assert time.localtime(0).tm_gmtoff == int(ZoneInfo(zone).utcoffset(datetime(1970, 1, 1)).total_seconds())
        assert _battery(start, minutes) == expected


def test_open_time_between_does_not_depend_on_what_was_asked_before():
    """The per-day sums are cached from a base day: a later query below that base must not mix two bases."""
    from agent.businesstime import OpenHours
    from agent.policy import Calendar

    calendar = Calendar(timezone="UTC", hours={d: ["09:00-17:00"] for d in ("mon", "tue", "wed", "thu", "fri")})
    warmed, fresh = OpenHours(calendar), OpenHours(calendar)
    # Its base is 370 days before the last day asked: here Sat 17 Jan 2026, inside the range asked next.
    late = (datetime(2027, 1, 1, tzinfo=timezone.utc), datetime(2027, 1, 22, tzinfo=timezone.utc))
    early = (datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc), datetime(2026, 1, 19, 9, 0, tzinfo=timezone.utc))
    warmed.between(*late)
    # Two full working weeks, Mon 5 Jan 09:00 to Mon 19 Jan 09:00: 10 days x 8 h.
    assert warmed.between(*early) == fresh.between(*early) == 10 * 8 * 60
