"""Working days: the official Chinese calendar (public holidays and their 调休 make-up working
days, from the ``chinesecalendar`` package), overridden and extended by the 节假日 table in 设置.

A date the table names is what the table says (放假: a day off, 上班: a working day). Otherwise a
date in a year the package knows follows the official schedule; in a year it does not know,
Monday to Friday — and the calls step warns that the year's holidays are missing (never a guess).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import lru_cache

import chinese_calendar

DAY = dt.timedelta(days=1)
#: official holidays (dates off that would be weekdays) and make-up working days (weekend dates worked)
_OFF: frozenset[dt.date] = frozenset(chinese_calendar.holidays)
_ON: frozenset[dt.date] = frozenset(chinese_calendar.workdays)
KNOWN_YEARS: frozenset[int] = frozenset(d.year for d in _OFF | _ON)
#: entries a calendar remembers of add_working / working_between before it starts afresh
MEMO_LIMIT = 200_000


class Calendar:
    """Which days are working days: the official schedule with the workbook's overrides."""

    __slots__ = ("overrides", "_memo", "_before", "_added", "_between")

    def __init__(self, overrides: Iterable[tuple[dt.date, bool]] = ()) -> None:
        self.overrides: dict[dt.date, bool] = dict(overrides)  # date → working (True) / off (False)
        self._memo: dict[dt.date, bool] = {}
        self._before: dict[dt.date, dt.date] = {}  # date → the last working day before it
        # add_working and working_between, remembered: the scheduler asks them once per customer a
        # day, of a few hundred distinct dates (cleared when they grow past MEMO_LIMIT entries)
        self._added: dict[tuple[dt.date, int], dt.date] = {}
        self._between: dict[tuple[dt.date, dt.date], int] = {}

    def is_working(self, d: dt.date) -> bool:
        w = self._memo.get(d)
        if w is None:
            w = self.overrides.get(d)
            if w is None:
                w = d in _ON or (d.weekday() < 5 and d not in _OFF)
            self._memo[d] = w
        return w

    def unknown_years(self, years: Iterable[int]) -> list[int]:
        """The years the official schedule does not cover and the 节假日 table says nothing of."""
        typed = {d.year for d in self.overrides}
        return sorted(y for y in set(years) if y not in KNOWN_YEARS and y not in typed)


@lru_cache(maxsize=32)
def calendar_for(overrides: tuple[tuple[dt.date, bool], ...] = ()) -> Calendar:
    """One calendar per 节假日 table (its day memo is shared by every run with that table)."""
    return Calendar(overrides)


OFFICIAL = calendar_for()


def is_working(d: dt.date, cal: Calendar = OFFICIAL) -> bool:
    return cal.is_working(d)


def next_working(d: dt.date, cal: Calendar = OFFICIAL) -> dt.date:
    """``d`` itself when it is a working day, else the next one."""
    while not cal.is_working(d):
        d += DAY
    return d


def add_working(d: dt.date, n: int, cal: Calendar = OFFICIAL) -> dt.date:
    """The working day ``n`` working days after ``d`` (``d`` itself need not be one). Remembered."""
    key = (d, n)
    got = cal._added.get(key)
    if got is None:
        got = d
        for _ in range(n):
            got = next_working(got + DAY, cal)
        if len(cal._added) >= MEMO_LIMIT:
            cal._added.clear()
        cal._added[key] = got
    return got


def previous_working(d: dt.date, cal: Calendar = OFFICIAL) -> dt.date:
    """The last working day before ``d`` (asked once per customer a day: remembered)."""
    got = cal._before.get(d)
    if got is None:
        got = d - DAY
        while not cal.is_working(got):
            got -= DAY
        cal._before[d] = got
    return got


def working_between(first: dt.date, last: dt.date, cal: Calendar = OFFICIAL) -> int:
    """How many working days after ``first`` up to ``last`` included (0 when ``last`` <= ``first``).
    Remembered."""
    key = (first, last)
    n = cal._between.get(key)
    if n is None:
        n, d = 0, first + DAY
        while d <= last:
            n += cal.is_working(d)
            d += DAY
        if len(cal._between) >= MEMO_LIMIT:
            cal._between.clear()
        cal._between[key] = n
    return n


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - DAY


def working_days(first: dt.date, last: dt.date, cal: Calendar = OFFICIAL) -> list[dt.date]:
    """Every working day from ``first`` to ``last``, both included."""
    out, d = [], first
    while d <= last:
        if cal.is_working(d):
            out.append(d)
        d += DAY
    return out


def left_in_month(d: dt.date, cal: Calendar = OFFICIAL) -> int:
    """Working days from ``d`` (included when it is one) to the end of its month."""
    return len(working_days(d, month_end(d), cal))
