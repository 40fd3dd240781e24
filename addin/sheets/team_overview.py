"""团队概览: one row per rep's workbook, and the team's total."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from sheets_schema import Lang
from sheets_schema.team import TEAM_OVERVIEW

from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style

if TYPE_CHECKING:
    from ..team.queries import RepFigures

WORDS = {
    "title": ("团队概览 · 截至 {date}", "Team overview · as of {date}"),
    "total": ("合计", "Total"),
    "books": ("{n} 个工作簿", "{n} workbooks"),
}


def title_rows(title: str, spec, lang: Lang) -> list[list[Any]]:
    """The title (row 1, merged over the table) and the header row, as every team sheet has them."""
    n = len(spec.columns)
    return [[Styled(title, "title")] + [None] * (n - 1), [Styled(h, "header") for h in spec.headers(lang)]]


def total_style(kind_style_name: str) -> str:
    return "total_" + kind_style_name


def overview_sheet(reps: list[RepFigures], as_of: dt.date, lang: Lang) -> OutputSheet:
    spec = TEAM_OVERVIEW
    styles = [kind_style(c.kind) for c in spec.columns]
    rows = title_rows(pick(WORDS, "title", lang, date=as_of.isoformat()), spec, lang)
    for r in reps:
        rows.append([r.source.owner, r.source.workbook, r.source.as_of, r.customers, r.a_customers, r.coverage,
                     r.contacts, r.attempts, r.pipeline, r.forecast, r.outstanding, r.overdue, r.over_limit])
    customers = sum(r.customers for r in reps)
    total = [pick(WORDS, "total", lang), pick(WORDS, "books", lang, n=len(reps)), None, customers,
             sum(r.a_customers for r in reps),
             sum(r.covered for r in reps) / book if (book := sum(r.book for r in reps)) else None,
             sum(r.contacts for r in reps), sum(r.attempts for r in reps), *(round(sum(getattr(r, k) for r in reps), 2)
                                              for k in ("pipeline", "forecast", "outstanding", "overdue")),
             sum(r.over_limit for r in reps)]
    rows.append([Styled(v, total_style(styles[i])) for i, v in enumerate(total)])
    return OutputSheet(spec.key, spec.name(lang), rows, widths=[c.width for c in spec.columns],
                       column_styles=styles, freeze_rows=2, merges=[(1, 1, 1, len(styles))], row_heights={1: 24},
                       landscape=True, repeat_rows=(1, 2))
