"""订单's 检查说明 and the call list's reason for a held order, in the workbook's language."""
from __future__ import annotations

from sheets_schema import SURVEY, Lang

from ..core.orders import NEEDS_APPROVAL, OVER_LIMIT, OVERDUE_HOLD, PASS, Check
from ..i18n import pick

NOTE = {
    PASS: ("占用 ¥{exposure:,.2f}，额度 ¥{limit:,.2f} 以内", "Uses ¥{exposure:,.2f} of the ¥{limit:,.2f} limit"),
    OVER_LIMIT: ("占用 ¥{exposure:,.2f} 超过额度 ¥{limit:,.2f}：超出 ¥{excess:,.2f}，需{who}审批",
                 "Uses ¥{exposure:,.2f}, over the ¥{limit:,.2f} limit by ¥{excess:,.2f}: needs the {who}'s approval"),
    NEEDS_APPROVAL: ("未授信：赊销 ¥{excess:,.2f} 需{who}审批（或现金交易、有担保品）",
                     "No credit limit: ¥{excess:,.2f} on credit needs the {who}'s approval (or cash / secured)"),
    OVERDUE_HOLD: ("逾期 {days} 天 ¥{overdue:,.2f}，超过暂停发货逾期天数 {hold} 天：先收款再发货",
                   "¥{overdue:,.2f} overdue {days} days, beyond the {hold}-day hold: collect before shipping"),
}
REASON = {
    OVER_LIMIT: ("订单超额度待审批 ¥{amount:,.2f}（需{who}审批）", "Order over the limit ¥{amount:,.2f} (needs the {who})"),
    NEEDS_APPROVAL: ("未授信订单待审批 ¥{amount:,.2f}（需{who}审批）",
                     "Order without a credit limit ¥{amount:,.2f} (needs the {who})"),
    OVERDUE_HOLD: ("订单逾期暂停发货 ¥{amount:,.2f}：先收回逾期{days}天的欠款",
                   "Order held ¥{amount:,.2f}: collect the debt {days} days overdue first"),
}


def _who(key: str | None, lang: Lang) -> str:
    return SURVEY.col("approver").choice(key).label(lang) if key else ""


def check_note(c: Check, hold_days: int, lang: Lang) -> str:
    return pick(NOTE, c.outcome, lang, exposure=c.exposure, limit=c.limit, excess=c.excess, who=_who(c.approver, lang),
                days=c.max_days, overdue=c.overdue, hold=hold_days)


def held_text(outcome: str, amount: float, approver: str | None, days: int, lang: Lang) -> str:
    """The call list's reason for a customer whose open orders are held."""
    return pick(REASON, outcome, lang, amount=amount, who=_who(approver, lang), days=days)
