"""A fake of the xlwings objects the live adapter uses; it records every call.

Only the subset listed in docs/live-excel.md: Book.sheets / app / selection / fullname,
Sheets.add, Sheet.range / used_range / clear / visible / charts / api.Cells.FormatConditions,
Charts.add / [name] / iteration, Chart.name / chart_type / set_source_data / delete, Range.left / top,
Range.value / options / number_format / color / font / merge / column_width /
row_height / api.FormatConditions / api.Validation, Sheet.api.Cells.Validation / PageSetup /
HPageBreaks / ResetAllPageBreaks, App.alert / screen_updating / status_bar / api.International /
api.PrintCommunication.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from addin.cells import col_index, col_letter


class FakeFormula:
    """What Excel made of a string written to a General cell that starts with =, +, - or @: a formula
    (or a DDE call). Reading the cell gives this object, never the text that was written."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return f"FakeFormula({self.text!r})"


_NUMBER = re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?%?")
_DATE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")


def excel_input(text: str, number_format: str | None) -> Any:
    """What Excel stores when Range.Value is set to ``text`` (as if typed into the cell).

    In a cell formatted "@" (Text) the string is stored as it is, a leading apostrophe included.
    Otherwise Excel parses it: a leading apostrophe makes the rest text (the apostrophe is not part
    of the value); a number ("007", "0123456789", "1,234.5", "5%") becomes a number, leading zeros
    gone; an ISO date a date; TRUE / FALSE a boolean; a string starting with =, +, - or @ a formula."""
    if number_format == "@":
        return text
    if text.startswith("'"):
        return text[1:]
    s = text.strip()
    if _NUMBER.fullmatch(s) and any(ch.isdigit() for ch in s):
        value = float(s.rstrip("%").replace(",", ""))
        return value / 100 if s.endswith("%") else value
    m = _DATE.fullmatch(s)
    if m:
        try:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    if s.upper() in ("TRUE", "FALSE"):
        return s.upper() == "TRUE"
    if text[:1] in ("=", "+", "-", "@"):
        return FakeFormula(text)
    return text


