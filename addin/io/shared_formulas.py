"""Shared formulas (an Excel fill-down) whose master cell the add-in overwrites.

Excel stores a filled-down formula once, in the group's first cell (the master, with
``t="shared" ref=… si=…`` and the text); every other cell of the group points at it by ``si``.
Overwriting the master would leave those cells pointing at nothing, and Excel deletes them
on "repair". So before a sheet is rewritten, each group whose master is overwritten is
dissolved: its cells that the add-in does not overwrite get their own plain formula,
translated from the master's as Excel would copy it.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from xml.sax.saxutils import escape, unescape

from ..cells import col_index
from .formula import translate

_MASTER = re.compile(rb"<(?:\w+:)?f\b([^>]*)>([^<]*)</(?:\w+:)?f>")
_CHILD = re.compile(rb"<((?:\w+:)?)f\b([^>]*?)(?:/>|>[^<]*</(?:\w+:)?f>)")
_ATTR = re.compile(rb'\b(t|si|ref)="([^"]*)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_RANGE = re.compile(r"^([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?$")


@dataclass(frozen=True)
class Group:
    row: int  # the master cell
    col: int
    first_row: int  # the group's range
    last_row: int
    formula: str  # the master's formula text, unescaped


def masters(xml: bytes) -> dict[str, Group]:
    """si → group, for every shared-formula master in a sheet's XML."""
    out: dict[str, Group] = {}
    for m in _MASTER.finditer(xml):
        attrs = dict(_ATTR.findall(m.group(1)))
        if attrs.get(b"t") != b"shared" or b"ref" not in attrs or b"si" not in attrs:
            continue
        start = max(xml.rfind(b"<c ", 0, m.start()), xml.rfind(b":c ", 0, m.start()))
        ref = _CELL_REF.search(xml, start, m.start()) if start >= 0 else None
        rng = _RANGE.match(attrs[b"ref"].decode())
        if ref is None or rng is None:
            continue
        first, last = int(rng.group(2)), int(rng.group(4) or rng.group(2))
        out[attrs[b"si"].decode()] = Group(int(ref.group(2)), col_index(ref.group(1).decode()), first, last,
                                           unescape(m.group(2).decode("utf-8")))
    return out


def dissolved(xml: bytes, overwritten: Callable[[int, int], bool]) -> dict[str, Group]:
    """The groups whose master cell the edits overwrite."""
    return {si: g for si, g in masters(xml).items() if overwritten(g.row, g.col)}


def plain_children(row_xml: bytes, row: int, groups: dict[str, Group]) -> bytes:
    """A row's cells with every child of a dissolved group given its own formula."""

    def fix(m: re.Match) -> bytes:
        attrs = dict(_ATTR.findall(m.group(2)))
        g = groups.get(attrs.get(b"si", b"").decode())
        if g is None or attrs.get(b"t") != b"shared":
            return m.group(0)
        start = max(row_xml.rfind(b"<c ", 0, m.start()), row_xml.rfind(b":c ", 0, m.start()))
        ref = _CELL_REF.search(row_xml, start, m.start()) if start >= 0 else None
        if ref is None:
            return m.group(0)
        col = col_index(ref.group(1).decode())
        text = escape(translate(g.formula, row - g.row, col - g.col)).encode("utf-8")
        p = m.group(1)
        return b"<" + p + b"f>" + text + b"</" + p + b"f>"

    return _CHILD.sub(fix, row_xml)
