"""Calendar arithmetic: open intervals, adding open minutes to a moment, open minutes between two.

All inputs and outputs are aware datetimes; weekly hours are wall-clock times in the calendar's
zone, so a 09:00-17:00 day is 8 hours on a DST Sunday too, and a holiday is a whole local date.
Pauses are (start, end) pairs that the clock skips, end None meaning "still paused".
"""

from __future__ import annotations

from bisect import bisect_right
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Iterator, Sequence
from zoneinfo import ZoneInfo

from .policy import Calendar

UTC = timezone.utc
ZERO = timedelta(0)
MAX_DAYS = 3 * 366  # a clock never looks further than this for open time
FAR = datetime.max.replace(tzinfo=UTC) - timedelta(days=2)
Pause = tuple[datetime, datetime | None]


class OpenHours:
    def __init__(self, calendar: Calendar):
        self.calendar = calendar
        self.tz = ZoneInfo(calendar.timezone or "UTC")
        self.always_open = calendar.always_open
        self.weekly = [calendar.intervals(d) for d in range(7)]
        self._extra = set(calendar.holidays_extra)
        self._years: dict[int, frozenset[date]] = {}
        self._days: dict[date, list[tuple[datetime, datetime]]] = {}
        self._base: int | None = None  # ordinal of the first day in _cumulative
        self._cumulative: list[timedelta] = [ZERO]  # open time of the days before base + i (exact)

    def is_holiday(self, day: date) -> bool:
        if day in self._extra:
            return True
        if not self.calendar.holidays_country:
            return False
        if day.year not in self._years:
            import holidays  # heavy: only when a calendar names a country

            found = holidays.country_holidays(
                self.calendar.holidays_country, subdiv=self.calendar.holidays_subdivision, years=day.year
            )
            self._years[day.year] = frozenset(found)
        return day in self._years[day.year]

    def intervals(self, start: datetime, end: datetime | None = None) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) overlapping [start, end), clipped to it, in order."""
        start = start.astimezone(UTC)
        stop = end.astimezone(UTC) if end else FAR
        if self.always_open:
            if start < stop:
                yield start, stop
            return
        day = start.astimezone(self.tz).date() - timedelta(days=1)  # an interval may straddle midnight in UTC
        last = stop.astimezone(self.tz).date()
        for _ in range(MAX_DAYS):
            if day > last:
                return
            for lo, hi in self.day(day):
                lo, hi = max(lo, start), min(hi, stop)
                if lo < hi:
                    yield lo, hi
            day += timedelta(days=1)

    def day(self, day: date) -> list[tuple[datetime, datetime]]:
        """The open intervals (UTC) of one local date; none on a holiday."""
        found = self._days.get(day)
        if found is None:
            found = [] if self.is_holiday(day) else [
                (self._moment(day, a), self._moment(day, b)) for a, b in self.weekly[day.weekday()]
            ]
            self._days[day] = found
        return found

    def _prefix(self, ordinal: int) -> timedelta:
        """Open time of every local day before `ordinal`, counted from a base day."""
        if self._base is None or ordinal < self._base:
            self._base, self._cumulative = ordinal - 370, [ZERO]
        while self._base + len(self._cumulative) - 1 < ordinal:
            d = date.fromordinal(self._base + len(self._cumulative) - 1)
            self._cumulative.append(self._cumulative[-1] + sum((hi - lo for lo, hi in self.day(d)), ZERO))
        return self._cumulative[ordinal - self._base]

    def _raw_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time in [start, end), ignoring pauses; whole days in between come from prefix sums."""
        if end <= start:
            return ZERO
        if self.always_open:
            return end - start
        first = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        if (last - first).days < 3:
            return sum((hi - lo for lo, hi in self.intervals(start, end)), ZERO)
        # The lower bound first: a call below the cached base moves the base, and both sums must
        # count from the same one.
        below = self._prefix(first.toordinal() + 1)
        middle = self._prefix(last.toordinal()) - below
        return self._clipped(first, start, end) + middle + self._clipped(last, start, end)

    def _clipped(self, day: date, start: datetime, end: datetime) -> timedelta:
        total = ZERO
        for lo, hi in self.day(day):
            lo, hi = max(lo, start), min(hi, end)
            if lo < hi:
                total += hi - lo
        return total

    def _moment(self, day: date, minute: int) -> datetime:
        if minute >= 24 * 60:
            day, minute = day + timedelta(days=1), minute - 24 * 60
        return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.tz).astimezone(UTC)

    def add(self, start: datetime, minutes: float, pauses: Sequence[Pause] = ()) -> datetime:
        """The moment when `minutes` of open, unpaused time have passed since `start`."""
        left = timedelta(minutes=minutes)
        if self.always_open and not pauses and left > ZERO:
            return start.astimezone(UTC) + left  # real time: aware arithmetic in a zone is wall-clock
        cursor = start.astimezone(UTC)
        if not pauses and left > ZERO:
            return self._add_open(cursor, left)
        if left <= timedelta(0):
            return self._next_open(cursor, pauses)
        for lo, hi in self.intervals(cursor):
            for a, b in _minus_pauses(lo, hi, pauses):
                if b - a >= left:
                    return a + left
                left -= b - a
            if hi >= FAR:
                break
        raise ValueError("the calendar has no open time within three years")

    def _add_open(self, cursor: datetime, left: timedelta) -> datetime:
        """add() without pauses: walk the cached days (the clocks' hot path)."""
        day = cursor.astimezone(self.tz).date() - timedelta(days=1)
        one = timedelta(days=1)
        for _ in range(MAX_DAYS):
            for lo, hi in self.day(day):
                if hi <= cursor:
                    continue
                if lo < cursor:
                    lo = cursor
                if hi - lo >= left:
                    return lo + left
                left -= hi - lo
            day += one
        raise ValueError("the calendar has no open time within three years")

    def _next_open(self, cursor: datetime, pauses: Sequence[Pause]) -> datetime:
        for lo, hi in self.intervals(cursor):
            for a, _ in _minus_pauses(lo, hi, pauses):
                return a
        return cursor

    def between(self, start: datetime, end: datetime, pauses: Sequence[Pause] = ()) -> float:
        """Open, unpaused minutes in [start, end): the open time, minus the open time of each pause
        (pauses do not overlap)."""
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        if end <= start:
            return 0.0
        total = self._raw_between(start, end)
        for p_start, p_end in pauses:
            lo, hi = max(p_start, start), min(p_end or FAR, end)
            if lo < hi:
                total -= self._raw_between(lo, hi)
        return max(total, ZERO).total_seconds() / 60


def _minus_pauses(lo: datetime, hi: datetime, pauses: Sequence[Pause]) -> Iterator[tuple[datetime, datetime]]:
    """[lo, hi) with the pauses cut out. Pauses are sorted and do not overlap."""
    if not pauses:
        yield lo, hi
        return
    starts = [p[0] for p in pauses]
    i = max(0, bisect_right(starts, lo) - 1)
    cursor = lo
    for p_start, p_end in pauses[i:]:
        p_end = p_end or FAR
        if p_start >= hi:
            break
        if p_end <= cursor:
            continue
        if p_start > cursor:
            yield cursor, min(p_start, hi)
        cursor = max(cursor, p_end)
        if cursor >= hi:
            return
    if cursor < hi:
        yield cursor, hi


@lru_cache(maxsize=64)
def _cached(calendar_json: str) -> OpenHours:
    return OpenHours(Calendar.model_validate_json(calendar_json))


def open_hours(calendar: Calendar) -> OpenHours:
    """One OpenHours per distinct calendar, so holiday tables are built once."""
    return _cached(calendar.model_dump_json())
