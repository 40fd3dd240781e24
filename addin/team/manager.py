"""`crm team`: the manager's workbook from the team database.

The figures are SQL aggregates (:mod:`queries`); the sheets are built by the same kind of
builders as a rep's output sheets and written as a new .xlsx.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

import sheets_schema as S

from ..core.settings import Settings
from ..export.sheets_xlsx import write_sheets
from ..sheets.conversion import conversion_sheet
from ..sheets.dashboard import dashboard_sheet
from ..sheets.disputes import disputes_sheet
from ..sheets.team_aging import team_aging_sheet
from ..sheets.team_overview import overview_sheet
from ..steps.dashboard import DashboardFacts
from ..writes import OutputSheet
from . import queries as Q
from .dashboard import team_dashboard


class NothingCollected(Exception):
    """The database holds no workbook yet (exit 1)."""


@dataclass
class TeamFacts:
    as_of: dt.date
    since: dt.date | None  # the earlier snapshot date of the conversion (None: only one date)
    to: dt.date  # the later one
    bounds: tuple[int, ...]
    reps: list[Q.RepFigures]
    aging: list[Q.RepAging]
    disputes: list[Q.Dispute]
    moves: list[Q.Move]
    dashboard: DashboardFacts


def default_since(dates: list[dt.date], to: dt.date) -> dt.date | None:
    """The snapshot date before the latest one on or before ``to``."""
    earlier = [d for d in dates if d <= to]
    return earlier[-2] if len(earlier) >= 2 else None


def team_facts(engine: Engine, *, as_of: dt.date | None = None, since: dt.date | None = None) -> TeamFacts:
    settings = Settings()  # one set of buckets and ABC lines for the whole team: 设置's defaults
    bounds = settings.aging_buckets
    with engine.connect() as conn:
        srcs = Q.sources(conn)
        if not srcs:
            raise NothingCollected("no workbook collected yet: run crm collect first")
        day = as_of or Q.latest_as_of(conn)
        dates = Q.snapshot_dates(conn)
        to = max((d for d in dates if d <= day), default=day)
        start = since if since is not None else default_since(dates, day)
        reps, aging = Q.rep_figures(conn, srcs, day), Q.rep_aging(conn, srcs, day, bounds)
        moves = Q.moves(conn, srcs, start, to) if start is not None else []
        span = (start, to) if start is not None else None
        return TeamFacts(day, start, to, bounds, reps, aging, Q.disputes(conn, srcs), moves,
                         team_dashboard(conn, reps, aging, moves, day, span, settings))


def team_sheets(f: TeamFacts, lang: str) -> list[OutputSheet]:
    return [overview_sheet(f.reps, f.as_of, lang), disputes_sheet(f.disputes, lang),
            conversion_sheet(f.moves, f.since, f.to, lang), team_aging_sheet(f.aging, f.bounds, f.as_of, lang),
            dashboard_sheet(f.dashboard, f.as_of, Settings(), lang, S.DASHBOARD.name(lang))]


def build(engine: Engine, out: Path, *, as_of: dt.date | None = None, since: dt.date | None = None,
          lang: str = "zh") -> TeamFacts:
    facts = team_facts(engine, as_of=as_of, since=since)
    write_sheets(team_sheets(facts, lang), out, lang)
    return facts
