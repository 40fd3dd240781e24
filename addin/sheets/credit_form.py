"""授信申请: a printable A4 credit application for one customer."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.aging import CustomerAging
from ..i18n import pick
from ..core.credit import BENCHMARKS, SCORE_KEYS, Assessment, ratio_points
from ..writes import OutputSheet, Styled
from ..writeback import label

L = {
    "title": ("客户授信申请表", "Credit Application"),
    "date": ("申请日期：{date}", "Date: {date}"),
    "s1": ("一、客户资料", "1. Customer"),
    "s2": ("二、财务指标（调查日期：{date}）", "2. Financial ratios (survey of {date})"),
    "s3": ("三、经营管理评分（1–5 分，5 为最好）", "3. Management scores (1–5, 5 is best)"),
    "s4": ("四、评定结果", "4. Assessment"),
    "ratio": ("指标", "Ratio"), "formula": ("计算", "Formula"), "value": ("数值", "Value"),
    "benchmark": ("参考标准", "Benchmark"), "points": ("得分（满分10）", "Points (of 10)"),
    "current_limit": ("现有授信额度", "Current limit"),
    "outstanding": ("当前未收余额", "Outstanding"), "overdue": ("其中逾期", "Of which overdue"),
    "max_days": ("最长逾期天数", "Oldest overdue (days)"),
    "rule": ("按批准的信用额度进行交易，超出批准额度的部分必须现金交易或有担保品。",
             "Trade within the approved limit; any amount above it is cash or secured."),
    "applicant": ("申请人（业务员）：____________", "Applicant (rep): ____________"),
    "approver_sign": ("审批人（{who}）：____________", "Approver ({who}): ____________"),
    "sign_date": ("日期：________", "Date: ________"),
}
FORMULA = {
    "quick_ratio": ("速动资产 / 流动负债", "quick assets / current liabilities", "≈ 1"),
    "debt_ratio": ("负债总额 / 期末资产总额", "total liabilities / assets", "≈ 50%"),
    "asset_turnover": ("销售收入 / 平均资产总额", "revenue / average assets", "≥ 1"),
    "net_margin": ("净利润 / 销售收入", "net profit / revenue", "≈ 15%"),
}


ROW_HEIGHT = 20


def t(key: str, lang: Lang, **kw: Any) -> str:
    return pick(L, key, lang, **kw)


def credit_form_sheet(customer: S.Record, survey: S.Record, a: Assessment, ledger: CustomerAging | None,
                      as_of: dt.date, lang: Lang, tab: str) -> OutputSheet:
    card = customer
    C, V = S.CUSTOMERS, S.SURVEY
    rows: list[list[Any]] = []
    merges: list[tuple[int, int, int, int]] = []
    heights: dict[int, float] = {}

    def add(cells: list[Any], merge: list[tuple[int, int]] | None = None, height: float | None = None) -> None:
        rows.append(cells + [None] * (6 - len(cells)))
        r = len(rows)
        for c1, c2 in merge or []:
            merges.append((r, c1, r, c2))
        heights[r] = height or ROW_HEIGHT

    def lab(key: str, col=C) -> Styled:
        return Styled(col.col(key).header(lang), "label")

    def val(v: Any, style: str = "box_text") -> Styled:
        return Styled(v, style)

    def section(text: str) -> None:
        add([Styled(text, "section")] + [Styled(None, "section")] * 5, [(1, 6)], 20)

    add([Styled(t("title", lang), "title")], [(1, 6)], 32)
    add([Styled(t("date", lang, date=as_of.isoformat()), "subtitle")], [(1, 6)])
    section(t("s1", lang))
    add([lab("customer_id"), val(card.get("customer_id")), lab("name"), val(card.get("name")), val(None),
         val(None)], [(4, 6)])
    add([lab("owner"), val(card.get("owner")), lab("ownership"), val(label(C.col("ownership"),
                                                                            card.get("ownership"), lang)),
         lab("region"), val(card.get("region"))])
    add([lab("industry"), val(card.get("industry")), lab("key_person"), val(card.get("key_person")),
         lab("title"), val(card.get("title"))])
    add([lab("phone"), val(card.get("phone")), lab("email"), val(card.get("email")), val(None), val(None)],
        [(4, 6)])
    add([lab("annual_sales"), val(card.get("annual_sales"), "box_money"), lab("payment_terms"),
         val(card.get("payment_terms"), "box_int"), Styled(t("current_limit", lang), "label"),
         val(card.get("credit_limit"), "box_money")])

    section(t("s2", lang, date=survey.survey_date.isoformat()))
    add([Styled(t(k, lang), "header") for k in ("ratio", "formula")] + [Styled(None, "header")]
        + [Styled(t(k, lang), "header") for k in ("value", "benchmark", "points")], [(2, 3)])
    points = ratio_points(a.ratios)
    for key in BENCHMARKS:
        zh, en, bench = FORMULA[key]
        v = getattr(a.ratios, key)
        style = "box_percent" if V.col(key).kind.value == "percent" else "box_number"
        add([lab(key, V), val(zh if lang == "zh" else en), val(None), val(v, style), val(bench),
             val(round(points[key] * 10, 1), "box_number")], [(2, 3)])

    section(t("s3", lang))
    for k in range(0, len(SCORE_KEYS), 2):
        left = SCORE_KEYS[k]
        cells = [lab(left, V), Styled(None, "label"), val(survey.get(left), "box_int")]
        if k + 1 < len(SCORE_KEYS):
            right = SCORE_KEYS[k + 1]
            cells += [lab(right, V), Styled(None, "label"), val(survey.get(right), "box_int")]
            add(cells, [(1, 2), (4, 5)])
        else:
            add(cells + [val(None)] * 3, [(1, 2), (4, 6)])

    section(t("s4", lang))
    add([lab("credit_score", V), val(a.score, "box_number"), lab("credit_grade", V), val(a.grade),
         lab("approver", V), val(label(V.col("approver"), a.approver, lang))])
    add([lab("requested_limit", V), val(survey.get("requested_limit"), "box_money"), lab("suggested_limit", V),
         val(a.suggested, "box_money"), val(None), val(None)], [(5, 6)])
    add([Styled(t("outstanding", lang), "label"), val(ledger.outstanding if ledger else 0.0, "box_money"),
         Styled(t("overdue", lang), "label"), val(ledger.overdue if ledger else 0.0, "box_money"),
         Styled(t("max_days", lang), "label"), val(ledger.max_days if ledger else 0, "box_int")])
    add([Styled(t("rule", lang), "note")], [(1, 6)], 30)
    add([None])
    add([Styled(t("applicant", lang), "text"), None, None, Styled(t("sign_date", lang), "text")], [(1, 3)], 24)
    who = label(V.col("approver"), a.approver, lang)
    add([Styled(t("approver_sign", lang, who=who), "text"), None, None, Styled(t("sign_date", lang), "text")],
        [(1, 3)], 24)
    return OutputSheet(S.CREDIT_FORM.key, tab, rows, widths=[16, 18, 14, 18, 16, 18],
                       column_styles=["text"] * 6, merges=merges, row_heights=heights)
