"""Receivables aging as of a date: buckets, recovery, allowance, over-limit."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sheets_schema import CUSTOMERS, Record, blank

from .settings import Settings


def bucket_of(days: int, bounds: tuple[int, ...]) -> int | None:
    """None when not due (days ≤ 0); else the index of the bucket (len(bounds) = beyond)."""
    if days <= 0:
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


def due_date(invoice_date: dt.date, due: dt.date | None, terms: int | None) -> dt.date:
    """A blank 到期日 is 开票日期 + the customer's 账期天数 (blank = 0)."""
    return due if due is not None else invoice_date + dt.timedelta(days=terms or 0)


@dataclass
class CustomerAging:
    customer_id: str
    name: str | None
    owner: str | None
    credit_limit: float | None
    outstanding: float = 0.0
    not_due: float = 0.0
    buckets: list[float] = field(default_factory=list)
    max_days: int = 0
    recoverable: float = 0.0

    @property
    def overdue(self) -> float:
        return sum(self.buckets)

    @property
    def allowance(self) -> float:
        return self.outstanding - self.recoverable

    @property
    def over_limit(self) -> str:
        """yes / no / unlimited (an outstanding balance and no credit limit)."""
        if self.credit_limit is None:
            return "unlimited" if self.outstanding > 0 else "no"
        return "yes" if self.outstanding > self.credit_limit + 1e-9 else "no"


@dataclass
class AgingReport:
    as_of: dt.date
    basis: str
    bounds: tuple[int, ...]
    customers: list[CustomerAging]
    owners: list[CustomerAging]  # per 承办人 (else 业务员); credit_limit unused
    total: CustomerAging

    @property
    def over_limit_count(self) -> int:
        return sum(c.over_limit == "yes" for c in self.customers)


def _add(target: CustomerAging, amount: float, days: int, s: Settings) -> None:
    nb = len(s.aging_buckets) + 1
    if not target.buckets:
        target.buckets = [0.0] * nb
    target.outstanding += amount
    b = bucket_of(days, s.aging_buckets)
    if b is None:
        target.not_due += amount
    else:
        target.buckets[b] += amount
        target.max_days = max(target.max_days, days)
    target.recoverable += amount * recovery_rate(days, s.recovery_rates)


NO_CARD = blank(CUSTOMERS)  # an invoice of a customer without a card
INVOICE_FIELDS = ["customer_id", "invoice_date", "due_date", "amount", "paid", "owner"]


def aging(invoices: Iterable[tuple], customers: Mapping[str, Record], as_of: dt.date, s: Settings
          ) -> AgingReport:
    """``invoices``: valid 应收账款 rows as tuples of INVOICE_FIELDS; ``customers``: ID → card.

    Outstanding = 金额 − 已收金额; settled invoices (≤ 0) and invoices dated after the as-of
    date are left out. Days overdue = as-of − due date (basis 到期日) or − 开票日期 (basis 开票日期).
    """
    per_customer: dict[str, CustomerAging] = {}
    per_owner: dict[str, CustomerAging] = {}
    nb = len(s.aging_buckets) + 1
    total = CustomerAging("", None, None, None, buckets=[0.0] * nb)
    for cid, inv_date, due, amount, paid, handler in invoices:
        if inv_date is None or amount is None or inv_date > as_of:
            continue
        outstanding = round(float(amount) - float(paid or 0), 2)
        if outstanding <= 0:
            continue
        card = customers.get(cid) or NO_CARD
        ref = inv_date if s.aging_basis == "invoice" else due_date(inv_date, due, card.payment_terms)
        days = (as_of - ref).days
        if cid not in per_customer:
            per_customer[cid] = CustomerAging(cid, card.name, card.owner, card.credit_limit, buckets=[0.0] * nb)
        _add(per_customer[cid], outstanding, days, s)
        who = handler or card.owner or ""
        per_owner.setdefault(who, CustomerAging(who, None, who, None, buckets=[0.0] * nb))
        _add(per_owner[who], outstanding, days, s)
        _add(total, outstanding, days, s)
    rows = sorted(per_customer.values(), key=lambda c: (-c.outstanding, c.customer_id))
    owners = sorted(per_owner.values(), key=lambda c: (-c.outstanding, c.customer_id))
    return AgingReport(as_of, s.aging_basis, s.aging_buckets, rows, owners, total)
