"""授信申请: a printable A4 credit application for one customer."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..core.aging import CustomerAging
from ..core.credit import BENCHMARKS, SCORE_KEYS, Assessment, add_months, chain, half_up, ratio_points
from ..i18n import pick
from ..writeback import label
from ..writes import OutputSheet, Styled
from .aging_sheet import dunning_label
from .resurvey import resurvey_text

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
    "dunning": ("催款等级", "Dunning level"), "resurvey": ("需复查", "Re-survey"),
    "none": ("无", "None"),
    "action": ("授信调整", "Limit action"), "amount": ("审批依据金额", "Approval amount"),
    "basis": ("审批人按申请额度与建议额度中较大者确定（下调或取消时含现有额度）：≤ {a} {la}，≤ {b} {lb}，"
              "≤ {c} {lc}，以上 {ld}。",
              "The approver follows the larger of the requested and suggested limit (with the current limit "
              "for a cut or cancellation): ≤ {a} {la}, ≤ {b} {lb}, ≤ {c} {lc}, above {ld}."),
    "decision_cut": ("下调授信：建议额度 {sug} 低于现有授信额度 {cur}，须下调；由{who}审批。",
                     "CUT: the suggested limit {sug} is below the current limit {cur}; the limit must be cut, "
                     "approved by the {who}."),
    "decision_cancel": ("取消授信：资不抵债（负债总额 {liab} 超过期末资产总额 {assets}），现有授信额度 {cur} "
                        "应取消，只做现金交易或有担保品的交易；由{who}审批。",
                        "CANCEL: negative equity (total liabilities {liab} exceed total assets {assets}); the "
                        "current limit {cur} is cancelled, cash or secured trade only; approved by the {who}."),
    "decision_cancel_new": ("不予授信：资不抵债（负债总额 {liab} 超过期末资产总额 {assets}），只做现金交易或有担保品的"
                            "交易；由{who}审批。",
                            "DECLINE: negative equity (total liabilities {liab} exceed total assets {assets}); "
                            "cash or secured trade only; approved by the {who}."),
    "s5": ("五、审批", "5. Approval"),
    "approved": ("核定额度", "Approved limit"), "valid": ("有效期", "Valid"),
    "valid_until": ("批准之日起至 {date}（调查日期起 {months} 个月）", "From approval until {date} ({months} months "
                    "from the survey)"),
    "valid_stale": ("调查已过期：须重新调查后核定", "Survey expired: re-survey before approving"),
    "opinion": ("审批意见", "Opinion"),
    "choices": ("□ 同意　　□ 调整后同意（核定额度见上）　　□ 不同意", "□ Approved   □ Approved as amended (limit "
                "above)   □ Declined"),
    "applicant": ("申请人（业务员）签字：____________", "Applicant (rep): ____________"),
    "review_sign": ("{who}（审核）签字：____________", "{who} (review): ____________"),
    "approver_sign": ("{who}（审批）签字：____________", "{who} (approval): ____________"),
    "sign_date": ("日期：________", "Date: ________"),
}
ACTION_STYLE = {"cut": "error", "cancel": "error"}
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
                      as_of: dt.date, lang: Lang, tab: str, *, limits: tuple[float, float, float],
                      resurvey: tuple[str, ...] = (), resurvey_months: int = 12,
                      dunning_bounds: tuple[int, ...] = (30, 60)) -> OutputSheet:
    """``limits``: the 设置 approval limits (客户经理, 直销部经理, 地区公司经理); ``resurvey``: the
    reasons (core.credit.resurvey_reasons codes) the customer's survey is due again."""
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
    points = a.points or ratio_points(a.ratios, a.turnover_benchmark)
    for key in BENCHMARKS:
        zh, en, bench = FORMULA[key]
        if key == "asset_turnover":
            bench = f"≥ {a.turnover_benchmark:g}"
        v = getattr(a.ratios, key)
        style = "box_percent" if V.col(key).kind.value == "percent" else "box_number"
        add([lab(key, V), val(zh if lang == "zh" else en), val(None), val(v, style), val(bench),
             val(half_up(points[key] * 10), "box_number")], [(2, 3)])

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
    who = label(V.col("approver"), a.approver, lang)
    add([lab("credit_score", V), val(a.score, "box_number"), lab("credit_grade", V), val(a.grade),
         lab("approver", V), val(who)])
    add([lab("requested_limit", V), val(survey.get("requested_limit"), "box_money"), lab("suggested_limit", V),
         val(a.suggested, "box_money"), Styled(t("current_limit", lang), "label"), val(a.current, "box_money")])
    add([Styled(t("action", lang), "label"), val(label(V.col("limit_action"), a.action, lang)),
         Styled(t("amount", lang), "label"), val(a.amount, "box_money"), val(None), val(None)], [(5, 6)])
    add([Styled(t("outstanding", lang), "label"), val(ledger.outstanding if ledger else 0.0, "box_money"),
         Styled(t("overdue", lang), "label"), val(ledger.overdue if ledger else 0.0, "box_money"),
         Styled(t("max_days", lang), "label"), val(ledger.max_days if ledger else 0, "box_int")])
    level = dunning_label(ledger.dunning, dunning_bounds, lang) if ledger else None
    again = resurvey_text(resurvey, resurvey_months, lang) if resurvey else None
    add([Styled(t("dunning", lang), "label"), val(level or t("none", lang)), Styled(t("resurvey", lang), "label"),
         val(again or t("none", lang)), val(None), val(None)], [(4, 6)], 24 if again else None)
    money = "{:,.2f}".format
    if a.action in ACTION_STYLE:
        key = "decision_" + a.action + ("_new" if a.action == "cancel" and not a.current else "")
        text = t(key, lang, sug=money(a.suggested), cur=money(a.current or 0.0), who=who,
                 liab=money(survey.get("total_liabilities") or 0.0), assets=money(survey.get("assets_end") or 0.0))
        add([Styled(text, "decision")] + [Styled(None, "decision")] * 5, [(1, 6)], 36)
    names = [label(V.col("approver"), k, lang) for k in ("account_manager", "direct_sales_manager",
                                                           "regional_manager", "general_manager")]
    add([Styled(t("basis", lang, a=money(limits[0]), b=money(limits[1]), c=money(limits[2]), la=names[0],
                  lb=names[1], lc=names[2], ld=names[3]), "note")], [(1, 6)], 30)
    add([Styled(t("rule", lang), "note")], [(1, 6)], 20)

    section(t("s5", lang))
    until = add_months(survey.survey_date, resurvey_months)
    valid = (t("valid_until", lang, date=until.isoformat(), months=resurvey_months) if until >= as_of
             else t("valid_stale", lang))
    add([Styled(t("approved", lang), "label"), val(None, "box_money"), Styled(t("valid", lang), "label"),
         val(valid), val(None), val(None)], [(4, 6)], 24)
    add([Styled(t("opinion", lang), "label"), val(t("choices", lang))] + [val(None)] * 4, [(2, 6)], 22)
    add([Styled(None, "label")] + [val(None)] * 5, [(2, 6)], 48)
    add([None], height=10)
    add([Styled(t("applicant", lang), "text"), None, None, Styled(t("sign_date", lang), "text")], [(1, 3)], 26)
    levels = chain(a.approver)
    for k in levels:
        name = label(V.col("approver"), k, lang)
        key = "approver_sign" if k == levels[-1] else "review_sign"
        add([Styled(t(key, lang, who=name), "text"), None, None, Styled(t("sign_date", lang), "text")], [(1, 3)], 26)
    # English labels are longer ("Oldest overdue (days)"): wider label columns, narrower values
    widths = [16, 18, 14, 18, 16, 18] if lang == "zh" else [18, 15, 22, 15, 22, 19]
    return OutputSheet(S.CREDIT_FORM.key, tab, rows, widths=widths,
                       column_styles=["text"] * 6, merges=merges, row_heights=heights)
