import datetime as dt

from external import need_soffice
from helpers import cli, digest, read_sheet, tab_pdf_text

from addin.build.workbook import build_workbook

AS_OF = dt.date(2026, 11, 24)
SCORES = {k: 4 for k in ("s_principal", "s_scale", "s_sales", "s_know_how", "s_capital", "s_profit", "s_staff",
                         "s_suppliers", "s_bank", "s_peers", "s_industry")}


def survey(date, **kw):
    base = {"customer_id": "C1", "survey_date": date, "quick_assets": 100_000.0, "current_liabilities": 100_000.0,
            "total_liabilities": 500_000.0, "assets_begin": 900_000.0, "assets_end": 1_100_000.0,
            "revenue": 2_000_000.0, "net_profit": 300_000.0, "requested_limit": 50_001.0, **SCORES}
    return {**base, **kw}


def credit_book(tmp_path):
    data = {
        "customers": [{"customer_id": "C1", "name": "杭州恒瑞机电有限公司", "owner": "张伟", "annual_sales": 1_200_000.0,
                       "payment_terms": 30, "credit_limit": 100_000.0, "ownership": "private"},
                      {"customer_id": "C2", "name": "乙", "owner": "李娜"}],
        "survey": [survey(dt.date(2025, 1, 10), requested_limit=10_000.0),
                   survey(dt.date(2026, 6, 1)),
                   survey(dt.date(2026, 7, 1), customer_id="C2", current_liabilities=0.0, revenue=0.0)],
        "receivables": [{"invoice_no": "I1", "customer_id": "C1", "invoice_date": AS_OF - dt.timedelta(80),
                         "due_date": AS_OF - dt.timedelta(50), "amount": 30_000.0, "paid": 5_000.0}],
    }
    return build_workbook(tmp_path / "credit.xlsx", data=data, settings={"as_of": AS_OF})


def test_survey_computed_columns_and_zero_denominator_warnings(tmp_path):
    path = credit_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    rows = read_sheet(path, "信用调查")
    col = {h: i for i, h in enumerate(rows[0])}
    r = rows[2]
    assert (r[col["速动比率"]], r[col["资产负债率"]], r[col["总资产周转率"]], r[col["销售净利率"]]) == \
        (1, 500_000 / 1_100_000, 2, 0.15)
    assert r[col["信用得分"]] == 85 and r[col["信用等级"]] == "AA"
    assert r[col["建议额度"]] == 90_000 and r[col["审批人"]] == "直销部经理"
    assert r[col["授信调整"]] == "下调"  # 90,000 suggested, 100,000 on the card
    assert rows[3][col["授信调整"]] == "新增授信"  # C2 has no limit
    c2 = rows[3]
    assert c2[col["速动比率"]] is None and c2[col["销售净利率"]] is None
    warnings = [(x[2], x[5]) for x in read_sheet(path, "校验结果") if x[0] == "警告"]
    assert ("H4", "销售净利率的分母为零，比率留空") in warnings
    assert ("D4", "速动比率的分母为零，比率留空") not in warnings  # no current liabilities: full points
    assert ("B2", "信用调查已超过一年（2025-01-10），建议重新调查") not in warnings  # not the latest survey


def test_credit_form_uses_latest_survey_and_ledger(tmp_path):
    path = credit_book(tmp_path)
    res = cli("credit-form", path, "C1")
    assert res.exit_code == 0, res.output
    assert "下调，审批人 直销部经理（按金额 100,000）" in res.output
    rows = read_sheet(path, "授信申请")
    flat = [v for row in rows for v in row if v is not None]
    assert flat[0] == "客户授信申请表"
    assert "二、财务指标（调查日期：2026-06-01）" in flat
    for label, value in [("客户编号", "C1"), ("企业性质", "民企"), ("申请额度", 50_001), ("建议额度", 90_000),
                         ("信用等级", "AA"), ("审批人", "直销部经理"), ("当前未收余额", 25_000), ("其中逾期", 25_000),
                         ("最长逾期天数", 50)]:
        assert flat[flat.index(label) + 1] == value, label
    assert "按批准的信用额度进行交易，超出批准额度的部分必须现金交易或有担保品。" in flat
    # 90,000 suggested against a current limit of 100,000: a cut, approved at the current limit's level
    for label, value in [("现有授信额度", 100_000), ("授信调整", "下调"), ("审批依据金额", 100_000),
                         ("催款等级", "2 催告"), ("需复查", "无"), ("核定额度", "有效期")]:
        assert flat[flat.index(label) + 1] == value, label
    assert "下调授信：建议额度 90,000.00 低于现有授信额度 100,000.00，须下调；由直销部经理审批。" in flat
    assert flat[flat.index("有效期") + 1] == "批准之日起至 2027-06-01（调查日期起 12 个月）"
    assert flat[flat.index("审批意见") + 1].startswith("□ 同意")
    # a signature line for the applicant and each level up to the approver, the approver last
    signs = [v for v in flat if isinstance(v, str) and "签字" in v]
    assert signs == ["申请人（业务员）签字：____________", "客户经理（审核）签字：____________",
                     "直销部经理（审批）签字：____________"]
    assert flat.count("日期：________") == 3


