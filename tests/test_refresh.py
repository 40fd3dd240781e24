import datetime as dt
from collections import Counter

import openpyxl
from helpers import CONTACTS, cli, parts, read_sheet, sheets, write_book
from rich.cells import cell_len

from addin.build.workbook import build_workbook

AS_OF = dt.date(2026, 11, 24)
D = dt.timedelta


def cust(cid, sales, owner="张伟", **kw):
    return {"customer_id": cid, "name": f"{cid}公司", "owner": owner, "phone": "13812345678",
            "annual_sales": sales, "key_person": "王总", **kw}


def small_book(tmp_path, name="crm.xlsx", **settings):
    data = {
        "customers": [cust("C1", 600000, birthday=dt.date(1980, 11, 25)), cust("C2", 300000),
                      cust("C3", 80000), cust("C4", 20000, owner="李娜"), cust("C5", 0, owner="李娜")],
        "funnel": [
            {"customer_id": "C1", "stage": "5", "contract_status": "none", "intent": "good", "abandoned": "no",
             "next_call": AS_OF - D(3)},
            {"customer_id": "C2", "stage": "6", "contract_status": "active", "intent": "possible",
             "contract_end": AS_OF + D(100)},
            {"customer_id": "C4", "stage": "2", "contract_status": "none", "intent": "unclear", "abandoned": "yes"},
        ],
        "contacts": [{"date": AS_OF - D(12), "customer_id": "C1", "channel": "phone", "outcome": "报价",
                      "owner": "张伟"},
                     {"date": AS_OF - D(2), "customer_id": "C2", "channel": "visit", "outcome": "拜访",
                      "owner": "张伟"}],
    }
    return build_workbook(tmp_path / name, data=data, settings={"as_of": AS_OF, **settings})


def test_refresh_fills_computed_columns(tmp_path):
    path = small_book(tmp_path)
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output
    assert "ABC 分级：A 2 户（40%），B 1 户（20%），C 2 户（40%）" in res.output
    rows = read_sheet(path, "客户资料卡")
    head = rows[0]
    col = {h: i for i, h in enumerate(head)}
    got = {r[0]: (r[col["销售占比"]], r[col["ABC等级"]], r[col["客户类别"]], r[col["交易类型"]]) for r in rows[1:]}
    assert got["C1"] == (0.6, "A", "核心", "关系型")
    assert got["C2"][1] == "A" and got["C3"][1] == "B" and got["C5"][1:2] == ("C",)
    f = read_sheet(path, "销售漏斗")
    fcol = {h: i for i, h in enumerate(f[0])}
    c1 = next(r for r in f if r[0] == "C1")
    assert c1[fcol["上次联系"]].date() == AS_OF - D(12)
    assert c1[fcol["跟进次数"]] == 1 and c1[fcol["热度"]] == "热A"
    # an overdue plan (下次拨打 3 days ago) is named first and weighs 40 with its other reasons: 40 +
    # stage 5 50 + good intent 20 + birthday 5 + A 10 = 125, capped at 99 in the value tier (3xx);
    # a planned customer is not also "waiting"
    assert c1[fcol["优先原因"]] == "计划回访已逾期3天；销售进程5：已传合同；成交意向好；11月25日生日（1天后）"
    assert c1[fcol["优先分"]] == 399 and c1[fcol["已读下次拨打"]].date() == AS_OF - D(3)
    # first run over this funnel: the plan counts as entered at the last contact
    assert c1[fcol["计划登记日"]].date() == AS_OF - D(12)
    assert next(r for r in f if r[0] == "C4")[fcol["热度"]] == "拒绝"


