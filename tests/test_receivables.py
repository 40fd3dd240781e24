"""Receivables a credit controller can sign: as-of as a point in time, payments, credits, bases,
per-invoice columns, dunning, finance figures, statements, credit edge cases, the aging exit rule."""
import datetime as dt

import pytest
from helpers import cli, read_sheet

from addin.build.workbook import build_workbook
from addin.core import dunning
from addin.core.aging import aging, recovery_rate
from addin.core.credit import add_months, assess, ratio_points, ratios, resurvey_reasons
from addin.core.ledger import Invoice, Party, Payment, collections, items_as_of, payments_by_invoice
from addin.core.settings import Settings

AS_OF = dt.date(2026, 11, 24)
D = dt.timedelta
S = Settings()
PARTIES = {"C1": Party("C1", "甲", "张伟", 1000.0, 30), "C2": Party("C2", "乙", "李娜", None, None)}


def ledger(invoices, payments=(), as_of=AS_OF):
    return items_as_of(invoices, payments_by_invoice(payments), PARTIES, as_of)


# ------------------------------------------------------------------ as-of is a point in time
BACK = [Invoice("I1", "C1", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 1000.0, i=0),
        Invoice("I2", "C1", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 500.0, paid=500.0,
                last_payment=dt.date(2026, 11, 1), i=1),
        Invoice("I3", "C2", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 300.0, paid=300.0, i=2)]
PAID = [Payment(dt.date(2026, 10, 15), "I1", 600.0), Payment(dt.date(2026, 11, 20), "I1", 400.0)]


@pytest.mark.parametrize("as_of, i1, i2, i3", [
    (dt.date(2026, 10, 14), 1000, 500, 0),  # before any payment; 已收金额 with no 最近收款日 counts
    (dt.date(2026, 10, 15), 400, 500, 0),  # the payment day counts
    (dt.date(2026, 10, 31), 400, 500, 0),  # I2 was paid only on 11-01
    (dt.date(2026, 11, 1), 400, 0, 0),
    (dt.date(2026, 11, 19), 400, 0, 0),
    (dt.date(2026, 11, 20), 0, 0, 0),
])
def test_back_dated_ledger_counts_payments_up_to_the_date(as_of, i1, i2, i3):
    items = ledger(BACK, PAID, as_of)
    assert [i.open for i in items] == [i1, i2, i3]
    assert items[0].days_overdue == (as_of - dt.date(2026, 10, 1)).days


def test_back_dated_aging_report():
    as_of = dt.date(2026, 10, 31)
    r = aging(ledger(BACK, PAID, as_of), PARTIES, as_of, S)
    c = r.customers[0]
    assert [x.customer_id for x in r.customers] == ["C1"]
    assert (c.outstanding, c.not_due, c.buckets, c.overdue, c.max_days, c.credits, c.dunning) == \
        (900, 0, [900, 0, 0, 0, 0, 0], 900, 30, 0, 1)
    assert aging(ledger(BACK, PAID), PARTIES, AS_OF, S).customers == []  # all paid by today


# ------------------------------------------------------------------ credits
def test_credit_note_and_overpayment_net_the_balance():
    invs = [Invoice("I1", "C1", AS_OF - D(75), AS_OF - D(45), 1000.0, i=0),
            Invoice("CN1", "C1", AS_OF - D(10), None, -300.0, i=1),
            Invoice("I2", "C1", AS_OF - D(20), AS_OF + D(10), 200.0, paid=250.0, i=2),
            Invoice("CN2", "C2", AS_OF - D(5), None, -80.0, i=3)]
    r = aging(ledger(invs), PARTIES, AS_OF, S)
    by = {c.customer_id: c for c in r.customers}
    c1 = by["C1"]
    assert (c1.outstanding, c1.not_due, c1.overdue, c1.buckets[1], c1.credits, c1.max_days) == \
        (650, 0, 1000, 1000, -350, 45)
    assert (c1.allowance, c1.recoverable, c1.over_limit, c1.dunning) == (0, 650, "no", 2)
    c2 = by["C2"]  # a customer holding only a credit is listed with a negative balance, never chased
    assert (c2.outstanding, c2.credits, c2.dunning, c2.over_limit) == (-80, -80, 0, "no")
    assert (r.total.outstanding, r.total.credits) == (570, -430)


