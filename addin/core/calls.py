"""The daily call list: a scheduler that keeps the seeds' promise, and decides by value when the
day is too short.

Every customer not dropped has a due date — the rep's latest open plan, else the last contact
plus the customer's contact interval (by grade, shorter for heat and for money owed). Each
working day a rep's quota is filled in tiers, and the 优先分 follows the tiers:

    4xx promised  a plan (下次拨打) due today, a payment promised for today, and yesterday's
                  listed calls left without a result (undone)
    3xx value     due customers with a reason, by weight: money owed (amount, days, dunning level,
                  a broken promise), stage 4–5, good intent, an expired contract, an overdue plan
                  (heavy while it is fresh, light once older than 计划过期天数), a birthday…
                  — as many as the day holds beside the coverage reserve
    2xx coverage  customers not yet reached this month, as many as the month's remaining working
                  days need (the reserve); A first, then B, then C when the month cannot reach the
                  whole book
    1xx due       the rest of the due customers, by how far past due relative to their interval
    0xx ahead     with capacity left, the customers due soonest, as many as level the calls due
                  later this month over its working days left

A customer reached or tried today or on the previous working day is not listed unless promised;
an unanswered call (未接通 / 拒接) is retried after RETRY_DAYS working days, at most MAX_TRIES a
month before it counts as reached-by-attempt. Every entry carries every reason (codes with
parameters; the sheet builders put them in words). Reasons come from REASON_SOURCES, in order:
a new reason is one function appended there and, if it weighs, one entry in WEIGHT.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from heapq import nsmallest
from typing import Any, NamedTuple

from .collections import Collection, collection_weight
from .settings import Settings
from .workdays import (
    add_working,
    left_in_month,
    month_end,
    month_start,
    previous_working,
    working_between,
    working_days,
)

NEVER = 10**6  # waiting days of a customer never contacted
PLANNED, PRIORITY, COVERAGE, DUE, AHEAD = 4, 3, 2, 1, 0
GRADE_RANK = {"A": 0, "B": 1, "C": 2}
GRADES = ("A", "B", "C")
#: what each reason adds to a due customer's weight (value tier); collections weigh by
#: core.collections.collection_weight
WEIGHT = {"stage5": 50, "stage4": 40, "expired": 40, "expired_on": 40, "very_likely": 30, "good": 20,
          "birthday": 5, "birthday_today": 5, "resurvey": 10, "order_held": 30,
          "planned_overdue": 40, "planned_stale": 10}
GRADE_BONUS = {"A": 10, "B": 5}
RETRY_DAYS = 2  # working days before an unanswered call is tried again
MAX_TRIES = 3  # unanswered calls in a month that count as reaching the customer (reached-by-attempt)


class Reason(NamedTuple):
    """Why a customer is on the list: a code and its parameters (the sheet builders put it in words)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kw(self) -> dict[str, Any]:
        return dict(self.params)


_PLAIN: dict[str, Reason] = {}
#: reasons whose parameters are only words, whole numbers and dates (never an amount: 0.0 == -0.0
#: as a key, but they print differently) are shared too: a few hundred distinct ones a day
SHARED = frozenset({"planned_overdue", "planned_stale", "expired_on", "resurvey", "birthday", "never", "waiting",
                    "tried", "ahead", "problems"})
_SHARED: dict[tuple[str, tuple[tuple[str, Any], ...]], Reason] = {}


def _r(code: str, **params: Any) -> Reason:
    if params:
        items = tuple(params.items())
        if code in SHARED:
            key = (code, items)
            try:
                r = _SHARED.get(key)
            except TypeError:  # a parameter that cannot be a key (a list): its own reason
                return tuple.__new__(Reason, key)
            if r is None:
                if len(_SHARED) >= 100_000:
                    _SHARED.clear()
                r = _SHARED[key] = tuple.__new__(Reason, key)
            return r
        # Reason(code, …) without the named tuple's Python-level __new__ (100,000 a day)
        return tuple.__new__(Reason, (code, items))
    r = _PLAIN.get(code)  # parameterless reasons are shared: 50,000 customers, a handful of codes
    if r is None:
        r = _PLAIN[code] = Reason(code)
    return r


class Promise(NamedTuple):
    """A promise to pay (结果 承诺付款): how much, by when, and the day it was made."""

    amount: float | None
    date: dt.date
    made: dt.date


