"""crm send: statements and letters e-mailed to a real SMTP server on 127.0.0.1 (aiosmtpd) or
written as .eml; every send appended to 催款记录, nothing sent twice on a rerun."""
import email
import email.policy
import socket

import pytest
from external import need_soffice
from helpers import cli, digest, read_sheet
from test_letters import CUSTOMERS, INVOICES
from test_receivables import book

aiosmtpd = pytest.importorskip("aiosmtpd.controller")

EMAILS = {"C1": "c1@example.cn", "C2": "refuse@example.cn", "C3": "c3@example.cn", "C4": None}


def workbook(tmp_path, **settings):
    customers = [dict(c, email=EMAILS[c["customer_id"]]) for c in CUSTOMERS]
    return book(tmp_path, INVOICES, customers=customers, settings=settings)


class Handler:
    """Accepts every message, refuses recipients named refuse@…, and drops the connection on the
    ``drop_at``-th message (before accepting it)."""

    def __init__(self, drop_at=None):
        self.messages, self.drop_at, self.count = [], drop_at, 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("refuse@"):
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        if self.drop_at is not None and self.count == self.drop_at:
            server.transport.close()
            return "421 closing"
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    started = []

    def start(handler):
        c = aiosmtpd.Controller(handler, hostname="127.0.0.1", port=free_port())
        c.start()
        started.append(c)
        return f"smtp://127.0.0.1:{c.port}"
    yield start
    for c in started:
        c.stop()


def log(path):
    return [r for r in read_sheet(path, "催款记录")[1:]]


def test_send_letters_over_smtp_refused_recipient_and_no_rerun(tmp_path, smtp_server):
    need_soffice()
    path = workbook(tmp_path)
    handler = Handler()
    url = smtp_server(handler)
    res = cli("send", path, "--letters", "--smtp", url)
    assert res.exit_code == 1, res.output  # one refused
    assert "发送失败 C2 refuse@example.cn：550 5.1.1 mailbox unavailable" in res.output
    got = {m["To"]: m for m in handler.messages}
    assert sorted(got) == ["c1@example.cn", "c3@example.cn"]
    m = got["c3@example.cn"]
    assert m["From"] == "ar@example.cn" and "最后通知函" in m["Subject"]
    pdf = [p for p in m.walk() if p.get_content_type() == "application/pdf"]
    assert pdf and pdf[0].get_filename() == "最后通知函-C3-2026-11-24.pdf"
    assert pdf[0].get_payload(decode=True).startswith(b"%PDF")
    rows = log(path)
    assert [(r[1], r[3], r[4], r[5], r[6], r[7].split("：")[0]) for r in rows] == [
        ("C3", "最后通知函", 3, 3000, "c3@example.cn", "已发送"),
        ("C2", "催告函", 2, 2000, "refuse@example.cn", "发送失败"),
        ("C1", "提醒函", 1, 1000, "c1@example.cn", "已发送")]
    assert rows[0][8] == "letter-3:C3:2026-11-24"
    # a rerun sends only what failed; the log keeps every earlier row
    res = cli("send", path, "--letters", "--smtp", url)
    assert "待发送 1 份催款函，已发送过 2 份" in res.output
    assert len(handler.messages) == 2 and len(log(path)) == 4 and log(path)[:3] == rows


def test_connection_dropped_mid_batch_then_rerun_sends_each_once(tmp_path, smtp_server):
    need_soffice()
    path = workbook(tmp_path)
    handler = Handler(drop_at=2)
    url = smtp_server(handler)
    res = cli("send", path, "--statements", "--smtp", url)
    assert res.exit_code == 1 and "已发送 1 份后连接中断" in res.output, res.output
    first = [m["To"] for m in handler.messages]
    assert len(first) == 1
    assert "C4" in res.output  # no 邮箱: reported
    res = cli("send", path, "--statements", "--smtp", url)
    delivered = [m["To"] for m in handler.messages]
    assert sorted(delivered) == ["c1@example.cn", "c3@example.cn"]  # each once; refuse@ refused both times
    res = cli("send", path, "--statements", "--smtp", url)
    assert [m["To"] for m in handler.messages] == delivered  # nothing twice
    results = [(r[1], r[7]) for r in log(path)]
    assert sum(1 for cid, r in results if cid == "C4") == 1  # no 邮箱 logged once
    assert ("C4", "未发送：客户资料卡没有邮箱") in results


