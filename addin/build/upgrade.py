"""Bring an existing workbook's macros up to date, and tell RunPython which Python to start.

`crm update-vba PATH` replaces the VBA project (the add-in's modules and the installed xlwings'
RunPython module) and the ribbon, keeping one document module per sheet code name; every other
part stays byte-identical. `crm setup PATH` (and `crm new`) add the ``xlwings.conf`` sheet.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

from python_calamine import CalamineWorkbook

from sheets_schema import Lang

from ..io.package import Package, PackageError
from ..io.sheet_stream import Edits, rewrite
from ..io.sheet_xml import row_xml
from . import vba_read
from .vba_project import build_vba_project, modules_for
from .workbook import RIBBON_PART, RIBBON_REL, ribbon_xml
from .xlwings_conf import CONF_SHEET, KEYS, interpreters, read_block, rows as conf_rows

VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
_CODE_NAME = re.compile(rb'<(?:\w+:)?sheetPr\b[^>]*?\bcodeName="([^"]*)"')
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def vba_part(pkg: Package) -> str | None:
    for _, typ, target in pkg.rels(pkg.workbook_part):
        if typ == VBA_REL:
            return target
    return None


def code_names(pkg: Package) -> list[str]:
    """The code names of the workbook's sheets, in tab order (sheets without one have none)."""
    out = []
    for _, part in pkg.sheets():
        head = next(pkg.stream(part, 1 << 14), b"")
        m = _CODE_NAME.search(head)
        if m:
            out.append(m.group(1).decode())
    return out


def update_vba(path: Path, lang: Lang = "zh", *, force: bool = False, extra_sheet: tuple[str, bytes] | None = None
               ) -> tuple[str | None, str]:
    """Replace the VBA project and the ribbon; returns (old xlwings version, new one).

    Refuses (PackageError) a workbook without a VBA project, and one whose project holds
    modules of the user's own unless ``force``: those would be lost."""
    pkg = Package(path)
    try:
        part = vba_part(pkg)
        if part is None:
            raise PackageError("no VBA project: not a macro-enabled workbook (.xlsm); make one with crm new")
        old = vba_read.read(pkg.read(part))
        codes = code_names(pkg)
        if extra_sheet is not None:
            name, xml = extra_sheet
            codes.append(_CODE_NAME.search(xml).group(1).decode())
        ours = {m.name for m in modules_for(codes)}
        own = [m for m in old.modules if m not in ours and m not in old.document_modules]
        if own and not force:
            raise PackageError("the VBA project holds modules of your own (" + ", ".join(own) + "), which "
                               "would be lost: export them in the VBA editor first, then use --force")
        if extra_sheet is not None:
            pkg.add_sheet(*extra_sheet)
        new = build_vba_project(tuple(codes))
        pkg.write(part, new)
        pkg.write(RIBBON_PART, ribbon_xml(lang))
        if not any(typ == RIBBON_REL for _, typ, _ in pkg.rels("")):
            pkg.add_rel("", RIBBON_REL, RIBBON_PART)
        version = vba_read.read(new).xlwings_version or "?"
        pkg.save()
        return old.xlwings_version, version
    finally:
        pkg.close()


def conf_sheet_xml(values: dict[str, str], code_name: str, lang: Lang = "zh") -> bytes:
    body = b"".join(row_xml(r, [(1, k, None), (2, v, None)], b"")
                    for r, (k, v) in enumerate(conf_rows(values, lang), 1))
    return (f'<worksheet xmlns="{_MAIN}"><sheetPr codeName="{code_name}"/><sheetData>'.encode() + body
            + b'</sheetData></worksheet>')


def setup(path: Path, lang: Lang = "zh", *, values: dict[str, str] | None = None,
          force: bool = False) -> dict[str, str]:
    """Write the interpreters RunPython starts into the xlwings.conf sheet: in place when the
    workbook has the sheet (every other row kept), else as a new sheet (and the VBA project brought
    up to date, so the new sheet has its document module). Returns the values written."""
    values = values or interpreters()
    pkg = Package(path)
    try:
        names = [n for n, _ in pkg.sheets()]
        codes = set(code_names(pkg))
    finally:
        pkg.close()
    if CONF_SHEET in names:
        update_conf(path, values)
        return values
    n = 1
    while f"Sheet{n}" in codes:
        n += 1
    update_vba(path, lang, force=force, extra_sheet=(CONF_SHEET, conf_sheet_xml(values, f"Sheet{n}", lang)))
    return values


def update_conf(path: Path, values: dict[str, str]) -> None:
    """Set the values of ``values``' keys in the existing xlwings.conf sheet, in place: a key
    xlwings reads (same name in any case, within the block from A1 down) gets its column B
    rewritten; a missing key is added right below the block, where xlwings reads it too.
    Every other cell, row and key of the sheet is kept."""
    pkg = Package(path)
    try:
        grid = CalamineWorkbook.from_filelike(io.BytesIO(pkg.data)).get_sheet_by_name(CONF_SHEET).to_python(
            skip_empty_area=False)
        _, repeated, n = read_block(grid)
        if repeated:
            raise PackageError(f"'{CONF_SHEET}' names {', '.join(repeated)} twice in column A (xlwings stops at "
                               "a repeated key): delete one of the rows, then run crm setup again")
        at = {str(row[0]).upper(): r for r, row in enumerate(grid[:n], start=1)}
        updates: dict[int, dict[int, tuple[object, int | None]]] = {}
        below = n + 1
        for key, value in values.items():
            r = at.get(key.upper())
            if r is None:
                updates[below] = {1: (key, None), 2: (value, None)}
                below += 1
            else:
                updates[r] = {2: (value, None)}
        part = pkg.sheet_part(CONF_SHEET)
        edits = Edits(rows=updates.get, update_rows=sorted(updates), last_row=max(updates, default=None),
                      last_col=2)
        pkg.write_stream(part, rewrite(pkg.stream(part), edits))
        pkg.save()
    finally:
        pkg.close()


__all__ = ["CONF_SHEET", "KEYS", "code_names", "interpreters", "setup", "update_conf", "update_vba"]
