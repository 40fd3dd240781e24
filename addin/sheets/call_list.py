"""今日拨打: the per-rep call lists as one output sheet."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.calls import Priority, reason_text
from ..writes import OutputSheet, Styled, kind_style
from ..writeback import label

TITLE = {"zh": "今日拨打清单 · {date}", "en": "Call list · {date}"}


def call_list_sheet(lists: dict[str, list[Priority]], customers: dict[str, dict[str, Any]],
                    funnel: dict[str, dict[str, Any]], as_of: dt.date, lang: Lang, tab: str) -> OutputSheet:
    spec = S.CALL_LIST
    ncol = len(spec.columns)
    rows: list[list[Any]] = [[Styled(TITLE[lang].format(date=as_of.isoformat()), "title")] + [None] * (ncol - 1),
                             [Styled(h, "header") for h in spec.headers(lang)]]
    col = {c.key: c for c in spec.columns}
    for rep, entries in lists.items():
        for rank, p in enumerate(entries, start=1):
            c = customers.get(p.customer_id, {})
            f = funnel.get(p.customer_id, {})
            rows.append([
                rank, rep, p.customer_id, c.get("name"), c.get("key_person"), c.get("phone"), p.grade,
                label(S.FUNNEL.col("heat"), p.heat, lang),
                label(S.FUNNEL.col("stage"), f.get("stage"), lang),
                label(S.FUNNEL.col("intent"), f.get("intent"), lang),
                p.score, reason_text(p, lang),
                label(col["slot"], "morning" if p.grade == "A" else "afternoon", lang),
                p.last_contact, None, None,
            ])
    styles = [kind_style(c.kind) if not c.choices else "text" for c in spec.columns]
    styles[-2], styles[-1] = "input_text", "input_date"
    return OutputSheet(spec.key, tab, rows, widths=[c.width for c in spec.columns], column_styles=styles,
                       freeze_rows=2, merges=[(1, 1, 1, ncol)], row_heights={1: 24}, landscape=True)