def test_call_list_sheet(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    rows = read_sheet(path, "今日拨打")
    # the month so far per rep: C1 (12 days ago) and C2 (2 days ago) were contacted in November;
    # C4 (放弃) is not part of the book; Nov 24–30 holds 5 working days
    assert rows[0][0] == "今日拨打清单 · 2026-11-24 · 本月已联系 张伟 2/3、李娜 0/1 · 剩余 5 个工作日"
    assert rows[1] == ("序号", "业务员", "客户编号", "客户名称", "关键人", "电话", "ABC等级", "热度", "销售进程", "成交意向",
                       "优先分", "优先原因", "建议时段", "上次联系", "结果", "承诺金额", "承诺日期", "下次拨打")
    body = [(r[0], r[1], r[2], r[12]) for r in rows[2:]]
    # C4 is Denial (放弃 = 是) and never listed; C2 was contacted 2 days ago (A: 7-day interval)
    assert body == [(1, "张伟", "C1", "上午"), (2, "张伟", "C3", "下午"), (1, "李娜", "C5", "下午")]


def _type_results(path, results):
    """What a rep does: type 结果 / 下次拨打 into the list (another program saves the file)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["今日拨打"]
    for row in ws.iter_rows(min_row=3):
        cid = row[2].value
        if cid in results:
            outcome, nxt, *promise = results[cid]
            row[14].value = outcome
            row[17].value = nxt
            if promise:
                row[15].value, row[16].value = promise
    wb.save(path)


def test_harvest_then_idempotent(tmp_path):
    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    _type_results(path, {"C1": ("  客户同意签约，明早回传合同 ", dt.datetime(2026, 11, 27)), "C3": ("没人接", None),
                         "C5": (None, "下周一")})
    res = cli("refresh", path)
    assert "已从拨打清单记入联系记录 3 条" in res.output
    log = read_sheet(path, "联系记录")
    assert len(log) == 1 + 2 + 3
    new = log[3:]
    assert [(r[0].date(), r[1], r[2], r[3], r[4], r[8]) for r in new] == [
        (AS_OF, "C1", "电话", "王总", "  客户同意签约，明早回传合同 ", "张伟"),
        (AS_OF, "C3", "电话", "王总", "没人接", "张伟"),
        (AS_OF, "C5", "电话", "王总", None, "李娜")]
    assert new[0][7].date() == dt.date(2026, 11, 27) and new[1][7] is None and new[2][7] == "下周一"
    # the list is regenerated blank; harvested contacts count as contacts
    rows = read_sheet(path, "今日拨打")
    assert all(r[14] is None and r[17] is None for r in rows[2:])
    # a second and third refresh with no new input append nothing and give the same content
    cli("refresh", path)
    first = parts(path)
    res = cli("refresh", path)
    assert "记入联系记录 0 条" in res.output
    assert parts(path) == first
    assert len(read_sheet(path, "联系记录")) == 6


def test_harvest_skips_results_already_in_the_log(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    _type_results(path, {"C3": ("没人接", None)})
    backup_list = read_sheet(path, "今日拨打")
    cli("refresh", path)
    # the rep restores the old list (with the filled result) and refreshes again: no duplicate
    wb = openpyxl.load_workbook(path)
    ws = wb["今日拨打"]
    for r, row in enumerate(backup_list[1:], start=2):
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v
    wb.save(path)
    cli("refresh", path)
    assert [r[4] for r in read_sheet(path, "联系记录")].count("没人接") == 1


def test_rows_with_errors_excluded_and_reported(tmp_path):
    data = {
        "customers": [cust("C1", 100000), cust("C2", "abc"), cust("C3", 50000, phone="123"), cust("C4", 1000)],
        "funnel": [{"customer_id": "C1", "stage": 9}, {"customer_id": "C4", "stage": "4", "expected_amount": 5000}],
    }
    path = build_workbook(tmp_path / "e.xlsx", data=data, settings={"as_of": AS_OF})
    res = cli("refresh", path)
    assert res.exit_code == 1
    report = [(r[1], r[2]) for r in read_sheet(path, "校验结果")[1:]]
    assert report == [("客户资料卡", "Q3"), ("客户资料卡", "J4"), ("销售漏斗", "B2")]
    cust_rows = {r[0]: r for r in read_sheet(path, "客户资料卡")[1:]}
    assert cust_rows["C2"][27] == "C"  # invalid 年销售额 counts as zero
    assert cust_rows["C3"][27] == "A"  # graded although its phone is wrong
    listed = {r[2]: r[11] for r in read_sheet(path, "今日拨打")[2:]}
    # a row with a non-blocking error stays on the list, the problem named in its reasons
    assert listed["C3"] == "A类客户从未联系；资料待修正：电话"
    assert listed["C2"] == "C类客户从未联系；资料待修正：年销售额"
    # C1's bad 销售进程 is blank for the schedule and named; its funnel row still gets computed values
    assert listed["C1"] == "A类客户从未联系；资料待修正：销售进程"
    f = {r[0]: r for r in read_sheet(path, "销售漏斗")[1:]}
    assert f["C1"][10] == "冷C" and f["C1"][12] == listed["C1"]
    assert f["C4"][12] is not None


def test_only_an_unusable_id_or_owner_leaves_a_customer_out(tmp_path):
    data = {"customers": [cust("C1", 100), cust("C2", 100, owner=None), cust("C1", 50), cust(None, 10)]}
    path = build_workbook(tmp_path / "o.xlsx", data=data, settings={"as_of": AS_OF})
    assert cli("refresh", path).exit_code == 1
    assert [r[2] for r in read_sheet(path, "今日拨打")[2:]] == ["C1"]


def test_missing_computed_column_is_added_and_stale_values_cleared(tmp_path):
    rows = [["客户编号", "客户名称", "业务员", "年销售额", "ABC等级", "备注X"],
            ["C1", "甲", "张伟", 100, "旧", "mine"],
            [None, None, None, None, "陈旧", None]]
    path = write_book(tmp_path / "m.xlsx", sheets(customers=rows, funnel=[["客户编号", "销售进程"]],
                                                 contacts=[["日期", "客户编号"]], survey=None, receivables=None))
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    got = read_sheet(path, "客户资料卡")
    assert got[0] == ("客户编号", "客户名称", "业务员", "年销售额", "ABC等级", "备注X", "销售占比", "累计占比", "客户类别",
                      "交易类型")
    assert got[1] == ("C1", "甲", "张伟", 100, "A", "mine", 1, 1, "核心", "关系型")
    assert got[2][4] is None  # the stale value below the data is cleared


def test_calls_command_prints_the_list(tmp_path):
    path = small_book(tmp_path)
    res = cli("calls", path, "--owner", "张伟")
    assert res.exit_code == 0
    assert "拨打清单：张伟 2" in res.output and "C1" in res.output and "C5" not in res.output
    assert [r[2] for r in read_sheet(path, "今日拨打")[2:]] == ["C1", "C3"]


def test_quota_from_settings(tmp_path):
    path = small_book(tmp_path, daily_quota=1)
    cli("refresh", path)
    # one call a day: 张伟's goes to C3, the one customer not reached this month (the coverage
    # reserve: ⌈1 ÷ 5 days left⌉), before C1's overdue plan, which competes by value
    assert [r[2] for r in read_sheet(path, "今日拨打")[2:]] == ["C3", "C5"]


def _list(path):
    return {r[2]: (r[10], r[11]) for r in read_sheet(path, "今日拨打")[2:]}


def test_a_plan_typed_in_the_list_is_kept_on_its_day_and_not_before(tmp_path):
    """Three mornings of a rep's week: Tue 24th list → C2 (stage 4) called, next call Thu 26th typed."""
    data = {"customers": [cust("C1", 600000), cust("C2", 300000), cust("C3", 80000)],
            "funnel": [{"customer_id": "C2", "stage": "4", "intent": "unclear"}]}
    path = build_workbook(tmp_path / "w.xlsx", data=data, settings={})
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    assert set(_list(path)) == {"C1", "C2", "C3"}  # never contacted: all due
    _type_results(path, {"C1": ("已联系", None), "C2": ("客户要比价", dt.datetime(2026, 11, 26)),
                         "C3": ("已联系", None)})
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    assert _list(path) == {}  # everyone was called yesterday and nothing is planned for today
    assert cli("refresh", path, "--as-of", "2026-11-26").exit_code == 0
    listed = _list(path)
    # today's plan: 470 + its value ÷ 4 (stage 4 40 + A 10 = 50 → 12)
    assert list(listed) == ["C2"] and listed["C2"] == (482, "计划今日回访；销售进程4：有选择我方的意向")
    f = {r[0]: r for r in read_sheet(path, "销售漏斗")[1:]}
    assert f["C2"][7] is None and f["C2"][11] == 482  # the plan lives in the log; the funnel shows the score


def test_a_next_call_changed_in_the_funnel_wins_over_an_older_plan(tmp_path):
    data = {"customers": [cust("C1", 600000)],
            "funnel": [{"customer_id": "C1", "stage": "3", "next_call": dt.date(2026, 12, 10)}],
            "contacts": [{"date": dt.date(2026, 11, 20), "customer_id": "C1", "channel": "phone",
                          "outcome": "回访", "next_call": dt.date(2026, 11, 27), "owner": "张伟"}]}
    path = build_workbook(tmp_path / "f.xlsx", data=data, settings={})
    cli("refresh", path, "--as-of", "2026-11-23")
    fcol = {h: i for i, h in enumerate(read_sheet(path, "销售漏斗")[0])}
    row = read_sheet(path, "销售漏斗")[1]
    # first run: the funnel's plan counts as entered at the last contact, the same day as the log's
    # plan; on a tie the funnel (a hand edit) wins, so the 27th is not due
    assert row[fcol["计划登记日"]].date() == dt.date(2026, 11, 20)
    assert "C1" not in _list(path)
    # the rep moves the funnel's 下次拨打 to the 25th on the 24th: entered then, the latest plan
    wb = openpyxl.load_workbook(path)
    wb["销售漏斗"].cell(2, fcol["下次拨打"] + 1).value = dt.datetime(2026, 11, 25)
    wb.save(path)
    cli("refresh", path, "--as-of", "2026-11-24")
    row = read_sheet(path, "销售漏斗")[1]
    assert row[fcol["计划登记日"]].date() == dt.date(2026, 11, 24)
    assert row[fcol["已读下次拨打"]].date() == dt.date(2026, 11, 25)
    cli("refresh", path, "--as-of", "2026-11-25")
    assert _list(path)["C1"][1].startswith("计划今日回访")
    assert read_sheet(path, "销售漏斗")[1][fcol["计划登记日"]].date() == dt.date(2026, 11, 24)  # unchanged


def test_plan_projects_the_month_and_writes_nothing(tmp_path):
    data = {"customers": [cust(f"C{i:02d}", 1000 * (i + 1)) for i in range(12)]}
    path = build_workbook(tmp_path / "p.xlsx", data=data, settings={"daily_quota": 2})
    before = path.read_bytes()
    res = cli("plan", path, "--as-of", "2026-11-24")
    assert res.exit_code == 0, res.output
    # 12 customers, 2 a day, 5 working days left in November: 10 reached, not all
    lines = res.output.splitlines()
    for day, share in (("2026-11-24", "17%"), ("2026-11-27", "67%"), ("2026-11-30", "83%")):
        assert any(line.startswith(day) and share in line for line in lines), day
    assert all(cell_len(line) <= 80 for line in lines)  # terminal columns: a Chinese character takes two
    # the book cannot close: two customers missed, both C (the shortfall falls on C first)
    assert "打不完：张伟 2" in res.output
    row = next(line for line in lines if line.startswith("张伟"))
    assert row.split()[4] == "0/0/2" and "不能，A 已保" in row
    assert path.read_bytes() == before
    res = cli("plan", path, "--as-of", "2026-11-24", "--missed")
    assert len([line for line in res.output.splitlines() if line.startswith("张伟     C  ")]) == 2
    res = cli("plan", path, "--month", "2026-12")  # 22 working days from Dec 1: everyone
    assert "按此名额，本月每位业务员都能打完" in res.output
    assert cli("plan", path, "--month", "2026/12").exit_code == 2


def test_plan_speaks_the_workbooks_language(tmp_path):
    """An English workbook gets the plan in English; a Chinese one (above) in Chinese — no mixed
    lines either way."""
    data = {"customers": [cust(f"C{i:02d}", 1000 * (i + 1)) for i in range(12)]}
    path = build_workbook(tmp_path / "en.xlsx", data=data, settings={"daily_quota": 2}, lang="en")
    res = cli("plan", path, "--as-of", "2026-11-24")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0] == "plan from 2026-11-24 · quota 2/day"
    assert "does not close: 张伟 2" in res.output
    assert next(line for line in lines if line.startswith("张伟")).endswith("no, A kept")
    assert not any(c in res.output for c in "：，（）天能")  # no Chinese punctuation or words of the plan
    zh = cli("plan", build_workbook(tmp_path / "zh.xlsx", data=data, settings={"daily_quota": 2}),
             "--as-of", "2026-11-24").output
    assert zh.splitlines()[0] == "月计划 自 2026-11-24 起 · 每日名额 2"
    assert not any(w in zh for w in ("plan from", "assumes", "closes", "missed A", "replan", "date"))


