"""An output sheet that is a plain table of its declared columns: a header row in the workbook's
language, then the rows; widths, number formats and visibility from the sheet's declaration."""
from __future__ import annotations

from typing import Any

from sheets_schema import Lang, SheetSpec

from ..writes import OutputSheet, Styled, kind_style


def table_sheet(spec: SheetSpec, tab: str, rows: list[list[Any]], lang: Lang) -> OutputSheet:
    return OutputSheet(spec.key, tab, [[Styled(h, "header") for h in spec.headers(lang)], *rows],
                       widths=[c.width for c in spec.columns],
                       column_styles=[kind_style(c.kind) for c in spec.columns], freeze_rows=1,
                       hidden=spec.hidden, repeat_rows=None if spec.hidden else (1, 1))
