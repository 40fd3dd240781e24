"""The headless engine: reads with python-calamine, writes by editing only owned parts.

Edits to an input sheet are recorded, then the sheet is streamed once — from the
zip, through the edits, into the compressor — so memory does not grow with the
sheet's size and untouched rows and cells keep their bytes.
"""
from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from ..cells import col_letter
from ..writes import HIGHLIGHT_FILLS, STYLES, AppendRows, ColumnBlock, OutputSheet, Styled, kind_style
from . import charts, marks, tables
from .extent import check_extent
from .guard import check_writable, owner_file
from .package import STYLES_REL, Package, PackageError, check_readable
from .read_ahead import ReadAhead, give_back_memory
from .render import render_parts
from .shared_formulas import dissolved
from .sheet_stream import Edits, rewrite
from .sheet_xml import (
    HIGHLIGHT_MARKER,
    column_updates,
    flagged_cells,
    may_hold_flagged_cells,
    prefix_of,
    serials_1904,
    uses_1904,
)
from .styles_xml import Styles
from .workbook_xml import with_print_area, with_sheet_state
from .zip_parts import BIG_PART

_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CODE_NAME = re.compile(rb'<(?:\w+:)?sheetPr\b[^>]*?\bcodeName="([^"]*)"')


@dataclass
class _Pending:
    updates: dict[int, dict[int, tuple[object, int | None]]] = field(default_factory=dict)  # single cells
    blocks: list[tuple[Any, list[int]]] = field(default_factory=list)  # (row → updates, rows)
    columns: list[tuple[int, dict[int, list[Any]]]] = field(default_factory=list)  # each block as (first row, columns)
    defaults: dict[int, int] = field(default_factory=dict)
    last_row: int | None = None
    last_col: int | None = None
    grow: tuple[int, int] | None = None  # rows appended below the data: (old last row, new last row)
    highlights: tuple[dict[str, list[tuple[int, int]]], dict[str, int]] | None = None

    def edits(self) -> Edits:
        blocks = self.blocks
        single = self.updates

        def rows(r: int) -> dict[int, tuple[object, int | None]] | None:
            out: dict[int, tuple[object, int | None]] = {}
            for get, _ in blocks:
                u = get(r)
                if u:
                    out.update(u)
            if r in single:
                out.update(single[r])
            return out or None

        order = sorted({r for _, rs in blocks for r in rs} | set(single))
        bulk = self.columns[0] if len(self.columns) == 1 else None  # one block: encoded in bulk
        return Edits(rows=rows, update_rows=order, defaults=self.defaults, grow=self.grow,
                     highlights=self.highlights, last_row=self.last_row, last_col=self.last_col,
                     bulk=bulk, bulk_skip=set(single))


