"""The daily call list: a scheduler that keeps the seeds' promise.

Every customer not dropped has a due date — the rep's latest open plan, else the last contact
plus the customer's contact interval (by grade, shorter for heat and for money owed). Each
working day a rep's quota is filled in tiers, and the 优先分 follows the tiers:

    4xx planned   a plan (下次拨打) due today or overdue: a promise
    3xx coverage  customers not yet contacted this month, longest-waiting first, as many as the
                  month's remaining working days need (at least a share of the day when the book
                  is behind the month)
    2xx priority  due customers with a reason the seeds name: stage 4–5, good intent, an expired
                  contract, money owed or falling due, a birthday
    1xx due       the rest of the due customers, by how far past due relative to their interval
    0xx ahead     with capacity left, the customers due soonest, as many as level the calls due
                  later this month over its working days left

A customer contacted today or on the previous working day is not listed unless planned.
Every entry carries every reason (codes with parameters; the sheet builders put them in words).
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from .collections import Collection
from .settings import Settings
from .workdays import add_working, is_working, left_in_month, month_end, month_start, working_days

NEVER = 10**6  # waiting days of a customer never contacted
PLANNED, COVERAGE, PRIORITY, DUE, AHEAD = 4, 3, 2, 1, 0
GRADE_RANK = {"A": 0, "B": 1, "C": 2}
#: what each seed-named reason adds to a due customer's weight (tier 2)
WEIGHT = {"stage5": 50, "stage4": 40, "expired": 40, "expired_on": 40, "very_likely": 30, "good": 20,
          "birthday": 5, "birthday_today": 5, "resurvey": 10}
GRADE_BONUS = {"A": 10, "B": 5}


class Reason(NamedTuple):
    """Why a customer is on the list: a code and its parameters (the sheet builders put it in words)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kw(self) -> dict[str, Any]:
        return dict(self.params)


_PLAIN: dict[str, Reason] = {}


def _r(code: str, **params: Any) -> Reason:
    if params:
        return Reason(code, tuple(params.items()))
    r = _PLAIN.get(code)  # parameterless reasons are shared: 50,000 customers, a handful of codes
    if r is None:
        r = _PLAIN[code] = Reason(code)
    return r


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
    last_contact: dt.date | None = None
    plan: dt.date | None = None  # the latest plan still open (no contact on or after its day)
    collection: Collection | None = None
    birthday: dt.date | None = None
    problems: tuple[str, ...] = ()  # "sheet.column" keys of this customer's non-blocking errors
    resurvey: tuple[str, ...] = ()  # why its credit survey is due again (core.credit.resurvey_reasons)


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


@dataclass(frozen=True)
class MonthCoverage:
    """A rep's month so far: customers contacted this month out of the book, working days left."""

    owner: str
    contacted: int
    book: int
    days_left: int

    @property
    def share(self) -> float:
        return self.contacted / self.book if self.book else 1.0


def days_to_birthday(birthday: dt.date | None, as_of: dt.date) -> int | None:
    if birthday is None:
        return None
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
    return min(due, add_working(last, heat_days)) if heat_days else due


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


def previous_working(d: dt.date) -> dt.date:
    d -= dt.timedelta(days=1)
    while not is_working(d):
        d -= dt.timedelta(days=1)
    return d


