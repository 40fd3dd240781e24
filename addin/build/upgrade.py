"""Bring an existing workbook's macros up to date, and tell RunPython which Python to start.

`crm update-vba PATH` replaces the VBA project (the add-in's modules and the installed xlwings'
RunPython module) and the ribbon, keeping one document module per sheet code name; every other
part stays byte-identical. `crm setup PATH` (and `crm new`) add the ``xlwings.conf`` sheet.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, replace
from pathlib import Path

from python_calamine import CalamineWorkbook

from sheets_schema import Lang

from ..io.package import Package, PackageError
from ..io.sheet_stream import Edits, rewrite
from ..io.sheet_xml import row_xml
from . import vba_read
from .vba_project import CODEPAGE, Module, build_vba_project, modules_for, project_bytes
from .workbook import RIBBON_PART, RIBBON_REL, ribbon_xml
from .xlwings_conf import CONF_SHEET, KEYS, interpreters, mac_fix, mac_unsafe, read_block, rows as conf_rows

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


@dataclass(frozen=True)
class Upgrade:
    old_version: str | None
    new_version: str
    kept: tuple[str, ...]  # document modules whose code was carried into the new project
    dropped: tuple[str, ...]  # modules lost (only with force)


#: the attributes the add-in writes for a document module; any other one heading a module (an
#: ActiveX control's VB_Control line) is carried with the code
_DOC_ATTRS = {"VB_Name", "VB_Base", "VB_GlobalNameSpace", "VB_Creatable", "VB_PredeclaredId", "VB_Exposed",
              "VB_TemplateDerived", "VB_Customizable"}


def _carried(doc: Module, old_source: str) -> Module:
    """``doc`` (the add-in's document module) with the user's code of ``old_source`` after it."""
    lines = old_source.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("Attribute VB_"):
        i += 1
    extra = [ln for ln in lines[:i] if ln[len("Attribute "):].split("=")[0].strip() not in _DOC_ATTRS]
    body = "\r\n".join(extra + lines[i:])
    return replace(doc, source=doc.source + body + ("" if body.endswith("\r\n") else "\r\n"))


def update_vba(path: Path, lang: Lang = "zh", *, force: bool = False, extra_sheet: tuple[str, bytes] | None = None
               ) -> Upgrade:
    """Replace the VBA project and the ribbon, carrying the code of the document modules
    (ThisWorkbook, the sheets' modules) into the new project.

    Refuses (PackageError) a workbook without a VBA project, and, unless ``force``, one whose
    project holds code the new project cannot carry: modules of the user's own (standard, class,
    form), a document module with code whose sheet is gone, or code the project's code page
    cannot hold. The previous file is kept as NAME.YYYYMMDD-HHMMSS.bak (the newest five)."""
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
        mods = modules_for(codes)
        ours = {m.name: m for m in mods}
        own = [m for m in old.modules if m not in ours and m not in old.document_modules]
        lost = [f"{m} (your own module: export it in the VBA editor first)" for m in own]
        codepage = old.codepage if vba_read.codec_known(old.codepage) else CODEPAGE
        kept = []
        for m in old.sources:
            if m.kind != "document":
                continue
            if m.source is None:
                lost.append(f"{m.name} (its code cannot be read)")
                continue
            if not vba_read.code_of(m.source).strip():
                continue
            target = ours.get(m.name)
            if target is None or target.kind != "document":
                lost.append(f"{m.name} (its sheet is no longer in the workbook)")
                continue
            carried = _carried(target, m.source)
            try:
                carried.source.encode(f"cp{codepage}")
            except UnicodeEncodeError:
                lost.append(f"{m.name} (its code does not fit the project's code page {codepage})")
                continue
            ours[m.name] = carried
            kept.append(m.name)
        if lost and not force:
            raise PackageError("the VBA project holds code the update cannot carry: " + "; ".join(lost)
                               + ". Copy it out in the VBA editor, then use --force")
        if extra_sheet is not None:
            pkg.add_sheet(*extra_sheet)
        mods = [ours[m.name] for m in mods]
        try:
            new = (project_bytes(mods, codepage) if kept or codepage != CODEPAGE
                   else build_vba_project(tuple(codes)))
        except UnicodeEncodeError:  # a sheet code name the code page cannot hold
            if codepage == CODEPAGE:
                raise PackageError("a sheet's code name cannot be written in the VBA project's code page") from None
            new = project_bytes(mods, CODEPAGE)
        pkg.write(part, new)
        pkg.write(RIBBON_PART, ribbon_xml(lang))
        if not any(typ == RIBBON_REL for _, typ, _ in pkg.rels("")):
            pkg.add_rel("", RIBBON_REL, RIBBON_PART)
        version = vba_read.read(new).xlwings_version or "?"
        pkg.save(backup="stamped")
        return Upgrade(old.xlwings_version, version, tuple(kept), tuple(own) + tuple(
            m.name for m in old.sources if m.kind == "document" and m.name not in kept and m.source is not None
            and vba_read.code_of(m.source).strip()))
    finally:
        pkg.close()


def conf_sheet_xml(values: dict[str, str], code_name: str, lang: Lang = "zh") -> bytes:
    body = b"".join(row_xml(r, [(1, k, None), (2, v, None)], b"")
                    for r, (k, v) in enumerate(conf_rows(values, lang), 1))
    return (f'<worksheet xmlns="{_MAIN}"><sheetPr codeName="{code_name}"/><sheetData>'.encode() + body
            + b'</sheetData></worksheet>')


def setup(path: Path, lang: Lang = "zh", *, values: dict[str, str] | None = None,
          force: bool = False) -> tuple[dict[str, str], Upgrade | None]:
    """Write the interpreters RunPython starts into the xlwings.conf sheet: in place when the
    workbook has the sheet (every other row kept), else as a new sheet (and the VBA project brought
    up to date, so the new sheet has its document module). Returns the values written."""
    values = values or interpreters()
    bad = mac_unsafe(values.get("Interpreter_Mac", ""))
    if bad is not None:
        raise PackageError(f"this Python's path {values['Interpreter_Mac']} has {bad!r}, which xlwings' AppleScript "
                           f"passes to the shell unquoted (the button would fail): {mac_fix(values['Interpreter_Mac'])}")
    pkg = Package(path)
    try:
        names = [n for n, _ in pkg.sheets()]
        codes = set(code_names(pkg))
    finally:
        pkg.close()
    if CONF_SHEET in names:
        update_conf(path, values)
        return values, None
    n = 1
    while f"Sheet{n}" in codes:
        n += 1
    done = update_vba(path, lang, force=force, extra_sheet=(CONF_SHEET, conf_sheet_xml(values, f"Sheet{n}", lang)))
    return values, done


def update_conf(path: Path, values: dict[str, str]) -> None:
    """Set the values of ``values``' keys in the existing xlwings.conf sheet, in place: a key
    xlwings reads (same name in any case, within the block from A1 down) gets its column B
    rewritten; a missing key is added right below the block, where xlwings reads it too.
    Every other cell, row and key of the sheet is kept."""
    pkg = Package(path)
    try:
        try:
            grid = CalamineWorkbook.from_filelike(io.BytesIO(pkg.data)).get_sheet_by_name(CONF_SHEET).to_python(
                skip_empty_area=False)
        except Exception as exc:  # calamine's own errors (a chart sheet of that name, a damaged part)
            raise PackageError(f"the '{CONF_SHEET}' sheet cannot be read ({exc})") from None
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
        pkg.save(backup="stamped")
    finally:
        pkg.close()


__all__ = ["CONF_SHEET", "KEYS", "Upgrade", "code_names", "interpreters", "setup", "update_conf", "update_vba"]
