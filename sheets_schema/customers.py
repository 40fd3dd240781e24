"""客户资料卡 Customers — one row per customer."""
from .base import MAX_TERMS_DAYS, Choice, Kind, SheetSpec, col

OWNERSHIP = (
    Choice("state", "国企", "國企", "State-owned", ("国有企业", "國有企業", "SOE")),
    Choice("private", "民企", "民企", "Private", ("民营企业", "民營企業", "私企")),
    Choice("foreign", "外企", "外企", "Foreign", ("外资企业", "外資企業", "外资", "外資")),
    Choice("individual", "个体", "個體", "Individual", ("个体户", "個體戶")),
    Choice("other", "其他", "其他", "Other"),
)

BUYING_ROLE = (
    Choice("approver", "批准者", "批准者", "Approver"),
    Choice("decider", "决策者", "決策者", "Decision Maker", ("Decider",)),
    Choice("evaluator", "评估者", "評估者", "Evaluator"),
    Choice("user", "使用者", "使用者", "User"),
)

# The fifteen prospecting methods of the source material.
LEAD_SOURCE = (
    Choice("door", "逐户访问", "逐戶訪問", "Door-to-door", ("逐户访问法", "陌生拜访")),
    Choice("meeting", "会议", "會議", "Meeting", ("会议寻找法",)),
    Choice("club", "俱乐部", "俱樂部", "Club", ("俱乐部寻找法",)),
    Choice("friends", "亲友介绍", "親友介紹", "Friends & Family", ("亲友介绍法",)),
    Choice("records", "资料查询", "資料查詢", "Records Search", ("资料查询法",)),
    Choice("consulting", "咨询", "諮詢", "Consulting", ("咨询寻找法", "谘询")),
    Choice("agent", "委托", "委託", "Agent", ("委托助手法",)),
    Choice("chain", "链式介绍", "鏈式介紹", "Chain Referral", ("链式介绍法", "客户介绍")),
    Choice("influence", "中心开花", "中心開花", "Centre of Influence", ("中心开花法",)),
    Choice("phone", "电话", "電話", "Telephone", ("电话寻找法", "电话营销")),
    Choice("letter", "信函", "信函", "Letter", ("信函寻找法",)),
    Choice("sms", "短信", "簡訊", "SMS", ("短信寻找法", "短訊")),
    Choice("web", "网络", "網絡", "Internet", ("网络寻找法", "網路", "Web")),
    Choice("takeover", "抢夺", "搶奪", "Competitor Takeover", ("抢夺法",)),
    Choice("observation", "观察", "觀察", "Observation", ("观察法",)),
)

MAN = (
    Choice("yes", "有", "有", "Yes", ("是", "y")),
    Choice("no", "无", "無", "No", ("没有", "沒有", "否", "n")),
    Choice("unknown", "未知", "未知", "Unknown", ("不详", "不詳", "?", "？")),
)

RELATIONSHIP = (
    Choice("ordinary", "普通", "普通", "Ordinary"),
    Choice("priority", "优先", "優先", "Priority"),
    Choice("partner", "伙伴", "夥伴", "Partner", ("合作伙伴", "伙伴關係")),
    Choice("strategic", "战略", "戰略", "Strategic", ("战略伙伴", "戰略夥伴")),
)

ABC = (
    Choice("A", "A", "A", "A"),
    Choice("B", "B", "B", "B"),
    Choice("C", "C", "C", "C"),
)

SEGMENT = (
    Choice("core", "核心", "核心", "Core"),
    Choice("value", "价值", "價值", "Value"),
    Choice("potential", "潜力", "潛力", "Potential"),
    Choice("low", "低等", "低等", "Low"),
)

DEAL_TYPE = (
    Choice("transactional", "交易型", "交易型", "Transactional"),
    Choice("relationship", "关系型", "關係型", "Relationship"),
)

SHEET = SheetSpec(
    "customers", "客户资料卡", "客戶資料卡", "Customers",
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", required=True, unique=True, width=12),
        col("name", "客户名称", "客戶名稱", "Name", required=True, width=26),
        col("owner", "业务员", "業務員", "Owner", required=True, width=10),
        col("industry", "行业", "行業", "Industry", width=10),
        col("region", "地区", "地區", "Region", width=10),
        col("ownership", "企业性质", "企業性質", "Ownership", Kind.CHOICE, choices=OWNERSHIP, width=10),
        col("key_person", "关键人", "關鍵人", "Key Person", width=10),
        col("title", "职务", "職務", "Title", width=10),
        col("buying_role", "决策角色", "決策角色", "Buying Role", Kind.CHOICE, choices=BUYING_ROLE, width=10),
        col("phone", "电话", "電話", "Phone", Kind.PHONE, width=15),
        col("email", "邮箱", "郵箱", "Email", Kind.EMAIL, width=22),
        col("lead_source", "客户来源", "客戶來源", "Lead Source", Kind.CHOICE, choices=LEAD_SOURCE, width=11),
        col("money", "购买力", "購買力", "Money", Kind.CHOICE, choices=MAN, width=8),
        col("authority", "决策权", "決策權", "Authority", Kind.CHOICE, choices=MAN, width=8),
        col("need", "需求", "需求", "Need", Kind.CHOICE, choices=MAN, width=8),
        col("relationship", "关系层级", "關係層級", "Relationship", Kind.CHOICE, choices=RELATIONSHIP, width=10),
        col("annual_sales", "年销售额", "年銷售額", "Annual Sales", Kind.MONEY, min=0, width=14),
        col("gross_margin", "毛利", "毛利", "Gross Margin", Kind.MONEY, width=13),
        col("avg_discount", "平均折扣率", "平均折扣率", "Avg Discount", Kind.PERCENT, min=0, max=1, width=11),
        col("orders_per_year", "年购买次数", "年購買次數", "Orders per Year", Kind.INT, min=0, width=10),
        col("credit_limit", "授信额度", "授信額度", "Credit Limit", Kind.MONEY, min=0, width=13),
        col("payment_terms", "账期天数", "賬期天數", "Payment Terms (days)", Kind.INT, min=0, max=MAX_TERMS_DAYS,
            width=10),
        col("created", "建档日期", "建檔日期", "Created", Kind.DATE, width=11),
        col("birthday", "生日", "生日", "Birthday", Kind.DATE, width=11),
        col("notes", "备注", "備註", "Notes", width=20),
        col("sales_share", "销售占比", "銷售佔比", "Sales Share", Kind.PERCENT, computed=True, width=10),
        col("cum_share", "累计占比", "累計佔比", "Cumulative Share", Kind.PERCENT, computed=True, width=10),
        col("abc", "ABC等级", "ABC等級", "ABC Grade", Kind.CHOICE, choices=ABC, computed=True, width=9),
        col("segment", "客户类别", "客戶類別", "Segment", Kind.CHOICE, choices=SEGMENT, computed=True, width=9),
        col("deal_type", "交易类型", "交易類型", "Deal Type", Kind.CHOICE, choices=DEAL_TYPE, computed=True, width=10),
    ),
)
