"""From a sheet's grid of raw values to a typed table.

Finds the header row (even below a title row or two), maps headers by any alias
in any column order, keeps unknown columns out of the way, skips blank rows and
parses every cell by its column's kind. Cell-level problems become issues;
nothing here touches a file.
"""
from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import chain, islice, repeat
from typing import TYPE_CHECKING, Any

from sheets_schema import Column, Kind, Lang, SheetSpec, fold
from sheets_schema.records import Record, record_type

from .core import parse as p
from .i18n import join
from .issues import Issue
from .messages import message

if TYPE_CHECKING:  # pandas only for Table.frame, imported when it is called (not on every command)
    import pandas as pd

HEADER_SCAN_ROWS = 20


class UnusableInput(Exception):
    """Input the tool cannot use (exit 2): one line naming the file/sheet and the reason."""


@dataclass(frozen=True, eq=False)
class Table:
    """One sheet as the reader parsed it: typed values per column, the cells as typed, and the
    issues of reading (cells that could not be parsed, a bound broken, a repeated header). Nothing
    changes it after :func:`read_table`; steps see it through the validated view
    (:class:`addin.view.Sheet`), which knows the rows with errors."""

    spec: SheetSpec
    name: str  # tab name as in the workbook
    lang: Lang
    header_row: int  # Excel row number of the header
    columns: dict[str, int]  # column key → 1-based column index
    headers: dict[str, str]  # column key → header text as typed
    rows: list[int] = field(default_factory=list)  # Excel row number per data row
    raw: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)  # of reading, in the order found
    width: int = 0  # last used column index of the sheet
    last_row: int = 0  # last Excel row holding anything (data or stale computed values)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns

    def issue_at(self, i: int | None, key: str | None, code: str, severity: str = "error",
                 value: Any = None, **kw: Any) -> Issue:
        """An issue at data row ``i`` (None = sheet level), column ``key``: a value, recorded nowhere."""
        col = self.columns.get(key) if key else None
        row = self.rows[i] if i is not None else None
        if value is None and i is not None and key in self.raw:
            value = self.raw[key][i]
        header = self.headers.get(key, self.spec.col(key).header(self.lang) if key else "") if key else ""
        return Issue(severity, self.name, row, col, header, p.display(value), code,  # type: ignore[arg-type]
                     message(code, self.lang, **kw))

    def records(self, skip: Collection[int] = ()) -> list[Record]:
        """Typed rows (``sheets_schema.records``): one field per column key, ``i`` and ``row``;
        the data rows in ``skip`` left out."""
        n = len(self.rows)
        cols = [self.values.get(c.key) or repeat(None, n) for c in self.spec.columns]
        # the tuples are zipped in C and each becomes a record without a Python-level __new__ per row
        # (a record type has no fields of its own to set: __slots__ = ())
        make = partial(tuple.__new__, record_type(self.spec))
        rows = list(map(make, zip(*cols, range(n), self.rows)))
        return [rows[i] for i in range(n) if i not in skip] if skip else rows

    def frame(self, keys: list[str] | None = None, skip: Collection[int] = ()) -> pd.DataFrame:
        """Typed values as a DataFrame; ``_row`` is the Excel row, ``_i`` the data-row index."""
        import pandas as pd

        keys = keys or [c.key for c in self.spec.columns]
        data = {k: self.values.get(k, [None] * len(self.rows)) for k in keys}
        df = pd.DataFrame(data, dtype=object)
        df["_row"] = self.rows
        df["_i"] = range(len(self.rows))
        if skip:
            df = df[~df["_i"].isin(skip)]
        return df


def find_header(grid: list[list[Any]], spec: SheetSpec) -> tuple[int, dict[str, int], dict[str, str], list[str]]:
    """The header row (0-based), key → column index (1-based), key → header text, duplicates."""
    alias = {fold(a): c.key for c in spec.columns for a in c.aliases()}
    best: tuple[int, int] = (-1, 0)
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = len({alias[f] for v in row if isinstance(v, str) and (f := fold(v)) in alias})
        if hits > best[1]:
            best = (r, hits)
    r = best[0]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    dups: list[str] = []
    if r < 0:
        return r, columns, headers, dups
    for c, v in enumerate(grid[r], start=1):
        if isinstance(v, str) and (f := fold(v)) in alias:
            key = alias[f]
            if key in columns:
                dups.append(key)
                continue
            columns[key] = c
            headers[key] = v.strip()
    return r, columns, headers, dups