def _title(path, day):
    assert cli("refresh", path, "--as-of", day).exit_code == 0
    return read_sheet(path, "今日拨打")[0][0]


def test_plan_and_the_list_go_at_the_pace_of_the_last_list_worked(tmp_path):
    """A rep who typed results for 3 of the 4 calls listed yesterday: `crm plan` counts 3 calls a day
    and says so; the month is judged short at that pace (the title says it), not at the quota."""
    data = {"customers": [cust(f"C{i:02d}", 1000 * (20 - i)) for i in range(20)]}
    path = build_workbook(tmp_path / "p.xlsx", data=data, settings={"daily_quota": 4})
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    first = list(_list(path))
    assert len(first) == 4
    res = cli("plan", path, "--as-of", "2026-11-24")
    assert "清单上的电话都会打" in res.output and "都能打完" in res.output  # 5 days × 4
    _type_results(path, {cid: ("已沟通", None) for cid in first[:3]})
    res = cli("plan", path, "--as-of", "2026-11-25")
    assert res.exit_code == 0, res.output
    assert "每日拨打数按上一张清单（张伟 3）" in res.output
    lines = res.output.splitlines()
    assert all(cell_len(line) <= 80 for line in lines)
    # 4 working days left from the 25th at 3 a day: 12 calls, the first the one left undone
    assert [line.split()[1] for line in lines if line.startswith("2026-11-")] == ["3"] * 4
    assert "打不完：张伟 5" in res.output  # 3 reached + 4 × 3 of 20
    assert "名额不足" in _title(path, "2026-11-25")