# ------------------------------------------------------------------ dunning, finance figures, collections
@pytest.mark.parametrize("days, lvl, stage", [(-1, 0, None), (0, 0, None), (1, 1, "first"), (30, 1, "first"),
                                              (31, 2, "middle"), (60, 2, "middle"), (61, 3, "last"), (900, 3, "last")])
def test_dunning_levels(days, lvl, stage):
    assert dunning.level(days, S.dunning_levels) == lvl
    assert dunning.stage(lvl, S.dunning_levels) == stage


def test_dunning_levels_from_settings():
    assert [dunning.level(d, (10,)) for d in (10, 11)] == [1, 2]
    assert dunning.stage(2, (10,)) == "last" and dunning.stage(2, (10, 20, 30)) == "middle"


def test_dso_share_over_90_and_weekly_forecast():
    invs = [Invoice("A", "C1", AS_OF - D(91), AS_OF - D(91), 5000.0, i=0),  # outside the DSO window
            Invoice("B", "C1", AS_OF - D(90), AS_OF - D(1), 4000.0, paid=1000.0, i=1),  # 1 day overdue
            Invoice("C", "C2", AS_OF - D(30), AS_OF + D(7), 2000.0, i=2),  # due on the last day of week 1
            Invoice("E", "C2", AS_OF - D(30), AS_OF + D(8), 1000.0, i=3),  # first day of week 2
            Invoice("F", "C2", AS_OF, AS_OF + D(56), 500.0, i=4),  # last day of week 8
            Invoice("G", "C2", AS_OF, AS_OF + D(57), 700.0, i=5)]  # beyond the forecast
    r = aging(ledger(invs), PARTIES, AS_OF, S)
    assert r.sales_window == 4200  # C, E, F, G: B, dated exactly 90 days ago, is outside the window
    assert r.total.outstanding == 12200 and r.dso == round(12200 / 4200 * 90, 1)
    assert r.over_90_share == pytest.approx(5000 / 12200)
    weeks = [(w.start, w.end, w.due, w.expected) for w in r.weeks]
    assert len(weeks) == 8 and weeks[0][:2] == (AS_OF + D(1), AS_OF + D(7)) and weeks[7][1] == AS_OF + D(56)
    # falling due: C in week 1, E in week 2, F on the last day of week 8, G beyond
    assert [w[2] for w in weeks] == [2000, 1000, 0, 0, 0, 0, 0, 500]
    # overdue: B (1 day, 100 %) all in week 1; A (91 days, 80 % = 4,000) spread over 13 weeks, 8 of them here
    a = 4000 / 13
    assert weeks[0][3] == round(2000 + 3000 + a, 2) and weeks[1][3] == round(1000 + a, 2)
    assert [w[3] for w in weeks[2:7]] == [round(a, 2)] * 5 and weeks[7][3] == round(500 + a, 2)
    # beyond: G falling due later and A's last 5 weeks; weeks + beyond = debits less the allowance
    assert r.beyond == pytest.approx(700 + 5 * a, abs=0.05)  # it also takes the weeks' rounding cents
    assert round(sum(w[3] for w in weeks) + r.beyond, 2) == round(r.total.outstanding - r.total.allowance, 2)


@pytest.mark.parametrize("days, weeks_in, beyond", [(7, 1, 0), (8, 2, 0), (56, 8, 0), (57, 8, 1 / 9),
                                                    (365, 8, 1 - 8 / 53), (366, 0, 1)])
def test_overdue_money_is_spread_over_as_many_weeks_again(days, weeks_in, beyond):
    r = aging(ledger([Invoice("A", "C1", AS_OF - D(days + 30), AS_OF - D(days), 1000.0, i=0)]), PARTIES,
              AS_OF, S)
    expected = 1000 * recovery_rate(days, S.recovery_rates)
    assert sum(w.expected > 0 for w in r.weeks) == weeks_in
    assert r.beyond == pytest.approx(expected * beyond, abs=0.01)  # over 365 days: all of it beyond the 8 weeks
    assert sum(w.expected for w in r.weeks) + r.beyond == pytest.approx(expected, abs=0.02)


