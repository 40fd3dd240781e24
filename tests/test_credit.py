import pytest

from addin.core.credit import (
    approval_amount,
    approver,
    assess,
    chain,
    grade,
    half_up,
    limit_action,
    management_points,
    ratio_points,
    ratios,
    suggested_limit,
)
from addin.core.settings import Settings
from sheets_schema import SURVEY as SURVEY_SPEC
from sheets_schema import record

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
    # no current liabilities is no zero-denominator problem: nothing to cover (full points, see below)
    assert r.zero_denominators == ("debt_ratio", "asset_turnover", "net_margin") and r.no_current_liabilities
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
    assert assess(V(blank), S).score == pytest.approx(100 - 60 / 11, abs=0.005)
    assert assess(V(blank), S).score == 94.55  # 94.5454…: two decimals, half up


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


def test_approver_follows_the_larger_of_requested_and_suggested():
    assert assess(V({**SURVEY, "requested_limit": 50_001}), S).approver == "direct_sales_manager"
    no_request = assess(V({**SURVEY, "requested_limit": None}), S, annual_sales=None)
    assert no_request.amount == no_request.suggested
    # the case: 460,000 requested, more suggested → the suggestion decides (总经理, not 地区公司经理)
    rich = {**SURVEY, "assets_end": 5_000_000, "requested_limit": 460_000}
    a = assess(V(rich), S, annual_sales=5_000_000, payment_terms=30)
    assert a.suggested == 821_000 and a.amount == 821_000 and a.approver == "general_manager"
    # the request larger than the suggestion → the request decides
    a = assess(V({**SURVEY, "requested_limit": 200_001}), S, annual_sales=365_000, payment_terms=30)
    assert a.suggested == 60_000 and a.amount == 200_001 and a.approver == "regional_manager"


@pytest.mark.parametrize("requested, suggested, who", [
    (50_000, 50_000, "account_manager"), (50_000, 50_001, "direct_sales_manager"),
    (50_001, 50_000, "direct_sales_manager"), (200_000, 0, "direct_sales_manager"),
    (0, 200_001, "regional_manager"), (500_000, 500_000, "regional_manager"),
    (499_999, 500_001, "general_manager"), (500_001, 1_000, "general_manager")])
def test_approval_amount_at_each_limit(requested, suggested, who):
    assert approver(approval_amount(requested, suggested, None, "new"), S) == who


@pytest.mark.parametrize("current, requested, suggested, insolvent, action", [
    (None, 10_000, 5_000, False, "new"), (0, 10_000, 5_000, False, "new"),
    (100_000, 50_000, 99_999, False, "cut"), (100_000, 50_000, 100_000, False, "keep"),
    (100_000, 100_000, 150_000, False, "keep"), (100_000, 100_001, 150_000, False, "raise"),
    (100_000, 200_000, 99_000, False, "cut"),  # asked for more, suggested less than today: a cut
    (100_000, 200_000, 0, True, "cancel"), (None, 50_000, 0, True, "cancel")])
def test_limit_action(current, requested, suggested, insolvent, action):
    assert limit_action(current, requested, suggested, insolvent) == action


@pytest.mark.parametrize("current, who", [(50_000, "account_manager"), (50_001, "direct_sales_manager"),
                                          (200_000, "direct_sales_manager"), (200_001, "regional_manager"),
                                          (500_000, "regional_manager"), (500_001, "general_manager")])
def test_cut_and_cancel_are_approved_by_the_level_of_the_current_limit(current, who):
    # a cut: the suggestion (60,000 at most here) below the current limit; the request small
    cut = assess(V({**SURVEY, "requested_limit": 1_000}), S, annual_sales=365_000, payment_terms=30,
                 current_limit=current + 60_000)
    assert cut.action == "cut" and cut.amount == current + 60_000
    # negative equity: the current limit is cancelled, approved at its own level
    broke = assess(V({**SURVEY, "total_liabilities": 1_100_001, "requested_limit": 1_000}), S,
                   annual_sales=365_000, payment_terms=30, current_limit=current)
    assert broke.action == "cancel" and broke.suggested == 0 and broke.grade == "C"
    assert broke.amount == current and broke.approver == who
    # the same customer without a limit: declined, by the request's level
    assert assess(V({**SURVEY, "total_liabilities": 1_100_001, "requested_limit": 1_000}), S).approver == \
        "account_manager"


def test_approval_chain():
    assert chain("account_manager") == ("account_manager",)
    assert chain("regional_manager") == ("account_manager", "direct_sales_manager", "regional_manager")


@pytest.mark.parametrize("x, expected", [(7.555, 7.56), (7.55, 7.55), (7.545, 7.55), (7.5449, 7.54),
                                         (0.005, 0.01), (99.995, 100.0), (7.554999999999999, 7.56), (-1.005, -1.01)])
def test_half_up(x, expected):
    assert half_up(x) == expected


def test_suggested_limit():
    # need: 1,200,000 × (30 + 30) / 365 = 197,260; allowed: (1,100,000 − 500,000) × 20 % = 120,000
    assert suggested_limit(V(SURVEY), "AAA", 1_200_000, 30) == 120_000
    assert suggested_limit(V(SURVEY), "AAA", 365_000, 30) == 60_000
    assert suggested_limit(V(SURVEY), "A", None, None) == 50_000  # the request, within 10 % of net assets
    assert suggested_limit(V(SURVEY), "C", 1_000_000, 30) == 0