def test_demo_with_reps_gives_each_rep_their_book(tmp_path):
    path = tmp_path / "d.xlsm"
    res = cli("demo", "--reps", 3, "--per-rep", 40, "--out", path, "--as-of", "2026-11-24")
    assert res.exit_code in (0, 1), res.output
    owners = [r[2] for r in read_sheet(path, "客户资料卡")[1:]]
    assert len(owners) == 120 and sorted(Counter(owners).values()) == [40, 40, 40]
    assert "本月已联系" in res.output and "剩余 5 个工作日" in res.output
    timing = next(line for line in res.output.splitlines() if line.startswith("用时："))
    assert "读取" in timing and "校验" in timing and "计算" in timing and "read" not in timing  # one language


def test_holiday_table_in_settings_and_a_year_the_calendar_does_not_know(tmp_path):
    path = small_book(tmp_path, as_of=dt.date(2031, 3, 3))
    assert cli("refresh", path).exit_code in (0, 1)
    warned = [r for r in read_sheet(path, "校验结果") if any("不含 2031 年" in str(v) for v in r if v)]
    assert len(warned) == 1 and warned[0][1] == "设置"
    # the company types the year's days into the 节假日 table: no warning, and the days count
    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "节假日") + 1
    for k, (day, kind) in enumerate(((dt.datetime(2031, 3, 4), "放假"), ("2031-03-08", "上班"),
                                     ("2031-03-09", "加班"))):
        ws.cell(row + k, 1).value, ws.cell(row + k, 2).value = day, kind
    wb.save(path)
    assert cli("refresh", path).exit_code in (0, 1)
    issues = read_sheet(path, "校验结果")
    assert not any("不含 2031 年" in str(v) for r in issues for v in r if v)
    bad = [r for r in issues if any("节假日表的值应为" in str(v) for v in r if v)]
    assert len(bad) == 1 and bad[0][2] == f"B{row + 2}"  # 加班 is neither 放假 nor 上班
    # Tuesday 4 March is off, Saturday 8 March worked: March 2031 counts 21 weekdays − 1 + 1
    title = read_sheet(path, "今日拨打")[0][0]
    assert "剩余 21 个工作日" in title


