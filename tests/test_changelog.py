"""变更记录: the baseline writes no rows; each tracked field's change gives one row; the log is
kept across refreshes; conversion and days per stage come from it."""
from __future__ import annotations

import datetime as dt

import openpyxl
from helpers import CONTACTS, FUNNEL, cli, sheets, write_book
from python_calamine import CalamineWorkbook

from addin.core.changes import LogRow, conversion, days_per_stage


def grid(path, tab):
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(tab).to_python(skip_empty_area=False)


def log(path):
    rows = grid(path, "变更记录")
    return [tuple(r[:6]) for r in rows[1:] if any(v not in ("", None) for v in r)]


def edit(path, sheet, cell, value):
    wb = openpyxl.load_workbook(path)
    wb[sheet][cell] = value
    wb.save(path)


def test_baseline_writes_no_rows_and_a_hidden_snapshot(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    assert log(path) == []
    wb = openpyxl.load_workbook(path)
    assert wb["CRM快照"].sheet_state == "hidden" and wb["CRM每日指标"].sheet_state == "hidden"
    snap = {r[0]: r for r in wb["CRM快照"].iter_rows(min_row=2, values_only=True)}
    assert set(snap) == {"C001", "C002", "C003"}
    assert snap["C002"][2] == "4"  # stage kept as its key
    # nothing changed: a second refresh writes no rows either
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    assert log(path) == []


def test_a_change_row_for_each_tracked_field(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    # C002: stage 4 → 5, intent, abandoned, credit limit, owner; C003: sales up → grade A; and 合同中,
    # which conflicts with stage 5
    for sheet, cell, value in (("销售漏斗", "B3", "5"), ("销售漏斗", "D3", "成交可能性很大"), ("销售漏斗", "E3", "是"),
                               ("客户资料卡", "G3", 120000), ("客户资料卡", "C3", "李娜"),
                               ("客户资料卡", "F4", 900000), ("销售漏斗", "C3", "合同中")):
        edit(path, sheet, cell, value)
    # 合同中 with stage 5 is an error: the funnel row is left out, its values are not changes yet
    res = cli("refresh", path, "--as-of", "2026-11-26")
    assert res.exit_code == 1
    rows = log(path)
    by_field = {(r[1], r[2]): (r[3], r[4], r[5]) for r in rows}
    assert ("C002", "销售进程") not in by_field  # unreadable (stage/status conflict): no change
    edit(path, "销售漏斗", "C3", "无合同")
    assert cli("refresh", path, "--as-of", "2026-11-27").exit_code == 0
    rows = log(path)
    by_field = {(r[1], r[2]): (r[3], r[4], r[5]) for r in rows}
    assert by_field[("C002", "销售进程")][:2] == ("4 客户有选择我方的意向", "5 直接联系并且传了合同")
    assert by_field[("C002", "成交意向")][:2] == ("可能成交", "成交可能性很大")
    assert by_field[("C002", "放弃")][:2] == ("否", "是")
    assert by_field[("C002", "热度")][1] == "拒绝"
    assert by_field[("C002", "授信额度")][0] in (None, "") and by_field[("C002", "授信额度")][1] == 120000
    assert by_field[("C002", "业务员")][:3] == ("张伟", "李娜", "李娜")
    assert by_field[("C003", "ABC等级")][1] == "A"
    # the status change of the failed run is logged once the row reads again (合同中 → 无合同 is
    # no change against the snapshot, which kept 无合同)
    assert ("C002", "客户状态") not in by_field
    # every row is dated with the refresh that found it and earlier rows stay as they were
    days = {r[0].date() if isinstance(r[0], dt.datetime) else r[0] for r in rows}
    assert days == {dt.date(2026, 11, 26), dt.date(2026, 11, 27)}
    before = log(path)
    assert cli("refresh", path, "--as-of", "2026-11-28").exit_code == 0
    assert log(path) == before


def test_contract_status_change_is_logged(tmp_path):
    funnel = [list(r) for r in FUNNEL]
    funnel.append(["C003", "7 合同已经到期", "合同已到期", "意向不明", "否", None, None, None])
    path = write_book(tmp_path / "a.xlsx", sheets(funnel=funnel))
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    edit(path, "销售漏斗", "B4", "6 合同中")
    edit(path, "销售漏斗", "C4", "合同中")
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    by_field = {(r[1], r[2]): (r[3], r[4]) for r in log(path)}
    assert by_field[("C003", "客户状态")] == ("合同已到期", "合同中")
    assert by_field[("C003", "销售进程")] == ("7 合同已经到期", "6 合同中")


def test_english_workbook_logs_in_english(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code == 0
    assert CONTACTS[0][0] == "日期"  # the Chinese fixture; the log's language follows the workbook
    assert grid(path, "变更记录")[0][:6] == ["日期", "客户编号", "字段", "原值", "新值", "业务员"]


def test_conversion_and_days_per_stage_from_the_log():
    d = dt.date
    rows = [LogRow(d(2026, 10, 20), "A", "stage", "2", "3"),
            LogRow(d(2026, 11, 5), "A", "stage", "3", "4"),
            LogRow(d(2026, 11, 15), "A", "stage", "4", "6"),
            LogRow(d(2026, 11, 10), "B", "stage", "3", "4"),
            LogRow(d(2026, 11, 12), "B", "abandoned", "no", "yes"),
            LogRow(d(2026, 11, 13), "C", "heat", "cold", "denial"),
            LogRow(d(2026, 11, 14), "C", "stage", "5", "4")]  # back one stage: not a move on
    conv = conversion(rows, d(2026, 11, 1), d(2026, 11, 30))
    assert conv.advanced[3] == 2 and conv.advanced[4] == 1 and conv.advanced[5] == 0 and conv.advanced[2] == 0
    assert conv.won == 1 and conv.lost == 2
    assert conv.rate(3, 2) == 0.5 and conv.rate(7, 0) is None
    days = days_per_stage(rows)
    assert days[3] == 16  # A: 3 from 10-20 to 11-05; B's stay at 3 began before the log
    assert days[4] == 10  # A: 4 from 11-05 to 11-15
    assert days[2] is None
