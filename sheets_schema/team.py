"""The manager's workbook (`crm team`): its sheets and their columns.

These sheets live only in the team workbook, a new file written whole; a rep's workbook never
holds them, so they are not among ALL_SHEETS (the loader never looks for them).
"""
from .base import Kind, SheetSpec, col

TEAM_OVERVIEW = SheetSpec(
    "team_overview", "团队概览", "團隊概覽", "Team Overview", output=True, titles=("团队概览", "Team overview"),
    columns=(
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("workbook", "工作簿", "工作簿", "Workbook", width=22),
        col("as_of", "采集基准日", "採集基準日", "Collected As Of", Kind.DATE, width=11),
        col("customers", "客户数", "客戶數", "Customers", Kind.INT, width=8),
        col("a_customers", "A类客户数", "A類客戶數", "A Customers", Kind.INT, width=9),
        col("coverage", "本月覆盖率", "本月覆蓋率", "Coverage This Month", Kind.PERCENT, width=10),
        col("contacts", "本月联系次数", "本月聯繫次數", "Contacts This Month", Kind.INT, width=10),
        col("attempts", "本月未接通", "本月未接通", "Unanswered", Kind.INT, width=11),
        col("pipeline", "阶段4-5预计金额", "階段4-5預計金額", "Stage 4-5 Pipeline", Kind.MONEY, width=14),
        col("forecast", "加权预测", "加權預測", "Weighted Forecast", Kind.MONEY, width=14),
        col("outstanding", "未收余额", "未收餘額", "Outstanding", Kind.MONEY, width=14),
        col("overdue", "逾期金额", "逾期金額", "Overdue", Kind.MONEY, width=14),
        col("over_limit", "超额度客户数", "超額度客戶數", "Over-limit Customers", Kind.INT, width=10),
    ),
)

DISPUTES = SheetSpec(
    "team_disputes", "归属争议", "歸屬爭議", "Ownership Disputes", output=True,
    titles=("客户归属争议", "Customers claimed by two reps"),
    columns=(
        col("match", "匹配依据", "匹配依據", "Matched By", width=16),
        col("owner_a", "业务员A", "業務員A", "Owner A", width=9),
        col("customer_a", "客户编号A", "客戶編號A", "Customer ID A", width=11),
        col("name_a", "客户名称A", "客戶名稱A", "Name A", width=24),
        col("last_contact_a", "上次联系A", "上次聯繫A", "Last Contact A", Kind.DATE, width=11),
        col("sales_a", "年销售额A", "年銷售額A", "Annual Sales A", Kind.MONEY, width=13),
        col("owner_b", "业务员B", "業務員B", "Owner B", width=9),
        col("customer_b", "客户编号B", "客戶編號B", "Customer ID B", width=11),
        col("name_b", "客户名称B", "客戶名稱B", "Name B", width=24),
        col("last_contact_b", "上次联系B", "上次聯繫B", "Last Contact B", Kind.DATE, width=11),
        col("sales_b", "年销售额B", "年銷售額B", "Annual Sales B", Kind.MONEY, width=13),
    ),
)

CONVERSION = SheetSpec(
    "team_conversion", "漏斗转化", "漏斗轉化", "Funnel Conversion", output=True,
    titles=("漏斗转化", "Funnel conversion"),
    columns=(
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("start", "期初漏斗客户", "期初漏斗客戶", "In Funnel at Start", Kind.INT, width=10),
        col("advanced", "前进", "前進", "Advanced", Kind.INT, width=8),
        col("unchanged", "不变", "不變", "Unchanged", Kind.INT, width=8),
        col("regressed", "后退", "後退", "Went Back", Kind.INT, width=8),
        col("entered", "新进漏斗", "新進漏斗", "Entered", Kind.INT, width=8),
        col("left", "离开漏斗", "離開漏斗", "Left", Kind.INT, width=8),
        col("won", "成交", "成交", "Won", Kind.INT, width=8),
        col("lost", "流失", "流失", "Lost", Kind.INT, width=8),
        col("won_rate", "成交率", "成交率", "Win Rate", Kind.PERCENT, width=8),
    ),
)

TEAM_AGING = SheetSpec(
    "team_aging", "账龄汇总", "賬齡匯總", "Aging by Rep", output=True, titles=("账龄汇总", "Aging by rep"),
    columns=(
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("outstanding", "未收余额", "未收餘額", "Outstanding", Kind.MONEY, width=14),
        col("not_due", "未到期", "未到期", "Not Due", Kind.MONEY, width=13),
        # bucket columns are generated from the boundaries (sheets_schema.bucket_columns)
        col("overdue", "逾期合计", "逾期合計", "Overdue Total", Kind.MONEY, width=14),
        col("overdue_share", "逾期占比", "逾期佔比", "Overdue Share", Kind.PERCENT, width=9),
    ),
)

TEAM_SHEETS = (TEAM_OVERVIEW, DISPUTES, CONVERSION, TEAM_AGING)
