"""对账单: a printable A4 statement of account for one customer."""
from __future__ import annotations

from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core import dunning
from ..core.ledger import Party
from ..core.statement import Statement
from ..i18n import pick
from ..writes import OutputSheet, Styled
from .aging_sheet import dunning_label

L = {
    "title": ("客户对账单", "Statement of Account"),
    "as_of": ("截至 {date}", "As of {date}"),
    "customer": ("客户", "Customer"), "customer_id": ("客户编号", "Customer ID"),
    "owner": ("业务员", "Sales rep"), "limit": ("授信额度", "Credit limit"), "terms": ("账期天数", "Payment terms (days)"),
    "level": ("催款等级", "Dunning level"),
    "invoice_no": ("单据号", "Invoice No"), "invoice_date": ("开票日期", "Invoice date"), "due": ("到期日", "Due date"),
    "amount": ("金额", "Amount"), "received": ("已收", "Received"), "open": ("未收", "Open"),
    "days": ("逾期天数", "Days overdue"),
    "credit": ("贷项", "Credit"),
    "total": ("合计应付", "Total due"), "overdue": ("其中已逾期", "of which overdue"),
    "not_due": ("未到期", "not yet due"), "credits": ("未核销贷项", "unapplied credits"),
    "none": ("截至上述日期，贵司没有未结清的款项。谢谢！", "Nothing is open as of this date. Thank you!"),
    "remit": ("付款方式", "How to pay"),
    "remit_default": ("请在付款附言中注明单据号。", "Please quote the invoice numbers with your payment."),
    "contact": ("如对本对账单有疑问，请联系业务员 {owner}。", "Questions about this statement: please contact {owner}."),
    "confirm": ("客户确认（盖章）：________________", "Confirmed by the customer (stamp): ________________"),
    "date": ("日期：____________", "Date: ____________"),
}
#: the statement's wording per dunning stage (and for a customer not chased)
WORDING = {
    "none": ("感谢贵司一直以来的合作，请核对以下截至 {date} 尚未结清的款项。",
             "Thank you for your business. Please check the items open as of {date} below."),
    "first": ("温馨提醒：贵司有 {overdue} 元款项已到期未付，请尽快安排付款；如已付款，请忽略本提醒。",
              "A friendly reminder: {overdue} is past due. Please arrange payment; if you have already paid, "
              "please disregard this reminder."),
    "middle": ("催告：贵司逾期款项 {overdue} 元经我司提醒仍未结清，最长已逾期 {days} 天。请于收到本对账单后 7 日内付款，"
               "否则我司将暂停新的赊销。",
               "Demand for payment: {overdue} remains past due after our reminder, the oldest by {days} days. "
               "Please pay within 7 days of this statement, or new credit sales will be held."),
    "last": ("最后通知：贵司逾期款项 {overdue} 元最长已逾期 {days} 天。请于 7 日内全额付款，否则我司将停止供货并通过法律途径追收。",
             "Final notice: {overdue} is past due, the oldest by {days} days. Please pay in full within 7 days, "
             "or we will stop deliveries and pursue collection by legal means."),
}
COLS = 7
WIDTHS = [15, 12, 12, 14, 14, 14, 10]


def t(key: str, lang: Lang, **kw: Any) -> str:
    return pick(L, key, lang, **kw)


def money(x: float) -> str:
    return f"{x:,.2f}"


def statement_sheet(st: Statement, party: Party, remittance: str | None, levels: tuple[int, ...], lang: Lang,
                    tab: str) -> OutputSheet:
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []
    heights: dict[int, float] = {}

    def add(cells: list[Any], merge: list[tuple[int, int]] | None = None, height: float = 18) -> None:
        rows.append(cells + [None] * (COLS - len(cells)))
        r = len(rows)
        for c1, c2 in merge or []:
            merges.append((r, c1, r, c2))
        heights[r] = height

    def lab(key: str) -> Styled:
        return Styled(t(key, lang), "label")

    def box(v: Any, style: str = "box_text") -> Styled:
        return Styled(v, style)

    add([Styled(t("title", lang), "title")], [(1, COLS)], 30)
    add([Styled(t("as_of", lang, date=st.as_of.isoformat()), "subtitle")], [(1, COLS)])
    add([lab("customer_id"), box(party.customer_id), lab("customer"), box(party.name), box(None), box(None),
         box(None)], [(4, 7)])
    add([lab("owner"), box(party.owner), lab("limit"), box(party.credit_limit, "box_money"), lab("terms"),
         box(None), box(party.payment_terms, "box_int")], [(5, 6)])
    stage = dunning.stage(st.level, levels) or "none"
    wording = pick(WORDING, stage, lang, date=st.as_of.isoformat(), overdue=money(st.overdue), days=st.max_days)
    add([lab("level"), box(dunning_label(st.level, levels, lang) or "—"), Styled(wording, "note")] + [None] * 4,
        [(3, 7)], 48)
    add([None])
    add([Styled(t(k, lang), "header") for k in ("invoice_no", "invoice_date", "due", "amount", "received", "open",
                                                "days")], height=20)
    for ln in st.lines:
        credit = ln.open < 0
        add([box(ln.invoice_no), box(ln.invoice_date, "box_date"), box(None if credit else ln.due, "box_date"),
             box(ln.amount, "box_money"), box(ln.received, "box_money"), box(ln.open, "box_money"),
             box(t("credit", lang) if credit else ln.days_overdue, "box_text" if credit else "box_int")])
    if not st.lines:
        add([Styled(t("none", lang), "note")], [(1, COLS)], 24)
    add([Styled(t("total", lang), "total_text")] + [Styled(None, "total_text")] * 4
        + [Styled(st.total, "total_money"), Styled(None, "total_text")], [(1, 5)], 20)
    for key, value in (("overdue", st.overdue), ("not_due", st.not_due), ("credits", st.credits)):
        if value:
            add([None, None, None, Styled(t(key, lang), "text"), None, Styled(value, "money")], [(4, 5)])
    add([None])
    add([Styled(t("remit", lang), "section")] + [Styled(None, "section")] * (COLS - 1), [(1, COLS)])
    add([Styled(remittance or t("remit_default", lang), "note")], [(1, COLS)], 36)
    add([Styled(t("contact", lang, owner=party.owner or "—"), "text")], [(1, COLS)])
    add([None])
    add([Styled(t("confirm", lang), "text"), None, None, None, Styled(t("date", lang), "text")], [(1, 4), (5, 7)],
        24)
    return OutputSheet(S.STATEMENT.key, tab, rows, widths=WIDTHS, column_styles=["text"] * COLS, merges=merges,
                       row_heights=heights)
