"""Row and cross-sheet rules. Each check is a small function returning a mask: one bool per
data row, computed by plain loops over the typed columns (no pandas: it was a quarter of every
command's import time, and these masks are per-row Python either way).

Cell-level parse errors (wrong type, value not allowed, malformed phone) are
found while reading (:mod:`addin.table`); these rules see typed values.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

import sheets_schema as S

from ..core import parse as p
from ..issues import Issue
from ..messages import message
from ..table import Table  # the tables the reader made (the reader knows nothing of validation)

#: column key → its typed values, one per data row (and ``KEY__raw`` → the cells as typed)
Columns = Mapping[str, Sequence[Any]]
Mask = Iterable[bool]


@dataclass(frozen=True)
class Ctx:
    as_of: dt.date
    customer_ids: frozenset[str]
    customers_tab: str
    lang: str


@dataclass(frozen=True)
class Check:
    sheet: str
    column: str  # the cell reported
    code: str
    severity: str
    needs: tuple[str, ...]
    mask: Callable[[Columns, Ctx], Mask]
    kwargs: Callable[[Any, Ctx], dict] | None = None


CHECKS: list[Check] = []


def check(sheet: str, column: str, code: str, *, severity: str = "error", needs: tuple[str, ...] = (),
          kwargs: Callable[[Any, Ctx], dict] | None = None):
    def deco(fn: Callable[[Columns, Ctx], Mask]):
        CHECKS.append(Check(sheet, column, code, severity, needs or (column,), fn, kwargs))
        return fn
    return deco


def _status(key: str, lang: str) -> str:
    """A 客户状态 as the workbook spells it (from the schema)."""
    return S.FUNNEL.col("contract_status").choice(key).label(lang)


def _fmt_date(d: Any) -> str:
    return d.isoformat() if isinstance(d, dt.date) else ""


def _fmt_money(x: Any) -> str:
    return f"{x:,.2f}" if isinstance(x, (int, float)) else ""


def _na(x: Any) -> bool:
    """Missing as pandas' ``isna`` saw these values: None, or a float NaN."""
    return x is None or (x.__class__ is float and x != x)


def _lt(a: Sequence[Any], b: Sequence[Any]) -> Mask:
    return [x is not None and y is not None and x < y for x, y in zip(a, b)]


def _after(s: Sequence[Any], d: dt.date) -> Mask:
    return [x is not None and x > d for x in s]


def _status_of(df: Columns) -> Sequence[Any]:
    return df["contract_status"] if "contract_status" in df else [None] * len(df["stage"])


