"""How far a sheet's values reach, before a reader allocates a grid for them.

calamine holds a sheet as a dense grid from its first to its last value, so one stray value
at ZZ1048576 would ask for about 700 million cells. A sheet whose values span more than
:data:`MAX_CELLS` is refused with the far cell named, instead of exhausting memory.
"""
from __future__ import annotations

import re

from ..cells import col_index
from .package import Package, PackageError

MAX_CELLS = 30_000_000  # about 1 GB in calamine's grid; the company benchmark needs 6 million

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]+)\$?(\d+)(?::\$?([A-Z]+)\$?(\d+))?"')
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*(?:<(?:\w+:)?f\b[^>]*?'
                         rb'(?:/>|>[^<]*</(?:\w+:)?f>)\s*)?<(?:\w+:)?(?:v|is)\b')


def check_extent(pkg: Package, name: str) -> None:
    """Raise PackageError when the values of sheet ``name`` span more than MAX_CELLS cells."""
    part = pkg.sheet_part(name)
    head = next(pkg.stream(part, 1 << 16), b"")
    m = _DIMENSION.search(head)
    if m and (not m.group(3) or _cells(m.group(1), m.group(2), m.group(3), m.group(4)) <= MAX_CELLS):
        return  # the writer's own used range is small: nothing to scan
    # no dimension, or a big one (it counts formatted empty cells too): find the values' extent
    rows = cols = 0
    far = ""
    lo_r = lo_c = 1 << 30
    for cell in _VALUE_CELL.finditer(pkg.read(part)):
        c, r = col_index(cell.group(1).decode()), int(cell.group(2))
        lo_r, lo_c = min(lo_r, r), min(lo_c, c)
        if r >= rows or c >= cols:
            far = f"{cell.group(1).decode()}{r}"
        rows, cols = max(rows, r), max(cols, c)
    if rows and (rows - lo_r + 1) * (cols - lo_c + 1) > MAX_CELLS:
        raise PackageError(f"sheet '{name}' has a value as far out as {far}: "
                           f"{rows - lo_r + 1:,} rows × {cols - lo_c + 1:,} columns is too large to read; "
                           "delete the stray cells beyond the data (Ctrl+End shows the last one) and save")


def _cells(c1: bytes, r1: bytes, c2: bytes, r2: bytes) -> int:
    return (int(r2) - int(r1) + 1) * (col_index(c2.decode()) - col_index(c1.decode()) + 1)