def _parser(column: Column) -> Callable[[Any], Any]:
    kind = column.kind
    if kind in (Kind.CHOICE, Kind.BOOL):
        return p.ChoiceMatcher(column.choices)
    if kind == Kind.DATE:
        if column.key == "birthday":
            return lambda v: p.parse_date(v, month_day=True)
        return p.parse_date
    return {
        Kind.TEXT: p.as_text,
        Kind.INT: p.parse_int,
        Kind.NUMBER: p.parse_number,
        Kind.MONEY: p.parse_number,
        Kind.PERCENT: p.parse_percent,
        Kind.PHONE: p.parse_phone,
        Kind.EMAIL: p.parse_email,
    }[kind]


_SHARED = (str, dt.date, dt.datetime)
_FLAGGED = frozenset((p.CellError, p.NoCachedValue))
_PASS = {Kind.MONEY: (float,), Kind.NUMBER: (float,), Kind.DATE: (dt.date,)}


def parse_column(column: Column, raw: list[Any]) -> tuple[list[Any], list[tuple[int, p.ParseError]]]:
    """Typed values of one column and the cells that failed, by row index.

    Values that are already typed (floats in money columns, date cells) pass through
    without a call; repeated raw values of choice columns are parsed once.
    """
    parse = _parser(column)
    kind = column.kind
    passthrough = _PASS.get(kind, ())
    text = kind == Kind.TEXT
    memo: dict[Any, Any] | None = {} if kind in (Kind.CHOICE, Kind.BOOL) else None
    out: list[Any] = []
    errors: list[tuple[int, p.ParseError]] = []
    append = out.append
    for i, v in enumerate(raw):
        cls = v.__class__
        if cls in passthrough:
            append(v)
            continue
        if v is None or v == "":
            append(None)
            continue
        if text and cls is str:
            append(v.strip() or None)
            continue
        if memo is not None:
            hit = memo.get(v, memo) if cls in (str, float, int) else memo
            if hit is not memo:
                if hit.__class__ is p.ParseError:
                    errors.append((i, hit))
                    append(None)
                else:
                    append(hit)
                continue
        if cls in _FLAGGED:  # what the reader could not show: an error value, a formula without result
            errors.append((i, p.ParseError("error_value", v.text) if cls is p.CellError else
                           p.ParseError("formula_no_value", str(v), "warning")))
            append(None)
            continue
        try:
            value = parse(v)
        except p.ParseError as err:
            value = err
        if memo is not None and cls in (str, float, int):
            memo[v] = value
        if value.__class__ is p.ParseError:
            errors.append((i, value))
            append(None)
        else:
            append(value)
    return out, errors


def _blank(v: Any) -> bool:
    # an error value or a formula without its result is something the user typed: the row is kept
    # and the cell reported
    return v is None or v == "" or (v.__class__ is str and not v.strip())


def _has_value(row: list[Any], cols: list[int]) -> bool:
    n = len(row)
    return any(not _blank(row[c]) for c in cols if c < n)


def _choice_list(column: Column, lang: Lang) -> str:
    return join(list(column.choice_labels(lang)), lang)


def _header_repeat(spec: SheetSpec, columns: dict[str, int]) -> Callable[[list[Any]], bool]:
    """Whether a data row repeats the header — a second header row, in any language (English names
    under the Chinese ones): the first column and most filled contract columns (two at least) hold a
    name of that very column. Only rows whose first column's text is such a name are looked at
    closely."""
    names = {c.key: {fold(a) for a in c.aliases()} for c in spec.columns if c.key in columns and not c.computed}
    cols = [(columns[k] - 1, aliases) for k, aliases in names.items()]
    if len(cols) < 2:
        return lambda row: False
    anchor, anchor_names = min(cols)
    longest = max(len(a) for a in anchor_names) + 8

    def repeats(row: list[Any]) -> bool:
        v = row[anchor] if anchor < len(row) else None
        if v.__class__ is not str or len(v) > longest or fold(v) not in anchor_names:
            return False
        hits = filled = 0
        for c, aliases in cols:
            v = row[c] if c < len(row) else None
            if _blank(v):
                continue
            filled += 1
            hits += isinstance(v, str) and fold(v) in aliases
        return hits >= 2 and 2 * hits > filled

    return repeats


