import csv
import datetime as dt
import zipfile

import pytest
from external import need_soffice, pdf_text
from helpers import cli, digest, read_sheet, rec, tab_pdf_text

from addin.build.workbook import build_workbook
from addin.core.aging import aging, bucket_of, recovery_rate
from addin.core.ledger import Invoice, Party, items_as_of
from addin.core.settings import Settings
from sheets_schema import CUSTOMERS as C

AS_OF = dt.date(2026, 11, 24)
D = dt.timedelta
S = Settings()
CARDS = {"C1": rec(C, name="甲", owner="张伟", credit_limit=1000.0, payment_terms=30),
         "C2": rec(C, name="乙", owner="李娜", credit_limit=None, payment_terms=None)}


def inv(cid="C1", days_overdue=None, amount=100.0, paid=None, invoice_date=None, due=None, owner=None):
    if days_overdue is not None:
        due = AS_OF - D(days_overdue)
        invoice_date = invoice_date or due - D(30)
    return {"customer_id": cid, "invoice_date": invoice_date, "due_date": due, "amount": amount, "paid": paid,
            "owner": owner}


PARTIES = {cid: Party(cid, c.name, c.owner, c.credit_limit, c.payment_terms) for cid, c in CARDS.items()}


def report(*invoices, s=S):
    invs = [Invoice(f"I{n}", i["customer_id"], i["invoice_date"], i["due_date"], i["amount"], i["paid"], None,
                    i["owner"], n) for n, i in enumerate(invoices)]
    return aging(items_as_of(invs, {}, PARTIES, AS_OF), PARTIES, AS_OF, s)


@pytest.mark.parametrize("days, bucket", [(-5, None), (0, None), (1, 0), (30, 0), (31, 1), (60, 1), (61, 2),
                                          (90, 2), (91, 3), (180, 3), (181, 4), (365, 4), (366, 5)])
def test_bucket_boundaries(days, bucket):
    assert bucket_of(days, S.aging_buckets) == bucket
    r = report(inv(days_overdue=days))
    c = r.customers[0]
    if bucket is None:
        assert c.not_due == 100 and c.overdue == 0 and c.max_days == 0
    else:
        assert c.buckets[bucket] == 100 and sum(c.buckets) == 100 and c.max_days == days


@pytest.mark.parametrize("days, rate", [(-3, 1.0), (0, 1.0), (60, 1.0), (61, 0.8), (100, 0.8), (101, 0.5),
                                        (180, 0.5), (181, 0.3), (365, 0.3), (366, 0.1), (2000, 0.1)])
def test_recovery_rates(days, rate):
    assert recovery_rate(days, S.recovery_rates) == rate
    c = report(inv(days_overdue=days, amount=1000.0)).customers[0]
    assert c.recoverable == pytest.approx(1000 * rate)
    assert c.allowance == pytest.approx(1000 * (1 - rate))


def test_due_date_fallback_uses_payment_terms():
    # invoiced 45 days ago, no due date: C1 has 30-day terms → 15 days overdue; C2 none → 45 days
    r = report(inv("C1", invoice_date=AS_OF - D(45)), inv("C2", invoice_date=AS_OF - D(45)))
    by = {c.customer_id: c for c in r.customers}
    assert by["C1"].max_days == 15 and by["C2"].max_days == 45


def test_invoice_date_basis_ages_by_invoice_date_but_overdue_stays_by_due_date():
    r = report(inv(invoice_date=AS_OF - D(40), due=AS_OF + D(20)), s=Settings(aging_basis="invoice"))
    c = r.customers[0]
    assert c.buckets[1] == 100  # 40 days old: 31-60
    assert (c.not_due, c.overdue, c.max_days, c.dunning, c.allowance) == (100, 0, 0, 0, 0)
    r = report(inv(invoice_date=AS_OF - D(40), due=AS_OF + D(20)))
    assert r.customers[0].not_due == 100 and r.customers[0].buckets == [0.0] * 6
    # invoiced today: age 0 is the first age bucket (0-30天), not "not due"
    r = report(inv(invoice_date=AS_OF, due=AS_OF + D(30)), s=Settings(aging_basis="invoice"))
    assert r.customers[0].buckets[0] == 100


