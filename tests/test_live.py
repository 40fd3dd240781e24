"""The live engine through a fake xlwings book that records every call."""
import datetime as dt
import shutil

import pytest
from fake_xlwings import FakeBook
from python_calamine import CalamineWorkbook

import sheets_schema as S
from addin import jobs, ribbon
from addin.actions import ACTIONS
from addin.build.demo_data import generate
from addin.build.workbook import build_workbook
from addin.io.xlsx_book import XlsxBook
from addin.steps import AGING, CALLS, GRADES

AS_OF = dt.date(2026, 11, 24)
# the template's computed columns (1-based), from the schema
COMPUTED = {spec.zh: {n for n, c in enumerate(spec.columns, start=1) if c.computed}
            for spec in (S.CUSTOMERS, S.FUNNEL, S.SURVEY, S.RECEIVABLES)}


def demo_book(tmp_path, n, name=None):
    data = generate(n, as_of=AS_OF, seed=3, invoices=2 * n, contacts=2 * n)
    return build_workbook(tmp_path / (name or f"demo{n}.xlsx"), data=data, settings={"as_of": AS_OF})


def write_counts(book):
    counts = {}
    for call in book.log:
        if call[0] in ("write", "number_format", "color", "font", "merge", "column_width", "row_height"):
            counts[call[1]] = counts.get(call[1], 0) + 1
    return counts


@pytest.mark.parametrize("action", ["validate", "grades", "calls", "aging"])
def test_writes_are_bulk_whatever_the_row_count(tmp_path, action):
    small, big = FakeBook(demo_book(tmp_path, 40)), FakeBook(demo_book(tmp_path, 400))
    assert ribbon.dispatch(action, small) and ribbon.dispatch(action, big)
    cs, cb = write_counts(small), write_counts(big)
    # per sheet, the same number of range calls for 40 and for 400 customers
    for sheet in cs.keys() | cb.keys():
        if sheet in ("校验结果",):
            continue
        assert cs.get(sheet) == cb.get(sheet), (sheet, cs.get(sheet), cb.get(sheet))
    assert max(cb.values()) < 150
    assert not any(c[0] == "write" and c[3] == 1 and c[4] == 1 for c in big.log if c[1] in COMPUTED)


def test_every_button_reads_and_writes_each_sheet_in_a_few_bulk_calls(tmp_path):
    from fake_xlwings import count_button_calls

    counts = count_button_calls(demo_book(tmp_path, 60))
    assert set(counts) == set(ACTIONS)  # every button ran and succeeded (a failure is named "… (failed)")
    for button, sheets in counts.items():
        for sheet, c in sheets.items():
            assert c["read"] + c["write"] <= 10, (button, sheet, c)
    # the buttons that write do write: the counter sees their calls
    assert counts["calls"][S.CALL_LIST.zh]["write"] >= 1
    assert counts["aging"][S.AGING.zh]["write"] >= 1


def test_user_cells_are_never_written(tmp_path):
    path = demo_book(tmp_path, 60)
    book = FakeBook(path)
    original = {s.name: dict(s.cells) for s in book.sheets}
    assert ribbon.dispatch("calls", book)
    for sheet in book.sheets:
        if sheet.name not in ("客户资料卡", "销售漏斗", "联系记录", "信用调查", "应收账款", "设置"):
            continue
        last = max((r for r, _ in original[sheet.name]), default=0)
        for r, c in sheet.written:
            assert c in COMPUTED.get(sheet.name, set()) or r > last, (sheet.name, r, c)
        # and every user value is still there
        for (r, c), v in original[sheet.name].items():
            if c not in COMPUTED.get(sheet.name, set()):
                assert sheet.cells.get((r, c)) == v


def test_unknown_action_refused(tmp_path):
    book = FakeBook(demo_book(tmp_path, 10))
    assert ribbon.dispatch("delete_everything", book) is False
    assert book.app.alerts == [("critical", "未知的操作：delete_everything")]
    assert not book.log.writes()


def _values(grid):
    def norm(v):
        if isinstance(v, dt.datetime):
            return v.date()
        if isinstance(v, float):
            return round(v, 9)
        return None if v == "" else v
    rows = [[norm(v) for v in row] for row in grid]
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    width = max((max((i + 1 for i, v in enumerate(r) if v is not None), default=0) for r in rows), default=0)
    return [r[:width] + [None] * (width - len(r)) for r in rows]


