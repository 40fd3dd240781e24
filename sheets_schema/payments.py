"""收款记录 Payments — optional input, append-only: what was received, when, for which invoice."""
from .base import Kind, SheetSpec, col

SHEET = SheetSpec(
    "payments", "收款记录", "收款記錄", "Payments", optional=True,
    columns=(
        col("pay_date", "收款日期", "收款日期", "Payment Date", Kind.DATE, required=True, width=11),
        col("invoice_no", "单据号", "單據號", "Invoice No", required=True, width=14),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", ref="customers", width=12),
        col("amount", "金额", "金額", "Amount", Kind.MONEY, required=True, min=0, width=13),
        col("method", "方式", "方式", "Method", width=10),
        col("note", "备注", "備註", "Note", width=30),
    ),
)