def test_partial_payments_settled_and_future_invoices():
    r = report(inv(days_overdue=10, amount=100.0, paid=30.0), inv(days_overdue=50, amount=80.0, paid=80.0),
               inv(days_overdue=5, amount=50.0, paid=60.0), inv(invoice_date=AS_OF + D(1), due=AS_OF + D(31)))
    assert len(r.customers) == 1
    c = r.customers[0]
    # the overpayment of 10 on the third invoice is a credit netted in the balance
    assert (c.outstanding, c.buckets[0], c.credits, c.overdue) == (60, 70, -10, 70)


def test_over_limit_and_unlimited():
    r = report(inv("C1", days_overdue=1, amount=1000.0), inv("C2", days_overdue=1, amount=5.0))
    by = {c.customer_id: c.over_limit for c in r.customers}
    assert by == {"C1": "no", "C2": "unlimited"}
    r = report(inv("C1", days_overdue=1, amount=1000.01))
    assert r.customers[0].over_limit == "yes" and r.over_limit_count == 1


def test_owner_summary_by_handler_else_rep_and_totals():
    r = report(inv("C1", 10, 100.0, owner="王芳"), inv("C1", 100, 50.0), inv("C2", -1, 20.0))
    assert {o.customer_id: o.outstanding for o in r.owners} == {"王芳": 100, "张伟": 50, "李娜": 20}
    assert r.total.outstanding == 170 and r.total.not_due == 20 and r.total.overdue == 150
    assert [c.customer_id for c in r.customers] == ["C1", "C2"]


def test_bucket_headers_follow_settings():
    from sheets_schema import bucket_columns

    assert [c.zh for c in bucket_columns((30, 60, 90, 180, 365))] == \
        ["1-30天", "31-60天", "61-90天", "91-180天", "181-365天", "365天以上"]
    assert [c.en for c in bucket_columns((15, 45))] == ["1-15 days", "16-45 days", "Over 45 days"]


# ------------------------------------------------------------------ workbook and exports
def ledger_book(tmp_path):
    data = {
        "customers": [{"customer_id": "C1", "name": "=HYPERLINK(\"http://x\")", "owner": "@张伟",
                       "credit_limit": 1000.0, "payment_terms": 30, "annual_sales": 100.0},
                      {"customer_id": "C2", "name": "-乙公司", "owner": "+李娜", "annual_sales": 50.0},
                      {"customer_id": "C3", "name": "\t丙", "owner": "\r丁", "annual_sales": 10.0}],
        "receivables": [
            {"invoice_no": "I1", "customer_id": "C1", "invoice_date": AS_OF - D(100), "due_date": AS_OF - D(70),
             "amount": 1500.0, "paid": 300.0},
            {"invoice_no": "I2", "customer_id": "C2", "invoice_date": AS_OF - D(10), "amount": 200.0},
            {"invoice_no": "I3", "customer_id": "C3", "invoice_date": AS_OF - D(400), "due_date": AS_OF - D(401),
             "amount": 5.0},
            {"invoice_no": "I4", "customer_id": "C3", "invoice_date": AS_OF - D(400), "amount": 40.0},
        ],
    }
    return build_workbook(tmp_path / "ledger.xlsx", data=data, settings={"as_of": AS_OF})


def test_aging_sheet_in_workbook_and_errors_left_out(tmp_path):
    path = ledger_book(tmp_path)
    res = cli("aging", path)
    assert res.exit_code == 1  # I3 is due before it was invoiced: an error in a row the aging used
    rows = read_sheet(path, "账龄分析")
    assert rows[0][0] == "应收账款账龄分析 · 截至 2026-11-24（按到期日）"
    assert rows[1][:6] == ("客户编号", "客户名称", "业务员", "授信额度", "未收余额", "未到期")
    assert rows[1][14:] == ("未核销贷项", "预计可回收", "坏账准备", "超额度", "催款等级", "下一步")
    body = {r[0]: r for r in rows[2:5]}
    assert body["C1"][4:] == (1200, 0, 0, 0, 1200, 0, 0, 0, 1200, 70, 0, 960, 240, "是", "3 最后通知",
                              "发最后通知，停止发货，准备法律途径")
    assert body["C2"][4] == 200 and body["C2"][17] == "未授信"
    assert body["C3"][4] == 40 and body["C3"][11] == 40  # 400 days old, 365天以上
    total = rows[5]
    assert total[0] == "合计" and total[4] == 1440
    # every count in the total row says what it counts
    assert (total[1], total[17], total[18]) == ("共 3 户", "超额度 1 户", "催收 3 户")
    assert rows[6][0] == "占比" and rows[6][4] == 1
    assert [r[:3] for r in read_sheet(path, "校验结果") if r[0] == "错误"] == [("错误", "应收账款", "D4")]


