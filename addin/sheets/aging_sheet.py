"""账龄分析: the aging table (shared by the workbook sheet and the exports)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core import dunning
from ..core.aging import DSO_DAYS, FORECAST_WEEKS, AgingReport, CustomerAging
from ..i18n import pick
from ..writes import OutputSheet, Styled, kind_style

OVER = {"yes": ("是", "Yes"), "no": ("否", "No"), "unlimited": ("未授信", "No limit")}
WORDS = {
    "title": ("应收账款账龄分析 · 截至 {date}（按{basis}）", "Receivables aging · as of {date} (by {basis})"),
    "due": ("到期日", "due date"), "invoice": ("开票日期", "invoice date"),
    "total": ("合计", "Total"), "share": ("占比", "Share"),
    "owners": ("按承办人汇总", "By owner"), "owner": ("承办人", "Owner"),
    "customers": ("共 {n} 户", "{n} customers"),
    "over_n": ("超额度 {n} 户", "{n} over the limit"), "chased_n": ("催收 {n} 户", "{n} chased"),
    "finance": ("财务指标", "Finance figures"),
    "dso": ("应收账款周转天数 DSO（近 {n} 天开票）", "DSO (invoicing of the last {n} days)"),
    "sales": ("近 {n} 天开票金额", "Invoiced in the last {n} days"),
    "over90": ("逾期 90 天以上占比", "Share over 90 days overdue"),
    "forecast": ("预计回款（未来 {n} 周）", "Expected collections (next {n} weeks)"),
    "week": ("周", "Week"), "from": ("起", "From"), "to": ("止", "To"),
    "week_due": ("本周到期", "Falling due"), "expected": ("预计回款", "Expected"),
    "later": ("{n} 周以后", "After {n} weeks"), "sum": ("合计", "Total"),
    "forecast_note": ("未到期金额按到期所在周计 100%；已逾期金额按回收率计，逾期 N 天的在今后 N 天内平均收回（越久越慢），"
                      "超过回收率最后一档（默认 365 天）的全部计入以后。预计回款合计 = 未收借方金额 − 坏账准备。",
                      "Amounts not yet due count at 100 % in the week they fall due; overdue amounts at their "
                      "recovery rate, spread evenly over as many days again as they are late (the older, the "
                      "slower); beyond the last recovery bound (365 days by default) all later. Total expected = "
                      "open debits − allowance."),
}
DUNNING = {
    "first": ("提醒", "Reminder"), "middle": ("催告", "Demand"), "last": ("最后通知", "Final notice"),
}
NEXT_ACTION = {
    "first": ("电话提醒，寄送对账单", "Call and send a statement"),
    "middle": ("发催告函，暂停新增赊销", "Send a demand letter; hold new credit sales"),
    "last": ("发最后通知，停止发货，准备法律途径", "Send a final notice; stop shipping; prepare legal action"),
}


def w(key: str, lang: Lang, **kw: Any) -> str:
    return pick(WORDS, key, lang, **kw)


def dunning_label(level: int, bounds: tuple[int, ...], lang: Lang) -> str | None:
    """``2 催告``; None when the customer is not chased."""
    stage = dunning.stage(level, bounds)
    return None if stage is None else f"{level} {pick(DUNNING, stage, lang)}"


def next_action(level: int, bounds: tuple[int, ...], lang: Lang) -> str | None:
    stage = dunning.stage(level, bounds)
    return None if stage is None else pick(NEXT_ACTION, stage, lang)


@dataclass
class AgingTable:
    title: str
    columns: tuple  # sheets_schema Columns
    headers: list[str]
    body: list[list[Any]]
    total: list[Any]
    share: list[Any]
    owner_headers: list[str]
    owners: list[list[Any]]
    bucket_headers: list[str]
    bucket_totals: list[float]
    finance: list[list[Any]]  # label, value rows
    forecast_headers: list[str]
    forecast: list[list[Any]]  # week number, first day, last day, falling due, expected
    later_header: str = ""
    later: float = 0.0  # expected after the forecast's weeks
    sum_header: str = ""
    forecast_note: str = ""

    def forecast_grid(self) -> list[list[Any]]:
        """The forecast as printed, across: a header row of weeks (then later, total), a row falling
        due and a row expected; each row starts with its label."""
        due = [wk[3] for wk in self.forecast]
        exp = [wk[4] for wk in self.forecast]
        return [[self.forecast_headers[0]] + [f"{wk[1]:%m-%d}~{wk[2]:%m-%d}" for wk in self.forecast]
                + [self.later_header, self.sum_header],
                [self.forecast_headers[3], *due, None, _money(sum(due))],
                [self.forecast_headers[4], *exp, self.later, _money(sum(exp) + self.later)]]


def _money(x: float) -> float:
    return round(x + 0.0, 2)


def _amounts(c: CustomerAging) -> list[Any]:
    r = round  # _money, inline: once per customer per figure (50,000 customers)
    return [r(c.outstanding + 0.0, 2), r(c.not_due + 0.0, 2), *[r(b + 0.0, 2) for b in c.buckets],
            r(c.overdue + 0.0, 2), c.max_days or None, r(c.credits + 0.0, 2),
            r(c.outstanding - c.allowance + 0.0, 2), r(c.allowance + 0.0, 2)]


def aging_table(report: AgingReport, lang: Lang) -> AgingTable:
    columns = S.aging_columns(report.bounds, report.basis)
    headers = [c.header(lang) for c in columns]
    tail = 3  # 超额度, 催款等级, 下一步
    body = []
    over_words = {k: zh if lang == "zh" else en for k, (zh, en) in OVER.items()}
    # a dunning level's label and next step, worked out once per level (not once per customer)
    chase = {level: (dunning_label(level, report.bounds_dunning, lang), next_action(level, report.bounds_dunning, lang))
             for level in {c.dunning for c in report.customers}}
    for c in report.customers:
        body.append([c.customer_id, c.name, c.owner, c.credit_limit, *_amounts(c), over_words[c.over_limit],
                     *chase[c.dunning]])
    t = report.total
    over = sum(c.over_limit == "yes" for c in report.customers)
    chased = sum(c.dunning > 0 for c in report.customers)
    total = [w("total", lang), w("customers", lang, n=len(report.customers)), None, None, *_amounts(t),
             w("over_n", lang, n=over), w("chased_n", lang, n=chased), None]
    base = t.outstanding or 1.0
    amounts = _amounts(t)
    days_col = len(amounts) - 4
    share = [w("share", lang), None, None, None] + [
        (None if i == days_col else (x or 0.0) / base) for i, x in enumerate(amounts)] + [None] * tail
    owner_headers = [w("owner", lang), None, None, None] + headers[4:-tail] + [None] * tail
    owners = [[o.owner, None, None, None, *_amounts(o)] + [None] * tail for o in report.owners]
    nb = len(report.bounds) + 1
    finance = [[w("dso", lang, n=DSO_DAYS), report.dso],
               [w("sales", lang, n=DSO_DAYS), _money(report.sales_window)],
               [w("over90", lang), report.over_90_share]]
    forecast = [[k + 1, wk.start, wk.end, wk.due, wk.expected] for k, wk in enumerate(report.weeks)]
    return AgingTable(
        w("title", lang, date=report.as_of.isoformat(), basis=w(report.basis, lang)), columns, headers, body,
        total, share, owner_headers, owners, headers[6:6 + nb], [_money(b) for b in t.buckets], finance,
        [w(k, lang) for k in ("week", "from", "to", "week_due", "expected")], forecast,
        w("later", lang, n=FORECAST_WEEKS), _money(report.beyond), w("sum", lang), w("forecast_note", lang))


def aging_sheet(report: AgingReport, lang: Lang, tab: str) -> OutputSheet:
    t = aging_table(report, lang)
    n = len(t.headers)
    styles = [kind_style(c.kind) for c in t.columns]
    rows: list[list[Any]] = [[Styled(t.title, "title")] + [None] * (n - 1),
                             [Styled(h, "header") for h in t.headers]]
    rows += t.body
    money_end = n - 3
    rows.append([Styled(v, "total_text" if i < 4 or i >= money_end else "total_" + styles[i].split("_")[-1])
                 for i, v in enumerate(t.total)])
    rows.append([Styled(v, "total_percent" if isinstance(v, float) else "total_text") for v in t.share])
    blank = [Styled(None, "text")]  # a styled blank: no run of its own for the live engine
    rows.append(blank)
    sections = [len(rows) + 1]
    rows.append([Styled(t.owner_headers[0], "section")] + [Styled(h, "header") if h else None
                                                          for h in t.owner_headers[1:]])
    rows += t.owners
    rows.append(blank)
    gap = [Styled(None, "text")] * 3
    sections.append(len(rows) + 1)
    rows.append([Styled(w("finance", lang), "section")])
    for (label, value), style in zip(t.finance, ("box_number", "box_money", "box_percent")):
        rows.append([Styled(label, "text"), *gap, Styled(value, style)])
    rows.append(blank)
    # the forecast runs across: a row of weeks, a row falling due, a row expected
    sections.append(len(rows) + 1)
    rows.append([Styled(w("forecast", lang, n=FORECAST_WEEKS), "section")])
    head, due, exp = t.forecast_grid()
    rows.append([Styled(head[0], "header"), *gap] + [Styled(h, "header") for h in head[1:]])
    rows.append([Styled(due[0], "text"), *gap] + [Styled(v, "money") for v in due[1:]])
    rows.append([Styled(exp[0], "text"), *gap] + [Styled(v, "money") for v in exp[1:]])
    rows.append([Styled(t.forecast_note, "note")])
    merges = [(1, 1, 1, n), (len(rows), 1, len(rows), n)] + [(r, 1, r, 4) for r in sections]
    return OutputSheet(S.AGING.key, tab, rows, widths=[c.width for c in t.columns], column_styles=styles,
                       freeze_rows=2, merges=merges, row_heights={1: 24, 2: 30, len(rows): 30}, landscape=True,
                       repeat_rows=(1, 2))
