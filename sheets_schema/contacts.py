"""联系记录 Contact Log — append-only."""
from .base import Choice, Kind, SheetSpec, col

CHANNEL = (
    Choice("phone", "电话", "電話", "Phone", ("打电话", "Call")),
    Choice("visit", "拜访", "拜訪", "Visit", ("上门", "面谈")),
    Choice("wechat", "微信", "微信", "WeChat"),
    Choice("email", "邮件", "郵件", "Email", ("电邮", "E-mail")),
    Choice("other", "其他", "其他", "Other"),
)

#: what a call achieved: a choice list in the workbook, free text still accepted and kept as typed.
#: 未接通 / 拒接 are attempts, not contacts (core.outcomes)
OUTCOME = (
    Choice("talked", "已沟通", "已溝通", "Talked", ("已联系", "已聯繫", "reached")),
    Choice("no_answer", "未接通", "未接通", "No answer", ("无人接听", "無人接聽", "没接", "not reached")),
    Choice("refused", "拒接", "拒接", "Refused", ("挂断", "掛斷", "declined")),
    Choice("promise", "承诺付款", "承諾付款", "Promise to pay", ("答应付款", "promised")),
    Choice("ordered", "已下单", "已下單", "Ordered", ("下单", "order")),
    Choice("other", "其他", "其他", "Other"),
)

SHEET = SheetSpec(
    "contacts", "联系记录", "聯繫記錄", "Contact Log",
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, required=True, width=11),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("channel", "方式", "方式", "Channel", Kind.CHOICE, choices=CHANNEL, width=8),
        col("contact", "联系人", "聯繫人", "Contact", width=10),
        col("outcome", "结果", "結果", "Outcome", choices=OUTCOME, width=36,
            note_zh="可从下拉列表选择，也可自由填写；未接通、拒接只算尝试，不算联系",
            note_en="Pick from the list or type freely; No answer and Refused are attempts, not contacts"),
        col("promise_amount", "承诺金额", "承諾金額", "Promised Amount", Kind.MONEY, width=12, min=0),
        col("promise_date", "承诺日期", "承諾日期", "Promised Date", Kind.DATE, width=11),
        col("next_call", "下次拨打", "下次撥打", "Next Call", Kind.DATE, width=11),
        col("owner", "业务员", "業務員", "Owner", width=10),
    ),
)
