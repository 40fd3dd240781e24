"""One rep's workbook → the rows the team database keeps for it (plain values, picklable).

The workbook is read by the same loader and validation as `crm refresh`, and the grades, credit
and aging are the same steps' facts: what the team sees of a workbook is what its rep sees. Rows
with errors are left out, as the rep's own jobs leave them out.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import jobs
from ..core.forecast import in_pipeline, weighted
from ..core.identity import name_key, phone_key
from ..core.parse import as_text
from ..io.package import PackageError, check_readable
from ..io.xlsx_book import XlsxBook
from ..steps import AGING, CONTACTS, CREDIT, GRADES
from ..steps.changelog import log_entries
from ..table import UnusableInput
from ..view import Sheet


class Unreadable(Exception):
    """The workbook cannot be collected (it is skipped, never half-loaded): the reason."""


@dataclass
class Extract:
    path: str
    content_hash: str
    owner: str
    as_of: dt.date
    as_of_fixed: bool
    lang: str
    errors: int
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # table name → rows
    snapshot: list[dict[str, Any]] = field(default_factory=list)


def records(sheet: Sheet, keys: list[str]) -> list[dict[str, Any]]:
    """The valid rows of an input sheet, as {key: typed value}."""
    return [{k: getattr(row, k) for k in keys} for row in sheet.records()]


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def owner_of(cards: dict[str, Any]) -> str | None:
    """The rep a workbook belongs to: the 业务员 of most of its customers (a rep's own workbook
    names one; ties go to the name that sorts first)."""
    counts = Counter(o for c in cards.values() if (o := c.owner))
    if not counts:
        return None
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _stage(v: str | None) -> int | None:
    return int(v) if v is not None else None


def extract(path: str | Path, as_of: dt.date | None = None) -> Extract:
    """Read and compute one workbook; raises Unreadable with the reason."""
    path = Path(path)
    try:
        check_readable(path)
        book = XlsxBook(path, writable=False)
        result = jobs.refresh(book, as_of=as_of, steps=(GRADES, CONTACTS, CREDIT, AGING))
    except (UnusableInput, PackageError) as exc:
        raise Unreadable(str(exc)) from None
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    loaded, facts = result.loaded, result.facts
    cards = loaded.customer_cards()
    owner = owner_of(cards)
    if owner is None:
        raise Unreadable("no customer in 客户资料卡 names a 业务员")
    s = loaded.settings
    day = loaded.as_of
    out = Extract(str(path.resolve()), file_hash(book.pkg.data), owner, day, s.as_of is not None, loaded.lang,
                  result.errors)
    grades = facts[GRADES].grades

    out.rows["customers"] = [{
        "customer_id": cid, "name": c.name, "name_key": name_key(c.name),
        "owner": c.owner, "phone": c.phone, "phone_key": phone_key(c.phone),
        "email": c.email, "industry": c.industry, "region": c.region,
        "annual_sales": c.annual_sales, "credit_limit": c.credit_limit,
        "payment_terms": c.payment_terms, "abc": grades.get(cid),
    } for cid, c in cards.items()]

    # the contacts fact: the log's valid rows, then the results typed in 今日拨打 that the rep has not
    # refreshed into the log yet — what the rep's next refresh logs and counts, 未接通 / 拒接 (and
    # `未接通，关机`) as attempts by the same rule. A result whose 下次拨打 or promise is text that
    # is no date or number lands in the log as a row with an error, and is left out like one.
    history = facts[CONTACTS]
    keys = ["date", "customer_id", "channel", "contact", "outcome", "next_call", "owner"]
    typed = ("next_call", "promise_amount", "promise_date")
    contacts: list[dict[str, Any] | None] = list(records(loaded.sheet("contacts"), keys))
    contacts += [None if any(isinstance(rec.get(k), str) for k in typed) else {k: rec.get(k) for k in keys}
                 for rec in history.harvested]
    kept = [(r, attempt) for r, (*_, attempt) in zip(contacts, history.logged, strict=True) if r is not None]
    out.rows["contacts"] = [{"seq": n, **r, "attempt": attempt} for n, (r, attempt) in enumerate(kept, start=1)]

    funnel = []
    heats: dict[str, str] = {}
    for r in records(loaded.sheet("funnel"), ["customer_id", "stage", "contract_status", "intent", "abandoned",
                                               "contract_end", "expected_amount", "next_call"]):
        cid = r["customer_id"]
        if cid in heats:
            continue  # a second row of one customer is an error (left out already); never counted twice
        st = history.stats.get(cid)
        h = history.heats[cid]
        heats[cid] = h
        funnel.append({**r, "stage": _stage(r["stage"]), "abandoned": r["abandoned"] == "yes", "heat": h,
                       "weighted_amount": weighted(r["expected_amount"], r["stage"], h),
                       "in_pipeline": in_pipeline(r["stage"], h),
                       "last_contact": st.last_contact if st else None, "follow_ups": st.follow_ups if st else 0})
    out.rows["funnel"] = funnel

    invoices = []
    # the rep's aging's own ledger: payments (收款记录) up to the as-of date, credits netted
    for it in facts[AGING].items:
        inv = it.invoice
        ref = inv.invoice_date if s.aging_basis == "invoice" else it.due
        invoices.append({"invoice_no": inv.invoice_no, "last_payment": inv.last_payment,
                         "customer_id": inv.customer_id, "invoice_date": inv.invoice_date, "due_date": it.due,
                         "amount": inv.amount, "paid": it.received, "owner": inv.owner,
                         "invoice_day": inv.invoice_date.toordinal(), "ref_day": ref.toordinal(),
                         "open_amount": it.open})
    out.rows["invoices"] = invoices

    out.rows["surveys"] = [{
        "seq": n, "customer_id": cid, "survey_date": row.survey_date,
        "requested_limit": row.requested_limit, "score": a.score, "grade": a.grade,
        "suggested_limit": a.suggested, "approver": a.approver,
    } for n, (cid, (row, a)) in enumerate(sorted(facts[CREDIT].latest.items()), start=1)]

    payments = records(loaded.sheet("payments"), ["pay_date", "invoice_no", "customer_id", "amount", "method",
                                                   "note"])
    out.rows["payments"] = [{"seq": n, **r} for n, r in enumerate(payments, start=1)]
    out.rows["changelog"] = changelog_rows(loaded.memory.get("changelog"))

    aging = {c.customer_id: c for c in facts[AGING].customers}
    stages = {f["customer_id"]: f["stage"] for f in funnel}
    out.snapshot = [{
        "as_of": day, "customer_id": cid, "stage": stages.get(cid), "heat": heats.get(cid), "abc": grades.get(cid),
        "balance": round(aging[cid].outstanding, 2) if cid in aging else 0.0,
        "overdue": round(aging[cid].overdue, 2) if cid in aging else 0.0,
    } for cid in cards]
    return out


def changelog_rows(t: Sheet | None) -> list[dict[str, Any]]:
    """变更记录 as the workbook holds it, every row in order: its cells as text (the date as a
    date), and the field and values as keys where the row can be read."""
    out = []
    for n, (row, read) in enumerate(log_entries(t), start=1):
        _, cid, label, old, new, owner = (as_text(v) for v in row)
        out.append({"seq": n, "date": read.date if read else _date(row[0]), "customer_id": cid, "field": label,
                    "old": old, "new": new, "owner": owner, "field_key": read.field if read else None,
                    "old_key": as_text(read.old) if read else None, "new_key": as_text(read.new) if read else None})
    return out


def _date(v: Any) -> dt.date | None:
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None
