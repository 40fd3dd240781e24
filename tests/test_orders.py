"""订单 and the credit check at the moment of the order (超额暂停发货)."""
import datetime as dt

import pytest
from fake_xlwings import FakeBook
from helpers import cli, digest, read_sheet

from addin import ribbon
from addin.build.workbook import build_workbook
from addin.core.orders import Order, Standing, check_orders, held_by_customer
from addin.core.settings import Settings

AS_OF = dt.date(2026, 11, 24)
S = Settings()  # 暂停发货逾期天数 30, approval limits 50,000 / 200,000 / 500,000


def o(i, amount, cid="C1", date=AS_OF, status=None):
    return Order(i, date, cid, amount, status)


def one(amount, standing, s=S):
    return check_orders([o(0, amount)], {"C1": standing}, s)[0]


@pytest.mark.parametrize("amount, outcome", [(40_000.0, "pass"), (40_000.01, "over_limit")])
def test_the_limit_itself_passes_one_cent_more_is_over(amount, outcome):
    c = one(amount, Standing(100_000.0, balance=60_000.0))
    assert c.outcome == outcome and c.exposure == round(60_000 + amount, 2)
    assert c.approver == (None if outcome == "pass" else "account_manager")
    assert c.excess == (0.0 if outcome == "pass" else 0.01)


@pytest.mark.parametrize("days, outcome", [(30, "pass"), (31, "overdue_hold")])
def test_overdue_more_than_the_hold_days_holds_whatever_the_limit(days, outcome):
    assert one(1.0, Standing(1_000_000.0, balance=500.0, max_days=days, overdue=500.0)).outcome == outcome
    assert one(1.0, Standing(1_000_000.0, max_days=days), Settings(hold_overdue_days=days)).outcome == "pass"
    held = one(10_000_000.0, Standing(100.0, max_days=31))  # over the limit too: the hold comes first
    assert held.outcome == "overdue_hold" and held.approver is None


@pytest.mark.parametrize("excess, who", [(50_000.0, "account_manager"), (50_000.01, "direct_sales_manager"),
                                         (200_000.0, "direct_sales_manager"), (200_000.01, "regional_manager"),
                                         (500_000.0, "regional_manager"), (500_000.01, "general_manager")])
def test_the_approver_follows_the_excess(excess, who):
    c = one(10_000.0 + excess, Standing(10_000.0))
    assert c.outcome == "over_limit" and c.excess == excess and c.approver == who


@pytest.mark.parametrize("limit", [None, 0.0])
def test_no_limit_needs_approval_of_the_whole_exposure(limit):
    c = one(50_000.0, Standing(limit, balance=0.01))
    assert c.outcome == "needs_approval" and c.excess == 50_000.01 and c.approver == "direct_sales_manager"
    # a customer the ledger does not know (no card, no balance): the same
    assert check_orders([o(0, 1.0, cid="X")], {}, S)[0].outcome == "needs_approval"


def test_credits_net_the_balance():
    assert one(100_000.0, Standing(100_000.0, balance=-5_000.0)).exposure == 95_000.0


def test_orders_of_a_customer_use_the_limit_by_date_then_row():
    orders = [o(0, 30_000.0, date=AS_OF), o(1, 30_000.0, date=AS_OF - dt.timedelta(1)),
              o(2, 30_000.0, date=AS_OF), o(3, 30_000.0, cid="C2")]
    checks = check_orders(orders, {"C1": Standing(70_000.0), "C2": Standing(70_000.0)}, S)
    # row 1 is the earliest date, then rows 0 and 2 on the same day in row order
    assert [checks[i].exposure for i in (1, 0, 2)] == [30_000.0, 60_000.0, 90_000.0]
    assert [checks[i].outcome for i in (1, 0, 2, 3)] == ["pass", "pass", "over_limit", "pass"]
    held = held_by_customer(orders, checks)
    assert set(held) == {"C1"} and held["C1"][:2] == ("over_limit", 30_000.0)


@pytest.mark.parametrize("status, is_open", [(None, True), ("new", True), ("pending", True), ("approved", True),
                                             ("shipped", False), ("cancelled", False)])
def test_which_orders_are_open(status, is_open):
    checks = check_orders([o(0, 50_000.0, status=status), o(1, 50_000.0)], {"C1": Standing(50_000.0)}, S)
    assert (0 in checks) == is_open
    # a shipped order is in 应收账款 already and a cancelled one never ships: neither uses the limit
    assert checks[1].outcome == ("over_limit" if is_open else "pass")


def orders_book(tmp_path, lang="zh", orders=True):
    data = {
        "customers": [{"customer_id": "C1", "name": "甲", "owner": "张伟", "credit_limit": 100_000.0},
                      {"customer_id": "C2", "name": "乙", "owner": "张伟"},
                      {"customer_id": "C3", "name": "丙", "owner": "李娜", "credit_limit": 500_000.0}],
        "receivables": [{"invoice_no": "I1", "customer_id": "C1", "invoice_date": AS_OF - dt.timedelta(20),
                         "due_date": AS_OF + dt.timedelta(10), "amount": 60_000.0},
                        {"invoice_no": "I3", "customer_id": "C3", "invoice_date": AS_OF - dt.timedelta(80),
                         "due_date": AS_OF - dt.timedelta(31), "amount": 1_000.0}],
    }
    if orders:
        data["orders"] = [
            {"date": AS_OF, "order_no": "SO-1", "customer_id": "C1", "amount": 30_000.0, "owner": "张伟"},
            {"date": AS_OF, "order_no": "SO-2", "customer_id": "C1", "amount": 10_000.01, "owner": "张伟",
             "status": "pending"},
            {"date": AS_OF - dt.timedelta(1), "order_no": "SO-3", "customer_id": "C2", "amount": 5_000.0,
             "status": "new"},
            {"date": AS_OF, "order_no": "SO-4", "customer_id": "C3", "amount": 5_000.0},
            {"date": AS_OF, "order_no": "SO-5", "customer_id": "C1", "amount": 99_000.0, "status": "shipped"}]
    return build_workbook(tmp_path / f"orders-{lang}.xlsx", data=data, lang=lang, settings={"as_of": AS_OF})


