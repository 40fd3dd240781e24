"""看板: KPIs and the charts' figures, and the daily figures row the trends are drawn from."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any

import sheets_schema as S

from ..core.aging import dso
from ..core.calls import coverage as month_coverage
from ..core.changes import Conversion, conversion, days_per_stage
from ..core.dashboard import (
    Coverage,
    ParetoPoint,
    forecast,
    funnel_counts,
    grade_share,
    pareto,
    pipeline,
    total_coverage,
)
from ..core.workdays import month_start
from ..sheets.dashboard import dashboard_sheet
from ..sheets.memory import daily_sheet
from .aging import STEP as AGING
from .base import Context, Output, Step
from .calls import STEP as CALLS
from .changelog import STEP as CHANGELOG
from .grades import STEP as GRADES

TREND_POINTS = 12


@dataclass(frozen=True)
class DashboardFacts:
    owner: str | None
    customers: int
    a_share: float | None
    coverage: list[Coverage]
    pipeline: float
    forecast: float
    outstanding: float
    overdue: float
    dso: float | None
    funnel: list[int]  # rows per stage 0–7
    pareto: list[ParetoPoint]
    cutoffs: tuple[float, float]  # the A and B lines of the Pareto (cumulative sales share)
    aging: list[float]  # not due, then each bucket
    bounds: tuple[int, ...]
    conversion: Conversion
    at_stage: list[int]  # rows per stage now (for the conversion rate)
    days: list[float | None]
    trend: list[tuple[dt.date, float, float]] = field(default_factory=list)  # date, outstanding, overdue
    #: the team's 看板 (crm team): how many workbooks it sums, and the snapshot dates its conversion
    #: is between (None: only one date); a rep's workbook leaves both None (conversion: this month)
    books: int | None = None
    span: tuple[dt.date, dt.date] | None = None

    @property
    def overdue_share(self) -> float | None:
        return self.overdue / self.outstanding if self.outstanding else None

    @property
    def total_coverage(self) -> float:
        return total_coverage(self.coverage)


def ab_lines(points: list[ParetoPoint], s: Any) -> tuple[float, float]:
    """The A/B lines: the sales cut-offs, or with the customer-count method the cumulative share
    the A/B customers reach."""
    if s.abc_method == "sales" or not points:
        return s.abc_a_sales, s.abc_b_sales

    def at(share: float) -> float:
        return next((pt.cum_share for pt in points if pt.customer_share >= share - 1e-9), 1.0)

    return at(s.abc_a_count), at(s.abc_b_count)


def figures(r: Context, owner: str | None) -> tuple[DashboardFacts, dict[str | None, tuple[float, float, float, float]]]:
    """The dashboard's figures for ``owner`` (None: everyone), and the daily figures of everyone
    and each rep: (outstanding, overdue, coverage, pipeline)."""
    s = r.settings
    cards = r.loaded.customer_cards()
    owners = {cid: card.owner for cid, card in cards.items()}
    mine = {cid for cid, o in owners.items() if owner is None or o == owner}
    grades = r.facts[GRADES].grades
    # in the cards' order: a set's order changes from one process to the next (string hashes), and
    # the share's last digits with it
    sales = [(grades.get(cid), card.annual_sales) for cid, card in cards.items() if cid in mine]
    funnel = list(map(attrgetter("customer_id", "stage", "abandoned", "expected_amount"), r.sheet("funnel").records()))
    # the month's coverage as the call list counts it (its book leaves dropped customers out; the
    # results harvested this refresh count): one computation, core.calls.coverage
    books: dict[str, list[Any]] = {}
    for c in r.facts[CALLS].people:
        books.setdefault(c.owner, []).append(c)
    per_rep = [Coverage(rep, m.book, m.contacted)
               for rep in sorted(books) for m in (month_coverage(books[rep], r.as_of, s),)]
    report = r.facts[AGING]
    aged = [c for c in report.customers] if report is not None else []

    aged_by: dict[str | None, list[Any]] = {}  # grouped once: per-rep filters over every row cost O(reps × rows)
    for c in aged:
        aged_by.setdefault(owners.get(c.customer_id), []).append(c)
    funnel_by: dict[str | None, list[tuple[Any, Any, Any]]] = {}
    for cid, st, ab, x in funnel:
        funnel_by.setdefault(owners.get(cid), []).append((st, ab, x))

    nb = len(s.aging_buckets) + 1
    sums: dict[str | None, tuple[float, float, list[float]]] = {}

    def money(rep: str | None) -> tuple[float, float, list[float]]:
        got = sums.get(rep)
        if got is not None:
            return got
        rows = aged if rep is None else aged_by.get(rep, [])
        # each bucket's column, the rows in order (the same additions as summing c.buckets[b] row by row)
        columns = list(zip(*(c.buckets for c in rows if c.buckets)))
        buckets = [round(sum(columns[b] if b < len(columns) else ()), 2) for b in range(nb)]
        got = sums[rep] = (round(sum(c.outstanding for c in rows), 2), round(sum(c.overdue for c in rows), 2),
                           [round(sum(c.not_due for c in rows), 2), *buckets])
        return got

    everyone = [(st, ab, x) for _, st, ab, x in funnel]

    def pipe(rep: str | None) -> list[tuple[Any, Any, Any]]:
        return everyone if rep is None else funnel_by.get(rep, [])

    daily: dict[str | None, tuple[float, float, float, float]] = {}
    for rep in [None, *(c.owner for c in per_rep)]:
        out, over, _ = money(rep)
        cov = total_coverage([c for c in per_rep if rep is None or c.owner == rep])
        daily[rep] = (out, over, cov, round(pipeline(pipe(rep)), 2))
    outstanding, overdue, buckets = money(owner)
    points = pareto(x for _, x in sales)
    log = r.facts[CHANGELOG].log
    if owner is not None:
        log = [row for row in log if owners.get(row.customer_id) == owner]
    rows = pipe(owner)
    facts = DashboardFacts(
        owner, len(mine), grade_share(sales), [c for c in per_rep if owner is None or c.owner == owner],
        round(pipeline(rows), 2), round(forecast(rows, s.stage_probability), 2), outstanding, overdue,
        report.dso if owner is None else dso(report.items, r.as_of, mine), funnel_counts((st, ab) for st, ab, _ in rows), points, ab_lines(points, s),
        buckets, s.aging_buckets, conversion(log, month_start(r.as_of), r.as_of),
        funnel_counts((st, ab) for st, ab, _ in rows), days_per_stage(log))
    return facts, daily


def daily_rows(r: Context, today: dict[str | None, tuple[float, float, float, float]]) -> list[list[Any]]:
    """The kept daily rows of other dates and this refresh's rows (replacing the same date's)."""
    t = r.loaded.memory.get("daily")
    rows = [list(v[:-2]) for v in t.records(with_errors=True)] if t is not None else []  # each column, without i, row
    rows = [row for row in rows if isinstance(row[0], dt.date) and row[0] != r.as_of]
    rows += [[r.as_of, rep or None, *vals] for rep, vals in today.items()]
    return sorted(rows, key=lambda row: (row[0], row[1] or ""))


def trend(rows: list[list[Any]], owner: str | None) -> list[tuple[dt.date, float, float]]:
    mine = [(row[0], row[2] or 0.0, row[3] or 0.0) for row in rows if (row[1] or None) == owner]
    return mine[-TREND_POINTS:]


def run(r: Context) -> tuple[Output, DashboardFacts]:
    facts, today = figures(r, r.owner)
    rows = daily_rows(r, today)
    facts = replace(facts, trend=trend(rows, r.owner))
    return Output(outputs=[dashboard_sheet(facts, r.as_of, r.settings, r.lang, r.loaded.tab(S.DASHBOARD)),
                           daily_sheet(rows, r.lang, r.loaded.tab(S.DAILY))]), facts


STEP = Step("dashboard", run, needs=(GRADES, CALLS, AGING, CHANGELOG))
