"""The conformance check of a package the add-in wrote: the rules Excel applies when it opens a
file, checked without Excel (LibreOffice forgives what Excel refuses, so reopening there is no
test). ``tests/conftest.py`` runs it on every save the engine makes in any test.

1. the zip: no two members with one name (case-insensitively: one OPC part);
2. ``[Content_Types].xml`` and every ``.rels`` part valid against the OPC schemas; every part has a
   content type, every Override names a part, every internal relationship target exists, Ids are
   unique; the workbook's sheets name relationships of the workbook part;
3. every XML part: well-formed, and every prefix named in ``mc:Ignorable``, ``mc:MustUnderstand``
   or an ``mc:Choice``'s ``Requires`` declared in scope (the styles.xml bug: ``mc:Ignorable="x14ac
   x16r2 xr"`` with the declarations of x16r2 and xr cleaned away — Excel: "We found a problem
   with some content");
4. the SpreadsheetML parts (workbook, styles, worksheets; by default only those the add-in
   changed) after markup-compatibility processing — ignorable namespaces' elements and
   attributes dropped, each ``mc:AlternateContent`` replaced by the Choice a reader of the
   transitional schema takes (or its Fallback) — valid against the ECMA-376 transitional schemas
   (``tests/schemas/``), which also checks the element order of CT_Stylesheet, CT_Workbook and
   CT_Worksheet; that order is also checked on its own, for a message naming the misplaced element.
"""
from __future__ import annotations

import io
import posixpath
import zipfile
from functools import cache
from pathlib import Path

from lxml import etree

from addin.io.opc import resolve

SCHEMAS = Path(__file__).parent / "schemas"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_NS = "http://www.w3.org/XML/1998/namespace"
XSD = "http://www.w3.org/2001/XMLSchema"
SML_ROOTS = {"workbook": "CT_Workbook", "styleSheet": "CT_Stylesheet", "worksheet": "CT_Worksheet"}

#: attributes of later editions of ISO/IEC 29500 transitional than the schemas here (ECMA-376 1st
#: edition, as Apache POI ships them) that writers use: (element, attribute)
LATER_EDITION = {("workbookPr", "dateCompatibility")}

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


class NotConformant(AssertionError):
    pass


@cache
def schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMAS / name), _PARSER))


@cache
def understood() -> frozenset[str]:
    """The namespaces a reader of the transitional schemas understands (the schemas' target
    namespaces), plus xml and markup compatibility itself."""
    out = {XML_NS, MC}
    for f in SCHEMAS.glob("*.xsd"):
        ns = etree.parse(str(f), _PARSER).getroot().get("targetNamespace")
        if ns:
            out.add(ns)
    return frozenset(out)


@cache
def sequence(complex_type: str) -> tuple[str, ...]:
    """The child elements of a complex type, in the order sml.xsd's sequence wants them."""
    root = etree.parse(str(SCHEMAS / "sml.xsd"), _PARSER).getroot()
    ct = root.find(f"{{{XSD}}}complexType[@name='{complex_type}']")
    return tuple(el.get("name") for el in ct.find(f"{{{XSD}}}sequence").iter(f"{{{XSD}}}element"))


def check(path: Path | str | bytes, original: bytes | None = None) -> list[str]:
    """Every problem found in the package (empty: conformant). With ``original`` (the input's
    bytes), the schema validation covers only the parts that differ from it."""
    data = path if isinstance(path, bytes) else Path(path).read_bytes()
    problems: list[str] = []
    z = zipfile.ZipFile(io.BytesIO(data))
    names = z.namelist()
    seen: dict[str, str] = {}
    for n in names:
        if n.lower() in seen:
            problems.append(f"duplicate zip member {n}")
        seen[n.lower()] = n
    parts = {n: z.read(n) for n in dict.fromkeys(names) if not n.endswith("/")}
    before: dict[str, bytes] = {}
    if original is not None:
        oz = zipfile.ZipFile(io.BytesIO(original))
        before = {n: oz.read(n) for n in oz.namelist()}
    roots: dict[str, etree._Element] = {}
    for name, xml in parts.items():
        if not name.lower().endswith((".xml", ".rels", ".vml")):
            continue
        if original is not None and before.get(name) == xml and not name.endswith((".rels", "Types].xml")):
            continue  # a part the add-in did not touch: it is the input's, byte for byte
        try:
            roots[name] = etree.fromstring(xml, _PARSER)
        except etree.XMLSyntaxError as exc:
            if name.lower().endswith(".vml"):
                continue  # legacy VML is often not well-formed XML; Excel reads it its own way
            problems.append(f"{name}: not well-formed ({exc})")
            continue
        problems += [f"{name}: {p}" for p in _mc_prefixes(roots[name])]
    problems += _package(parts, roots)
    for name, root in roots.items():
        if not isinstance(root.tag, str) or etree.QName(root).namespace != SML:
            continue
        local = etree.QName(root).localname
        if local not in SML_ROOTS:
            continue
        problems += [f"{name}: {p}" for p in _order(root, SML_ROOTS[local])]
        processed, mce_problems = mce(root)
        problems += [f"{name}: {p}" for p in mce_problems]
        s = schema("sml.xsd")
        if not s.validate(processed):
            problems += [f"{name}: line {e.line}: {e.message}" for e in list(s.error_log)[:5]]
    return problems


