"""对账单: a printable A4 statement of account for one customer and a period, under the company's
letterhead, with a reply slip the customer stamps and returns (往来对账函). Customer-facing words
only: no internal codes or levels."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core import dunning
from ..core.company import Company
from ..core.ledger import Party
from ..core.statement import Line, Statement
from ..i18n import pick
from ..writes import OutputSheet, Styled
from .page import COLS, Page, money

L = {
    "title": ("对 账 单", "Statement of Account"),
    "period": ("对账期间：{start} 至 {end}", "Period: {start} to {end}"),
    "as_of": ("截至 {date}", "As of {date}"),
    "to": ("致", "To"), "customer_id": ("客户编号", "Customer ID"),
    "attention": ("联系人", "Attention"), "terms": ("账期", "Payment terms"),
    "terms_days": ("{n} 天", "{n} days"), "limit": ("授信额度", "Credit limit"),
    "opening": ("期初余额", "Opening balance"), "invoiced": ("本期开票", "Invoiced"),
    "paid": ("本期收款", "Received"), "credited": ("本期冲减", "Credit notes"),
    "closing": ("期末余额", "Closing balance"),
    "movements": ("本期往来明细", "Entries of the period"),
    "date": ("日期", "Date"), "entry": ("摘要", "Entry"), "invoice_no": ("单据号", "Invoice No"),
    "debit": ("应收增加", "Debit"), "credit_col": ("收款/冲减", "Credit"), "balance": ("余额", "Balance"),
    "brought": ("期初余额", "Balance brought forward"),
    "carried": ("期末余额", "Closing balance"),
    "kind_invoice": ("销售发票", "Invoice"), "kind_payment": ("收款", "Payment"),
    "kind_credit_note": ("贷项通知（红字发票）", "Credit note"),
    "no_movements": ("本期没有往来。", "No entries in this period."),
    "open_items": ("截至 {date} 未结清明细", "Open items as of {date}"),
    "invoice_date": ("开票日期", "Invoice date"), "due": ("到期日", "Due date"),
    "amount": ("金额", "Amount"), "received": ("已收", "Received"), "open": ("未收", "Open"),
    "days": ("逾期天数", "Days overdue"), "credit": ("贷项", "Credit"),
    "total": ("合计应付", "Total due"), "overdue": ("其中已逾期", "of which overdue"),
    "not_due": ("未到期", "not yet due"), "credits": ("未核销贷项", "unapplied credits"),
    "last_letter": ("我司已于 {date} 向贵司发出{document}。", "We sent you a {document} on {date}."),
    "contact": ("如对本对账单有疑问，请联系：{who}", "Questions about this statement: {who}"),
    "cut": ("请沿此线剪下，核对后盖章寄回", "Please detach, check, stamp and return"),
    "reply": ("回  执", "Reply"),
    "reply_to": ("致：{company}", "To: {company}"),
    "reply_text": ("截至 {date}，本公司（{customer}）应付贵司款项余额为人民币 {total} 元。经核对：",
                   "As of {date}, we ({customer}) owe you a balance of {total}. Having checked it:"),
    "agree": ("□ 核对无误。", "□ The balance is correct."),
    "disagree": ("□ 不符，请注明不符事项（单据号、金额及原因）：",
                 "□ The balance is not correct; the differences (invoice numbers, amounts, reasons):"),
    "stamp": ("客户盖章：", "Customer's stamp:"), "signer": ("经办人：", "Signed by:"),
    "sign_date": ("日期：", "Date:"),
}
#: the sentence under the total, by how late the customer is (customer-facing: no level codes)
WORDING = {
    "none": ("截至 {date}，贵司尚欠我司款项合计 {total} 元，均未到期。感谢贵司一直以来的合作，请核对后将下方回执盖章寄回。",
             "As of {date}, you owe us {total} in total, none of it due yet. Thank you for your business; please "
             "check the statement and return the reply below with your stamp."),
    "first": ("截至 {date}，贵司尚欠我司款项合计 {total} 元，其中已到期未付 {overdue} 元。请尽快安排付款；如已付款，请忽略本提醒。",
              "As of {date}, you owe us {total} in total, of which {overdue} is past due. Please arrange payment; "
              "if you have already paid, please disregard this reminder."),
    "middle": ("截至 {date}，贵司逾期款项 {overdue} 元经我司提醒仍未结清，最长已逾期 {days} 天。请于 {deadline} 前付款，"
               "否则我司将暂停新的赊销。",
               "As of {date}, {overdue} remains past due after our reminder, the oldest by {days} days. Please pay "
               "by {deadline}, or new credit sales will be held."),
    "last": ("截至 {date}，贵司逾期款项 {overdue} 元，最长已逾期 {days} 天。请于 {deadline} 前全额付款，否则我司将停止供货，"
             "并通过法律途径追收。",
             "As of {date}, {overdue} is past due, the oldest by {days} days. Please pay in full by {deadline}, "
             "or we will stop deliveries and pursue collection by legal means."),
    "credit_only": ("截至 {date}，贵司在我司有未核销贷项 {credits} 元，没有应付款项。",
                    "As of {date}, you hold an unapplied credit of {credits} with us and owe nothing."),
    "nothing": ("截至 {date}，贵司没有未结清的款项。谢谢！", "Nothing is open as of {date}. Thank you!"),
}
#: days the customer is given to pay in a demand (催告) or a final notice, from the statement's date
PAY_WITHIN = 7


def t(key: str, lang: Lang, **kw: Any) -> str:
    return pick(L, key, lang, **kw)


def wording(st: Statement, levels: tuple[int, ...], lang: Lang) -> str:
    if not st.lines:
        key = "nothing"
    elif st.total <= 0:
        key = "credit_only"
    else:
        key = dunning.stage(st.level, levels) or "none"
    deadline = st.as_of + dt.timedelta(days=PAY_WITHIN)
    return pick(WORDING, key, lang, date=st.as_of.isoformat(), total=money(st.total), overdue=money(st.overdue),
                days=st.max_days, credits=money(-st.credits), deadline=deadline.isoformat())


def open_items(page: Page, st: Statement, lang: Lang, heading: str | None = None) -> None:
    """The open items as of the statement's date and their totals (a letter attaches the same)."""
    page.full(heading or t("open_items", lang, date=st.as_of.isoformat()), "section", 20)
    page.add([Styled(t(k, lang), "header") for k in ("invoice_no", "invoice_date", "due", "amount", "received",
                                                     "open", "days")], height=20)
    for ln in st.lines:
        page.add(open_line(ln, lang))
    page.add([Styled(t("total", lang), "total_text")] + [Styled(None, "total_text")] * 4
             + [Styled(st.total, "total_money"), Styled(None, "total_text")], [(1, 5)], 20)
    for key, value in (("overdue", st.overdue), ("not_due", st.not_due), ("credits", st.credits)):
        if value:
            page.add([None, None, None, Styled(t(key, lang), "text"), None, Styled(value, "money")], [(4, 5)])


