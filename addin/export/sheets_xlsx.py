"""Output sheets (addin.writes.OutputSheet) as a new .xlsx file, written by XlsxWriter.

The same records the engines write into a rep's workbook, with the same named styles; used for
files the add-in creates whole (the manager's team workbook). Charts are the same XlsxWriter charts
:mod:`addin.io.charts` grafts into a rep's workbook.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter

from ..i18n import word
from ..io.charts import chart
from ..writes import STYLES, OutputSheet, StyleSpec


def _format_props(spec: StyleSpec) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if spec.bold:
        props["bold"] = True
    if spec.italic:
        props["italic"] = True
    if spec.size:
        props["font_size"] = spec.size
    if spec.color:
        props["font_color"] = "#" + spec.color
    if spec.fill:
        props["bg_color"] = "#" + spec.fill
        props["pattern"] = 1
    if spec.border == "all":
        props["border"] = 1
    elif spec.border in ("top", "bottom"):
        props[spec.border] = 1
    if spec.num_fmt:
        props["num_format"] = spec.num_fmt
    if spec.align:
        props["align"] = spec.align
    if spec.valign:
        props["valign"] = "vcenter" if spec.valign == "center" else spec.valign
    if spec.wrap:
        props["text_wrap"] = True
    return props


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[str, Any] = {}

    def __call__(self, name: str) -> Any:
        if name not in self.cache:
            spec = STYLES.get(name, StyleSpec())
            self.cache[name] = self.wb.add_format(_format_props(spec)) if spec != StyleSpec() else None
        return self.cache[name]


def _put(ws, r: int, c: int, value: Any, fmt: Any) -> None:
    if value is None or value == "":
        if fmt is not None:
            ws.write_blank(r, c, None, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, fmt)
    elif isinstance(value, dt.date):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _sheet(wb: xlsxwriter.Workbook, fmts: _Formats, sheet: OutputSheet) -> None:
    ws = wb.add_worksheet(sheet.name)
    for c, w in enumerate(sheet.widths):
        ws.set_column(c, c, w)
    for r, row in enumerate(sheet.rows):
        if r + 1 in sheet.row_heights:
            ws.set_row(r, sheet.row_heights[r + 1])
        for c in range(len(row)):
            value, style = sheet.cell(r, c)
            _put(ws, r, c, value, fmts(style))
    for r1, c1, r2, c2 in sheet.merges:
        value, style = sheet.cell(r1 - 1, c1 - 1)
        ws.merge_range(r1 - 1, c1 - 1, r2 - 1, c2 - 1, None, fmts(style))
        _put(ws, r1 - 1, c1 - 1, value, fmts(style))
    if sheet.row_breaks:
        ws.set_h_pagebreaks(sheet.row_breaks)
    if sheet.print_scale:
        ws.set_print_scale(sheet.print_scale)
    for (r1, c1, r2, c2), choices in sheet.lists:
        ws.data_validation(r1 - 1, c1 - 1, r2 - 1, c2 - 1, {"validate": "list", "source": list(choices),
                                                            "error_type": "information"})
    if sheet.freeze_rows:
        ws.freeze_panes(sheet.freeze_rows, 0)
    if sheet.landscape:
        ws.set_landscape()
    if sheet.paper_a4:
        ws.set_paper(9)
    if sheet.fit_page:
        ws.fit_to_pages(1, 1)
    elif sheet.fit_width:
        ws.fit_to_pages(1, 0)
    if sheet.print_area:
        r1, c1, r2, c2 = sheet.print_area
        ws.print_area(r1 - 1, c1 - 1, r2 - 1, c2 - 1)
    for spec in sheet.charts:  # native charts, authored as in a rep's workbook
        ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart(wb, spec, sheet.name), {"object_position": 2})


def write_sheets(sheets: list[OutputSheet], path: Path, lang: str) -> None:
    """Write a new workbook holding ``sheets`` in order; the file appears whole or not at all."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        wb = xlsxwriter.Workbook(tmp, {"strings_to_formulas": False, "strings_to_numbers": False,
                                       "strings_to_urls": False,
                                       "default_format_properties": {"font_name": word(lang, "等线", "Calibri")}})
        fmts = _Formats(wb)
        for sheet in sheets:
            _sheet(wb, fmts, sheet)
        wb.close()
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