class Customer(NamedTuple):
    """What the scheduler knows of one customer (built by the calls step from the sheets; a named
    tuple, as the sheets' records: one per customer per run)."""

    customer_id: str
    owner: str
    grade: str = "C"
    heat: str | None = None  # None: not in the funnel
    stage: str | None = None
    intent: str | None = None
    expired: bool = False  # stage 7, status expired or 合同到期日 passed
    contract_end: dt.date | None = None
    last_contact: dt.date | None = None  # the last time the customer was reached (not an unanswered try)
    plan: dt.date | None = None  # the latest plan still open (no contact on or after its day)
    collection: Collection | None = None
    birthday: dt.date | None = None
    problems: tuple[str, ...] = ()  # "sheet.column" keys of this customer's non-blocking errors
    resurvey: tuple[str, ...] = ()  # why its credit survey is due again (core.credit.resurvey_reasons)
    last_try: dt.date | None = None  # the last unanswered call (未接通 / 拒接) after the last contact
    tries: int = 0  # unanswered calls this month after the last contact
    undone: bool = False  # on the last list (an earlier day), no result typed
    promise: Promise | None = None  # the latest promise to pay
    #: an open order held by the credit check (core.orders): (outcome, amount held, approver key, days overdue)
    order_hold: tuple[str, float, str | None, int] | None = None


class Priority(NamedTuple):
    """One customer's place in the day: tier, score and reasons (listed or not)."""

    customer_id: str
    owner: str
    score: int
    reasons: tuple[Reason, ...]
    tier: int | None  # None: not due and not listed
    due: dt.date | None
    waiting: int
    grade: str
    heat: str | None
    last_contact: dt.date | None

    @property
    def must(self) -> bool:
        return self.tier is not None and self.tier >= PRIORITY

    def rescored(self, score: int, reasons: tuple[Reason, ...]) -> Priority:
        """``_replace(score=…, reasons=…)`` without its Python-level field-by-field copy (20,000 a day
        at company scale)."""
        return tuple.__new__(Priority, (self[0], self[1], score, reasons, *self[4:]))


@dataclass(frozen=True)
class MonthCoverage:
    """A rep's month so far: customers reached this month out of the book, working days left, and
    what the rest of the month can still do."""

    owner: str
    contacted: int
    book: int
    days_left: int
    uncovered: dict[str, int] = field(default_factory=dict)  # grade → customers not reached yet
    missed: dict[str, int] = field(default_factory=dict)  # grade → customers the month cannot reach
    undone: int = 0  # calls of the last list left without a result

    @property
    def share(self) -> float:
        return self.contacted / self.book if self.book else 1.0

    @property
    def short(self) -> bool:
        """The month cannot reach the whole book at this quota: A first, then B."""
        return any(self.missed.values())


#: (birthday, as_of) → days_to_birthday: asked twice per customer a day, of a few thousand distinct birthdays
_TO_BIRTHDAY: dict[tuple[dt.date, dt.date], int | None] = {}


def days_to_birthday(birthday: dt.date | None, as_of: dt.date) -> int | None:
    """Days from ``as_of`` to the next birthday (0: today; 29 February is the 28th in other years).
    Remembered."""
    if birthday is None:
        return None
    key = (birthday, as_of)
    try:
        return _TO_BIRTHDAY[key]
    except KeyError:
        if len(_TO_BIRTHDAY) >= 200_000:
            _TO_BIRTHDAY.clear()
        days = _TO_BIRTHDAY[key] = _days_to_birthday(birthday, as_of)
        return days


def _days_to_birthday(birthday: dt.date, as_of: dt.date) -> int | None:
    for year in (as_of.year, as_of.year + 1):
        day = min(birthday.day, 28) if (birthday.month, birthday.day) == (2, 29) and year % 4 else birthday.day
        d = dt.date(year, birthday.month, day)
        if d >= as_of:
            return (d - as_of).days
    return None  # pragma: no cover


def usual_due(c: Customer, s: Settings) -> dt.date | None:
    """Last contact + the customer's usual interval: the grade's (calendar days), shorter for heat
    (working days); None when never contacted."""
    if c.last_contact is None:
        return None
    last = c.last_contact
    due = last + dt.timedelta(days=s.interval(c.grade))
    heat_days = {"hot": s.interval_hot, "warm": s.interval_warm}.get(c.heat or "")
    return min(due, add_working(last, heat_days, s.calendar)) if heat_days else due


