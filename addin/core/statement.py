"""A statement of account (对账单) for a period: opening balance, every invoice, payment and credit
of the period with a running balance, closing balance, and the open items as of the period's end.

The movements are the ledger's own facts (core/ledger.py) laid out in time, so the balance they
run to on any date is the ledger's total as of that date:

- an invoice (金额 > 0) is a debit on its 开票日期; a credit note (金额 < 0) a credit on its date;
- a 收款记录 row is a payment on its 收款日期; an invoice without payment rows has its 已收金额
  paid on its 最近收款日, or on its 开票日期 when that is blank (the ledger counts it received as of
  any date the invoice exists);
- a payment dated before its invoice counts on the invoice's date (the ledger ignores both until
  the invoice exists).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import dunning
from .ledger import Invoice, Item, Payment


@dataclass(frozen=True)
class Line:
    """An open item (invoice or credit) as of the statement's date."""

    invoice_no: str | None
    invoice_date: dt.date
    due: dt.date
    amount: float
    received: float
    open: float  # negative: a credit
    days_overdue: int  # 0 when not yet due, and for credits


@dataclass(frozen=True)
class Movement:
    """One entry of the period: what happened on a date to the customer's balance."""

    date: dt.date
    kind: str  # invoice / payment / credit_note
    invoice_no: str | None
    debit: float  # what the customer owes more (an invoice)
    credit: float  # what it owes less (a payment, a credit note); ≥ 0
    balance: float  # running balance after this entry


@dataclass(frozen=True)
class Statement:
    customer_id: str
    as_of: dt.date  # the period's end: open items and days overdue as of this date
    lines: tuple[Line, ...]
    total: float  # net: what the customer owes after its credits (= closing balance)
    overdue: float
    not_due: float
    credits: float  # ≤ 0
    max_days: int
    level: int  # dunning level (0: none)
    start: dt.date | None = None  # the period's first day (None: no period part)
    opening: float = 0.0  # balance at the end of the day before ``start``
    movements: tuple[Movement, ...] = ()

    @property
    def closing(self) -> float:
        return round(self.opening + sum(m.debit - m.credit for m in self.movements), 2) + 0.0

    @property
    def invoiced(self) -> float:
        return round(sum(m.debit for m in self.movements), 2) + 0.0

    @property
    def paid(self) -> float:
        return round(sum(m.credit for m in self.movements if m.kind == "payment"), 2) + 0.0

    @property
    def credited(self) -> float:
        return round(sum(m.credit for m in self.movements if m.kind == "credit_note"), 2) + 0.0


def events(invoices: Iterable[Invoice], payments: dict[str, list[Payment]],
           customer_id: str) -> list[tuple[dt.date, int, str, str | None, float]]:
    """Every entry of ``customer_id``'s account as (date, order, kind, invoice no, signed amount),
    oldest first (on one day: invoices, then credit notes, then payments)."""
    out: list[tuple[dt.date, int, str, str | None, float]] = []
    for inv in invoices:
        if inv.customer_id != customer_id:
            continue
        kind, order = ("invoice", 0) if inv.amount >= 0 else ("credit_note", 1)
        out.append((inv.invoice_date, order, kind, inv.invoice_no, inv.amount))
        rows = payments.get(inv.invoice_no or "")
        if rows:
            for p in rows:
                out.append((max(p.pay_date, inv.invoice_date), 2, "payment", inv.invoice_no, -p.amount))
        elif inv.paid:
            day = inv.last_payment if inv.last_payment is not None else inv.invoice_date
            out.append((max(day, inv.invoice_date), 2, "payment", inv.invoice_no, -float(inv.paid)))
    out.sort(key=lambda e: (e[0], e[1], e[3] or ""))
    return out


def balance(invoices: Iterable[Invoice], payments: dict[str, list[Payment]], customer_id: str,
            day: dt.date) -> float:
    """The customer's balance at the end of ``day`` from its entries."""
    return round(sum(e[4] for e in events(invoices, payments, customer_id) if e[0] <= day), 2) + 0.0


def statement(items: Iterable[Item], customer_id: str, as_of: dt.date, levels: tuple[int, ...], *,
              invoices: Iterable[Invoice] | None = None, payments: dict[str, list[Payment]] | None = None,
              start: dt.date | None = None) -> Statement:
    """Every open invoice and credit of ``customer_id`` as of ``as_of`` (oldest first) with the
    totals; the dunning level follows the oldest days overdue, when the customer owes something on
    balance. With ``invoices`` (and ``payments``) and ``start``, also the period ``start`` …
    ``as_of``: the opening balance and every entry of the period with the running balance."""
    mine = sorted((i for i in items if i.customer_id == customer_id and i.open != 0),
                  key=lambda i: (i.invoice.invoice_date, i.invoice.invoice_no or ""))
    lines = tuple(Line(i.invoice.invoice_no, i.invoice.invoice_date, i.due, i.invoice.amount, round(i.received, 2),
                       i.open, max(i.days_overdue, 0) if i.is_debit else 0) for i in mine)
    overdue = round(sum(i.open for i in mine if i.is_debit and i.days_overdue > 0), 2)
    not_due = round(sum(i.open for i in mine if i.is_debit and i.days_overdue <= 0), 2)
    credits = round(sum(i.open for i in mine if i.is_credit), 2)
    total = round(overdue + not_due + credits, 2)
    max_days = max((ln.days_overdue for ln in lines), default=0)
    level = dunning.level(max_days, levels) if total > 0 else 0
    opening, moves = 0.0, []
    if invoices is not None and start is not None:
        entries = [e for e in events(invoices, payments or {}, customer_id) if e[0] <= as_of]
        opening = round(sum(e[4] for e in entries if e[0] < start), 2) + 0.0
        run = opening
        for day, _, kind, no, amount in entries:
            if day < start:
                continue
            run = round(run + amount, 2)
            moves.append(Movement(day, kind, no, amount if amount > 0 else 0.0, -amount if amount < 0 else 0.0,
                                  run + 0.0))
    return Statement(customer_id, as_of, lines, total + 0.0, overdue + 0.0, not_due + 0.0, credits + 0.0, max_days,
                     level, start, opening, tuple(moves))


def default_start(end: dt.date) -> dt.date:
    """The period when none is given: the calendar month of its end (statements go out monthly)."""
    return end.replace(day=1)
