import pytest

from addin.core.credit import approver, assess, grade, management_points, ratio_points, ratios, suggested_limit
from addin.core.settings import Settings
from sheets_schema import record
from sheets_schema import SURVEY as SURVEY_SPEC

S = Settings()


def V(values: dict):
    """A 信用调查 record from a dict of column values."""
    return record(SURVEY_SPEC, **values)


SURVEY = {"quick_assets": 100_000, "current_liabilities": 100_000, "total_liabilities": 500_000,
          "assets_begin": 900_000, "assets_end": 1_100_000, "revenue": 2_000_000, "net_profit": 300_000,
          "requested_limit": 50_000, **{k: 5 for k in ("s_principal", "s_scale", "s_sales", "s_know_how",
                                                       "s_capital", "s_profit", "s_staff", "s_suppliers", "s_bank",
                                                       "s_peers", "s_industry")}}


def test_ratios():
    r = ratios(V(SURVEY))
    assert r.quick_ratio == 1.0
    assert r.debt_ratio == pytest.approx(500_000 / 1_100_000)
    assert r.asset_turnover == 2.0
    assert r.net_margin == 0.15
    assert r.zero_denominators == ()


def test_zero_denominators_give_blanks():
    r = ratios(V({**SURVEY, "current_liabilities": 0, "assets_end": 0, "assets_begin": 0, "revenue": 0}))
    assert (r.quick_ratio, r.debt_ratio, r.asset_turnover, r.net_margin) == (None, None, None, None)
    assert r.zero_denominators == ("quick_ratio", "debt_ratio", "asset_turnover", "net_margin")
    # missing inputs are blanks too, but not zero denominators
    r = ratios(V({"quick_assets": 5}))
    assert r.quick_ratio is None and r.zero_denominators == ()


def test_ratio_points_against_benchmarks():
    pts = ratio_points(ratios(V(SURVEY)))
    assert pts == {"quick_ratio": 1.0, "debt_ratio": 1.0, "asset_turnover": 1.0, "net_margin": 1.0}
    weak = ratio_points(ratios(V({**SURVEY, "quick_assets": 50_000, "total_liabilities": 825_000,
                                "net_profit": -10})))
    assert weak["quick_ratio"] == 0.5
    assert weak["debt_ratio"] == pytest.approx(0.5)  # 75 % debt: halfway from 50 % to 100 %
    assert weak["net_margin"] == 0.0


def test_score_grade_and_weights():
    a = assess(V(SURVEY), S)
    assert a.score == 100.0 and a.grade == "AAA"
    ones = {**SURVEY, **{k: 1 for k in SURVEY if k.startswith("s_")}}
    assert management_points(V(ones)) == 0.0
    assert assess(V(ones), S).score == 40.0
    assert assess(V(ones), Settings(financial_weight=0.5)).score == 50.0
    # a blank management score counts as the worst
    blank = {k: v for k, v in SURVEY.items() if k != "s_bank"}
    assert assess(V(blank), S).score == pytest.approx(100 - 60 / 11, abs=0.05)


@pytest.mark.parametrize("points, expected", [(100, "AAA"), (90, "AAA"), (89.9, "AA"), (80, "AA"), (70, "A"),
                                              (69.9, "B"), (60, "B"), (59.9, "C"), (0, "C")])
def test_grade_bands(points, expected):
    assert grade(points) == expected


@pytest.mark.parametrize("amount, who", [(0, "account_manager"), (50_000, "account_manager"),
                                         (50_001, "direct_sales_manager"), (200_000, "direct_sales_manager"),
                                         (200_001, "regional_manager"), (500_000, "regional_manager"),
                                         (500_001, "general_manager")])
def test_approver_by_amount(amount, who):
    assert approver(amount, S) == who


def test_approver_limits_from_settings():
    assert approver(60_000, Settings(limit_account_manager=60_000)) == "account_manager"


def test_approver_uses_requested_else_suggested():
    assert assess(V({**SURVEY, "requested_limit": 50_001}), S).approver == "direct_sales_manager"
    no_request = assess(V({**SURVEY, "requested_limit": None}), S, annual_sales=None)
    assert no_request.amount == no_request.suggested


def test_suggested_limit():
    # need: 1,200,000 × (30 + 30) / 365 = 197,260; allowed: (1,100,000 − 500,000) × 20 % = 120,000
    assert suggested_limit(V(SURVEY), "AAA", 1_200_000, 30) == 120_000
    assert suggested_limit(V(SURVEY), "AAA", 365_000, 30) == 60_000
    assert suggested_limit(V(SURVEY), "A", None, None) == 50_000  # the request, within 10 % of net assets
    assert suggested_limit(V(SURVEY), "C", 1_000_000, 30) == 0
