"""催款记录 Dunning Log: the rows as they are read back, and the sheet with new rows appended."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang, fold

from ..core import dunning
from ..core.dunning_log import Entry
from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style

#: the documents as the log and the pages name them
DOCUMENTS = {
    "statement": ("对账单", "Statement"),
    "first": ("提醒函", "Reminder"),
    "middle": ("催告函", "Demand Letter"),
    "last": ("最后通知函", "Final Notice"),
}
#: results: the text starts with the label; a detail (file, server's answer) may follow
RESULTS = {
    "sent": ("已发送", "Sent"),
    "eml": ("已生成邮件文件", "Written as .eml"),
    "failed": ("发送失败", "Failed"),
    "no_email": ("未发送：客户资料卡没有邮箱", "Not sent: no email on the customer card"),
}


def document_label(document: str, level: int | None, bounds: tuple[int, ...], lang: Lang) -> str:
    if document == "statement":
        return pick(DOCUMENTS, "statement", lang)
    return pick(DOCUMENTS, dunning.stage(level or 1, bounds) or "first", lang)


def result_text(result: str, lang: Lang, detail: str | None = None) -> str:
    label = pick(RESULTS, result, lang)
    return f"{label}：{detail}" if detail and lang == "zh" else f"{label}: {detail}" if detail else label


_DOCS = {fold(label): key for key, pair in DOCUMENTS.items() for label in pair}
_RESULTS = sorted(((fold(label), key) for key, pair in RESULTS.items() for label in pair), key=lambda x: -len(x[0]))


def _document(v: Any) -> str | None:
    key = _DOCS.get(fold(str(v))) if v is not None else None
    return None if key is None else "statement" if key == "statement" else "letter"


def _result(v: Any) -> str:
    text = fold(str(v)) if v is not None else ""
    return next((key for label, key in _RESULTS if text.startswith(label)), "other")


def log_entries(t: Any) -> tuple[list[list[Any]], list[Entry]]:
    """The rows of 催款记录 as they are (to write back) and what those that can be read say."""
    if t is None:
        return [], []
    keys = [c.key for c in S.DUNNING_LOG.columns]
    rows: list[list[Any]] = []
    read: list[Entry] = []
    typed = [t.as_typed(k) for k in keys]
    for rec in t.records(with_errors=True):
        raw = [col[rec.i] if col else None for col in typed]
        rows.append([None if v == "" else v for v in raw])
        v = rec.fields()
        doc = _document(raw[keys.index("document")])
        if v["date"] is None or v["customer_id"] is None or doc is None:
            continue
        read.append(Entry(v["date"], v["customer_id"], doc, v["level"], v["amount"], v["to"],
                          _result(raw[keys.index("result")]), v["send_id"]))
    return rows, read


def dunning_log_sheet(rows: list[list[Any]], lang: Lang, tab: str) -> OutputSheet:
    spec = S.DUNNING_LOG
    header = [Styled(h, "header") for h in spec.headers(lang)]
    return OutputSheet(spec.key, tab, [header] + rows, widths=[c.width for c in spec.columns],
                       column_styles=[kind_style(c.kind) for c in spec.columns], freeze_rows=1, landscape=True)


def log_row(day: dt.date, customer_id: str, name: str | None, document: str, level: int | None, amount: float | None,
            to: str | None, result: str, detail: str | None, sid: str, bounds: tuple[int, ...], lang: Lang) -> list[Any]:
    return [day, customer_id, name, document_label(document, level, bounds, lang), level, amount, to,
            result_text(result, lang, detail), sid]