def _cell(ref: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", ref)
    return int(m.group(2)), col_index(m.group(1))


class Log(list):
    def writes(self, sheet: str | None = None) -> list[tuple]:
        return [c for c in self if c[0] == "write" and (sheet is None or c[1] == sheet)]

    def calls(self, sheet: str | None = None) -> list[tuple]:
        return [c for c in self if sheet is None or c[1] == sheet]


class FakeFont:
    def __init__(self, rng: FakeRange) -> None:
        self._rng = rng

    def __setattr__(self, key: str, value: Any) -> None:
        if key.startswith("_"):
            return object.__setattr__(self, key, value)
        self._rng.sheet.log.append(("font", self._rng.sheet.name, self._rng.address, key, value))


class FakeCondition:
    def __init__(self, sheet: FakeSheet, address: str, formula: str) -> None:
        self.sheet, self.address, self.Formula1 = sheet, address, formula
        self.Interior = type("Interior", (), {})()

    def Delete(self) -> None:
        self.sheet.conditions.remove(self)
        self.sheet.log.append(("cf_delete", self.sheet.name, self.address))


class FakeComError(Exception):
    """pywintypes.com_error as Excel raises it for an argument it cannot use."""


_STRING = re.compile(r'"(?:[^"]|"")*"')


def check_neutral(formula: str) -> None:
    """Refuse Formula1 as a German Excel does for FormatConditions.Add, which parses it in the UI
    language: any function name (ISTEXT is ISTTEXT there), TRUE/FALSE (WAHR/FALSCH), a list
    separator ("," is ";"), a decimal point ("," there) or a reference (relative to the active cell)
    outside string literals. What stays is the same in every language: string literals, whole
    numbers, operators and parentheses."""
    if not formula.startswith("="):
        raise FakeComError(f"Formula1 must start with '=': {formula!r}")
    bare = _STRING.sub('""', formula[1:])
    if '"' in bare.replace('""', ""):
        raise FakeComError(f"unbalanced quotes in {formula!r}")
    bad = re.search(r"[A-Za-z_\u00c0-\uffff,;.\[\]!$]", bare.replace('""', ""))
    if bad:
        raise FakeComError(f"Ungültiger Prozeduraufruf oder ungültiges Argument: {formula!r} "
                           f"({bad.group(0)!r} reads differently in a German Excel)")


class FakeDatabar:
    """A user's data bar: a rule with no Formula1 (COM raises for the missing property)."""

    def __init__(self, sheet: FakeSheet) -> None:
        self.sheet = sheet

    @property
    def Formula1(self) -> str:
        raise AttributeError("<unknown>.Formula1")

    def Delete(self) -> None:
        self.sheet.conditions.remove(self)
        self.sheet.log.append(("cf_delete", self.sheet.name, "databar"))


class FakeConditions:
    def __init__(self, sheet: FakeSheet, address: str | None = None) -> None:
        self.sheet, self.address = sheet, address

    @property
    def Count(self) -> int:
        return len(self.sheet.conditions)

    def Item(self, i: int) -> FakeCondition:
        return self.sheet.conditions[i - 1]

    def Add(self, Type: int, Formula1: str) -> FakeCondition:
        check_neutral(Formula1)
        fc = FakeCondition(self.sheet, self.address or "", Formula1)
        self.sheet.conditions.append(fc)
        self.sheet.log.append(("cf_add", self.sheet.name, self.address, Formula1))
        return fc

    def AddDatabar(self) -> FakeDatabar:
        bar = FakeDatabar(self.sheet)
        self.sheet.conditions.append(bar)
        return bar


def _overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


class FakeValidation:
    """Range.Validation (COM) over ``area`` (None: every cell of the sheet). As Excel: Add fails on a
    cell that has a validation already (error 1004: Delete first); a list typed into Formula1 is
    split at the interface language's list separator and may not exceed 255 characters; Type,
    AlertStyle and Operator must be Excel's constants."""

    def __init__(self, sheet: FakeSheet, area: tuple[int, int, int, int] | None) -> None:
        object.__setattr__(self, "_sheet", sheet)
        object.__setattr__(self, "_area", area)

    def Add(self, Type: int, AlertStyle: int = 1, Operator: int = 1, Formula1: Any = None,
            Formula2: Any = None) -> None:
        sheet, area = self._sheet, self._area
        if area is None:
            raise FakeComError("Validation.Add on every cell of a sheet: not what the add-in does")
        if Type not in range(0, 8) or AlertStyle not in (1, 2, 3) or Operator not in range(1, 9):
            raise FakeComError(f"Validation.Add: bad constant (Type={Type}, AlertStyle={AlertStyle}, "
                               f"Operator={Operator})")
        if any(_overlap(area, v["area"]) for v in sheet.validations):
            raise FakeComError("Application-defined or object-defined error (1004): the cells have a validation")
        if Type == 3:
            if not isinstance(Formula1, str) or not Formula1:
                raise FakeComError("Validation.Add: a list needs Formula1")
            if len(Formula1) > 255:
                raise FakeComError(f"Validation.Add: Formula1 is {len(Formula1)} characters (at most 255)")
        choices = tuple(Formula1.split(sheet.book.list_separator)) if Type == 3 else ()
        sheet.validations.append({"area": area, "type": Type, "alert": AlertStyle, "operator": Operator,
                                  "formula1": Formula1, "choices": choices})
        sheet.log.append(("validation_add", sheet.name, area, Formula1))

    def Delete(self) -> None:
        sheet = self._sheet
        sheet.validations[:] = [v for v in sheet.validations
                                if self._area is not None and not _overlap(self._area, v["area"])]
        sheet.log.append(("validation_delete", sheet.name, self._area))

    def __setattr__(self, key: str, value: Any) -> None:
        if key not in ("IgnoreBlank", "InCellDropdown", "ShowError", "ShowInput", "ErrorMessage",
                       "InputMessage", "ErrorTitle", "InputTitle"):
            raise AttributeError(f"Validation has no property {key}")
        mine = [v for v in self._sheet.validations if v["area"] == self._area]
        if not mine:
            raise FakeComError(f"Validation.{key}: no validation on these cells (Add first)")
        mine[-1][key] = value


#: PageSetup properties the adapter may set, and what Excel accepts for each
_PAGE_SETUP = {
    "Orientation": lambda v: v in (1, 2),
    "PaperSize": lambda v: isinstance(v, int) and v > 0,
    "Zoom": lambda v: v is False or (isinstance(v, int) and 10 <= v <= 400),
    "FitToPagesWide": lambda v: v is False or (isinstance(v, int) and v >= 1),
    "FitToPagesTall": lambda v: v is False or (isinstance(v, int) and v >= 1),
    "PrintTitleRows": lambda v: v == "" or re.fullmatch(r"\$\d+:\$\d+", v) is not None,
    "PrintArea": lambda v: v == "" or re.fullmatch(r"\$[A-Z]+\$\d+:\$[A-Z]+\$\d+", v) is not None,
    "CenterHorizontally": lambda v: isinstance(v, bool),
    **{m: lambda v: isinstance(v, (int, float)) and v >= 0 for m in (
        "LeftMargin", "RightMargin", "TopMargin", "BottomMargin", "HeaderMargin", "FooterMargin")},
}


class FakePageSetup:
    def __init__(self, sheet: FakeSheet) -> None:
        object.__setattr__(self, "_sheet", sheet)

    def __getattr__(self, key: str) -> Any:
        return self._sheet.page_setup.get(key)

    def __setattr__(self, key: str, value: Any) -> None:
        check = _PAGE_SETUP.get(key)
        if check is None:
            raise AttributeError(f"PageSetup has no property {key}")
        if not check(value):
            raise FakeComError(f"Unable to set the {key} property of the PageSetup class: {value!r}")
        self._sheet.page_setup[key] = value
        self._sheet.log.append(("page_setup", self._sheet.name, key, value))


class FakePageBreaks:
    def __init__(self, sheet: FakeSheet) -> None:
        self.sheet = sheet

    def Add(self, Before: Any) -> None:
        row = getattr(Before, "Row", None)
        if not isinstance(row, int) or row < 2:
            raise FakeComError(f"HPageBreaks.Add needs a Range below row 1, got {Before!r}")
        self.sheet.row_breaks.append(row - 1)  # the page breaks after the row above
        self.sheet.log.append(("page_break", self.sheet.name, row))

    @property
    def Count(self) -> int:
        return len(self.sheet.row_breaks)


class FakeRange:
    def __init__(self, sheet: FakeSheet, r1: int, c1: int, r2: int, c2: int, address: str | None = None) -> None:
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.address = address or f"{col_letter(c1)}{r1}:{col_letter(c2)}{r2}"

    @property
    def row(self) -> int:
        return self.r1

    @property
    def column(self) -> int:
        return self.c1

    @property
    def last_cell(self) -> FakeRange:
        return FakeRange(self.sheet, self.r2, self.c2, self.r2, self.c2)

    def options(self, **kw: Any) -> FakeRange:
        return self

    @property
    def value(self) -> list[list[Any]]:
        self.sheet.log.append(("read", self.sheet.name, self.address))
        return [[self.sheet.cells.get((r, c)) for c in range(self.c1, self.c2 + 1)]
                for r in range(self.r1, self.r2 + 1)]

    @value.setter
    def value(self, rows: Any) -> None:
        if not isinstance(rows, list):
            rows = [[rows]]
        assert len(rows) == self.r2 - self.r1 + 1, (self.address, len(rows))
        self.sheet.log.append(("write", self.sheet.name, self.address, len(rows), len(rows[0]) if rows else 0))
        for i, row in enumerate(rows):
            assert len(row) == self.c2 - self.c1 + 1, (self.address, row)
            for j, v in enumerate(row):
                if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                    raise TypeError("xlwings writes datetime, the adapter must convert dates")
                if isinstance(v, str) and len(v) > 32767:
                    raise ValueError("Excel refuses a cell text over 32,767 characters")
                key = (self.r1 + i, self.c1 + j)
                if isinstance(v, str):
                    v = excel_input(v, self.sheet.formats.get(key))
                    if isinstance(v, FakeFormula):
                        self.sheet.log.append(("formula", self.sheet.name, f"{col_letter(key[1])}{key[0]}", v.text))
                if v is None or v == "":
                    self.sheet.cells.pop(key, None)
                else:
                    self.sheet.cells[key] = v
                self.sheet.written.add(key)

    def _fmt(self, what: str, value: Any) -> None:
        self.sheet.log.append((what, self.sheet.name, self.address, value))

    @property
    def number_format(self) -> str | None:
        found = {self.sheet.formats.get((r, c), "General") for r in range(self.r1, self.r2 + 1)
                 for c in range(self.c1, self.c2 + 1)}
        return found.pop() if len(found) == 1 else None  # mixed formats: None, as xlwings gives

    @number_format.setter
    def number_format(self, value: str) -> None:
        self._fmt("number_format", value)
        for r in range(self.r1, self.r2 + 1):
            for c in range(self.c1, self.c2 + 1):
                self.sheet.formats[(r, c)] = value

    color = property(lambda self: None, lambda self, v: self._fmt("color", v))
    column_width = property(lambda self: None, lambda self, v: self._fmt("column_width", v))
    row_height = property(lambda self: None, lambda self, v: self._fmt("row_height", v))

    @property
    def font(self) -> FakeFont:
        return FakeFont(self)

    def merge(self) -> None:
        self._fmt("merge", None)

    @property
    def left(self) -> float:
        return 48.0 * (self.c1 - 1)

    @property
    def top(self) -> float:
        return 15.0 * (self.r1 - 1)

    def select(self) -> None:
        if self.sheet.book.active is not self.sheet:
            raise RuntimeError("Range.select: the sheet must be active (Excel error 1004)")
        self.sheet.book.selection = self

    @property
    def api(self) -> Any:
        if self.sheet.book.mac:
            raise AttributeError("'AppscriptRange' object has no attribute 'FormatConditions'")
        return type("RangeApi", (), {"FormatConditions": FakeConditions(self.sheet, self.address),
                                     "Validation": FakeValidation(self.sheet, (self.r1, self.c1, self.r2, self.c2)),
                                     "Row": self.r1})()


class FakeChart:
    def __init__(self, sheet: FakeSheet, n: int) -> None:
        self.sheet, self.name, self.chart_type, self.source = sheet, f"Chart {n}", None, None

    def set_source_data(self, rng: FakeRange) -> None:
        self.source = rng.address
        self.sheet.log.append(("chart_source", self.sheet.name, self.name, rng.address))

    def delete(self) -> None:
        self.sheet.charts.items.remove(self)
        self.sheet.log.append(("chart_delete", self.sheet.name, self.name))


class FakeCharts:
    def __init__(self, sheet: FakeSheet) -> None:
        self.sheet, self.items, self.made = sheet, [], 0

    def __iter__(self):
        return iter(list(self.items))

    def __getitem__(self, name: str) -> FakeChart:
        return next(c for c in self.items if c.name == name)

    def add(self, left: float = 0, top: float = 0, width: float = 355, height: float = 211) -> FakeChart:
        self.made += 1
        chart = FakeChart(self.sheet, self.made)
        self.items.append(chart)
        self.sheet.log.append(("chart_add", self.sheet.name, left, top, width, height))
        return chart


class FakeSheet:
    def __init__(self, book: FakeBook, name: str, grid: list[list[Any]] | None = None) -> None:
        self.book, self.name, self.log = book, name, book.log
        self.charts = FakeCharts(self)
        self.visible = True
        self.cells: dict[tuple[int, int], Any] = {}
        self.formats: dict[tuple[int, int], str] = {}  # number formats set through the API (else General)
        self.written: set[tuple[int, int]] = set()
        self.conditions: list[FakeCondition] = []
        self.validations: list[dict[str, Any]] = []  # kept by clear(), as the strictest reading of Excel
        self.page_setup: dict[str, Any] = {}
        self.row_breaks: list[int] = []
        for r, row in enumerate(grid or [], start=1):
            for c, v in enumerate(row, start=1):
                if v not in (None, ""):
                    if isinstance(v, dt.date) and not isinstance(v, dt.datetime):
                        v = dt.datetime(v.year, v.month, v.day)
                    self.cells[(r, c)] = v

    def range(self, a: Any, b: Any = None) -> FakeRange:
        if isinstance(a, str):
            areas = a.split(",")
            r1, c1 = _cell(areas[0].split(":")[0])
            return FakeRange(self, r1, c1, r1, c1, address=a)
        r1, c1 = a
        r2, c2 = b if b is not None else a
        return FakeRange(self, r1, c1, r2, c2)

    @property
    def used_range(self) -> FakeRange:
        if not self.cells:
            return FakeRange(self, 1, 1, 1, 1)
        return FakeRange(self, 1, 1, max(r for r, _ in self.cells), max(c for _, c in self.cells))

    def activate(self) -> None:
        self.book.active = self

    def clear(self) -> None:  # as Excel's Sheet.clear: contents and formats, never charts
        self.log.append(("clear", self.name))
        self.cells.clear()
        self.formats.clear()

    @property
    def api(self) -> Any:
        if self.book.mac:  # appscript's sheet object: no COM Cells / FormatConditions
            raise AttributeError("'AppscriptSheet' object has no attribute 'Cells'")
        cells = type("Cells", (), {"FormatConditions": FakeConditions(self), "Validation": FakeValidation(self, None)})()
        sheet = self

        def reset_breaks() -> None:
            sheet.row_breaks.clear()
            sheet.log.append(("page_breaks_reset", sheet.name))

        return type("SheetApi", (), {"Cells": cells, "PageSetup": FakePageSetup(self),
                                     "HPageBreaks": FakePageBreaks(self),
                                     "ResetAllPageBreaks": staticmethod(reset_breaks)})()

    def grid(self) -> list[list[Any]]:
        if not self.cells:
            return []
        rows, cols = max(r for r, _ in self.cells), max(c for _, c in self.cells)
        return [[self.cells.get((r, c)) for c in range(1, cols + 1)] for r in range(1, rows + 1)]


class FakeSheets:
    def __init__(self, book: FakeBook) -> None:
        self.book = book
        self.items: list[FakeSheet] = []

    def __iter__(self):
        return iter(self.items)

    def __getitem__(self, name: str) -> FakeSheet:
        return next(s for s in self.items if s.name == name)

    def add(self, name: str, after: FakeSheet | None = None) -> FakeSheet:
        self.book.log.append(("add_sheet", name))
        sheet = FakeSheet(self.book, name)
        self.items.insert(self.items.index(after) + 1 if after else len(self.items), sheet)
        return sheet


class FakeAppApi:
    """Application through COM: International(xlListSeparator) and PrintCommunication."""

    def __init__(self, app: FakeApp, separator: str) -> None:
        object.__setattr__(self, "_app", app)
        object.__setattr__(self, "_separator", separator)
        object.__setattr__(self, "PrintCommunication", True)

    def International(self, index: int) -> Any:
        if index != 5:
            raise FakeComError(f"International({index}): the fake knows xlListSeparator (5) only")
        return self._separator

    def __setattr__(self, key: str, value: Any) -> None:
        if key != "PrintCommunication" or not isinstance(value, bool):
            raise AttributeError(f"Application.{key} = {value!r}")
        self._app.log.append(("app_api", key, value))
        object.__setattr__(self, key, value)


class FakeApp:
    def __init__(self, log: Log, separator: str = ",") -> None:
        object.__setattr__(self, "log", log)
        object.__setattr__(self, "alerts", [])
        object.__setattr__(self, "_separator", separator)

    @property
    def api(self) -> FakeAppApi:
        if getattr(self, "_api", None) is None:
            object.__setattr__(self, "_api", FakeAppApi(self, self._separator))
        return self._api

    def __setattr__(self, key: str, value: Any) -> None:
        if key == "status_bar" and value is None:
            # pywin32 sends None as VT_NULL, which Excel's StatusBar rejects (xlwings resets with False)
            raise TypeError("Excel rejects VT_NULL for Application.StatusBar")
        self.log.append(("app", key, value))
        object.__setattr__(self, key, value)

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: Any = None) -> str:
        self.alerts.append((mode, prompt))
        return "ok"


