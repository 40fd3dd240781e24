"""联系记录 Contact Log — append-only."""
from .base import Choice, Kind, SheetSpec, col

CHANNEL = (
    Choice("phone", "电话", "電話", "Phone", ("打电话", "Call")),
    Choice("visit", "拜访", "拜訪", "Visit", ("上门", "面谈")),
    Choice("wechat", "微信", "微信", "WeChat"),
    Choice("email", "邮件", "郵件", "Email", ("电邮", "E-mail")),
    Choice("other", "其他", "其他", "Other"),
)

SHEET = SheetSpec(
    "contacts", "联系记录", "聯繫記錄", "Contact Log",
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, required=True, width=11),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("channel", "方式", "方式", "Channel", Kind.CHOICE, choices=CHANNEL, width=8),
        col("contact", "联系人", "聯繫人", "Contact", width=10),
        col("outcome", "结果", "結果", "Outcome", width=36),
        col("next_call", "下次拨打", "下次撥打", "Next Call", Kind.DATE, width=11),
        col("owner", "业务员", "業務員", "Owner", width=10),
    ),
)
