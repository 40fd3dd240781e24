"""变更记录: compare the tracked values with the previous refresh's snapshot and log each change."""
from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import sheets_schema as S
from sheets_schema import Record, fold

from ..core import parse as p
from ..core.changes import TRACKED, UNREAD, LogRow, compare
from ..sheets.memory import FIELD_SHEET, changelog_sheet, field_label, snapshot_sheet, value_label
from ..view import Sheet
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


def cell(t: Sheet, row: Record, key: str) -> Any:
    """A typed value; UNREAD when the column is missing or its cell could not be read."""
    if key not in t.columns or row.i in t.unreadable(key):
        return UNREAD
    return getattr(row, key)


def _cells(t: Sheet, keys: tuple[str, ...]) -> list[tuple[str, frozenset[int] | None, Any]]:
    """Per key: the data rows whose cell could not be read (None: the column is missing) and a getter
    of the typed value — what :func:`cell` looks up, once per column instead of once per row."""
    return [(k, t.unreadable(k) if k in t.columns else None, attrgetter(k)) for k in keys]


def current_values(r: Context) -> dict[str, dict[str, Any]]:
    """Customer → tracked field → value (keys), as this refresh reads and computes them (each value
    as :func:`cell` reads it)."""
    cards, funnel = r.sheet("customers"), r.sheet("funnel")
    grades = r.facts[GRADES].grades
    heats = r.facts[CALLS].heats
    out: dict[str, dict[str, Any]] = {}
    card_cells, funnel_cells = _cells(cards, CARD_FIELDS), _cells(funnel, FUNNEL_FIELDS)
    bad_cards, bad_funnel = cards.bad, funnel.bad
    rest = dict.fromkeys(("abc", *FUNNEL_FIELDS, "heat"))  # the card's grade, then blank until its funnel row
    for row in cards.records(with_errors=True):
        cid = row.customer_id
        if cid is None or cid in out:
            continue
        i = row.i
        if i in bad_cards:  # a row left out of the jobs: its values are not read this time
            now = dict.fromkeys(CARD_FIELDS, UNREAD)
        else:
            now = {k: UNREAD if unread is None or i in unread else get(row) for k, unread, get in card_cells}
        now.update(rest)
        now["abc"] = grades.get(cid, UNREAD)
        out[cid] = now
    seen: set[str] = set()
    for row in funnel.records(with_errors=True):
        cid = row.customer_id
        if cid not in out or cid in seen:
            continue
        seen.add(cid)
        now = out[cid]
        i = row.i
        bad = i in bad_funnel
        for k, unread, get in funnel_cells:
            now[k] = UNREAD if bad or unread is None or i in unread else get(row)
        now["heat"] = heats.get(cid, UNREAD)
    return out


def previous_snapshot(t: Sheet | None) -> dict[str, dict[str, Any]] | None:
    if t is None:
        return None
    out: dict[str, dict[str, Any]] = {}
    for row in t.records(with_errors=True):
        if row.customer_id is not None:
            out[row.customer_id] = {k: getattr(row, k) for k in TRACKED}
    return out


_FIELDS = {fold(a): f for f in TRACKED for a in FIELD_SHEET[f].col(f).aliases()}


def log_entries(t: Sheet | None) -> list[tuple[list[Any], LogRow | None]]:
    """Each row of 变更记录 as it is (日期 … 业务员; a number stays a number), with what it says
    when it can be read (None: a row a rep edited beyond reading)."""
    if t is None:
        return []
    keys = [c.key for c in S.CHANGELOG.columns]
    typed = [t.as_typed(k) for k in keys]
    out: list[tuple[list[Any], LogRow | None]] = []
    for rec in t.records(with_errors=True):
        i = rec.i
        row = [col[i] if col else None for col in typed]
        date, cid, label = rec.date, rec.customer_id, rec.field
        f = _FIELDS.get(fold(label)) if label else None
        read = None if date is None or cid is None or f is None else LogRow(date, cid, f, _key(f, row[3]),
                                                                            _key(f, row[4]))
        out.append(([None if v == "" else v for v in row], read))
    return out


def log_rows(t: Sheet | None) -> tuple[list[list[Any]], list[LogRow]]:
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
