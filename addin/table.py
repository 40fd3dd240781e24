"""From a sheet's grid of raw values to a typed table.

Finds the header row (even below a title row or two), maps headers by any alias
in any column order, keeps unknown columns out of the way, skips blank rows and
parses every cell by its column's kind. Cell-level problems become issues;
nothing here touches a file.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import islice, repeat
from typing import Any

from sheets_schema import Column, Kind, Lang, SheetSpec, fold
from sheets_schema.records import Record, record_type

from .core import parse as p
from .i18n import join
from .issues import Issue
from .messages import message

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
_MEMO = (str, float, int)  # the classes whose parse a choice column remembers per value
#: a cell the column's fast pass leaves to the plain path (:func:`_parse_cells`)
_MISS: Any = object()
_INF = float("inf")
#: ASCII forms that parse_phone and parse_email return unchanged (their patterns with ASCII digits,
#: matched whole: no white space, no prefix to strip — a '0086' number is left to parse_phone)
_PLAIN_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}(?:-[0-9]{1,6})?")
_PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def parse_column(column: Column, raw: list[Any]) -> tuple[list[Any], list[tuple[int, p.ParseError]]]:
    """Typed values of one column and the cells that failed, by row index.

    A fast pass per kind handles the common cells of a whole column at once (floats in money
    columns, date cells, text, blanks, a choice column's spellings parsed once each, in order of
    first appearance); every other cell goes through the plain path, :func:`_parse_cells`,
    which gives the same value for any cell (a test compares the two on awkward columns).
    """
    parse = _parser(column)
    memo: dict[Any, Any] | None = {} if column.kind in (Kind.CHOICE, Kind.BOOL) else None
    out = _fast_pass(column.kind, raw, parse, memo)
    if out is None:
        return _parse_cells(column, raw, range(len(raw)), parse, memo)
    if _MISS not in out:  # (a C loop, about twice as fast as collecting the indexes)
        return out, []
    rest = [i for i, x in enumerate(out) if x is _MISS]
    values, errors = _parse_cells(column, raw, rest, parse, memo)
    for i, v in zip(rest, values):
        out[i] = v
    return out, errors


def _fast_pass(kind: Kind, raw: list[Any], parse: Callable[[Any], Any],
               memo: dict[Any, Any] | None) -> list[Any] | None:
    """The column's values where they need no call (``_MISS`` elsewhere), or None: no fast pass."""
    if kind in (Kind.MONEY, Kind.NUMBER):
        return [v if v.__class__ is float else None if v is None or v == "" else _MISS for v in raw]
    if kind == Kind.DATE:
        date = dt.date
        return [v if v.__class__ is date else None if v is None or v == "" else _MISS for v in raw]
    if kind == Kind.TEXT:
        return [(v.strip() or None) if v.__class__ is str else None if v is None else _MISS for v in raw]
    if kind == Kind.INT:  # parse_int of a finite whole float
        return [int(v) if v.__class__ is float and v.is_integer() else None if v is None or v == "" else _MISS
                for v in raw]
    if kind == Kind.PERCENT:  # parse_percent of a finite float: points above 1 (up to 100) read as a fraction
        return [(v / 100 if 1 < abs(v) <= 100 else v) if v.__class__ is float and -_INF < v < _INF else
                None if v is None or v == "" else _MISS for v in raw]
    if kind == Kind.PHONE:  # a mobile or landline typed plainly: parse_phone keeps it as it is
        fast = _PLAIN_PHONE.fullmatch
        return [v if v.__class__ is str and fast(v) and not v.startswith("0086") else
                None if v is None or v == "" else _MISS for v in raw]
    if kind == Kind.EMAIL:  # an ASCII address without spaces: parse_email keeps it as it is
        fast = _PLAIN_EMAIL.fullmatch
        return [v if v.__class__ is str and fast(v) else None if v is None or v == "" else _MISS for v in raw]
    if memo is not None:
        # each spelling parsed once, the first time it appears (as the plain path would); the ones
        # that fail are left to the plain path, which reports them
        for v in dict.fromkeys(v for v in raw if v.__class__ in _MEMO):
            if v == "":
                continue
            try:
                memo[v] = parse(v)
            except p.ParseError:
                continue
        get = memo.get
        return [None if v is None or v == "" else get(v, _MISS) if v.__class__ in _MEMO else _MISS for v in raw]
    return None


def _parse_cells(column: Column, raw: list[Any], rows: Iterable[int], parse: Callable[[Any], Any],
                 memo: dict[Any, Any] | None) -> tuple[list[Any], list[tuple[int, p.ParseError]]]:
    """The plain path: the typed values of ``raw[i]`` for each ``i`` of ``rows`` (ascending), cell by
    cell, and the cells that failed."""
    kind = column.kind
    passthrough = _PASS.get(kind, ())
    text = kind == Kind.TEXT
    out: list[Any] = []
    errors: list[tuple[int, p.ParseError]] = []
    append = out.append
    for i in rows:
        v = raw[i]
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
            hit = memo.get(v, memo) if cls in _MEMO else memo
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
        if memo is not None and cls in _MEMO:
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