def test_eml_without_smtp_and_dry_run(tmp_path):
    need_soffice()
    path = workbook(tmp_path)
    before = digest(path)
    res = cli("send", path, "--statements", "--dry-run")
    assert res.exit_code == 0 and "将发送 对账单 C1" in res.output and digest(path) == before
    out = tmp_path / "outbox"
    res = cli("send", path, "--statements", "--out", out)
    assert res.exit_code == 1  # C4 has no 邮箱
    names = sorted(p.name for p in out.iterdir())
    assert names == ["C1-对账单-2026-11-24.eml", "C2-对账单-2026-11-24.eml", "C3-对账单-2026-11-24.eml"]
    msg = email.message_from_bytes((out / names[0]).read_bytes(), policy=email.policy.default)
    assert msg["To"] == "c1@example.cn" and msg["X-CRM-Send-ID"] == "statement:C1:2026-11-24"
    assert [r[7] for r in log(path) if r[1] == "C1"] == ["已生成邮件文件：C1-对账单-2026-11-24.eml"]
    res = cli("send", path, "--statements", "--out", out)
    assert "待发送 0 份对账单，已发送过 3 份" in res.output


def test_refusals_before_anything_is_sent(tmp_path, monkeypatch):
    path = workbook(tmp_path, company_account=None)
    before = digest(path)
    res = cli("send", path, "--statements")
    assert res.exit_code == 2 and "账号 is blank" in res.stderr and digest(path) == before
    ok = workbook(tmp_path / "x" if (tmp_path / "x").mkdir() is None else tmp_path)
    res = cli("send", ok, "--letters", "--smtp", "smtp://me:secret@127.0.0.1:25")
    assert res.exit_code == 2 and "CRM_SMTP_PASSWORD" in res.stderr and "secret" not in res.stderr + res.output
    port = free_port()
    monkeypatch.setenv("CRM_SMTP_PASSWORD", "s3cret-pw")
    res = cli("send", ok, "--letters", "--smtp", f"smtp://me@127.0.0.1:{port}")
    assert res.exit_code == 2 and "s3cret-pw" not in res.stderr + res.output
    assert not [r for r in read_sheet(ok, "催款记录")[1:]]


def record(path, rows):
    """Append rows to 催款记录 as crm send does."""
    from addin import jobs
    from addin.io.xlsx_book import XlsxBook

    book_ = XlsxBook(path)
    jobs.apply(book_, jobs.append_dunning_log(book_, rows=rows).plan)


def test_call_list_and_statement_show_the_last_letter(tmp_path):
    import datetime as dt

    from addin.sheets.dunning_log import log_row

    path = workbook(tmp_path)
    day = dt.date(2026, 11, 21)
    record(path, [log_row(day, "C2", "苏州宏达化工有限公司", "letter", 2, 2000.0, "x@y.cn", "sent", None,
                          "letter-2:C2:2026-11-21", (30, 60), "zh"),
                  log_row(day, "C1", "杭州恒瑞机电有限公司", "letter", 1, 1000.0, "x@y.cn", "failed", "550",
                          "letter-1:C1:2026-11-21", (30, 60), "zh")])
    assert cli("refresh", path).exit_code in (0, 1)
    calls = {r[2]: r[11] for r in read_sheet(path, "今日拨打")[2:]}
    assert "已发催告函 3 天" in calls["C2"]
    assert "已发" not in (calls.get("C1") or "")  # a failed send is not a letter sent
    assert len(log(path)) == 2  # a refresh keeps the log as it is
    assert cli("statement", path, "C2").exit_code == 0
    texts = [v for row in read_sheet(path, "对账单") for v in row if isinstance(v, str)]
    assert "我司已于 2026-11-21 向贵司发出催告函。" in texts
