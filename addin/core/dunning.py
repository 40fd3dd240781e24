"""Dunning (催款) levels: how firmly an overdue customer is chased, by its oldest days overdue."""
from __future__ import annotations


def level(days_overdue: int, bounds: tuple[int, ...]) -> int:
    """0 when nothing is overdue; else 1 + the number of bounds below ``days_overdue``
    (bounds (30, 60): 1 at 1–30 days, 2 at 31–60, 3 beyond)."""
    if days_overdue <= 0:
        return 0
    return 1 + sum(days_overdue > b for b in bounds)


def stage(n: int, bounds: tuple[int, ...]) -> str | None:
    """The wording a level takes: first (提醒), middle (催告) or last (最后通知); None for level 0."""
    if n <= 0:
        return None
    if n == 1 and bounds:
        return "first"
    return "last" if n == len(bounds) + 1 else "middle"