@dataclass(frozen=True)
class _HeaderRepeat:
    """Whether a data row repeats the header — a second header row, in any language (English names
    under the Chinese ones): the first column (the anchor) and most filled contract columns (two at
    least) hold a name of that very column. Only rows whose anchor cell is text no longer than
    ``longest`` that folds to such a name are looked at closely."""

    anchor: int  # 0-based column index
    anchor_names: frozenset[str]
    longest: int
    cols: tuple[tuple[int, frozenset[str]], ...]
    #: the characters of the anchor's ASCII names in either case and ASCII white space: an ASCII
    #: cell holding any other character cannot fold to a name (NFKC leaves ASCII as it is,
    #: casefold is lower)
    ascii_chars: str = ""

    def may_repeat(self, v: Any) -> bool:
        """The test on the anchor cell (the row is looked at closely only when it passes)."""
        return v.__class__ is str and len(v) <= self.longest and fold(v) in self.anchor_names

    def candidates(self, col: list[Any]) -> list[int]:
        """The indexes of ``col`` (the anchor column) that pass :meth:`may_repeat`, with a cheap
        first look for ASCII cells (IDs such as C00123 never reach ``fold``)."""
        longest, names, chars = self.longest, self.anchor_names, self.ascii_chars
        return [i for i, v in enumerate(col) if v.__class__ is str and len(v) <= longest
                and (not v.isascii() or not v.strip(chars)) and fold(v) in names]

    def __call__(self, row: list[Any]) -> bool:
        n = len(row)
        if not self.may_repeat(row[self.anchor] if self.anchor < n else None):
            return False
        hits = filled = 0
        for c, aliases in self.cols:
            v = row[c] if c < n else None
            if _blank(v):
                continue
            filled += 1
            hits += isinstance(v, str) and fold(v) in aliases
        return hits >= 2 and 2 * hits > filled


def _header_repeat(spec: SheetSpec, columns: dict[str, int]) -> _HeaderRepeat | None:
    """The header-repeat test of a sheet, None when fewer than two contract columns could repeat."""
    names = {c.key: frozenset(fold(a) for a in c.aliases()) for c in spec.columns
             if c.key in columns and not c.computed}
    cols = [(columns[k] - 1, aliases) for k, aliases in names.items()]
    if len(cols) < 2:
        return None
    anchor, anchor_names = min(cols)
    chars = {ch for a in anchor_names if a.isascii() for ch in a + a.upper()} | \
        {chr(c) for c in range(128) if chr(c).isspace()}
    return _HeaderRepeat(anchor, anchor_names, max(len(a) for a in anchor_names) + 8, tuple(cols),
                         "".join(sorted(chars)))


#: data rows read and sorted at a time: columns are cut from each chunk of rows
CHUNK_ROWS = 4096


def read_table(rows: Iterable[list[Any]], spec: SheetSpec, name: str, lang: Lang) -> Table:
    """Parse one input sheet from its rows (row 1 first). Only the contract's columns are kept.

    Raises UnusableInput when a required header is missing.

    The data rows are read in chunks and each chunk is cut into the contract's columns at once;
    a row is kept when any input column holds something (whitespace-only text is blank), left
    out silently when blank there (it still counts for ``last_row`` when it holds anything
    elsewhere), and left out with a warning when it repeats the header."""
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
    cut = sorted({c for _, c in keep})
    need = cut[-1] + 1  # a shorter row is padded with blanks (None) to this length
    shared: dict[Any, Any] = {}  # one object per repeated text or date value (owners, IDs, days)
    share = shared.setdefault
    sharing: dict[str, bool] = {}  # column key → whether its values repeat enough to be shared
    excel_rows: list[int] = []
    width = max((len(row) for row in head), default=0)
    last = 0
    repeated: list[int] = []
    repeats = _header_repeat(spec, columns)
    first = r + 2  # Excel row of the chunk's first row
    chunk = head[r + 1:] + list(islice(it, CHUNK_ROWS))
    while chunk or (chunk := list(islice(it, CHUNK_ROWS))):
        n = len(chunk)
        width = max(width, max(map(len, chunk)))
        if min(map(len, chunk)) < need:
            chunk = [row if len(row) >= need else [*row, *[None] * (need - len(row))] for row in chunk]
        cells = {c: [row[c] for row in chunk] for c in cut}
        # rows blank in every input column: only those blank in the first are looked at
        dropped: set[int] = set()
        lead = cells[input_cols[0]] if input_cols else [None] * n
        for i in [i for i, v in enumerate(lead) if not v or (v.__class__ is str and v.isspace())]:
            row = chunk[i]
            if any(not _blank(row[c]) for c in input_cols):
                continue
            dropped.add(i)
            if any(not _blank(v) for v in row):
                last = max(last, first + i)
        if repeats is not None:
            for i in repeats.candidates(cells[repeats.anchor]):
                if i not in dropped and repeats(chunk[i]):
                    dropped.add(i)
                    repeated.append(first + i)
                    last = max(last, first + i)
        if dropped:
            idx = [i for i in range(n) if i not in dropped]
            cells = {c: [col[i] for i in idx] for c, col in cells.items()}
            excel_rows.extend([first + i for i in idx])
            if idx:
                last = max(last, first + idx[-1])
        else:
            excel_rows.extend(range(first, first + n))
            last = max(last, first + n - 1)
        for key, c in keep:
            col = cells[c]
            if key not in sharing:
                # decided on the first chunk: a column of numbers or blanks is not run through the
                # dict. Every text or date column is, IDs too: in 联系记录 and 应收账款 a customer's
                # ID repeats over the sheet though hardly in one chunk (sharing only what repeats
                # within the first chunk left the company refresh's peak RSS 35 MB higher)
                sharing[key] = any(v.__class__ in _SHARED and v != "" for v in col)
            raw[key] += [share(v, v) if v.__class__ in _SHARED else v for v in col] if sharing[key] else col
        first += n
        chunk = []

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
