"""Find or add the cell formats the add-in needs in xl/styles.xml.

Lookups are by content, so repeated runs reuse what an earlier run added and
styles.xml is only rewritten when something new was needed.
"""
from __future__ import annotations

from copy import deepcopy

from lxml import etree

from ..writes import StyleSpec
from .xml_parts import element_list, elements, local, parse, to_bytes

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs",
          "tableStyles", "colors", "extLst")
BUILTIN_FMTS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


def _q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def _el(tag: str, **attrs: str) -> etree._Element:
    """A new element in the default namespace (no generated ns0: prefix)."""
    return etree.Element(_q(tag), attrs, nsmap={None: NS})


def _canon(el: etree._Element) -> bytes:
    return etree.tostring(el, method="c14n", exclusive=True)


class Styles:
    def __init__(self, xml: bytes, part: str = "xl/styles.xml") -> None:
        self.root = parse(xml, part)
        self._xf_cache: dict[StyleSpec, int] = {}
        self._known: dict[str, dict[bytes, int]] = {}  # section → canonical entry → its index
        self._seed_defaults()
        self.changed = False  # seeding alone is no reason to rewrite the part

    def _seed_defaults(self) -> None:
        """Give an empty section its default entry 0 first (minimal writers emit ``<styleSheet/>``):
        otherwise the add-in's first style would land at index 0, the format every unstyled
        cell of the workbook shows."""
        defaults = {
            "fonts": ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'],
            "fills": ['<fill><patternFill patternType="none"/></fill>',
                      '<fill><patternFill patternType="gray125"/></fill>'],
            "borders": ["<border><left/><right/><top/><bottom/><diagonal/></border>"],
            "cellStyleXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'],
            "cellXfs": ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'],
        }
        for name, items in defaults.items():
            sec = self._section(name)
            if element_list(sec):
                continue
            for child in etree.fromstring(f'<w xmlns="{NS}">{"".join(items)}</w>'):
                sec.append(child)
            sec.set("count", str(len(element_list(sec))))
        styles = self._section("cellStyles")
        if not element_list(styles):
            styles.append(etree.fromstring(f'<cellStyle xmlns="{NS}" name="Normal" xfId="0" builtinId="0"/>'))
            styles.set("count", "1")

    def _section(self, name: str) -> etree._Element:
        el = self.root.find(_q(name))
        if el is None:
            el = _el(name)
            idx = _ORDER.index(name)
            pos = 0
            for i, child in enumerate(self.root):
                name_i = local(child)
                if name_i in _ORDER and _ORDER.index(name_i) < idx:
                    pos = i + 1
            self.root.insert(pos, el)
            self.changed = True
        return el

    def _find_or_add(self, section: str, el: etree._Element) -> int:
        sec = self._section(section)
        want = _canon(el)
        known = self._known.get(section)
        if known is None:  # each entry canonicalised once, not once per lookup (the first of equals wins)
            known = self._known[section] = {}
            for i, child in enumerate(element_list(sec)):
                known.setdefault(_canon(child), i)
        if want in known:
            return known[want]
        n = len(element_list(sec))
        sec.append(el)
        sec.set("count", str(n + 1))
        self.changed = True
        known[want] = n
        return n

    def num_fmt(self, code: str | None) -> int:
        if not code:
            return 0
        if code in BUILTIN_FMTS:
            return BUILTIN_FMTS[code]
        sec = self._section("numFmts")
        ids = [164]
        for nf in elements(sec):
            if nf.get("formatCode") == code:
                return int(nf.get("numFmtId"))
            ids.append(int(nf.get("numFmtId")) + 1)
        nid = max(ids)
        etree.SubElement(sec, _q("numFmt"), numFmtId=str(nid), formatCode=code)
        sec.set("count", str(len(element_list(sec))))
        self.changed = True
        return nid

    def _font(self, spec: StyleSpec) -> int:
        first = next(elements(self._section("fonts")), None)
        base = deepcopy(first) if first is not None else _el("font")
        for tag in ("b", "i"):
            for e in base.findall(_q(tag)):
                base.remove(e)
        if spec.italic:
            base.insert(0, _el("i"))
        if spec.bold:
            base.insert(0, _el("b"))
        if spec.size:
            sz = base.find(_q("sz"))
            if sz is None:
                sz = etree.SubElement(base, _q("sz"))
            sz.set("val", f"{spec.size:g}")
        if spec.color:
            c = base.find(_q("color"))
            if c is None:
                c = _el("color")
                sz = base.find(_q("sz"))
                (sz.addnext(c) if sz is not None else base.append(c))
            c.attrib.clear()
            c.set("rgb", "FF" + spec.color)
        if not (spec.bold or spec.italic or spec.size or spec.color):
            return 0
        return self._find_or_add("fonts", base)

    def _fill(self, rgb: str | None) -> int:
        if not rgb:
            return 0
        fill = _el("fill")
        pf = etree.SubElement(fill, _q("patternFill"), patternType="solid")
        etree.SubElement(pf, _q("fgColor"), rgb="FF" + rgb)
        etree.SubElement(pf, _q("bgColor"), indexed="64")
        return self._find_or_add("fills", fill)

    def _border(self, kind: str | None) -> int:
        if not kind:
            return 0
        b = _el("border")
        for side in ("left", "right", "top", "bottom"):
            e = etree.SubElement(b, _q(side))
            if kind == "all" or kind == side:
                e.set("style", "thin")
                etree.SubElement(e, _q("color"), indexed="64")
        etree.SubElement(b, _q("diagonal"))
        return self._find_or_add("borders", b)

    def xf(self, spec: StyleSpec) -> int:
        """Index in cellXfs of a format matching ``spec`` (added when missing)."""
        if spec in self._xf_cache:
            return self._xf_cache[spec]
        xf = _el("xf")
        attrs = {
            "numFmtId": str(self.num_fmt(spec.num_fmt)),
            "fontId": str(self._font(spec)),
            "fillId": str(self._fill(spec.fill)),
            "borderId": str(self._border(spec.border)),
            "xfId": "0",
        }
        for k, v in attrs.items():
            xf.set(k, v)
        if spec.num_fmt:
            xf.set("applyNumberFormat", "1")
        if attrs["fontId"] != "0":
            xf.set("applyFont", "1")
        if spec.fill:
            xf.set("applyFill", "1")
        if spec.border:
            xf.set("applyBorder", "1")
        if spec.align or spec.valign or spec.wrap:
            xf.set("applyAlignment", "1")
            al = etree.SubElement(xf, _q("alignment"))
            if spec.align:
                al.set("horizontal", spec.align)
            if spec.valign:
                al.set("vertical", spec.valign)
            if spec.wrap:
                al.set("wrapText", "1")
        idx = self._find_or_add("cellXfs", xf)
        self._xf_cache[spec] = idx
        return idx

    def dxf_fill(self, rgb: str) -> int:
        """A differential format with only a fill (for highlights)."""
        dxf = _el("dxf")
        fill = etree.SubElement(dxf, _q("fill"))
        pf = etree.SubElement(fill, _q("patternFill"))
        etree.SubElement(pf, _q("bgColor"), rgb="FF" + rgb)
        return self._find_or_add("dxfs", dxf)

    def to_bytes(self) -> bytes:
        # no namespace clean-up: a prefix named only in mc:Ignorable (x14ac x16r2 xr) looks unused
        # to lxml, and dropping its declaration makes Excel report the workbook as damaged
        return to_bytes(self.root)
