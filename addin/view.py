"""A validated sheet: what a step reads of an input sheet (or of one of the add-in's memory sheets).

The reader (:mod:`addin.table`) parses a sheet once into a :class:`~addin.table.Table`; the
validator (:mod:`addin.validate.rules`) returns the issues it finds; :func:`addin.loader.load`
joins them into one :class:`Sheet` per sheet, which knows the rows with errors from those issues.
Nothing changes a sheet after load, so a step cannot see a row that was not validated, nor a
row's errors change under it.

One way to read rows: :meth:`Sheet.records` (the valid rows, or every row with
``with_errors=True``), typed by the schema (``sheets_schema.records``); :meth:`Sheet.tuples` the
same values a column at a time, zipped, for code that computes on whole columns; :meth:`Sheet.as_typed` gives the cells
as the user typed them, for what is written back exactly as read (the memory sheets) and for
telling an unreadable cell from a blank one.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from sheets_schema import Lang, Record, SheetSpec

from .core import parse as p
from .issues import Issue
from .table import Table


@dataclass(frozen=True, eq=False)
class Sheet:
    table: Table
    #: data-row indexes of the rows with errors (of reading or of validation): left out of the jobs
    bad: frozenset[int] = frozenset()
    #: the sheet's issues, of reading then of validation
    issues: tuple[Issue, ...] = ()
    _records: dict[bool, tuple[Record, ...]] = field(default_factory=dict, repr=False)
    _unreadable: dict[str, frozenset[int]] = field(default_factory=dict, repr=False)

    @property
    def spec(self) -> SheetSpec:
        return self.table.spec

    @property
    def name(self) -> str:
        """The tab name as the workbook spells it."""
        return self.table.name

    @property
    def lang(self) -> Lang:
        return self.table.lang

    @property
    def columns(self) -> dict[str, int]:
        """Column key → 1-based column index, for the columns the sheet has."""
        return self.table.columns

    @property
    def headers(self) -> dict[str, str]:
        return self.table.headers

    @property
    def header_row(self) -> int:
        return self.table.header_row

    @property
    def last_row(self) -> int:
        return self.table.last_row

    @property
    def rows(self) -> list[int]:
        """The Excel row number of each data row."""
        return self.table.rows

    def __len__(self) -> int:
        return len(self.table)

    def has(self, key: str) -> bool:
        return key in self.table.columns

    def records(self, *, with_errors: bool = False) -> tuple[Record, ...]:
        """The typed rows: the valid ones, or every row (``with_errors``: a cell that could not be
        read is None). Built once per sheet."""
        with_errors = with_errors or not self.bad  # without bad rows both are every row: built once
        got = self._records.get(with_errors)
        if got is None:
            got = self._records[with_errors] = tuple(self.table.records(() if with_errors else self.bad))
        return got

    def tuples(self, keys: Sequence[str], *, with_errors: bool = False) -> Iterator[tuple[Any, ...]]:
        """The typed values of ``keys`` row by row, each row a plain tuple ending with its data-row
        index ``i`` — the fields of :meth:`records` a step reads, zipped in C from the columns
        without a record per row (None for a column the sheet lacks); the valid rows, or every row."""
        table = self.table
        n = len(table.rows)
        rows = zip(*[table.values.get(k) or repeat(None, n) for k in keys], range(n))
        if with_errors or not self.bad:
            return rows
        bad = self.bad
        return (r for r in rows if r[-1] not in bad)

    def as_typed(self, key: str) -> Sequence[Any]:
        """The cells of a column as typed (every data row; empty when the sheet lacks the column)."""
        return self.table.raw.get(key, ())

    def unreadable(self, key: str) -> frozenset[int]:
        """The data rows holding something in column ``key`` that could not be read (its value
        None). Found once per column."""
        got = self._unreadable.get(key)
        if got is None:
            values, typed = self.table.values.get(key, ()), self.table.raw.get(key, ())
            got = self._unreadable[key] = frozenset(i for i, (v, x) in enumerate(zip(values, typed))
                                                    if v is None and not p.is_blank(x))
        return got

    def issue_at(self, i: int | None, key: str | None, code: str, severity: str = "error",
                 value: Any = None, **kw: Any) -> Issue:
        """An issue at data row ``i``, column ``key`` (what a step returns in its Output)."""
        return self.table.issue_at(i, key, code, severity, value, **kw)

    def release(self) -> None:
        """Drop the values once the plan is built (the write phase does not need them)."""
        self.table.raw.clear()
        self.table.values.clear()
        self._records.clear()
        self._unreadable.clear()


def sheet(table: Table, issues: Sequence[Issue] = ()) -> Sheet:
    """The validated sheet of ``table`` given the validation's ``issues`` for it: the rows with
    an error among the reading's issues or these are the bad rows."""
    every = (*table.issues, *issues)
    index = dict(zip(table.rows, range(len(table.rows))))
    bad = frozenset(index[x.row] for x in every if x.is_error and x.row in index)
    return Sheet(table, bad, every)