@pytest.mark.parametrize("action, steps", [("calls", (GRADES, CALLS)), ("aging", (AGING,)),
                                           ("validate", None)])
def test_live_and_headless_give_the_same_workbook(tmp_path, action, steps):
    path = demo_book(tmp_path, 80)
    copy = tmp_path / "headless.xlsx"
    shutil.copy(path, copy)
    headless = XlsxBook(copy)
    result = jobs.validate(headless) if steps is None else jobs.refresh(headless, steps=steps)
    jobs.apply(headless, result.plan)
    book = FakeBook(path)
    assert ribbon.dispatch(action, book)
    wb = CalamineWorkbook.from_path(str(copy))
    for sheet in book.sheets:
        assert _values(sheet.grid()) == _values(wb.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)), \
            sheet.name


def test_screen_updating_status_bar_and_closing_alert(tmp_path):
    book = FakeBook(demo_book(tmp_path, 20))
    assert ribbon.dispatch("calls", book)
    app_calls = [c for c in book.log if c[0] == "app"]
    assert app_calls[0] == ("app", "screen_updating", False)
    assert app_calls[1] == ("app", "status_bar", "客户管理：正在刷新拨打清单…")
    assert app_calls[-2:] == [("app", "screen_updating", True), ("app", "status_bar", False)]
    first_write = next(i for i, c in enumerate(book.log) if c[0] == "write")
    assert book.log.index(("app", "screen_updating", False)) < first_write
    mode, text = book.app.alerts[-1]
    assert mode == "info" and text.startswith("刷新拨打清单完成。") and "拨打清单：" in text


def test_errors_become_a_message_box(tmp_path):
    from helpers import sheets, write_book

    book = FakeBook(write_book(tmp_path / "x.xlsx", sheets(customers=None)))
    assert ribbon.dispatch("validate", book) is False
    assert book.app.alerts == [("critical", "操作失败：required sheet missing: 客户资料卡 (Customers)")]
    assert ("app", "screen_updating", True) in book.log


def test_internal_error_is_reported_not_raised(tmp_path, monkeypatch):
    book = FakeBook(demo_book(tmp_path, 10))
    monkeypatch.setattr(ribbon.jobs, "validate", lambda live: 1 / 0)
    monkeypatch.setattr(ribbon.Path, "home", lambda: tmp_path)
    assert ribbon.dispatch("validate", book) is False
    mode, text = book.app.alerts[-1]
    assert mode == "critical" and "ZeroDivisionError" in text
    assert "Traceback" in (tmp_path / "crm-addin-error.log").read_text(encoding="utf-8")


def test_highlights_use_marked_conditional_formats(tmp_path):
    from helpers import CUSTOMERS, sheets, write_book

    rows = [list(r) for r in CUSTOMERS]
    rows[2][3] = "12345"
    book = FakeBook(write_book(tmp_path / "h.xlsx", sheets(customers=rows)))
    ribbon.dispatch("validate", book)
    adds = [c for c in book.log if c[0] == "cf_add"]
    # no function name, separator or reference: the same formula in every Excel language
    assert adds == [("cf_add", "客户资料卡", "D3", '="crm:validation:error"<>""')]
    book.sheets["客户资料卡"].api.Cells.FormatConditions.AddDatabar()  # a user's rule, without Formula1
    ribbon.dispatch("validate", book)
    assert [c for c in book.log if c[0] == "cf_delete"] == [("cf_delete", "客户资料卡", "D3")]
    assert len(book.sheets["客户资料卡"].conditions) == 2  # ours again, and the user's data bar


def test_the_fake_refuses_formulas_a_german_excel_reads_differently():
    from fake_xlwings import FakeComError, check_neutral

    for formula in ('=ISTEXT("crm:validation:error")', "=TRUE", '=IF(1,"a","b")', "=1.5>1", '=A1<>""', "=1,2"):
        with pytest.raises(FakeComError):
            check_neutral(formula)
    check_neutral('="crm:validation:error"<>""')
    check_neutral('="a,b;c.d"<>""')  # separators inside a string literal are text
    check_neutral("=(1+2)*3>0")