def test_outcomes_promises_and_undone_calls_through_the_workbook(tmp_path):
    """A rep's two mornings: 结果 from the list's drop-down (未接通, 承诺付款 with amount and date), a
    call left blank; the next list brings the blank one back first and counts it in the title."""
    data = {"customers": [cust("C1", 600000), cust("C2", 300000), cust("C3", 80000), cust("C4", 50000)]}
    path = build_workbook(tmp_path / "o.xlsx", data=data, settings={})
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    # the 结果 column offers the choices (a list, any text still accepted)
    dv = openpyxl.load_workbook(path)["今日拨打"].data_validations.dataValidation
    assert [(v.type, v.errorStyle, v.formula1, str(v.sqref)) for v in dv] == [
        ("list", "information", '"已沟通,未接通,拒接,承诺付款,已下单,其他"', "O3:O6")]
    _type_results(path, {"C1": ("承诺付款", None, 12000, dt.datetime(2026, 11, 27)), "C2": ("未接通", None),
                         "C3": ("已沟通", None)})
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    log = read_sheet(path, "联系记录")
    head = {h: i for i, h in enumerate(log[0])}
    c1 = next(r for r in log if r[1] == "C1")
    assert (c1[head["结果"]], c1[head["承诺金额"]], c1[head["承诺日期"]].date()) == ("承诺付款", 12000,
                                                                                 dt.date(2026, 11, 27))
    rows = read_sheet(path, "今日拨打")
    # reached: C1 and C3 (C2 did not answer: an attempt); C4 was listed and left blank: undone
    assert "本月已联系 张伟 2/4" in rows[0][0] and "昨日未完成 1" in rows[0][0]
    assert rows[2][2] == "C4" and rows[2][11].startswith("昨日未完成")
    assert "C2" not in {r[2] for r in rows[2:]}  # retried after 2 working days, not tomorrow


