"""The output sheets, regenerated whole by the add-in, and the registry of every sheet (SHEETS)."""
from . import contacts, credit_survey, customers, funnel, orders, payments, receivables, settings
from .base import Choice, Column, Kind, SheetSpec, col

SEVERITY = (
    Choice("error", "错误", "錯誤", "Error"),
    Choice("warning", "警告", "警告", "Warning"),
)

SLOT = (
    Choice("morning", "上午", "上午", "Morning"),
    Choice("afternoon", "下午", "下午", "Afternoon"),
)

VALIDATION = SheetSpec(
    "validation", "校验结果", "校驗結果", "Validation", output=True,
    columns=(
        col("severity", "严重性", "嚴重性", "Severity", Kind.CHOICE, choices=SEVERITY, width=8),
        col("sheet", "工作表", "工作表", "Sheet", width=12),
        col("cell", "单元格", "單元格", "Cell", width=8),
        col("column", "列", "列", "Column", width=14),
        col("value", "值", "值", "Value", width=20),
        col("message", "问题", "問題", "Message", width=70),
    ),
)

CALL_LIST = SheetSpec(
    "calls", "今日拨打", "今日撥打", "Call List", output=True, titles=("今日拨打清单", "Call list"),
    columns=(
        col("rank", "序号", "序號", "Rank", Kind.INT, width=6),
        col("owner", "业务员", "業務員", "Owner", width=9),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=11),
        col("name", "客户名称", "客戶名稱", "Name", width=24),
        col("key_person", "关键人", "關鍵人", "Key Person", width=9),
        col("phone", "电话", "電話", "Phone", width=17),  # +86 138 0000 0000
        col("abc", "ABC等级", "ABC等級", "ABC Grade", width=8),
        col("heat", "热度", "熱度", "Heat", width=7),
        col("stage", "销售进程", "銷售進程", "Stage", width=20),
        col("intent", "成交意向", "成交意向", "Intent", width=12),
        col("score", "优先分", "優先分", "Score", Kind.INT, width=7),
        col("reasons", "优先原因", "優先原因", "Reasons", width=64),
        col("slot", "建议时段", "建議時段", "Suggested Slot", Kind.CHOICE, choices=SLOT, width=8),
        col("last_contact", "上次联系", "上次聯繫", "Last Contact", Kind.DATE, width=11),
        col("outcome", "结果", "結果", "Outcome", width=16),
        col("promise_amount", "承诺金额", "承諾金額", "Promised Amount", Kind.MONEY, width=12),
        col("promise_date", "承诺日期", "承諾日期", "Promised Date", Kind.DATE, width=11),
        col("next_call", "下次拨打", "下次撥打", "Next Call", Kind.DATE, width=11),
    ),
)

AGING = SheetSpec(
    "aging", "账龄分析", "賬齡分析", "Aging", output=True, titles=("应收账款账龄分析", "Receivables aging"),
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=11),
        col("name", "客户名称", "客戶名稱", "Name", width=24),
        col("owner", "业务员", "業務員", "Owner", width=9),
        col("credit_limit", "授信额度", "授信額度", "Credit Limit", Kind.MONEY, width=13),
        col("outstanding", "未收余额", "未收餘額", "Outstanding", Kind.MONEY, width=13),
        col("not_due", "未到期", "未到期", "Not Due", Kind.MONEY, width=12),
        # bucket columns are generated from the 设置 boundaries; see addin.core.aging
        col("overdue", "逾期合计", "逾期合計", "Overdue Total", Kind.MONEY, width=13),
        col("max_days", "最长逾期天数", "最長逾期天數", "Oldest Days Overdue", Kind.INT, width=10),
        col("credits", "未核销贷项", "未核銷貸項", "Unapplied Credits", Kind.MONEY, width=12),
        col("recoverable", "预计可回收", "預計可回收", "Expected Recovery", Kind.MONEY, width=13),
        col("allowance", "坏账准备", "壞賬準備", "Allowance", Kind.MONEY, width=12),
        col("over_limit", "超额度", "超額度", "Over Limit", width=9),
        col("dunning", "催款等级", "催款等級", "Dunning Level", width=11),
        col("next_action", "下一步", "下一步", "Next Action", width=30),
    ),
)

STATEMENT = SheetSpec("statement", "对账单", "對賬單", "Statement", output=True,
                      titles=("客户对账单", "Statement of account"))

#: one row per statement or letter sent (or written as .eml, or not sent and why) by `crm send`;
#: append-only: earlier rows are written back as read, the send id is the memory of what went out
DUNNING_LOG = SheetSpec(
    "dunning_log", "催款记录", "催款記錄", "Dunning Log", output=True, memory=True,
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, width=11),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=12),
        col("name", "客户名称", "客戶名稱", "Name", width=24),
        col("document", "文件", "文件", "Document", width=11),
        col("level", "催款等级", "催款等級", "Dunning Level", Kind.INT, width=8),
        col("amount", "金额", "金額", "Amount", Kind.MONEY, width=13),
        col("to", "收件人", "收件人", "Sent To", width=24),
        col("result", "结果", "結果", "Result", width=36),
        col("send_id", "发送编号", "發送編號", "Send ID", width=30),
    ),
)

