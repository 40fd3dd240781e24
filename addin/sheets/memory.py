"""The add-in's memory sheets: 变更记录 (the change log people read), the hidden snapshot of the
tracked values and the hidden daily figures."""
from __future__ import annotations

from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..writes import OutputSheet
from .table_sheet import table_sheet

#: the sheet whose column each tracked field is
FIELD_SHEET = {"stage": S.FUNNEL, "contract_status": S.FUNNEL, "intent": S.FUNNEL, "abandoned": S.FUNNEL,
               "heat": S.FUNNEL, "abc": S.CUSTOMERS, "credit_limit": S.CUSTOMERS, "owner": S.CUSTOMERS}


def field_label(field: str, lang: Lang) -> str:
    return FIELD_SHEET[field].col(field).header(lang)


def value_label(field: str, value: Any, lang: Lang) -> Any:
    """A tracked value as people read it: a choice by its label in the workbook's language."""
    column = FIELD_SHEET[field].col(field)
    if value is None or not column.choices:
        return value
    return next((c.label(lang) for c in column.choices if c.key == value), value)


def changelog_sheet(rows: list[list[Any]], lang: Lang, tab: str) -> OutputSheet:
    """变更记录: 日期 | 客户编号 | 字段 | 原值 | 新值 | 业务员, earlier rows first, as they were."""
    return table_sheet(S.CHANGELOG, tab, rows, lang)


def snapshot_sheet(snapshot: dict[str, dict[str, Any]], taken: Any, lang: Lang, tab: str) -> OutputSheet:
    keys = [c.key for c in S.SNAPSHOT.columns][2:]
    rows = [[cid, taken, *map(values.get, keys)] for cid, values in snapshot.items()]
    return table_sheet(S.SNAPSHOT, tab, rows, lang)


def daily_sheet(rows: list[list[Any]], lang: Lang, tab: str) -> OutputSheet:
    """One row per refresh date and rep: 日期 | 业务员 | 未收余额 | 逾期合计 | 本月覆盖率 | 在谈金额."""
    return table_sheet(S.DAILY, tab, rows, lang)
