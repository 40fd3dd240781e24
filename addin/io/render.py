"""Render an OutputSheet as worksheet XML."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from xml.sax.saxutils import escape

from ..cells import col_letter
from ..writes import OutputSheet, Styled
from .sheet_xml import _INF, _INT_MAX, cell_str, column_rests, s_attr

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def render_sheet(sheet: OutputSheet, style_index: Callable[[str], int], code_name: str | None = None,
                 drawing: str | None = None) -> bytes:
    """The worksheet XML of an output sheet. ``code_name`` is the VBA code name the sheet had
    (its document module in the VBA project must keep a sheet to belong to); ``drawing`` the Id
    of its drawing relationship (its charts)."""
    return b"".join(render_parts(sheet, style_index, code_name, drawing))


def render_parts(sheet: OutputSheet, style_index: Callable[[str], int], code_name: str | None = None,
                 drawing: str | None = None) -> Iterator[bytes]:
    """:func:`render_sheet`'s bytes in pieces — the rows a block at a time — so that a big sheet
    is compressed as it is rendered, never held whole."""
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
    yield b"".join(parts)
    for block in sheet_blocks(sheet, style_index):
        yield block.encode("utf-8")
    parts = [b"</sheetData>"]
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
    paper = ' paperSize="8"' if sheet.paper_a3 else ' paperSize="9"' if sheet.paper_a4 else ""
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
    yield b"".join(parts)


def sheet_data(sheet: OutputSheet, style_index: Callable[[str], int]) -> str:
    """The <row> elements of an output sheet, as one text."""
    return "".join(sheet_blocks(sheet, style_index))


def sheet_blocks(sheet: OutputSheet, style_index: Callable[[str], int]) -> Iterator[str]:
    """The <row> elements of an output sheet, as texts of up to :data:`_BLOCK` rows each (each
    encoded once by the caller).

    Column letters and each style's ``s`` attribute are worked out once; a plain value takes its
    column's style, a :class:`Styled` one its own. An empty cell without a style is left out."""
    attrs: dict[str, str] = {}

    def attr(name: str) -> str:
        a = attrs.get(name)
        if a is None:
            a = attrs[name] = s_attr(style_index(name))
        return a

    width = max((len(r) for r in sheet.rows), default=0)
    letters = [col_letter(c + 1) for c in range(width)]
    styles = sheet.column_styles
    col_attr: list[str | None] = [None] * width  # resolved on first use: a style no cell takes is never added
    heights = sheet.row_heights
    rests: dict[tuple[str, object], str] = {}  # (style attribute, text or date) → the cell after its r="…
    out: list[str] = []
    add = out.append
    rows = sheet.rows

    def cell_by_cell(lo: int, hi: int) -> None:
        for r in range(lo + 1, hi + 1):
            row = rows[r - 1]
            rs = str(r)
            height = heights.get(r) if heights else None
            add(f'<row r="{rs}" ht="{height:g}" customHeight="1">' if height else f'<row r="{rs}">')
            for c, v in enumerate(row):
                cls = v.__class__
                if cls is Styled:
                    s = attr(v.style)
                    v = v.value
                    cls = v.__class__
                else:
                    s = col_attr[c]  # type: ignore[assignment]
                    if s is None:
                        s = col_attr[c] = attr(styles[c] if c < len(styles) else "text")
                # as cell_str writes it, without a call per cell: numbers inline, texts and dates once each
                if cls is float and v == v and v not in _INF:
                    add(f'<c r="{letters[c]}{rs}"{s}><v>'
                        f'{str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)}</v></c>')
                elif cls is int and -_INT_MAX < v < _INT_MAX:
                    add(f'<c r="{letters[c]}{rs}"{s}><v>{v}</v></c>')
                elif v is None or v == "":
                    if s:
                        add(f'<c r="{letters[c]}{rs}"{s}/>')
                elif cls is str or cls is dt.date:
                    rest = rests.get((s, v))
                    if rest is None:
                        rest = rests[(s, v)] = cell_str("", v, s)[_SKIP:]
                    add(f'<c r="{letters[c]}{rs}{rest}')
                else:
                    add(cell_str(letters[c] + rs, v, s))
            add("</row>")

    def templated(lo: int, hi: int) -> bool:
        """Rows lo+1..hi, each of the sheet's full width, without a Styled value or a height: each
        column's values encoded once per distinct value (:func:`column_rests`, the text cell_str
        writes), every row one %-format — or False (nothing written) when a column holds a value
        of another kind (bool, datetime…)."""
        for c in range(width):  # resolved as the first row's cells would, in column order
            if col_attr[c] is None:
                col_attr[c] = attr(styles[c] if c < len(styles) else "text")
        rs = list(map(str, range(lo + 1, hi + 1)))
        form = ['<row r="%s">']
        args: list[list[str]] = [rs]
        for c, col in enumerate(zip(*rows[lo:hi])):
            s = col_attr[c]
            rest = column_rests(col, s)  # type: ignore[arg-type]
            if rest is None:
                return False
            if not s and (None in col or "" in col):  # an empty cell without a style is left out
                head = f'<c r="{letters[c]}'
                form.append("%s")
                args.append([head + r + x if v is not None and v != "" else "" for r, x, v in zip(rs, rest, col)])
            else:
                form.append(f'<c r="{letters[c]}%s%s')
                args += (rs, rest)
        form.append("</row>")
        add("".join(map("".join(form).__mod__, zip(*args))))
        return True

    # runs of plain rows (full width, no Styled value, no height) are written a block at a time
    plain = [len(row) == width and Styled not in map(type, row) and not (heights and r in heights)
             for r, row in enumerate(rows, start=1)]
    i, n = 0, len(rows)
    while i < n:
        j = i
        while j < n and plain[j] == plain[i]:
            j += 1
        run = plain[i] and j - i >= _RUN
        for lo in range(i, j, _BLOCK):
            hi = min(lo + _BLOCK, j)
            if not (run and templated(lo, hi)):
                cell_by_cell(lo, hi)
            yield "".join(out)
            out.clear()
        i = j


_RUN = 8  # shorter runs of plain rows are written cell by cell
_BLOCK = 4096
_SKIP = len('<c r="')
