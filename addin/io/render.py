"""Render an OutputSheet as worksheet XML."""
from __future__ import annotations

from xml.sax.saxutils import escape

from collections.abc import Callable

from ..cells import col_letter
from ..writes import OutputSheet
from .sheet_xml import cell_xml

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def render_sheet(sheet: OutputSheet, style_index: Callable[[str], int], code_name: str | None = None,
                 drawing: str | None = None) -> bytes:
    """The worksheet XML of an output sheet. ``code_name`` is the VBA code name the sheet had
    (its document module in the VBA project must keep a sheet to belong to); ``drawing`` the Id
    of its drawing relationship (its charts)."""
    nrows = len(sheet.rows)
    ncols = max((len(r) for r in sheet.rows), default=1)
    ncols = max(ncols, len(sheet.widths), 1)
    parts: list[bytes] = [
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n',
        f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'.encode(),
    ]
    code = f' codeName="{escape(code_name, {chr(34): "&quot;"})}"'.encode() if code_name else b""
    if sheet.fit_width and not sheet.print_scale:
        parts.append(b"<sheetPr" + code + b'><pageSetUpPr fitToPage="1"/></sheetPr>')
    elif code:
        parts.append(b"<sheetPr" + code + b"/>")
    parts.append(f'<dimension ref="A1:{col_letter(ncols)}{max(nrows, 1)}"/>'.encode())
    parts.append(b'<sheetViews><sheetView workbookViewId="0">')
    if sheet.freeze_rows:
        top = f"A{sheet.freeze_rows + 1}"
        parts.append(f'<pane ySplit="{sheet.freeze_rows}" topLeftCell="{top}" activePane="bottomLeft" '
                     f'state="frozen"/><selection pane="bottomLeft" activeCell="{top}" sqref="{top}"/>'.encode())
    parts.append(b"</sheetView></sheetViews>")
    parts.append(b'<sheetFormatPr defaultRowHeight="15"/>')
    if sheet.widths:
        parts.append(b"<cols>")
        for i, w in enumerate(sheet.widths, start=1):
            parts.append(f'<col min="{i}" max="{i}" width="{w:g}" customWidth="1"/>'.encode())
        parts.append(b"</cols>")
    parts.append(b"<sheetData>")
    cache: dict[str, int] = {}

    def sid(name: str) -> int:
        if name not in cache:
            cache[name] = style_index(name)
        return cache[name]

    for r in range(nrows):
        height = sheet.row_heights.get(r + 1)
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        cells = []
        for c in range(len(sheet.rows[r])):
            value, style = sheet.cell(r, c)
            s = sid(style)
            if (value is None or value == "") and not s:
                continue
            cells.append(cell_xml(f"{col_letter(c + 1)}{r + 1}", value, s))
        parts.append(f'<row r="{r + 1}"{ht}>'.encode() + b"".join(cells) + b"</row>")
    parts.append(b"</sheetData>")
    if sheet.merges:
        parts.append(f'<mergeCells count="{len(sheet.merges)}">'.encode())
        for r1, c1, r2, c2 in sheet.merges:
            parts.append(f'<mergeCell ref="{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"/>'.encode())
        parts.append(b"</mergeCells>")
    if sheet.lists:
        parts.append(f'<dataValidations count="{len(sheet.lists)}">'.encode())
        for (r1, c1, r2, c2), choices in sheet.lists:
            formula = escape('"' + ",".join(choices) + '"')
            parts.append(f'<dataValidation type="list" errorStyle="information" allowBlank="1" showInputMessage="1" '
                         f'showErrorMessage="1" sqref="{col_letter(c1)}{r1}:{col_letter(c2)}{r2}">'
                         f'<formula1>{formula}</formula1></dataValidation>'.encode())
        parts.append(b"</dataValidations>")
    parts.append(b'<printOptions horizontalCentered="1"/>')
    parts.append(b'<pageMargins left="0.5" right="0.5" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>')
    orientation = "landscape" if sheet.landscape else "portrait"
    paper = ' paperSize="9"' if sheet.paper_a4 else ""
    fit = f' fitToWidth="1" fitToHeight="{int(sheet.fit_page)}"' if sheet.fit_width else ""
    if sheet.print_scale:
        fit = f' scale="{sheet.print_scale}"'
    parts.append(f'<pageSetup{paper} orientation="{orientation}"{fit}/>'.encode())
    if sheet.row_breaks:
        n = len(sheet.row_breaks)
        parts.append(f'<rowBreaks count="{n}" manualBreakCount="{n}">'.encode()
                     + b"".join(f'<brk id="{r}" max="16383" man="1"/>'.encode() for r in sheet.row_breaks)
                     + b"</rowBreaks>")
    if drawing:
        parts.append(f'<drawing r:id="{drawing}"/>'.encode())
    parts.append(b"</worksheet>")
    return b"".join(parts)
