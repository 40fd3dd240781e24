"""Build a CRM workbook from the schema: styled headers, notes, dropdowns, formats.

Used by scripts/build_workbook.py (the shipped template, with a small sample),
`crm new` (blank) and `crm demo` (generated data). XlsxWriter writes
reproducibly: two builds of the same content are byte-identical.
"""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import xlsxwriter

import sheets_schema as S
from sheets_schema import Column, Kind, Lang, SheetSpec
from sheets_schema.settings import DAY_KIND, HOLIDAY_HEADER, PARAMS

from ..cells import sheet_ref
from ..i18n import word
from ..io import marks
from ..writes import COMPUTED_FILL, HEADER_FILL, NUM_FMT
from . import xlwings_conf

FIXED_TIME = dt.datetime(2026, 1, 1)
#: the tabs in the order of the sheet registry (sheets_schema.SHEETS)
SHEET_ORDER = tuple(spec.key for spec in S.SHEETS)
FONT = {"zh": "等线", "en": "Calibri"}
DV_ROWS = 5000  # dropdowns cover at least this many rows


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        base = {"valign": "vcenter"}
        self.header = wb.add_format({**base, "bold": True, "bg_color": "#" + HEADER_FILL, "border": 1,
                                     "align": "center", "text_wrap": True})
        self.header_computed = wb.add_format({**base, "bold": True, "bg_color": "#" + COMPUTED_FILL,
                                              "border": 1, "align": "center", "text_wrap": True})
        self.title = wb.add_format({"bold": True, "font_size": 16})
        self.note = wb.add_format({"italic": True, "font_color": "#595959", "text_wrap": True})
        self.kind = {k: wb.add_format({"num_format": f}) for k, f in NUM_FMT.items()}
        self.text = wb.add_format({})
        self.computed = {k: wb.add_format({"num_format": f, "bg_color": "#" + COMPUTED_FILL})
                         for k, f in NUM_FMT.items()}
        self.computed_text = wb.add_format({"bg_color": "#" + COMPUTED_FILL})
        self.pct0 = wb.add_format({"num_format": "0%"})

    def data(self, column: Column):
        if column.computed:
            return self.computed.get(column.kind, self.computed_text)
        return self.kind.get(column.kind, self.text)


def _cell_value(column: Column, value: Any, lang: Lang) -> Any:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if column.kind in (Kind.CHOICE, Kind.BOOL) and isinstance(value, str):
        for c in column.choices:
            if c.key == value:
                return c.label(lang)
    return value


def _write(ws, r: int, c: int, column: Column, value: Any, fmt) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime | dt.date) and not isinstance(value, str):
        ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()) if not isinstance(value, dt.datetime)
                          else value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmt)
    else:
        ws.write_string(r, c, str(value), fmt)


def _header(ws, fmts: Formats, spec: SheetSpec, lang: Lang, columns: tuple[Column, ...] | None = None) -> None:
    columns = columns or spec.columns
    ws.set_row(0, 30)
    for c, column in enumerate(columns):
        ws.write_string(0, c, column.header(lang), fmts.header_computed if column.computed else fmts.header)
        if column.note(lang):
            ws.write_comment(0, c, column.note(lang), {"author": "CRM", "x_scale": 1.6, "y_scale": 0.6})
    ws.freeze_panes(1, 0)


def _input_sheet(wb, fmts: Formats, spec: SheetSpec, lang: Lang, rows: list[dict[str, Any]]) -> None:
    ws = wb.add_worksheet(spec.name(lang))
    _header(ws, fmts, spec, lang)
    last = max(DV_ROWS, len(rows) + 1000)
    for c, column in enumerate(spec.columns):
        ws.set_column(c, c, column.width, fmts.data(column))
        if column.choices and not column.computed:
            ws.data_validation(1, c, last, c, {
                "validate": "list", "source": column.choice_labels(lang), "error_type": "warning",
                "error_title": column.header(lang),
                "error_message": word(lang, "请从下拉列表中选择", "Please pick from the list"),
            })
    for r, record in enumerate(rows, start=1):
        for c, column in enumerate(spec.columns):
            _write(ws, r, c, column, _cell_value(column, record.get(column.key), lang), fmts.data(column))
    ws.autofilter(0, 0, max(len(rows), 1), len(spec.columns) - 1)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)


def _settings_sheet(wb, fmts: Formats, lang: Lang, overrides: dict[str, Any]) -> None:
    spec = S.SETTINGS
    ws = wb.add_worksheet(spec.name(lang))
    _header(ws, fmts, spec, lang)
    for c, column in enumerate(spec.columns):
        ws.set_column(c, c, column.width)
    for r, param in enumerate(PARAMS, start=1):
        ws.write_string(r, 0, param.label(lang))
        value: Any = overrides.get(param.key, param.default)
        fmt = fmts.kind.get(param.kind, fmts.text)
        if param.kind == Kind.CHOICE:
            labels = [c.label(lang) for c in param.choices]
            value = next(c.label(lang) for c in param.choices if c.key == value)
            ws.data_validation(r, 1, r, 1, {"validate": "list", "source": labels})
        if param.kind == Kind.PERCENT:
            fmt = fmts.pct0
        if value is not None:
            _write(ws, r, 1, S.SETTINGS.col("value"), value, fmt)
        ws.write_string(r, 2, param.note(lang), fmts.note)
    # the 节假日 table: a date per row and 放假 / 上班, overriding the official calendar
    r = len(PARAMS) + 2
    head = HOLIDAY_HEADER[0] if lang == "zh" else HOLIDAY_HEADER[2]
    ws.write_string(r, 0, head, fmts.header)
    ws.write_string(r, 1, "放假 / 上班" if lang == "zh" else "Day off / Working day", fmts.header)
    ws.write_string(r, 2, "在下方逐行填日期和放假或上班：公司自定的休息日、官方日历未收录年份的节假日与调休上班日"
                    if lang == "zh" else "One date per row below, with Day off or Working day: company days off, "
                    "and the holidays and make-up working days of years the official calendar does not cover",
                    fmts.note)
    kinds = [c.label(lang) for c in DAY_KIND]
    ws.data_validation(r + 1, 1, r + 200, 1, {"validate": "list", "source": kinds})
    ws.data_validation(r + 1, 0, r + 200, 0, {"validate": "date", "criteria": ">", "value": dt.date(2000, 1, 1),
                                              "ignore_blank": True})


