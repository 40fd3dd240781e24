"""The one way the engine parses and writes back an XML part of the package.

Every part is parsed by one hardened parser: no DTD is loaded, no entity is resolved, nothing is
fetched from the network, and a part that declares a DOCTYPE at all is refused (Office never writes
one; a DOCTYPE is how an entity bomb or an external entity — a local file pulled into the saved
workbook — gets in). A part that is not well-formed is refused with its name: one line, never a
traceback.

Comments and processing instructions are kept, and :func:`elements` gives a node's child
*elements* only, so code that counts or indexes children (style indices, tab positions) is not
thrown by a comment another program left. Writing back keeps every namespace declaration of the
part as it was — also those only named in ``mc:Ignorable``, which a namespace clean-up would
drop and Excel would then report as damaged.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import etree

from .errors import PackageError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                          huge_tree=False, remove_comments=False, remove_pis=False, remove_blank_text=False)

#: the prolog: XML declaration, comments, PIs and whitespace before the root (or a DOCTYPE)
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->)*", re.S)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def refuse_doctype(head: bytes, part: str) -> None:
    """Refuse a part whose prolog (the bytes before its root element) declares a DOCTYPE.

    ``head`` is the part's first bytes; UTF-16 parts are checked after decoding."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            head = head.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            return  # the parser names the part when it gets there
    m = _PROLOG.match(head)
    end = m.end() if m else 0
    if _DOCTYPE.match(head, end) or _DOCTYPE.search(head[:end]):
        raise PackageError(f"the part {part} declares a DOCTYPE (Office never writes one: entities "
                           "and external references are refused); the file is not used")


def parse(data: bytes, part: str) -> etree._Element:
    """The root element of a part; PackageError naming the part when it cannot be used."""
    refuse_doctype(data[:4096], part)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"the part {part} is not well-formed XML ({_first_line(exc)}); "
                           "open the file in Excel to repair it") from None
    if root.getroottree().docinfo.doctype:  # belt and braces: the prolog check caught it already
        raise PackageError(f"the part {part} declares a DOCTYPE; the file is not used")
    return root


def _first_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def to_bytes(root: etree._Element) -> bytes:
    """A part's bytes: UTF-8 with the standalone declaration Office writes. Namespace
    declarations are never cleaned up (see the module's docstring)."""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def elements(parent: etree._Element) -> Iterator[etree._Element]:
    """The child elements of ``parent`` — comments and processing instructions skipped."""
    for child in parent:
        if isinstance(child.tag, str):
            yield child


def element_list(parent: etree._Element) -> list[etree._Element]:
    return list(elements(parent))


def local(el: etree._Element) -> str:
    """An element's local name ('' for a comment or processing instruction)."""
    return etree.QName(el).localname if isinstance(el.tag, str) else ""
