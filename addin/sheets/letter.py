"""催款函: a dunning letter at the customer's level — 提醒函 (reminder), 催告函 (demand) or 最后通知函
(final notice) — under the company's letterhead, with the statement's open items attached and
the remittance block. The wording is 设置's (提醒函正文 …) or the built-in text below."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core import dunning
from ..core.company import Company
from ..core.ledger import Party
from ..core.statement import Statement
from ..i18n import pick, word
from ..writes import OutputSheet, Styled
from .page import COLS, Page, money
from .statement import customer_block, open_items

TITLES = {
    "first": ("提 醒 函", "Payment Reminder"),
    "middle": ("催 告 函", "Demand for Payment"),
    "last": ("最 后 通 知 函", "Final Notice"),
}
#: the built-in wording; {金额} {天数} {日期} {期限} {客户} (or {amount} {days} {date} {deadline}
#: {customer}) are filled in
BODY = {
    "first": ("贵司截至 {日期} 有 {金额} 元款项已到期未付，最长已逾期 {天数} 天，明细见下表。或许是一时疏忽，烦请于 {期限} 前"
              "安排付款。如已付款，请忽略本函，并将付款凭证发给我们以便核对。感谢贵司一直以来的支持与合作！",
              "As of {date}, {amount} of your account is past due, the oldest item by {days} days (details "
              "below). This may be an oversight; please arrange payment by {deadline}. If you have already "
              "paid, please disregard this letter and send us the remittance advice. Thank you for your business."),
    "middle": ("我司此前已就下列款项提醒贵司。截至 {日期}，贵司逾期款项 {金额} 元仍未结清，最长已逾期 {天数} 天。请于 {期限} "
               "前付清全部逾期款项；逾期未付的，我司将暂停对贵司的新增赊销，直至款项结清。如有异议，请在上述期限内与我们联系。",
               "We reminded you of the items below. As of {date}, {amount} is still past due, the oldest by "
               "{days} days. Please pay all overdue items by {deadline}; otherwise new credit sales to you will "
               "be held until the account is settled. If you dispute any item, please contact us before then."),
    "last": ("尽管我司多次提醒和催告，截至 {日期}，贵司逾期款项 {金额} 元仍未结清，最长已逾期 {天数} 天。现正式通知：请于 {期限} "
             "前全额付款。逾期仍未付清的，我司将停止向贵司供货，并保留通过法律途径追收欠款及相关费用的权利。",
             "Despite our reminders and demand, as of {date} {amount} is still past due, the oldest by {days} "
             "days. This is our final notice: please pay in full by {deadline}. If the account is not settled "
             "by then, we will stop deliveries and reserve the right to recover the debt and its costs by "
             "legal means."),
}
L = {
    "date": ("日期：{date}", "Date: {date}"),
    "dear": ("尊敬的客户：", "Dear customer,"),
    "attached": ("附：截至 {date} 未结清明细", "Attached: open items as of {date}"),
    "contact": ("如有疑问，请联系：{who}", "Questions: {who}"),
    "seal": ("（公章）", "(company seal)"),
}
#: days the customer is given to pay, from the letter's date
PAY_WITHIN = 7
_PLACEHOLDER = re.compile(r"\{(金额|天数|日期|期限|客户|amount|days|date|deadline|customer)\}")
_NAMES = {"金额": "amount", "天数": "days", "日期": "date", "期限": "deadline", "客户": "customer"}


def fill(text: str, values: dict[str, str]) -> str:
    """The wording with its known placeholders filled in; any other brace is left as typed."""
    return _PLACEHOLDER.sub(lambda m: values[_NAMES.get(m.group(1), m.group(1))], text)


def title(level: int, bounds: tuple[int, ...], lang: Lang) -> str:
    return pick(TITLES, dunning.stage(level, bounds) or "first", lang)


def letter_sheet(st: Statement, party: Party, co: Company, levels: tuple[int, ...], lang: Lang, tab: str, *,
                 wording: dict[str, str | None] | None = None, attention: str | None = None) -> OutputSheet:
    """The letter at ``st.level`` (≥ 1); ``wording``: 设置's text per stage (None: built-in)."""
    stage = dunning.stage(st.level, levels) or "first"
    page = Page()
    page.letterhead(co, lang)
    page.full(pick(TITLES, stage, lang), "doc_title", 30)
    page.add([None] * 5 + [Styled(t("date", lang, date=st.as_of.isoformat()), "text")], [(6, 7)])
    page.blank()
    customer_block(page, party, attention, lang, limit=False)
    page.blank(14)
    page.para(t("dear", lang))
    values = {"amount": money(st.overdue), "days": str(st.max_days),
              "date": st.as_of.isoformat(), "deadline": (st.as_of + dt.timedelta(days=PAY_WITHIN)).isoformat(),
              "customer": party.name or party.customer_id}
    text = (wording or {}).get(stage) or word(lang, *BODY[stage])
    for part in fill(text, values).split("\n"):
        page.para("　　" + part.strip() if lang == "zh" else part.strip())
    page.blank(14)
    open_items(page, st, lang, t("attached", lang, date=st.as_of.isoformat()))
    page.blank()
    page.remittance(co, lang)
    page.blank()
    page.para(t("contact", lang, who=co.contact or "、".join(x for x in (party.owner, co.phone) if x) or "—"))
    page.blank(24)
    first = len(page.rows)
    page.add([None] * 4 + [Styled(co.name, "para")] + [None] * (COLS - 5), [(5, 7)], 20)
    page.add([None] * 4 + [Styled(t("seal", lang), "small")] + [None] * (COLS - 5), [(5, 7)], 30)
    page.add([None] * 4 + [Styled(st.as_of.isoformat(), "para")] + [None] * (COLS - 5), [(5, 7)], 20)
    page.keep_together(first, len(page.rows))
    return page.sheet(S.STATEMENT.key, tab)


def t(key: str, lang: Lang, **kw: Any) -> str:
    return pick(L, key, lang, **kw)
