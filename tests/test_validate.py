import datetime as dt

from helpers import (
    CONTACTS,
    CUSTOMERS,
    FUNNEL,
    RECEIVABLES,
    SURVEY,
    cli,
    digest,
    read_sheet,
    sheets,
    tab_xml,
    write_book,
)

from addin import jobs
from addin.io.sheet_xml import highlighted_cells
from addin.io.xlsx_book import XlsxBook

D = dt.date


def bad_book(tmp_path):
    customers = [CUSTOMERS[0],
                 ["C001", "甲公司", "张伟", "13812345678", None, 100, None, None, None],
                 ["C002", "乙公司", "张伟", "12345", "bad@", 100, None, None, None],
                 ["C001", "丙公司", "李娜", "13812345678", None, -5, None, None, None],
                 ["C004", None, "李娜", "13812345678", None, "abc", None, None, None],
                 ["C005", "戊公司", "李娜", "13812345678", None, 100, None, 30.5, None]]
    funnel = [FUNNEL[0],
              ["C001", "6 合同中", "无合同", "成交意向好", "否", None, 100, None],
              ["C999", "4", "无合同", "可能成交", "否", None, 100, None],
              ["C002", 9, "无合同", "可能成交", "否", None, 100, None],
              ["C004", "2", "合同已到期", "可能成交", "否", None, None, None],
              ["C005", "7 合同已经到期", "合同已到期", "maybe", "否", None, None, None]]
    contacts = [CONTACTS[0],
                [D(2026, 12, 1), "C001", "电话", "王总", "x", None, "张伟"],
                [D(2026, 11, 1), "C999", "电话", "王总", "x", None, "张伟"]]
    survey = [SURVEY[0], SURVEY[1][:10] + [6]]
    receivables = [RECEIVABLES[0],
                   ["INV1", "C001", D(2026, 9, 1), D(2026, 8, 1), 100, None, None, "张伟"],
                   ["INV2", "C001", D(2026, 9, 1), None, 100, 150, None, "张伟"],
                   ["INV1", "C002", D(2026, 9, 1), None, 100, None, None, "张伟"]]
    return write_book(tmp_path / "bad.xlsx", sheets(customers=customers, funnel=funnel, contacts=contacts,
                                                     survey=survey, receivables=receivables))


EXPECTED = [
    "E 客户资料卡!D3 phone",
    "E 客户资料卡!E3 email",
    "E 客户资料卡!A4 duplicate",
    "E 客户资料卡!F4 negative",
    "E 客户资料卡!B5 required",
    "E 客户资料卡!F5 number",
    "E 客户资料卡!H6 integer",
    "E 销售漏斗!C2 stage6_status",
    "E 销售漏斗!A3 unknown_customer",
    "E 销售漏斗!B4 range",
    "E 销售漏斗!B5 status_stage7",
    "E 销售漏斗!D6 choice",
    "E 联系记录!A2 future_contact",
    "E 联系记录!B3 unknown_customer",
    "E 信用调查!K2 score_range",
    "E 应收账款!D2 due_before_invoice",
    "W 应收账款!F3 paid_over_amount",  # an overpayment is a credit on the customer, not an error
    "E 应收账款!A4 duplicate",
]


def test_whole_report(tmp_path):
    path = bad_book(tmp_path)
    result = jobs.validate(XlsxBook(path))
    assert [x.flat() for x in result.issues] == EXPECTED


def test_messages_name_value_and_rule(tmp_path):
    result = jobs.validate(XlsxBook(bad_book(tmp_path)))
    by_cell = {(x.sheet, x.cell): x for x in result.issues}
    dup = by_cell[("客户资料卡", "A4")]
    assert (dup.column, dup.value, dup.message) == ("客户编号", "C001", "客户编号重复，与第 2 行相同")
    assert by_cell[("应收账款", "D2")].message == "到期日早于开票日期 2026-09-01"
    assert "国企" not in by_cell[("销售漏斗", "D6")].message and "可能成交" in by_cell[("销售漏斗", "D6")].message
    assert by_cell[("联系记录", "A2")].message == "联系日期晚于基准日期 2026-11-24"


def test_cli_writes_report_and_highlights(tmp_path):
    path = bad_book(tmp_path)
    res = cli("validate", path)
    assert res.exit_code == 1
    assert "17 个错误，1 个警告" in res.output
    rows = read_sheet(path, "校验结果")
    assert rows[0] == ("严重性", "工作表", "单元格", "列", "值", "问题")
    assert rows[1] == ("错误", "客户资料卡", "D3", "电话", "12345", rows[1][5])
    assert len(rows) == 1 + len(EXPECTED)
    marks = highlighted_cells(tab_xml(path, "客户资料卡"))
    assert sorted(marks["error"]) == sorted(["A4", "B5", "D3", "E3", "F4:F5", "H6"])


