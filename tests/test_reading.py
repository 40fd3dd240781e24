import datetime as dt

import pytest
from helpers import CUSTOMERS, sheets, shuffle_columns, write_book

from addin.io.xlsx_book import XlsxBook
from addin.loader import load
from addin.table import UnusableInput

HANT = ["客戶編號", "客戶名稱", "業務員", "電話", "郵箱", "年銷售額", "授信額度", "賬期天數", "生日"]
EN = ["Customer ID", "Name", "Owner", "Phone", "Email", "Annual Sales", "Credit Limit", "Payment Terms (days)",
      "Birthday"]


def customers_of(path):
    loaded = load(XlsxBook(path))
    return loaded, loaded.sheet("customers").table


@pytest.mark.parametrize("header", [CUSTOMERS[0], HANT, EN], ids=["zh-Hans", "zh-Hant", "en"])
def test_headers_in_any_language(tmp_path, header):
    rows = [header] + [list(r) for r in CUSTOMERS[1:]]
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows))
    _, t = customers_of(path)
    assert t.values["customer_id"] == ["C001", "C002", "C003"]
    assert t.values["annual_sales"] == [500000, 300000, 200000]


def test_shuffled_columns_title_rows_and_extra_column(tmp_path):
    rows = shuffle_columns([r + [x] for r, x in zip(CUSTOMERS, ["我的备注", "a", "b", "c"])],
                           [9, 5, 0, 8, 2, 1, 4, 3, 7, 6])
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows), title_rows=2)
    _, t = customers_of(path)
    assert t.header_row == 3
    assert t.rows == [4, 5, 6]
    assert t.columns["customer_id"] == 3 and t.columns["annual_sales"] == 2
    assert t.values["owner"] == ["张伟", "张伟", "李娜"]
    assert "我的备注" not in t.headers.values()


def test_trailing_and_inner_blank_rows(tmp_path):
    rows = [list(r) for r in CUSTOMERS] + [[None] * 9] * 5
    rows.insert(2, [None] * 9)
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows))
    _, t = customers_of(path)
    assert t.rows == [2, 4, 5]


def test_messy_values_parsed(tmp_path):
    rows = [CUSTOMERS[0],
            ["C1", "甲", "张伟", " 13812345678 ", None, "12,345.50", "1.2万", "３０", "2025年3月5日"],
            ["C2", "乙", "张伟", None, None, "１２３４", "0.5万", 30.0, "2025/3/5"],
            ["C3", "丙", "张伟", None, None, "3亿", " 42 ", None, "2025.3.5"],
            ["C4", "丁", "张伟", None, None, 45721, None, None, 45721]]
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows, funnel=None))
    _, t = customers_of(path)
    assert t.values["annual_sales"] == [12345.5, 1234.0, 3e8, 45721.0]
    assert t.values["credit_limit"] == [12000.0, 5000.0, 42.0, None]
    assert t.values["payment_terms"] == [30, 30, None, None]
    assert t.values["birthday"] == [dt.date(2025, 3, 5)] * 4
    assert not [i for i in t.issues if i.is_error]


def test_xlsm_and_xlsx_alike(tmp_path):
    from addin.build.workbook import build_workbook, sample_data

    a = build_workbook(tmp_path / "a.xlsm", data=sample_data())
    b = build_workbook(tmp_path / "b.xlsx", data=sample_data())
    la, lb = load(XlsxBook(a)), load(XlsxBook(b))
    assert la.sheet("customers").table.values == lb.sheet("customers").table.values
    assert len(la.sheet("customers").table) == 30


def test_english_workbook(tmp_path):
    from addin.build.workbook import build_workbook, sample_data

    path = build_workbook(tmp_path / "en.xlsm", lang="en", data=sample_data())
    loaded = load(XlsxBook(path))
    assert loaded.lang == "en"
    assert loaded.tabs["customers"] == "Customers"
    assert loaded.sheet("funnel").table.values["stage"][:3] == load(
        XlsxBook(build_workbook(tmp_path / "zh.xlsm", data=sample_data()))).sheet("funnel").table.values["stage"][:3]


def test_required_header_missing_is_unusable(tmp_path):
    rows = [[c for c in r[1:]] for r in CUSTOMERS]  # no 客户编号
    path = write_book(tmp_path / "a.xlsx", sheets(customers=rows))
    with pytest.raises(UnusableInput, match="客户编号"):
        load(XlsxBook(path))


def test_settings_read(tmp_path):
    rows = [["参数", "值"], ["基准日期", "2026/1/5"], ["每日拨打配额", 40], ["A类累计销售占比", "70%"],
            ["Aging Basis", "开票日期"], ["账龄分段(天)", "30,60,90"], ["回收率", "60:100%,180:50%,5%"]]
    path = write_book(tmp_path / "a.xlsx", sheets(settings=rows))
    s = load(XlsxBook(path)).settings
    assert (s.as_of, s.daily_quota, s.abc_a_sales, s.aging_basis) == (dt.date(2026, 1, 5), 40, 0.7, "invoice")
    assert s.aging_buckets == (30, 60, 90)
    assert s.recovery_rates == ((60, 1.0), (180, 0.5), (None, 0.05))
    assert s.abc_b_sales == 0.95  # untouched default


def test_records_are_one_immutable_row_type_whatever_the_header_language():
    import sheets_schema as S
    from addin.table import read_table
    from addin.view import sheet

    grids = {
        "zh": [["客户编号", "客户名称", "业务员", "年销售额", "企业性质", "生日"],
               ["C1", "甲", "张伟", 1.5, "国企", dt.date(1980, 1, 2)], ["C2", "乙", "李娜", "abc", None, None]],
        "hant": [["備註", "客戶編號", "客戶名稱", "業務員", "年銷售額", "企業性質"],
                 ["x", "C1", "甲", "張偉", 1.5, "國企"], ["y", "C2", "乙", "李娜", "abc", None]],
        "en": [["Customer ID", "Name", "Owner", "Annual Sales", "Ownership"],
               ["C1", "甲", "Li", 1.5, "State-owned"], ["C2", "乙", "Na", "abc", None]],
    }
    for lang, grid in grids.items():
        t = sheet(read_table(grid, S.CUSTOMERS, "客户卡", "zh"))
        good, every = t.records(), t.records(with_errors=True)
        assert type(good[0]) is S.record_type(S.CUSTOMERS) and isinstance(good[0], S.Record), lang
        assert [(r.customer_id, r.annual_sales, r.ownership, r.i, r.row) for r in good] == \
            [("C1", 1.5, "state", 0, 2)], lang  # C2's invalid 年销售额 is an error: left out
        assert [(r.customer_id, r.annual_sales, r.row) for r in every] == [("C1", 1.5, 2), ("C2", None, 3)]
        assert good[0].email is None  # a column the sheet lacks is a None field
        with pytest.raises(AttributeError):
            good[0].annual_sales = 2.0  # immutable
    assert good[0].fields()["customer_id"] == "C1" and "i" not in good[0].fields()
    with pytest.raises(TypeError):
        S.record(S.CUSTOMERS, no_such_column=1)