def test_csv_export_is_bom_utf8_and_injection_safe(tmp_path):
    path = ledger_book(tmp_path)
    before = digest(path)
    out = tmp_path / "aging.csv"
    cli("aging", path, "--export", out)
    assert digest(path) == before
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(raw.decode("utf-8-sig").splitlines()))
    assert rows[0][:3] == ["客户编号", "客户名称", "业务员"]
    by = {r[0]: r for r in rows[1:4]}
    assert by["C1"][1] == "'=HYPERLINK(\"http://x\")" and by["C1"][2] == "'@张伟"
    assert by["C2"][1] == "'-乙公司" and by["C2"][2] == "'+李娜"
    assert "\r" not in out.read_text(encoding="utf-8-sig").replace("\r\n", "")
    assert by["C1"][4] == "1200.0" and by["C1"][12] == "1200.0"  # numbers stay numbers
    # below the customers: the labelled total, then the finance figures and the 8-week forecast
    assert rows[4][:2] == ["合计", "共 3 户"] and rows[4][17:19] == ["超额度 1 户", "催收 3 户"] and rows[5] == []
    assert rows[6] == ["财务指标"] and rows[7][0] == "应收账款周转天数 DSO（近 90 天开票）"
    assert rows[11] == ["预计回款（未来 8 周）"]
    assert rows[12][0] == "周" and rows[12][-2:] == ["8 周以后", "合计"]
    assert rows[14][0] == "预计回款" and float(rows[14][-1]) == pytest.approx(1440 - 240 - 40 * 0.9, abs=0.01)
    assert len(rows) == 15


def test_csv_neutralises_tab_and_cr():
    from addin.export.aging_export import safe_csv_value

    assert [safe_csv_value(v) for v in ("\tx", "\rx", "=1", "+1", "-1", "@a", "ok", -5.0, 3)] == \
        ["'\tx", "'\rx", "'=1", "'+1", "'-1", "'@a", "ok", -5.0, 3]


def test_xlsx_export_has_a_native_chart(tmp_path):
    path = ledger_book(tmp_path)
    out = tmp_path / "aging.xlsx"
    assert cli("aging", path, "--export", out).exit_code == 1
    names = zipfile.ZipFile(out).namelist()
    assert "xl/charts/chart1.xml" in names and "xl/drawings/drawing1.xml" in names
    chart = zipfile.ZipFile(out).read("xl/charts/chart1.xml").decode()
    assert "<c:barChart>" in chart and "$G$2:$L$2" in chart
    rows = read_sheet(out, "账龄分析")
    assert rows[1][0] == "客户编号" and rows[2][0] == "C1"
    flat = {r[0]: r for r in rows if r and isinstance(r[0], str)}
    assert flat["合计"][1] == "共 3 户" and flat["应收账款周转天数 DSO（近 90 天开票）"][4] is not None
    assert flat["周"][12:14] == ("8 周以后", "合计") and flat["预计回款"][13] == 1164  # 1,440 − 276 allowance
    sheet = zipfile.ZipFile(out).read("xl/workbook.xml").decode()
    assert "_xlnm.Print_Titles" in sheet and "$1:$2" in sheet


def test_unsupported_export_and_missing_libreoffice(tmp_path, monkeypatch):
    path = ledger_book(tmp_path)
    res = cli("aging", path, "--export", tmp_path / "a.docx")
    assert res.exit_code == 2 and "unsupported export format" in res.stderr
    import addin.export.aging_export as ex

    monkeypatch.setattr(ex.shutil, "which", lambda name: None)
    res = cli("aging", path, "--export", tmp_path / "a.pdf")
    assert res.exit_code == 2 and "libreoffice-calc-nogui" in res.stderr
    assert not (tmp_path / "a.pdf").exists()


def test_pdf_export_through_libreoffice(tmp_path):
    need_soffice()
    path = ledger_book(tmp_path)
    out = tmp_path / "aging.pdf"
    cli("aging", path, "--export", out)
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "应收账款账龄分析" in text and "1,200.00" in text and "365天以上" in text
    squeezed = text.replace(" ", "")  # pdftotext spaces CJK text as it likes
    for label in ("共3户", "超额度1户", "催收3户", "应收账款周转天数DSO", "预计回款（未来8周）", "8周以后"):
        assert label in squeezed, label
    assert "###" not in text


