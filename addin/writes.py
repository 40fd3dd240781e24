"""What the add-in writes, whichever engine writes it: styled values, the named styles, output
sheets regenerated whole, computed column blocks and appended rows.

Sheet builders and steps produce these plain records; the headless (xlsx file) and live
(xlwings) engines each know how to apply them in bulk.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field, replace
from itertools import repeat, zip_longest
from typing import Any

from sheets_schema import Kind


@dataclass(frozen=True)
class Styled:
    """A cell value with a named style from :data:`STYLES`."""

    value: Any
    style: str


@dataclass(frozen=True)
class StyleSpec:
    bold: bool = False
    italic: bool = False
    size: float | None = None
    color: str | None = None  # font colour, RRGGBB
    fill: str | None = None  # solid fill, RRGGBB
    border: str | None = None  # "all" (thin box) or "top" / "bottom"
    num_fmt: str | None = None
    align: str | None = None  # horizontal: left / center / right
    valign: str | None = None
    wrap: bool = False


HEADER_FILL = "DDEBF7"
INPUT_FILL = "FFF2CC"  # cells a rep fills in an output sheet
COMPUTED_FILL = "E7E6E6"
HIGHLIGHT_FILLS = {"error": "FFC7CE", "warning": "FFEB9C"}

NUM_FMT = {
    Kind.MONEY: "#,##0.00",
    Kind.DATE: "yyyy-mm-dd",
    Kind.PERCENT: "0.0%",
    Kind.INT: "0",
    Kind.NUMBER: "0.00",
}


def _kind_styles(prefix: str, **base: Any) -> dict[str, StyleSpec]:
    out = {f"{prefix}text": StyleSpec(**base)}
    for kind, fmt in NUM_FMT.items():
        out[f"{prefix}{kind.value}"] = StyleSpec(num_fmt=fmt, **base)
    return out


STYLES: dict[str, StyleSpec] = {
    "header": StyleSpec(bold=True, fill=HEADER_FILL, border="all", align="center", valign="center", wrap=True),
    "header_computed": StyleSpec(bold=True, fill=COMPUTED_FILL, border="all", align="center",
                                 valign="center", wrap=True),
    "title": StyleSpec(bold=True, size=16, align="center", valign="center"),
    "subtitle": StyleSpec(italic=True, color="595959"),
    "section": StyleSpec(bold=True, fill=HEADER_FILL, border="all"),
    "label": StyleSpec(bold=True, border="all", valign="center", wrap=True),
    "note": StyleSpec(italic=True, wrap=True, valign="top"),
    # customer-facing pages (statement, letters): letterhead, document title, paragraphs, reply slip
    "letterhead": StyleSpec(bold=True, size=18, align="center", valign="center"),
    "letterhead_sub": StyleSpec(size=9, color="404040", align="center", valign="center", border="bottom", wrap=True),
    "doc_title": StyleSpec(bold=True, size=15, align="center", valign="center"),
    "para": StyleSpec(wrap=True, valign="top"),
    "para_bold": StyleSpec(bold=True, wrap=True, valign="top"),
    "small": StyleSpec(size=9, color="595959", wrap=True, valign="top"),
    "cut": StyleSpec(size=9, color="808080", align="center", valign="bottom", border="bottom"),
    "sign": StyleSpec(valign="bottom", border="bottom"),
    "box_para": StyleSpec(border="all", wrap=True, valign="center"),
    "error": StyleSpec(bold=True, color="C00000"),
    "decision": StyleSpec(bold=True, color="C00000", border="all", wrap=True, valign="center"),
    "warning": StyleSpec(color="9C5700"),
    "kpi_label": StyleSpec(bold=True, fill=HEADER_FILL, border="all", align="center", valign="center", wrap=True),
    **_kind_styles("kpi_", bold=True, size=14, border="all", align="center", valign="center"),
    **_kind_styles(""),
    **_kind_styles("box_", border="all", valign="center"),
    **_kind_styles("total_", bold=True, border="top"),
    **_kind_styles("computed_", fill=COMPUTED_FILL),
    **_kind_styles("input_", fill=INPUT_FILL, border="all"),
}


def kind_style(kind: Kind, prefix: str = "") -> str:
    return f"{prefix}{kind.value}" if kind in NUM_FMT else f"{prefix}text"


Area = tuple[int, int, int, int]  # r1, c1, r2, c2 (1-based, inclusive)


@dataclass(frozen=True)
class Series:
    """One data series of a chart: its name and the cells of its categories and values, on the
    chart's own sheet."""

    name: str
    categories: Area
    values: Area
    kind: str | None = None  # None: the chart's kind; "line" draws it as a line over the columns
    secondary: bool = False  # on a second value axis (the Pareto's cumulative share)
    color: str | None = None  # RRGGBB


