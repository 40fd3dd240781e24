"""`crm statements`: one file per customer always — IDs that clash once made safe for a file
name, long CJK IDs, Windows device names — and the count printed is the count written (issue 19)."""
from __future__ import annotations

import datetime as dt

from external import need_soffice
from helpers import cli

from addin.build.workbook import build_workbook
from addin.export.statement_pdf import STEM_BYTES, pdf_names

AS_OF = dt.date(2026, 11, 24)
LONG = "杭州恒瑞机电有限公司华东区第三分公司" * 5  # 90 CJK characters, 270 bytes of UTF-8


def test_names_are_distinct_safe_and_short():
    ids = ["A/1", "A:1", "A_1", "a_1", "CON", "nul", "Com1.x", "LPT9", "COM10", "x.", LONG, LONG + "2", "A_1~2"]
    names = pdf_names(ids)
    assert len({n.lower() for n in names}) == len(ids)  # one file each, also on case-blind file systems
    assert names[:4] == ["A_1.pdf", "A_1~2.pdf", "A_1~3.pdf", "a_1~4.pdf"]
    assert names[4:9] == ["_CON.pdf", "_nul.pdf", "_Com1.x.pdf", "_LPT9.pdf", "COM10.pdf"]
    assert names[9] == "x.pdf"
    assert all(len(n.encode()) <= STEM_BYTES + 8 for n in names)
    assert names[10] != names[11] and names[10].startswith("杭州恒瑞")
    assert names[12] == "A_1~2~2.pdf"  # a literal "A_1~2" after the suffixed one keeps its own file
    assert not any(c in n for n in names for c in '/\\:*?"<>|')


def test_every_customer_gets_a_pdf_and_the_count_is_what_was_written(tmp_path):
    need_soffice()
    ids = ["A/1", "A:1", "A_1", "CON", LONG]
    data = {
        "customers": [{"customer_id": cid, "name": f"客户{n}", "owner": "张伟", "payment_terms": 30}
                      for n, cid in enumerate(ids)],
        "receivables": [{"invoice_no": f"I{n}", "customer_id": cid, "invoice_date": AS_OF - dt.timedelta(days=60),
                         "amount": 1000.0 + n} for n, cid in enumerate(ids)]}
    path = build_workbook(tmp_path / "ids.xlsx", data=data, settings={"as_of": AS_OF})
    out = tmp_path / "pdf"
    res = cli("statements", path, "--pdf", out)
    assert res.exit_code == 0 and "Traceback" not in res.output, res.output
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == len(ids) and "_CON.pdf" in files and "A_1~3.pdf" in files
    assert f"{len(ids)} 份对账单" in res.output