def test_rules_of_the_file_engine_are_recognised_and_replaced_live(tmp_path):
    """A workbook the file engine highlighted (ISTEXT rules, which a German Excel shows as ISTTEXT)
    gets its rules replaced by the live engine: the marker is a string literal in both."""
    from fake_xlwings import FakeCondition
    from helpers import CUSTOMERS, sheets, write_book

    rows = [list(r) for r in CUSTOMERS]
    rows[2][3] = "12345"
    book = FakeBook(write_book(tmp_path / "h.xlsx", sheets(customers=rows)))
    sheet = book.sheets["客户资料卡"]
    sheet.conditions.append(FakeCondition(sheet, "D3", '=ISTTEXT("crm:validation:error")'))
    assert ribbon.dispatch("validate", book)
    assert [c.Formula1 for c in sheet.conditions] == ['="crm:validation:error"<>""']


def test_credit_form_for_the_active_row(tmp_path):
    path = demo_book(tmp_path, 60)
    book = FakeBook(path)
    survey = book.sheets["信用调查"]
    cid = survey.cells[(2, 1)]
    book.select("信用调查", 2, 5)
    assert ribbon.dispatch("credit_form", book), book.app.alerts
    assert f"“授信申请”已为 {cid} 填写" in book.app.alerts[-1][1]
    form = book.sheets["授信申请"].grid()
    assert form[0][0] == "客户授信申请表" and cid in form[3]
    book.select("设置", 3)
    assert ribbon.dispatch("credit_form", book) is False
    assert "请先选中某个客户所在行的单元格" in book.app.alerts[-1][1]


def test_export_aging_next_to_the_workbook(tmp_path):
    path = demo_book(tmp_path, 30, "CRM.xlsx")
    book = FakeBook(path)
    assert ribbon.dispatch("export_aging", book)
    out = tmp_path / "CRM-账龄分析-20261124.xlsx"
    assert out.exists() and str(out) in book.app.alerts[-1][1]


def test_every_ribbon_button_has_a_handler():
    assert set(ACTIONS) == set(ribbon.HANDLERS)


def test_status_bar_is_handed_back_with_false_which_excel_accepts(tmp_path):
    """The fake rejects None as Excel rejects VT_NULL: a click must end in its summary."""
    import pytest

    book = FakeBook(demo_book(tmp_path, 10))
    with pytest.raises(TypeError):
        book.app.status_bar = None
    assert ribbon.dispatch("validate", book) is True
    assert book.app.alerts[-1][0] == "info"


@pytest.mark.parametrize("action", ["validate", "grades", "calls", "aging"])
def test_on_a_mac_highlights_are_skipped_before_anything_is_written(tmp_path, action):
    from helpers import CUSTOMERS, sheets, write_book

    rows = [list(r) for r in CUSTOMERS]
    rows[1][3] = "12345"  # a bad phone: there is something to highlight
    path = write_book(tmp_path / "m.xlsx", sheets(customers=rows))
    book = FakeBook(path, mac=True)
    assert ribbon.dispatch(action, book, platform="darwin") is True, book.app.alerts
    assert not [c for c in book.log if c[0].startswith("cf_")]
    assert book.app.alerts[-1][0] == "info"
    # the same Mac workbook through the Windows code path fails on the COM call: the fake is strict
    assert ribbon.dispatch("validate", FakeBook(path, mac=True), platform="win32") is False


def test_live_cells_never_exceed_excels_text_limit(tmp_path):
    from addin.cells import TRUNCATED
    from addin.io.live import LiveBook
    from addin.writes import ColumnBlock
    from sheets_schema import Kind

    book = FakeBook(demo_book(tmp_path, 5))
    live = LiveBook(book)
    live.write_columns("销售漏斗", [ColumnBlock(col=20, first_row=2, values=["长" * 40000, "短"], kind=Kind.TEXT)])
    cells = book.sheets["销售漏斗"].cells
    # the input Excel takes is at most 32,767 characters, the apostrophe that keeps it text included
    assert len(cells[(2, 20)]) == 32766 and cells[(2, 20)].endswith(TRUNCATED) and cells[(3, 20)] == "短"


def _headless_call_list(tmp_path, path):
    copy = tmp_path / "headless.xlsx"
    shutil.copy(path, copy)
    result = jobs.refresh(XlsxBook(copy), steps=(GRADES, CALLS))
    return next(o for o in result.plan.outputs if o.key == S.CALL_LIST.key)


