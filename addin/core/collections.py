"""Collections for the call list (seed 004: 快、勤、事前催收): who owes what, how late, what falls due."""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .aging import due_date

#: invoice fields the call list reads, in this order
FIELDS = ("customer_id", "invoice_date", "due_date", "amount", "paid")


@dataclass(frozen=True)
class Collection:
    overdue_days: int  # days past due of the oldest overdue open invoice (0: none overdue)
    overdue_amount: float  # open amount of every overdue invoice
    upcoming_days: int | None  # days until the next open invoice falls due, within the reminder window
    upcoming_amount: float  # open amount falling due within the window

    @property
    def weight(self) -> int:
        """How strongly this pulls a call forward: grows with the days late and the amount
        (0–60): days / 3 up to 30, plus 6 per power of ten of the overdue amount above ¥100."""
        if not self.overdue_days:
            return 10 if self.upcoming_days is not None else 0
        amount = max(0.0, math.log10(max(self.overdue_amount, 1.0)) - 2) * 6
        return min(60, 10 + min(30, self.overdue_days // 3) + round(min(amount, 20)))


def collections(invoices: Iterable[tuple], terms: Mapping[str, int | None], as_of: dt.date,
                remind_days: int = 3) -> dict[str, Collection]:
    """Per customer with something to collect: ``invoices`` are valid 应收账款 rows as tuples of
    FIELDS; ``terms`` the customers' 账期天数 (a missing 到期日 is 开票日期 + terms). An invoice
    is open when 金额 − 已收金额 > 0 and it is dated on or before ``as_of``."""
    late: dict[str, list[float]] = {}  # customer → [max days, amount]
    soon: dict[str, list[float]] = {}  # customer → [min days, amount]
    for cid, inv_date, due, amount, paid in invoices:
        if cid is None or inv_date is None or amount is None or inv_date > as_of:
            continue
        open_ = round(float(amount) - float(paid or 0), 2)
        if open_ <= 0:
            continue
        days = (as_of - due_date(inv_date, due, terms.get(cid))).days
        if days > 0:
            acc = late.setdefault(cid, [0, 0.0])
            acc[0], acc[1] = max(acc[0], days), acc[1] + open_
        elif -days <= remind_days:
            acc = soon.setdefault(cid, [remind_days + 1, 0.0])
            acc[0], acc[1] = min(acc[0], -days), acc[1] + open_
    out = {}
    for cid in late.keys() | soon.keys():
        d, a = late.get(cid, (0, 0.0))
        u = soon.get(cid)
        out[cid] = Collection(int(d), round(a, 2), int(u[0]) if u else None, round(u[1], 2) if u else 0.0)
    return out
