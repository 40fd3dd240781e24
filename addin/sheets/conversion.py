"""漏斗转化: stage moves between two snapshot dates, per rep and as a from → to matrix."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sheets_schema as S
from sheets_schema import Lang
from sheets_schema.team import CONVERSION

from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style
from .team_overview import total_style

if TYPE_CHECKING:
    from ..team.queries import Move

WON_STAGE = 6
STAGES = tuple(range(8))
WORDS = {
    "title": ("漏斗转化 · {since} → {to}", "Funnel conversion · {since} → {to}"),
    "single_title": ("漏斗转化", "Funnel conversion"),
    "single": ("只有一个快照日期（{to}），再次采集后可比较", "One snapshot date only ({to}): collect again to compare."),
    "total": ("合计", "Total"),
    "matrix": ("阶段变化（行：{since}，列：{to}）", "Stage moves (rows: {since}, columns: {to})"),
    "none": ("未在漏斗", "Not in funnel"),
    "from_to": ("从 \\ 到", "From \\ To"),
}


@dataclass
class Tally:
    start: int = 0
    advanced: int = 0
    unchanged: int = 0
    regressed: int = 0
    entered: int = 0
    left: int = 0
    won: int = 0
    lost: int = 0

    def add(self, m: Move) -> None:
        a, b, n = m.stage_from, m.stage_to, m.customers
        if a is not None:
            self.start += n
        if a is None and b is not None:
            self.entered += n
        elif a is not None and b is None:
            self.left += n
        elif a is not None and b is not None:
            if b > a:
                self.advanced += n
            elif b < a:
                self.regressed += n
            else:
                self.unchanged += n
        if b == WON_STAGE and (a is None or a < WON_STAGE):
            self.won += n
        if m.lost:
            self.lost += n

    def row(self, label: str) -> list:
        decided = self.won + self.lost
        return [label, self.start, self.advanced, self.unchanged, self.regressed, self.entered, self.left,
                self.won, self.lost, self.won / decided if decided else None]


def tallies(moves: list[Move]) -> dict[int, tuple[str, Tally]]:
    """Source id → (owner, its tally), in the order of the moves (owner, workbook)."""
    out: dict[int, tuple[str, Tally]] = {}
    for m in moves:
        out.setdefault(m.source.id, (m.source.owner, Tally()))[1].add(m)
    return out


def conversion_sheet(moves: list[Move], since: dt.date | None, to: dt.date, lang: Lang) -> OutputSheet:
    spec = CONVERSION
    n = len(spec.columns)
    styles = [kind_style(c.kind) for c in spec.columns]
    if since is None:
        # the title alone, as wide as the table would be, and what is missing below it (a note in the
        # title, in 16 points, was cut off at both ends of the printed page in English)
        rows = [[Styled(pick(WORDS, "single_title", lang), "title")] + [None] * (n - 1),
                [Styled(pick(WORDS, "single", lang, to=to.isoformat()), "subtitle")]]
        return OutputSheet(spec.key, spec.name(lang), rows, widths=[c.width for c in spec.columns],
                           column_styles=styles, merges=[(1, 1, 1, n)], row_heights={1: 24}, landscape=True)
    rows = [[Styled(pick(WORDS, "title", lang, since=since.isoformat(), to=to.isoformat()), "title")]
            + [None] * (n - 1), [Styled(h, "header") for h in spec.headers(lang)]]
    team = Tally()
    for owner, tally in tallies(moves).values():
        rows.append(tally.row(owner))
    for m in moves:
        team.add(m)
    rows.append([Styled(v, total_style(styles[i])) for i, v in enumerate(team.row(pick(WORDS, "total", lang)))])
    rows.append([None] * n)
    rows += matrix(moves, since, to, lang)
    return OutputSheet(spec.key, spec.name(lang), rows, widths=[24] + [c.width for c in spec.columns[1:]],
                       column_styles=styles, freeze_rows=2, merges=[(1, 1, 1, n)], row_heights={1: 24},
                       landscape=True, repeat_rows=(1, 2))


def matrix(moves: list[Move], since: dt.date, to: dt.date, lang: Lang) -> list[list]:
    """The team's customers by stage at the start (rows) and at the end (columns)."""
    keys: list[int | None] = [*STAGES, None]
    counts: dict[tuple[int | None, int | None], int] = {}
    for m in moves:
        counts[(m.stage_from, m.stage_to)] = counts.get((m.stage_from, m.stage_to), 0) + m.customers
    stage = S.FUNNEL.col("stage")
    none = pick(WORDS, "none", lang)
    rows: list[list] = [[Styled(pick(WORDS, "matrix", lang, since=since.isoformat(), to=to.isoformat()), "section")],
                        [Styled(pick(WORDS, "from_to", lang), "header")]
                        + [Styled(str(k) if k is not None else none, "header") for k in keys]]
    for a in keys:
        label = stage.choice(str(a)).label(lang) if a is not None else none
        rows.append([Styled(label, "label")] + [Styled(counts.get((a, b), 0) if (a, b) != (None, None) else None,
                                                       "box_int") for b in keys])
    return rows
