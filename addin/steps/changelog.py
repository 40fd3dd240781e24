"""变更记录: compare the tracked values with the previous refresh's snapshot and log each change."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sheets_schema as S
from sheets_schema import fold

from ..core import parse as p
from ..core.changes import TRACKED, UNREAD, LogRow, compare
from ..sheets.memory import FIELD_SHEET, changelog_sheet, field_label, snapshot_sheet, value_label
from ..table import Table
from .base import Context, Output, Step
from .calls import STEP as CALLS
from .grades import STEP as GRADES

FUNNEL_FIELDS = ("stage", "contract_status", "intent", "abandoned")
CARD_FIELDS = ("credit_limit", "owner")


@dataclass(frozen=True)
class ChangeFacts:
    baseline: bool  # no snapshot was found: this refresh recorded the baseline
    added: int  # change rows appended by this refresh
    log: list[LogRow]  # every row of 变更记录 that can be read, earlier ones first


def cell(t: Table, key: str, i: int) -> Any:
    """A typed value; UNREAD when the column is missing or its cell could not be read."""
    if key not in t.columns:
        return UNREAD
    v = t.values[key][i]
    if v is None and not p.is_blank(t.raw[key][i]):
        return UNREAD
    return v


def current_values(r: Context) -> dict[str, dict[str, Any]]:
    """Customer → tracked field → value (keys), as this refresh reads and computes them."""
    cards, funnel = r.table("customers"), r.table("funnel")
    grades = r.facts[GRADES].grades
    heats = r.facts[CALLS].heats
    out: dict[str, dict[str, Any]] = {}
    ids = cards.values.get("customer_id", [])
    for i, cid in enumerate(ids):
        if cid is None or cid in out:
            continue
        bad = i in cards.bad_rows  # a row left out of the jobs: its values are not read this time
        out[cid] = {k: UNREAD if bad else cell(cards, k, i) for k in CARD_FIELDS}
        out[cid]["abc"] = grades.get(cid, UNREAD)
        for k in FUNNEL_FIELDS:
            out[cid][k] = None
        out[cid]["heat"] = None
    seen: set[str] = set()
    for i, cid in enumerate(funnel.values.get("customer_id", [])):
        if cid not in out or cid in seen:
            continue
        seen.add(cid)
        bad = i in funnel.bad_rows
        for k in FUNNEL_FIELDS:
            out[cid][k] = UNREAD if bad else cell(funnel, k, i)
        out[cid]["heat"] = heats.get(cid, UNREAD)
    return out


def previous_snapshot(t: Table | None) -> dict[str, dict[str, Any]] | None:
    if t is None:
        return None
    out: dict[str, dict[str, Any]] = {}
    for vals in t.tuples(["customer_id", *TRACKED], good_only=False):
        if vals[0] is not None:
            out[vals[0]] = dict(zip(TRACKED, vals[1:]))
    return out


_FIELDS = {fold(a): f for f in TRACKED for a in FIELD_SHEET[f].col(f).aliases()}


def log_entries(t: Table | None) -> list[tuple[list[Any], LogRow | None]]:
    """Each row of 变更记录 as it is (日期 … 业务员; a number stays a number), with what it says
    when it can be read (None: a row a rep edited beyond reading)."""
    if t is None:
        return []
    keys = [c.key for c in S.CHANGELOG.columns]
    out: list[tuple[list[Any], LogRow | None]] = []
    for i in range(len(t.rows)):
        row = [t.raw[k][i] if k in t.raw else None for k in keys]
        date, cid, label = (t.values.get(k, [None] * len(t.rows))[i] for k in ("date", "customer_id", "field"))
        f = _FIELDS.get(fold(label)) if label else None
        read = None if date is None or cid is None or f is None else LogRow(date, cid, f, _key(f, row[3]),
                                                                            _key(f, row[4]))
        out.append(([None if v == "" else v for v in row], read))
    return out


def log_rows(t: Table | None) -> tuple[list[list[Any]], list[LogRow]]:
    """The rows of 变更记录 as they are (to write back) and the ones that can be read (to count)."""
    entries = log_entries(t)
    return [row for row, _ in entries], [read for _, read in entries if read is not None]


def _key(field: str, v: Any) -> Any:
    column = FIELD_SHEET[field].col(field)
    if v is None or not column.choices:
        return v
    try:
        return p.ChoiceMatcher(column.choices)(v)
    except p.ParseError:
        return v


def run(r: Context) -> tuple[Output, ChangeFacts]:
    lang, day = r.lang, r.as_of
    previous = previous_snapshot(r.loaded.memory.get("snapshot"))
    current = current_values(r)
    changes, snapshot = compare(previous or {}, current)
    kept, read = log_rows(r.loaded.memory.get("changelog"))
    new = [[day, c.customer_id, field_label(c.field, lang), value_label(c.field, c.old, lang),
            value_label(c.field, c.new, lang), snapshot[c.customer_id].get("owner")] for c in changes]
    read += [LogRow(day, c.customer_id, c.field, c.old, c.new) for c in changes]
    out = Output(outputs=[changelog_sheet(kept + new, lang, r.loaded.tab(S.CHANGELOG)),
                          snapshot_sheet(snapshot, day, lang, r.loaded.tab(S.SNAPSHOT))])
    return out, ChangeFacts(previous is None, len(new), read)


STEP = Step("changelog", run, needs=(GRADES, CALLS))
