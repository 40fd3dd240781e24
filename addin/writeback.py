"""Turn computed values into bulk column writes for an input sheet."""
from __future__ import annotations

from typing import Any

from sheets_schema import Kind, Lang

from .view import Sheet
from .writes import ColumnBlock


def label(column: Any, value: Any, lang: Lang) -> Any:
    if value is None or not column.choices:
        return value
    for c in column.choices:
        if c.key == value:
            return c.label(lang)
    return value


def computed_blocks(table: Sheet, values: dict[str, dict[int, Any]], lang: Lang) -> list[ColumnBlock]:
    """``values`` maps a computed column key to {data-row index: value}.

    Every row between the header and the sheet's last used row is written, so values
    of rows that were deleted or now have errors are cleared. A computed column whose
    header is missing is added after the last used column.
    """
    first = table.header_row + 1
    n = max(table.last_row, table.rows[-1] if table.rows else 0) - first + 1
    n = max(n, 0)
    next_new = table.table.width + 1
    blocks = []
    rows = table.rows
    # data rows right under the header without a gap (the usual sheet): a column with a value for
    # every data row, in row order, is its values as they are (no per-row index arithmetic)
    dense = bool(rows) and rows[0] == first and rows[-1] - first == len(rows) - 1
    every = list(range(len(rows))) if dense else []
    for column in table.spec.computed_columns:
        if column.key not in values:
            continue
        got = values[column.key]
        whole = dense and len(got) == len(rows) and list(got) == every
        vals: list[Any]
        if column.choices:  # each choice's label looked up once, not once per row
            labels = {c.key: c.label(lang) for c in reversed(column.choices)}
            if whole:
                vals = [labels.get(v, v) if v is not None else None for v in got.values()]
                vals += [None] * (n - len(vals))
            else:
                vals = [None] * n
                for i, v in got.items():
                    vals[rows[i] - first] = labels.get(v, v) if v is not None else None
        elif whole:
            vals = list(got.values())
            vals += [None] * (n - len(vals))
        else:
            vals = [None] * n
            for i, v in got.items():
                vals[rows[i] - first] = v
        header = None
        if column.key in table.columns:
            col = table.columns[column.key]
        else:
            col, next_new = next_new, next_new + 1
            header = column.header(lang)
        kind = Kind.TEXT if column.choices else column.kind
        blocks.append(ColumnBlock(col, first, vals, kind, header, table.header_row, column.note(lang)))
    return blocks
