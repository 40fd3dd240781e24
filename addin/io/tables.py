"""Excel Tables (ListObjects) and the ranges a user drew over the data: when rows are added
below the data they grow with it, as Excel grows them when a user types below a table; a
table's totals row is not data.
"""
from __future__ import annotations

import re

from ..cells import col_index, sheet_ref
from .opc import DOC_REL_NS
from .package import Package

TABLE_REL = DOC_REL_NS + "/table"
_RANGE = re.compile(rb"(\$?)([A-Z]{1,3})(\$?)(\d+):(\$?)([A-Z]{1,3})(\$?)(\d+)")
_TABLE = re.compile(rb"<(?:\w+:)?table\b[^>]*>")
_REF = re.compile(rb'\bref="([^"]*)"')
_TOTALS = re.compile(rb'\btotalsRowCount="(\d+)"')
# attributes and elements holding ranges over a sheet's cells, after <sheetData>
_SHEET_RANGES = re.compile(rb'(<(?:\w+:)?(?:autoFilter|dataValidation|conditionalFormatting)\b[^>]*?\b(?:ref|sqref)=")'
                           rb'([^"]*)(")|(<(?:\w+:)?sqref>)([^<]*)(</(?:\w+:)?sqref>)')


def grow_range_list(ranges: bytes, old_last: int, new_last: int) -> bytes:
    """Ranges (space separated) that end on ``old_last`` end on ``new_last`` instead."""

    def grow(m: re.Match) -> bytes:
        r1, r2 = int(m.group(4)), int(m.group(8))
        if r2 != old_last or r1 > old_last or new_last <= old_last:
            return m.group(0)
        return m.group(0)[: m.start(8) - m.start(0)] + str(new_last).encode()

    return _RANGE.sub(grow, ranges)


def grow_sheet_ranges(tail: bytes, old_last: int, new_last: int) -> bytes:
    """The part of a sheet after </sheetData> with its autoFilter, data validations and
    conditional formats that end on the last data row extended to the new last row."""

    def fix(m: re.Match) -> bytes:
        if m.group(1) is not None:
            return m.group(1) + grow_range_list(m.group(2), old_last, new_last) + m.group(3)
        return m.group(4) + grow_range_list(m.group(5), old_last, new_last) + m.group(6)

    return _SHEET_RANGES.sub(fix, tail)


def sheet_tables(pkg: Package, sheet_part: str) -> list[str]:
    return [target for _, typ, target in pkg.rels(sheet_part) if typ == TABLE_REL and pkg.has(target)]


def table_ref(xml: bytes) -> tuple[int, int, int, int, int] | None:
    """(first col, first row, last col, last row, totals rows) of a table part."""
    head = _TABLE.search(xml)
    if head is None:
        return None
    ref = _REF.search(head.group(0))
    m = _RANGE.fullmatch(ref.group(1)) if ref else None
    if m is None:
        return None
    totals = _TOTALS.search(head.group(0))
    return (col_index(m.group(2).decode()), int(m.group(4)), col_index(m.group(6).decode()), int(m.group(8)),
            int(totals.group(1)) if totals else 0)


def totals_rows(pkg: Package, sheet_part: str) -> dict[int, tuple[int, int]]:
    """Row → (first col, last col) of every table's totals row on a sheet."""
    out: dict[int, tuple[int, int]] = {}
    for part in sheet_tables(pkg, sheet_part):
        info = table_ref(pkg.read(part))
        if info and info[4]:
            c1, _, c2, r2, n = info
            for r in range(r2 - n + 1, r2 + 1):
                out[r] = (c1, c2)
    return out


def grow_tables(pkg: Package, sheet_part: str, old_last: int, new_last: int) -> None:
    """Tables whose data ends on ``old_last`` (no totals row) take in the rows added below."""
    for part in sheet_tables(pkg, sheet_part):
        xml = pkg.read(part)
        info = table_ref(xml)
        if info is None or info[4] or info[3] != old_last or info[1] > old_last:
            continue
        head = _TABLE.search(xml)
        new_head = _REF.sub(lambda m: b'ref="' + grow_range_list(m.group(1), old_last, new_last) + b'"',
                            head.group(0), count=1)
        rest = re.sub(rb'(<(?:\w+:)?autoFilter\b[^>]*?\bref=")([^"]*)(")',
                      lambda m: m.group(1) + grow_range_list(m.group(2), old_last, new_last) + m.group(3),
                      xml[head.end():], count=1)
        pkg.write(part, xml[:head.start()] + new_head + rest)


_NAME_REF = re.compile(rb"(<(?:\w+:)?definedName\b[^>]*>)([^<]*)(</(?:\w+:)?definedName>)")


def grow_defined_names(pkg: Package, sheet: str, old_last: int, new_last: int) -> None:
    """Defined names over a sheet's data (the autoFilter's _FilterDatabase, a user's own column
    names) that end on the last data row take in the rows added below."""
    xml = pkg.read(pkg.workbook_part)
    quoted = sheet_ref(sheet).encode()
    plain = (sheet + "!").encode()

    def fix(m: re.Match) -> bytes:
        text = m.group(2)
        parts = re.split(rb"(,)", text)
        out = [p if not (p.replace(b"&apos;", b"'").startswith(quoted) or p.startswith(plain))
               else grow_range_list(p, old_last, new_last) for p in parts]
        return m.group(1) + b"".join(out) + m.group(3)

    new = _NAME_REF.sub(fix, xml)
    if new != xml:
        pkg.write(pkg.workbook_part, new)
