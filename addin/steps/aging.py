"""账龄分析 as of the run's date, and the per-invoice computed columns of 应收账款."""
from __future__ import annotations

import datetime as dt
from functools import partial
from typing import Any

import sheets_schema as S

from ..core.aging import AgingReport, aging, item_bucket
from ..core.ledger import Invoice, Item, Party, Payment, items_as_of, payments_by_invoice
from ..i18n import pick
from ..loader import Loaded
from ..sheets.aging_sheet import aging_sheet
from ..writeback import computed_blocks
from .base import Context, Output, Step

WORDS = {"credit": ("贷项", "Credit"), "settled": ("已结清", "Settled")}


def parties(loaded: Loaded) -> dict[str, Party]:
    return {cid: Party(cid, c.name, c.owner, c.credit_limit, c.payment_terms)
            for cid, c in loaded.customer_cards().items()}


def invoices(loaded: Loaded) -> list[Invoice]:
    """The valid 应收账款 rows (rows with errors are left out and listed in 校验结果)."""
    invoice = partial(tuple.__new__, Invoice)  # Invoice(…) without its Python-level __new__ (150,000 rows)
    # the record fields an Invoice takes, zipped from the columns (no 应收账款 record is built)
    rows = loaded.sheet("receivables").tuples(("invoice_no", "customer_id", "invoice_date", "due_date", "amount",
                                                "paid", "last_payment", "owner"))
    return [invoice((no, cid, day, due, float(amount), paid, last, owner, i))
            for no, cid, day, due, amount, paid, last, owner, i in rows
            if cid is not None and day is not None and amount is not None]


def payments(loaded: Loaded) -> dict[str, list[Payment]]:
    """The valid 收款记录 rows by 单据号."""
    return payments_by_invoice(Payment(r.pay_date, r.invoice_no, float(r.amount))
                               for r in loaded.sheet("payments").records()
                               if r.pay_date is not None and r.invoice_no is not None and r.amount is not None)


def ledger(loaded: Loaded, as_of: dt.date) -> tuple[list[Item], dict[str, Party]]:
    """Every invoice as of ``as_of`` and the customers, as the core takes them."""
    p = parties(loaded)
    return items_as_of(invoices(loaded), payments(loaded), p, as_of), p


def invoice_columns(items: list[Item], r: Context) -> dict[str, dict[int, Any]]:
    """未收金额, 逾期天数 (0 when not yet due) and 账龄段 per invoice as of the run's date."""
    s, lang = r.settings, r.lang
    # every word looked up once: 150,000 invoices at company scale, most of them settled
    credit, settled = pick(WORDS, "credit", lang), pick(WORDS, "settled", lang)
    not_due = S.AGING.col("not_due").header(lang)
    headers = [c.header(lang) for c in S.bucket_columns(s.aging_buckets, s.aging_basis)]
    open_amount: dict[int, Any] = {}
    days_overdue: dict[int, Any] = {}
    bucket: dict[int, Any] = {}
    for it in items:
        i = it.invoice.i
        amount = it.open
        open_amount[i] = amount
        if amount < 0:  # it.is_credit
            bucket[i] = credit
        elif amount == 0:
            bucket[i] = settled
        else:
            days_overdue[i] = max(it.days_overdue, 0)
            b = item_bucket(it, s)
            bucket[i] = not_due if b is None else headers[b]
    return {"open_amount": open_amount, "days_overdue": days_overdue, "aging_bucket": bucket}


def run(r: Context) -> tuple[Output, AgingReport]:
    items, p = ledger(r.loaded, r.as_of)
    report = aging(items, p, r.as_of, r.settings)
    out = Output(outputs=[aging_sheet(report, r.lang, r.loaded.tab(S.AGING))])
    t = r.sheet("receivables")
    if t.columns:
        out.columns[t.name] = computed_blocks(t, invoice_columns(items, r), r.lang)
    return out, report


def summary(report: AgingReport) -> dict[str, Any]:
    t = report.total
    return {"as_of": report.as_of.isoformat(), "basis": report.basis, "bounds": list(report.bounds),
            "outstanding": round(t.outstanding, 2), "not_due": round(t.not_due, 2),
            "overdue": round(t.overdue, 2), "buckets": [round(b, 2) for b in t.buckets],
            "recoverable": round(t.recoverable, 2), "allowance": round(t.allowance, 2),
            "customers": len(report.customers), "over_limit": report.over_limit_count,
            "dso": None if report.dso is None else round(report.dso, 1)}


STEP = Step("aging", run, summary=summary)