def test_no_recent_invoicing_leaves_dso_blank():
    r = aging(ledger([Invoice("A", "C1", AS_OF - D(200), None, 100.0, i=0)]), PARTIES, AS_OF, S)
    assert r.dso is None and r.over_90_share == 1.0


def test_collections_for_the_call_list():
    invs = [Invoice("A", "C1", AS_OF - D(60), AS_OF - D(30), 100.0, i=0),
            Invoice("B", "C1", AS_OF - D(50), AS_OF - D(31), 40.0, i=1),
            Invoice("C", "C1", AS_OF, AS_OF + D(7), 70.0, i=2),  # due within 7 days
            Invoice("E", "C1", AS_OF, AS_OF + D(8), 90.0, i=3),  # not within 7 days
            Invoice("F", "C2", AS_OF, AS_OF, 10.0, i=4),  # due today: not overdue, due soon
            Invoice("G", "C2", AS_OF - D(5), None, -5.0, i=5)]
    got = collections(ledger(invs), within_days=7)
    c1, c2 = got["C1"], got["C2"]
    assert (c1.overdue, c1.oldest_days, c1.oldest_open, c1.oldest_invoice) == (140, 31, 40, "B")
    assert (c1.due_soon, c1.due_soon_count, c1.next_due) == (70, 1, AS_OF + D(7))
    assert (c2.overdue, c2.oldest_days, c2.due_soon, c2.next_due, c2.credits) == (0, 0, 10, AS_OF, -5)
    # credits covering everything: nothing to collect
    assert collections(ledger([invs[4], Invoice("H", "C2", AS_OF, None, -10.0, i=6)]), 7) == {}


# ------------------------------------------------------------------ credit edge cases
SURVEY = {"quick_assets": 100_000.0, "current_liabilities": 100_000.0, "total_liabilities": 500_000.0,
          "assets_begin": 900_000.0, "assets_end": 1_100_000.0, "revenue": 2_000_000.0, "net_profit": 300_000.0,
          **{k: 5 for k in ("s_principal", "s_scale", "s_sales", "s_know_how", "s_capital", "s_profit", "s_staff",
                            "s_suppliers", "s_bank", "s_peers", "s_industry")}}


def test_insolvent_is_graded_no_better_than_c_with_the_reason():
    good = assess(SURVEY, S)
    assert good.grade == "AAA" and good.cap is None
    equal = assess({**SURVEY, "total_liabilities": 1_100_000.0}, S)  # liabilities = assets: not insolvent
    assert equal.cap is None
    bad = assess({**SURVEY, "total_liabilities": 1_100_001.0}, S)
    assert (bad.grade, bad.cap, bad.suggested) == ("C", "insolvent", 0) and bad.score > 60


def test_no_current_liabilities_gives_full_quick_points():
    pts = ratio_points(ratios({**SURVEY, "current_liabilities": 0.0, "quick_assets": 0.0}))
    assert pts["quick_ratio"] == 1.0
    assert ratio_points(ratios({**SURVEY, "current_liabilities": None}))["quick_ratio"] == 0.0


def test_turnover_benchmark_is_a_setting():
    r = ratios(SURVEY)  # turnover 2.0
    assert ratio_points(r, 4.0)["asset_turnover"] == 0.5 and ratio_points(r, 2.0)["asset_turnover"] == 1.0
    assert assess(SURVEY, Settings(turnover_benchmark=4.0)).points["asset_turnover"] == 0.5


@pytest.mark.parametrize("survey, as_of, over, days, want", [
    (dt.date(2025, 11, 24), AS_OF, False, 90, ()),  # exactly 12 months
    (dt.date(2025, 11, 23), AS_OF, False, 90, ("stale",)),
    (dt.date(2026, 6, 1), AS_OF, True, 91, ("over_limit", "overdue")),
    (dt.date(2025, 2, 28), dt.date(2026, 2, 28), False, 0, ()),
])
def test_resurvey_reasons(survey, as_of, over, days, want):
    assert resurvey_reasons(survey, as_of, 12, over, days) == want


def test_add_months_clamps_to_month_end():
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


