"""Customer grades: ABC (Pareto), deal type (transactional vs relationship), segment.

Pure functions over plain values (a Python sort beats a DataFrame here: scripts/bench_rows.py); see docs/rules.md for the rules in words.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

from .settings import Settings

SCALE = 10**6  # cut-offs are compared exactly at this precision


def _cents(x: object) -> int:
    if x is None or not isinstance(x, (int, float)) or math.isnan(x) or x <= 0:
        return 0
    return round(x * 100)


class Graded(NamedTuple):
    sales_share: float | None  # None when nobody has sales
    cum_share: float | None
    abc: str


def abc(sales: Sequence[tuple[str, object]], s: Settings) -> list[Graded]:
    """ABC grade per customer, for (customer ID, annual sales) pairs; results in input order.

    Customers are ranked by sales descending, ties by customer ID ascending (None/invalid
    sales = 0). Method "sales": A when the share of sales of the customers ranked above is below
    the A cut-off, B when below the B cut-off, else C — so A always covers at least the
    A cut-off. Method "count": the first A-cut-off share of the customers *with sales* are A, up
    to the B cut-off B, the rest C (prospects without sales are not part of n). Zero or blank
    sales is always C. Equal sales always get the same grade: a tie is graded as its first
    member (the sales above it, its first position), so a tie never splits A and B.
    """
    cents = [_cents(x) for _, x in sales]
    keys = [(-c, str(cid)) for c, (cid, _) in zip(cents, sales)]
    order = sorted(range(len(sales)), key=keys.__getitem__)
    total = sum(cents)
    n = sum(1 for c in cents if c > 0)
    out: list[Graded | None] = [None] * len(order)
    above = 0
    a_sales, b_sales = round(s.abc_a_sales * SCALE), round(s.abc_b_sales * SCALE)
    a_count, b_count = round(s.abc_a_count * SCALE), round(s.abc_b_count * SCALE)
    tie_cents, tie_above, tie_pos = None, 0, 0
    for pos, k in enumerate(order, start=1):
        c = cents[k]
        if c != tie_cents:
            tie_cents, tie_above, tie_pos = c, above, pos
        if c <= 0:
            grade = "C"
        elif s.abc_method == "count":
            grade = "A" if tie_pos * SCALE <= a_count * n else "B" if tie_pos * SCALE <= b_count * n else "C"
        else:
            grade = ("A" if tie_above * SCALE < a_sales * total else
                     "B" if tie_above * SCALE < b_sales * total else "C")
        # Graded(…) without the named tuple's Python-level __new__ (one per customer)
        out[k] = tuple.__new__(Graded, (c / total, (above + c) / total, grade) if total else (None, None, grade))
        above += c
    return out  # type: ignore[return-value]


def deal_type(sales: object, margin: object, discount: object, s: Settings) -> str:
    """交易型 when the average discount is at least the threshold AND the gross margin
    rate (毛利 / 年销售额) is at most the threshold; otherwise 关系型."""
    rate = margin / sales if _num(sales) and sales > 0 and _num(margin) else None  # type: ignore[operator]
    transactional = (_num(discount) and discount >= s.transactional_discount - 1e-12  # type: ignore[operator]
                     and rate is not None and rate <= s.transactional_margin + 1e-12)
    return "transactional" if transactional else "relationship"


def _num(x: object) -> bool:
    """A number, not NaN (an int or float equals itself unless it is NaN)."""
    return isinstance(x, (int, float)) and x == x


PURSUIT_STAGES = {"3", "4", "5"}


def segment(grade: str, deal: str, money: object, need: object, authority: object, stage: object) -> str:
    """核心 / 价值 / 潜力 / 低等.

    - core: A and relationship;
    - value: B and relationship, or A and transactional;
    - potential: otherwise, when MAN says money and need are 有 and authority is not 无,
      or the funnel stage is 3–5 (being actively won);
    - low: the rest.
    """
    if grade == "A" and deal == "relationship":
        return "core"
    if (grade == "B" and deal == "relationship") or (grade == "A" and deal == "transactional"):
        return "value"
    if (money == "yes" and need == "yes" and authority != "no") or stage in PURSUIT_STAGES:
        return "potential"
    return "low"
