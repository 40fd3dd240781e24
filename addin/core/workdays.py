"""Working days: Monday to Friday (public holidays are not modelled; see docs/rules.md)."""
from __future__ import annotations

import datetime as dt

DAY = dt.timedelta(days=1)


def is_working(d: dt.date) -> bool:
    return d.weekday() < 5


def next_working(d: dt.date) -> dt.date:
    """``d`` itself when it is a working day, else the next one."""
    while not is_working(d):
        d += DAY
    return d


def add_working(d: dt.date, n: int) -> dt.date:
    """The working day ``n`` working days after ``d`` (``d`` itself need not be one)."""
    for _ in range(n):
        d = next_working(d + DAY)
    return d


def month_start(d: dt.date) -> dt.date:
    return d.replace(day=1)


def month_end(d: dt.date) -> dt.date:
    nxt = dt.date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - DAY


def working_days(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every working day from ``first`` to ``last``, both included."""
    out, d = [], first
    while d <= last:
        if is_working(d):
            out.append(d)
        d += DAY
    return out


def left_in_month(d: dt.date) -> int:
    """Working days from ``d`` (included when it is one) to the end of its month."""
    return len(working_days(d, month_end(d)))
