"""The live engine: the same Book adapter over an open xlwings workbook.

Reads each sheet in one call and writes in bulk: one value write per contiguous
block, one number-format call per column, never cell by cell. Only the subset of
the open-source xlwings API listed in docs/live-excel.md is used, so a small fake
can stand in for Excel in the tests. xlwings itself is imported by the caller
(addin.ribbon), never here.
"""
from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from itertools import groupby
from typing import Any

from ..cells import MAX_CELL_TEXT, TRUNCATED, col_letter
from ..writes import CHART_PREFIX, HIGHLIGHT_FILLS, NUM_FMT, STYLES, AppendRows, ColumnBlock, OutputSheet, StyleSpec
from .sheet_xml import HIGHLIGHT_MARKER, cell_runs

XL_EXPRESSION = 2  # xlExpression, for FormatConditions.Add
MAX_ADDRESS = 250  # Excel's limit for a multi-area address is 255 characters
# Validation.Add: a list (xlValidateList) whose alert is the information style (any other value is
# kept once the user clicks OK), as the file engine's errorStyle="information"
XL_VALIDATE_LIST, XL_VALID_ALERT_INFORMATION, XL_BETWEEN = 3, 3, 1
MAX_LIST_FORMULA = 255  # Excel refuses a list typed into Formula1 longer than this
XL_LIST_SEPARATOR = 5  # Application.International(xlListSeparator): "," or ";" (German, French…)
XL_LANDSCAPE, XL_PORTRAIT = 2, 1
XL_PAPER = {"a4": 9, "a3": 8}
INCH = 72.0  # points


def neutral_formula(severity: str) -> str:
    """The highlight rule's condition, the same in every Excel language.

    FormatConditions.Add parses Formula1 as the user would type it in the interface language (a
    German Excel wants ISTTEXT and ";" as the list separator, and refuses ISTEXT), unlike
    Range.Formula. A comparison of two string literals has no function name, no separator, no
    reference and no number: `="crm:validation:error"<>""` is TRUE in any language, and the
    marker inside it tells the add-in's rules from a user's."""
    return f'="{HIGHLIGHT_MARKER}:{severity}"<>""'


def _rgb(hex_color: str) -> tuple[int, int, int]:
    return int(hex_color[0:2], 16), int(hex_color[2:4], 16), int(hex_color[4:6], 16)


def _bgr_int(hex_color: str) -> int:
    r, g, b = _rgb(hex_color)
    return r + (g << 8) + (b << 16)


#: the number format of a text cell the add-in writes. Range.NumberFormat takes Excel's English
#: codes in any UI language (NumberFormatLocal is the localised one)
GENERAL = "General"
#: Range.Value parses a string as if typed: "=…", "+…", "-…", "@…" become formulas (or a DDE call),
#: "007" the number 7, "2026-11-24" a date. A leading apostrophe makes Excel store the rest as text
#: (the apostrophe is not part of the value) in a General cell; in a cell formatted "@" it would be
#: kept, which is why the add-in sets its own cells' formats before their values.
TEXT_PREFIX = "'"


def _text(v: str) -> str:
    """The input that makes Excel store ``v`` as text: the apostrophe counts towards the limit."""
    limit = MAX_CELL_TEXT - len(TEXT_PREFIX)
    return TEXT_PREFIX + (v if len(v) <= limit else v[:limit - len(TRUNCATED)] + TRUNCATED)


def _plain(v: Any) -> Any:
    if isinstance(v, str):
        return _text(v) if v else None
    if isinstance(v, dt.datetime):
        return v
    if isinstance(v, dt.date):
        return dt.datetime(v.year, v.month, v.day)
    return None if v == "" else v


