"""workbook.xml: the tabs, in order, and a new tab's entry."""
from __future__ import annotations

from lxml import etree

from .opc import DOC_REL_NS


def sheet_entries(xml: bytes) -> list[tuple[str, str]]:
    """(tab name, relationship Id) of every sheet, in tab order."""
    out = []
    for el in etree.fromstring(xml).iter():
        if isinstance(el.tag, str) and etree.QName(el).localname == "sheet":
            out.append((el.get("name"), el.get(f"{{{DOC_REL_NS}}}id")))
    return out


def with_sheet(xml: bytes, name: str, rid: str) -> bytes:
    """workbook.xml with a sheet entry appended (the next free sheetId)."""
    root = etree.fromstring(xml)
    main = etree.QName(root).namespace
    sheets = root.find(f"{{{main}}}sheets")
    ids = [int(el.get("sheetId", "0")) for el in sheets]
    el = etree.SubElement(sheets, f"{{{main}}}sheet", nsmap={"r": DOC_REL_NS})
    el.set("name", name)
    el.set("sheetId", str(max(ids, default=0) + 1))
    el.set(f"{{{DOC_REL_NS}}}id", rid)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