def assess(c: Customer, as_of: dt.date, s: Settings) -> Priority:
    """The customer's tier today (before capacity), its score within the tier and every reason."""
    reasons: list[Reason] = []
    tier: int | None = None
    part = 0
    last = c.last_contact
    waiting = (as_of - last).days if last is not None else NEVER
    usual = usual_due(c, s)
    # the due date: the rep's open plan, else last contact + interval (None: never contacted, due now)
    due = c.plan if c.plan is not None else interval_due(c, s, usual)
    recent = last is not None and last >= previous_working(as_of)
    planned = c.plan is not None and c.plan <= as_of
    if c.heat == "denial":
        return Priority(c.customer_id, c.owner, 0, (), None, None, waiting, c.grade, c.heat, last)
    if planned:
        overdue = (as_of - c.plan).days  # type: ignore[operator]
        reasons.append(_r("planned_today") if overdue == 0 else _r("planned_overdue", days=overdue))
        tier, part = PLANNED, 50 + min(49, overdue)
    if c.stage in ("4", "5"):
        reasons.append(_r("stage" + c.stage))
    if c.expired:
        ended = c.contract_end is not None and c.contract_end < as_of
        reasons.append(_r("expired_on", date=c.contract_end) if ended else _r("expired"))
    if c.intent in ("very_likely", "good"):
        reasons.append(_r(c.intent))
    col = c.collection
    if col is not None and col.overdue_days:
        reasons.append(_r("receivable_overdue", days=col.overdue_days, amount=col.overdue_amount))
    if col is not None and col.upcoming_days is not None:
        reasons.append(_r("receivable_due", days=col.upcoming_days, amount=col.upcoming_amount))
    if c.resurvey:
        reasons.append(_r("resurvey", why=c.resurvey, months=s.resurvey_months))
    bday = days_to_birthday(c.birthday, as_of)
    if bday is not None and bday <= s.birthday_days and c.birthday is not None:
        reasons.append(_r("birthday_today") if bday == 0 else
                       _r("birthday", month=c.birthday.month, day=c.birthday.day, days=bday))
    weight = sum(WEIGHT.get(r.code, 0) for r in reasons) + (col.weight if col else 0)
    if weight and tier is None and not recent and (due is None or due <= as_of or bday is not None
                                                  and bday <= s.birthday_days):
        tier, part = PRIORITY, min(99, weight + GRADE_BONUS.get(c.grade, 0))
    if last is None:
        reasons.append(_r("never", grade=c.grade))
    elif c.plan is None and usual is not None and usual <= as_of:
        reasons.append(_r("waiting", grade=c.grade, days=waiting))
    if tier is None and not recent:
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
    return Priority(c.customer_id, c.owner, score, tuple(reasons), tier, due, waiting, c.grade, c.heat, last)


def _order(p: Priority) -> tuple[Any, ...]:
    return (-p.score, -p.waiting, GRADE_RANK.get(p.grade, 3), p.customer_id)


def days_left(as_of: dt.date, s: Settings) -> int:
    """Working days left in the month, today included: the calendar's (Monday to Friday), but no
    more than 每月工作日 minus the working days gone (a month with more weekdays than the reps
    work — a holiday — is finished on time)."""
    gone = len(working_days(month_start(as_of), as_of - dt.timedelta(days=1)))
    return max(1, min(left_in_month(as_of), s.working_days - gone))


def coverage(customers: Iterable[Customer], as_of: dt.date, s: Settings) -> MonthCoverage:
    """One rep's month so far (customers dropped — Denial — are not part of the book)."""
    book = [c for c in customers if c.heat != "denial"]
    start = month_start(as_of)
    contacted = sum(1 for c in book if c.last_contact is not None and start <= c.last_contact <= as_of)
    owner = book[0].owner if book else ""
    return MonthCoverage(owner, contacted, len(book), days_left(as_of, s))


def coverage_reserve(month: MonthCoverage, as_of: dt.date, s: Settings) -> int:
    """How many of today's calls go to customers not yet contacted this month: enough to finish
    the month on its last working day, and at least the coverage share of the day when the book
    is behind the month (contacted share below the share of working days gone)."""
    left = max(1, month.days_left)
    uncovered = month.book - month.contacted
    need = math.ceil(uncovered / left)
    days = working_days(month_start(as_of), month_end(as_of))
    gone = sum(1 for d in days if d < as_of) / len(days) if days else 0.0
    if month.share < gone:
        need = max(need, math.ceil(s.coverage_share * s.daily_quota))
    return min(need, uncovered)