def assert_conformant(path: Path | str | bytes, original: bytes | None = None) -> None:
    problems = check(path, original)
    if problems:
        raise NotConformant("package not conformant:\n  " + "\n  ".join(problems[:20]))


# ------------------------------------------------------------------------------------ package
def _package(parts: dict[str, bytes], roots: dict[str, etree._Element]) -> list[str]:
    out: list[str] = []
    lower = {n.lower() for n in parts}
    ct_xml = parts.get("[Content_Types].xml")
    if ct_xml is None:
        return ["no [Content_Types].xml"]
    ct = etree.fromstring(ct_xml, _PARSER)
    if not schema("opc-contentTypes.xsd").validate(ct):
        out.append(f"[Content_Types].xml: {schema('opc-contentTypes.xsd').error_log.last_error.message}")
    defaults = {d.get("Extension", "").lower() for d in ct.iter(f"{{{CT_NS}}}Default")}
    overrides = [o.get("PartName", "") for o in ct.iter(f"{{{CT_NS}}}Override")]
    if len({o.lower() for o in overrides}) != len(overrides):
        out.append("[Content_Types].xml: two Overrides for one part")
    for o in overrides:
        if o.lstrip("/").lower() not in lower:
            out.append(f"[Content_Types].xml: Override for a missing part {o}")
    with_type = {o.lstrip("/").lower() for o in overrides}
    for n in parts:
        if n == "[Content_Types].xml":
            continue
        base = posixpath.basename(n)
        ext = base.rsplit(".", 1)[1].lower() if "." in base else ""
        if n.lower() not in with_type and ext not in defaults:
            out.append(f"{n}: no content type")
    for name, xml in parts.items():
        if not name.endswith(".rels"):
            continue
        root = roots.get(name) if name in roots else etree.fromstring(xml, _PARSER)
        if not schema("opc-relationships.xsd").validate(root):
            out.append(f"{name}: {schema('opc-relationships.xsd').error_log.last_error.message}")
        source = _source_of(name)
        ids = [r.get("Id") for r in root.iter(f"{{{REL_NS}}}Relationship")]
        if len(set(ids)) != len(ids):
            out.append(f"{name}: duplicate relationship Id")
        for r in root.iter(f"{{{REL_NS}}}Relationship"):
            if r.get("TargetMode") == "External":
                continue
            target = resolve(source, r.get("Target", ""))
            if target.lower() not in lower:
                out.append(f"{name}: relationship {r.get('Id')} targets a missing part {target}")
    wb = _workbook(parts)
    if wb and wb in parts:
        rels = parts.get(_rels_of(wb))
        rids = set() if rels is None else {
            r.get("Id") for r in etree.fromstring(rels, _PARSER).iter(f"{{{REL_NS}}}Relationship")}
        root = etree.fromstring(parts[wb], _PARSER)
        sheets = root.iter(f"{{{SML}}}sheet")
        seen_names, seen_ids = set(), set()
        for s in sheets:
            if s.get(f"{{{DOC_REL}}}id") not in rids:
                out.append(f"{wb}: sheet {s.get('name')!r} names a missing relationship")
            if s.get("name", "").lower() in seen_names or s.get("sheetId") in seen_ids:
                out.append(f"{wb}: sheet {s.get('name')!r} repeats a name or sheetId")
            seen_names.add(s.get("name", "").lower())
            seen_ids.add(s.get("sheetId"))
    return out


def _source_of(rels: str) -> str:
    d, f = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(d), f[: -len(".rels")]) if f != ".rels" else ""


