"""账龄汇总: each rep's receivables by age, and the team's total."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sheets_schema as S
from sheets_schema import Lang
from sheets_schema.team import TEAM_AGING

from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style
from .team_overview import total_style

if TYPE_CHECKING:
    from ..team.queries import RepAging

WORDS = {
    "title": ("账龄汇总 · 截至 {date}", "Aging by rep · as of {date}"),
    "total": ("合计", "Total"),
}


def team_aging_sheet(reps: list[RepAging], bounds: tuple[int, ...], as_of: dt.date, lang: Lang) -> OutputSheet:
    base = TEAM_AGING.columns
    columns = base[:3] + S.bucket_columns(bounds) + base[3:]
    n = len(columns)
    styles = [kind_style(c.kind) for c in columns]
    rows = [[Styled(pick(WORDS, "title", lang, date=as_of.isoformat()), "title")] + [None] * (n - 1),
            [Styled(c.header(lang), "header") for c in columns]]

    def line(label: str, outstanding: float, not_due: float, buckets: tuple[float, ...]) -> list:
        overdue = round(sum(buckets), 2)
        return [label, outstanding, not_due, *buckets, overdue, overdue / outstanding if outstanding else None]

    for r in reps:
        rows.append(line(r.source.owner, r.outstanding, r.not_due, r.buckets))
    nb = len(bounds) + 1
    total = line(pick(WORDS, "total", lang), round(sum(r.outstanding for r in reps), 2),
                 round(sum(r.not_due for r in reps), 2),
                 tuple(round(sum(r.buckets[i] for r in reps), 2) for i in range(nb)))
    rows.append([Styled(v, total_style(styles[i])) for i, v in enumerate(total)])
    return OutputSheet(TEAM_AGING.key, TEAM_AGING.name(lang), rows, widths=[c.width for c in columns],
                       column_styles=styles, freeze_rows=2, merges=[(1, 1, 1, n)], row_heights={1: 24},
                       landscape=True, repeat_rows=(1, 2))
