"""设置 Settings — two columns, 参数 | 值 (a third, 说明, explains each row)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .base import Choice, Kind, Lang, SheetSpec, col

ABC_METHOD = (
    Choice("sales", "累计销售占比", "累計銷售佔比", "Cumulative sales share", ("销售额", "sales share")),
    Choice("count", "客户数占比", "客戶數佔比", "Customer count share", ("客户数", "count share")),
)

AGING_BASIS = (
    Choice("due", "到期日", "到期日", "Due date"),
    Choice("invoice", "开票日期", "開票日期", "Invoice date"),
)


class Parser(StrEnum):
    """How a parameter's cell is read: one value by its kind, or a list a user types in one cell."""

    #: one value of the parameter's kind (a number, a percentage, a date, a choice, text)
    SCALAR = "scalar"
    #: ascending positive whole numbers, comma separated: ``30,60,90`` → (30, 60, 90)
    BOUNDS = "bounds"
    #: ``days:rate`` pairs, the last a bare rate beyond: ``60:100%,10%`` → ((60, 1.0), (None, 0.1))
    DAY_RATES = "day_rates"
    #: ``stage:rate`` pairs for the stages 0–7: ``4:40%`` → (0, 0, 0, 0, 0.4, 0, 0, 0)
    STAGE_RATES = "stage_rates"


@dataclass(frozen=True)
class Param:
    """One 设置 parameter. Declared once, as an attribute of :class:`Params`: the attribute's name is
    the key, its annotation the typed value the core reads (``Settings`` is generated from them)."""

    key: str
    zh: str
    hant: str
    en: str
    kind: Kind
    #: the default as a user would type it in 设置 (parsed by ``parser`` into the typed default)
    default: Any
    note_zh: str = ""
    note_en: str = ""
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    parser: Parser = Parser.SCALAR
    #: parameters sharing a name must rise strictly in declaration order (cut-offs, approval
    #: limits); when they do not, the whole group falls back to its defaults
    ascending: str = ""
    #: the jobs whose exit code counts an error in this parameter besides ``crm refresh``/``validate``
    #: (``crm aging`` counts only errors in the rows it used)
    scope: tuple[str, ...] = ()

    def __set_name__(self, owner: type, name: str) -> None:
        object.__setattr__(self, "key", name)

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def note(self, lang: Lang) -> str:
        return self.note_zh if lang == "zh" else self.note_en

    def aliases(self) -> tuple[str, ...]:
        return (self.zh, self.hant, self.en, self.key)


def P(zh: str, hant: str, en: str, kind: Kind, default: Any, note_zh: str = "", note_en: str = "",
      choices: tuple[Choice, ...] = (), *, min: float | None = None, max: float | None = None,
      parser: Parser = Parser.SCALAR, ascending: str = "", scope: tuple[str, ...] = ()) -> Any:
    """A parameter of :class:`Params` (its key is the attribute's name). Typed ``Any`` so that the
    attribute's annotation — the value's type in ``Settings`` — is what a type checker sees."""
    return Param("", zh, hant, en, kind, default, note_zh, note_en, choices, min, max, parser, ascending, scope)


