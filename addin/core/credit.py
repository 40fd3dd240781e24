"""Credit survey: ratios, score, grade, suggested limit, approver.

Every rule is written in words in docs/rules.md; the numbers live here once.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sheets_schema import Record

from .settings import Settings

SCORE_KEYS = ("s_principal", "s_scale", "s_sales", "s_know_how", "s_capital", "s_profit", "s_staff",
              "s_suppliers", "s_bank", "s_peers", "s_industry")

#: (ratio key, benchmark shown on the form)
BENCHMARKS = {"quick_ratio": 1.0, "debt_ratio": 0.5, "asset_turnover": 1.0, "net_margin": 0.15}
GRADE_BANDS = ((90, "AAA"), (80, "AA"), (70, "A"), (60, "B"), (0, "C"))
#: share of net assets (期末资产总额 − 负债总额) a grade may be extended on credit
NET_ASSET_FACTOR = {"AAA": 0.20, "AA": 0.15, "A": 0.10, "B": 0.05, "C": 0.0}
ROUND_TO = 1000


#: the approval levels, lowest first: each signs what is within its limit (设置 审批上限)
LEVELS = ("account_manager", "direct_sales_manager", "regional_manager", "general_manager")


def half_up(x: float, places: int = 2) -> float:
    """``x`` rounded half away from zero to ``places`` decimals, as a person rounds (7.555 → 7.56,
    7.545 → 7.55), not as binary floats do (round(7.555, 2) is 7.55 because 7.555 is stored as
    7.55499…). Float noise below 1e-9 is dropped first, so a computed 7.554999999999 is 7.555."""
    d = Decimal(repr(float(x))).quantize(Decimal("1e-9"), rounding=ROUND_HALF_UP)
    return float(d.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)) + 0.0


def _num(x: Any) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or math.isnan(x):
        return None
    return float(x)


def _div(a: Any, b: Any) -> tuple[float | None, bool]:
    """(a / b, whether the denominator was zero)."""
    a, b = _num(a), _num(b)
    if a is None or b is None:
        return None, False
    if b == 0:
        return None, True
    return a / b, False


@dataclass(frozen=True)
class Ratios:
    quick_ratio: float | None
    debt_ratio: float | None
    asset_turnover: float | None
    net_margin: float | None
    zero_denominators: tuple[str, ...]  # ratio keys left blank because of a zero denominator
    no_current_liabilities: bool = False  # 流动负债 = 0: the quick ratio is blank and scores full points


def ratios(row: Record) -> Ratios:
    zero: list[str] = []
    quick, no_liabilities = _div(row.get("quick_assets"), row.get("current_liabilities"))
    debt, z = _div(row.get("total_liabilities"), row.get("assets_end"))
    zero += ["debt_ratio"] * z
    begin, end = _num(row.get("assets_begin")), _num(row.get("assets_end"))
    avg = (begin + end) / 2 if begin is not None and end is not None else None
    turnover, z = _div(row.get("revenue"), avg)
    zero += ["asset_turnover"] * z
    margin, z = _div(row.get("net_profit"), row.get("revenue"))
    zero += ["net_margin"] * z
    return Ratios(quick, debt, turnover, margin, tuple(zero), no_liabilities)


def ratio_points(r: Ratios, turnover_benchmark: float = 1.0) -> dict[str, float]:
    """Each ratio scored 0–1 against its benchmark; a blank ratio scores 0, except a quick ratio
    left blank because there are no current liabilities (nothing to cover: full points)."""
    def clamp(x: float) -> float:
        return max(0.0, min(1.0, x))

    quick = clamp(r.quick_ratio / 1.0) if r.quick_ratio is not None else float(r.no_current_liabilities)
    out = {
        "quick_ratio": quick,
        "debt_ratio": (1.0 if r.debt_ratio <= 0.5 else clamp((1.0 - r.debt_ratio) / 0.5))
        if r.debt_ratio is not None else 0.0,
        "asset_turnover": clamp(r.asset_turnover / turnover_benchmark) if r.asset_turnover is not None else 0.0,
        "net_margin": clamp(r.net_margin / 0.15) if r.net_margin is not None else 0.0,
    }
    return out


def management_points(row: Record) -> float:
    """The eleven scores 1–5 (5 best) mapped to 0–1 and averaged; a blank score counts as 1."""
    total = 0.0
    for key in SCORE_KEYS:
        v = _num(row.get(key))
        v = 1.0 if v is None else max(1.0, min(5.0, v))
        total += (v - 1) / 4
    return total / len(SCORE_KEYS)


def score(r: Ratios, row: Record, s: Settings) -> float:
    fin = sum(ratio_points(r, s.turnover_benchmark).values()) / 4
    return half_up(100 * (s.financial_weight * fin + (1 - s.financial_weight) * management_points(row)))


def grade(points: float) -> str:
    for floor, name in GRADE_BANDS:
        if points >= floor:
            return name
    return "C"  # pragma: no cover


def suggested_limit(row: Record, grade_: str, annual_sales: float | None,
                    payment_terms: int | None) -> float:
    """min(what the customer needs, what its grade allows), rounded down to 1,000.

    - need: the balance the customer typically carries with us, 年销售额 × (账期天数 + 30) / 365,
      or the 申请额度 when there is no sales history;
    - allowed: net assets (期末资产总额 − 负债总额) × the grade's factor
      (AAA 20 %, AA 15 %, A 10 %, B 5 %, C 0 — grade C trades cash or secured only).
    """
    end, liab = _num(row.get("assets_end")), _num(row.get("total_liabilities"))
    net = max(0.0, end - liab) if end is not None and liab is not None else 0.0
    allowed = net * NET_ASSET_FACTOR[grade_]
    sales = _num(annual_sales)
    if sales and sales > 0:
        need = sales * ((payment_terms or 0) + 30) / 365
    else:
        need = _num(row.get("requested_limit")) or allowed
    return float(math.floor(min(need, allowed) / ROUND_TO) * ROUND_TO)


def approver(amount: float | None, s: Settings) -> str:
    """By amount: ≤ 50,000 客户经理, ≤ 200,000 直销部经理, ≤ 500,000 地区公司经理, else 总经理."""
    a = amount or 0.0
    if a <= s.limit_account_manager:
        return "account_manager"
    if a <= s.limit_direct_sales:
        return "direct_sales_manager"
    if a <= s.limit_regional:
        return "regional_manager"
    return "general_manager"


def chain(level: str) -> tuple[str, ...]:
    """Who signs, in order: every level from 客户经理 up to the one the amount requires."""
    return LEVELS[:LEVELS.index(level) + 1]


def limit_action(current: float | None, requested: float | None, suggested: float, is_insolvent: bool) -> str:
    """What the application does to the customer's 授信额度 (the card's current limit):

    - ``cancel``: negative equity (资不抵债) — any limit goes, cash or secured only;
    - ``cut``: the suggestion is below the current limit;
    - ``raise``: the request is above the current limit (the suggestion is not below it);
    - ``keep``: a current limit neither cut nor raised (a renewal);
    - ``new``: no current limit (blank or 0).
    """
    if is_insolvent:
        return "cancel"
    cur = _num(current) or 0.0
    if cur <= 0:
        return "new"
    if suggested < cur:
        return "cut"
    if (_num(requested) or 0.0) > cur:
        return "raise"
    return "keep"


def approval_amount(requested: float | None, suggested: float, current: float | None, action: str) -> float:
    """The amount the approver is chosen by: the larger of the request and the suggestion — and,
    for a cut or a cancellation, of the current limit being taken away (whoever may grant a limit
    decides its withdrawal)."""
    amounts = [_num(requested) or 0.0, suggested]
    if action in ("cut", "cancel"):
        amounts.append(_num(current) or 0.0)
    return max(amounts)


def insolvent(row: Record) -> bool:
    """资不抵债: total liabilities above the total assets at the end of the period."""
    end, liab = _num(row.get("assets_end")), _num(row.get("total_liabilities"))
    return end is not None and liab is not None and liab > end


#: the best grade a survey with a named weakness may have
CAPS = {"insolvent": "C"}
_RANK = {name: i for i, (_, name) in enumerate(GRADE_BANDS)}


@dataclass(frozen=True)
class Assessment:
    ratios: Ratios
    score: float
    grade: str
    suggested: float
    approver: str
    amount: float  # the amount the approver is chosen by
    points: dict[str, float] | None = None  # ratio points 0–1, as scored
    cap: str | None = None  # why the grade was capped (a CAPS key), None when it was not
    turnover_benchmark: float = 1.0
    action: str = "new"  # limit_action: new / keep / raise / cut / cancel
    current: float | None = None  # the card's 授信额度 when assessed


def assess(row: Record, s: Settings, annual_sales: float | None = None,
           payment_terms: int | None = None, current_limit: float | None = None) -> Assessment:
    """Score, grade, suggestion, what it does to ``current_limit`` (the card's 授信额度) and who
    must approve it."""
    r = ratios(row)
    pts = score(r, row, s)
    g = grade(pts)
    cap = "insolvent" if insolvent(row) else None
    if cap is not None and _RANK[g] < _RANK[CAPS[cap]]:
        g = CAPS[cap]
    sug = suggested_limit(row, g, annual_sales, payment_terms)
    requested = _num(row.get("requested_limit"))
    current = _num(current_limit)
    action = limit_action(current, requested, sug, cap == "insolvent")
    amount = approval_amount(requested, sug, current, action)
    return Assessment(r, pts, g, sug, approver(amount, s), amount, ratio_points(r, s.turnover_benchmark), cap,
                      s.turnover_benchmark, action, current)


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` plus whole months, the day clamped to the month's end (2025-01-31 + 1 → 2025-02-28)."""
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(d.day, last))


def resurvey_reasons(survey_date: dt.date, as_of: dt.date, months: int, over_limit: bool,
                     max_days_overdue: int, long_overdue: int = 90) -> tuple[str, ...]:
    """Why a customer's latest survey is due again: ``stale`` (older than ``months`` months),
    ``over_limit`` (its balance exceeds its 授信额度), ``overdue`` (over ``long_overdue`` days)."""
    out = []
    if as_of > add_months(survey_date, months):
        out.append("stale")
    if over_limit:
        out.append("over_limit")
    if max_days_overdue > long_overdue:
        out.append("overdue")
    return tuple(out)
