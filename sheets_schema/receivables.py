"""应收账款 Receivables — one row per invoice (a negative 金额 is a credit note)."""
from .base import Kind, SheetSpec, col

SHEET = SheetSpec(
    "receivables", "应收账款", "應收賬款", "Receivables",
    columns=(
        col("invoice_no", "单据号", "單據號", "Invoice No", required=True, unique=True, width=14),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("invoice_date", "开票日期", "開票日期", "Invoice Date", Kind.DATE, required=True, width=11),
        col("due_date", "到期日", "到期日", "Due Date", Kind.DATE, width=11),
        col("amount", "金额", "金額", "Amount", Kind.MONEY, required=True, min=-1e12, width=13),
        col("paid", "已收金额", "已收金額", "Paid", Kind.MONEY, min=0, width=13),
        col("last_payment", "最近收款日", "最近收款日", "Last Payment", Kind.DATE, width=11),
        col("owner", "承办人", "承辦人", "Owner", width=10),
        col("open_amount", "未收金额", "未收金額", "Open Amount", Kind.MONEY, computed=True, width=13,
            note_zh="截至基准日期尚未收到的金额（负数为未核销贷项）。由插件计算填写，请勿手工修改。",
            note_en="Still owed as of the as-of date (negative: an unapplied credit). Filled by the add-in."),
        col("days_overdue", "逾期天数", "逾期天數", "Days Overdue", Kind.INT, computed=True, width=9,
            note_zh="基准日期减到期日；未到期为 0。由插件计算填写，请勿手工修改。",
            note_en="As-of date minus due date; 0 when not yet due. Filled by the add-in."),
        col("aging_bucket", "账龄段", "賬齡段", "Aging Bucket", computed=True, width=11),
    ),
)