def open_line(ln: Line, lang: Lang) -> list[Any]:
    """单据号 … 逾期天数; days overdue blank when not yet due, 贷项 for a credit."""
    credit = ln.open < 0
    days: Any = t("credit", lang) if credit else (ln.days_overdue or None)
    return [Styled(ln.invoice_no, "box_text"), Styled(ln.invoice_date, "box_date"),
            Styled(None if credit else ln.due, "box_date"), Styled(ln.amount, "box_money"),
            Styled(ln.received, "box_money"), Styled(ln.open, "box_money"),
            Styled(days, "box_text" if credit else "box_int")]


def customer_block(page: Page, party: Party, attention: str | None, lang: Lang, *, limit: bool = True) -> None:
    lab = lambda k: Styled(t(k, lang), "label")  # noqa: E731
    page.add([lab("to"), Styled(party.name, "box_text")] + [Styled(None, "box_text")] * 3
             + [lab("customer_id"), Styled(party.customer_id, "box_text")], [(2, 5)], 20)
    terms = t("terms_days", lang, n=party.payment_terms) if party.payment_terms is not None else None
    cells = [lab("attention"), Styled(attention, "box_text"), lab("terms"), Styled(terms, "box_text")]
    if limit:
        cells += [lab("limit"), Styled(party.credit_limit, "box_money"), Styled(None, "box_money")]
        page.add(cells, [(6, 7)], 20)
    else:
        page.add(cells + [Styled(None, "box_text")] * 3, [(4, 7)], 20)