class FakeBook:
    """``list_separator``: the interface language's (";" in a German or French Excel)."""

    def __init__(self, path: Path, mac: bool = False, list_separator: str = ",") -> None:
        self.mac = mac
        self.list_separator = list_separator
        self.log = Log()
        self.app = FakeApp(self.log, list_separator)
        self.sheets = FakeSheets(self)
        self.fullname = str(path)
        self.name = path.name
        self.selection: FakeRange | None = None
        self.active: FakeSheet | None = None
        wb = CalamineWorkbook.from_path(str(path))
        for name in wb.sheet_names:
            self.sheets.items.append(FakeSheet(self, name, wb.get_sheet_by_name(name).to_python(skip_empty_area=False)))

    def close(self) -> None:  # Book.close(): closes without saving
        self.log.append(("close", self.name))
        self.closed = True

    def select(self, sheet: str, row: int, col: int = 1) -> None:
        self.selection = FakeRange(self.sheets[sheet], row, col, row, col)


def count_button_calls(path: str | Path, as_of: dt.date | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """Button → sheet → counts of the calls one click makes on the fake: bulk ``read`` and
    ``write`` of a range's values, and every ``other`` call (formats, merges, conditional formats,
    clearing, charts). Each button runs on a fresh copy of the workbook; ``scripts/bench.py``
    prints these. ``as_of`` is unused by the buttons (they take the workbook's 基准日期)."""
    import sheets_schema as S
    from addin import ribbon
    from addin.actions import ACTIONS

    out: dict[str, dict[str, dict[str, int]]] = {}
    for action in ACTIONS:
        book = FakeBook(Path(path))
        names = {s.name for s in book.sheets}
        if action == "credit_form":  # the active cell on the card of the first customer with a survey
            survey = next(s for s in book.sheets if s.name in (S.SURVEY.zh, S.SURVEY.en))
            cards = next(s for s in book.sheets if s.name in (S.CUSTOMERS.zh, S.CUSTOMERS.en))
            surveyed = survey.cells.get((2, 1))
            book.select(cards.name, next((r for (r, c), v in sorted(cards.cells.items()) if c == 1 and v == surveyed), 2))
        ok = ribbon.dispatch(action, book)
        counts: dict[str, dict[str, int]] = {}
        for call in book.log:
            sheet = call[1] if len(call) > 1 and isinstance(call[1], str) else None
            if sheet is None or call[0] == "app" or (sheet not in names and call[0] != "add_sheet"):
                continue
            kind = call[0] if call[0] in ("read", "write") else "other"
            c = counts.setdefault(sheet, {"read": 0, "write": 0, "other": 0})
            c[kind] += 1
        out[action if ok else f"{action} (failed)"] = counts
    return out