def interval_due(c: Customer, s: Settings, usual: dt.date | None = None) -> dt.date | None:
    """The usual due date (``usual``, else worked out), shorter while money is overdue (a week)
    or about to fall due; None when never contacted."""
    usual = usual if usual is not None else usual_due(c, s)
    last = c.last_contact
    if usual is None or c.collection is None or last is None:
        return usual
    if c.collection.overdue_days:
        return min(usual, last + dt.timedelta(days=s.interval_overdue))
    if c.collection.upcoming_days is not None:
        return min(usual, last + dt.timedelta(days=s.remind_days + 1))
    return usual


class Today:
    """What assessing a customer needs of the day and 设置 that is the same for every customer,
    worked out once per day (not once per customer: 50,000 of them at company scale), and the usual
    due dates remembered by (last contact, grade, heat) — a few hundred distinct ones a day."""

    __slots__ = ("as_of", "s", "cal", "recent", "month", "_usual")

    def __init__(self, as_of: dt.date, s: Settings) -> None:
        self.as_of, self.s = as_of, s
        self.cal = s.calendar
        self.recent = previous_working(as_of, self.cal)  # touched on or after it: recent
        self.month = month_start(as_of)
        self._usual: dict[tuple[dt.date | None, str, str | None], dt.date | None] = {}

    def of(self, as_of: dt.date, s: Settings) -> Today:
        """This day's, or a new one when asked of another day or other settings."""
        return self if as_of == self.as_of and s is self.s else Today(as_of, s)

    def usual_due(self, c: Customer) -> dt.date | None:
        """usual_due(c, s), remembered."""
        key = (c.last_contact, c.grade, c.heat)
        try:
            return self._usual[key]
        except KeyError:
            got = self._usual[key] = usual_due(c, self.s)
            return got


def reached_by_attempt(c: Customer) -> bool:
    return c.tries >= MAX_TRIES and c.last_try is not None


def last_touch(c: Customer) -> dt.date | None:
    """The last call to the customer, answered or not."""
    if c.last_try is None:
        return c.last_contact
    return c.last_try if c.last_contact is None or c.last_try > c.last_contact else c.last_contact


# ---------------------------------------------------------------------------------- reasons
# Each source gives a customer's reasons of one kind, in the order the list shows them. A new
# reason is a function here, appended to REASON_SOURCES (and a weight in WEIGHT when it weighs).
Source = Callable[[Customer, dt.date, Settings], Iterable["Reason"]]


def plan_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    if c.plan is None or c.plan > as_of:
        return ()
    if c.plan == as_of:
        return (_r("planned_today"),)
    days = (as_of - c.plan).days
    stale = working_between(c.plan, as_of, s.calendar) > s.stale_plan_days
    return (_r("planned_stale" if stale else "planned_overdue", days=days),)


def deal_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    if not (c.stage in ("4", "5") or c.expired or c.intent in ("very_likely", "good")):
        return ()  # most customers: nothing to build
    out = []
    if c.stage in ("4", "5"):
        out.append(_r("stage" + c.stage))
    if c.expired:
        ended = c.contract_end is not None and c.contract_end < as_of
        out.append(_r("expired_on", date=c.contract_end) if ended else _r("expired"))
    if c.intent in ("very_likely", "good"):
        out.append(_r(c.intent))
    return out


def money_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    col, pr = c.collection, c.promise
    if col is None and pr is None:
        return ()  # most customers: nothing to build
    out = []
    if pr is not None and pr.date >= as_of and pr.made <= as_of:
        # collections wait for the promised day; on the day the call checks the promise
        out.append(_r("promise_today" if pr.date == as_of else "promise_waiting", date=pr.date,
                      amount=pr.amount))
        return out
    if col is not None and col.overdue_days:
        out.append(_r("receivable_overdue", days=col.overdue_days, amount=col.overdue_amount))
        if promise_broken(c, as_of):
            out.append(_r("promise_broken", date=pr.date, amount=pr.amount))  # type: ignore[union-attr]
    if col is not None and col.upcoming_days is not None:
        out.append(_r("receivable_due", days=col.upcoming_days, amount=col.upcoming_amount))
    return out


def promise_broken(c: Customer, as_of: dt.date) -> bool:
    """A promise to pay is broken when its day has passed and an invoice that was already overdue
    on that day is still open (the oldest overdue invoice is older than the promise)."""
    pr, col = c.promise, c.collection
    return (pr is not None and col is not None and pr.date < as_of and col.overdue_days > 0
            and col.overdue_days > (as_of - pr.date).days)


def resurvey_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    return (_r("resurvey", why=c.resurvey, months=s.resurvey_months),) if c.resurvey else ()