def test_credit_form_unknown_customer_or_no_survey_writes_nothing(tmp_path):
    path = credit_book(tmp_path)
    cli("refresh", path)
    before = digest(path)
    res = cli("credit-form", path, "C9")
    assert res.exit_code == 1 and "customer C9 not found in sheet '客户资料卡'" in res.stderr
    data = {"customers": [{"customer_id": "C3", "name": "丙", "owner": "李娜"}]}
    other = build_workbook(tmp_path / "other.xlsx", data=data)
    res = cli("credit-form", other, "C3")
    assert res.exit_code == 1 and "no valid survey for customer C3" in res.stderr
    assert digest(path) == before


def test_credit_form_renders_on_one_a4_page(tmp_path):
    need_soffice()
    path = credit_book(tmp_path)
    cli("credit-form", path, "C1")
    text = tab_pdf_text(path, "授信申请", tmp_path)
    assert text.count("\f") <= 1  # one page
    for s in ("客户授信申请表", "杭州恒瑞机电有限公司", "速动资产 / 流动负债", "直销部经理", "现金交易或有担保品",
              "下调授信", "核定额度", "有效期", "审批意见", "客户经理（审核）签字", "直销部经理（审批）签字"):
        assert s in text


def _form(tmp_path, lang="zh", **kw):
    """The 授信申请 of C1 (limit 200,000) with its survey changed by ``kw``."""
    data = {"customers": [{"customer_id": "C1", "name": "甲", "owner": "张伟", "annual_sales": 1_200_000.0,
                           "payment_terms": 30, "credit_limit": kw.pop("credit_limit", 200_000.0)}],
            "survey": [survey(kw.pop("date", dt.date(2026, 6, 1)), **kw)]}
    path = build_workbook(tmp_path / f"f{len(list(tmp_path.iterdir()))}.xlsx", data=data, lang=lang,
                          settings={"as_of": AS_OF})
    res = cli("credit-form", path, "C1")
    assert res.exit_code == 0, res.output
    rows = read_sheet(path, "授信申请" if lang == "zh" else "Credit Application")
    return [v for row in rows for v in row if v is not None]


def test_negative_equity_cancels_the_limit_at_its_approvers_level(tmp_path):
    flat = _form(tmp_path, total_liabilities=1_100_001.0, requested_limit=10_000.0)
    assert flat[flat.index("授信调整") + 1] == "取消授信"
    assert flat[flat.index("审批人") + 1] == "直销部经理"  # the 200,000 being cancelled, not the 10,000 asked
    assert flat[flat.index("建议额度") + 1] == 0 and flat[flat.index("信用等级") + 1] == "C"
    assert ("取消授信：资不抵债（负债总额 1,100,001.00 超过期末资产总额 1,100,000.00），现有授信额度 200,000.00 应取消，"
            "只做现金交易或有担保品的交易；由直销部经理审批。") in flat
    # one more yuan of current limit and the regional manager signs
    flat = _form(tmp_path, total_liabilities=1_100_001.0, requested_limit=10_000.0, credit_limit=200_001.0)
    assert flat[flat.index("审批人") + 1] == "地区公司经理"
    assert [v for v in flat if isinstance(v, str) and "签字" in v][-1] == "地区公司经理（审批）签字：____________"
    # no current limit: declined
    flat = _form(tmp_path, total_liabilities=1_100_001.0, requested_limit=10_000.0, credit_limit=None)
    assert flat[flat.index("授信调整") + 1] == "取消授信" and flat[flat.index("审批人") + 1] == "客户经理"
    assert any(isinstance(v, str) and v.startswith("不予授信：资不抵债") for v in flat)


def test_a_larger_suggestion_decides_the_approver_and_no_cut_is_printed(tmp_path):
    # AAA on 1,100,000 − 500,000 net assets allows 120,000; sales need 197,260: 120,000 suggested
    flat = _form(tmp_path, requested_limit=40_000.0, credit_limit=100_000.0, **{k: 5 for k in SCORES})
    assert flat[flat.index("建议额度") + 1] == 120_000 and flat[flat.index("授信调整") + 1] == "维持"
    assert flat[flat.index("审批依据金额") + 1] == 120_000 and flat[flat.index("审批人") + 1] == "直销部经理"
    assert not any(isinstance(v, str) and v.startswith(("下调授信", "取消授信")) for v in flat)


def test_stale_survey_prints_the_resurvey_reason_and_no_validity(tmp_path):
    flat = _form(tmp_path, date=dt.date(2025, 1, 10))
    assert flat[flat.index("需复查") + 1] == "调查已超过 12 个月"
    assert flat[flat.index("有效期") + 1] == "调查已过期：须重新调查后核定"


def test_ratio_points_round_half_up_to_two_decimals(tmp_path):
    # net margin 226,650 / 2,000,000 = 11.3325 % → 7.555 of 10 points → 7.56; 11.325 % → 7.55 stays
    flat = _form(tmp_path, net_profit=226_650.0)
    row = flat.index("销售净利率", flat.index("得分（满分10）"))
    assert flat[row + 4] == 7.56
    flat = _form(tmp_path, net_profit=226_500.0)
    assert flat[flat.index("销售净利率", flat.index("得分（满分10）")) + 4] == 7.55


def test_english_form_states_the_cut(tmp_path):
    flat = _form(tmp_path, lang="en")
    assert flat[flat.index("Limit action") + 1] == "Cut"
    assert any(isinstance(v, str) and v.startswith("CUT: the suggested limit 90,000.00 is below the current limit "
                                                   "200,000.00") for v in flat)
    assert "Direct Sales Manager (approval): ____________" in flat