def _rels_of(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _workbook(parts: dict[str, bytes]) -> str | None:
    rels = parts.get("_rels/.rels")
    if rels is None:
        return None
    for r in etree.fromstring(rels, _PARSER).iter(f"{{{REL_NS}}}Relationship"):
        if r.get("Type", "").endswith("/officeDocument"):
            return resolve("", r.get("Target", ""))
    return None


# ------------------------------------------------------------------ markup compatibility
def _prefixes(el: etree._Element, attr: str) -> list[str]:
    return (el.get(attr) or "").split()


def _mc_prefixes(root: etree._Element) -> list[str]:
    out = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr in (f"{{{MC}}}Ignorable", f"{{{MC}}}MustUnderstand", f"{{{MC}}}ProcessContent"):
            for p in _prefixes(el, attr):
                p = p.split(":")[0]
                if p not in el.nsmap:
                    out.append(f"<{etree.QName(el).localname}> names prefix {p!r} in "
                               f"mc:{etree.QName(attr).localname} but does not declare it")
        if el.tag == f"{{{MC}}}Choice":
            for p in _prefixes(el, "Requires"):
                if p not in el.nsmap:
                    out.append(f"mc:Choice requires undeclared prefix {p!r}")
    return out


def mce(root: etree._Element) -> tuple[etree._Element, list[str]]:
    """A copy of ``root`` as a reader of the transitional schemas sees it after markup-compatibility
    processing (ECMA-376 part 3), and the violations found on the way."""
    known = understood()
    problems: list[str] = []
    root = etree.fromstring(etree.tostring(root), _PARSER)

    def ignorable_of(el: etree._Element, inherited: frozenset[str]) -> frozenset[str]:
        own = {el.nsmap.get(p) for p in _prefixes(el, f"{{{MC}}}Ignorable")} - {None}
        for p in _prefixes(el, f"{{{MC}}}MustUnderstand"):
            if el.nsmap.get(p) not in known:
                problems.append(f"mc:MustUnderstand names {p!r}, which this reader does not understand")
        return inherited | own

    def choose(ac: etree._Element) -> list[etree._Element]:
        for branch in ac:
            if not isinstance(branch.tag, str):
                continue
            if branch.tag == f"{{{MC}}}Choice":
                if all(branch.nsmap.get(p) in known for p in _prefixes(branch, "Requires")):
                    return list(branch)
            elif branch.tag == f"{{{MC}}}Fallback":
                return list(branch)
        return []

    def walk(el: etree._Element, ignorable: frozenset[str]) -> None:
        ignorable = ignorable_of(el, ignorable)
        for name in list(el.attrib):
            ns = etree.QName(name).namespace
            if ns == XML_NS:  # xml:space on <t>: allowed on any element, though no schema declares it
                del el.attrib[name]
                continue
            if ns is None and (etree.QName(el).localname, name) in LATER_EDITION:
                del el.attrib[name]
                continue
            if ns is None or ns in known and ns != MC:
                continue
            if ns != MC and ns not in ignorable:
                problems.append(f"<{etree.QName(el).localname}> has attribute {name} of a namespace that "
                                "is neither understood nor ignorable")
            del el.attrib[name]
        if etree.QName(el).localname == "ext" and etree.QName(el).namespace == SML:
            return  # an extension's content is any XML (CT_Extension)
        i = 0
        while i < len(el):
            child = el[i]
            if not isinstance(child.tag, str):
                el.remove(child)
                continue
            ns = etree.QName(child).namespace
            if child.tag == f"{{{MC}}}AlternateContent":
                chosen = choose(child)
                el.remove(child)
                for j, c in enumerate(chosen):
                    el.insert(i + j, c)
                continue
            if ns not in known:
                if ns not in ignorable:
                    problems.append(f"element {child.tag} is neither understood nor ignorable")
                el.remove(child)
                continue
            walk(child, ignorable)
            i += 1

    walk(root, frozenset())
    return root, problems


def _order(root: etree._Element, complex_type: str) -> list[str]:
    want = sequence(complex_type)
    last, out = -1, []
    for child in root:
        if not isinstance(child.tag, str) or etree.QName(child).namespace != SML:
            continue
        local = etree.QName(child).localname
        if local not in want:
            out.append(f"<{local}> is not a child of {complex_type}")
            continue
        pos = want.index(local)
        if pos < last:
            out.append(f"<{local}> comes after <{want[last]}>: {complex_type} wants it before")
        last = max(last, pos)
    return out
