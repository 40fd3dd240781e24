"""The package's bookkeeping parts, as XML in and XML out: relationships (``*.rels``) and
content types (``[Content_Types].xml``). ECMA-376 part 2 (Open Packaging Conventions)."""
from __future__ import annotations

import posixpath

from lxml import etree

from .xml_parts import element_list, parse, to_bytes

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CONTENT_TYPES = "[Content_Types].xml"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _bytes(root: etree._Element) -> bytes:
    return to_bytes(root)


def resolve(base_part: str, target: str) -> str:
    """A relationship target as a part name."""
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def rels_name(part: str) -> str:
    """The relationships part of ``part`` ('' for the package's own)."""
    if not part:
        return "_rels/.rels"
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def relationships(xml: bytes, part: str) -> list[tuple[str, str, str]]:
    """(Id, Type, target part) of the internal relationships in a ``.rels`` part of ``part``."""
    out = []
    for rel in parse(xml, rels_name(part)).iter(f"{{{REL_NS}}}Relationship"):
        if rel.get("TargetMode") != "External":
            out.append((rel.get("Id"), rel.get("Type"), resolve(part, rel.get("Target"))))
    return out


def with_relationship(xml: bytes | None, part: str, rel_type: str, target_part: str) -> tuple[bytes, str]:
    """The ``.rels`` part with one more relationship, and its new Id."""
    root = parse(xml, rels_name(part)) if xml else etree.Element(f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
    ids = {r.get("Id") for r in element_list(root)}
    n = 1
    while f"rId{n}" in ids:
        n += 1
    rid = f"rId{n}"
    target = posixpath.relpath(target_part, posixpath.dirname(part))
    etree.SubElement(root, f"{{{REL_NS}}}Relationship", Id=rid, Type=rel_type, Target=target)
    return _bytes(root), rid


def without_relationship_type(xml: bytes, rel_type: str, name: str = "a .rels part") -> bytes | None:
    """The ``.rels`` part without relationships of ``rel_type`` (None: there were none)."""
    root = parse(xml, name)
    drop = [r for r in element_list(root) if r.get("Type") == rel_type]
    for r in drop:
        root.remove(r)
    return _bytes(root) if drop else None


def with_override(xml: bytes, part: str, content_type: str) -> bytes | None:
    """``[Content_Types].xml`` with an Override for ``part`` (None: it has one)."""
    root = parse(xml, CONTENT_TYPES)
    if any(o.get("PartName") == "/" + part for o in root.iter(f"{{{CT_NS}}}Override")):
        return None
    etree.SubElement(root, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=content_type)
    return _bytes(root)


RELS_CT = "application/vnd.openxmlformats-package.relationships+xml"


def with_default(xml: bytes, extension: str, content_type: str) -> bytes | None:
    """``[Content_Types].xml`` with a Default for ``extension`` (None: it has one). A writer that
    lists every part in an Override (no Default for ``rels``) leaves a new part without a type."""
    root = parse(xml, CONTENT_TYPES)
    if any((d.get("Extension") or "").lower() == extension.lower() for d in root.iter(f"{{{CT_NS}}}Default")):
        return None
    el = etree.Element(f"{{{CT_NS}}}Default", Extension=extension, ContentType=content_type)
    root.insert(0, el)
    return _bytes(root)


def without_override(xml: bytes, part: str) -> bytes | None:
    """``[Content_Types].xml`` without the Override of ``part`` (None: it had none)."""
    root = parse(xml, CONTENT_TYPES)
    drop = [o for o in root.iter(f"{{{CT_NS}}}Override") if o.get("PartName") == "/" + part]
    for o in drop:
        root.remove(o)
    return _bytes(root) if drop else None
