"""Customer grades: ABC (Pareto), deal type (transactional vs relationship), segment.

Pure functions over DataFrames; see docs/rules.md for the rules in words.
"""
from __future__ import annotations

import math

import pandas as pd

from .settings import Settings

SCALE = 10**6  # cut-offs are compared exactly at this precision


def _cents(x: object) -> int:
    if x is None or not isinstance(x, (int, float)) or math.isnan(x) or x <= 0:
        return 0
    return round(x * 100)


def abc(customers: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """ABC grade per customer.

    ``customers`` has columns customer_id and annual_sales (None/invalid = 0). Returns a
    frame on the same index with sales_share, cum_share, abc.

    Customers are ranked by sales descending, ties by customer ID ascending.
    Method "sales": A when the share of sales of the customers ranked above is below
    the A cut-off, B when below the B cut-off, else C — so A always covers at least the
    A cut-off. Method "count": the first A-cut-off share of ranked customers are A,
    up to the B cut-off B, the rest C. Zero or blank sales is always C.
    """
    cents = [_cents(x) for x in customers["annual_sales"]]
    df = pd.DataFrame({"id": customers["customer_id"].astype(str), "cents": cents}, index=customers.index)
    order = df.sort_values(["cents", "id"], ascending=[False, True], kind="mergesort")
    total = int(order["cents"].sum())
    n = len(order)
    grades: dict[object, str] = {}
    shares: dict[object, float | None] = {}
    cums: dict[object, float | None] = {}
    above = 0
    a_sales, b_sales = round(s.abc_a_sales * SCALE), round(s.abc_b_sales * SCALE)
    a_count, b_count = round(s.abc_a_count * SCALE), round(s.abc_b_count * SCALE)
    for pos, (idx, c) in enumerate(zip(order.index, order["cents"]), start=1):
        c = int(c)
        if total:
            shares[idx] = c / total
            cums[idx] = (above + c) / total
        else:
            shares[idx] = cums[idx] = None
        if c <= 0:
            grade = "C"
        elif s.abc_method == "count":
            grade = "A" if pos * SCALE <= a_count * n else "B" if pos * SCALE <= b_count * n else "C"
        else:
            grade = "A" if above * SCALE < a_sales * total else "B" if above * SCALE < b_sales * total else "C"
        grades[idx] = grade
        above += c
    return pd.DataFrame({"sales_share": pd.Series(shares, dtype=object),
                         "cum_share": pd.Series(cums, dtype=object),
                         "abc": pd.Series(grades, dtype=object)}).reindex(customers.index)


def deal_type(customers: pd.DataFrame, s: Settings) -> pd.Series:
    """交易型 when the average discount is at least the threshold AND the gross margin
    rate (毛利 / 年销售额) is at most the threshold; otherwise 关系型."""
    out = []
    for sales, margin, disc in zip(customers["annual_sales"], customers["gross_margin"],
                                   customers["avg_discount"]):
        rate = margin / sales if _num(sales) and sales > 0 and _num(margin) else None
        transactional = (_num(disc) and disc >= s.transactional_discount - 1e-12
                         and rate is not None and rate <= s.transactional_margin + 1e-12)
        out.append("transactional" if transactional else "relationship")
    return pd.Series(out, index=customers.index, dtype=object)


def _num(x: object) -> bool:
    return isinstance(x, (int, float)) and not (isinstance(x, float) and math.isnan(x))


PURSUIT_STAGES = {"3", "4", "5"}


def segment(grades: pd.Series, deals: pd.Series, customers: pd.DataFrame, stages: pd.Series) -> pd.Series:
    """核心 / 价值 / 潜力 / 低等.

    - core: A and relationship;
    - value: B and relationship, or A and transactional;
    - potential: otherwise, when MAN says money and need are 有 and authority is not 无,
      or the funnel stage is 3–5 (being actively won);
    - low: the rest.
    """
    out = []
    for g, d, money, need, authority, stage in zip(grades, deals, customers["money"], customers["need"],
                                                   customers["authority"], stages):
        if g == "A" and d == "relationship":
            out.append("core")
        elif (g == "B" and d == "relationship") or (g == "A" and d == "transactional"):
            out.append("value")
        elif (money == "yes" and need == "yes" and authority != "no") or stage in PURSUIT_STAGES:
            out.append("potential")
        else:
            out.append("low")
    return pd.Series(out, index=customers.index, dtype=object)
