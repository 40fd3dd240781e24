"""客户资料卡 computed columns: 销售占比, 累计占比, ABC等级, 客户类别, 交易类型."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.grading import abc, deal_type, segment
from ..writeback import computed_blocks
from .base import Context, Output, Step


@dataclass(frozen=True)
class GradeFacts:
    grades: dict[str, str]  # customer ID → ABC grade
    counts: dict[str, int]  # grade → customers


def run(r: Context) -> tuple[Output, GradeFacts]:
    """Every row of Loaded.customer_cards (a usable ID, the first of duplicates) is graded; rows
    with other errors too: an invalid number counts as blank / zero."""
    t = r.sheet("customers")
    cards = list(r.loaded.customer_cards().values())
    stages = {f.customer_id: f.stage for f in r.sheet("funnel").records()}
    graded = abc([(c.customer_id, c.annual_sales) for c in cards], r.settings)
    values: dict[str, dict[int, object]] = {k: {} for k in ("sales_share", "cum_share", "abc", "segment",
                                                            "deal_type")}
    for c, g in zip(cards, graded):
        deal = deal_type(c.annual_sales, c.gross_margin, c.avg_discount, r.settings)
        values["sales_share"][c.i] = g.sales_share
        values["cum_share"][c.i] = g.cum_share
        values["abc"][c.i] = g.abc
        values["deal_type"][c.i] = deal
        values["segment"][c.i] = segment(g.abc, deal, c.money, c.need, c.authority, stages.get(c.customer_id))
    out = Output()
    if t.columns:
        out.columns[t.name] = computed_blocks(t, values, r.lang)
    grades = {c.customer_id: g.abc for c, g in zip(cards, graded)}
    return out, GradeFacts(grades, {k: sum(1 for g in graded if g.abc == k) for k in ("A", "B", "C")})


STEP = Step("grades", run, summary=lambda f: {"grades": dict(f.counts)})
