"""The row type of every input sheet, generated from its column declarations (one source).

A record is an immutable named tuple: one field per column key (None when the column is absent
from the sheet or the cell was invalid), plus ``i`` (the data-row index in its table) and
``row`` (the Excel row number). The reader builds them once; the core reads attributes
(``r.customer_id``). ``scripts/bench_rows.py`` chose it at company scale (50,000 customers ×
30 columns, build + reading eight fields a row): a named tuple costs what a dict costs (1.01×)
in 40 % of the memory; a frozen slotted dataclass 2.4× (its ``__init__`` sets each field through
``object.__setattr__``); the pydantic models 4× validating and 9× constructing, at 150 MB.
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from .base import SheetSpec


class Record(tuple[Any, ...]):
    """Base of the generated record types (immutable; fields by column key)."""

    __slots__ = ()

    if TYPE_CHECKING:
        # the fields are generated from the sheet's columns: each is read as a value of any type
        def __getattr__(self, key: str) -> Any: ...

    def get(self, key: str, default: Any = None) -> Any:
        """A field by column key named in data (a rule's column list); None → ``default``."""
        v = getattr(self, key, None)
        return default if v is None else v

    def fields(self) -> dict[str, Any]:
        """Column key → value (without ``i`` and ``row``)."""
        return {k: v for k, v in zip(self._fields[:-2], self)}


@cache
def record_type(spec: SheetSpec) -> type[Record]:
    """The record class of ``spec``'s rows (one per sheet, built once)."""
    name = "".join(part.title() for part in spec.key.split("_")) + "Record"
    base = namedtuple(name, [*(c.key for c in spec.columns), "i", "row"])  # type: ignore[misc]
    return type(name, (base, Record), {"__slots__": (), "__module__": __name__})


def record(spec: SheetSpec, i: int | None = None, row: int | None = None, **values: Any) -> Record:
    """A record of ``spec`` from keyword values (the rest None): for tests and synthetic rows."""
    keys = [c.key for c in spec.columns]
    unknown = set(values) - set(keys)
    if unknown:
        raise TypeError(f"{spec.key} has no column {sorted(unknown)}")
    make: Callable[..., Record] = record_type(spec)
    return make(*(values.get(k) for k in keys), i, row)


def blank(spec: SheetSpec) -> Record:
    """A record with every field None (a customer without a card, a funnel without a row)."""
    return record(spec)