class Params:
    """Every 设置 parameter, in the template's order: ``key: type = P(labels, kind, default, note…)``.

    The one declaration of a setting: ``addin.core.settings.Settings`` is generated from this class
    (a field per attribute, typed by its annotation, defaulting to the parsed default; unknown keys
    are refused), the template writes its 设置 sheet from it and docs/rules.md's table is checked
    against it (tests/test_settings_declared.py).
    """

    as_of: dt.date | None = P("基准日期", "基準日期", "As-of Date", Kind.DATE, None,
        "留空表示今天", "Blank means today", scope=("aging",))
    daily_quota: int = P("每日拨打配额", "每日撥打配額", "Daily Call Quota", Kind.INT, 60,
        "每位业务员每天的拨打清单条数", "Calls per rep per day", min=1)
    working_days: int = P("每月工作日", "每月工作日", "Working Days per Month", Kind.INT, 22,
        "", "", min=1, max=31)
    stale_plan_days: int = P("计划过期天数", "計劃過期天數", "Stale Plan (working days)", Kind.INT, 5,
        "下次拨打逾期超过此工作日数的计划保留原因，但不再排在催收和热单之前",
        "A plan overdue by more than this many working days keeps its reason but no longer comes before "
        "collections and hot deals", min=1, max=22)
    abc_method: str = P("ABC分级方法", "ABC分級方法", "ABC Method", Kind.CHOICE, "sales",
        "累计销售占比 或 客户数占比", "Cumulative sales share or customer count share", ABC_METHOD)
    abc_a_sales: float = P("A类累计销售占比", "A類累計銷售佔比", "A Cut-off (Sales Share)", Kind.PERCENT, 0.80,
        "按销售额分级时 A 类覆盖的销售占比", "Share of sales covered by A", min=0, max=1, ascending="abc_sales")
    abc_b_sales: float = P("B类累计销售占比", "B類累計銷售佔比", "B Cut-off (Sales Share)", Kind.PERCENT, 0.95,
        "", "", min=0, max=1, ascending="abc_sales")
    abc_a_count: float = P("A类客户数占比", "A類客戶數佔比", "A Cut-off (Customer Share)", Kind.PERCENT, 0.20,
        "按客户数分级时前多少客户为 A 类", "Share of ranked customers graded A", min=0, max=1, ascending="abc_count")
    abc_b_count: float = P("B类客户数占比", "B類客戶數佔比", "B Cut-off (Customer Share)", Kind.PERCENT, 0.50,
        "", "", min=0, max=1, ascending="abc_count")
    interval_a: int = P("A类联系间隔(天)", "A類聯繫間隔(天)", "Contact Interval A (days)", Kind.INT, 7,
        "上次联系后多少天再次到期；不超过一个月，才能每月覆盖全部客户", "Days after the last contact; at most a month",
        min=1, max=31)
    interval_b: int = P("B类联系间隔(天)", "B類聯繫間隔(天)", "Contact Interval B (days)", Kind.INT, 14, "", "", min=1,
        max=31)
    interval_c: int = P("C类联系间隔(天)", "C類聯繫間隔(天)", "Contact Interval C (days)", Kind.INT, 30, "", "", min=1,
        max=31)
    interval_hot: int = P("热A联系间隔(工作日)", "熱A聯繫間隔(工作日)", "Contact Interval Hot (working days)", Kind.INT, 3,
        "热度为热A的客户，间隔取较短者", "Hot customers: the shorter interval applies", min=1, max=22)
    interval_warm: int = P("温B联系间隔(工作日)", "溫B聯繫間隔(工作日)", "Contact Interval Warm (working days)", Kind.INT, 7,
        "", "", min=1, max=22)
    interval_overdue: int = P("逾期催收间隔(天)", "逾期催收間隔(天)", "Collection Interval (days)", Kind.INT, 7,
        "有逾期应收的客户至少每隔几天联系一次（快、勤）", "A customer with overdue invoices is called at least this often",
        min=1, max=31)
    remind_days: int = P("到期前提醒(天)", "到期前提醒(天)", "Reminder Before Due (days)", Kind.INT, 3,
        "发票在几天内到期时列为事前提醒", "An invoice falling due within this many days is a reminder call",
        min=0, max=31)
    coverage_share: float = P("覆盖保底比例", "覆蓋保底比例", "Coverage Share", Kind.PERCENT, 0.25,
        "本月覆盖落后时，每天至少这部分配额留给本月尚未联系、等待最久的客户",
        "When the month's coverage is behind, at least this share of the day goes to customers not yet "
        "contacted this month", min=0, max=1)
    persistence: int = P("跟进坚持次数", "跟進堅持次數", "Follow-up Persistence", Kind.INT, 11,
        "意向差的客户至少跟进这么多次才可放弃", "Attempts before a poor-intent lead may be dropped", min=1)
    birthday_days: int = P("生日提醒天数", "生日提醒天數", "Birthday Look-ahead (days)", Kind.INT, 3,
        "生日在今后几天内时列为拨打原因", "A birthday within this many days is a reason to call", min=0)
    transactional_discount: float = P("交易型折扣率下限", "交易型折扣率下限", "Transactional Min Discount",
        Kind.PERCENT, 0.15, "平均折扣率不低于此值且毛利率不高于下限时为交易型",
        "Deep discount: at least this average discount", min=0, max=1)
    transactional_margin: float = P("交易型毛利率上限", "交易型毛利率上限", "Transactional Max Margin",
        Kind.PERCENT, 0.10, "毛利率 = 毛利 / 年销售额", "Thin margin: gross margin / sales at most this",
        min=0, max=1)
    limit_account_manager: float = P("客户经理审批上限", "客戶經理審批上限", "Account Manager Limit",
        Kind.MONEY, 50000.0, "", "", min=0, ascending="approval_limits",
        scope=("orders",))
    limit_direct_sales: float = P("直销部经理审批上限", "直銷部經理審批上限", "Direct Sales Manager Limit",
        Kind.MONEY, 200000.0, "", "", min=0, ascending="approval_limits", scope=("orders",))
    limit_regional: float = P("地区公司经理审批上限", "地區公司經理審批上限", "Regional Manager Limit",
        Kind.MONEY, 500000.0, "超过此额度由总经理审批", "Above this the general manager approves", min=0, ascending="approval_limits",
        scope=("orders",))
    financial_weight: float = P("财务指标权重", "財務指標權重", "Financial Weight", Kind.PERCENT, 0.40,
        "信用得分中财务比率所占权重，其余为经营管理评分", "Weight of the ratios in the credit score; the rest is management",
        min=0, max=1)
    aging_buckets: tuple[int, ...] = P("账龄分段(天)", "賬齡分段(天)", "Aging Buckets (days)", Kind.TEXT, "30,60,90,180,365",
        "逾期天数分段上限，逗号分隔", "Upper bounds of the overdue buckets, comma separated", parser=Parser.BOUNDS, scope=("aging",))
    aging_basis: str = P("账龄基准", "賬齡基準", "Aging Basis", Kind.CHOICE, "due",
        "到期日 或 开票日期", "Due date or invoice date", AGING_BASIS, scope=("aging",))
    recovery_rates: tuple[tuple[int | None, float], ...] = P("回收率", "回收率", "Recovery Rates", Kind.TEXT, "60:100%,100:80%,180:50%,365:30%,10%",
        "逾期天数上限:回收率，最后一项为更长逾期", "days:rate pairs; the last rate applies beyond", parser=Parser.DAY_RATES, scope=("aging",))
    dunning_levels: tuple[int, ...] = P("催款分级(天)", "催款分級(天)", "Dunning Levels (days)", Kind.TEXT, "30,60",
        "逾期天数分级上限：1 提醒（1–30 天）、2 催告（31–60 天）、3 最后通知（更长）",
        "Upper bounds of days overdue: 1 reminder (1–30), 2 demand (31–60), 3 final notice (beyond)", parser=Parser.BOUNDS, scope=("aging",))
    remittance: str | None = P("汇款说明", "匯款說明", "Remittance Text", Kind.TEXT, None,
        "印在对账单和催款函上的付款要求；留空时为“请在付款附言中注明单据号。”（户名、开户行、账号取自公司资料）",
        "Payment instructions on statements and letters; blank: quote the invoice numbers (payee, bank and "
        "account come from the company profile)")
    # the dunning letters' wording (blank: the built-in text of docs/rules.md in the workbook's language)
    letter_first: str | None = P("提醒函正文", "提醒函正文", "Reminder Letter Text", Kind.TEXT, None,
        "留空为内置措辞；可用 {金额} {天数} {日期} {期限} {客户}",
        "Blank: the built-in wording; {amount} {days} {date} {deadline} {customer} are filled in")
    letter_middle: str | None = P("催告函正文", "催告函正文", "Demand Letter Text", Kind.TEXT, None,
        "留空为内置措辞；占位符同上", "Blank: the built-in wording; placeholders as above")
    letter_last: str | None = P("最后通知函正文", "最後通知函正文", "Final Notice Text", Kind.TEXT, None,
        "留空为内置措辞；占位符同上", "Blank: the built-in wording; placeholders as above")
    # the company profile: the letterhead and the remittance block of every customer-facing page
    company_name: str | None = P("公司名称", "公司名稱", "Company Name", Kind.TEXT, None,
        "信头和收款户名", "Letterhead and payee")
    company_address: str | None = P("公司地址", "公司地址", "Company Address", Kind.TEXT, None, "", "")
    company_phone: str | None = P("公司电话", "公司電話", "Company Phone", Kind.TEXT, None, "", "")
    company_bank: str | None = P("开户行", "開戶行", "Bank", Kind.TEXT, None,
        "收款账户的开户银行", "The bank of the account customers pay into")
    company_account: str | None = P("账号", "賬號", "Bank Account", Kind.TEXT, None,
        "收款账号；为空时校验结果警告，crm send 拒绝发送对账单和催款函",
        "Blank: a warning in Validation, and crm send refuses statements and letters")
    company_tax_id: str | None = P("税号", "稅號", "Tax ID", Kind.TEXT, None,
        "统一社会信用代码", "Unified social credit code")
    company_contact: str | None = P("对账联系人", "對賬聯繫人", "Statement Contact", Kind.TEXT, None,
        "对账有疑问时的联系人（可含电话）；为空时为客户的业务员",
        "Whom to ask about a statement; blank: the customer's sales rep")
    company_email: str | None = P("公司邮箱", "公司郵箱", "Company Email", Kind.TEXT, None,
        "对账单和催款函的发件地址（crm send）", "Sender of statements and letters (crm send)")
    company_logo: str | None = P("公司标志图片", "公司標誌圖片", "Logo Image", Kind.TEXT, None,
        "PNG 或 JPEG 文件路径，印在 PDF 信头左上角（可选）", "Path of a PNG or JPEG printed on the PDFs' letterhead "
        "(optional)")
    hold_overdue_days: int = P("暂停发货逾期天数", "暫停發貨逾期天數", "Order Hold Overdue (days)", Kind.INT, 30,
        "客户有逾期超过此天数的应收时，新订单逾期暂停（先收款再发货）",
        "A new order is held while the customer owes anything overdue more than this many days", min=0, max=3650,
        scope=("orders",))
    turnover_benchmark: float = P("总资产周转率基准", "總資產週轉率基準", "Asset Turnover Benchmark", Kind.NUMBER, 1.0,
        "周转率达到此值得满分（资料中的数值无法辨认，默认 1）",
        "Turnover scoring full points (the source's figure is illegible; 1 by default)", min=0.01, max=100)
    resurvey_months: int = P("信用复查间隔(月)", "信用複查間隔(月)", "Re-survey Interval (months)", Kind.INT, 12,
        "最近一次信用调查超过此月数需复查", "A survey older than this many months is due again", min=1, max=120)
    stage_probability: tuple[float, ...] = P("阶段成交概率", "階段成交概率", "Stage Win Probability", Kind.TEXT,
        "0:0%,1:5%,2:10%,3:20%,4:40%,5:70%",
        "销售进程:成交概率，用于加权预测；未列出的阶段（如已签约的 6、7）为 0%",
        "stage:probability pairs for the weighted forecast; a stage not listed (e.g. 6 and 7, signed) counts 0%", parser=Parser.STAGE_RATES)