@dataclass(frozen=True)
class Chart:
    """A native chart over cells of its output sheet, drawn by the engine (file: XlsxWriter's chart
    XML grafted into the package; live: Excel's own chart objects)."""

    key: str  # named crm_<key> in the workbook: how a refresh knows its own charts
    kind: str  # column / bar / line
    title: str
    series: tuple[Series, ...]
    anchor: tuple[int, int]  # top-left cell (1-based row, column)
    size: tuple[int, int] = (480, 288)  # width, height in pixels
    percent_axis: bool = False  # the (primary) value axis shows percentages
    reverse_categories: bool = False  # a bar chart listing its first category at the top
    category_format: str | None = None  # number format of numeric or date categories
    #: what the live engine draws (xlwings chart type, source cells with the header row): Excel's
    #: own chart over a plain block, since combined charts need more than the open-source API
    live: tuple[str, Area] | None = None

    @property
    def name(self) -> str:
        return CHART_PREFIX + self.key


#: the name every chart the add-in draws carries; any other chart is a user's
CHART_PREFIX = "crm_"


@dataclass
class OutputSheet:
    """An output sheet, regenerated whole."""

    key: str  # sheet spec key
    name: str  # tab name
    rows: list[list[Any]]  # plain values (styled by column) or Styled
    widths: list[float] = field(default_factory=list)
    column_styles: list[str] = field(default_factory=list)  # style of plain values, per column
    freeze_rows: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2 (1-based)
    row_heights: dict[int, float] = field(default_factory=dict)  # 1-based row → points
    landscape: bool = False
    fit_width: bool = True
    paper_a4: bool = True
    fit_page: bool = False  # one page tall as well as wide
    print_area: Area | None = None
    #: rows printed again at the top of every page (first, last; 1-based): the title and header
    repeat_rows: tuple[int, int] | None = None
    paper_a3: bool = False  # a wide report whose columns would print too small on A4
    hidden: bool = False
    charts: list[Chart] = field(default_factory=list)
    #: drop-down lists on input cells: (area, choices); any other value is still accepted (a
    #: choice list, not a rule: Excel shows an information alert and keeps what was typed)
    lists: list[tuple[Area, tuple[str, ...]]] = field(default_factory=list)
    #: manual page breaks: a new printed page starts after each of these rows (1-based)
    row_breaks: list[int] = field(default_factory=list)
    #: print at this percentage instead of fitting to the page width (Excel ignores manual page
    #: breaks on a sheet printed "fit to"); None: fit_width decides
    print_scale: int | None = None

    def cell(self, r: int, c: int) -> tuple[Any, str]:
        """(value, style name) of a 0-based cell."""
        v = self.rows[r][c]
        if isinstance(v, Styled):
            return v.value, v.style
        style = self.column_styles[c] if c < len(self.column_styles) else "text"
        return v, style


@dataclass(frozen=True)
class ColumnBlock:
    """Values of one computed column from ``first_row`` down (None clears a cell)."""

    col: int  # 1-based column index
    first_row: int
    values: list[Any]
    kind: Kind
    header: str | None = None  # set when the column is new: written at ``header_row``
    header_row: int | None = None
    note: str | None = None


@dataclass(frozen=True)
class AppendRows:
    """Rows appended below the last row of an input sheet (the harvest into 联系记录)."""

    first_row: int
    columns: list[int]  # 1-based column index of each value
    kinds: list[Kind]
    rows: list[list[Any]]
    #: headers of declared columns the sheet lacked, added after its last used column (1-based
    #: column → header text), written at ``header_row`` in the input header style
    headers: dict[int, str] = field(default_factory=dict)
    header_row: int | None = None


def _shown(v: Any, fmt: str | None) -> int:
    """How many characters a number or date shows in a format (a digit's width each)."""
    if isinstance(v, (dt.date, dt.datetime)):
        return 10
    if fmt == "#,##0.00":
        return len(f"{v:,.2f}")
    if fmt == "0.0%":
        return len(f"{v * 100:.1f}%")
    if fmt == "0":
        return len(f"{v:.0f}")
    if fmt == "0.00":
        return len(f"{v:.2f}")
    return min(len(f"{v:.10g}"), 11)  # General: at most 11 characters


