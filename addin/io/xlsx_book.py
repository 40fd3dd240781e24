"""The headless engine: reads with python-calamine, writes by editing only owned parts."""
from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from .model import STYLES, AppendRows, ColumnBlock, OutputSheet, kind_style
from .package import STYLES_REL, Package, PackageError, lock_file
from .render import render_sheet
from .sheet_xml import append_rows, edit_cells, set_columns, set_highlights
from .styles_xml import Styles
from .model import HIGHLIGHT_FILLS


class XlsxBook:
    """A workbook file. Nothing reaches the disk until :meth:`save`, which is atomic."""

    def __init__(self, path: str | Path, *, writable: bool = True) -> None:
        self.path = Path(path)
        self.label = self.path.name
        if writable:
            lock = lock_file(self.path)
            if lock is not None:
                raise PackageError(f"open in Excel (lock file {lock.name}); close it there first")
        self.pkg = Package(self.path)
        try:
            self._cal = CalamineWorkbook.from_filelike(io.BytesIO(self.pkg.data))
        except Exception as exc:  # calamine raises its own error types
            raise PackageError(f"cannot be read as a workbook ({exc})") from None
        self._xml: dict[str, bytes] = {}
        self._styles: Styles | None = None
        self._formula_overwritten = False

    # ----------------------------------------------------------------- reading
    def sheet_names(self) -> list[str]:
        return [n for n, _ in self.pkg.sheets()]

    def read_grid(self, name: str) -> list[list[Any]]:
        sheet = self._cal.get_sheet_by_name(name)
        return sheet.to_python(skip_empty_area=False)

    # ----------------------------------------------------------------- writing
    def _sheet_xml(self, name: str) -> tuple[str, bytes]:
        part = self.pkg.sheet_part(name)
        if part not in self._xml:
            self._xml[part] = self.pkg.read(part)
        return part, self._xml[part]

    @property
    def styles(self) -> Styles:
        if self._styles is None:
            part = self.pkg.part_of_type(STYLES_REL)
            if part is None:
                raise PackageError("workbook has no styles part")
            self._styles = Styles(self.pkg.read(part))
        return self._styles

    def style(self, name: str) -> int:
        return self.styles.xf(STYLES[name])

    def write_columns(self, name: str, blocks: list[ColumnBlock]) -> None:
        part, xml = self._sheet_xml(name)
        defaults = {b.col: self.style(kind_style(b.kind, "computed_")) for b in blocks}
        headers = {b.header_row: {} for b in blocks if b.header is not None}
        for b in blocks:
            if b.header is not None and b.header_row is not None:
                headers[b.header_row][b.col] = (b.header, self.style("header_computed"))
        if headers:
            xml, removed = edit_cells(xml, headers, defaults)
            self._formula_overwritten |= removed
        for first in sorted({b.first_row for b in blocks}):
            group = {b.col: b.values for b in blocks if b.first_row == first}
            xml, removed = set_columns(xml, first, group, defaults)
            self._formula_overwritten |= removed
        self._xml[part] = xml

    def append_rows(self, name: str, rows: AppendRows) -> None:
        if not rows.rows:
            return
        part, xml = self._sheet_xml(name)
        styles = [self.style(kind_style(k)) for k in rows.kinds]
        cells = [[(c, v, s) for c, v, s in zip(rows.columns, row, styles) if v is not None]
                 for row in rows.rows]
        self._xml[part] = append_rows(xml, rows.first_row, cells)

    def replace_sheet(self, sheet: OutputSheet) -> None:
        xml = render_sheet(sheet, self.style)
        if sheet.name in self.sheet_names():
            part, old = self._sheet_xml(sheet.name)
            if b"<f>" in old or b"<f " in old:
                self._formula_overwritten = True
            self._xml[part] = xml
        else:
            part = self.pkg.add_sheet(sheet.name, xml)
            self._xml[part] = xml

    def set_highlights(self, name: str, cells: dict[str, list[tuple[int, int]]]) -> None:
        part, xml = self._sheet_xml(name)
        dxf = {sev: self.styles.dxf_fill(HIGHLIGHT_FILLS[sev]) for sev, where in cells.items() if where}
        self._xml[part] = set_highlights(xml, cells, dxf)

    def save(self) -> None:
        for part, xml in self._xml.items():
            if not self.pkg.has(part) or self.pkg.read(part) != xml:
                self.pkg.write(part, xml)
        if self._styles is not None and self._styles.changed:
            self.pkg.write(self.pkg.part_of_type(STYLES_REL), self._styles.to_bytes())  # type: ignore[arg-type]
        if self._formula_overwritten:
            self.pkg.drop_calc_chain()
        self.pkg.save()

    def close(self) -> None:
        self.pkg.close()