PARAMS: tuple[Param, ...] = tuple(v for v in vars(Params).values() if isinstance(v, Param))
PARAMS_BY_KEY = {p.key: p for p in PARAMS}

#: the 节假日 table below the parameters: a date in 参数 and 放假 (day off) or 上班 (working day) in 值
DAY_KIND = (
    Choice("off", "放假", "放假", "Day off", ("休息", "休假", "假日", "节假日", "holiday", "off")),
    Choice("work", "上班", "上班", "Working day", ("工作", "工作日", "调休上班", "补班", "workday", "work")),
)
#: the row that heads the 节假日 table (its 参数 and 值 labels; any of them is accepted)
HOLIDAY_HEADER = ("节假日", "節假日", "Holidays", "holiday")
#: the groups of parameters that must rise, each in declaration order
ASCENDING: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.key for p in PARAMS if p.ascending == name) for name in dict.fromkeys(p.ascending for p in PARAMS if p.ascending))


def scoped(job: str) -> tuple[str, ...]:
    """The keys of the parameters whose errors count for ``job`` (``crm aging``: "aging")."""
    return tuple(p.key for p in PARAMS if job in p.scope)


SHEET = SheetSpec(
    "settings", "设置", "設置", "Settings",
    columns=(
        col("parameter", "参数", "參數", "Parameter", required=True, width=26),
        col("value", "值", "值", "Value", width=30),
        col("note", "说明", "說明", "Note", width=48),
    ),
)