def test_highlights_cleared_when_fixed(tmp_path):
    path = bad_book(tmp_path)
    cli("validate", path)
    good = write_book(tmp_path / "good.xlsx", sheets())
    assert cli("validate", good).exit_code == 0
    # fix the data of the bad book by rewriting only its customers values is not possible with
    # openpyxl without losing highlights, so run twice on a book whose errors disappear by as-of date
    contacts = [CONTACTS[0], [D(2026, 12, 1), "C001", "电话", "王总", "x", None, "张伟"]]
    path2 = write_book(tmp_path / "c.xlsx", sheets(contacts=contacts))
    assert cli("validate", path2, "--as-of", "2026-11-24").exit_code == 1
    assert highlighted_cells(tab_xml(path2, "联系记录")) == {"error": ["A2"]}
    assert cli("validate", path2, "--as-of", "2026-12-31").exit_code == 0
    assert highlighted_cells(tab_xml(path2, "联系记录")) == {}
    assert read_sheet(path2, "校验结果") == [("严重性", "工作表", "单元格", "列", "值", "问题")]


def test_warnings_do_not_fail(tmp_path):
    customers = [CUSTOMERS[0], ["C001", "甲", "张伟", None, None, 100, None, None, None]]
    path = write_book(tmp_path / "w.xlsx", sheets(customers=customers, funnel=[FUNNEL[0]], survey=[SURVEY[0]],
                                                  contacts=[CONTACTS[0]], receivables=[RECEIVABLES[0]]))
    res = cli("validate", path)
    assert res.exit_code == 0
    assert read_sheet(path, "校验结果")[1][:3] == ("警告", "客户资料卡", "D2")
    assert highlighted_cells(tab_xml(path, "客户资料卡")) == {"warning": ["D2"]}


def test_english_messages(tmp_path):
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "en.xlsx", lang="en", data={
        "customers": [{"customer_id": "C1", "name": "Acme", "owner": "Li", "phone": "123"}]})
    res = cli("validate", path)
    assert res.exit_code == 1
    rows = read_sheet(path, "Validation")
    assert rows[0] == ("Severity", "Sheet", "Cell", "Column", "Value", "Message")
    assert rows[1][:5] == ("Error", "Customers", "J2", "Phone", "123")
    assert rows[1][5].startswith("Malformed phone")


def test_unusable_inputs_exit_2_and_leave_file_untouched(tmp_path):
    cases = {}
    p = tmp_path / "text.xlsx"
    p.write_text("hello")
    cases[p] = "not an Excel workbook"
    p = tmp_path / "enc.xlsx"
    p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100 + "EncryptionInfo".encode("utf-16-le"))
    cases[p] = "encrypted"
    p = write_book(tmp_path / "nosheet.xlsx", sheets(customers=None))
    cases[p] = "required sheet missing: 客户资料卡"
    p = write_book(tmp_path / "noheader.xlsx", sheets(customers=[r[1:] for r in CUSTOMERS]))
    cases[p] = "required header missing: 客户编号"
    p = write_book(tmp_path / "locked.xlsx", sheets())
    (tmp_path / "~$locked.xlsx").write_text("owner")
    cases[p] = "open in Excel"
    for path, reason in cases.items():
        before = digest(path)
        res = cli("validate", path)
        assert res.exit_code == 2, (path, res.output)
        assert reason in res.stderr and str(path) in res.stderr
        assert "Traceback" not in res.output + res.stderr
        assert digest(path) == before
        assert not (path.parent / (path.name + ".bak")).exists()


def test_missing_optional_sheet_is_a_warning(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets(survey=None))
    res = cli("validate", path)
    assert res.exit_code == 0
    assert ("警告", "信用调查", None, None, None, "工作表缺失，按空表处理") in read_sheet(path, "校验结果")


# --------------------------------------------------------------- 设置 (declared once: tests/test_settings_declared.py)
def test_cut_offs_and_approval_limits_must_rise(tmp_path):
    from helpers import SETTINGS, cli, read_sheet, sheets, write_book

    # the rows below 基准日期 and 账号
    settings = [list(r) for r in SETTINGS] + [["A类累计销售占比", "96%"], ["B类累计销售占比", "90%"],
                                               ["直销部经理审批上限", 30000], ["账龄分段(天)", "60,30,90"]]
    path = write_book(tmp_path / "s.xlsx", sheets(settings=settings))
    res = cli("validate", path)
    assert res.exit_code == 1
    report = {(r[2], r[5]) for r in read_sheet(path, "校验结果")[1:] if r[1] == "设置"}
    assert ("B5", "A类累计销售占比、B类累计销售占比 应从小到大，已全部使用默认值 80%、95%") in report
    assert ("B6", "客户经理审批上限、直销部经理审批上限、地区公司经理审批上限 应从小到大，已全部使用默认值 "
                  "50,000、200,000、500,000") in report
    assert ("B7", "账龄分段(天)应为从小到大的正整数（如 30,60,90），已使用默认值 30,60,90,180,365") in report
