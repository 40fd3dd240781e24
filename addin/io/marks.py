"""Which sheets are the add-in's own: a hidden defined name per output sheet.

``_crm_out.<key>`` refers to cell A1 of the sheet the add-in regenerates for that output;
Excel keeps the reference right when the sheet is renamed, so ownership follows the sheet,
never its name. Another sheet that happens to carry an output's name is the user's.
"""
from __future__ import annotations

import re

from lxml import etree

from ..cells import sheet_ref
from .opc import DOC_REL_NS
from .package import Package
from .workbook_xml import defined_names
from .xml_parts import element_list, local, parse, to_bytes

PREFIX = "_crm_out."
CHARTSHEET_REL = DOC_REL_NS + "/chartsheet"
_REF = re.compile(r"^'?(.*?)'?!\$?A\$?1$")


def _root(pkg: Package) -> etree._Element:
    return parse(pkg.read(pkg.workbook_part), pkg.workbook_part)


def owned_sheets(pkg: Package) -> dict[str, str]:
    """Output key → tab name, for every mark that still points at a sheet."""
    names = {n for n, _ in pkg.sheets()}
    out: dict[str, str] = {}
    for el in _root(pkg).iter():
        if local(el) != "definedName":
            continue
        name = el.get("name") or ""
        if not name.startswith(PREFIX):
            continue
        m = _REF.match((el.text or "").strip())
        if m:
            tab = m.group(1).replace("''", "'")
            if tab in names:
                out[name[len(PREFIX):]] = tab
    return out


def chart_sheets(pkg: Package) -> set[str]:
    """Tabs that are chart sheets (never written as worksheets)."""
    types = {target: typ for _, typ, target in pkg.rels(pkg.workbook_part)}
    return {n for n, part in pkg.sheets() if types.get(part, "").endswith("/chartsheet")}


def mark(pkg: Package, key: str, tab: str) -> None:
    """Record that ``tab`` is the add-in's sheet for output ``key`` (replacing an older mark)."""
    root = _root(pkg)
    main = etree.QName(root).namespace
    names = defined_names(root)
    ref = sheet_ref(tab, "$A$1")
    for el in element_list(names):
        if el.get("name") == PREFIX + key:
            if el.text == ref and el.get("localSheetId") is None:
                return
            names.remove(el)
    el = etree.SubElement(names, f"{{{main}}}definedName", name=PREFIX + key, hidden="1")
    el.text = ref
    # defined names are kept sorted by Excel; order does not matter to readers
    pkg.write(pkg.workbook_part, to_bytes(root))
