"""对账单 for a period: letterhead, opening balance, the period's entries with a running balance,
closing balance reconciled to the ledger, open items, remittance, reply slip; the company profile."""
import datetime as dt
import random
import subprocess
import zlib

import pytest
from external import need_soffice, pdf_text
from helpers import cli, digest, read_sheet
from test_receivables import AS_OF, COMPANY, PARTIES, D, book, rec

from addin.core.ledger import Invoice, Payment, items_as_of, payments_by_invoice
from addin.core.statement import statement

LEVELS = (30, 60)


def twelve_invoices():
    rows = []
    for k in range(12):
        d = AS_OF - D(10 + 15 * k)
        rows.append(rec(f"INV{k + 1:04d}", "C1", d, 10000.0 + 1000 * k, due=d + D(30),
                        paid=2000.0 if k % 3 == 0 else None))
    rows.append(rec("CN0001", "C1", AS_OF - D(20), -3000.0))
    rows.append(rec("INV9001", "C2", AS_OF - D(50), 5000.0))
    rows.append(rec("INV9002", "C2", AS_OF - D(50), 800.0, paid=800.0))
    return rows


def sheet_rows(path, name):
    """The sheet's rows with blanks as ""."""
    return [tuple("" if x is None else x for x in r) for r in read_sheet(path, name)]


def flat(rows):
    return [v for row in rows for v in row if v not in (None, "")]


def after(values, label, n=1):
    return values[values.index(label) + n]


def test_statement_for_a_period_under_the_letterhead(tmp_path):
    invoices = [rec("A1", "C1", dt.date(2026, 9, 5), 10000.0, due=dt.date(2026, 10, 5)),  # before: opening
                rec("A2", "C1", dt.date(2026, 10, 20), 5000.0, due=dt.date(2026, 11, 19)),
                rec("A3", "C1", dt.date(2026, 11, 10), 8000.0, due=dt.date(2026, 12, 10)),  # not yet due
                rec("CN1", "C1", dt.date(2026, 11, 12), -1000.0),
                rec("B1", "C2", dt.date(2026, 11, 1), 999.0)]
    payments = [{"pay_date": dt.date(2026, 9, 30), "invoice_no": "A1", "customer_id": "C1", "amount": 4000.0},
                {"pay_date": dt.date(2026, 11, 5), "invoice_no": "A1", "customer_id": "C1", "amount": 1000.0},
                {"pay_date": dt.date(2026, 11, 30), "invoice_no": "A2", "customer_id": "C1", "amount": 5000.0}]
    path = book(tmp_path, invoices, payments, settings={"remittance": "请注明单据号及贵司名称"},
                contacts=[], customers=[{"customer_id": "C1", "name": "杭州恒瑞机电有限公司", "owner": "张伟",
                                         "credit_limit": 50000.0, "payment_terms": 30, "key_person": "王总",
                                         "phone": "13812345678"},
                                        {"customer_id": "C2", "name": "苏州宏达化工有限公司", "owner": "李娜",
                                         "phone": "13812345679"}])
    res = cli("statement", path, "C1", "--from", "2026-10-01", "--to", "2026-11-24")
    assert res.exit_code == 0, res.output
    rows = sheet_rows(path, "对账单")
    v = flat(rows)
    # letterhead, title, period, the customer
    assert v[:3] == ["杭州示例贸易有限公司", "地址：杭州市文三路 100 号    电话：0571-88880000    税号：91330106MA2XXXXX0X",
                     "对 账 单"]
    assert after(v, "对 账 单") == "对账期间：2026-10-01 至 2026-11-24"
    assert after(v, "致") == "杭州恒瑞机电有限公司" and after(v, "客户编号") == "C1" and after(v, "联系人") == "王总"
    assert after(v, "账期") == "30 天" and after(v, "授信额度") == 50000
    # the summary: opening 10,000 − 4,000 paid in September; the period's entries
    head = rows.index(next(r for r in rows if r[0] == "期初余额" and r[1] == "本期开票"))
    assert rows[head + 1][:5] == (6000, 13000, 1000, 1000, 17000)
    table = rows.index(("日期", "摘要", "单据号", "应收增加", "收款/冲减", "余额", ""))
    entries = [r[:6] for r in rows[table + 1:table + 7]]
    assert entries == [
        (dt.datetime(2026, 10, 1), "期初余额", "", "", "", 6000),
        (dt.datetime(2026, 10, 20), "销售发票", "A2", 5000, "", 11000),
        (dt.datetime(2026, 11, 5), "收款", "A1", "", 1000, 10000),
        (dt.datetime(2026, 11, 10), "销售发票", "A3", 8000, "", 18000),
        (dt.datetime(2026, 11, 12), "贷项通知（红字发票）", "CN1", "", 1000, 17000),
        (dt.datetime(2026, 11, 24), "期末余额", "", "", "", 17000)]  # the payment of 11-30 is after the period
    # open items: days overdue blank when not due, 贷项 for a credit; totals
    items = rows.index(("单据号", "开票日期", "到期日", "金额", "已收", "未收", "逾期天数"))
    assert [(r[0], r[5], r[6]) for r in rows[items + 1:items + 5]] == [
        ("A1", 5000, 50), ("A2", 5000, 5), ("A3", 8000, ""), ("CN1", -1000, "贷项")]
    assert after(v, "合计应付") == 17000 and after(v, "其中已逾期") == 10000 and after(v, "未到期") == 8000
    wording = next(x for x in v if isinstance(x, str) and x.startswith("截至 2026-11-24，贵司逾期款项"))
    assert wording == ("截至 2026-11-24，贵司逾期款项 10,000.00 元经我司提醒仍未结清，最长已逾期 50 天。"
                       "请于 2026-12-01 前付款，否则我司将暂停新的赊销。")
    # no internal codes on a customer's page
    assert not any(isinstance(x, str) and ("催告" == x or "2 催告" in x or "催款等级" in x) for x in v)
    # remittance from the company profile
    assert after(v, "户名") == "杭州示例贸易有限公司" and after(v, "开户行") == "工商银行杭州文三路支行"
    assert after(v, "账号") == "1202 0210 0900 0012 345" and after(v, "付款附言") == "请注明单据号及贵司名称"
    assert "如对本对账单有疑问，请联系：张伟、0571-88880000" in v
    # the reply slip
    for text in ("回  执", "致：杭州示例贸易有限公司", "□ 核对无误。", "□ 不符，请注明不符事项（单据号、金额及原因）：",
                 "客户盖章：", "经办人：", "日期："):
        assert text in v, text
    assert "截至 2026-11-24，本公司（杭州恒瑞机电有限公司）应付贵司款项余额为人民币 17,000.00 元。经核对：" in v


