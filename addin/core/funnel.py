"""Funnel computations: contact statistics from the log, and heat."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .settings import Settings


@dataclass(frozen=True)
class ContactStats:
    last_contact: dt.date | None
    follow_ups: int
    log_next_call: dt.date | None  # 下次拨打 of the most recent contact that set one


def contact_stats(contacts: Iterable[tuple]) -> dict[str, ContactStats]:
    """Per customer: latest contact date, number of contacts, the latest planned next call.

    ``contacts`` are valid 联系记录 rows as (customer_id, date, next_call)."""
    out: dict[str, ContactStats] = {}
    last: dict[str, dt.date] = {}
    count: dict[str, int] = {}
    plan: dict[str, tuple[dt.date, dt.date]] = {}  # customer → (contact date, next call)
    for cid, date, nxt in contacts:
        count[cid] = count.get(cid, 0) + 1
        if date is not None and (cid not in last or date > last[cid]):
            last[cid] = date
        if nxt is not None:
            key = (date or dt.date.min, nxt)
            if cid not in plan or key > plan[cid]:
                plan[cid] = key
    for cid, n in count.items():
        out[cid] = ContactStats(last.get(cid), n, plan[cid][1] if cid in plan else None)
    return out


HOT_INTENT = {"very_likely"}
WARM_INTENT = {"possible", "good"}


def heat(stage: str | None, intent: str | None, abandoned: str | None, follow_ups: int, s: Settings) -> str:
    """Hot (about to close) / Warm (has intent) / Cold (undetermined) / Denial (dropped).

    - Denial: 放弃 = 是, or poor intent after at least the follow-up persistence (11) attempts;
      a poor-intent lead with fewer attempts stays Cold — most deals close between the 4th
      and the 11th follow-up.
    - Hot: stage 5 (contract sent), or intent 成交可能性很大, or stage 4 with 成交意向好.
    - Warm: stage 3, 4, 6 or 7, or intent 可能成交 / 成交意向好.
    - Cold: everything else.
    """
    if abandoned == "yes" or (intent == "poor" and follow_ups >= s.persistence):
        return "denial"
    if stage == "5" or intent in HOT_INTENT or (stage == "4" and intent == "good"):
        return "hot"
    if stage in {"3", "4", "6", "7"} or intent in WARM_INTENT:
        return "warm"
    return "cold"
