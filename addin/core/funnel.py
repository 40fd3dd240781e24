"""Funnel computations: contact statistics from the log, and heat."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from .settings import Settings


class ContactStats(NamedTuple):
    """A customer's contacts (a named tuple: one per customer with a contact, 50,000 at company scale)."""

    last_contact: dt.date | None
    follow_ups: int
    log_next_call: dt.date | None  # 下次拨打 of the most recent contact that set one
    log_plan_made: dt.date | None = None  # that contact's date: when the plan was entered
    first_contact: dt.date | None = None


def contact_stats(contacts: Iterable[tuple[Any, ...]]) -> dict[str, ContactStats]:
    """Per customer: first and latest contact date, number of contacts, the latest plan and when it was made.

    ``contacts`` are valid 联系记录 rows as (customer_id, date, next_call[, attempt]), in log order;
    an attempt (未接通 / 拒接) counts as a follow-up but is neither the first nor the last contact. The
    latest plan is the one entered last — the most recent contact date, then the lower log row —
    whether its day is earlier or later than the plans before it."""
    out: dict[str, ContactStats] = {}
    last: dict[str, dt.date] = {}
    first: dict[str, dt.date] = {}
    count: dict[str, int] = {}
    plan: dict[str, tuple[dt.date, dt.date]] = {}  # customer → (contact date, next call)
    for row in contacts:
        cid, date, nxt = row[0], row[1], row[2]
        count[cid] = count.get(cid, 0) + 1
        attempt = len(row) > 3 and row[3]  # an unanswered call: a follow-up, not a contact
        if not attempt and date is not None:
            got = last.get(cid)  # a date, never None
            if got is None or date > got:
                last[cid] = date
            got = first.get(cid)
            if got is None or date < got:
                first[cid] = date
        if nxt is not None:
            made = date or dt.date.min
            if cid not in plan or made >= plan[cid][0]:
                plan[cid] = (made, nxt)
    for cid, n in count.items():
        made, nxt = plan.get(cid, (None, None))
        out[cid] = ContactStats(last.get(cid), n, nxt, made, first.get(cid))
    return out


def funnel_plan_entered(next_call: dt.date | None, seen: dt.date | None, entered: dt.date | None,
                        last_contact: dt.date | None, as_of: dt.date, first_run: bool) -> dt.date | None:
    """When the funnel's 下次拨打 was entered, as far as the add-in can tell: the run that first saw
    the value (``seen``/``entered`` are what the previous run wrote in 已读下次拨打 / 计划登记日).
    A value the add-in has not seen before was typed for this run (``as_of``); on the first run
    over a funnel (nothing seen yet anywhere) it counts as typed at the customer's last contact
    (None: before any contact)."""
    if next_call is None:
        return None
    if first_run:
        return last_contact
    if seen == next_call:
        return entered
    return as_of


def latest_plan(funnel_plan: dt.date | None, funnel_entered: dt.date | None, log_plan: dt.date | None,
                log_entered: dt.date | None, last_contact: dt.date | None) -> dt.date | None:
    """The plan the list follows: the one entered last (a tie goes to the funnel — a hand edit of
    下次拨打, 更改下次拨打时间), and only while it is open: nobody contacted the customer on or
    after its day. A later entry replaces an earlier one even when it is done."""
    entries = []
    if funnel_plan is not None:
        entries.append((funnel_entered or dt.date.min, 1, funnel_plan))
    if log_plan is not None:
        entries.append((log_entered or dt.date.min, 0, log_plan))
    if not entries:
        return None
    plan = max(entries)[2]
    return None if last_contact is not None and last_contact >= plan else plan


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