def test_statement_default_period_is_the_month_and_nothing_open(tmp_path):
    path = book(tmp_path, [rec("X1", "C1", dt.date(2026, 10, 1), 100.0, paid=100.0, last=dt.date(2026, 11, 3))])
    assert cli("statement", path, "C1").exit_code == 0
    rows = sheet_rows(path, "对账单")
    v = flat(rows)
    assert "对账期间：2026-11-01 至 2026-11-24" in v
    assert (dt.datetime(2026, 11, 3), "收款", "X1", "", 100, 0) in [r[:6] for r in rows]
    assert "截至 2026-11-24，贵司没有未结清的款项。谢谢！" in v
    before = digest(path)
    res = cli("statement", path, "C1", "--from", "2026-12-01")
    assert res.exit_code == 1 and "the period starts (2026-12-01) after it ends (2026-11-24)" in res.stderr
    assert digest(path) == before


def test_statement_in_english(tmp_path):
    path = book(tmp_path, [rec("I1", "C1", AS_OF - D(40), 100.0, due=AS_OF - D(10))], lang="en")
    assert cli("statement", path, "C1").exit_code == 0
    v = flat(sheet_rows(path, "Statement"))
    assert v[0] == "杭州示例贸易有限公司" and "Statement of Account" in v and "Period: 2026-11-01 to 2026-11-24" in v
    assert ("As of 2026-11-24, you owe us 100.00 in total, of which 100.00 is past due. Please arrange payment; "
            "if you have already paid, please disregard this reminder.") in v
    assert "□ The balance is correct." in v and "Customer's stamp:" in v


@pytest.mark.parametrize("seed", range(12))
def test_opening_movements_and_closing_reconcile_to_the_ledger(seed):
    """Random invoices, credit notes, payments (rows before their invoice, after the period, with
    and without 收款记录, overpaid): opening + the period's entries = closing, and both ends are the
    ledger's balance as of that day (addin/core/ledger.py)."""
    rng = random.Random(seed)
    base = dt.date(2026, 1, 1)
    invoices, payments = [], []
    for k in range(rng.randint(1, 25)):
        day = base + D(rng.randint(0, 320))
        amount = float(rng.choice([-1, 1, 1, 1]) * rng.randint(1, 5000))
        no = f"I{k}"
        mode = rng.random()
        paid = last = None
        if amount > 0 and mode < 0.3:
            for _ in range(rng.randint(1, 3)):
                payments.append(Payment(day + D(rng.randint(-5, 90)), no, float(rng.randint(1, int(amount)))))
        elif amount > 0 and mode < 0.6:
            paid = float(rng.randint(0, int(amount) + 100))
            last = None if rng.random() < 0.3 else day + D(rng.randint(-3, 80))
        invoices.append(Invoice(no, rng.choice(["C1", "C1", "C2"]), day, day + D(30), amount, paid, last, None, k))
    paid_by = payments_by_invoice(payments)

    def ledger_total(cid, day):
        return round(sum(i.open for i in items_as_of(invoices, paid_by, PARTIES, day) if i.customer_id == cid), 2)

    for _ in range(5):
        start = base + D(rng.randint(0, 300))
        end = start + D(rng.randint(0, 90))
        for cid in ("C1", "C2"):
            items = items_as_of(invoices, paid_by, PARTIES, end)
            st = statement(items, cid, end, LEVELS, invoices=invoices, payments=paid_by, start=start)
            assert st.opening == ledger_total(cid, start - D(1))
            assert st.closing == ledger_total(cid, end) == st.total
            run = st.opening
            for m in st.movements:
                assert start <= m.date <= end and (m.debit == 0 or m.credit == 0)
                run = round(run + m.debit - m.credit, 2)
                assert m.balance == run
            assert [m.date for m in st.movements] == sorted(m.date for m in st.movements)


