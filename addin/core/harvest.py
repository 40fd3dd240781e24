"""Nothing a rep typed is lost: results written in 今日拨打 become contact-log rows."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from . import parse as p

_LIST_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")


def list_date(grid: list[list[Any]], header_row: int) -> dt.date | None:
    """The date a call list was made for, from its title row (above the header)."""
    for row in grid[:header_row]:
        for v in row:
            m = _LIST_DATE.search(str(v)) if isinstance(v, str) else None
            if m:
                try:
                    return dt.date.fromisoformat(m.group(1))
                except ValueError:
                    return None
    return None


def harvest(grid: list[list[Any]], r: int, cols: dict[str, int], fallback_date: dt.date) -> list[dict[str, Any]]:
    """Contact records for every call-list row with a filled 结果 or 下次拨打; ``r`` is the header
    row (0-based) and ``cols`` the 1-based column of each key, as the loader found them.

    The outcome text is kept verbatim; a 下次拨打 that is not a date is kept as typed
    (the validator will point at it in 联系记录). Channel is 电话; the date is the day the
    list was made for (from its title), else ``fallback_date``.
    """
    if r < 0 or "customer_id" not in cols or not ({"outcome", "next_call"} & cols.keys()):
        return []
    day = list_date(grid, r) or fallback_date

    def get(row: list[Any], key: str) -> Any:
        c = cols.get(key)
        return row[c - 1] if c is not None and c - 1 < len(row) else None

    out = []
    for row in grid[r + 1:]:
        outcome, nxt, cid = get(row, "outcome"), get(row, "next_call"), p.as_text(get(row, "customer_id"))
        amount, promised = get(row, "promise_amount"), get(row, "promise_date")
        if cid is None or all(p.is_blank(v) for v in (outcome, nxt, amount, promised)):
            continue
        out.append({"date": day, "customer_id": cid, "channel": "phone",
                    "contact": p.as_text(get(row, "key_person")),
                    "outcome": None if p.is_blank(outcome) else (outcome if isinstance(outcome, str)
                                                                  else p.as_text(outcome)),
                    "promise_amount": _or_text(p.parse_number, amount),
                    "promise_date": _or_text(p.parse_date, promised),
                    "next_call": _or_text(p.parse_date, nxt), "owner": p.as_text(get(row, "owner"))})
    return out


def _or_text(parse: Any, v: Any) -> Any:
    """The value parsed, else as typed (the validator points at it in 联系记录)."""
    try:
        return parse(v)
    except p.ParseError:
        return p.as_text(v)


def listed(grid: list[list[Any]], r: int, cols: dict[str, int]) -> tuple[dt.date | None, tuple[str, ...]]:
    """The day a call list was made for and every customer on it (what was asked of the reps)."""
    c = cols.get("customer_id")
    if r < 0 or c is None:
        return None, ()
    ids = (p.as_text(row[c - 1]) if c - 1 < len(row) else None for row in grid[r + 1:])
    return list_date(grid, r), tuple(x for x in ids if x)


def contact_key(rec: dict[str, Any]) -> tuple[Any, ...]:
    return (rec.get("date"), rec.get("customer_id"), (rec.get("outcome") or "").strip(), rec.get("next_call"))