CREDIT_FORM = SheetSpec("credit_form", "授信申请", "授信申請", "Credit Application", output=True,
                        titles=("客户授信申请表", "Credit Application"))


DASHBOARD = SheetSpec("dashboard", "看板", "看板", "Dashboard", output=True, titles=("销售看板", "Sales dashboard"))

#: one row per change the add-in found between two refreshes (append-only: earlier rows are kept)
CHANGELOG = SheetSpec(
    "changelog", "变更记录", "變更記錄", "Change Log", output=True, memory=True,
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, width=11),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=12),
        col("field", "字段", "字段", "Field", width=12),
        col("old", "原值", "原值", "Old Value", width=24),
        col("new", "新值", "新值", "New Value", width=24),
        col("owner", "业务员", "業務員", "Owner", width=10),
    ),
)

#: the tracked values as the last refresh saw them (keys, not labels: read back, never by people)
SNAPSHOT = SheetSpec(
    "snapshot", "CRM快照", "CRM快照", "CRM Snapshot", output=True, hidden=True, memory=True,
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=12),
        col("taken", "快照日期", "快照日期", "Taken", Kind.DATE, width=11),
        col("stage", "销售进程", "銷售進程", "Stage", width=8),
        col("contract_status", "客户状态", "客戶狀態", "Contract Status", width=8),
        col("intent", "成交意向", "成交意向", "Intent", width=8),
        col("abandoned", "放弃", "放棄", "Abandoned", width=8),
        col("abc", "ABC等级", "ABC等級", "ABC Grade", width=8),
        col("heat", "热度", "熱度", "Heat", width=8),
        col("credit_limit", "授信额度", "授信額度", "Credit Limit", Kind.MONEY, width=12),
        col("owner", "业务员", "業務員", "Owner", width=10),
    ),
)

#: one row per refresh date and rep (blank 业务员 = the whole workbook): what the trends draw
DAILY = SheetSpec(
    "daily", "CRM每日指标", "CRM每日指標", "CRM Daily Figures", output=True, hidden=True, memory=True,
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, width=11),
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("outstanding", "未收余额", "未收餘額", "Outstanding", Kind.MONEY, width=14),
        col("overdue", "逾期合计", "逾期合計", "Overdue", Kind.MONEY, width=14),
        col("coverage", "本月覆盖率", "本月覆蓋率", "Coverage This Month", Kind.PERCENT, width=10),
        col("pipeline", "在谈金额", "在談金額", "Pipeline", Kind.MONEY, width=14),
    ),
)


#: every sheet of a rep's workbook, inputs and outputs, in the template's tab order: the one registry
#: the template's order, the reader's tabs, the output sheets (and their marks, ``_crm_out.<key>``)
#: and the memory sheets are derived from (sheets_schema/__init__.py). A new output sheet is its
#: declaration above and its place here.
SHEETS: tuple[SheetSpec, ...] = (
    customers.SHEET, funnel.SHEET, contacts.SHEET, CALL_LIST, credit_survey.SHEET, CREDIT_FORM, receivables.SHEET,
    payments.SHEET, orders.SHEET, AGING, STATEMENT, DUNNING_LOG, DASHBOARD, CHANGELOG, VALIDATION, settings.SHEET, SNAPSHOT, DAILY,
)


def bucket_columns(bounds: tuple[int, ...], basis: str = "due") -> tuple[Column, ...]:
    """The bucket columns for the 设置 boundaries: days overdue 1-30天 … 365天以上 (basis 到期日), or
    age since the invoice date 账龄0-30天 … 账龄365天以上 (basis 开票日期)."""
    cols: list[Column] = []
    age = basis == "invoice"
    zh, en = ("账龄", "Age ") if age else ("", "")
    lo = 0 if age else 1
    for hi in bounds:
        cols.append(col(f"b{hi}", f"{zh}{lo}-{hi}天", f"{zh}{lo}-{hi}天", f"{en}{lo}-{hi} days", Kind.MONEY, width=12))
        lo = hi + 1
    last = bounds[-1]
    cols.append(col(f"b{last}_plus", f"{zh}{last}天以上", f"{zh}{last}天以上", "Age over " + f"{last} days" if age else f"Over {last} days",
                    Kind.MONEY, width=12))
    return tuple(cols)


def aging_columns(bounds: tuple[int, ...], basis: str = "due") -> tuple[Column, ...]:
    """All 账龄分析 columns: the fixed ones with the buckets after 未到期."""
    return AGING.columns[:6] + bucket_columns(bounds, basis) + AGING.columns[6:]
