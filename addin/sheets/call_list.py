"""今日拨打: the per-rep call lists as one output sheet."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.calls import Priority, Reason
from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style
from ..writeback import label

TITLE = {"zh": "今日拨打清单 · {date}", "en": "Call list · {date}"}
REASONS = {
    "stage5": ("销售进程5：已传合同", "Stage 5: contract sent"),
    "stage4": ("销售进程4：有选择我方的意向", "Stage 4: intends to choose us"),
    "expired_on": ("合同已于{date}到期", "Contract expired on {date}"),
    "expired": ("合同已到期", "Contract expired"),
    "due_today": ("今日应拨打", "Next call due today"),
    "overdue": ("下次拨打已逾期{days}天", "Next call {days} days overdue"),
    "waiting": ("{grade}类客户{days}天未联系", "{grade} customer not contacted for {days} days"),
    "never": ("{grade}类客户从未联系", "{grade} customer never contacted"),
    "very_likely": ("成交可能性很大", "Very likely to close"),
    "good": ("成交意向好", "Good intent"),
    "birthday_today": ("今天生日", "Birthday today"),
    "birthday": ("{month}月{day}日生日（{days}天后）", "Birthday on {month:02d}-{day:02d} (in {days} days)"),
}
SEP = {"zh": "；", "en": "; "}


def reason_words(reason: Reason, lang: Lang) -> str:
    kw = reason.kw
    if isinstance(kw.get("date"), dt.date):
        kw["date"] = kw["date"].isoformat()
    return pick(REASONS, reason.code, lang, **kw)


def reason_text(p: Priority, lang: Lang) -> str:
    """Every reason of an entry, in the workbook's language."""
    return SEP[lang].join(reason_words(r, lang) for r in p.reasons)


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