def test_call_list_prints_one_rep_per_page_with_its_header_on_each(tmp_path):
    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    ws = openpyxl.load_workbook(path)["今日拨打"]
    # 张伟's two calls on rows 3–4, 李娜's from row 5: a page break after row 4; title and header repeat
    assert [b.id for b in ws.row_breaks.brk] == [4] and ws.print_title_rows == "$1:$2"
    # printed at a scale (Excel ignores manual breaks on a sheet printed "fit to"), every column on the page
    assert ws.page_setup.scale == 38 and not ws.sheet_properties.pageSetUpPr.fitToPage
    assert [r[7] for r in read_sheet(path, "今日拨打")[2:]] == ["热", None, None]  # 热度 never reads as A/B/C


def test_a_log_from_before_the_promise_columns_gets_them_when_a_promise_is_typed(tmp_path):
    """An older workbook: 联系记录 has no 承诺金额 / 承诺日期 (and a note of the rep's own in column I).
    A promise typed in today's list adds the two headers after the last used column — no user cell
    moves or changes — keeps the promise there and says so in 校验结果; without a promise typed
    nothing is added."""
    contacts = [list(r) for r in CONTACTS]
    contacts[0] += [None, "我的备注"]  # H empty, I a header of the rep's own
    contacts[1] += [None, "老客户"]
    path = write_book(tmp_path / "old.xlsx", sheets(contacts=contacts))
    before = read_sheet(path, "联系记录")
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code in (0, 1)
    listed = [r[2] for r in read_sheet(path, "今日拨打")[2:]]
    _type_results(path, {listed[0]: ("已沟通", None)})
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code in (0, 1)
    log = read_sheet(path, "联系记录")
    assert len(log[0]) == 9 and log[:2] == before  # a result without a promise: no column added
    listed = [r[2] for r in read_sheet(path, "今日拨打")[2:]]
    _type_results(path, {listed[0]: ("承诺付款", None, 8000, dt.datetime(2026, 11, 30))})
    res = cli("refresh", path, "--as-of", "2026-11-26")
    assert res.exit_code in (0, 1), res.output
    log = read_sheet(path, "联系记录")
    assert log[0] == (*before[0], "承诺金额", "承诺日期")  # J and K, after the rep's own column I
    assert [tuple(r[:9]) for r in log[:len(before)]] == [tuple(r) for r in before]  # every user cell where it was
    row = next(r for r in log if r[4] == "承诺付款")
    assert (row[1], row[9], row[10].date()) == (listed[0], 8000, dt.date(2026, 11, 30))
    issues = read_sheet(path, "校验结果")
    added = [r for r in issues if any("已在表头末尾添加 承诺金额、承诺日期" in str(v) for v in r if v)]
    assert len(added) == 1 and added[0][0] == "警告" and added[0][2] == "J1"
    # the next run reads the columns as the log's own: the promise holds the customer's collections
    assert cli("refresh", path, "--as-of", "2026-11-27").exit_code in (0, 1)
    assert read_sheet(path, "联系记录")[0] == (*before[0], "承诺金额", "承诺日期")
    assert not any("已在表头末尾添加" in str(v) for r in read_sheet(path, "校验结果") for v in r if v)


