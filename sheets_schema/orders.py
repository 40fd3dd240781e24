"""订单 Orders — optional input: each order is checked against the customer's credit at the moment
it is taken (超额暂停发货), not after it is invoiced."""
from .base import Choice, Kind, SheetSpec, col

#: 状态: new, pending and approved orders are open (not yet shipped, so not yet in 应收账款); a blank
#: 状态 is a new order (core.orders.OPEN_STATUSES)
STATUS = (
    Choice("new", "新建", "新建", "New", ("新单", "未发货", "待发货", "open")),
    Choice("pending", "待审批", "待審批", "Pending", ("审批中", "pending approval")),
    Choice("approved", "已审批", "已審批", "Approved", ("已批准", "released")),
    Choice("shipped", "已发货", "已發貨", "Shipped", ("已出库", "已开票", "已完成", "invoiced", "done")),
    Choice("cancelled", "已取消", "已取消", "Cancelled", ("取消", "作废", "canceled")),
)

#: the outcome of the credit check (core.orders)
CHECK = (
    Choice("pass", "通过", "通過", "Pass"),
    Choice("over_limit", "超额度", "超額度", "Over limit"),
    Choice("overdue_hold", "逾期暂停", "逾期暫停", "Overdue hold"),
    Choice("needs_approval", "需审批", "需審批", "Needs approval"),
)

SHEET = SheetSpec(
    "orders", "订单", "訂單", "Orders", optional=True,
    columns=(
        col("date", "日期", "日期", "Date", Kind.DATE, required=True, width=11),
        col("order_no", "订单号", "訂單號", "Order No", width=14),
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, ref="customers", width=12),
        col("amount", "金额", "金額", "Amount", Kind.MONEY, required=True, min=0, width=13),
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("status", "状态", "狀態", "Status", Kind.CHOICE, choices=STATUS, width=9),
        col("credit_check", "信用检查", "信用檢查", "Credit Check", Kind.CHOICE, choices=CHECK, computed=True,
            width=10, note_zh="新建、待审批、已审批的订单按日期、行序占用授信额度：通过 / 超额度 / 逾期暂停 / 需审批。"
                              "由插件计算填写，请勿手工修改。",
            note_en="Open orders (new, pending, approved) use the credit limit by date, then row: pass / over limit "
                    "/ overdue hold / needs approval. Filled by the add-in."),
        col("check_note", "检查说明", "檢查說明", "Check Note", computed=True, width=44),
    ),
)
