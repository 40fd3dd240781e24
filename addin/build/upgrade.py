"""Bring an existing workbook's macros up to date, and tell RunPython which Python to start.

`crm update-vba PATH` replaces the VBA project (the add-in's modules and the installed xlwings'
RunPython module) and the ribbon, keeping one document module per sheet code name; every other
part stays byte-identical. `crm setup PATH` (and `crm new`) add the ``xlwings.conf`` sheet.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path, PureWindowsPath

from sheets_schema import Lang

from ..io.package import Package, PackageError
from ..io.sheet_xml import row_xml
from . import vba_read
from .vba_project import build_vba_project, modules_for
from .workbook import RIBBON_PART, RIBBON_REL, ribbon_xml

VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CONF_SHEET = "xlwings.conf"
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


def interpreters(platform: str = sys.platform, executable: str = sys.executable) -> dict[str, str]:
    """Interpreter_Win / Interpreter_Mac for xlwings.conf: the running Python on its own system
    (pythonw on Windows: no console window), a python.org install's path on the other."""
    win, mac = r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe", "/usr/local/bin/python3"
    if platform.startswith("win"):
        exe = PureWindowsPath(executable)
        win = str(exe.with_name("pythonw.exe")) if exe.name.lower() == "python.exe" else executable
    elif platform == "darwin":
        mac = executable
    return {"Interpreter_Win": win, "Interpreter_Mac": mac}


def conf_sheet_xml(values: dict[str, str], code_name: str) -> bytes:
    body = b"".join(row_xml(r, [(1, k, None), (2, v, None)], b"") for r, (k, v) in enumerate(values.items(), 1))
    return (f'<worksheet xmlns="{_MAIN}"><sheetPr codeName="{code_name}"/><sheetData>'.encode() + body
            + b'</sheetData></worksheet>')


def setup(path: Path, lang: Lang = "zh", *, values: dict[str, str] | None = None,
          force: bool = False) -> dict[str, str]:
    """Add the xlwings.conf sheet naming the interpreter RunPython starts (and bring the VBA
    project up to date, so the new sheet has its document module). Returns the values written."""
    values = values or interpreters()
    pkg = Package(path)
    try:
        names = [n for n, _ in pkg.sheets()]
        codes = set(code_names(pkg))
    finally:
        pkg.close()
    if CONF_SHEET in names:
        raise PackageError(f"the workbook already has a '{CONF_SHEET}' sheet; edit it there")
    n = 1
    while f"Sheet{n}" in codes:
        n += 1
    update_vba(path, lang, force=force, extra_sheet=(CONF_SHEET, conf_sheet_xml(values, f"Sheet{n}")))
    return values


__all__ = ["CONF_SHEET", "code_names", "interpreters", "setup", "update_vba"]
