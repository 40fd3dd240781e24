import datetime as dt

from addin.build.workbook import build_workbook
from addin.export.aging_export import to_pdf
from helpers import cli, digest, read_sheet
from test_aging import pdf_text
from external import need_soffice

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
    assert "approver 直销部经理" in res.output
    rows = read_sheet(path, "授信申请")
    flat = [v for row in rows for v in row if v is not None]
    assert flat[0] == "客户授信申请表"
    assert "二、财务指标（调查日期：2026-06-01）" in flat
    for label, value in [("客户编号", "C1"), ("企业性质", "民企"), ("申请额度", 50_001), ("建议额度", 90_000),
                         ("信用等级", "AA"), ("审批人", "直销部经理"), ("当前未收余额", 25_000), ("其中逾期", 25_000),
                         ("最长逾期天数", 50)]:
        assert flat[flat.index(label) + 1] == value, label
    assert "按批准的信用额度进行交易，超出批准额度的部分必须现金交易或有担保品。" in flat
    assert "审批人（直销部经理）：____________" in flat


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
    import openpyxl

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title != "授信申请":
            ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index("授信申请")
    only = tmp_path / "form.xlsx"
    wb.save(only)
    pdf = tmp_path / "form.pdf"
    to_pdf(only, pdf)
    text = pdf_text(pdf)
    assert text.count("\f") <= 1  # one page
    for s in ("客户授信申请表", "杭州恒瑞机电有限公司", "速动资产 / 流动负债", "直销部经理", "现金交易或有担保品"):
        assert s in text
