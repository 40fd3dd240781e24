"""应收账款 Receivables — one row per invoice."""
from .base import Kind, SheetSpec, col

SHEET = SheetSpec(
    "receivables", "应收账款", "應收賬款", "Receivables",
    columns=(
        col("invoice_no", "单据号", "單據號", "Invoice No", required=True, unique=True, width=14),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("invoice_date", "开票日期", "開票日期", "Invoice Date", Kind.DATE, required=True, width=11),
        col("due_date", "到期日", "到期日", "Due Date", Kind.DATE, width=11),
        col("amount", "金额", "金額", "Amount", Kind.MONEY, required=True, min=0, width=13),
        col("paid", "已收金额", "已收金額", "Paid", Kind.MONEY, min=0, width=13),
        col("last_payment", "最近收款日", "最近收款日", "Last Payment", Kind.DATE, width=11),
        col("owner", "承办人", "承辦人", "Owner", width=10),
    ),
)
