"""The workbook as steps see it (issue 20): read once, validated by a pure function returning
issues, one read-only view with the rows with errors known, the date and the rep resolved in load,
memory columns typed by the reader."""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt

import pytest
from helpers import CUSTOMERS, FUNNEL, sheets, write_book

import sheets_schema as S
from addin.io.xlsx_book import XlsxBook
from addin.loader import DataError, load
from addin.table import read_table
from addin.validate.rules import validate
from addin.view import sheet

AS_OF = dt.date(2026, 11, 24)


def messy(tmp_path):
    customers = [list(r) for r in CUSTOMERS] + [
        ["C004", "丁公司", "李娜", None, None, -5, None, None, None],  # negative sales: out of bounds
        ["C001", "重复公司", "李娜", "13812345679", None, 1000, None, None, None],  # duplicate ID
    ]
    contacts = [["日期", "客户编号", "方式", "联系人", "结果", "下次拨打", "业务员"],
                [dt.date(2026, 11, 1), "C001", "电话", "王总", "已报价", None, "张伟"],
                [dt.date(2026, 11, 2), "C999", "电话", "赵总", "已报价", None, "张伟"],  # unknown customer
                [dt.date(2027, 1, 2), "C002", "电话", "钱总", "已报价", None, "张伟"]]  # in the future
    return write_book(tmp_path / "messy.xlsx", sheets(customers=customers, contacts=contacts))


def tables_of(path):
    book = XlsxBook(path, writable=False)
    loaded = load(book)
    return loaded, {key: s.table for key, s in loaded.sheets.items()}


def test_validation_returns_issues_and_changes_no_table(tmp_path):
    loaded, tables = tables_of(messy(tmp_path))
    before = {k: (copy.deepcopy(t.values), copy.deepcopy(t.raw), list(t.issues)) for k, t in tables.items()}
    found = validate(tables, AS_OF, "zh")
    assert {k: (t.values, t.raw, t.issues) for k, t in tables.items()} == before
    assert validate(tables, AS_OF, "zh") == found  # a function of its arguments: the same issues again
    codes = {(k, x.code, x.row) for k, xs in found.items() for x in xs}
    assert ("customers", "duplicate", 6) in codes
    assert ("contacts", "unknown_customer", 3) in codes and ("contacts", "future_contact", 4) in codes
    # the bound is the reader's: found once, while reading, and the cell dropped then
    assert [x.code for x in tables["customers"].issues if x.row == 5] == ["negative"]
    assert tables["customers"].values["annual_sales"][3] is None


def test_the_view_knows_the_rows_with_errors_from_the_issues(tmp_path):
    loaded, _ = tables_of(messy(tmp_path))
    contacts = loaded.sheet("contacts")
    assert [r.customer_id for r in contacts.records()] == ["C001"]  # the rows with errors are left out
    assert [r.customer_id for r in contacts.records(with_errors=True)] == ["C001", "C999", "C002"]
    assert contacts.bad == {1, 2}
    customers = loaded.sheet("customers")
    assert [r.customer_id for r in customers.records()] == ["C001", "C002", "C003"]
    assert customers.bad == {3, 4}
    # every issue of the view is a sheet's (reading, then validation) or the workbook's
    assert set(loaded.issues) >= {x for s in loaded.sheets.values() for x in s.issues}
    # the view is read-only: nothing is reassigned, and records are immutable tuples
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.owner = "张伟"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        contacts.bad = frozenset()  # type: ignore[misc]
    assert isinstance(contacts.records(), tuple)


def test_a_sheet_without_its_issues_has_no_bad_rows():
    t = read_table([list(r) for r in CUSTOMERS] + [["C009", "x", "张伟", None, None, "abc", None, None, None]],
                   S.CUSTOMERS, "客户资料卡", "zh")
    assert [x.code for x in t.issues] == ["number"]  # what reading found
    assert sheet(t).bad == {3}  # …is what makes the row bad, as the validator's issues would


def test_owner_and_date_are_resolved_once_in_load(tmp_path):
    path = write_book(tmp_path / "a.xlsx", sheets())
    loaded = load(XlsxBook(path, writable=False), owner="李娜")
    assert loaded.owner == "李娜" and loaded.as_of == AS_OF  # 设置's 基准日期
    assert load(XlsxBook(path, writable=False), as_of=dt.date(2026, 12, 1)).as_of == dt.date(2026, 12, 1)
    with pytest.raises(DataError, match="known: 张伟、李娜"):
        load(XlsxBook(path, writable=False), owner="王五")


def test_memory_columns_are_typed_by_the_reader_quietly():
    assert [c.key for c in S.FUNNEL.columns if c.memory] == ["plan_seen", "plan_entered"]
    head = FUNNEL[0] + ["已读下次拨打", "计划登记日"]
    rows = [head, FUNNEL[1] + [dt.datetime(2026, 11, 20), "2026-11-21"], FUNNEL[2] + ["not a date", None]]
    t = read_table(rows, S.FUNNEL, "销售漏斗", "zh")
    assert t.values["plan_seen"] == [dt.date(2026, 11, 20), None]
    assert t.values["plan_entered"] == [dt.date(2026, 11, 21), None]
    assert not t.issues  # the add-in's own column: nothing reported about it
    assert "heat" not in t.values  # a computed column that is no memory is not parsed at all