def test_check_orders_writes_the_two_columns_and_nothing_else(tmp_path):
    path = orders_book(tmp_path)
    before = {s: read_sheet(path, s) for s in ("客户资料卡", "应收账款", "账龄分析", "今日拨打")}
    res = cli("check-orders", path)
    assert res.exit_code == 0, res.output
    assert "订单信用检查：未发货订单 4 张（共 5 张）：通过 1  超额度 1  逾期暂停 1  需审批 1" in res.output
    rows = read_sheet(path, "订单")
    assert rows[0][-2:] == ("信用检查", "检查说明")
    assert [r[-2:] for r in rows[1:]] == [
        ("通过", "占用 ¥90,000.00，额度 ¥100,000.00 以内"),
        ("超额度", "占用 ¥100,000.01 超过额度 ¥100,000.00：超出 ¥0.01，需客户经理审批"),
        ("需审批", "未授信：赊销 ¥5,000.00 需客户经理审批（或现金交易、有担保品）"),
        ("逾期暂停", "逾期 31 天 ¥1,000.00，超过暂停发货逾期天数 30 天：先收款再发货"),
        (None, None)]  # shipped: not checked
    # the user's cells of 订单 are as typed, every other sheet as it was
    assert [r[:6] for r in rows[1:]][4] == (dt.datetime(2026, 11, 24), "SO-5", "C1", 99_000, None, "已发货")
    assert {s: read_sheet(path, s) for s in before} == before


def test_held_orders_are_a_reason_in_the_call_list(tmp_path):
    path = orders_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    reasons = {r[2]: r[11] for r in read_sheet(path, "今日拨打")[2:]}
    assert reasons["C1"].startswith("订单超额度待审批 ¥10,000.01（需客户经理审批）")
    assert reasons["C2"].startswith("未授信订单待审批 ¥5,000.00（需客户经理审批）")
    assert "订单逾期暂停发货 ¥5,000.00：先收回逾期31天的欠款" in reasons["C3"]


def test_an_approved_order_is_no_longer_chased(tmp_path):
    data = {"customers": [{"customer_id": "C1", "name": "甲", "owner": "张伟", "credit_limit": 100.0}],
            "orders": [{"date": AS_OF, "customer_id": "C1", "amount": 5_000.0, "status": "approved"}]}
    path = build_workbook(tmp_path / "a.xlsx", data=data, settings={"as_of": AS_OF})
    assert cli("refresh", path).exit_code == 0
    assert read_sheet(path, "订单")[1][-2] == "超额度"  # the check still says what it is
    assert "订单" not in (read_sheet(path, "今日拨打")[2][11] or "")


def test_english_workbook_and_the_hold_setting(tmp_path):
    path = orders_book(tmp_path, lang="en")
    res = cli("check-orders", path)
    assert res.exit_code == 0, res.output
    rows = read_sheet(path, "Orders")
    assert rows[0][-2:] == ("Credit Check", "Check Note")
    assert rows[4][-2:] == ("Overdue hold", "¥1,000.00 overdue 31 days, beyond the 30-day hold: collect before "
                                            "shipping")


def test_without_an_orders_sheet_exit_2_and_nothing_written(tmp_path):
    path = orders_book(tmp_path, orders=False)
    # the template has an empty 订单 sheet: delete it as a workbook made before it existed would lack it
    import openpyxl

    wb = openpyxl.load_workbook(path)
    del wb["订单"]
    wb.save(path)
    before = digest(path)
    res = cli("check-orders", path)
    assert res.exit_code == 2 and "no sheet 订单 (Orders)" in res.stderr
    assert digest(path) == before
    assert cli("refresh", path).exit_code == 0  # optional: no warning, no failure


def test_bad_order_rows_are_errors_and_exit_1(tmp_path):
    data = {"customers": [{"customer_id": "C1", "name": "甲", "owner": "张伟", "credit_limit": 100.0}],
            "orders": [{"date": AS_OF, "customer_id": "C9", "amount": 5.0},
                       {"date": AS_OF, "customer_id": "C1", "amount": "abc"}]}
    path = build_workbook(tmp_path / "bad.xlsx", data=data, settings={"as_of": AS_OF})
    res = cli("check-orders", path)
    assert res.exit_code == 1
    issues = [(r[1], r[2]) for r in read_sheet(path, "校验结果")[1:] if r[0] == "错误"]
    assert ("订单", "C2") in issues and ("订单", "D3") in issues
    assert [r[-2] for r in read_sheet(path, "订单")[1:]] == [None, None]


def test_ribbon_button(tmp_path):
    book = FakeBook(orders_book(tmp_path))
    assert ribbon.dispatch("check_orders", book), book.app.alerts
    assert "订单信用检查：未发货订单 4 张（共 5 张）：通过 1  超额度 1  逾期暂停 1  需审批 1" in book.app.alerts[-1][1]
    grid = book.sheets["订单"].grid()
    assert grid[2][6] == "超额度"