def day_list(customers: list[Customer], as_of: dt.date, s: Settings) -> tuple[list[Priority], MonthCoverage,
                                                                               dict[str, Priority]]:
    """One rep's list for ``as_of``: (entries in order, the month so far, every customer's priority)."""
    quota = s.daily_quota
    prio = {c.customer_id: assess(c, as_of, s) for c in customers}
    month = coverage(customers, as_of, s)
    start = month_start(as_of)
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
    uncovered = [p for p in listable if p.tier != PLANNED and (p.last_contact is None or p.last_contact < start)]
    reserve = coverage_reserve(month, as_of, s)
    longest = sorted(uncovered, key=lambda p: (-p.waiting, -p.score, GRADE_RANK.get(p.grade, 3), p.customer_id))
    picked = len(chosen)
    take(longest, reserve)
    for k in range(picked, len(chosen)):  # their score says why they came before the priorities
        p = chosen[k]
        n = len(p.reasons) - (1 if p.reasons and p.reasons[-1].code == "problems" else 0)
        extra = () if any(r.code == "never" for r in p.reasons) else (_r("month_uncovered"),)
        chosen[k] = p._replace(score=COVERAGE * 100 + min(99, p.waiting),
                            reasons=(*p.reasons[:n], *extra, *p.reasons[n:]))
    rest = sorted((p for p in listable if p.customer_id not in taken and p.tier != AHEAD), key=_order)
    take(rest, quota)
    # levelling: the calls due later this month, spread over its working days left
    end = month_end(as_of)
    ahead = sorted((p for p in listable if p.customer_id not in taken and p.tier == AHEAD), key=_order)
    later = sum(1 for p in ahead if p.due is not None and p.due <= end)
    level = math.ceil((len(chosen) + later) / max(1, month.days_left))
    take(ahead, level - len(chosen))
    return chosen, month, prio


def schedule(customers: Iterable[Customer], as_of: dt.date, s: Settings, owner: str | None = None
             ) -> tuple[dict[str, list[Priority]], dict[str, MonthCoverage], dict[str, Priority]]:
    """Per rep (every rep, or ``owner``): the day's list, the month so far; and every customer's
    priority (for the funnel's 优先分 and 优先原因)."""
    by_owner: dict[str, list[Customer]] = {}
    for c in customers:
        by_owner.setdefault(c.owner, []).append(c)
    lists: dict[str, list[Priority]] = {}
    months: dict[str, MonthCoverage] = {}
    every: dict[str, Priority] = {}
    for rep in sorted(by_owner):
        entries, month, prio = day_list(by_owner[rep], as_of, s)
        every.update(prio)
        if owner is None or rep == owner:
            lists[rep], months[rep] = entries, month
    return lists, months, every


@dataclass(frozen=True)
class ProjectedDay:
    date: dt.date
    calls: dict[str, int]  # rep → calls listed
    coverage: dict[str, float]  # rep → share of the book contacted this month by the end of the day


def project(customers: list[Customer], start: dt.date, s: Settings, owner: str | None = None
            ) -> list[ProjectedDay]:
    """The rest of ``start``'s month, day by day, assuming every listed call happens that day
    (a call fulfils the customer's plan; no new plans are assumed)."""
    state = {c.customer_id: c for c in customers}
    out = []
    for d in working_days(start, month_end(start)):
        lists, _, _ = schedule(state.values(), d, s, owner)
        for entries in lists.values():
            for p in entries:
                c = state[p.customer_id]
                state[p.customer_id] = c._replace(last_contact=d, plan=None if c.plan and c.plan <= d else c.plan)
        books: dict[str, list[Customer]] = {}  # grouped once a day, not filtered once per rep
        for c in state.values():
            books.setdefault(c.owner, []).append(c)
        months = {rep: coverage(books[rep], d, s) for rep in lists}
        out.append(ProjectedDay(d, {rep: len(v) for rep, v in lists.items()},
                                {rep: m.share for rep, m in months.items()}))
    return out
