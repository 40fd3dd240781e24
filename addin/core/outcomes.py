"""What a call achieved (结果): reached, an unanswered attempt, a promise to pay.

The workbook offers a choice list (已沟通, 未接通, 拒接, 承诺付款, 已下单, 其他) and keeps any free text;
the calls step turns each 联系记录 row's 结果 into a key (sheets_schema.contacts.OUTCOME: None for
free text, which counts as reaching the customer, as before the choice list existed). Here the
log becomes each customer's call history: last reached, the unanswered tries since, the latest
promise to pay.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

#: outcomes that are attempts, not contacts: the customer was not reached
ATTEMPTS = frozenset({"no_answer", "refused"})
PROMISE = "promise"


class CallHistory(NamedTuple):
    """A customer's calls (a named tuple: one per customer with a contact, 50,000 at company scale)."""

    last_reached: dt.date | None
    last_try: dt.date | None  # the last unanswered call after the last reach
    tries: int  # unanswered calls in the as-of month after the last reach
    promise: tuple[float | None, dt.date, dt.date] | None  # (amount, promised day, made on), the latest


def call_history(rows: Iterable[tuple[Any, ...]], as_of: dt.date) -> dict[str, CallHistory]:
    """Per customer from (customer_id, date, outcome key, promise amount, promise date) rows, in
    log order (rows dated after ``as_of`` are ignored)."""
    reached: dict[str, dt.date] = {}
    tries: dict[str, list[dt.date]] = {}
    promise: dict[str, tuple[float | None, dt.date, dt.date]] = {}
    seen: set[str] = set()
    for cid, date, key, amount, pdate in rows:
        if date is None or date > as_of:
            continue
        seen.add(cid)
        if key in ATTEMPTS:
            tries.setdefault(cid, []).append(date)
            continue
        if cid not in reached or date > reached[cid]:
            reached[cid] = date
        if key == PROMISE and isinstance(pdate, dt.date):
            if cid not in promise or date >= promise[cid][2]:
                promise[cid] = (amount, pdate, date)
    month = as_of.replace(day=1)
    out = {}
    for cid in seen:
        last = reached.get(cid)
        tried = tries.get(cid)
        if tried is None:  # most customers: never an unanswered call
            out[cid] = CallHistory(last, None, 0, promise.get(cid))
            continue
        after = [d for d in tried if last is None or d > last]
        out[cid] = CallHistory(last, max(after) if after else None, sum(1 for d in after if d >= month),
                               promise.get(cid))
    return out