def test_no_bank_account_is_a_warning(tmp_path):
    path = book(tmp_path, [rec("I1", "C1", AS_OF - D(5), 100.0)], settings={"company_account": None})
    res = cli("validate", path)
    assert res.exit_code == 0
    report = [r for r in read_sheet(path, "校验结果")[1:] if r[1] == "设置"]
    assert [(r[0], r[3], r[5]) for r in report] == [  # on the 账号 row's value cell
        ("警告", "值", "账号为空：对账单和催款函上没有收款账户，crm send 将拒绝发送")]
    (tmp_path / "ok").mkdir()
    ok = book(tmp_path / "ok", [rec("I1", "C1", AS_OF - D(5), 100.0)])
    assert cli("validate", ok).exit_code == 0
    assert not [r for r in read_sheet(ok, "校验结果")[1:] if r[1] == "设置"]


def png(width, height):
    """A small valid PNG (solid blue), written from code."""
    raw = b"".join(b"\x00" + b"\x20\x40\xc0" * width for _ in range(height))

    def chunk(kind, data):
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")
    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def test_statements_pdf_with_logo_and_the_reply_slip_on_one_page(tmp_path):
    need_soffice()
    logo = tmp_path / "logo.png"
    logo.write_bytes(png(120, 40))
    path = book(tmp_path, twelve_invoices(), settings={"company_logo": str(logo)})
    before = digest(path)
    out = tmp_path / "pdf"
    res = cli("statements", path, "--pdf", out, "--from", "2026-06-01")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir()) == ["C1.pdf", "C2.pdf"]
    assert digest(path) == before  # the workbook is not changed
    info = subprocess.run(["pdfinfo", str(out / "C1.pdf")], capture_output=True, text=True).stdout
    assert "595.3" in info and "841.89" in info  # A4
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    text = pdf_text(out / "C1.pdf")
    for s in ("杭州示例贸易有限公司", "杭州恒瑞机电有限公司", "INV0012", "CN0001", "175,000.00", "期初余额",
              "期末余额", "1202 0210 0900 0012 345", "核对无误"):
        assert s in text, s
    assert "最后通知" not in text and "催款等级" not in text  # no internal codes
    # the reply slip is whole on the last page
    last = pdf_text(out / "C1.pdf", "-f", str(pages), "-l", str(pages))
    assert all(s in last for s in ("核对无误", "客户盖章", "日期"))
    images = subprocess.run(["pdfimages", "-list", str(out / "C1.pdf")], capture_output=True, text=True).stdout
    assert len(images.strip().splitlines()) == 3  # header, rule, the logo
    # filters: a rep, and a minimum of days overdue; existing files need --force
    assert cli("statements", path, "--pdf", out).exit_code == 2
    only = tmp_path / "only"
    assert cli("statements", path, "--pdf", only, "--owner", "李娜").exit_code == 0
    assert [p.name for p in only.iterdir()] == ["C2.pdf"]
    late = tmp_path / "late"
    assert cli("statements", path, "--pdf", late, "--min-overdue", "146").exit_code == 0
    assert not late.exists() or list(late.iterdir()) == []
    assert cli("statements", path, "--pdf", late, "--min-overdue", "145").exit_code == 0
    assert [p.name for p in late.iterdir()] == ["C1.pdf"]
    # a logo that is not an image stops the batch before any file is written
    logo.write_text("not an image")
    bad = tmp_path / "bad"
    res = cli("statements", path, "--pdf", bad)
    assert res.exit_code == 2 and "not a PNG or JPEG file" in res.stderr and not bad.exists()


def test_company_profile_settings_are_read():
    from addin.core.company import company
    from addin.core.settings import Settings

    co = company(Settings(**COMPANY))
    assert (co.name, co.bank, co.account, co.can_be_paid) == ("杭州示例贸易有限公司", "工商银行杭州文三路支行",
                                                              "1202 0210 0900 0012 345", True)
    assert not company(Settings()).can_be_paid