# ------------------------------------------------------------------ workbook: whole reports
def book(tmp_path, receivables, payments=(), settings=None, lang="zh", **extra):
    data = {
        "customers": [{"customer_id": "C1", "name": "杭州恒瑞机电有限公司", "owner": "张伟", "credit_limit": 1000.0,
                       "payment_terms": 30, "phone": "13812345678"},
                      {"customer_id": "C2", "name": "苏州宏达化工有限公司", "owner": "李娜", "payment_terms": 30,
                       "phone": "13812345679"}],
        "receivables": list(receivables), "payments": list(payments), **extra}
    return build_workbook(tmp_path / "ar.xlsx", lang=lang, data=data, settings={"as_of": AS_OF, **COMPANY, **(settings or {})})


#: the company profile of 设置 (the letterhead and remittance block of statements and letters)
COMPANY = {"company_name": "杭州示例贸易有限公司", "company_address": "杭州市文三路 100 号", "company_phone": "0571-88880000",
           "company_bank": "工商银行杭州文三路支行", "company_account": "1202 0210 0900 0012 345",
           "company_tax_id": "91330106MA2XXXXX0X", "company_email": "ar@example.cn"}


def rec(no, cid, inv_date, amount, due=None, paid=None, last=None):
    return {"invoice_no": no, "customer_id": cid, "invoice_date": inv_date, "due_date": due, "amount": amount,
            "paid": paid, "last_payment": last}


def test_per_invoice_columns_either_side_of_every_boundary(tmp_path):
    rows = [rec("N0", "C1", AS_OF - D(30), 100.0, due=AS_OF),  # due today: not yet overdue
            rec("N1", "C1", AS_OF - D(31), 100.0, due=AS_OF - D(1)),
            rec("N30", "C1", AS_OF - D(60), 100.0, due=AS_OF - D(30)),
            rec("N31", "C1", AS_OF - D(61), 100.0, due=AS_OF - D(31), paid=40.0),
            rec("N366", "C1", AS_OF - D(400), 100.0, due=AS_OF - D(366)),
            rec("PAID", "C1", AS_OF - D(10), 100.0, paid=100.0),
            rec("CN", "C1", AS_OF - D(10), -25.0),
            rec("OVER", "C2", AS_OF - D(10), 100.0, paid=130.0),
            rec("LATER", "C2", AS_OF + D(1), 100.0)]  # dated after the as-of date
    path = book(tmp_path, rows)
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output
    sheet = read_sheet(path, "应收账款")
    assert sheet[0][8:11] == ("未收金额", "逾期天数", "账龄段")
    assert [(r[0], r[8], r[9], r[10]) for r in sheet[1:]] == [
        ("N0", 100, 0, "未到期"), ("N1", 100, 1, "1-30天"), ("N30", 100, 30, "1-30天"), ("N31", 60, 31, "31-60天"),
        ("N366", 100, 366, "365天以上"), ("PAID", 0, None, "已结清"), ("CN", -25, None, "贷项"),
        ("OVER", -30, None, "贷项"), ("LATER", None, None, None)]
    report = [(r[0], r[1], r[2], r[5]) for r in read_sheet(path, "校验结果")[1:]]
    assert report == [
        ("警告", "应收账款", "E8", "金额为负数：按贷项（红字发票）冲减该客户的未收余额"),
        ("警告", "应收账款", "F9", "已收金额超过金额 100.00，多收部分记为未核销贷项"),
        ("警告", "应收账款", "C10", "开票日期晚于基准日期 2026-11-24，不计入账龄")]
    aging_rows = read_sheet(path, "账龄分析")
    c1 = next(r for r in aging_rows if r[0] == "C1")
    # 未到期 N0; 1-30 N1 + N30; 31-60 N31 (60 open); 365+ N366 at a 10 % recovery rate; the credit note nets
    assert c1[4:] == (435, 100, 200, 60, 0, 0, 0, 100, 360, 366, -25, 345, 90, "否", "3 最后通知",
                      "发最后通知，停止发货，准备法律途径")
    c2 = next(r for r in aging_rows if r[0] == "C2")
    assert (c2[4], c2[14], c2[18]) == (-30, -30, None)