def order_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    """An open order the credit check holds (超额度 / 需审批 / 逾期暂停): the goods wait on the call."""
    if c.order_hold is None:
        return ()
    outcome, amount, who, days = c.order_hold
    return (_r("order_held", outcome=outcome, amount=amount, who=who, days=days),)


def birthday_reasons(c: Customer, as_of: dt.date, s: Settings) -> Iterable[Reason]:
    bday = days_to_birthday(c.birthday, as_of)
    if bday is None or bday > s.birthday_days or c.birthday is None:
        return ()
    return (_r("birthday_today") if bday == 0 else
            _r("birthday", month=c.birthday.month, day=c.birthday.day, days=bday),)


REASON_SOURCES: list[Source] = [plan_reasons, deal_reasons, money_reasons, resurvey_reasons, order_reasons,
                                birthday_reasons]


def weight_of(c: Customer, reasons: Iterable[Reason], as_of: dt.date, s: Settings) -> int:
    """The value of a call: the reasons' weights, and the money owed (collection_weight)."""
    return _weight(c, [r.code for r in reasons], s)


def _weight(c: Customer, codes: list[str], s: Settings) -> int:
    """weight_of, of the reasons' codes."""
    get = WEIGHT.get
    w = sum([get(code, 0) for code in codes])
    if c.collection is not None and not ("promise_waiting" in codes or "promise_today" in codes):
        w += collection_weight(c.collection, s.dunning_levels, "promise_broken" in codes)
    return w


