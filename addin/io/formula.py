"""Move a formula's relative references, as Excel does when a formula is copied.

Only what a shared-formula child needs when it becomes a plain formula: A1 cell references,
ranges, whole columns and rows, with or without a sheet name; string literals, structured
references ([…]), function names and defined names are left alone.
"""
from __future__ import annotations

import re

from ..cells import col_index, col_letter

MAX_ROW = 1048576
MAX_COL = 16384

_TOKEN = re.compile(
    r'"(?:[^"]|"")*"'  # a string literal
    r"|\[[^\]]*\]"  # a structured reference
    r"|'(?:[^']|'')*'!"  # a quoted sheet name
    r"|(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3})(\$?)(\d{1,7})(?![A-Za-z0-9_(!])"  # a cell: A1, $A$1
    r"|(?<![A-Za-z0-9_.$])(\$?)([A-Z]{1,3}):(\$?)([A-Z]{1,3})(?![A-Za-z0-9_(])"  # columns: A:C
    r"|(?<![A-Za-z0-9_.$:])(\$?)(\d{1,7}):(\$?)(\d{1,7})(?![A-Za-z0-9_(:])"  # rows: 1:3
)


def _row(fixed: str, n: str, dr: int) -> str:
    r = int(n) if fixed else int(n) + dr
    if not 1 <= r <= MAX_ROW:
        raise ValueError("reference moves off the sheet")
    return f"{fixed}{r}"


def _col(fixed: str, letters: str, dc: int) -> str:
    c = col_index(letters) if fixed else col_index(letters) + dc
    if not 1 <= c <= MAX_COL:
        raise ValueError("reference moves off the sheet")
    return f"{fixed}{col_letter(c)}"


def translate(formula: str, dr: int, dc: int) -> str:
    """``formula`` as it reads ``dr`` rows down and ``dc`` columns right of where it was written.
    A reference moved off the sheet becomes #REF!, as in Excel."""

    def move(m: re.Match) -> str:
        g = m.groups()
        try:
            if g[1] is not None:
                return _col(g[0], g[1], dc) + _row(g[2], g[3], dr)
            if g[5] is not None:
                return _col(g[4], g[5], dc) + ":" + _col(g[6], g[7], dc)
            if g[9] is not None:
                return _row(g[8], g[9], dr) + ":" + _row(g[10], g[11], dr)
        except ValueError:
            return "#REF!"
        return m.group(0)

    return _TOKEN.sub(move, formula)
