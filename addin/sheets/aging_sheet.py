"""账龄分析: the aging table (shared by the workbook sheet and the exports)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.aging import AgingReport, CustomerAging
from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style

OVER = {"yes": ("是", "Yes"), "no": ("否", "No"), "unlimited": ("未授信", "No limit")}
WORDS = {
    "title": ("应收账款账龄分析 · 截至 {date}（按{basis}）", "Receivables aging · as of {date} (by {basis})"),
    "due": ("到期日", "due date"), "invoice": ("开票日期", "invoice date"),
    "total": ("合计", "Total"), "share": ("占比", "Share"),
    "owners": ("按承办人汇总", "By owner"), "owner": ("承办人", "Owner"),
    "customers": ("{n} 户", "{n} customers"),
}


def w(key: str, lang: Lang, **kw: Any) -> str:
    return pick(WORDS, key, lang, **kw)


@dataclass
class AgingTable:
    title: str
    columns: tuple  # sheets_schema Columns
    headers: list[str]
    body: list[list[Any]]
    total: list[Any]
    share: list[Any]
    owner_headers: list[str]
    owners: list[list[Any]]
    bucket_headers: list[str]
    bucket_totals: list[float]


def _money(x: float) -> float:
    return round(x + 0.0, 2)


def _amounts(c: CustomerAging) -> list[Any]:
    return [_money(c.outstanding), _money(c.not_due), *[_money(b) for b in c.buckets], _money(c.overdue),
            c.max_days or None, _money(c.recoverable), _money(c.allowance)]


def aging_table(report: AgingReport, lang: Lang) -> AgingTable:
    columns = S.aging_columns(report.bounds)
    headers = [c.header(lang) for c in columns]
    body = []
    for c in report.customers:
        zh, en = OVER[c.over_limit]
        body.append([c.customer_id, c.name, c.owner, c.credit_limit, *_amounts(c), zh if lang == "zh" else en])
    t = report.total
    over = sum(c.over_limit == "yes" for c in report.customers)
    total = [w("total", lang), w("customers", lang, n=len(report.customers)), None, None, *_amounts(t),
             w("customers", lang, n=over)]
    base = t.outstanding or 1.0
    amounts = _amounts(t)
    share = [w("share", lang), None, None, None] + [
        (None if i == len(amounts) - 3 else (x or 0.0) / base) for i, x in enumerate(amounts)] + [None]
    owner_headers = [w("owner", lang), None, None, None] + headers[4:-1] + [None]
    owners = [[o.owner, None, None, None, *_amounts(o), None] for o in report.owners]
    nb = len(report.bounds) + 1
    return AgingTable(
        w("title", lang, date=report.as_of.isoformat(), basis=w(report.basis, lang)), columns, headers, body,
        total, share, owner_headers, owners, headers[6:6 + nb], [_money(b) for b in t.buckets])


def aging_sheet(report: AgingReport, lang: Lang, tab: str) -> OutputSheet:
    t = aging_table(report, lang)
    n = len(t.headers)
    styles = [kind_style(c.kind) for c in t.columns]
    rows: list[list[Any]] = [[Styled(t.title, "title")] + [None] * (n - 1),
                             [Styled(h, "header") for h in t.headers]]
    rows += t.body
    rows.append([Styled(v, "total_text" if i < 4 or i == n - 1 else "total_" + styles[i].split("_")[-1])
                 for i, v in enumerate(t.total)])
    rows.append([Styled(v, "total_percent" if isinstance(v, float) else "total_text") for v in t.share])
    rows.append([None] * n)
    rows.append([Styled(t.owner_headers[0], "section")] + [Styled(h, "header") if h else None
                                                          for h in t.owner_headers[1:]])
    rows += t.owners
    return OutputSheet(S.AGING.key, tab, rows, widths=[c.width for c in t.columns], column_styles=styles,
                       freeze_rows=2, merges=[(1, 1, 1, n)], row_heights={1: 24}, landscape=True)
