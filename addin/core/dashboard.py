"""The dashboard's figures, as functions of plain values: the funnel by stage, the ABC Pareto,
coverage this month per rep, the pipeline and the weighted forecast."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

STAGES = tuple(str(s) for s in range(8))
PIPELINE_STAGES = ("4", "5")
PARETO_POINTS = 20  # at most this many points: groups of customers by rank (5 % each)


def funnel_counts(rows: Iterable[tuple[str | None, str | None]]) -> list[int]:
    """Rows per stage 0–7 of (stage, abandoned); abandoned rows are out of the pipeline."""
    counts = [0] * len(STAGES)
    for stage, abandoned in rows:
        if stage in STAGES and abandoned != "yes":
            counts[int(stage)] += 1
    return counts


@dataclass(frozen=True)
class ParetoPoint:
    customer_share: float  # the ranked customers up to this point, as a share of all with sales
    last_rank: int
    sales: float  # the sales of this group of ranks
    cum_share: float  # the sales share of the customers ranked up to here


def pareto(sales: Iterable[float | None], points: int = PARETO_POINTS) -> list[ParetoPoint]:
    """Customers ranked by sales (positive sales only), in at most ``points`` equal groups of ranks."""
    ranked = sorted((float(x) for x in sales if x is not None and x > 0), reverse=True)
    n, total = len(ranked), sum(ranked)
    if not n:
        return []
    k = min(n, points)
    out: list[ParetoPoint] = []
    lo, cum = 0, 0.0
    for g in range(1, k + 1):
        hi = math.ceil(g * n / k)
        group = sum(ranked[lo:hi])
        cum += group
        out.append(ParetoPoint(hi / n, hi, group, cum / total))
        lo = hi
    return out


def grade_share(sales_by_grade: Iterable[tuple[str | None, float | None]], grade: str = "A") -> float | None:
    """The share of all positive sales made by the customers of ``grade`` (None: no sales)."""
    total = part = 0.0
    for g, x in sales_by_grade:
        if x is not None and x > 0:
            total += x
            if g == grade:
                part += x
    return part / total if total else None


@dataclass(frozen=True)
class Coverage:
    owner: str
    customers: int
    contacted: int  # distinct customers of the rep contacted from the 1st of the month to the as-of date

    @property
    def share(self) -> float:
        return self.contacted / self.customers if self.customers else 0.0


def total_coverage(per_rep: list[Coverage]) -> float:
    n = sum(c.customers for c in per_rep)
    return sum(c.contacted for c in per_rep) / n if n else 0.0


def pipeline(rows: Iterable[tuple[str | None, str | None, float | None]]) -> float:
    """Σ 预计金额 of the rows at stage 4–5 that are not abandoned (stage, abandoned, amount)."""
    return sum(float(x) for stage, abandoned, x in rows
               if stage in PIPELINE_STAGES and abandoned != "yes" and x is not None)


def forecast(rows: Iterable[tuple[str | None, str | None, float | None]], probability: tuple[float, ...]) -> float:
    """Σ 预计金额 × the stage's win probability, over the rows not abandoned."""
    return sum(float(x) * probability[int(stage)] for stage, abandoned, x in rows
               if stage in STAGES and abandoned != "yes" and x is not None)