def test_invoice_date_basis_in_the_workbook(tmp_path):
    rows = [rec("A", "C1", AS_OF - D(40), 100.0, due=AS_OF + D(20)), rec("B", "C1", AS_OF, 50.0, due=AS_OF + D(30))]
    path = book(tmp_path, rows, settings={"aging_basis": "invoice"})
    assert cli("aging", path).exit_code == 0
    sheet = read_sheet(path, "账龄分析")
    assert sheet[0][0] == "应收账款账龄分析 · 截至 2026-11-24（按开票日期）"
    assert sheet[1][4:14] == ("未收余额", "未到期", "账龄0-30天", "账龄31-60天", "账龄61-90天", "账龄91-180天",
                              "账龄181-365天", "账龄365天以上", "逾期合计", "最长逾期天数")
    # ages by invoice date; 逾期 and the dunning level stay by due date (nothing is overdue)
    assert sheet[2][4:14] == (150, 150, 50, 100, 0, 0, 0, 0, 0, None) and sheet[2][18] is None
    assert [(r[0], r[9], r[10]) for r in read_sheet(path, "应收账款")[1:]] == [("A", 0, "账龄31-60天"),
                                                                              ("B", 0, "账龄0-30天")]


def test_payments_sheet_back_dated_and_validated(tmp_path):
    rows = [rec("I1", "C1", dt.date(2026, 9, 1), 1000.0, due=dt.date(2026, 10, 1)),
            rec("I2", "C2", dt.date(2026, 9, 1), 100.0, due=dt.date(2026, 10, 1), paid=100.0)]
    pays = [{"pay_date": dt.date(2026, 10, 15), "invoice_no": "I1", "customer_id": "C1", "amount": 600.0},
            {"pay_date": dt.date(2026, 11, 20), "invoice_no": "I1", "customer_id": "C1", "amount": 400.0},
            {"pay_date": dt.date(2026, 11, 21), "invoice_no": "I1", "customer_id": "C2", "amount": 50.0},
            {"pay_date": dt.date(2026, 11, 21), "invoice_no": "I9", "customer_id": "C1", "amount": 10.0}]
    path = book(tmp_path, rows, pays)
    res = cli("aging", path, "--as-of", "2026-10-31")
    assert res.exit_code == 1  # I9 names no invoice: an error in a row the aging uses
    report = [(r[0], r[2], r[5]) for r in read_sheet(path, "校验结果")[1:]]
    assert report == [("警告", "C4", "客户编号与单据 I1 的客户 C1 不一致；按单据号核销"),
                      ("警告", "D4", "单据 I1 的收款合计超过金额 1,000.00，多收部分记为未核销贷项"),
                      ("错误", "B5", "单据号在“应收账款”中不存在")]
    aging_rows = read_sheet(path, "账龄分析")
    assert [(r[0], r[4], r[13]) for r in aging_rows[2:3]] == [("C1", 400, 30)]  # paid 600 by 10-31
    assert cli("aging", path).exit_code == 1
    # as of today: I1 got 1,050 — the 50 over is a credit
    assert [(r[0], r[4], r[14]) for r in read_sheet(path, "账龄分析")[2:3]] == [("C1", -50, -50)]


def test_no_payments_sheet_is_no_warning(tmp_path):
    from helpers import sheets, write_book

    path = write_book(tmp_path / "old.xlsx", sheets())
    res = cli("validate", path)
    assert res.exit_code == 0 and "收款记录" not in res.output


def test_aging_export_exit_ignores_errors_in_rows_it_did_not_use(tmp_path):
    contacts = [{"date": AS_OF + D(3), "customer_id": "C1", "channel": "phone"}]  # future contact: an error
    rows = [rec("I1", "C1", AS_OF - D(40), 100.0)]
    path = book(tmp_path, rows, contacts=contacts,
                funnel=[{"customer_id": "C9", "stage": "1"}])  # unknown customer: an error
    res = cli("aging", path, "--export", tmp_path / "a.csv")
    assert res.exit_code == 0, res.output
    assert "账龄完整：2 个错误都在账龄未使用的行中" in res.output
    assert "联系记录!A2" in res.output and "销售漏斗!A2" in res.output  # still listed
    bad = book(tmp_path, [rec("I1", "C1", AS_OF - D(40), 100.0, due=AS_OF - D(50))], contacts=contacts)
    assert cli("aging", bad, "--export", tmp_path / "b.csv").exit_code == 1
    # a broken card of an invoiced customer makes the aging's limit wrong: exit 1; of another, 0
    card_err = book(tmp_path, rows)
    import openpyxl

    wb = openpyxl.load_workbook(card_err)
    ws = wb["客户资料卡"]
    col = [c.value for c in ws[1]].index("授信额度") + 1
    ws.cell(2, col, "abc")
    wb.save(card_err)
    assert cli("aging", card_err, "--export", tmp_path / "c.csv").exit_code == 1
    ws.cell(2, col, 1000)
    ws.cell(3, col, "abc")
    wb.save(card_err)
    assert cli("aging", card_err, "--export", tmp_path / "d.csv").exit_code == 0


