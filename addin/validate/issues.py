"""An issue is data with a position: severity, sheet, cell, column, value, code, message."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


_LETTERS: dict[int, str] = {}


def col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    hit = _LETTERS.get(index)
    if hit is not None:
        return hit
    n = index
    s = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    _LETTERS[index] = s
    return s


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


@dataclass(frozen=True)
class Issue:
    severity: Severity
    sheet: str  # the tab name as the workbook spells it
    row: int | None  # Excel row number
    col: int | None  # 1-based column index
    column: str  # header text as the workbook spells it
    value: str  # the value as typed
    code: str  # machine-readable rule id
    message: str  # in the workbook's language

    @property
    def cell(self) -> str:
        if self.row is None:
            return ""
        if self.col is None:
            return str(self.row)
        return f"{col_letter(self.col)}{self.row}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def flat(self) -> str:
        """One line, for whole-report assertions: `sheet!cell code`."""
        where = f"{self.sheet}!{self.cell}" if self.cell else self.sheet
        return f"{self.severity[0].upper()} {where} {self.code}"
