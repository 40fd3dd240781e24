"""The team's 看板: the rep's dashboard facts, summed over every collected workbook by SQL.

Funnel, Pareto, A share and trend come from :mod:`queries`; coverage, pipeline, forecast and the
receivables are the per-rep figures of 团队概览 and 账龄汇总 added up, so the 看板 and those sheets
agree; the stage conversion is the one of 漏斗转化 (between two snapshot dates).
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import Connection

from ..core.changes import Conversion
from ..core.dashboard import PARETO_POINTS, Coverage, ParetoPoint
from ..core.settings import Settings
from ..steps.dashboard import TREND_POINTS, DashboardFacts, ab_lines
from . import queries as Q


def pareto(groups: list[tuple[int, float]]) -> list[ParetoPoint]:
    """(last rank, the group's sales) → the Pareto points of core.dashboard.pareto."""
    if not groups:
        return []
    n, total = groups[-1][0], sum(x for _, x in groups)
    out, cum = [], 0.0
    for last, x in groups:
        cum += x
        out.append(ParetoPoint(last / n, last, x, cum / total if total else 0.0))
    return out


def coverage(reps: list[Q.RepFigures]) -> list[Coverage]:
    """Per rep (sorted): the customers and the ones contacted this month, over the rep's workbooks."""
    per: dict[str, list[int]] = {}
    for r in reps:
        n = per.setdefault(r.source.owner, [0, 0])
        n[0] += r.book
        n[1] += r.covered
    return [Coverage(owner, n, c) for owner, (n, c) in sorted(per.items())]


def conversion(moves: list[Q.Move]) -> Conversion:
    """The stage moves between the two snapshot dates, in the rep's 看板 terms."""
    advanced, entered = [0] * 8, [0] * 8
    won = lost = 0
    for m in moves:
        if m.stage_from is not None and m.stage_to is not None and m.stage_to > m.stage_from:
            advanced[m.stage_from] += m.customers
        if m.stage_to is not None and m.stage_to != m.stage_from:
            entered[m.stage_to] += m.customers
            if m.stage_to == 6 and (m.stage_from is None or m.stage_from < 6):
                won += m.customers
        lost += m.customers if m.lost else 0
    return Conversion(advanced, entered, won, lost)


def team_dashboard(conn: Connection, reps: list[Q.RepFigures], aging: list[Q.RepAging], moves: list[Q.Move],
                   as_of: dt.date, span: tuple[dt.date, dt.date] | None, settings: Settings) -> DashboardFacts:
    points = pareto(Q.pareto_groups(conn, PARETO_POINTS))
    funnel = Q.funnel_counts(conn)
    outstanding = Q.money(sum(a.outstanding for a in aging))
    buckets = [Q.money(sum(a.not_due for a in aging)),
               *(Q.money(sum(a.buckets[i] for a in aging)) for i in range(len(settings.aging_buckets) + 1))]
    return DashboardFacts(
        owner=None, customers=sum(r.customers for r in reps), a_share=Q.sales_share(conn),
        coverage=coverage(reps), pipeline=Q.money(sum(r.pipeline for r in reps)),
        forecast=Q.money(sum(r.forecast for r in reps)), outstanding=outstanding,
        overdue=Q.money(sum(a.overdue for a in aging)), dso=None, funnel=funnel, pareto=points,
        cutoffs=ab_lines(points, settings), aging=buckets, bounds=settings.aging_buckets,
        conversion=conversion(moves), at_stage=funnel, days=[None] * 8,
        trend=Q.balance_trend(conn, as_of, TREND_POINTS), books=len(reps), span=span)
