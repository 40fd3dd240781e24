"""催款函: one letter per overdue customer at its dunning level, under the letterhead, with the
open items attached; wording built in or from 设置."""
import subprocess

import pytest
from external import need_soffice, pdf_text
from helpers import cli, digest
from test_receivables import AS_OF, D, book, rec

from addin import jobs
from addin.io.xlsx_book import XlsxBook

# C1 30 days overdue (level 1), C2 31 days (level 2), C3 61 days (level 3), C4 not yet due (none)
CUSTOMERS = [{"customer_id": f"C{k}", "name": name, "owner": owner, "phone": "13812345678", "key_person": "王总",
              "payment_terms": 30}
             for k, name, owner in ((1, "杭州恒瑞机电有限公司", "张伟"), (2, "苏州宏达化工有限公司", "张伟"),
                                    (3, "上海鑫源建材有限公司", "李娜"), (4, "宁波海达贸易有限公司", "李娜"))]
INVOICES = [rec("I1", "C1", AS_OF - D(60), 1000.0, due=AS_OF - D(30)),
            rec("I2", "C2", AS_OF - D(61), 2000.0, due=AS_OF - D(31)),
            rec("I3", "C3", AS_OF - D(91), 3000.0, due=AS_OF - D(61)),
            rec("I3b", "C3", AS_OF - D(5), 500.0, due=AS_OF + D(25)),
            rec("I4", "C4", AS_OF - D(5), 4000.0, due=AS_OF + D(25))]


def letters_of(path, **kw):
    return jobs.letters(XlsxBook(path, writable=False), **kw).documents


def texts(sheet):
    return [v.value if hasattr(v, "value") else v for row in sheet.rows for v in row
            if v is not None and getattr(v, "value", v) is not None]


def test_one_letter_per_customer_at_its_level(tmp_path):
    path = book(tmp_path, INVOICES, customers=CUSTOMERS)
    docs = letters_of(path)
    assert sorted((d.customer_id, d.level, d.title, d.amount) for d in docs) == [
        ("C1", 1, "提醒函", 1000), ("C2", 2, "催告函", 2000), ("C3", 3, "最后通知函", 3000)]
    by = {d.customer_id: texts(d.sheet) for d in docs}
    assert by["C1"][:3] == ["杭州示例贸易有限公司",
                            "地址：杭州市文三路 100 号    电话：0571-88880000    税号：91330106MA2XXXXX0X", "提 醒 函"]
    assert "催 告 函" in by["C2"] and "最 后 通 知 函" in by["C3"]
    body = {cid: next(x for x in v if isinstance(x, str) and x.startswith("　　")) for cid, v in by.items()}
    assert body["C1"].startswith("　　贵司截至 2026-11-24 有 1,000.00 元款项已到期未付，最长已逾期 30 天，")
    assert "请于 2026-12-01 前" in body["C1"]
    assert "贵司逾期款项 2,000.00 元仍未结清，最长已逾期 31 天。请于 2026-12-01 前付清全部逾期款项；" in body["C2"]
    assert "暂停对贵司的新增赊销" in body["C2"]
    assert "贵司逾期款项 3,000.00 元仍未结清，最长已逾期 61 天。现正式通知：请于 2026-12-01 前全额付款。" in body["C3"]
    assert "停止向贵司供货" in body["C3"]
    # the open items attached: both of C3's invoices, the one not yet due without days overdue
    c3 = by["C3"]
    assert "附：截至 2026-11-24 未结清明细" in c3 and "I3" in c3 and "I3b" in c3
    assert c3[c3.index("I3b") + 5:c3.index("I3b") + 6] == [500]
    assert c3[c3.index("合计应付") + 1] == 3500
    for v in by.values():  # remittance, addressee, seal; no internal codes
        assert "1202 0210 0900 0012 345" in v and "（公章）" in v and "尊敬的客户：" in v
        assert not any(isinstance(x, str) and ("催款等级" in x or "3 最后通知" in x) for x in v)
    # a level, an owner
    assert [d.customer_id for d in letters_of(path, level=2)] == ["C2"]
    assert [d.customer_id for d in letters_of(path, owner="李娜")] == ["C3"]
    assert letters_of(path, level=1, owner="李娜") == []