def test_finance_figures_and_dunning_in_the_aging_sheet(tmp_path):
    rows = [rec("I1", "C1", AS_OF - D(80), 1000.0, due=AS_OF - D(50)), rec("I2", "C2", AS_OF - D(20), 500.0)]
    path = book(tmp_path, rows)
    cli("aging", path)
    sheet = read_sheet(path, "账龄分析")
    assert [(r[0], r[18], r[19]) for r in sheet[2:4]] == [("C1", "2 催告", "发催告函，暂停新增赊销"),
                                                          ("C2", None, None)]
    flat = {r[0]: r for r in sheet if r and isinstance(r[0], str)}
    assert flat["应收账款周转天数 DSO（近 90 天开票）"][4] == 90.0  # 1,500 outstanding / 1,500 invoiced × 90
    assert flat["近 90 天开票金额"][4] == 1500 and flat["逾期 90 天以上占比"][4] == 0
    weeks = flat["周"]
    assert weeks[4:6] == ("11-25~12-01", "12-02~12-08")
    assert flat["本周到期"][4:12] == (0, 500, 0, 0, 0, 0, 0, 0)  # I2 falls due on 12-04 (30 days' terms)
    # I1, 50 days overdue at 100 %, spread over 8 weeks (as many days again); I2 falls due in week 2
    assert flat["预计回款"][4:14] == (125, 625, 125, 125, 125, 125, 125, 125, 0, 1500)
    assert weeks[12:14] == ("8 周以后", "合计")


def test_credit_survey_flags_resurvey_and_insolvency(tmp_path):
    scores = {k: 4 for k in ("s_principal", "s_scale", "s_sales", "s_know_how", "s_capital", "s_profit", "s_staff",
                             "s_suppliers", "s_bank", "s_peers", "s_industry")}
    base = {"quick_assets": 1.0, "current_liabilities": 1.0, "total_liabilities": 5.0, "assets_begin": 10.0,
            "assets_end": 10.0, "revenue": 10.0, "net_profit": 1.5, **scores}
    survey = [{"customer_id": "C1", "survey_date": AS_OF - D(100), **base},
              {"customer_id": "C2", "survey_date": dt.date(2025, 11, 23), **base, "total_liabilities": 11.0}]
    rows = [rec("I1", "C1", AS_OF - D(130), 2000.0, due=AS_OF - D(91))]  # over the limit and 91 days overdue
    path = book(tmp_path, rows, survey=survey)
    assert cli("refresh", path).exit_code == 0
    sheet = read_sheet(path, "信用调查")
    col = {h: i for i, h in enumerate(sheet[0])}
    assert [(r[col["信用等级"]], r[col["需复查"]]) for r in sheet[1:]] == [
        ("AA", "超出授信额度、逾期超过 90 天"), ("C", "调查已超过 12 个月")]
    warnings = [(r[2], r[5]) for r in read_sheet(path, "校验结果")[1:] if r[1] == "信用调查"]
    assert warnings == [("B3", "信用调查已超过 12 个月（2025-11-23），建议重新调查"),
                        ("E3", "资不抵债：负债总额超过期末资产总额，信用等级不高于 C")]
    res = cli("credit-form", path, "C2")
    assert res.exit_code == 0
    flat = [v for row in read_sheet(path, "授信申请") for v in row if v is not None]
    assert flat[flat.index("授信调整") + 1] == "取消授信"
    assert any(isinstance(v, str) and "资不抵债（负债总额 11.00 超过期末资产总额 10.00）" in v
               and "只做现金交易或有担保品的交易" in v for v in flat)
