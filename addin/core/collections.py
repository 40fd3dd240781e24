"""Collections for the call list (seed 004: 快、勤、事前催收): how late, how much, what falls due.

The ledger (core/ledger.py: payments as of the date, credits netted) says what is owed; this is
the scheduler's view of it and the weight it gives a call.
"""
from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

from . import dunning, ledger


class Collection(NamedTuple):
    """What the call list needs of a customer's collections (a named tuple: one per customer owing)."""

    overdue_days: int  # days past due of the oldest overdue open invoice (0: none overdue)
    overdue_amount: float  # open amount of every overdue invoice
    upcoming_days: int | None  # days until the next open invoice falls due, within the reminder window
    upcoming_amount: float  # open amount falling due within the window



#: what a broken promise to pay adds to the weight of the call
BROKEN_PROMISE = 20


def collection_weight(c: Collection, dunning_levels: tuple[int, ...], broken: bool = False) -> int:
    """How strongly money owed pulls a call forward (0–100): 10, + days overdue ÷ 3 (up to 30),
    + 6 per power of ten of the overdue amount above ¥100 (up to 20), + 10 per dunning level above
    the first (2 催告 +10, 3 最后通知 +20), + 20 when a promise to pay was broken; 10 for a reminder
    before the due date."""
    if not c.overdue_days:
        return 10 if c.upcoming_days is not None else 0
    amount = max(0.0, math.log10(max(c.overdue_amount, 1.0)) - 2) * 6
    level = dunning.level(c.overdue_days, dunning_levels)
    return (10 + min(30, c.overdue_days // 3) + round(min(amount, 20)) + 10 * max(0, level - 1)
            + (BROKEN_PROMISE if broken else 0))


def from_ledger(owed: dict[str, ledger.Collection], as_of: dt.date) -> dict[str, Collection]:
    """Customer ID → what the call list needs of its collections picture as of ``as_of``."""
    return {cid: Collection(c.oldest_days, c.overdue if c.oldest_days else 0.0,
                            (c.next_due - as_of).days if c.next_due is not None else None,
                            c.due_soon if c.next_due is not None else 0.0)
            for cid, c in owed.items()}