def text_width(text: str) -> int:
    """Width of a text in digit widths: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: characters a column holds beyond its widest value: Excel's cell padding, and LibreOffice's
#: substitute fonts whose digits are a little wider than the workbook's own
WIDTH_PAD = 2.5


def _widest(values: list[Any], spec: StyleSpec | None) -> int:
    """The most characters any of ``values`` (numbers of one type) shows in ``spec``'s format: the
    largest :func:`_shown` of them. In a fixed-decimals format the length only grows with the
    magnitude (a minus sign adds one, also to -0.0), so only the largest, the smallest and a
    negative zero are formatted; "General" and a column holding NaN or infinity format each."""
    fmt = spec.num_fmt if spec else None
    form = _FIXED.get(fmt)  # type: ignore[arg-type]
    if form is None:
        return max(_shown(v, fmt) for v in values)
    if values[0].__class__ is not int and not math.isfinite(sum(values)):
        return max(_shown(v, fmt) for v in values)
    hi, lo = max(values), min(values)
    picks = [hi, lo]
    if lo == 0 and min(map(math.copysign, repeat(1.0), values)) < 0:  # no negatives: a sign is a -0.0
        picks.append(-0.0)
    return max(len(form(v)) for v in picks)


_FIXED = {"#,##0.00": "{:,.2f}".format, "0.0%": lambda v: f"{v * 100:.1f}%", "0": "{:.0f}".format,
          "0.00": "{:.2f}".format}


def _measure_styled(cell: Styled, c: int, plain: list[StyleSpec | None], need: dict[int, float]) -> None:
    """A Styled cell's width into ``need`` (its own style; a number in an unknown style takes the
    column's)."""
    spec, v = STYLES.get(cell.style), cell.value
    if v is None or isinstance(v, bool) or not isinstance(v, (str, int, float, dt.date)):
        return
    if isinstance(v, str):  # text is measured in totals only ("超额度 50 户"): a label, not data
        if spec is None or spec.num_fmt is not None or not spec.bold or spec.border != "top":
            return
        width = math.ceil(text_width(v) * 1.1) + WIDTH_PAD
    else:
        if spec is None:
            spec = plain[c] if c < len(plain) else None
        n = _shown(v, spec.num_fmt if spec else None)
        scale = (1.1 if spec is not None and spec.bold else 1.0) * ((spec.size or 11) / 11 if spec else 1.0)
        width = math.ceil(n * scale) + WIDTH_PAD
    if width > need.get(c, 0):
        need[c] = width


