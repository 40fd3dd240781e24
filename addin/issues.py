"""An issue is data with a position: severity, sheet, cell, column, value, code, message."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .cells import col_index, col_letter

Severity = Literal["error", "warning"]

__all__ = ["Issue", "Severity", "col_index", "col_letter"]


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