def test_long_output_sheets_repeat_their_header_and_fit_the_page(tmp_path):
    """Print titles, landscape, fitted to the width; no total too wide for its column."""
    path = ledger_book(tmp_path)
    cli("refresh", path)
    z = zipfile.ZipFile(path)
    wb = z.read("xl/workbook.xml").decode()
    for tab, rows in (("账龄分析", "$1:$2"), ("今日拨打", "$1:$2"), ("校验结果", "$1:$1"), ("变更记录", "$1:$1")):
        assert "<definedName name=\"_xlnm.Print_Titles\" localSheetId=" in wb
        assert f"'{tab}'!{rows}</definedName>" in wb or f">{tab}!{rows}</definedName>" in wb, tab
    import openpyxl

    ws = openpyxl.load_workbook(path)["账龄分析"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0 and ws.page_setup.paperSize == 8  # 20-odd columns: A3
    assert ws.print_title_rows == "$1:$2"
    assert openpyxl.load_workbook(path)["校验结果"].page_setup.paperSize == 9  # narrow enough for A4


def test_no_total_shows_hashes(tmp_path):
    """The issue's 未到期 total (4,713,440.00, bold) in a 12-wide column showed "###" on the PDF."""
    need_soffice()
    data = {"customers": [{"customer_id": f"C{k}", "name": f"客户{k}", "owner": "张伟"} for k in range(3)],
            "receivables": [{"invoice_no": f"I{k}", "customer_id": f"C{k}", "invoice_date": AS_OF - D(5),
                             "due_date": AS_OF + D(20), "amount": 1_571_146.67} for k in range(3)]
            + [{"invoice_no": "J", "customer_id": "C0", "invoice_date": AS_OF - D(500), "due_date": AS_OF - D(400),
                "amount": 123_456_789.12}]}
    path = build_workbook(tmp_path / "wide.xlsx", data=data, settings={"as_of": AS_OF})
    cli("aging", path)
    text = tab_pdf_text(path, "账龄分析", tmp_path)
    assert "4,713,440.01" in text and "123,456,789.12" in text and "###" not in text


def test_fit_widths_grows_columns_to_their_widest_number_only():
    from addin.writes import OutputSheet, Styled, fit_widths

    rows = [[Styled("合计", "total_text"), Styled(4_713_440.0, "total_money"), 5.0, "a very long text " * 5],
            ["x", 1.0, Styled(123_456_789.12, "money"), None],
            [Styled(9_999_999_999.0, "total_money"), None, None, None]]
    sheet = OutputSheet("aging", "t", rows, widths=[8, 12, 20, 10], column_styles=["text", "money", "money", "text"],
                        merges=[(3, 1, 3, 2)])
    w = fit_widths(sheet).widths
    assert w[1] == 14 + 2.5  # "4,713,440.00": 12 characters, bold (× 1.1) → 14, plus the padding
    assert w[2] == 20  # "123,456,789.12" needs 16.5: the declared 20 stays
    assert w[3] == 10  # text in a data row is not measured
    assert w[0] == 8  # the merged cell across A:B is left out; "合计" (4) fits
    assert fit_widths(sheet).paper_a3 is False


def test_fit_widths_measures_a_whole_column_as_each_of_its_numbers():
    """A column's plain numbers are measured by their extremes in a fixed-decimals format: the
    width must still be that of the number showing the most characters — a long negative, a
    negative zero ("-0.00"), a large positive — and a column with NaN or infinity, or in General
    format, is measured number by number."""
    import math
    import random

    from addin.writes import STYLES, WIDTH_PAD, OutputSheet, _shown, fit_widths

    random.seed(7)
    styles = ["money", "percent", "int", "text"]
    columns = [[1.0, 0.0, -0.0], [0.0, 99.5], [-1234567.5, 99.0], [float("nan"), 12345678.9], [float("-inf"), 5.0],
               [1e-7, 123.4567891234], [0.999, 0.994, -0.005], [3, -40000, 7]]
    columns += [[random.choice([0.0, -0.0, 1.0]) * random.uniform(-1e7, 1e7) for _ in range(50)] for _ in range(40)]
    for values in columns:
        for style in styles:
            sheet = OutputSheet("k", "t", [[v] for v in values], widths=[0.0], column_styles=[style])
            spec = STYLES[style]
            n = max(_shown(v, spec.num_fmt) for v in values)
            scale = (1.1 if spec.bold else 1.0) * (spec.size or 11) / 11
            assert fit_widths(sheet).widths == [math.ceil(n * scale) + WIDTH_PAD], (values, style)
