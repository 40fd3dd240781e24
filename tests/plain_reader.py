"""The reader as it was before it read by columns: row by row, cell by cell. Kept as the reference
the columnar reader (:func:`addin.table.read_table`) is compared with on awkward grids
(tests/test_read_columns.py); it is the plain statement of the row-level rules."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import chain, islice
from typing import Any

from addin.core import parse as p
from addin.issues import Issue
from addin.messages import message
from addin.table import (
    _FLAGGED,
    _PASS,
    _SHARED,
    HEADER_SCAN_ROWS,
    Table,
    UnusableInput,
    _choice_list,
    _parser,
    find_header,
    out_of_bounds,
)
from sheets_schema import Column, Kind, Lang, SheetSpec, fold


def parse_column(column: Column, raw: list[Any]) -> tuple[list[Any], list[tuple[int, p.ParseError]]]:
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
        if cls in _FLAGGED:
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
    return v is None or v == "" or (v.__class__ is str and not v.strip())


def _has_value(row: list[Any], cols: list[int]) -> bool:
    n = len(row)
    return any(not _blank(row[c]) for c in cols if c < n)


def _header_repeat(spec: SheetSpec, columns: dict[str, int]) -> Callable[[list[Any]], bool]:
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
    shared: dict[Any, Any] = {}
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
    issues = table.issues
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
        if column.computed:
            continue
        for i, err in errors:
            kw = {"allowed": _choice_list(column, lang)} if err.code == "choice" else {}
            if err.code == "error_value":
                kw = {"error": err.detail}
            issues.append(table.issue_at(i, column.key, err.code, err.severity, **kw))
        if not spec.output:
            issues.extend(out_of_bounds(table, column, values))
    return table
