"""workbook.xml: the tabs, in order, and a new tab's entry."""
from __future__ import annotations

from lxml import etree

from ..cells import sheet_ref
from .opc import DOC_REL_NS
from .xml_parts import element_list, local, parse, to_bytes

PART = "xl/workbook.xml"


def sheet_entries(xml: bytes, part: str = PART) -> list[tuple[str, str]]:
    """(tab name, relationship Id) of every sheet, in tab order."""
    out = []
    for el in parse(xml, part).iter():
        if local(el) == "sheet":
            out.append((el.get("name"), el.get(f"{{{DOC_REL_NS}}}id")))
    return out


def with_sheet(xml: bytes, name: str, rid: str, part: str = PART) -> bytes:
    """workbook.xml with a sheet entry appended (the next free sheetId)."""
    root = parse(xml, part)
    main = etree.QName(root).namespace
    sheets = root.find(f"{{{main}}}sheets")
    ids = [int(el.get("sheetId", "0")) for el in element_list(sheets)]
    el = etree.SubElement(sheets, f"{{{main}}}sheet", nsmap={"r": DOC_REL_NS})
    el.set("name", name)
    el.set("sheetId", str(max(ids, default=0) + 1))
    el.set(f"{{{DOC_REL_NS}}}id", rid)
    return to_bytes(root)


def with_sheet_state(xml: bytes, name: str, hidden: bool, part: str = PART) -> bytes | None:
    """workbook.xml with the tab shown or hidden (None: it already is). A hidden tab is never the
    active one (Excel would show it)."""
    root = parse(xml, part)
    main = etree.QName(root).namespace
    sheets = element_list(root.find(f"{{{main}}}sheets"))
    el = next(e for e in sheets if e.get("name") == name)
    if (el.get("state") == "hidden") == hidden:
        return None
    if hidden:
        el.set("state", "hidden")
        view = root.find(f"{{{main}}}bookViews/{{{main}}}workbookView")
        pos = sheets.index(el)
        if view is not None and int(view.get("activeTab", "0")) == pos:
            visible = [i for i, e in enumerate(sheets) if e.get("state") in (None, "visible") and i != pos]
            view.set("activeTab", str(visible[0] if visible else 0))
    else:
        del el.attrib["state"]
    return to_bytes(root)


def defined_names(root: etree._Element) -> etree._Element:
    """workbook.xml's <definedNames>, added where CT_Workbook wants it when missing: after sheets,
    functionGroups and externalReferences, before calcPr."""
    main = etree.QName(root).namespace
    names = root.find(f"{{{main}}}definedNames")
    if names is None:
        names = etree.Element(f"{{{main}}}definedNames")
        anchor = root.find(f"{{{main}}}sheets")
        for tag in ("functionGroups", "externalReferences"):
            found = root.find(f"{{{main}}}{tag}")
            if found is not None:
                anchor = found
        anchor.addnext(names)
    return names


def _unquoted(ref: str | None) -> str | None:
    """A sheet reference with its sheet name unquoted: 'A''s'!$1:$2 and XlsxWriter's 校验结果!$1:$1
    (it leaves names of letters unquoted) name the same cells as 'A's'!$1:$2 and '校验结果'!$1:$1."""
    if ref is None or not ref.startswith("'"):
        return ref
    sheet, _, cells = ref[1:].rpartition("'!")
    return sheet.replace("''", "'") + "!" + cells


def with_print_area(xml: bytes, name: str, ref: str | None, defined: str = "_xlnm.Print_Area",
                    part: str = PART) -> bytes | None:
    """workbook.xml with the tab's print area (``_xlnm.Print_Area``) — or another built-in name of
    the sheet, such as its print titles (``_xlnm.Print_Titles``) — set to ``ref`` (None: removed);
    None when nothing changes."""
    root = parse(xml, part)
    main = etree.QName(root).namespace
    sheets = [e.get("name") for e in element_list(root.find(f"{{{main}}}sheets"))]
    local = str(sheets.index(name))
    names = root.find(f"{{{main}}}definedNames")
    old = [] if names is None else [e for e in element_list(names) if e.get("name") == defined
                                    and e.get("localSheetId") == local]
    want = None if ref is None else sheet_ref(name, ref)
    if [_unquoted(e.text) for e in old] == ([_unquoted(want)] if want else []):
        return None
    for e in old:
        names.remove(e)
    if want:
        names = defined_names(root)
        el = etree.SubElement(names, f"{{{main}}}definedName", name=defined, localSheetId=local)
        el.text = want
    return to_bytes(root)
