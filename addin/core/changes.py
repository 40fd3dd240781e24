"""The workbook's memory: what changed since the previous refresh, and what the log says about
conversion and time per stage. Values are keys (stage "4", intent "good", abandoned "yes")."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

#: the fields compared between refreshes, in the order their change rows are written
TRACKED = ("stage", "contract_status", "intent", "abandoned", "abc", "heat", "credit_limit", "owner")


class Unread:
    """A value that could not be read this time (an error in its cell): never a change."""

    def __repr__(self) -> str:
        return "UNREAD"


UNREAD = Unread()


@dataclass(frozen=True)
class Change:
    customer_id: str
    field: str
    old: Any
    new: Any


def same(a: Any, b: Any) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) < 0.005
    return bool(a == b)


def compare(previous: dict[str, dict[str, Any]], current: dict[str, dict[str, Any]]
            ) -> tuple[list[Change], dict[str, dict[str, Any]]]:
    """The changes from ``previous`` to ``current`` (customer → field → value) and the snapshot to
    keep. A customer new to the snapshot is its own baseline (no rows); an unread value is no
    change and the snapshot keeps the previous one; a customer no longer listed is dropped."""
    changes: list[Change] = []
    snapshot: dict[str, dict[str, Any]] = {}
    for cid, now in current.items():
        before = previous.get(cid)
        kept: dict[str, Any] = {}
        for f in TRACKED:
            new = now.get(f)
            old = before.get(f) if before is not None else None
            if new is UNREAD:
                kept[f] = old
                continue
            kept[f] = new
            if before is not None and not same(old, new):
                changes.append(Change(cid, f, old, new))
        snapshot[cid] = kept
    return changes, snapshot


@dataclass(frozen=True)
class LogRow:
    date: dt.date
    customer_id: str
    field: str  # a TRACKED key
    old: Any
    new: Any


def _stage(v: Any) -> int | None:
    return int(v) if isinstance(v, str) and v.isdigit() else None


@dataclass(frozen=True)
class Conversion:
    advanced: list[int]  # per stage 0–7: customers that moved on from it this month
    entered: list[int]  # per stage: customers that reached it this month
    won: int  # reached stage 6 this month
    lost: int  # abandoned or turned Denial this month

    def rate(self, stage: int, still_there: int) -> float | None:
        """Of the customers at ``stage`` this month (moved on, or still there), the share that moved on."""
        base = self.advanced[stage] + still_there
        return self.advanced[stage] / base if base else None


def conversion(log: Iterable[LogRow], first: dt.date, last: dt.date) -> Conversion:
    """The stage moves logged between ``first`` and ``last`` (inclusive)."""
    advanced, entered = [0] * 8, [0] * 8
    won: set[str] = set()
    lost: set[str] = set()
    for row in log:
        if not first <= row.date <= last:
            continue
        if row.field == "stage":
            old, new = _stage(row.old), _stage(row.new)
            if old is not None and new is not None and new > old:
                advanced[old] += 1
            if new is not None:
                entered[new] += 1
                if new == 6 and (old is None or old < 6):
                    won.add(row.customer_id)
        elif (row.field == "abandoned" and row.new == "yes") or (row.field == "heat" and row.new == "denial"):
            lost.add(row.customer_id)
    return Conversion(advanced, entered, len(won), len(lost))


def days_per_stage(log: Iterable[LogRow]) -> list[float | None]:
    """Average days a customer stayed at each stage 0–7: from the logged move into the stage to
    the logged move out of it (stays whose start the log does not hold are left out)."""
    entered: dict[str, tuple[int, dt.date]] = {}
    stays: list[list[int]] = [[] for _ in range(8)]
    for row in sorted((r for r in log if r.field == "stage"), key=lambda r: r.date):
        old, new = _stage(row.old), _stage(row.new)
        start = entered.get(row.customer_id)
        if start is not None and old is not None and start[0] == old:
            stays[old].append((row.date - start[1]).days)
        if new is not None:
            entered[row.customer_id] = (new, row.date)
    return [sum(s) / len(s) if s else None for s in stays]
