"""Receivables aging as of a date: buckets, credits, recovery, allowance, over-limit, dunning, and
the finance figures (DSO, share over 90 days, expected collections per week)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Container, Iterable
from dataclasses import dataclass, field

from . import dunning
from .ledger import Item, Party
from .settings import Settings

#: DSO is measured over this many days of invoicing before the as-of date
DSO_DAYS = 90
#: "over 90 days" in the share and the re-survey rule
LONG_OVERDUE = 90
#: expected collections are forecast for this many weeks
FORECAST_WEEKS = 8


def bucket_of(days: int, bounds: tuple[int, ...], *, from_zero: bool = False) -> int | None:
    """None when not due (days ≤ 0; with ``from_zero`` only when days < 0); else the index of the
    bucket (len(bounds) = beyond). Ages by invoice date start at 0 (``from_zero``)."""
    if days < 0 or (days == 0 and not from_zero):
        return None
    for i, hi in enumerate(bounds):
        if days <= hi:
            return i
    return len(bounds)


def recovery_rate(days: int, rates: tuple[tuple[int | None, float], ...]) -> float:
    """Not yet due counts at 100 %; otherwise the rate of the first bound ≥ days."""
    if days <= 0:
        return 1.0
    for bound, rate in rates:
        if bound is None or days <= bound:
            return rate
    return rates[-1][1]  # pragma: no cover


def item_bucket(it: Item, s: Settings) -> int | None:
    """The bucket an open debit falls in: by days overdue (basis 到期日) or by age since the
    invoice date (basis 开票日期); None: not due (due basis only)."""
    if s.aging_basis == "invoice":
        return bucket_of(it.age, s.aging_buckets, from_zero=True)
    return bucket_of(it.days_overdue, s.aging_buckets)


@dataclass
class CustomerAging:
    customer_id: str
    name: str | None
    owner: str | None
    credit_limit: float | None
    outstanding: float = 0.0  # net: open debits + credits
    not_due: float = 0.0  # open debits not yet due (by due date, whatever the basis)
    buckets: list[float] = field(default_factory=list)
    overdue: float = 0.0  # open debits past their due date (whatever the basis)
    max_days: int = 0  # oldest days overdue (by due date)
    credits: float = 0.0  # unapplied credits: credit notes and overpayments (≤ 0)
    allowance: float = 0.0  # Σ open debit × (1 − recovery rate)
    dunning: int = 0  # dunning level (0: none)

    @property
    def recoverable(self) -> float:
        return self.outstanding - self.allowance

    @property
    def over_limit(self) -> str:
        """yes / no / unlimited (an outstanding balance and no credit limit)."""
        if self.credit_limit is None:
            return "unlimited" if self.outstanding > 0 else "no"
        return "yes" if self.outstanding > self.credit_limit + 1e-9 else "no"


@dataclass(frozen=True)
class Week:
    start: dt.date  # first day (inclusive)
    end: dt.date  # last day (inclusive)
    due: float  # open debits falling due in the week
    expected: float  # what is expected in: due × 100 % + overdue debt × recovery rate spread by age


@dataclass
class AgingReport:
    as_of: dt.date
    basis: str
    bounds: tuple[int, ...]
    customers: list[CustomerAging]
    owners: list[CustomerAging]  # per 承办人 (else 业务员); credit_limit unused
    total: CustomerAging
    items: list[Item] = field(default_factory=list)  # every invoice as of the date (settled ones too)
    dso: float | None = None  # days sales outstanding over the last DSO_DAYS days of invoicing
    sales_window: float = 0.0  # what was invoiced in those days (credit notes netted)
    over_90_share: float | None = None  # share of the open debits more than 90 days overdue
    weeks: list[Week] = field(default_factory=list)
    beyond: float = 0.0  # expected after the forecast's weeks (very old debt, long spreads, later due dates)
    bounds_dunning: tuple[int, ...] = (30, 60)  # the 设置 dunning levels the report used

    @property
    def over_limit_count(self) -> int:
        return sum(c.over_limit == "yes" for c in self.customers)


def _rounded(c: CustomerAging) -> CustomerAging:
    """The figures to the cent (and -0.0 made 0.0); once per customer, so spelt out."""
    c.outstanding = round(c.outstanding, 2) + 0.0
    c.not_due = round(c.not_due, 2) + 0.0
    c.overdue = round(c.overdue, 2) + 0.0
    c.credits = round(c.credits, 2) + 0.0
    c.allowance = round(c.allowance, 2) + 0.0
    c.buckets = [round(b, 2) + 0.0 for b in c.buckets]
    return c


def weeks_ahead(items: list[Item], as_of: dt.date, s: Settings, n: int = FORECAST_WEEKS) -> tuple[list[Week], float]:
    """Expected collections for the ``n`` weeks after the as-of date, and what is expected later.

    - an open debit not yet due is expected in the week it falls due, at 100 % (later: beyond);
    - an overdue debit is expected at its recovery rate, spread evenly over as many weeks again as
      it is late (d days overdue → over ⌈d / 7⌉ weeks from week 1: the older, the slower); the
      weeks past the horizon are beyond;
    - a debit overdue beyond the last bound of 回收率 (365 days by default) is not expected within
      the horizon at all: its recovery (10 %) is beyond.
    So Σ weeks + beyond = Σ open debits × recovery rate = the debits less 坏账准备."""
    due = [0.0] * n
    expected = [0.0] * n
    total = 0.0
    last_bound = s.recovery_rates[-2][0] if len(s.recovery_rates) > 1 else None
    for i in items:
        if not i.open > 0:  # not i.is_debit, inline (150,000 items)
            continue
        d = i.days_overdue
        if d <= 0:
            k = (i.due - as_of).days
            w = (k - 1) // 7 if k > 0 else 0  # due today counts as week 1
            total += i.open
            if w < n:
                due[w] += i.open
                expected[w] += i.open
            continue
        amount = i.open * recovery_rate(d, s.recovery_rates)
        total += amount
        if last_bound is not None and d > last_bound:
            continue
        spread = max(1, -(-d // 7))
        share = amount / spread
        for w in range(min(spread, n)):
            expected[w] += share
    out = [Week(as_of + dt.timedelta(days=7 * w + 1), as_of + dt.timedelta(days=7 * (w + 1)),
                round(due[w], 2) + 0.0, round(expected[w], 2) + 0.0) for w in range(n)]
    # beyond is what is left, so the rounded weeks and beyond add up to the total to the cent
    return out, round(round(total, 2) - sum(w.expected for w in out), 2) + 0.0


def window_sales(items: Iterable[Item], as_of: dt.date) -> float:
    """What was invoiced in the DSO_DAYS up to ``as_of`` (invoice dates after as-of − DSO_DAYS;
    credit notes netted)."""
    since = as_of - dt.timedelta(days=DSO_DAYS)
    return round(sum(i.invoice.amount for i in items if since < i.invoice.invoice_date <= as_of), 2)


def dso(items: Iterable[Item], as_of: dt.date, customers: Container[str] | None = None) -> float | None:
    """Days sales outstanding of ``customers`` (None: every customer): their open balance / what was
    invoiced to them in the DSO_DAYS up to ``as_of`` × DSO_DAYS; None when nothing was invoiced then."""
    chosen = [i for i in items if customers is None or i.customer_id in customers]
    sales = window_sales(chosen, as_of)
    outstanding = round(sum(i.open for i in chosen), 2)
    return round(outstanding / sales * DSO_DAYS, 1) if sales > 0 else None


def aging(items: Iterable[Item], parties: dict[str, Party], as_of: dt.date, s: Settings) -> AgingReport:
    """``items``: the ledger as of ``as_of`` (core.ledger.items_as_of); ``parties``: ID → card.

    A customer with a non-zero net balance gets a row (largest first); credits net its balance."""
    items = list(items)
    nb = len(s.aging_buckets) + 1
    per_customer: dict[str, CustomerAging] = {}
    per_owner: dict[str, CustomerAging] = {}
    total = CustomerAging("", None, None, None, buckets=[0.0] * nb)
    rates = s.recovery_rates
    by_invoice_date = s.aging_basis == "invoice"
    card_owner: dict[str, str | None] = {}  # customer → its card's 业务员
    bounds = s.aging_buckets
    # a bucket and a recovery rate per distinct number of days (a few hundred), not per open invoice
    bucket_at: dict[int, int | None] = {}
    rate_at: dict[int, float] = {}
    # the invoices still open (a few in six at company scale: most are settled), for the passes
    # below that skip the settled ones anyway — the same items in the same order
    open_items = [it for it in items if it.open != 0]
    for it in open_items:
        amount = it.open
        inv = it.invoice
        cid = inv.customer_id
        customer = per_customer.get(cid)
        if customer is None:
            party = parties.get(cid) or Party(cid)
            card_owner[cid] = party.owner
            customer = per_customer[cid] = CustomerAging(cid, party.name, party.owner, party.credit_limit,
                                                         buckets=[0.0] * nb)
        who = inv.owner or card_owner[cid] or ""
        owner = per_owner.get(who)
        if owner is None:
            owner = per_owner[who] = CustomerAging(who, None, who, None, buckets=[0.0] * nb)
        # what _add does, worked out once for the three it goes to (same sums, in the same order)
        if amount < 0:
            for t in (customer, owner, total):
                t.outstanding += amount
                t.credits += amount
            continue
        d = it.days_overdue
        days = it.age if by_invoice_date else d
        b = bucket_at.get(days, -1)
        if b == -1:
            b = bucket_at[days] = bucket_of(days, bounds, from_zero=by_invoice_date)
        rate = rate_at.get(d)
        if rate is None:
            rate = rate_at[d] = recovery_rate(d, rates)
        loss = amount * (1 - rate)
        for t in (customer, owner, total):
            t.outstanding += amount
            if b is not None:
                t.buckets[b] += amount
            if d > 0:
                t.overdue += amount
                if d > t.max_days:
                    t.max_days = d
            else:
                t.not_due += amount
            t.allowance += loss
    for c in per_customer.values():
        _rounded(c)
        c.dunning = dunning.level(c.max_days, s.dunning_levels) if c.outstanding > 0 else 0
    rows = sorted((c for c in per_customer.values() if c.outstanding != 0),
                  key=lambda c: (-c.outstanding, c.customer_id))
    owners = sorted((_rounded(o) for o in per_owner.values()), key=lambda c: (-c.outstanding, c.customer_id))
    _rounded(total)
    sales = window_sales(items, as_of)
    whole = round(total.outstanding / sales * DSO_DAYS, 1) if sales > 0 else None
    debits = [i for i in open_items if i.open > 0]  # i.is_debit, inline
    gross = sum(i.open for i in debits)
    long = sum(i.open for i in debits if i.days_overdue > LONG_OVERDUE)
    share = long / gross if gross > 0 else None
    weeks, beyond = weeks_ahead(debits, as_of, s)  # it skips all but the open debits
    return AgingReport(as_of, s.aging_basis, s.aging_buckets, rows, owners, total, items, whole, sales, share,
                       weeks, beyond=beyond, bounds_dunning=s.dunning_levels)
