"""销售漏斗 Funnel — one row per customer in the pipeline."""
from .base import YES_NO, Choice, Kind, SheetSpec, col

STAGE = (
    Choice("0", "0 暂时没有联系上", "0 暫時沒有聯繫上", "0 Not reached yet", ("暂时没有联系上",)),
    Choice("1", "1 新增到名下", "1 新增到名下", "1 Newly assigned", ("新增到名下",)),
    Choice("2", "2 和关键人建立了沟通", "2 和關鍵人建立了溝通", "2 Talking to key person",
           ("和关键人建立了沟通",)),
    Choice("3", "3 客户有申请资质的计划", "3 客戶有申請資質的計劃", "3 Plans to qualify",
           ("客户有申请资质的计划",)),
    Choice("4", "4 客户有选择我方的意向", "4 客戶有選擇我方的意向", "4 Intends to choose us",
           ("客户有选择我方的意向", "有选择我方的意向", "有選擇我方的意向")),
    Choice("5", "5 直接联系并且传了合同", "5 直接聯繫並且傳了合同", "5 Contract sent",
           ("直接联系并且传了合同", "已传合同", "已傳合同", "传了合同", "傳了合同")),
    Choice("6", "6 合同中", "6 合同中", "6 Under contract", ("合同中",)),
    Choice("7", "7 合同已经到期", "7 合同已經到期", "7 Contract expired", ("合同已经到期", "合同已到期")),
)

CONTRACT_STATUS = (
    Choice("none", "无合同", "無合同", "No contract"),
    Choice("active", "合同中", "合同中", "Under contract", ("In contract",)),
    Choice("expired", "合同已到期", "合同已到期", "Contract expired", ("合同已经到期", "合同已經到期", "Expired")),
)

INTENT = (
    Choice("poor", "可能性差", "可能性差", "Poor"),
    Choice("unclear", "意向不明", "意向不明", "Unclear"),
    Choice("possible", "可能成交", "可能成交", "Possible"),
    Choice("good", "成交意向好", "成交意向好", "Good"),
    Choice("very_likely", "成交可能性很大", "成交可能性很大", "Very likely"),
)

HEAT = (
    Choice("hot", "热A", "熱A", "Hot A", ("热", "熱", "Hot", "A")),
    Choice("warm", "温B", "溫B", "Warm B", ("温", "溫", "Warm", "B")),
    Choice("cold", "冷C", "冷C", "Cold C", ("冷", "Cold", "C")),
    Choice("denial", "拒绝", "拒絕", "Denial", ("放弃", "放棄")),
)

SHEET = SheetSpec(
    "funnel", "销售漏斗", "銷售漏斗", "Funnel",
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, unique=True,
            ref="customers", width=12),
        col("stage", "销售进程", "銷售進程", "Stage", Kind.CHOICE, choices=STAGE, required=True, width=22),
        col("contract_status", "客户状态", "客戶狀態", "Contract Status", Kind.CHOICE,
            choices=CONTRACT_STATUS, width=11),
        col("intent", "成交意向", "成交意向", "Intent", Kind.CHOICE, choices=INTENT, width=13),
        col("abandoned", "放弃", "放棄", "Abandoned", Kind.BOOL, choices=YES_NO, width=7),
        col("contract_end", "合同到期日", "合同到期日", "Contract End", Kind.DATE, width=11),
        col("expected_amount", "预计金额", "預計金額", "Expected Amount", Kind.MONEY, min=0, width=13),
        col("next_call", "下次拨打", "下次撥打", "Next Call", Kind.DATE, width=11),
        col("last_contact", "上次联系", "上次聯繫", "Last Contact", Kind.DATE, computed=True, width=11),
        col("follow_ups", "跟进次数", "跟進次數", "Follow-ups", Kind.INT, computed=True, width=9),
        col("heat", "热度", "熱度", "Heat", Kind.CHOICE, choices=HEAT, computed=True, width=8),
        col("priority", "优先分", "優先分", "Priority Score", Kind.INT, computed=True, width=8),
        col("reasons", "优先原因", "優先原因", "Reasons", computed=True, width=60),
        col("plan_seen", "已读下次拨打", "已讀下次撥打", "Next Call Seen", Kind.DATE, computed=True, memory=True,
            width=11),
        col("plan_entered", "计划登记日", "計劃登記日", "Plan Entered", Kind.DATE, computed=True, memory=True, width=11),
    ),
)