def test_letter_wording_from_settings(tmp_path):
    text = "{客户}：截至{日期}逾期{金额}元（{天数}天），限{期限}前付清。{未知}"
    path = book(tmp_path, INVOICES, customers=CUSTOMERS, settings={"letter_middle": text})
    c2 = next(d for d in letters_of(path) if d.customer_id == "C2")
    assert "　　苏州宏达化工有限公司：截至2026-11-24逾期2,000.00元（31天），限2026-12-01前付清。{未知}" in texts(c2.sheet)
    en = book(tmp_path, INVOICES, customers=CUSTOMERS, lang="en",
              settings={"letter_first": "Dear {customer}, {amount} is {days} days late; pay by {deadline}."})
    docs = {d.customer_id: d for d in letters_of(en)}
    assert docs["C1"].title == "Reminder" and docs["C3"].title == "Final Notice"
    assert "Dear 杭州恒瑞机电有限公司, 1,000.00 is 30 days late; pay by 2026-12-01." in texts(docs["C1"].sheet)
    assert "Final Notice" in texts(docs["C3"].sheet) and "Dear customer," in texts(docs["C3"].sheet)


def test_bad_level_is_a_data_error(tmp_path):
    need_soffice()  # crm letters checks for LibreOffice before it reads the workbook
    path = book(tmp_path, INVOICES, customers=CUSTOMERS)
    res = cli("letters", path, "--pdf", tmp_path / "x", "--level", "4")
    assert res.exit_code == 1 and "--level 4: the levels are 1 to 3" in res.stderr
    assert not (tmp_path / "x").exists()


def test_letters_pdf_each_level(tmp_path):
    need_soffice()
    path = book(tmp_path, INVOICES, customers=CUSTOMERS)
    before = digest(path)
    out = tmp_path / "letters"
    res = cli("letters", path, "--pdf", out)
    assert res.exit_code == 0, res.output
    assert "3 封催款函（截至 2026-11-24）" in res.output and "1 提醒函、1 催告函、1 最后通知函" in res.output
    assert sorted(p.name for p in out.iterdir()) == ["C1-提醒函.pdf", "C2-催告函.pdf", "C3-最后通知函.pdf"]
    assert digest(path) == before
    for name, words in (("C1-提醒函.pdf", "提 醒 函"), ("C3-最后通知函.pdf", "最 后 通 知 函")):
        info = subprocess.run(["pdfinfo", str(out / name)], capture_output=True, text=True).stdout
        assert "Pages:           1" in info and "595.3" in info
        text = pdf_text(out / name)
        assert "杭州示例贸易有限公司" in text and "1202 0210 0900 0012 345" in text and "（公章）" in text
        assert words.replace(" ", "") in "".join(text.split()), name  # the letter's own title
    assert cli("letters", path, "--pdf", out).exit_code == 2  # existing files need --force
    assert cli("letters", path, "--pdf", out, "--level", "3", "--force").exit_code == 0


@pytest.mark.parametrize("days, level", [(0, 0), (1, 1), (30, 1), (31, 2), (60, 2), (61, 3)])
def test_letter_level_boundaries(tmp_path, days, level):
    path = book(tmp_path, [rec("I1", "C1", AS_OF - D(90), 100.0, due=AS_OF - D(days))], customers=CUSTOMERS[:1])
    docs = letters_of(path)
    assert [d.level for d in docs] == ([level] if level else [])


def test_letters_refuse_a_file_the_batch_would_overwrite_under_a_suffixed_name(tmp_path):
    # "A/1" and "A:1" both become "A_1": the second letter is written as "A_1-提醒函~2.pdf", and a
    # file of the user's by that name is refused before any conversion, not overwritten
    need_soffice()  # checked first: without LibreOffice the run stops before naming files
    twins = [dict(CUSTOMERS[0], customer_id="A/1"), dict(CUSTOMERS[1], customer_id="A:1")]
    path = book(tmp_path, [rec("I1", "A/1", AS_OF - D(60), 1000.0, due=AS_OF - D(30)),
                           rec("I2", "A:1", AS_OF - D(60), 900.0, due=AS_OF - D(30))], customers=twins)
    out = tmp_path / "letters"
    out.mkdir()
    mine = out / "A_1-提醒函~2.pdf"
    mine.write_text("mine")
    res = cli("letters", path, "--pdf", out)
    assert res.exit_code == 2 and "A_1-提醒函~2.pdf" in res.stderr and "already exists" in res.stderr
    assert mine.read_text() == "mine" and sorted(p.name for p in out.iterdir()) == [mine.name]
