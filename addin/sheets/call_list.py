"""今日拨打: the per-rep call lists as one output sheet."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.calls import MonthCoverage, Priority, Reason
from ..i18n import pick
from ..writeback import label
from ..writes import OutputSheet, Styled, kind_style
from .dunning_log import DOCUMENTS
from .order_check import held_text
from .resurvey import resurvey_text

TITLE = {"zh": "今日拨打清单 · {date}", "en": "Call list · {date}"}
MONTH = {"zh": "本月已联系 {reps} · 剩余 {days} 个工作日", "en": "Contacted this month: {reps} · {days} working days left"}
#: a rep whose month cannot reach the book: who the shortfall falls on
SHORT = {"zh": "{rep} 本月名额不足：先A后B，预计联系不到 {missed}",
         "en": "{rep}: the month is short — A first, then B; expected not reached: {missed}"}
UNDONE = {"zh": "昨日未完成 {n}", "en": "Not done on the last list: {n}"}
REASONS = {
    "planned_today": ("计划今日回访", "Planned call today"),
    "planned_overdue": ("计划回访已逾期{days}天", "Planned call {days} days overdue"),
    "planned_stale": ("计划回访已逾期{days}天（已过期）", "Planned call {days} days overdue (stale)"),
    "undone": ("昨日未完成", "Not done on the last list"),
    "not_listed": ("今日未列入：名额已满", "Not on today's list: the day is full"),
    "tried": ("已拨{tries}次未接通（最近{date}）", "{tries} unanswered calls (last {date})"),
    "promise_today": ("承诺今日付款 {amount}", "Promised to pay today {amount}"),
    "promise_waiting": ("承诺{date}付款 {amount}，届时再催", "Promised to pay {amount} by {date}: collections wait"),
    "promise_broken": ("承诺付款已逾期（{date} {amount}）", "Promise to pay broken ({date} {amount})"),
    "stage5": ("销售进程5：已传合同", "Stage 5: contract sent"),
    "stage4": ("销售进程4：有选择我方的意向", "Stage 4: intends to choose us"),
    "expired_on": ("合同已于{date}到期", "Contract expired on {date}"),
    "expired": ("合同已到期", "Contract expired"),
    "very_likely": ("成交可能性很大", "Very likely to close"),
    "good": ("成交意向好", "Good intent"),
    "receivable_overdue": ("应收逾期{days}天 ¥{amount:,.2f}", "Receivable {days} days overdue ¥{amount:,.2f}"),
    "receivable_due": ("{days}天后到期，事前提醒 ¥{amount:,.2f}", "¥{amount:,.2f} falls due in {days} days: reminder"),
    "receivable_due_today": ("今日到期，事前提醒 ¥{amount:,.2f}", "¥{amount:,.2f} falls due today: reminder"),
    "month_uncovered": ("本月尚未联系", "Not yet contacted this month"),
    "resurvey": ("信用需复查：{why}", "Credit to re-survey: {why}"),
    "waiting": ("{grade}类客户{days}天未联系", "{grade} customer not contacted for {days} days"),
    "never": ("{grade}类客户从未联系", "{grade} customer never contacted"),
    "ahead": ("提前安排（{days}天后到期）", "Ahead of time (due in {days} days)"),
    "birthday_today": ("今天生日", "Birthday today"),
    "birthday": ("{month}月{day}日生日（{days}天后）", "Birthday on {month:02d}-{day:02d} (in {days} days)"),
    "problems": ("资料待修正：{columns}", "Data to fix: {columns}"),
    "letter_sent": ("已发{letter} {days} 天", "{letter} sent {days} days ago"),
    "letter_sent_today": ("今日已发{letter}", "{letter} sent today"),
}
SEP = {"zh": "；", "en": "; "}
#: 热度 in one character, so that it never reads as the ABC grade (热A and A类 are different scales)
HEAT = {"zh": {"hot": "热", "warm": "温", "cold": "冷", "denial": "拒"},
        "en": {"hot": "Hot", "warm": "Warm", "cold": "Cold", "denial": "Denial"}}
NO_CARD, NO_FUNNEL = S.blank(S.CUSTOMERS), S.blank(S.FUNNEL)


def reason_words(reason: Reason, lang: Lang) -> str:
    kw = reason.kw
    code = reason.code
    if isinstance(kw.get("date"), dt.date):
        kw["date"] = kw["date"].isoformat()
    if code == "receivable_due" and kw.get("days") == 0:
        code = "receivable_due_today"
    if "amount" in kw and code.startswith("promise"):
        kw["amount"] = "" if kw["amount"] is None else f"¥{kw['amount']:,.2f}"
    if code == "resurvey":
        kw["why"] = resurvey_text(kw["why"], kw.get("months", 12), lang)
    if code == "order_held":
        return held_text(kw["outcome"], kw["amount"], kw["who"], kw["days"], lang)
    if code == "letter_sent":
        kw["letter"] = pick(DOCUMENTS, kw["letter"], lang)
        if kw["days"] == 0:
            code = "letter_sent_today"
    if code == "problems":
        names = [S.BY_KEY[sheet].col(key).header(lang) for sheet, _, key in (x.partition(".") for x in kw["columns"])]
        kw["columns"] = ("、" if lang == "zh" else ", ").join(dict.fromkeys(names))
    return pick(REASONS, code, lang, **kw)


def month_text(months: dict[str, MonthCoverage], lang: Lang) -> str:
    """`本月已联系 张伟 412/980、李娜 300/1000 · 剩余 9 个工作日 · 昨日未完成 张伟 12 · 李娜 本月名额不足：…`."""
    if not months:
        return ""
    sep = "、" if lang == "zh" else ", "
    reps = sep.join(f"{rep} {m.contacted}/{m.book}" for rep, m in months.items())
    parts = [MONTH[lang].format(reps=reps, days=next(iter(months.values())).days_left)]
    undone = [(rep, m.undone) for rep, m in months.items() if m.undone]
    if undone:
        parts.append(UNDONE[lang].format(n=sep.join(f"{rep} {n}" for rep, n in undone) if len(months) > 1
                                         else undone[0][1]))
    for rep, m in months.items():
        if m.short:
            missed = sep.join(f"{g}{'类' if lang == 'zh' else ' '}{n}" for g, n in m.missed.items() if n)
            parts.append(SHORT[lang].format(rep=rep, missed=missed))
    return " · ".join(parts)


#: reasons whose words hold an amount: not remembered (each amount is its own, and 0.0 == -0.0 as a key
#: though they print differently)
AMOUNTS = frozenset({"promise_today", "promise_waiting", "promise_broken", "receivable_overdue", "receivable_due",
                     "order_held"})
#: (reason, lang) → its words: most reasons repeat (未联系 N 天, 计划今日回访…) across 50,000 customers
_WORDS: dict[tuple[Reason, Lang], str] = {}
WORDS_LIMIT = 100_000


def _words(reason: Reason, lang: Lang) -> str:
    """reason_words, remembered for the reasons without an amount."""
    if reason.code in AMOUNTS:
        return reason_words(reason, lang)
    key = (reason, lang)
    try:
        return _WORDS[key]
    except KeyError:
        text = reason_words(reason, lang)
        if len(_WORDS) >= WORDS_LIMIT:
            _WORDS.clear()
        _WORDS[key] = text
        return text
    except TypeError:  # a parameter that cannot be a key (a list): said afresh
        return reason_words(reason, lang)


#: (reasons, lang) → the entry's text, for the entries without an amount: many customers share theirs
_TEXTS: dict[tuple[tuple[Reason, ...], Lang], str] = {}


def reason_text(p: Priority, lang: Lang) -> str:
    """Every reason of an entry, in the workbook's language (remembered when no reason holds an
    amount: an entry whose reasons equal a remembered one's holds no amount either)."""
    key = (p.reasons, lang)
    try:
        text = _TEXTS.get(key)
    except TypeError:  # a parameter that cannot be a key (a list): said afresh
        return SEP[lang].join([reason_words(r, lang) for r in p.reasons])
    if text is None:
        text = SEP[lang].join([_words(r, lang) for r in p.reasons])
        if not any(r.code in AMOUNTS for r in p.reasons):
            if len(_TEXTS) >= WORDS_LIMIT:
                _TEXTS.clear()
            _TEXTS[key] = text
    return text