def statement_sheet(st: Statement, party: Party, co: Company, levels: tuple[int, ...], lang: Lang, tab: str, *,
                    attention: str | None = None, last_letter: tuple[dt.date, str] | None = None) -> OutputSheet:
    page = Page()
    page.letterhead(co, lang)
    page.full(t("title", lang), "doc_title", 28)
    when = t("period", lang, start=st.start.isoformat(), end=st.as_of.isoformat()) if st.start else \
        t("as_of", lang, date=st.as_of.isoformat())
    page.full(when, "subtitle")
    page.blank()
    customer_block(page, party, attention, lang)
    page.blank()
    if st.start is not None:
        summary = (("opening", st.opening), ("invoiced", st.invoiced), ("paid", st.paid),
                   ("credited", st.credited), ("closing", st.closing))
        page.add([Styled(t(k, lang), "header") for k, _ in summary] + [Styled(None, "header")] * 2,
                 [(5, 7)], 20)
        page.add([Styled(v, "box_money") for _, v in summary] + [Styled(None, "box_money")] * 2, [(5, 7)], 20)
        page.blank()
        page.full(t("movements", lang), "section", 20)
        page.add([Styled(t(k, lang), "header") for k in ("date", "entry", "invoice_no", "debit", "credit_col",
                                                         "balance")] + [Styled(None, "header")], [(6, 7)], 20)
        page.add([Styled(st.start, "box_date"), Styled(t("brought", lang), "box_text"), Styled(None, "box_text"),
                  Styled(None, "box_money"), Styled(None, "box_money"), Styled(st.opening, "box_money"),
                  Styled(None, "box_money")], [(6, 7)])
        for m in st.movements:
            page.add([Styled(m.date, "box_date"), Styled(t("kind_" + m.kind, lang), "box_text"),
                      Styled(m.invoice_no, "box_text"), Styled(m.debit or None, "box_money"),
                      Styled(m.credit or None, "box_money"), Styled(m.balance, "box_money"),
                      Styled(None, "box_money")], [(6, 7)])
        if not st.movements:
            page.add([Styled(t("no_movements", lang), "box_text")] + [Styled(None, "box_text")] * (COLS - 1),
                     [(1, COLS)])
        page.add([Styled(st.as_of, "total_date"), Styled(t("carried", lang), "total_text")]
                 + [Styled(None, "total_text")] * 3 + [Styled(st.closing, "total_money"), Styled(None, "total_text")],
                 [(2, 5), (6, 7)], 20)
        page.blank()
    open_items(page, st, lang)
    page.blank()
    page.para(wording(st, levels, lang), "para_bold")
    if last_letter is not None:
        page.para(t("last_letter", lang, date=last_letter[0].isoformat(), document=last_letter[1]))
    page.blank()
    page.remittance(co, lang)
    page.blank()
    page.para(t("contact", lang, who=co.contact or "、".join(x for x in (party.owner, co.phone) if x) or "—"))
    reply_slip(page, st, party, co, lang)
    return page.sheet(S.STATEMENT.key, tab)


def reply_slip(page: Page, st: Statement, party: Party, co: Company, lang: Lang) -> None:
    """回执: the customer confirms the balance or states the differences, stamps and dates it."""
    page.blank(10)
    first = len(page.rows) + 1
    page.full("- - - - - - - -  " + t("cut", lang) + "  - - - - - - - -", "cut", 18)
    page.blank(6)
    page.full(t("reply", lang), "doc_title", 26)
    page.para(t("reply_to", lang, company=co.name or "—"))
    page.para(t("reply_text", lang, date=st.as_of.isoformat(), customer=party.name or party.customer_id,
                total=money(st.total)))
    page.para(t("agree", lang))
    page.para(t("disagree", lang))
    for _ in range(2):
        page.add([Styled(None, "sign")] * COLS, [(1, COLS)], 22)
    page.blank(10)
    page.add([Styled(t("stamp", lang), "text"), Styled(None, "sign"), Styled(None, "sign"), None,
              Styled(t("signer", lang), "text"), Styled(None, "sign"), Styled(None, "sign")], [(2, 3), (6, 7)], 40)
    page.add([None, None, None, None, Styled(t("sign_date", lang), "text"), Styled(None, "sign"),
              Styled(None, "sign")], [(6, 7)], 28)
    page.keep_together(first, len(page.rows))