class LiveBook:
    def __init__(self, book: Any, platform: str = sys.platform) -> None:
        self.book = book
        self.label = getattr(book, "name", "workbook")
        # conditional formats go through COM (sheet.api.Cells.FormatConditions), which Excel for
        # the Mac does not have: there the highlights are skipped, before anything is written
        self.highlights = platform != "darwin"

    # ----------------------------------------------------------------- reading
    def sheet_names(self) -> list[str]:
        return [s.name for s in self.book.sheets]

    def owned_sheets(self) -> dict[str, str]:
        # Excel keeps no mark the live engine reads yet: output sheets are adopted by their name and
        # title (see loader.output_tabs); book.sheets lists worksheets only, never chart sheets
        return {}

    def chart_sheets(self) -> set[str]:
        return set()

    def read_rows(self, name: str):
        return iter(self.read_grid(name))

    def reading_ahead(self, names: Sequence[str]) -> AbstractContextManager[None]:
        return nullcontext()  # Excel's reads are calls on its own thread: nothing to prepare

    def read_grid(self, name: str) -> list[list[Any]]:
        sheet = self.book.sheets[name]
        last = sheet.used_range.last_cell
        values = sheet.range((1, 1), (last.row, last.column)).options(ndim=2).value
        return [[("" if v is None else v) for v in row] for row in values]

    # ----------------------------------------------------------------- writing
    def write_columns(self, name: str, blocks: list[ColumnBlock]) -> None:
        sheet = self.book.sheets[name]
        ordered = sorted(blocks, key=lambda b: (b.first_row, len(b.values), b.col))
        # adjacent columns with the same rows become one 2-D write
        groups: list[list[ColumnBlock]] = []
        for b in ordered:
            g = groups[-1] if groups else None
            if g and g[-1].col + 1 == b.col and g[-1].first_row == b.first_row and len(g[-1].values) == len(b.values):
                g.append(b)
            else:
                groups.append([b])
        for g in groups:
            if g[0].values:
                rows = [[_plain(b.values[i]) for b in g] for i in range(len(g[0].values))]
                last = g[0].first_row + len(rows) - 1
                # formats first: the cells are the add-in's, whatever format a user gave them
                for b in g:
                    sheet.range((b.first_row, b.col), (last, b.col)).number_format = NUM_FMT.get(b.kind, GENERAL)
                sheet.range((g[0].first_row, g[0].col), (last, g[-1].col)).value = rows
            new = [b for b in g if b.header is not None and b.header_row is not None]
            for run in _consecutive(new, lambda b: b.col):
                rng = sheet.range((run[0].header_row, run[0].col), (run[0].header_row, run[-1].col))
                rng.number_format = GENERAL
                rng.value = [[_plain(b.header) for b in run]]
                self._style(rng, STYLES["header_computed"])

    def append_rows(self, name: str, rows: AppendRows) -> None:
        if not rows.rows:
            return
        sheet = self.book.sheets[name]
        if rows.headers and rows.header_row is not None:  # declared columns the sheet lacked
            for run in _consecutive(sorted(rows.headers), lambda c: c):
                rng = sheet.range((rows.header_row, run[0]), (rows.header_row, run[-1]))
                rng.number_format = GENERAL
                rng.value = [[_plain(rows.headers[c]) for c in run]]
                self._style(rng, STYLES["header"])
        last = rows.first_row + len(rows.rows) - 1
        pairs = sorted(zip(rows.columns, range(len(rows.columns))))
        for run in _consecutive(pairs, lambda p: p[0]):
            c1, c2 = run[0][0], run[-1][0]
            for col, i in run:  # formats before values (a user's "@" column would keep the apostrophe)
                sheet.range((rows.first_row, col), (last, col)).number_format = NUM_FMT.get(rows.kinds[i], GENERAL)
            sheet.range((rows.first_row, c1), (last, c2)).value = [[_plain(r[i]) for _, i in run] for r in rows.rows]

    def replace_sheet(self, out: OutputSheet) -> None:
        names = self.sheet_names()
        if out.name in names:
            sheet = self.book.sheets[out.name]
            sheet.clear()
        else:
            sheet = self.book.sheets.add(out.name, after=self.book.sheets[names[-1]])
        nrows = len(out.rows)
        ncols = max((len(r) for r in out.rows), default=0)
        if not nrows or not ncols:
            return
        grid = [[_plain(out.cell(r, c)[0]) if c < len(out.rows[r]) else None for c in range(ncols)]
                for r in range(nrows)]
        structural = [r for r in range(nrows) if self._structural(out, r)]
        skip = set(structural)
        data_rows = [r for r in range(nrows) if r not in skip]
        # number formats per column, over the data rows (contiguous runs), before the values
        row_runs = [(run[0], run[-1]) for run in _consecutive(data_rows, lambda r: r)]
        for c in range(ncols):
            style = out.column_styles[c] if c < len(out.column_styles) else "text"
            spec = STYLES.get(style)
            if spec is None:
                continue
            for lo, hi in row_runs:
                rng = sheet.range((lo + 1, c + 1), (hi + 1, c + 1))
                if spec.num_fmt:
                    rng.number_format = spec.num_fmt
                if spec.fill:
                    rng.color = _rgb(spec.fill)
        sheet.range((1, 1), (nrows, ncols)).value = grid
        # titles, headers, totals: rows made only of styled cells, formatted in runs
        for r in structural:
            cells = [(c, out.cell(r, c)[1]) for c in range(len(out.rows[r]))]
            for style, run in groupby(cells, key=lambda x: x[1]):
                run = list(run)
                self._style(sheet.range((r + 1, run[0][0] + 1), (r + 1, run[-1][0] + 1)), STYLES[style])
        for r1, c1, r2, c2 in out.merges:
            sheet.range((r1, c1), (r2, c2)).merge()
        for c, width in enumerate(out.widths, start=1):
            sheet.range((1, c)).column_width = width
        for r, height in out.row_heights.items():
            sheet.range((r, 1)).row_height = height
        self._charts(sheet, out)
        if self.highlights:  # drop-downs and page setup go through COM (Windows), as the highlights
            self._lists(sheet, out)
            self._print_setup(sheet, out)
        if out.hidden:
            sheet.visible = False

    def _lists(self, sheet: Any, out: OutputSheet) -> None:
        """The output sheet's drop-down lists (今日拨打's 结果), as the file engine writes them: a
        list, blank allowed, an information alert (free text is kept). Validation.Add fails on a
        cell that has one already, so the sheet's own are deleted first (Sheet.clear keeps them).
        Formula1 is parsed like typed input: the choices are joined by the interface language's
        list separator; a list longer than Excel's 255 characters is left out (text still goes in)."""
        sheet.api.Cells.Validation.Delete()
        sep = str(self.book.app.api.International(XL_LIST_SEPARATOR) or ",")
        for (r1, c1, r2, c2), choices in out.lists:
            formula = sep.join(choices)
            if len(formula) > MAX_LIST_FORMULA or any(sep in c for c in choices):
                continue
            v = sheet.range((r1, c1), (r2, c2)).api.Validation
            v.Add(Type=XL_VALIDATE_LIST, AlertStyle=XL_VALID_ALERT_INFORMATION, Operator=XL_BETWEEN,
                  Formula1=formula)
            v.IgnoreBlank = True
            v.InCellDropdown = True
            v.ShowError = True

    def _print_setup(self, sheet: Any, out: OutputSheet) -> None:
        """The file engine's <pageSetup>, print titles and manual row breaks through PageSetup (one
        rep per printed page of 今日拨打, the title and header rows on every page). Printer talk is
        paused while the properties are set (PrintCommunication), as Excel's own macros do."""
        app = self.book.app.api
        app.PrintCommunication = False
        try:
            ps = sheet.api.PageSetup
            ps.Orientation = XL_LANDSCAPE if out.landscape else XL_PORTRAIT
            if out.paper_a3 or out.paper_a4:
                ps.PaperSize = XL_PAPER["a3" if out.paper_a3 else "a4"]
            ps.LeftMargin = ps.RightMargin = 0.5 * INCH
            ps.TopMargin = ps.BottomMargin = 0.6 * INCH
            ps.HeaderMargin = ps.FooterMargin = 0.3 * INCH
            ps.CenterHorizontally = True
            if out.print_scale:
                ps.Zoom = out.print_scale
            elif out.fit_width:
                ps.Zoom = False  # FitToPages* count only with Zoom off
                ps.FitToPagesWide = 1
                ps.FitToPagesTall = 1 if out.fit_page else False
            ps.PrintTitleRows = f"${out.repeat_rows[0]}:${out.repeat_rows[1]}" if out.repeat_rows else ""
            if out.print_area:
                r1, c1, r2, c2 = out.print_area
                ps.PrintArea = f"${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
            else:
                ps.PrintArea = ""
        finally:
            app.PrintCommunication = True
        sheet.api.ResetAllPageBreaks()
        for r in out.row_breaks:  # a new page starts after row r
            sheet.api.HPageBreaks.Add(Before=sheet.range((r + 1, 1)).api)

    @staticmethod
    def _charts(sheet: Any, out: OutputSheet) -> None:
        """Excel's own charts over the data cells just written: a chart the add-in drew before
        (named crm_…) is pointed at its cells again, a missing one is added, one no longer drawn
        is deleted; any other chart is the user's and is left alone. Sheet.clear() keeps charts."""
        have = {c.name: c for c in sheet.charts if c.name.startswith(CHART_PREFIX)}
        want = {c.name: c for c in out.charts if c.live}
        for name in have.keys() - want.keys():
            have[name].delete()
        for name, spec in want.items():
            kind, (r1, c1, r2, c2) = spec.live  # type: ignore[misc]
            chart = have.get(name)
            if chart is None:
                cell = sheet.range(spec.anchor)
                chart = sheet.charts.add(cell.left, cell.top, spec.size[0] * 0.75, spec.size[1] * 0.75)
                chart.name = name
            chart.chart_type = kind
            chart.set_source_data(sheet.range((r1, c1), (r2, c2)))

    @staticmethod
    def _structural(out: OutputSheet, r: int) -> bool:
        from ..writes import Styled

        row = out.rows[r]
        return any(isinstance(v, Styled) for v in row) and all(v is None or isinstance(v, Styled) for v in row)

    @staticmethod
    def _style(rng: Any, spec: StyleSpec) -> None:
        if spec.num_fmt:
            rng.number_format = spec.num_fmt
        if spec.fill:
            rng.color = _rgb(spec.fill)
        if spec.bold:
            rng.font.bold = True
        if spec.italic:
            rng.font.italic = True
        if spec.size:
            rng.font.size = spec.size
        if spec.color:
            rng.font.color = _rgb(spec.color)

    def set_highlights(self, name: str, cells: dict[str, list[tuple[int, int]]]) -> None:
        """The add-in's marked conditional formats, as in the file engine (Windows COM only)."""
        if not self.highlights:
            return
        sheet = self.book.sheets[name]
        conditions = sheet.api.Cells.FormatConditions
        for i in range(conditions.Count, 0, -1):
            fc = conditions.Item(i)
            try:  # a colour scale or data bar has no Formula1: it is a user's rule
                formula = str(fc.Formula1)
            except Exception:  # COM raises its own errors for a property the rule type lacks
                continue
            # the add-in's rules, this kind or the file engine's ISTEXT("crm:validation:…") as
            # Excel shows it in any language: the marker is a string literal, never translated
            if HIGHLIGHT_MARKER in formula:
                fc.Delete()
        for severity, where in cells.items():
            for address in _addresses(cell_runs(where)):
                fc = sheet.range(address).api.FormatConditions.Add(Type=XL_EXPRESSION,
                                                                   Formula1=neutral_formula(severity))
                fc.Interior.Color = _bgr_int(HIGHLIGHT_FILLS[severity])

    def finish_sheet(self, name: str) -> None:
        """Nothing to release: the writes went straight to Excel."""

    def save(self) -> None:
        """Nothing to do: the user saves the open workbook."""


def _consecutive(items: list[Any], pos: Callable[[Any], int]) -> list[list[Any]]:
    """Split ``items`` (ordered by ``pos``) into runs whose positions follow on: 3,4,5 | 8."""
    runs: list[list[Any]] = []
    for x in items:
        if runs and pos(runs[-1][-1]) + 1 == pos(x):
            runs[-1].append(x)
        else:
            runs.append([x])
    return runs


def _addresses(refs: list[str]) -> list[str]:
    """Multi-area addresses within Excel's length limit."""
    out: list[str] = []
    cur = ""
    for ref in refs:
        if cur and len(cur) + 1 + len(ref) > MAX_ADDRESS:
            out.append(cur)
            cur = ""
        cur = f"{cur},{ref}" if cur else ref
    if cur:
        out.append(cur)
    return out


__all__ = ["LiveBook", "col_letter"]
