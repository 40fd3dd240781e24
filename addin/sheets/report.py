"""The 校验结果 sheet, from the ordered list of issues."""
from __future__ import annotations

import sheets_schema as S
from sheets_schema import Lang

from ..issues import Issue
from ..writes import OutputSheet, Styled


def report_sheet(issues: list[Issue], lang: Lang, tab: str) -> OutputSheet:
    spec = S.VALIDATION
    sev = spec.col("severity")
    rows: list[list] = [[Styled(h, "header") for h in spec.headers(lang)]]
    for x in issues:
        label = sev.choice(x.severity).label(lang)
        rows.append([Styled(label, x.severity), x.sheet, x.cell, x.column, x.value, x.message])
    return OutputSheet(spec.key, tab, rows, widths=[c.width for c in spec.columns],
                       column_styles=["text"] * len(spec.columns), freeze_rows=1, landscape=True, repeat_rows=(1, 1))
