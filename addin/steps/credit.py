"""信用调查 computed columns; the latest survey per customer is kept for the form."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sheets_schema import Record

from ..core.aging import LONG_OVERDUE
from ..core.credit import Assessment, assess, resurvey_reasons
from ..i18n import pick
from ..sheets.resurvey import resurvey_text
from ..writeback import computed_blocks
from .aging import STEP as AGING
from .base import Context, Output, Step


@dataclass(frozen=True)
class CreditFacts:
    latest: dict[str, tuple[Record, Assessment]]  # customer ID → (latest valid survey, its assessment)
    #: customer ID → why its latest survey is due again (core.credit.resurvey_reasons codes)
    resurvey: dict[str, tuple[str, ...]] = field(default_factory=dict)

DENOMINATOR = {"quick_ratio": "current_liabilities", "debt_ratio": "assets_end",
               "asset_turnover": "assets_end", "net_margin": "revenue"}
RATIO_NAME = {"quick_ratio": ("速动比率", "Quick ratio"), "debt_ratio": ("资产负债率", "Debt ratio"),
              "asset_turnover": ("总资产周转率", "Asset turnover"), "net_margin": ("销售净利率", "Net margin")}

def run(r: Context) -> tuple[Output, CreditFacts]:
    t = r.sheet("survey")
    cards = r.loaded.customer_cards()
    keys = ("quick_ratio", "debt_ratio", "asset_turnover", "net_margin", "credit_score", "credit_grade",
            "suggested_limit", "limit_action", "approver", "resurvey")
    values: dict[str, dict[int, Any]] = {k: {} for k in keys}
    out = Output()
    latest: dict[str, tuple[dt.date, int, Record, Assessment]] = {}
    for row in t.records():
        i = row.i
        card = cards.get(row.customer_id)
        a = assess(row, r.settings, card.annual_sales if card else None, card.payment_terms if card else None,
                   card.credit_limit if card else None)
        for k in ("quick_ratio", "debt_ratio", "asset_turnover", "net_margin"):
            values[k][i] = getattr(a.ratios, k)
        values["credit_score"][i] = a.score
        values["credit_grade"][i] = a.grade
        values["suggested_limit"][i] = a.suggested
        values["limit_action"][i] = a.action
        values["approver"][i] = a.approver
        for ratio in a.ratios.zero_denominators:
            out.issues.append(t.issue_at(i, DENOMINATOR[ratio], "zero_denominator", "warning",
                                          ratio=pick(RATIO_NAME, ratio, r.lang)))
        if a.cap == "insolvent":
            out.issues.append(t.issue_at(i, "total_liabilities", "insolvent", "warning"))
        key = (row.survey_date, i)
        cid = row.customer_id
        if cid not in latest or key > latest[cid][:2]:
            latest[cid] = (key[0], i, row, a)
    ledger = {c.customer_id: c for c in r.facts[AGING].customers} if AGING in r.facts else {}
    months = r.settings.resurvey_months
    resurvey: dict[str, tuple[str, ...]] = {}
    for cid, (date, i, _, _) in latest.items():
        c = ledger.get(cid)
        reasons = resurvey_reasons(date, r.as_of, months, c is not None and c.over_limit == "yes",
                                   c.max_days if c is not None else 0, LONG_OVERDUE)
        if reasons:
            resurvey[cid] = reasons
            values["resurvey"][i] = resurvey_text(reasons, months, r.lang)
        if "stale" in reasons:
            out.issues.append(t.issue_at(i, "survey_date", "stale_survey", "warning", date=date.isoformat(),
                                          months=months))
    if t.columns:
        out.columns[t.name] = computed_blocks(t, values, r.lang)
    return out, CreditFacts({cid: (row, a) for cid, (_, _, row, a) in latest.items()}, resurvey)


STEP = Step("credit", run, needs=(AGING,),
            summary=lambda f: {"assessed": len(f.latest), "resurvey_due": len(f.resurvey)})
