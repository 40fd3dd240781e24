"""The order of the 校验结果 sheet, the in-place highlights and the counts, from a list of issues
(the sheet itself is built by addin.sheets.report)."""
from __future__ import annotations

from ..issues import Issue


def ordered(issues: list[Issue], tab_order: list[str]) -> list[Issue]:
    order = {name: i for i, name in enumerate(tab_order)}
    return sorted(issues, key=lambda x: (order.get(x.sheet, len(order)), x.row or 0, x.col or 0, x.code))


def highlights(issues: list[Issue]) -> dict[str, dict[str, list[tuple[int, int]]]]:
    """sheet → severity → cells. An error on a cell wins over a warning on the same cell."""
    out: dict[str, dict[str, list[tuple[int, int]]]] = {}
    errors = {(x.sheet, x.row, x.col) for x in issues if x.is_error}
    for x in issues:
        if x.row is None or x.col is None:
            continue
        if not x.is_error and (x.sheet, x.row, x.col) in errors:
            continue
        out.setdefault(x.sheet, {"error": [], "warning": []})[x.severity].append((x.row, x.col))
    return out


def summary_counts(issues: list[Issue]) -> dict[str, tuple[int, int]]:
    """sheet → (errors, warnings)."""
    out: dict[str, tuple[int, int]] = {}
    for x in issues:
        e, w = out.get(x.sheet, (0, 0))
        out[x.sheet] = (e + x.is_error, w + (not x.is_error))
    return out