def assess(c: Customer, as_of: dt.date, s: Settings, today: Today | None = None) -> Priority:
    """The customer's tier today (before capacity), its score within the tier and every reason.
    ``today``: the day's :class:`Today` when assessing many customers (made here when not given)."""
    t = today if today is not None and today.as_of == as_of and today.s is s else Today(as_of, s)
    cal = t.cal
    last = c.last_contact
    waiting = (as_of - last).days if last is not None else NEVER
    if c.heat == "denial":
        return Priority(c.customer_id, c.owner, 0, (), None, None, waiting, c.grade, c.heat, last)
    reasons: list[Reason] = []
    for source in REASON_SOURCES:
        found = source(c, as_of, s)
        if found:
            reasons.extend(found)
    tier: int | None = None
    part = 0
    usual = t.usual_due(c)
    # the due date: the rep's open plan, else last contact + interval (None: never contacted, due now)
    due = c.plan if c.plan is not None else usual if c.collection is None else interval_due(c, s, usual)
    tried_on = c.last_try if c.last_try is not None and (last is None or c.last_try > last) else None
    tried = tried_on is not None
    by_attempt = reached_by_attempt(c)
    if tried_on is not None and by_attempt:  # three unanswered calls this month: reached, by attempt
        due = c.plan if c.plan is not None else tried_on + dt.timedelta(days=s.interval(c.grade))
    elif tried_on is not None:  # retried after RETRY_DAYS working days, whatever else is due
        retry = add_working(tried_on, RETRY_DAYS, cal)
        due = retry if due is None or due < retry else due
    touch = last if tried_on is None else tried_on  # last_touch(c)
    recent = touch is not None and touch >= t.recent
    waiting_retry = tried and not by_attempt and due is not None and due > as_of
    codes = [r.code for r in reasons]
    promised = c.plan == as_of or "promise_today" in codes
    weight = _weight(c, codes, s)
    bonus = GRADE_BONUS.get(c.grade, 0)
    if promised:
        tier, part = PLANNED, 70 + min(29, (weight + bonus) // 4)
    elif c.undone and not waiting_retry and (due is None or due <= as_of or weight):
        tier, part = PLANNED, 40 + min(29, (weight + bonus) // 4)
        reasons.insert(0, _r("undone"))
    if (tier is None and weight and not recent and not waiting_retry
            and (due is None or due <= as_of or (bday := days_to_birthday(c.birthday, as_of)) is not None
                 and bday <= s.birthday_days or c.order_hold is not None)):
        tier, part = PRIORITY, min(99, weight + bonus)
    if last is None:
        reasons.append(_r("never", grade=c.grade))
    elif c.plan is None and usual is not None and usual <= as_of:
        reasons.append(_r("waiting", grade=c.grade, days=waiting))
    if tried and not by_attempt:
        reasons.append(_r("tried", tries=c.tries, date=c.last_try))
    if tier is None and not recent and not waiting_retry:
        if due is None or due <= as_of:
            late = NEVER if due is None else (as_of - due).days
            interval = max(1, (due - last).days) if due is not None and last is not None else 1
            tier, part = DUE, min(99, 50 + round(20 * late / interval))
        else:
            tier, part = AHEAD, max(0, 99 - (due - as_of).days)
            reasons.append(_r("ahead", days=(due - as_of).days))
    if c.problems:
        reasons.append(_r("problems", columns=c.problems))
    score = tier * 100 + part if tier is not None else 0
    # Priority(…), without the named tuple's Python-level __new__ (once per customer a day)
    return tuple.__new__(Priority, (c.customer_id, c.owner, score, tuple(reasons), tier, due, waiting, c.grade, c.heat,
                                    last))


def _order(p: Priority) -> tuple[Any, ...]:
    return (-p.score, -p.waiting, GRADE_RANK.get(p.grade, 3), p.customer_id)


def days_left(as_of: dt.date, s: Settings) -> int:
    """Working days left in the month, today included: the calendar's (public holidays off, 调休
    make-up days on, the 节假日 table's overrides), but no more than 每月工作日 minus the working
    days gone (a month with more working days than the reps work is finished on time)."""
    cal = s.calendar
    gone = len(working_days(month_start(as_of), as_of - dt.timedelta(days=1), cal))
    return max(1, min(left_in_month(as_of, cal), s.working_days - gone))


def reached_this_month(c: Customer, as_of: dt.date, start: dt.date | None = None) -> bool:
    """Reached (or reached by attempt) from ``start`` (the first of as_of's month, worked out when not
    given) to ``as_of``."""
    start = month_start(as_of) if start is None else start
    if c.last_contact is not None and start <= c.last_contact <= as_of:
        return True
    return reached_by_attempt(c) and start <= c.last_try <= as_of  # type: ignore[operator]


def coverage(customers: Iterable[Customer], as_of: dt.date, s: Settings, planned: int = 0,
             undone: int = 0, per_day: int | None = None) -> MonthCoverage:
    """One rep's month so far (customers dropped — Denial — are not part of the book), and what
    the month can still reach: the calls left (working days left × the calls the rep makes a day —
    ``per_day``, else the quota — less ``planned`` calls the rep's plans already take) against the
    customers not reached yet; the shortfall falls on C, then B, then A."""
    book = [c for c in customers if c.heat != "denial"]
    uncovered = dict.fromkeys(GRADES, 0)
    contacted = 0
    start = month_start(as_of)
    for c in book:
        if reached_this_month(c, as_of, start):
            contacted += 1
        else:
            g = c.grade if c.grade in uncovered else "C"
            uncovered[g] += 1
    owner = book[0].owner if book else ""
    left = days_left(as_of, s)
    room = max(0, left * (s.daily_quota if per_day is None else per_day) - planned)
    short = max(0, sum(uncovered.values()) - room)
    missed = dict.fromkeys(GRADES, 0)
    for g in reversed(GRADES):
        missed[g] = min(short, uncovered[g])
        short -= missed[g]
    return MonthCoverage(owner, contacted, len(book), left, uncovered, missed, undone)


def coverage_reserve(month: MonthCoverage, as_of: dt.date, s: Settings) -> int:
    """How many of today's calls go to customers not yet reached this month: enough to finish
    the month on its last working day, and at least the coverage share of the day when the book
    is behind the month (contacted share below the share of working days gone)."""
    left = max(1, month.days_left)
    uncovered = month.book - month.contacted
    need = math.ceil(uncovered / left)
    days = working_days(month_start(as_of), month_end(as_of), s.calendar)
    gone = sum(1 for d in days if d < as_of) / len(days) if days else 0.0
    if month.share < gone:
        need = max(need, math.ceil(s.coverage_share * s.daily_quota))
    return min(need, uncovered)


def planned_load(customers: Iterable[Customer], as_of: dt.date) -> int:
    """Calls the rest of the month owes to plans of customers already reached this month (a plan
    of a customer not yet reached also reaches them: it is coverage)."""
    end, start = month_end(as_of), month_start(as_of)
    return sum(1 for c in customers if c.heat != "denial" and c.plan is not None and c.plan <= end
               and reached_this_month(c, as_of, start))


def planned_later(c: Customer, as_of: dt.date, end: dt.date) -> bool:
    """An open plan of the rep's falls after today and within the month."""
    return c.plan is not None and as_of < c.plan <= end


def day_list(customers: list[Customer], as_of: dt.date, s: Settings, pace: float = 1.0, answered: float = 1.0,
             today: Today | None = None) -> tuple[list[Priority], MonthCoverage, dict[str, Priority]]:
    """One rep's list for ``as_of``: (entries in order, the month so far, every customer's priority).
    ``pace`` is the share of the last list the rep worked (calls_made): the month is judged short
    at the calls the rep makes, not at the quota — and at the share of them that reach someone
    (``answered``: 1 − the rep's unanswered share over the last 4 weeks)."""
    quota = s.daily_quota
    t = Today(as_of, s) if today is None else today.of(as_of, s)
    prio = {c.customer_id: assess(c, as_of, s, t) for c in customers}
    undone = sum(1 for c in customers if c.undone)
    month = coverage(customers, as_of, s, planned_load(customers, as_of), undone,
                     math.floor(calls_made(quota, pace) * answered))
    by_id = {c.customer_id: c for c in customers}
    chosen: list[Priority] = []
    taken: set[str] = set()

    def take(ps: Iterable[Priority], n: int) -> None:
        for p in ps:
            if n <= 0 or len(chosen) >= quota:
                return
            if p.customer_id not in taken:
                chosen.append(p)
                taken.add(p.customer_id)
                n -= 1

    listable = [p for p in prio.values() if p.tier is not None]
    take(sorted((p for p in listable if p.tier == PLANNED), key=_order), quota)
    end = month_end(as_of)
    # not reached yet, and no plan of the rep's will reach them later this month (that plan is their
    # coverage: calling them now as well would spend two calls on one customer)
    uncovered = [p for p in listable if p.tier != PLANNED
                 and not reached_this_month(by_id[p.customer_id], as_of, t.month)
                 and not planned_later(by_id[p.customer_id], as_of, end)]
    reserve = coverage_reserve(month, as_of, s)
    # value first, as far as the day holds beside the coverage reserve
    # take() takes the first n of what it is given (none of them chosen yet): only those need sorting
    # (heapq.nsmallest(k, …) is sorted(…)[:k]; the keys end with the customer ID, so never tie)
    n = max(0, min(quota - len(chosen) - reserve, quota - len(chosen)))
    take(nsmallest(n, (p for p in listable if p.tier == PRIORITY), key=_order), n)
    # the longest-waiting first; when the month cannot reach everyone, A first, then B, then C
    first: Callable[[Priority], int] = (lambda p: GRADE_RANK.get(p.grade, 3)) if month.short else (lambda p: 0)
    longest = sorted(uncovered, key=lambda p: (first(p), -p.waiting, -p.score, GRADE_RANK.get(p.grade, 3),
                                               p.customer_id))
    picked = len(chosen)
    take(longest, reserve)
    for k in range(picked, len(chosen)):  # their score says why they came before the priorities
        p = chosen[k]
        n = len(p.reasons) - (1 if p.reasons and p.reasons[-1].code == "problems" else 0)
        extra = () if any(r.code == "never" for r in p.reasons) else (_r("month_uncovered"),)
        # when the month is short the score keeps A above B above C (a rep who stops early leaves C)
        part = (33 * (2 - min(2, GRADE_RANK.get(p.grade, 2))) + min(32, p.waiting) if month.short
                else min(99, p.waiting))
        chosen[k] = p._replace(score=COVERAGE * 100 + part,
                               reasons=(*p.reasons[:n], *extra, *p.reasons[n:]))
    n = max(0, quota - len(chosen))
    take(nsmallest(n, (p for p in listable if p.customer_id not in taken and p.tier != AHEAD), key=_order), quota)
    chosen.sort(key=lambda p: -p.score)  # in 优先分 order (stable: ties keep the order they were chosen in)
    # levelling: the calls due later this month, spread over its working days left
    ahead = [p for p in listable if p.customer_id not in taken and p.tier == AHEAD]
    later = sum(1 for p in ahead if p.due is not None and p.due <= end)
    level = math.ceil((len(chosen) + later) / max(1, month.days_left))
    n = max(0, min(level, quota) - len(chosen))
    take(nsmallest(n, ahead, key=_order), level - len(chosen))
    # nobody off the list scores above the list's last call, and says so (the funnel shows these)
    floor = min((p.score for p in chosen), default=0)
    for cid, p in prio.items():
        if cid not in taken and p.tier is not None and p.tier >= DUE and p.score >= floor:
            prio[cid] = p.rescored(max(0, floor - 1), (_r("not_listed"), *p.reasons))
    return chosen, month, prio


def calls_made(quota: int, pace: float) -> int:
    """The calls a day a rep who worked ``pace`` of the last list makes of a full one."""
    return quota if pace >= 1 else max(1, round(quota * pace))


def pace_of(listed: dict[str, int], done: dict[str, int]) -> dict[str, float]:
    """Rep → the share of the last list they worked (calls with a result typed ÷ calls listed), for
    the reps who worked it at all: a list nobody touched is a day off (or no list), not a pace."""
    return {rep: min(1.0, done.get(rep, 0) / n) for rep, n in listed.items() if n and done.get(rep, 0)}


def answered_of(replan: dict[str, Habit]) -> dict[str, float]:
    """Rep → the share of calls that reached someone over the last 4 weeks (reps who had no
    unanswered call left out)."""
    return {rep: 1 - h.unanswered for rep, h in replan.items() if h.unanswered}


def schedule(customers: Iterable[Customer], as_of: dt.date, s: Settings, owner: str | None = None,
             pace: dict[str, float] | None = None, answered: dict[str, float] | None = None
             ) -> tuple[dict[str, list[Priority]], dict[str, MonthCoverage], dict[str, Priority]]:
    """Per rep (every rep, or ``owner``): the day's list, the month so far; and every customer's
    priority (for the funnel's 优先分 and 优先原因). ``pace``: rep → share of the last list worked
    (pace_of; 1 when unknown); ``answered``: rep → share of calls that reach someone (1 when unknown)."""
    by_owner: dict[str, list[Customer]] = {}
    for c in customers:
        by_owner.setdefault(c.owner, []).append(c)
    lists: dict[str, list[Priority]] = {}
    months: dict[str, MonthCoverage] = {}
    every: dict[str, Priority] = {}
    today = Today(as_of, s)
    for rep in sorted(by_owner):
        entries, month, prio = day_list(by_owner[rep], as_of, s, (pace or {}).get(rep, 1.0),
                                        (answered or {}).get(rep, 1.0), today)
        every.update(prio)
        if owner is None or rep == owner:
            lists[rep], months[rep] = entries, month
    return lists, months, every


@dataclass(frozen=True)
class ProjectedDay:
    date: dt.date
    calls: dict[str, int]  # rep → calls listed
    coverage: dict[str, float]  # rep → share of the book contacted this month by the end of the day


@dataclass(frozen=True)
class Projection:
    days: list[ProjectedDay]
    missed: dict[str, list[Customer]]  # rep → customers the month does not reach, A first


def replan_after(k: int, rate: float) -> bool:
    """Whether the ``k``-th call of a day (0-based) gets a new plan at ``rate`` plans per call:
    spread evenly (deterministic), ⌊(k+1)·rate⌋ > ⌊k·rate⌋."""
    return math.floor((k + 1) * rate) > math.floor(k * rate)


def project(customers: list[Customer], start: dt.date, s: Settings, owner: str | None = None,
            replan: dict[str, Habit] | None = None, pace: dict[str, float] | None = None) -> Projection:
    """The rest of ``start``'s month, day by day, assuming each rep makes the calls of each day's
    list at their ``pace`` (rep → share of the last list worked; all of it when unknown; the calls
    left over come back the next day, undone), that a call fulfils the customer's plan, and that
    each rep's calls go as they did (``replan``: rep → their Habit over the last 4 weeks: as many
    unanswered, each kind of customer planned as often and as far ahead). What the workbook cannot
    know — an absence, new customers, a change of habit — is not in it."""
    turns: dict[tuple[str, bool], int] = {}
    made_k: dict[tuple[str, bool | None], int] = {}
    cal = s.calendar
    pace = pace or {}
    answered = answered_of(replan or {})
    state = {c.customer_id: c._replace(undone=False) for c in customers}
    out = []
    days = working_days(start, month_end(start), cal)[:days_left(start, s)]
    for d in days:
        lists, _, _ = schedule(state.values(), d, s, owner, pace, answered)
        for cid, c in state.items():
            if c.undone:
                state[cid] = c._replace(undone=False)
        for rep, entries in lists.items():
            habit = (replan or {}).get(rep)
            made = calls_made(s.daily_quota, pace.get(rep, 1.0))
            for p in entries[made:]:
                state[p.customer_id] = state[p.customer_id]._replace(undone=True)
            lists[rep] = entries = entries[:made]
            for p in entries:
                c = state[p.customer_id]
                if habit and habit.unanswered:
                    k = made_k[(rep, None)] = made_k.get((rep, None), -1) + 1
                    if replan_after(k, habit.unanswered):  # nobody answers: an attempt, retried later
                        state[p.customer_id] = c._replace(last_try=d, tries=c.tries + 1 if c.last_try else 1)
                        continue
                plan = None if c.plan and c.plan <= d else c.plan
                if habit:
                    # spread as the rep spread them, deals apart: the lags of the last 4 weeks in turn
                    key = (rep, c.stage in DEAL_STAGES)
                    rate, lags = habit.of(c.stage)
                    k = made_k[key] = made_k.get(key, -1) + 1
                    if lags and replan_after(k, rate):
                        plan = add_working(d, lags[turns.get(key, 0) % len(lags)], cal)
                        turns[key] = turns.get(key, 0) + 1
                state[p.customer_id] = c._replace(last_contact=d, plan=plan, last_try=None, tries=0, promise=None)
        books: dict[str, list[Customer]] = {}  # grouped once a day, not filtered once per rep
        for c in state.values():
            books.setdefault(c.owner, []).append(c)
        months = {rep: coverage(books[rep], d, s) for rep in lists}
        out.append(ProjectedDay(d, {rep: len(v) for rep, v in lists.items()},
                                {rep: m.share for rep, m in months.items()}))
    last = days[-1] if days else start
    missed: dict[str, list[Customer]] = {}
    for c in sorted(state.values(), key=lambda c: (GRADE_RANK.get(c.grade, 3), c.customer_id)):
        if (owner is None or c.owner == owner) and c.heat != "denial" and not reached_this_month(c, last):
            missed.setdefault(c.owner, []).append(c)
    return Projection(out, missed)


REPLAN_WEEKS = 4


DEAL_STAGES = ("4", "5")


class Habit(NamedTuple):
    """A rep's habits over the last weeks of 联系记录: 下次拨打 typed per call that reached the
    customer, and how far ahead each was (working days); the same for the calls to deals at stage
    4–5 and to the other customers (None: no such call in the weeks counted) — a rep plans a hot
    deal's next call more often and sooner; and the share of calls nobody answered (未接通 / 拒接)."""

    rate: float
    lags: tuple[int, ...]
    deals: tuple[float, tuple[int, ...]] | None = None
    others: tuple[float, tuple[int, ...]] | None = None
    unanswered: float = 0.0

    @property
    def lag(self) -> int:
        """The median working days ahead (0: no plans)."""
        ahead = sorted(self.lags)
        return ahead[len(ahead) // 2] if ahead else 0

    def of(self, stage: str | None) -> tuple[float, tuple[int, ...]]:
        """(rate, lags) for a call to a customer at ``stage``: its kind's, else the rep's overall."""
        part = self.deals if stage in DEAL_STAGES else self.others
        return part if part is not None else (self.rate, self.lags)


def replanning(contacts: Iterable[tuple[Any, ...]], owner_of: dict[str, str], as_of: dt.date, s: Settings,
               deals: frozenset[str] | set[str] = frozenset()) -> dict[str, Habit]:
    """Each rep's habits over the last REPLAN_WEEKS weeks of 联系记录 before ``as_of``. ``contacts``
    are (customer_id, date, next_call, attempt) rows; ``deals`` the customers at stage 4–5 now
    (their calls are counted apart)."""
    since = as_of - dt.timedelta(weeks=REPLAN_WEEKS)
    calls: dict[tuple[str, bool], int] = {}  # calls that reached the customer
    lags: dict[tuple[str, bool], list[int]] = {}
    tried: dict[str, int] = {}  # calls nobody answered
    cal = s.calendar
    for row in contacts:  # 150,000 rows at company scale, most of them older than the weeks counted
        date = row[1]
        if date is None or not since <= date < as_of:
            continue
        cid = row[0]
        rep = owner_of.get(cid)
        if rep is None:
            continue
        if len(row) > 3 and row[3]:
            tried[rep] = tried.get(rep, 0) + 1
            continue
        key = (rep, cid in deals)
        calls[key] = calls.get(key, 0) + 1
        nxt = row[2]
        if isinstance(nxt, dt.date) and nxt > date:
            lags.setdefault(key, []).append(max(1, working_between(date, nxt, cal)))
    out: dict[str, Habit] = {}
    for rep in sorted({rep for rep, _ in calls} | set(tried)):
        part = {deal: (len(lags.get((rep, deal), [])) / calls[(rep, deal)], tuple(lags.get((rep, deal), [])))
                for deal in (True, False) if calls.get((rep, deal))}
        n = sum(calls.get((rep, deal), 0) for deal in (True, False))
        every = tuple(x for deal in (True, False) for x in lags.get((rep, deal), []))
        out[rep] = Habit(len(every) / n if n else 0.0, every, part.get(True), part.get(False),
                         tried.get(rep, 0) / (n + tried.get(rep, 0)))
    return out
