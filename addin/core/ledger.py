"""The receivables ledger as of a date: what each invoice still owes, from 应收账款 and 收款记录.

An amount paid after the as-of date is still owed as of then. When an invoice has rows in
收款记录, what it received by a date is their sum up to that date; otherwise its 已收金额 counts
as received on its 最近收款日 (blank: before any as-of date). A negative 金额 (credit note) or
a payment above 金额 leaves a negative open amount: a credit on the customer.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from functools import partial
from typing import NamedTuple


class Party(NamedTuple):
    """What the ledger needs of a customer card (a named tuple, as Invoice: one per customer)."""

    customer_id: str
    name: str | None = None
    owner: str | None = None
    credit_limit: float | None = None
    payment_terms: int | None = None


class Invoice(NamedTuple):
    """One valid 应收账款 row; ``i`` is its data-row index (for computed columns). A named
    tuple, like the sheets' records: 150,000 of them are built per refresh at company scale, and
    a frozen dataclass costs 2.4× to build (scripts/bench_rows.py)."""

    invoice_no: str | None
    customer_id: str
    invoice_date: dt.date
    due_date: dt.date | None
    amount: float
    paid: float | None = None
    last_payment: dt.date | None = None
    owner: str | None = None
    i: int = -1


class Payment(NamedTuple):
    """One valid 收款记录 row (a named tuple, as Invoice)."""

    pay_date: dt.date
    invoice_no: str
    amount: float


class Item(NamedTuple):
    """An invoice as of a date (a named tuple, as Invoice)."""

    invoice: Invoice
    due: dt.date  # the due date in force (到期日, else 开票日期 + 账期天数)
    received: float  # received by the as-of date
    open: float  # amount − received; negative: a credit (credit note or overpayment)
    days_overdue: int  # as-of − due (≤ 0: not yet due)
    age: int  # as-of − invoice date

    @property
    def customer_id(self) -> str:
        return self.invoice.customer_id

    @property
    def is_credit(self) -> bool:
        return self.open < 0

    @property
    def is_debit(self) -> bool:
        return self.open > 0


def due_date(invoice_date: dt.date, due: dt.date | None, terms: int | None) -> dt.date:
    """A blank 到期日 is 开票日期 + the customer's 账期天数 (blank = 0)."""
    return due if due is not None else invoice_date + dt.timedelta(days=terms or 0)


def payments_by_invoice(payments: Iterable[Payment]) -> dict[str, list[Payment]]:
    out: dict[str, list[Payment]] = defaultdict(list)
    for p in payments:
        out[p.invoice_no].append(p)
    return dict(out)


def received_as_of(inv: Invoice, paid_rows: list[Payment] | None, as_of: dt.date) -> float:
    """What ``inv`` had received by the end of ``as_of``."""
    if paid_rows:
        return sum(p.amount for p in paid_rows if p.pay_date <= as_of)
    if inv.paid is None or (inv.last_payment is not None and inv.last_payment > as_of):
        return 0.0
    return float(inv.paid)


def items_as_of(invoices: Iterable[Invoice], payments: dict[str, list[Payment]], parties: dict[str, Party],
                as_of: dt.date) -> list[Item]:
    """Every invoice dated on or before ``as_of`` (settled ones included, with open 0)."""
    out: list[Item] = []
    add = out.append
    item = partial(tuple.__new__, Item)  # Item(…) without its Python-level __new__ (150,000 of them)
    since: dict[dt.date, int] = {}  # date → days from it to as_of: a few hundred distinct dates
    for inv in invoices:  # due_date and received_as_of, inlined: this runs once per invoice (150,000)
        day = inv.invoice_date
        if day > as_of:
            continue
        due = inv.due_date
        if due is None:
            party = parties.get(inv.customer_id)
            due = day + dt.timedelta(days=(party.payment_terms if party else None) or 0)
        paid_rows = payments.get(inv.invoice_no or "")
        if paid_rows:
            received = sum(p.amount for p in paid_rows if p.pay_date <= as_of)
        elif inv.paid is None or (inv.last_payment is not None and inv.last_payment > as_of):
            received = 0.0
        else:
            received = float(inv.paid)
        owed = inv.amount - received
        late = since.get(due)
        if late is None:
            late = since[due] = (as_of - due).days
        age = since.get(day)
        if age is None:
            age = since[day] = (as_of - day).days
        # a settled invoice (most of them) owes exactly 0: round(±0.0, 2) + 0.0 is 0.0, without the call
        add(item((inv, due, received, round(owed, 2) + 0.0 if owed else 0.0, late, age)))
    return out


class Collection(NamedTuple):
    """A customer's collections picture as of a date (for the call list; a named tuple, as Item)."""

    customer_id: str
    overdue: float  # open amount past due (debits only)
    oldest_days: int  # days overdue of the most overdue open invoice (0: none overdue)
    oldest_open: float  # what that invoice still owes
    oldest_invoice: str | None
    due_soon: float  # open amount falling due within the window (from the as-of date, inclusive)
    due_soon_count: int
    next_due: dt.date | None  # the earliest due date within the window
    credits: float  # unapplied credits (≤ 0)

    @property
    def net(self) -> float:
        return self.overdue + self.due_soon + self.credits


def collections(items: Iterable[Item], within_days: int) -> dict[str, Collection]:
    """Per customer with something to collect: the most overdue open invoice (amount and days) and
    the invoices falling due within ``within_days`` of the as-of date (due today counts).

    ``items`` come from :func:`items_as_of` (or ``AgingReport.items``), so they are as of one date.
    A customer whose credits cover everything it owes is left out."""
    per: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        if it.open != 0:
            per[it.invoice.customer_id].append(it)  # it.customer_id, without the property (150,000 items)
    out: dict[str, Collection] = {}
    for cid, its in per.items():
        # one pass sorting each open item into overdue debits, debits due soon and credits (the same
        # items, in the same order, as three filters: is_debit / is_credit inline)
        overdue: list[Item] = []
        soon: list[Item] = []
        owed_back: list[float] = []
        for i in its:
            amount = i.open
            if amount > 0:
                d = i.days_overdue
                if d > 0:
                    overdue.append(i)
                elif -within_days <= d:
                    soon.append(i)
            elif amount < 0:
                owed_back.append(amount)
        credits = sum(owed_back)
        oldest = max(overdue, key=lambda i: (i.days_overdue, i.open), default=None)
        c = Collection(cid, round(sum(i.open for i in overdue), 2), oldest.days_overdue if oldest else 0,
                       oldest.open if oldest else 0.0, oldest.invoice.invoice_no if oldest else None,
                       round(sum(i.open for i in soon), 2), len(soon), min((i.due for i in soon), default=None),
                       round(credits, 2))
        if (c.overdue or c.due_soon) and c.net > 0:
            out[cid] = c
    return out