@pytest.mark.parametrize("separator", [",", ";"])
def test_the_call_list_gets_the_outcome_drop_down_and_print_setup_live(tmp_path, separator):
    """今日拨打 in Excel as in the file: 结果 offers the outcomes (information alert: other text is
    kept), one rep per printed page with the title and header rows on each — in an English Excel
    and in a German one, whose list separator is ";"."""
    path = demo_book(tmp_path, 120)
    out = _headless_call_list(tmp_path, path)
    assert len(out.row_breaks) >= 1  # the demo has several reps
    book = FakeBook(path, list_separator=separator)
    for _ in range(2):  # a second click replaces the drop-down (Validation.Add refuses cells that have one)
        assert ribbon.dispatch("calls", book), book.app.alerts
    sheet = book.sheets[S.CALL_LIST.zh]
    col = [c.key for c in S.CALL_LIST.columns].index("outcome") + 1
    (area, choices), = out.lists
    assert [v["area"] for v in sheet.validations] == [area] and area[1] == area[3] == col
    v = sheet.validations[0]
    assert v["choices"] == choices == ("已沟通", "未接通", "拒接", "承诺付款", "已下单", "其他")
    assert v["type"] == 3 and v["alert"] == 3 and v["IgnoreBlank"] and v["InCellDropdown"] and v["ShowError"]
    ps = sheet.page_setup
    assert ps["Orientation"] == 2 and ps["PaperSize"] == 9 and ps["Zoom"] == out.print_scale
    assert ps["PrintTitleRows"] == "$1:$2" and ps["PrintArea"] == ""
    assert sheet.row_breaks == out.row_breaks  # a page starts after the same rows as in the file
    assert book.app.api.PrintCommunication is True  # handed back after the page setup


def test_the_fake_refuses_what_excel_refuses_for_a_drop_down(tmp_path):
    from fake_xlwings import FakeComError

    book = FakeBook(demo_book(tmp_path, 5))
    sheet = book.sheets["客户资料卡"]
    v = sheet.range((2, 3), (9, 3)).api.Validation
    with pytest.raises(FakeComError):
        v.Add(Type=3, AlertStyle=3, Operator=1, Formula1=",".join(["选项很长的一项"] * 40))  # > 255 characters
    v.Add(Type=3, AlertStyle=3, Operator=1, Formula1="a,b")
    with pytest.raises(FakeComError):  # cells with a validation: Delete first
        sheet.range((5, 3), (5, 3)).api.Validation.Add(Type=3, AlertStyle=3, Operator=1, Formula1="c")
    with pytest.raises(FakeComError):
        sheet.api.PageSetup.Zoom = 5  # Excel prints at 10–400 %
    sheet.api.Cells.Validation.Delete()
    assert sheet.validations == []


def test_a_list_longer_than_excel_takes_is_left_out_live(tmp_path):
    from addin.io.live import LiveBook
    from addin.writes import OutputSheet

    book = FakeBook(demo_book(tmp_path, 5))
    long = tuple(f"选项{i:03d}" for i in range(60))  # 359 characters joined
    out = OutputSheet("calls", "今日拨打", [["a", None], ["b", None]], lists=[((1, 2, 2, 2), long),
                                                                          ((1, 1, 2, 1), ("x", "y"))])
    LiveBook(book, platform="win32").replace_sheet(out)
    assert [v["choices"] for v in book.sheets["今日拨打"].validations] == [("x", "y")]


def test_a_promise_typed_live_adds_the_log_columns_an_older_workbook_lacks(tmp_path):
    from helpers import CONTACTS, sheets, write_book

    path = write_book(tmp_path / "old.xlsx", sheets(contacts=[list(r) for r in CONTACTS]))
    book = FakeBook(path)
    assert ribbon.dispatch("calls", book), book.app.alerts
    calls = book.sheets[S.CALL_LIST.zh]
    head = {calls.cells.get((2, c)): c for c in range(1, 30)}
    cid = calls.cells[(3, head["客户编号"])]
    calls.cells[(3, head["结果"])] = "承诺付款"
    calls.cells[(3, head["承诺金额"])] = 8000
    calls.cells[(3, head["承诺日期"])] = dt.datetime(2026, 11, 30)
    assert ribbon.dispatch("calls", book), book.app.alerts
    log = book.sheets["联系记录"]
    assert [log.cells.get((1, c)) for c in range(1, 10)] == ["日期", "客户编号", "方式", "联系人", "结果", "下次拨打",
                                                             "业务员", "承诺金额", "承诺日期"]
    row = next(r for (r, c), v in log.cells.items() if c == 2 and v == cid and r > 2)
    assert (log.cells[(row, 5)], log.cells[(row, 8)], log.cells[(row, 9)]) == ("承诺付款", 8000,
                                                                               dt.datetime(2026, 11, 30))