#: the rows (0-based, first and last) an output sheet repeats on every printed page, as its builder
#: sets them (addin/sheets: repeat_rows), so the first run need not add them to workbook.xml
PRINT_TITLES = {"validation": (0, 0), "changelog": (0, 0), "calls": (0, 1), "aging": (0, 1)}


def _output_sheet(wb, fmts: Formats, spec: SheetSpec, lang: Lang) -> None:
    ws = wb.add_worksheet(spec.name(lang))
    if spec.key in PRINT_TITLES:
        ws.repeat_rows(*PRINT_TITLES[spec.key])
    # the mark that makes it the add-in's own sheet (addin.io.marks), hidden like Excel's own names
    wb.define_name(marks.PREFIX + spec.key, "=" + sheet_ref(spec.name(lang), "$A$1"))
    wb.defined_names[-1][3] = True  # XlsxWriter's [name, sheet, formula, hidden]; no API for hidden
    if spec.key == "credit_form":
        ws.write_string(0, 0, word(lang, "客户授信申请表", "Credit Application"), fmts.title)
        ws.write_string(2, 0, word(lang, "选中客户所在行后点击“填写授信申请”，或运行 crm credit-form。",
                                   "Select a customer's row and click Credit Form, or run crm credit-form."), fmts.note)
        ws.set_column(0, 0, 60)
        return
    if spec.key == "statement":
        ws.write_string(0, 0, word(lang, "客户对账单", "Statement of account"), fmts.title)
        ws.write_string(2, 0, word(lang, "运行 crm statement 工作簿 客户编号 填写一位客户的对账单。",
                                   "Run crm statement WORKBOOK CUSTOMER_ID to fill one customer's statement."),
                        fmts.note)
        ws.set_column(0, 0, 60)
        return
    if spec.key == "dashboard":
        ws.write_string(0, 0, word(lang, "销售看板", "Sales dashboard"), fmts.title)
        ws.write_string(2, 0, word(lang, "点击“刷新”或运行 crm refresh 生成看板。",
                                   "Click Refresh or run crm refresh to draw the dashboard."), fmts.note)
        return
    if spec.hidden:
        ws.hide()
    columns = spec.columns
    if spec.key == "aging":
        columns = S.aging_columns((30, 60, 90, 180, 365))
    _header(ws, fmts, spec, lang, columns)
    for c, column in enumerate(columns):
        ws.set_column(c, c, column.width, fmts.kind.get(column.kind, fmts.text))


def _conf_sheet(wb, lang: Lang, values: dict[str, str] | None) -> None:
    """xlwings.conf with python.org's install locations: a macro workbook clicks as shipped on a PC
    with Python from python.org (crm setup writes this PC's own Python there)."""
    ws = wb.add_worksheet(xlwings_conf.CONF_SHEET)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 70)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    for r, (key, value) in enumerate(xlwings_conf.rows(values or xlwings_conf.PYTHON_ORG, lang)):
        if value is None:  # the comment: across both columns, wrapped (A holds it, as xlwings reads)
            ws.set_row(r, 48)
            ws.merge_range(r, 0, r, 1, key, wb.add_format({"text_wrap": True, "valign": "top",
                                                            "font_color": "#595959"}))
            continue
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)


def code_name(n: int) -> str:
    """The VBA code name of the n-th sheet (ASCII, whatever the tab's language)."""
    return f"Sheet{n}"


def build(path: str | Path, *, lang: Lang = "zh", data: dict[str, list[dict[str, Any]]] | None = None,
          settings: dict[str, Any] | None = None, vba_project: bytes | None = None,
          interpreters: dict[str, str] | None = None) -> Path:
    """Write a workbook at ``path``; ``data`` maps sheet keys to rows keyed by column key."""
    path = Path(path)
    data = data or {}
    big = sum(len(v) for v in data.values()) > 20000
    wb = xlsxwriter.Workbook(str(path), {
        "constant_memory": big,
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "default_format_properties": {"font_name": FONT[lang], "font_size": 11},
    })
    wb.set_properties({"title": "CRM", "author": "crm-addin", "created": FIXED_TIME})
    wb.set_calc_mode("auto")
    fmts = Formats(wb)
    for n, key in enumerate(SHEET_ORDER, start=1):
        spec = S.BY_KEY[key]
        if key == "settings":
            _settings_sheet(wb, fmts, lang, settings or {})
        elif spec.output:
            _output_sheet(wb, fmts, spec, lang)
        else:
            _input_sheet(wb, fmts, spec, lang, data.get(key, []))
        if vba_project is not None:
            wb.worksheets()[-1].set_vba_name(code_name(n))
    if vba_project is not None:
        _conf_sheet(wb, lang, interpreters)
        wb.worksheets()[-1].set_vba_name(code_name(len(SHEET_ORDER) + 1))
        wb.add_vba_project(io.BytesIO(vba_project), is_stream=True)
        wb.set_vba_name("ThisWorkbook")
    wb.close()
    return path
