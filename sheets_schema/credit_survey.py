"""信用调查 Credit Survey — one row per customer survey."""
from __future__ import annotations

from .base import Choice, Column, Kind, SheetSpec, col

APPROVER = (
    Choice("account_manager", "客户经理", "客戶經理", "Account Manager"),
    Choice("direct_sales_manager", "直销部经理", "直銷部經理", "Direct Sales Manager"),
    Choice("regional_manager", "地区公司经理", "地區公司經理", "Regional Manager"),
    Choice("general_manager", "总经理", "總經理", "General Manager"),
)

#: what a survey's application does to the card's 授信额度 (core.credit.limit_action)
LIMIT_ACTION = (
    Choice("new", "新增授信", "新增授信", "New"),
    Choice("keep", "维持", "維持", "Keep"),
    Choice("raise", "调增", "調增", "Raise"),
    Choice("cut", "下调", "下調", "Cut"),
    Choice("cancel", "取消授信", "取消授信", "Cancel"),
)

CREDIT_GRADE = (
    Choice("AAA", "AAA", "AAA", "AAA"),
    Choice("AA", "AA", "AA", "AA"),
    Choice("A", "A", "A", "A"),
    Choice("B", "B", "B", "B"),
    Choice("C", "C", "C", "C"),
)


def _score(key: str, zh: str, hant: str, en: str) -> Column:
    return col(key, zh, hant, en, Kind.INT, min=1, max=5, width=8)


SCORES = (
    _score("s_principal", "负责人信用", "負責人信用", "Principal Credit"),
    _score("s_scale", "企业规模及性质", "企業規模及性質", "Scale & Ownership"),
    _score("s_sales", "销售能力", "銷售能力", "Sales Capability"),
    _score("s_know_how", "经营技术", "經營技術", "Operating Know-how"),
    _score("s_capital", "近三年资本增长", "近三年資本增長", "Capital Growth (3y)"),
    _score("s_profit", "近三年盈利", "近三年盈利", "Profitability (3y)"),
    _score("s_staff", "员工抱怨", "員工抱怨", "Staff Complaints"),
    _score("s_suppliers", "供料客户评价", "供料客戶評價", "Supplier Rating"),
    _score("s_bank", "银行往来信用", "銀行往來信用", "Bank Credit"),
    _score("s_peers", "同业信用评价", "同業信用評價", "Peer Rating"),
    _score("s_industry", "行业景气", "行業景氣", "Industry Outlook"),
)

SHEET = SheetSpec(
    "survey", "信用调查", "信用調查", "Credit Survey",
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("survey_date", "调查日期", "調查日期", "Survey Date", Kind.DATE, required=True, width=11),
        col("quick_assets", "速动资产", "速動資產", "Quick Assets", Kind.MONEY, min=0, width=13),
        col("current_liabilities", "流动负债", "流動負債", "Current Liabilities", Kind.MONEY, min=0, width=13),
        col("total_liabilities", "负债总额", "負債總額", "Total Liabilities", Kind.MONEY, min=0, width=13),
        col("assets_begin", "期初资产总额", "期初資產總額", "Total Assets (Begin)", Kind.MONEY, min=0, width=13),
        col("assets_end", "期末资产总额", "期末資產總額", "Total Assets (End)", Kind.MONEY, min=0, width=13),
        col("revenue", "销售收入", "銷售收入", "Revenue", Kind.MONEY, min=0, width=13),
        col("net_profit", "净利润", "淨利潤", "Net Profit", Kind.MONEY, width=13),
        col("requested_limit", "申请额度", "申請額度", "Requested Limit", Kind.MONEY, min=0, width=13),
        *SCORES,
        col("quick_ratio", "速动比率", "速動比率", "Quick Ratio", Kind.NUMBER, computed=True, width=9),
        col("debt_ratio", "资产负债率", "資產負債率", "Debt Ratio", Kind.PERCENT, computed=True, width=10),
        col("asset_turnover", "总资产周转率", "總資產週轉率", "Asset Turnover", Kind.NUMBER, computed=True, width=10),
        col("net_margin", "销售净利率", "銷售淨利率", "Net Margin", Kind.PERCENT, computed=True, width=10),
        col("credit_score", "信用得分", "信用得分", "Credit Score", Kind.NUMBER, computed=True, width=9),
        col("credit_grade", "信用等级", "信用等級", "Credit Grade", Kind.CHOICE, choices=CREDIT_GRADE,
            computed=True, width=9),
        col("suggested_limit", "建议额度", "建議額度", "Suggested Limit", Kind.MONEY, computed=True, width=13),
        col("limit_action", "授信调整", "授信調整", "Limit Action", Kind.CHOICE, choices=LIMIT_ACTION, computed=True,
            width=10, note_zh="对客户资料卡现有授信额度的处理：建议额度低于现有额度为下调，资不抵债为取消授信。由插件计算填写，请勿手工修改。",
            note_en="What the application does to the card's credit limit: a suggestion below it is a cut, negative "
                    "equity a cancellation. Filled by the add-in."),
        col("approver", "审批人", "審批人", "Approver", Kind.CHOICE, choices=APPROVER, computed=True, width=12,
            note_zh="按申请额度与建议额度中较大者（下调或取消时含现有额度）对照设置中的审批上限确定。由插件计算填写，请勿手工修改。",
            note_en="By the larger of the requested and suggested limit (with the current limit for a cut or "
                    "cancellation) against the approval limits in Settings. Filled by the add-in."),
        col("resurvey", "需复查", "需複查", "Re-survey", computed=True, width=24,
            note_zh="客户最近一次调查需要复查的原因：调查超过间隔、超额度、逾期超过 90 天。由插件计算填写，请勿手工修改。",
            note_en="Why the customer's latest survey is due again: too old, over the limit, over 90 days overdue. "
                    "Filled by the add-in."),
    ),
)