def read_table(rows: Iterable[list[Any]], spec: SheetSpec, name: str, lang: Lang) -> Table:
    """Parse one input sheet from its rows (row 1 first). Only the contract's columns are kept.

    Raises UnusableInput when a required header is missing."""
    it = iter(rows)
    head = list(islice(it, HEADER_SCAN_ROWS))
    r, columns, headers, dups = find_header(head, spec)
    missing = [c for c in spec.columns if c.required and c.key not in columns]
    if r < 0 or missing:
        wanted = "、".join(c.header(lang) for c in (missing or spec.columns[:1]))
        raise UnusableInput(f"sheet '{name}': required header missing: {wanted}")
    input_cols = [columns[c.key] - 1 for c in spec.columns if not c.computed and c.key in columns]
    keep = [(c.key, columns[c.key] - 1) for c in spec.columns if c.key in columns]
    raw: dict[str, list[Any]] = {key: [] for key, _ in keep}
    appenders = [(raw[key].append, c) for key, c in keep]
    shared: dict[Any, Any] = {}  # one object per repeated text or date value (owners, IDs, days)
    share = shared.setdefault
    excel_rows: list[int] = []
    width = max((len(row) for row in head), default=0)
    last = 0
    repeated: list[int] = []
    repeats_header = _header_repeat(spec, columns)
    for i, row in enumerate(chain(head[r + 1:], it), start=r + 2):
        n = len(row)
        if n > width:
            width = n
        if _has_value(row, input_cols):
            if repeats_header(row):
                last = i
                repeated.append(i)
                continue
            excel_rows.append(i)
            last = i
            for append, c in appenders:
                v = row[c] if c < n else None
                append(share(v, v) if v.__class__ in _SHARED else v)
        elif any(not _blank(v) for v in row):
            last = i

    table = Table(spec, name, lang, r + 1, columns, headers, excel_rows, width=width, last_row=last)
    issues = table.issues  # filled here, while reading; nothing adds to them afterwards
    for key in dups:
        issues.append(table.issue_at(None, key, "duplicate_header", "warning", value=headers[key]))
    issues.extend(Issue("warning", name, i, None, "", "", "repeated_header", message("repeated_header", lang))
                  for i in repeated)
    for column in spec.columns:
        if column.key not in columns:
            continue
        table.raw[column.key] = raw[column.key]
        if column.computed and not column.memory:
            continue
        values, errors = parse_column(column, raw[column.key])
        table.values[column.key] = values
        if column.computed:  # a memory column: what the add-in wrote last time, read back quietly
            continue
        for i, err in errors:
            kw = {"allowed": _choice_list(column, lang)} if err.code == "choice" else {}
            if err.code == "error_value":
                kw = {"error": err.detail}
            issues.append(table.issue_at(i, column.key, err.code, err.severity, **kw))
        if not spec.output:  # the add-in's own sheets read back are not checked against the input contract
            issues.extend(out_of_bounds(table, column, values))
    return table


NUMERIC = (Kind.MONEY, Kind.NUMBER, Kind.INT, Kind.PERCENT)


def out_of_bounds(table: Table, column: Column, values: list[Any]) -> list[Issue]:
    """A number outside its column's declared bounds is an error, and its cell counts as blank
    wherever its row is still used (the value is dropped as it is read)."""
    if column.kind not in NUMERIC or (column.min is None and column.max is None):
        return []
    lo = -math.inf if column.min is None else column.min
    hi = math.inf if column.max is None else column.max
    out = []
    for i in [i for i, v in enumerate(values) if v is not None and not lo <= v <= hi]:
        out.append(table.issue_at(i, column.key, _bound_code(column, values[i]), min=_num(column.min),
                                  max=_num(column.max)))
        values[i] = None
    return out


def _num(x: float | None) -> str:
    return "" if x is None else f"{x:,.0f}" if abs(x) >= 1e6 else f"{x:g}"


def _bound_code(column: Column, v: float) -> str:
    lo = column.min
    if lo is not None and v < lo:
        if column.kind == Kind.MONEY and lo == 0:
            return "negative"
        if column.kind == Kind.PERCENT:
            return "percent_range"
        return "score_range" if column.key.startswith("s_") else "below_min"
    if column.kind == Kind.PERCENT:
        return "percent_range"
    return "score_range" if column.key.startswith("s_") else "above_max"
