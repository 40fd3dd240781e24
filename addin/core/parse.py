"""Parse the values reps really type into typed values.

Each parser takes one raw cell value (as the reader returns it: str, float, int,
bool, date, datetime or None) and returns the typed value or None for blank,
or raises :class:`ParseError` whose ``code`` names the rule that failed.
"""
from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from sheets_schema.base import Choice, fold

from ..cells import EXCEL_EPOCH, MAX_SERIAL


class ParseError(ValueError):
    def __init__(self, code: str, detail: str = "", severity: str = "error") -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.severity = severity


class CellError:
    """An Excel error value in a cell (#N/A, #DIV/0!, #REF!…): never read as blank."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CellError) and other.text == self.text

    def __hash__(self) -> int:
        return hash(("CellError", self.text))


class NoCachedValue:
    """A formula saved without its result (openpyxl and scripts write these): counts as blank,
    with a warning, until Excel has calculated and saved it."""

    __slots__ = ("formula",)

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __str__(self) -> str:
        return "=" + self.formula

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoCachedValue) and other.formula == self.formula

    def __hash__(self) -> int:
        return hash(("NoCachedValue", self.formula))


def is_blank(v: Any) -> bool:
    if v is None or v.__class__ is NoCachedValue:
        return True
    if isinstance(v, float) and math.isnan(v):
        return True
    return isinstance(v, str) and v.strip() == ""


def nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def as_text(v: Any) -> str | None:
    """Text as a rep sees it: numbers typed in a text column lose a spurious '.0'."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float) and v.is_integer():
        return str(int(v)) if abs(v) < 1e15 else f"{v:g}"
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v).strip()


def display(v: Any) -> str:
    """A raw value as it would be quoted in a message."""
    if v.__class__ in (CellError, NoCachedValue):
        return str(v)
    return as_text(v) or ""


_UNITS = {"万": 1e4, "萬": 1e4, "亿": 1e8, "億": 1e8, "千": 1e3, "k": 1e3, "w": 1e4}
_NUM = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")


def parse_number(v: Any) -> float | None:
    """`12,345.50`, `１２３４`, `1.2万`, `3亿`, `15%`, ` 42 `, `¥1,200`, `(500)`."""
    if is_blank(v):
        return None
    if isinstance(v, bool):
        raise ParseError("number")
    if isinstance(v, (int, float)):
        if isinstance(v, float) and not math.isfinite(v):
            raise ParseError("number")
        return float(v)
    if isinstance(v, (dt.date, dt.datetime)):
        raise ParseError("number")
    s = nfkc(str(v)).replace(" ", "").lower()
    s = s.removesuffix("元").removesuffix("rmb").lstrip("¥￥$").removeprefix("rmb")
    negative = False
    if s.startswith("(") and s.endswith(")"):
        negative, s = True, s[1:-1]
    scale, percent = 1.0, False
    if s.endswith("%"):
        percent, s = True, s[:-1]
    elif s[-1:] in _UNITS:
        scale, s = _UNITS[s[-1]], s[:-1]
        if s[-1:] in _UNITS:  # e.g. 千万
            scale, s = scale * _UNITS[s[-1]], s[:-1]
    if _GROUPED.match(s):
        s = s.replace(",", "")
    if not _NUM.match(s):
        raise ParseError("number")
    x = float(s) / 100 if percent else float(s) * scale
    return -x if negative else x


def parse_int(v: Any) -> int | None:
    x = parse_number(v)
    if x is None:
        return None
    if not float(x).is_integer():
        raise ParseError("integer")
    return int(x)


def parse_percent(v: Any) -> float | None:
    """A fraction: 0.15, `15%`. A bare number above 1 (up to 100) is read as points."""
    x = parse_number(v)
    if x is None:
        return None
    if 1 < abs(x) <= 100 and not (isinstance(v, str) and "%" in nfkc(v)):  # ％ folds to %
        return x / 100
    return x


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号號]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_MONTH_DAY = (
    re.compile(r"^(\d{1,2})月(\d{1,2})[日号號]?$"),
    re.compile(r"^(\d{1,2})[-/.](\d{1,2})$"),
)
#: year given to a birthday typed without one (a leap year, so 2月29日 parses)
NO_YEAR = 2000


