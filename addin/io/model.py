"""The narrow adapter both engines implement (the headless xlsx editor and the live xlwings one)."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from ..writes import AppendRows, ColumnBlock, OutputSheet


class Book(Protocol):
    """The narrow adapter both engines implement."""

    label: str  # file name or book name, for messages

    def sheet_names(self) -> list[str]: ...

    def owned_sheets(self) -> dict[str, str]:
        """Output key → tab, for the sheets the add-in has marked as its own."""
        ...

    def chart_sheets(self) -> set[str]:
        """Tabs that are chart sheets."""
        ...

    def read_rows(self, name: str) -> Iterator[list[Any]]:
        """The sheet's rows from row 1, as lists of cell values from column A."""
        ...

    def read_grid(self, name: str) -> list[list[Any]]: ...

    def reading_ahead(self, names: Sequence[str]) -> AbstractContextManager[None]:
        """Within it, ``names`` are about to be read in this order (an engine may prepare them)."""
        ...

    def write_columns(self, name: str, blocks: list[ColumnBlock]) -> None: ...

    def append_rows(self, name: str, rows: AppendRows) -> None: ...

    def replace_sheet(self, sheet: OutputSheet) -> None: ...

    def set_highlights(self, name: str, cells: dict[str, list[tuple[int, int]]]) -> None: ...

    def finish_sheet(self, name: str) -> None:
        """Every write to this sheet has been made (an engine may release its buffers)."""

    def save(self) -> None: ...