def fit_widths(sheet: OutputSheet) -> OutputSheet:
    """``sheet`` with every column at least as wide as its widest number or date as formatted
    (bold and larger type counted), so no total ever shows "###". Text is not measured: it runs
    into the next cell or is cut, never "###". A cell merged across columns is left out.
    A column header (in the sheet's first rows) wraps: its column is at least as wide as its
    longest word, and its row as tall as its lines (:func:`wrapped_lines`), so it never spills over
    the title above it. A landscape sheet fitted to its width whose printed columns are wider than A4 prints readably
    (:data:`A4_LANDSCAPE_CHARS`) is set on A3."""
    merged: dict[int, set[int]] = {}  # 0-based column → rows of cells merged across columns
    for r1, c1, r2, c2 in sheet.merges:
        if c2 > c1:
            for c in range(c1, c2 + 1):
                merged.setdefault(c - 1, set()).update(range(r1, r2 + 1))
    need: dict[int, float] = {}
    plain = [STYLES.get(x) for x in sheet.column_styles]
    # column by column: the plain numbers of a column share its format, so only their widest
    # formatted length is needed (one C-level pass); a Styled cell is measured on its own
    for c, col in enumerate(zip_longest(*sheet.rows)):
        skip = merged.get(c)
        if skip:
            col = list(col)  # type: ignore[assignment]
            for r in skip:
                if r <= len(col):
                    col[r - 1] = None  # type: ignore[index]
        kinds = set(map(type, col))
        n = -1
        for k in kinds:
            if issubclass(k, Styled):
                for v in [v for v in col if v.__class__ is k]:
                    _measure_styled(v, c, plain, need)
            elif issubclass(k, bool):
                continue
            elif issubclass(k, dt.date):
                n = max(n, 10)
            elif issubclass(k, (int, float)):
                n = max(n, _widest([v for v in col if v.__class__ is k], plain[c] if c < len(plain) else None))
        if n >= 0:
            spec = plain[c] if c < len(plain) else None
            scale = (1.1 if spec is not None and spec.bold else 1.0) * ((spec.size or 11) / 11 if spec else 1.0)
            width = math.ceil(n * scale) + WIDTH_PAD
            if width > need.get(c, 0):
                need[c] = width
    wrapped = _wrapped_cells(sheet, merged)
    for _, c, text, scale in wrapped:  # a word of a wrapped header is never broken inside
        longest = max((text_width(w) for w in _words(text) if len(w.strip()) > 1), default=0)
        if longest:
            width = math.ceil(longest * scale) + HEADER_PAD
            if width > need.get(c, 0):
                need[c] = width
    widths = list(sheet.widths)
    if need:
        widths += [8.43] * (max(need) + 1 - len(widths))
        for c, wanted in need.items():
            widths[c] = max(widths[c], wanted)
    heights = dict(sheet.row_heights)
    for r, c, text, scale in wrapped:  # and its row is as tall as its lines
        width = widths[c] if c < len(widths) else 8.43
        height = wrapped_lines(text, width, scale) * LINE_HEIGHT * scale / BOLD_TEXT
        if height > LINE_HEIGHT and height > heights.get(r, 0):
            heights[r] = height
    first, last = (sheet.print_area[1], sheet.print_area[3]) if sheet.print_area else (1, len(widths))
    a3 = (sheet.landscape and sheet.fit_width and not sheet.fit_page and not sheet.print_scale
          and sum(widths[first - 1:last]) > A4_LANDSCAPE_CHARS)
    if widths == list(sheet.widths) and a3 == sheet.paper_a3 and heights == sheet.row_heights:
        return sheet
    return replace(sheet, widths=widths, paper_a3=a3 or sheet.paper_a3, row_heights=heights)


#: points per line of 11-point text (Excel's default row height); a header's cell padding in
#: characters; how much wider bold text runs (Calibri's bold digits are as wide as its regular ones,
#: its letters a little wider)
LINE_HEIGHT = 15.0
HEADER_PAD = 1.5
BOLD_TEXT = 1.05
#: the rows where headers are looked for: an output sheet's headers are in its first rows; the
#: styles that are a table's column headers (a form's labels and paragraphs have their own heights)
HEADER_ROWS = 10
HEADER_STYLES = frozenset(("header", "header_computed"))
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_WORD = re.compile(f"\\s*(?:[{_CJK}]|[^\\s{_CJK}]+)")


def _words(text: str) -> list[str]:
    """Where a line may break: between words, and between any two Chinese characters; each word
    with the spaces before it."""
    return _WORD.findall(text)


def wrapped_lines(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` characters wide (``scale``: bold
    and larger type), breaking as Excel and LibreOffice do — at spaces, and between Chinese
    characters; a word wider than the cell is broken inside."""
    lines = 0
    for line in text.split("\n"):  # each line of the text starts a line of the cell
        lines, used = lines + 1, 0.0
        for word in _words(line):
            w = text_width(word) * scale
            if used and used + w > width:
                lines += 1
                w = text_width(word.lstrip()) * scale
                used = 0.0
            while w > width:
                lines += 1
                w -= width
            used += w
    return lines


def _wrapped_cells(sheet: OutputSheet, merged: dict[int, set[int]]) -> list[tuple[int, int, str, float]]:
    """(1-based row, 0-based column, text, scale) of the column headers in the sheet's first rows,
    cells merged across columns left out."""
    out = []
    for r, row in enumerate(sheet.rows[:HEADER_ROWS], start=1):
        for c, v in enumerate(row):
            if v.__class__ is not Styled or not isinstance(v.value, str) or r in merged.get(c, ()):
                continue
            spec = STYLES.get(v.style)
            if v.style in HEADER_STYLES and spec is not None and spec.wrap:
                out.append((r, c, v.value, (BOLD_TEXT if spec.bold else 1.0) * ((spec.size or 11) / 11)))
    return out


#: the widest landscape sheet (in characters of the default font) A4 prints fitted to its width at
#: 7 pt or more (271 mm between 0.5" margins ≈ 1,027 px at 96 dpi; 11 pt × 1,027 / (7 px × 230) ≈ 7.0
#: pt); a wider one goes on A3 (≈ 10 pt at the same width)
A4_LANDSCAPE_CHARS = 230