def page_scale(spec: S.SheetSpec, page_pt: float = 770.0) -> int:
    """The print scale (%) at which every column fits an A4 landscape page (0.5" margins: 770 pt):
    a column w characters wide prints about 7.6 w points at 100 % (measured: LibreOffice printed
    199 characters of columns across the page at 53 %)."""
    width = sum(7.6 * c.width for c in spec.columns)
    return max(10, min(100, int(100 * page_pt / width)))


def call_list_sheet(lists: dict[str, list[Priority]], customers: dict[str, S.Record],
                    funnel: dict[str, S.Record], months: dict[str, MonthCoverage], as_of: dt.date, lang: Lang,
                    tab: str) -> OutputSheet:
    spec = S.CALL_LIST
    ncol = len(spec.columns)
    title = " · ".join(x for x in (TITLE[lang].format(date=as_of.isoformat()), month_text(months, lang)) if x)
    rows: list[list[Any]] = [[Styled(title, "title")] + [None] * (ncol - 1),
                             [Styled(h, "header") for h in spec.headers(lang)]]
    col = {c.key: c for c in spec.columns}
    breaks: list[int] = []
    for rep, entries in lists.items():
        if len(rows) > 2 and entries:
            breaks.append(len(rows))  # one rep per printed page (the header rows repeat on each)
        for rank, p in enumerate(entries, start=1):
            c = customers.get(p.customer_id) or NO_CARD
            f = funnel.get(p.customer_id) or NO_FUNNEL
            rows.append([
                rank, rep, p.customer_id, c.get("name"), c.get("key_person"), c.get("phone"), p.grade,
                HEAT[lang].get(p.heat or "", ""),
                label(S.FUNNEL.col("stage"), f.get("stage"), lang),
                label(S.FUNNEL.col("intent"), f.get("intent"), lang),
                p.score, reason_text(p, lang),
                label(col["slot"], "morning" if p.grade == "A" else "afternoon", lang),
                p.last_contact, None, None, None, None,
            ])
    styles = [kind_style(c.kind) if not c.choices else "text" for c in spec.columns]
    styles[-4:] = ["input_text", kind_style(S.Kind.MONEY, "input_"), "input_date", "input_date"]
    outcome = [c.key for c in spec.columns].index("outcome") + 1
    choices = tuple(S.CONTACTS.col("outcome").choice_labels(lang))
    lists = [((3, outcome, max(3, len(rows)), outcome), choices)]
    return OutputSheet(spec.key, tab, rows, widths=[c.width for c in spec.columns], column_styles=styles,
                       freeze_rows=2, merges=[(1, 1, 1, ncol)], row_heights={1: 24}, landscape=True,
                       repeat_rows=(1, 2), lists=lists, row_breaks=breaks, print_scale=page_scale(spec))