def test_an_old_call_list_without_the_promise_columns_is_harvested_and_replaced(tmp_path):
    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["今日拨打"]
    assert ws.cell(2, 16).value == "承诺金额"
    ws.delete_cols(16, 2)  # the list as an older add-in wrote it: 结果 then 下次拨打
    ws.cell(3, 15).value, ws.cell(3, 16).value = "已沟通", dt.datetime(2026, 11, 30)
    cid = ws.cell(3, 3).value
    wb.save(path)
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output
    log = read_sheet(path, "联系记录")
    head = {h: i for i, h in enumerate(log[0])}
    assert any(r[1] == cid and r[head["结果"]] == "已沟通" and r[head["下次拨打"]].date() == dt.date(2026, 11, 30)
               for r in log[1:])
    assert tuple(read_sheet(path, "今日拨打")[1][15:17]) == ("承诺金额", "承诺日期")


def test_a_refresh_writes_the_same_bytes_whatever_the_hash_seed(tmp_path):
    """Each Python process orders a set of strings its own way (PYTHONHASHSEED): money summed over
    a set changes in its last digits from one run to the next (the 看板's A share did, with sales in
    cents). Three processes, three seeds, the same workbook: every part written the same."""
    import os
    import shutil
    import subprocess
    import sys
    import zipfile

    from addin.build.demo_data import generate

    data = generate(300, as_of=dt.date(2026, 11, 24), seed=3)
    for i, c in enumerate(data["customers"]):
        if isinstance(c["annual_sales"], float) and c["annual_sales"]:
            c["annual_sales"] = round(c["annual_sales"] + 0.01 * (i % 97) + 0.003, 2)
    src = build_workbook(tmp_path / "cents.xlsm", data=data)
    child = ("import sys, datetime as dt\nfrom addin import jobs\nfrom addin.io.xlsx_book import XlsxBook\n"
             "b = XlsxBook(sys.argv[1])\nr = jobs.refresh(b, as_of=dt.date(2026, 11, 24))\nr.loaded.release()\n"
             "jobs.apply(b, r.plan)\nb.close()\n")
    written = []
    for seed in ("0", "1", "2"):
        path = tmp_path / f"seed{seed}.xlsm"
        shutil.copy(src, path)
        subprocess.run([sys.executable, "-c", child, str(path)], env={**os.environ, "PYTHONHASHSEED": seed},
                       check=True)
        with zipfile.ZipFile(path) as z:
            written.append({n: z.read(n) for n in z.namelist()})
    assert written[0].keys() == written[1].keys() == written[2].keys()
    assert [n for n in written[0] if not written[0][n] == written[1][n] == written[2][n]] == []
