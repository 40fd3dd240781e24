"""A statement of account (对账单): one customer's open invoices and credits as of a date."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from . import dunning
from .ledger import Item


@dataclass(frozen=True)
class Line:
    invoice_no: str | None
    invoice_date: dt.date
    due: dt.date
    amount: float
    received: float
    open: float  # negative: a credit
    days_overdue: int  # 0 when not yet due, and for credits


@dataclass(frozen=True)
class Statement:
    customer_id: str
    as_of: dt.date
    lines: tuple[Line, ...]
    total: float  # net: what the customer owes after its credits
    overdue: float
    not_due: float
    credits: float  # ≤ 0
    max_days: int
    level: int  # dunning level (0: none)


def statement(items: Iterable[Item], customer_id: str, as_of: dt.date, levels: tuple[int, ...]) -> Statement:
    """Every open invoice and credit of ``customer_id`` (oldest first) with the totals; the dunning
    level follows the oldest days overdue, when the customer owes something on balance."""
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
    return Statement(customer_id, as_of, lines, total + 0.0, overdue + 0.0, not_due + 0.0, credits + 0.0, max_days,
                     level)