# ----------------------------------------------------------------- funnel
@check("funnel", "contract_status", "stage6_status", needs=("stage",),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def stage6_without_active(df: Columns, ctx: Ctx) -> Mask:
    return [s == "6" and st != "active" for s, st in zip(df["stage"], _status_of(df))]


@check("funnel", "contract_status", "stage7_status", needs=("stage",),
       kwargs=lambda r, c: {"status": _status("expired", c.lang)})
def stage7_without_expired(df: Columns, ctx: Ctx) -> Mask:
    return [s == "7" and st != "expired" for s, st in zip(df["stage"], _status_of(df))]


@check("funnel", "stage", "status_stage6", needs=("stage", "contract_status"),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def active_without_stage6(df: Columns, ctx: Ctx) -> Mask:
    return [st == "active" and not _na(s) and s not in ("6", "7") for s, st in zip(df["stage"], df["contract_status"])]


@check("funnel", "stage", "status_stage7", needs=("stage", "contract_status"),
       kwargs=lambda r, c: {"status": _status("expired", c.lang)})
def expired_without_stage7(df: Columns, ctx: Ctx) -> Mask:
    return [st == "expired" and not _na(s) and s not in ("6", "7") for s, st in zip(df["stage"], df["contract_status"])]


@check("funnel", "expected_amount", "stage_without_amount", severity="warning", needs=("stage", "expected_amount"),
       kwargs=lambda r, c: {"stage": r["stage"]})
def late_stage_without_amount(df: Columns, ctx: Ctx) -> Mask:
    return [s in ("4", "5") and _na(x) for s, x in zip(df["stage"], df["expected_amount"])]


@check("funnel", "contract_end", "contract_end_passed", severity="warning",
       needs=("contract_end", "contract_status"),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def active_contract_ended(df: Columns, ctx: Ctx) -> Mask:
    return [st == "active" and d is not None and d < ctx.as_of for st, d in zip(df["contract_status"], df["contract_end"])]


# ------------------------------------------------------------- receivables
@check("receivables", "due_date", "due_before_invoice", needs=("due_date", "invoice_date"),
       kwargs=lambda r, c: {"invoice_date": _fmt_date(r["invoice_date"])})
def due_before_invoice(df: Columns, ctx: Ctx) -> Mask:
    return _lt(df["due_date"], df["invoice_date"])


@check("receivables", "paid", "paid_over_amount", severity="warning", needs=("paid", "amount"),
       kwargs=lambda r, c: {"amount": _fmt_money(r["amount"])})
def paid_over_amount(df: Columns, ctx: Ctx) -> Mask:
    # as floats, the amount clipped at zero (a credit note is never overpaid)
    # (x == x: not NaN; these columns hold floats or None)
    return [x is not None and a is not None and x == x and a == a and float(x) > (f if (f := float(a)) >= 0 else 0.0)
            + 1e-9 for x, a in zip(df["paid"], df["amount"])]


@check("receivables", "amount", "credit_note", severity="warning")
def credit_note(df: Columns, ctx: Ctx) -> Mask:
    return [x is not None and x < 0 for x in df["amount"]]


@check("receivables", "invoice_date", "future_invoice", severity="warning",
       kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_invoice(df: Columns, ctx: Ctx) -> Mask:
    return _after(df["invoice_date"], ctx.as_of)


# ---------------------------------------------------------------- contacts
@check("contacts", "date", "future_contact", kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_contact(df: Columns, ctx: Ctx) -> Mask:
    return _after(df["date"], ctx.as_of)


# --------------------------------------------------------------- customers
@check("customers", "phone", "no_contact_way", severity="warning", needs=("phone", "email"))
def no_contact_way(df: Columns, ctx: Ctx) -> Mask:
    blank = p.is_blank
    return [blank(a) and blank(b) for a, b in zip(df["phone__raw"], df["email__raw"])]


@check("customers", "gross_margin", "negative_margin", severity="warning")
def negative_margin(df: Columns, ctx: Ctx) -> Mask:
    return [x is not None and x < 0 for x in df["gross_margin"]]


@check("customers", "created", "future_created", severity="warning",
       kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_created(df: Columns, ctx: Ctx) -> Mask:
    return _after(df["created"], ctx.as_of)


# ------------------------------------------------------------ per column
def column_rules(table: Table) -> list[Issue]:
    """Required and uniqueness, from the schema's column declarations (bounds are the reader's:
    a number out of bounds is dropped as it is read, :func:`addin.table.out_of_bounds`)."""
    out: list[Issue] = []
    for column in table.spec.input_columns:
        key = column.key
        if key not in table.columns or not (column.required or column.unique):
            continue
        raw, vals = table.raw[key], table.values[key]
        if column.required and None in vals:  # ('in': a C loop; most required columns are full)
            failed = {iss.row for iss in table.issues if iss.col == table.columns[key] and iss.is_error}
            for i in [i for i, v in enumerate(vals) if v is None]:
                if table.rows[i] not in failed and p.is_blank(raw[i]):
                    out.append(table.issue_at(i, key, "required"))
        if column.unique:
            rows = table.rows
            first = dict(zip(reversed(vals), reversed(rows)))  # value → the Excel row it first appears on
            if len(first) - (None in first) == len(vals) - vals.count(None):
                continue  # every value once: no duplicates to look for
            for i in [i for i, (v, r) in enumerate(zip(vals, rows)) if v is not None and first[v] != r]:
                out.append(table.issue_at(i, key, "duplicate", column=table.headers[key], first=first[vals[i]]))
    return out


def ref_rule(table: Table, ctx: Ctx) -> list[Issue]:
    out: list[Issue] = []
    for column in table.spec.input_columns:
        if column.ref != "customers" or column.key not in table.values:
            continue
        values = table.values[column.key]
        unknown = set(values).difference(ctx.customer_ids)
        unknown.discard(None)
        if unknown:
            for i in [i for i, v in enumerate(values) if v in unknown]:
                out.append(table.issue_at(i, column.key, "unknown_customer", sheet=ctx.customers_tab))
    return out


def row_checks(table: Table, ctx: Ctx) -> list[Issue]:
    checks = [c for c in CHECKS if c.sheet == table.spec.key]
    if not checks or not len(table):
        return []
    needed = sorted({k for c in checks for k in (*c.needs, c.column) if k in table.columns})
    n = len(table)
    df: dict[str, Sequence[Any]] = {k: table.values.get(k) or [None] * n for k in needed}
    for key in needed:  # as typed, for rules about blanks
        df[f"{key}__raw"] = table.raw[key]
    out: list[Issue] = []
    for c in checks:
        if not all(k in table.columns for k in c.needs):
            continue
        for i in compress(range(n), c.mask(df, ctx)):
            kw = c.kwargs({k: v[i] for k, v in df.items()}, ctx) if c.kwargs else {}
            out.append(table.issue_at(i, c.column, c.code, c.severity, **kw))
    return out


def error_rows(table: Table, issues: Iterable[Issue]) -> set[int]:
    """The data rows of ``table`` that ``issues`` find an error in (the rows left out of the jobs)."""
    index = {row: i for i, row in enumerate(table.rows)}
    return {index[x.row] for x in issues if x.is_error and x.sheet == table.name and x.row in index}


def payment_rules(payments: Table, receivables: Table, bad: set[int]) -> list[Issue]:
    """收款记录 against 应收账款: a payment naming no invoice is an error; payments adding up to more
    than the invoice's 金额 are a warning on the payment that goes over (the excess is a credit);
    a 客户编号 other than the invoice's is a warning (the payment applies to the invoice). The
    payments in ``bad`` (rows with errors) are not looked at."""
    if not len(payments) or "invoice_no" not in payments.values:
        return []
    n = len(receivables)
    nos, cids, amounts = (receivables.values.get(k) or [None] * n for k in ("invoice_no", "customer_id", "amount"))
    # invoice number → its first row: built from the last row up, the first one stays
    invoices: dict[Any, int] = dict(zip(reversed(nos), range(n - 1, -1, -1)))
    invoices.pop(None, None)
    m = len(payments)
    paid: dict[str, float] = {}
    out: list[Issue] = []
    cols = (payments.values.get(k) or [None] * m for k in ("invoice_no", "customer_id", "amount"))
    for i, (no, cid, amount) in enumerate(zip(*cols)):
        if no is None or i in bad:
            continue
        if no not in invoices:
            out.append(payments.issue_at(i, "invoice_no", "unknown_invoice", sheet=receivables.name))
            continue
        first = invoices[no]
        inv_cid, inv_amount = cids[first], amounts[first]
        if cid is not None and inv_cid is not None and cid != inv_cid:
            out.append(payments.issue_at(i, "customer_id", "payment_customer", "warning", invoice=no,
                                         customer=inv_cid))
        before = paid.get(no, 0.0)
        paid[no] = before + (amount or 0.0)
        if inv_amount is not None and paid[no] > max(inv_amount, 0.0) + 1e-9 >= before:
            out.append(payments.issue_at(i, "amount", "payments_over_amount", "warning", invoice=no,
                                         amount=_fmt_money(inv_amount)))
    return out


def validate(tables: Mapping[str, Table], as_of: dt.date, lang: str) -> dict[str, list[Issue]]:
    """The issues the rules find in the parsed tables, by sheet key (the reading issues not
    repeated). A pure function: the tables are not changed."""
    customers = tables["customers"]
    ids = frozenset(v for v in customers.values.get("customer_id", []) if v is not None)
    ctx = Ctx(as_of, ids, customers.name, lang)
    found: dict[str, list[Issue]] = {}
    for key, table in tables.items():
        if key == "settings":
            continue
        found[key] = column_rules(table) + ref_rule(table, ctx) + row_checks(table, ctx)
    if "payments" in tables and "receivables" in tables:
        payments = tables["payments"]
        bad = error_rows(payments, [*payments.issues, *found["payments"]])
        found["payments"] += payment_rules(payments, tables["receivables"], bad)
    return found


__all__ = ["CHECKS", "Ctx", "error_rows", "message", "validate"]