class XlsxBook:
    """A workbook file. Nothing reaches the disk until :meth:`save`, which is atomic."""

    def __init__(self, path: str | Path, *, writable: bool = True) -> None:
        self.path = Path(path)
        self.label = self.path.name
        if writable:
            check_readable(self.path)
            check_writable(self.path)
            lock = owner_file(self.path)
            if lock is not None:
                raise PackageError(f"open in Excel or LibreOffice (lock file {lock.name}); close it there first")
        self.pkg = Package(self.path)
        self.pkg.watch(b't="shared"', HIGHLIGHT_MARKER.encode())  # asked by the write (finish_sheet, set_highlights)
        try:
            self._cal = CalamineWorkbook.from_filelike(io.BytesIO(self.pkg.data))
        except Exception as exc:  # calamine raises its own error types
            raise PackageError(f"cannot be read as a workbook ({exc})") from None
        self._pending: dict[str, _Pending] = {}
        self.date1904 = uses_1904(self.pkg.read(self.pkg.workbook_part))
        self._styles: Styles | None = None
        self._formula_overwritten = False
        self._idle = [self._cal]  # calamine workbooks no thread is using
        self._lock = threading.Lock()
        self._ahead: ReadAhead[dict[int, dict[int, object]], tuple[Any, dict[int, dict[int, object]]]] | None = None

    # ----------------------------------------------------------------- reading
    def sheet_names(self) -> list[str]:
        return [n for n, _ in self.pkg.sheets()]

    @contextmanager
    def reading_ahead(self, names: Sequence[str]) -> Iterator[None]:
        """Within it, the sheets about to be read, in this order, are checked here and parsed on
        two worker threads (:mod:`.read_ahead`) while the caller makes a table of the one before.
        On leaving it the workers have ended."""
        known = set(self.sheet_names())
        self._ahead = ReadAhead(self._checked, self._parse, [n for n in names if n in known], self._big_sheet,
                                depth=2, workers=2)
        try:
            yield
        finally:
            self._stop_reading_ahead()

    def _big_sheet(self, name: str) -> bool:
        return self.pkg.size(self.pkg.sheet_part(name)) >= BIG_PART

    def _stop_reading_ahead(self) -> None:
        if self._ahead is not None:
            self._ahead.stop()
            self._ahead = None
            with self._lock:  # the workers' own workbooks (a copy of the file each) are not kept
                self._idle = [self._cal]
            give_back_memory()

    def _checked(self, name: str) -> dict[int, dict[int, object]]:
        """The sheet's part checked as it streams (see :meth:`_flagged`) and its extent (before
        calamine sees it); its flagged cells: errors, formulas without a result, a table's totals
        row."""
        flags = self._flagged(name)
        totals = tables.totals_rows(self.pkg, self.pkg.sheet_part(name))
        if totals:  # a table's totals row is not data
            for r, (c1, c2) in totals.items():
                flags.setdefault(r, {}).update({c: "" for c in range(c1, c2 + 1)})
        check_extent(self.pkg, name)
        return flags

    def _parse(self, name: str, flags: dict[int, dict[int, object]]) -> tuple[Any, dict[int, dict[int, object]]]:
        """calamine's parse of the sheet, by a workbook instance no other thread is using (the
        workers of the read-ahead each take one; the first is the one opened with the file)."""
        with self._lock:
            cal = self._idle.pop() if self._idle else None
        try:
            if cal is None:
                cal = CalamineWorkbook.from_filelike(io.BytesIO(self.pkg.data))
            return cal.get_sheet_by_name(name), flags
        except Exception as exc:  # calamine raises its own error types
            raise PackageError(f"sheet '{name}' cannot be read ({exc})") from None
        finally:
            if cal is not None:
                with self._lock:
                    self._idle.append(cal)

    def read_rows(self, name: str) -> Iterator[list[Any]]:
        """The sheet's rows from row 1 (the rows above its first value empty, the columns left of
        it blank), error cells and formulas without a result flagged, a table's totals row blank."""
        if self._ahead is not None and self._ahead.covers(name):
            sheet, flags = self._ahead.take(name)
        else:  # a sheet not announced (or announced and read again): read here, the workers ended
            self._stop_reading_ahead()
            sheet, flags = self._parse(name, self._checked(name))
        (r0, c0), pad = sheet.start, [""] * sheet.start[1]
        rows = ((pad + row) for row in sheet.iter_rows()) if c0 else sheet.iter_rows()
        if not flags:  # the common case, kept lean: calamine's own iterator, no Python step per row
            return chain([[] for _ in range(r0)], rows) if r0 else rows
        return (self._flag_row(row, flags.get(r))
                for r, row in enumerate(chain([[] for _ in range(r0)], rows), start=1))

    def _flagged(self, name: str) -> dict[int, dict[int, object]]:
        """Error cells and formulas without a result (calamine reads both as blank)."""
        part = self.pkg.sheet_part(name)
        tail, pfx, hit = b"", None, False
        for chunk in self.pkg.stream(part):  # to its end: every limit is checked before calamine reads it
            if not hit:
                if pfx is None:
                    pfx = prefix_of(chunk)
                hit = may_hold_flagged_cells(tail + chunk, pfx)
                tail = chunk[-8:]
        return flagged_cells(self.pkg.read(part)) if hit else {}

    @staticmethod
    def _flag_row(row: list[Any], cells: dict[int, object] | None) -> list[Any]:
        if not cells:
            return row
        row = list(row)
        for c, value in cells.items():
            if c > len(row):
                row.extend([""] * (c - len(row)))
            row[c - 1] = value
        return row

    def read_grid(self, name: str) -> list[list[Any]]:
        return list(self.read_rows(name))

    # ----------------------------------------------------------------- styles
    @property
    def styles(self) -> Styles:
        if self._styles is None:
            part = self.pkg.part_of_type(STYLES_REL)
            if part is None:
                raise PackageError("workbook has no styles part")
            self._styles = Styles(self.pkg.read(part), part)
        return self._styles

    def style(self, name: str) -> int:
        return self.styles.xf(STYLES[name])

    # ----------------------------------------------------------------- writing
    def _for(self, name: str) -> _Pending:
        return self._pending.setdefault(self.pkg.sheet_part(name), _Pending())

    def _dates(self, values: list[Any]) -> list[Any]:
        """Values as the workbook stores them: dates in its own date system (calamine reads either)."""
        if not self.date1904:
            return values
        return [Styled(serials_1904(v.value), v.style) if isinstance(v, Styled) else serials_1904(v) for v in values]

    def write_columns(self, name: str, blocks: list[ColumnBlock]) -> None:
        pending = self._for(name)
        if self.date1904:
            blocks = [replace(b, values=self._dates(b.values)) for b in blocks]
        for b in blocks:
            pending.defaults[b.col] = self.style(kind_style(b.kind, "computed_"))
            if b.header is not None and b.header_row is not None:
                pending.updates.setdefault(b.header_row, {})[b.col] = (b.header, self.style("header_computed"))
        if blocks:
            pending.last_col = max(pending.last_col or 0, *(b.col for b in blocks))
            pending.last_row = max(pending.last_row or 0, *(b.first_row + len(b.values) - 1 for b in blocks))
        for first in sorted({b.first_row for b in blocks}):
            columns = {b.col: b.values for b in blocks if b.first_row == first}
            pending.blocks.append(column_updates(first, columns))
            pending.columns.append((first, columns))

    def append_rows(self, name: str, rows: AppendRows) -> None:
        if not rows.rows:
            return
        # Appended rows are cell updates like any other: they go into the rows that already
        # exist there (empty rows a user or LibreOffice formatted keep their style), and missing
        # rows are inserted in order, so <row r> stays strictly ascending.
        pending = self._for(name)
        if rows.headers and rows.header_row is not None:  # declared columns the sheet lacked
            header = self.style("header")
            pending.updates.setdefault(rows.header_row, {}).update({c: (h, header) for c, h in rows.headers.items()})
            pending.last_col = max(pending.last_col or 0, *rows.headers)
        for c, k in zip(rows.columns, rows.kinds):
            pending.defaults.setdefault(c, self.style(kind_style(k)))
        for i, row in enumerate(rows.rows):
            cells = {c: (v, None) for c, v in zip(rows.columns, self._dates(row)) if v is not None}
            if cells:
                pending.updates.setdefault(rows.first_row + i, {}).update(cells)
        pending.last_row = max(pending.last_row or 0, rows.first_row + len(rows.rows) - 1)
        pending.grow = (rows.first_row - 1, pending.last_row)

    def set_highlights(self, name: str, cells: dict[str, list[tuple[int, int]]]) -> None:
        part = self.pkg.sheet_part(name)
        if not any(cells.values()) and part not in self._pending and \
                not self.pkg.contains(part, HIGHLIGHT_MARKER.encode()):
            return  # nothing to add and nothing to clear: the part is not even read
        dxf = {sev: self.styles.dxf_fill(HIGHLIGHT_FILLS[sev]) for sev, where in cells.items() if where}
        self._for(name).highlights = (cells, dxf)

    def replace_sheet(self, sheet: OutputSheet) -> None:
        if self.date1904:
            sheet = replace(sheet, rows=[self._dates(row) for row in sheet.rows])
        old = None
        if sheet.name in self.sheet_names():
            if sheet.name in self.chart_sheets():
                raise PackageError(f"'{sheet.name}' is a chart sheet; it is never written as a worksheet")
            part = self.pkg.sheet_part(sheet.name)
            old = self.pkg.read(part)
            if _FORMULA.search(old):  # any prefix: <f>, <x:f t="shared"…>
                self._formula_overwritten = True
            code = _CODE_NAME.search(old)  # the sheet's VBA document module stays its own
            code_name = code.group(1).decode() if code else None
        else:
            part = self.pkg.add_sheet(sheet.name, b"")
            code_name = None
        drawing = charts.graft(self.pkg, part, sheet)
        # compressed as it is rendered; an output sheet whose figures did not move keeps its part
        # as it was, bytes and all
        self.pkg.write_chunks(part, render_parts(sheet, self.style, code_name, drawing), unless=old)
        marks.mark(self.pkg, sheet.key, sheet.name)
        self._sheet_setup(sheet)

    def _sheet_setup(self, sheet: OutputSheet) -> None:
        """The tab's state (shown or hidden) and print area, in workbook.xml."""
        wb = self.pkg.workbook_part
        edits = []
        if sheet.hidden:  # a tab the user hid or showed is otherwise left as it is
            edits.append(lambda x: with_sheet_state(x, sheet.name, True, self.pkg.workbook_part))
        if sheet.print_area:
            r1, c1, r2, c2 = sheet.print_area
            area = f"${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"
            edits.append(lambda x: with_print_area(x, sheet.name, area, part=self.pkg.workbook_part))
        if sheet.repeat_rows:
            first, last = sheet.repeat_rows
            edits.append(lambda x: with_print_area(x, sheet.name, f"${first}:${last}", "_xlnm.Print_Titles",
                                                   part=self.pkg.workbook_part))
        for edit in edits:
            xml = edit(self.pkg.read(wb))
            if xml is not None:
                self.pkg.write(wb, xml)

    def owned_sheets(self) -> dict[str, str]:
        return marks.owned_sheets(self.pkg)

    def chart_sheets(self) -> set[str]:
        return marks.chart_sheets(self.pkg)

    def finish_sheet(self, name: str) -> None:
        """Stream the sheet once through its recorded edits into the package."""
        part = self.pkg.sheet_part(name)
        pending = self._pending.pop(part, None)
        if pending is None:
            return
        edits = pending.edits()
        if edits.update_rows and self.pkg.contains(part, b't="shared"'):
            edits.shared = dissolved(self.pkg.read(part), lambda r, c: c in (edits.rows(r) or {}))
            self._formula_overwritten |= bool(edits.shared)
        self.pkg.write_stream(part, rewrite(self.pkg.stream(part), edits))
        if edits.grow is not None:
            tables.grow_tables(self.pkg, part, *edits.grow)
            tables.grow_defined_names(self.pkg, name, *edits.grow)
        self._formula_overwritten |= edits.removed_formula

    def save(self) -> None:
        for part in list(self._pending):
            self.finish_sheet(next(n for n, p in self.pkg.sheets() if p == part))
        if self._styles is not None and self._styles.changed:
            self.pkg.write(self.pkg.part_of_type(STYLES_REL), self._styles.to_bytes())  # type: ignore[arg-type]
        if self._formula_overwritten:
            self.pkg.drop_calc_chain()
        self.pkg.save()

    def close(self) -> None:
        self.pkg.close()
