"""Row and cross-sheet rules. Each check is a small function returning a mask.

Cell-level parse errors (wrong type, value not allowed, malformed phone) are
found while reading (:mod:`addin.table`); these rules see typed values.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

import sheets_schema as S

from ..core import parse as p
from ..issues import Issue
from ..messages import message
from ..table import Table  # the tables the reader made (the reader knows nothing of validation)

Mask = pd.Series


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
    mask: Callable[[pd.DataFrame, Ctx], Mask]
    kwargs: Callable[[Any, Ctx], dict] | None = None


CHECKS: list[Check] = []


def check(sheet: str, column: str, code: str, *, severity: str = "error", needs: tuple[str, ...] = (),
          kwargs: Callable[[Any, Ctx], dict] | None = None):
    def deco(fn: Callable[[pd.DataFrame, Ctx], Mask]):
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


def _nn(df: pd.DataFrame, *cols: str) -> Mask:
    m = pd.Series(True, index=df.index)
    for c in cols:
        m &= df[c].notna()
    return m


def _lt(a: pd.Series, b: pd.Series) -> Mask:
    return pd.Series([x is not None and y is not None and x < y for x, y in zip(a, b)], index=a.index)


def _after(s: pd.Series, d: dt.date) -> Mask:
    return pd.Series([x is not None and x > d for x in s], index=s.index)


# ----------------------------------------------------------------- funnel
@check("funnel", "contract_status", "stage6_status", needs=("stage",),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def stage6_without_active(df: pd.DataFrame, ctx: Ctx) -> Mask:
    status = df["contract_status"] if "contract_status" in df else pd.Series(None, index=df.index)
    return (df["stage"] == "6") & (status != "active")


@check("funnel", "contract_status", "stage7_status", needs=("stage",),
       kwargs=lambda r, c: {"status": _status("expired", c.lang)})
def stage7_without_expired(df: pd.DataFrame, ctx: Ctx) -> Mask:
    status = df["contract_status"] if "contract_status" in df else pd.Series(None, index=df.index)
    return (df["stage"] == "7") & (status != "expired")


@check("funnel", "stage", "status_stage6", needs=("stage", "contract_status"),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def active_without_stage6(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return (df["contract_status"] == "active") & df["stage"].notna() & ~df["stage"].isin(["6", "7"])


@check("funnel", "stage", "status_stage7", needs=("stage", "contract_status"),
       kwargs=lambda r, c: {"status": _status("expired", c.lang)})
def expired_without_stage7(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return (df["contract_status"] == "expired") & df["stage"].notna() & ~df["stage"].isin(["6", "7"])


@check("funnel", "expected_amount", "stage_without_amount", severity="warning", needs=("stage", "expected_amount"),
       kwargs=lambda r, c: {"stage": r["stage"]})
def late_stage_without_amount(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return df["stage"].isin(["4", "5"]) & df["expected_amount"].isna()


@check("funnel", "contract_end", "contract_end_passed", severity="warning",
       needs=("contract_end", "contract_status"),
       kwargs=lambda r, c: {"status": _status("active", c.lang)})
def active_contract_ended(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return (df["contract_status"] == "active") & pd.Series(
        [d is not None and d < ctx.as_of for d in df["contract_end"]], index=df.index)


# ------------------------------------------------------------- receivables
@check("receivables", "due_date", "due_before_invoice", needs=("due_date", "invoice_date"),
       kwargs=lambda r, c: {"invoice_date": _fmt_date(r["invoice_date"])})
def due_before_invoice(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return _lt(df["due_date"], df["invoice_date"])


@check("receivables", "paid", "paid_over_amount", severity="warning", needs=("paid", "amount"),
       kwargs=lambda r, c: {"amount": _fmt_money(r["amount"])})
def paid_over_amount(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return _nn(df, "paid", "amount") & (df["paid"].astype(float) > df["amount"].astype(float).clip(lower=0) + 1e-9)


@check("receivables", "amount", "credit_note", severity="warning")
def credit_note(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return pd.Series([x is not None and x < 0 for x in df["amount"]], index=df.index)


@check("receivables", "invoice_date", "future_invoice", severity="warning",
       kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_invoice(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return _after(df["invoice_date"], ctx.as_of)


# ---------------------------------------------------------------- contacts
@check("contacts", "date", "future_contact", kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_contact(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return _after(df["date"], ctx.as_of)


# --------------------------------------------------------------- customers
@check("customers", "phone", "no_contact_way", severity="warning", needs=("phone", "email"))
def no_contact_way(df: pd.DataFrame, ctx: Ctx) -> Mask:
    blank = [p.is_blank(a) and p.is_blank(b) for a, b in zip(df["phone__raw"], df["email__raw"])]
    return pd.Series(blank, index=df.index)


@check("customers", "gross_margin", "negative_margin", severity="warning")
def negative_margin(df: pd.DataFrame, ctx: Ctx) -> Mask:
    return pd.Series([x is not None and x < 0 for x in df["gross_margin"]], index=df.index)


@check("customers", "created", "future_created", severity="warning",
       kwargs=lambda r, c: {"as_of": c.as_of.isoformat()})
def future_created(df: pd.DataFrame, ctx: Ctx) -> Mask:
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
        if column.required:
            failed = {iss.row for iss in table.issues if iss.col == table.columns[key] and iss.is_error}
            for i in [i for i, v in enumerate(vals) if v is None]:
                if table.rows[i] not in failed and p.is_blank(raw[i]):
                    out.append(table.issue_at(i, key, "required"))
        if column.unique:
            first: dict[str, int] = {}
            for i, v in enumerate(vals):
                if v is None:
                    continue
                if v in first:
                    out.append(table.issue_at(i, key, "duplicate", column=table.headers[key], first=first[v]))
                else:
                    first[v] = table.rows[i]
    return out


def ref_rule(table: Table, ctx: Ctx) -> list[Issue]:
    out: list[Issue] = []
    for column in table.spec.input_columns:
        if column.ref != "customers" or column.key not in table.values:
            continue
        for i, v in enumerate(table.values[column.key]):
            if v is not None and v not in ctx.customer_ids:
                out.append(table.issue_at(i, column.key, "unknown_customer", sheet=ctx.customers_tab))
    return out


def row_checks(table: Table, ctx: Ctx) -> list[Issue]:
    checks = [c for c in CHECKS if c.sheet == table.spec.key]
    if not checks or not len(table):
        return []
    needed = sorted({k for c in checks for k in (*c.needs, c.column) if k in table.columns})
    df = table.frame(needed)
    for key in needed:  # as typed, for rules about blanks
        df[f"{key}__raw"] = table.raw[key]
    out: list[Issue] = []
    for c in checks:
        if not all(k in table.columns for k in c.needs):
            continue
        hits = df[c.mask(df, ctx).fillna(False).astype(bool)]
        for _, row in hits.iterrows():
            kw = c.kwargs(row, ctx) if c.kwargs else {}
            out.append(table.issue_at(int(row["_i"]), c.column, c.code, c.severity, **kw))
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
    invoices: dict[str, tuple[Any, Any]] = {}
    for no, cid, amount in zip(*(receivables.values.get(k) or [None] * n for k in ("invoice_no", "customer_id", "amount"))):
        if no is not None:
            invoices.setdefault(no, (cid, amount))
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
        inv_cid, inv_amount = invoices[no]
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