def parse_date(v: Any, *, month_day: bool = False) -> dt.date | None:
    """Date cells, Excel serials, `2025-03-05`, `2025/3/5`, `2025.3.5`, `2025年3月5日`.

    With ``month_day`` (birthdays) `3月5日` and `03-05` are accepted too, in year 2000.
    """
    if is_blank(v):
        return None
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, bool):
        raise ParseError("date")
    if isinstance(v, (int, float)):
        if not (1 <= v <= MAX_SERIAL):
            raise ParseError("date")
        return EXCEL_EPOCH + dt.timedelta(days=int(v))
    s = nfkc(str(v)).lower()
    try:
        for pat in _DATE_PATTERNS:
            m = pat.match(s)
            if m:
                return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if month_day:
            for pat in _MONTH_DAY:
                m = pat.match(s)
                if m:
                    return dt.date(NO_YEAR, int(m[1]), int(m[2]))
        if re.fullmatch(r"\d+(\.\d+)?", s) and 20000 <= float(s) <= MAX_SERIAL:
            return EXCEL_EPOCH + dt.timedelta(days=int(float(s)))
    except ValueError as exc:  # 2025-02-30
        raise ParseError("date", str(exc)) from None
    raise ParseError("date")


class ChoiceMatcher:
    """Matches typed text to a choice: trimmed, width- and case-tolerant, any language.

    Numeric choices (the funnel stage) also match `4`, `4.0` and `4 客户有选择我方的意向`.
    """

    def __init__(self, choices: tuple[Choice, ...]) -> None:
        self.choices = choices
        self.table: dict[str, Choice] = {}
        for c in choices:
            for s in c.spellings():
                self.table.setdefault(fold(s), c)
        self.numeric = all(c.key.isdigit() for c in choices)

    def __call__(self, v: Any) -> str | None:
        if is_blank(v):
            return None
        if self.numeric and isinstance(v, (int, float)) and not isinstance(v, bool):
            key = str(int(v)) if float(v).is_integer() else None
            if key is not None and any(c.key == key for c in self.choices):
                return key
            raise ParseError("range" if float(v).is_integer() else "choice")
        f = fold(as_text(v) or "")
        c = self.table.get(f)
        if c is not None:
            return c.key
        if self.numeric:
            m = re.match(r"^(-?\d+)(\.0+)?", f)
            if m:
                key = str(int(m[1]))
                if not any(c.key == key for c in self.choices):
                    raise ParseError("range")
                rest = f[m.end():].lstrip(".、:：-")
                c = self.table.get(fold(key)) if not rest else self.table.get(rest)
                if c is None or c.key != key:
                    # a number with a label that belongs to another stage
                    raise ParseError("choice")
                return key
        raise ParseError("choice")


_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,6})?$")


def parse_phone(v: Any) -> str | None:
    """CN mobile (11 digits from 13–19) or landline (area code 0xx(x), 7–8 digits,
    optional extension), with an optional +86 / 0086 prefix. Keeps what was typed
    (trimmed) when it is valid."""
    if is_blank(v):
        return None
    text = as_text(v) or ""
    s = nfkc(text)
    s = re.sub(r"[\s()（）]", "", s)
    for prefix in ("+86", "0086", "86-", "+86-"):
        if s.startswith(prefix) and len(s) > 11:
            s = s[len(prefix):].lstrip("-")
            break
    if len(s) == 13 and s.startswith("86"):
        s = s[2:]
    digits_dashes = s.replace("—", "-").replace("–", "-")
    bare = digits_dashes.replace("-", "")
    if _MOBILE.match(bare) and digits_dashes.count("-") <= 2:
        return text
    if _LANDLINE.match(digits_dashes) or _LANDLINE.match(bare):
        return text
    raise ParseError("phone")


_EMAIL = re.compile(r"^[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}$")


def parse_email(v: Any) -> str | None:
    if is_blank(v):
        return None
    s = nfkc(as_text(v) or "")
    if not _EMAIL.match(s):
        raise ParseError("email")
    return s
