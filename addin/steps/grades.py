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
    s = r.settings
    graded = abc([(c.customer_id, c.annual_sales) for c in cards], s)
    sales_share: dict[int, object] = {}
    cum_share: dict[int, object] = {}
    grade: dict[int, object] = {}
    deals: dict[int, object] = {}
    segments: dict[int, object] = {}
    for c, g in zip(cards, graded):
        i = c.i
        deal = deal_type(c.annual_sales, c.gross_margin, c.avg_discount, s)
        sales_share[i] = g.sales_share
        cum_share[i] = g.cum_share
        grade[i] = g.abc
        deals[i] = deal
        segments[i] = segment(g.abc, deal, c.money, c.need, c.authority, stages.get(c.customer_id))
    values: dict[str, dict[int, object]] = {"sales_share": sales_share, "cum_share": cum_share, "abc": grade,
                                            "segment": segments, "deal_type": deals}
    out = Output()
    if t.columns:
        out.columns[t.name] = computed_blocks(t, values, r.lang)
    grades = {c.customer_id: g.abc for c, g in zip(cards, graded)}
    return out, GradeFacts(grades, {k: sum(1 for g in graded if g.abc == k) for k in ("A", "B", "C")})


STEP = Step("grades", run, summary=lambda f: {"grades": dict(f.counts)})
