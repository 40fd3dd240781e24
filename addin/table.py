"""From a sheet's grid of raw values to a typed table.

Finds the header row (even below a title row or two), maps headers by any alias
in any column order, keeps unknown columns out of the way, skips blank rows and
parses every cell by its column's kind. Cell-level problems become issues;
nothing here touches a file.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from sheets_schema import Column, Kind, Lang, SheetSpec, fold

from .core import parse as p
from .validate.issues import Issue
from .validate.messages import message

HEADER_SCAN_ROWS = 20


class UnusableInput(Exception):
    """Input the tool cannot use (exit 2): one line naming the file/sheet and the reason."""


@dataclass
class Table:
    spec: SheetSpec
    name: str  # tab name as in the workbook
    lang: Lang
    header_row: int  # Excel row number of the header
    columns: dict[str, int]  # column key → 1-based column index
    headers: dict[str, str]  # column key → header text as typed
    rows: list[int] = field(default_factory=list)  # Excel row number per data row
    raw: dict[str, list[Any]] = field(default_factory=dict)
    values: dict[str, list[Any]] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)  # indexes of rows with errors
    width: int = 0  # last used column index of the sheet
    last_row: int = 0  # last Excel row holding anything (data or stale computed values)

    def __len__(self) -> int:
        return len(self.rows)

    def has(self, key: str) -> bool:
        return key in self.columns

    def issue(self, i: int | None, key: str | None, code: str, severity: str = "error",
              value: Any = None, **kw: Any) -> Issue:
        """Record an issue at data row ``i`` (None = sheet level), column ``key``."""
        col = self.columns.get(key) if key else None
        row = self.rows[i] if i is not None else None
        if value is None and i is not None and key in self.raw:
            value = self.raw[key][i]
        header = self.headers.get(key, self.spec.col(key).header(self.lang) if key else "") if key else ""
        iss = Issue(severity, self.name, row, col, header, p.display(value), code,  # type: ignore[arg-type]
                    message(code, self.lang, **kw))
        self.issues.append(iss)
        if severity == "error" and i is not None:
            self.bad_rows.add(i)
        return iss

    def frame(self, keys: list[str] | None = None, *, good_only: bool = True) -> pd.DataFrame:
        """Typed values as a DataFrame; ``_row`` is the Excel row, ``_i`` the data-row index."""
        keys = keys or [c.key for c in self.spec.columns]
        data = {k: self.values.get(k, [None] * len(self.rows)) for k in keys}
        df = pd.DataFrame(data, dtype=object)
        df["_row"] = self.rows
        df["_i"] = range(len(self.rows))
        if good_only and self.bad_rows:
            df = df[~df["_i"].isin(self.bad_rows)]
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


def _choice_list(column: Column, lang: Lang) -> str:
    return "、".join(column.choice_labels(lang)) if lang == "zh" else ", ".join(column.choice_labels(lang))


def read_table(grid: list[list[Any]], spec: SheetSpec, name: str, lang: Lang) -> Table:
    """Parse one input sheet. Raises UnusableInput when a required header is missing."""
    r, columns, headers, dups = find_header(grid, spec)
    missing = [c for c in spec.columns if c.required and c.key not in columns]
    if r < 0 or missing:
        wanted = "、".join(c.header(lang) for c in (missing or spec.columns[:1]))
        raise UnusableInput(f"sheet '{name}': required header missing: {wanted}")
    width = max((len(row) for row in grid), default=0)
    table = Table(spec, name, lang, r + 1, columns, headers, width=width)
    for key in dups:
        table.issue(None, key, "duplicate_header", "warning", value=headers[key])

    input_cols = [columns[c.key] - 1 for c in spec.columns if not c.computed and c.key in columns]
    data_rows: list[int] = []
    for i in range(r + 1, len(grid)):
        row = grid[i]
        if any(not p.is_blank(row[c]) for c in input_cols if c < len(row)):
            data_rows.append(i)
        if any(not p.is_blank(v) for v in row):
            table.last_row = i + 1
    table.rows = [i + 1 for i in data_rows]

    for column in spec.columns:
        if column.key not in columns:
            continue
        c = columns[column.key] - 1
        raw = [grid[i][c] if c < len(grid[i]) else None for i in data_rows]
        table.raw[column.key] = raw
        if column.computed:
            continue
        parse = _parser(column)
        out: list[Any] = []
        for i, v in enumerate(raw):
            try:
                out.append(parse(v))
            except p.ParseError as err:
                out.append(None)
                kw = {"allowed": _choice_list(column, lang)} if err.code == "choice" else {}
                table.issue(i, column.key, err.code, **kw)
        table.values[column.key] = out
    return table
