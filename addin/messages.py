"""Issue messages in the workbook's language. Each names the rule that failed."""
from __future__ import annotations

from sheets_schema import Lang

from .i18n import pick

MESSAGES: dict[str, tuple[str, str]] = {
    # cell types
    "required": ("必填项为空", "Required value is missing"),
    "number": ("不是有效数字（可写 12,345.50、1.2万、15%）",
               "Not a number (12,345.50, 1.2万 and 15% are accepted)"),
    "integer": ("应为整数", "Must be a whole number"),
    "date": ("不是有效日期（可写 2025-03-05、2025/3/5、2025.3.5、2025年3月5日）",
             "Not a valid date (2025-03-05, 2025/3/5, 2025.3.5 and 2025年3月5日 are accepted)"),
    "choice": ("不是允许的值，可选：{allowed}", "Not an allowed value; choose one of: {allowed}"),
    "range": ("销售进程应为 0–7", "Stage must be 0–7"),
    "phone": ("电话格式不正确：应为 11 位手机号或“区号-号码”座机，可带 +86",
              "Malformed phone: expected an 11-digit CN mobile or an area-code landline, optional +86"),
    "email": ("邮箱格式不正确", "Malformed email address"),
    "negative": ("金额不能为负数", "Amount must not be negative"),
    "below_min": ("不能小于 {min}", "Must not be below {min}"),
    "above_max": ("不能大于 {max}", "Must not be above {max}"),
    "percent_range": ("比例应在 0%–100% 之间", "Must be between 0% and 100%"),
    "score_range": ("管理评分应为 1–5 的整数", "Management score must be a whole number 1–5"),
    "error_value": ("单元格是错误值 {error}，请修正公式或数据", "The cell holds the error value {error}; fix the formula "
                    "or the data"),
    "formula_no_value": ("公式没有计算结果：请在 Excel 中打开并保存一次", "Formula has no calculated result: open and "
                         "save the workbook in Excel once"),
    # rows and sheets
    "duplicate": ("{column}重复，与第 {first} 行相同", "Duplicate {column}; first seen in row {first}"),
    "unknown_customer": ("客户编号在“{sheet}”中不存在", "Customer ID not found in sheet {sheet}"),
    "stage6_status": ("销售进程 6 应对应客户状态“{status}”", "Stage 6 requires contract status '{status}'"),
    "stage7_status": ("销售进程 7 应对应客户状态“{status}”", "Stage 7 requires contract status '{status}'"),
    "status_stage6": ("客户状态“{status}”应对应销售进程 6", "Contract status '{status}' requires stage 6"),
    "status_stage7": ("客户状态“{status}”应对应销售进程 7", "Contract status '{status}' requires stage 7"),
    "due_before_invoice": ("到期日早于开票日期 {invoice_date}", "Due date is before the invoice date {invoice_date}"),
    "paid_over_amount": ("已收金额超过金额 {amount}，多收部分记为未核销贷项",
                         "Paid exceeds the amount {amount}; the excess is an unapplied credit"),
    "credit_note": ("金额为负数：按贷项（红字发票）冲减该客户的未收余额",
                    "Negative amount: a credit note, netted against the customer's balance"),
    "unknown_invoice": ("单据号在“{sheet}”中不存在", "Invoice number not found in sheet {sheet}"),
    "payment_customer": ("客户编号与单据 {invoice} 的客户 {customer} 不一致；按单据号核销",
                         "Customer ID differs from invoice {invoice}'s customer {customer}; applied by invoice"),
    "payments_over_amount": ("单据 {invoice} 的收款合计超过金额 {amount}，多收部分记为未核销贷项",
                             "Payments for invoice {invoice} exceed its amount {amount}; the excess is an "
                             "unapplied credit"),
    "insolvent": ("资不抵债：负债总额超过期末资产总额，信用等级不高于 C",
                  "Insolvent: total liabilities exceed total assets; graded no better than C"),
    "future_contact": ("联系日期晚于基准日期 {as_of}", "Contact dated after the as-of date {as_of}"),
    # warnings
    "output_name_taken": ("这是您自己的工作表，插件未改动它；插件的输出写在“{name}”",
                          "This is your own sheet and was left alone; the add-in writes its output to '{name}'"),
    "sheet_missing": ("工作表缺失，按空表处理", "Sheet missing; treated as empty"),
    "duplicate_header": ("表头重复，只读取第一列", "Duplicate header; only the first column is read"),
    "repeated_header": ("此行重复表头（第二行表头），已跳过，不是数据",
                        "This row repeats the header (a second header row); skipped, not data"),
    "holiday_kind": ("节假日表的值应为：{allowed}；该日按官方日历计算",
                     "A holiday row's value must be one of: {allowed}; the official calendar applies to the day"),
    "columns_added": ("已在表头末尾添加 {columns} 列，用于保存“{sheet}”中填写的承诺付款",
                      "Added the columns {columns} at the end of the header row to keep the promises to pay typed "
                      "in '{sheet}'"),
    "calendar_unknown_year": ("官方节假日日历不含 {years} 年：这些年份按周一至周五计算工作日，请在设置的节假日表中填入放假/上班日",
                              "The official holiday calendar does not cover {years}: working days are Monday to "
                              "Friday there; add the year's days off and make-up working days to the holiday table "
                              "in Settings"),
    "unknown_parameter": ("未知参数，已忽略", "Unknown parameter; ignored"),
    "parameter_not_ascending": ("{label}应为从小到大的正整数（如 30,60,90），已使用默认值 {default}",
                                "{label} must be positive whole numbers, ascending (e.g. 30,60,90); the "
                                "default {default} is used"),
    "settings_order": ("{labels} 应从小到大，已全部使用默认值 {defaults}",
                       "{labels} must rise in this order; the defaults {defaults} are used"),
    "parameter_default": ("参数值无效，已使用默认值 {default}", "Invalid value; the default {default} is used"),
    "no_bank_account": ("账号为空：对账单和催款函上没有收款账户，crm send 将拒绝发送",
                        "Bank Account is blank: statements and letters carry no account to pay into, and crm send "
                        "refuses to send them"),
    "no_contact_way": ("客户既没有电话也没有邮箱", "Customer has neither phone nor email"),
    "negative_margin": ("毛利为负数，请核对", "Gross margin is negative; please check"),
    "future_created": ("建档日期晚于基准日期 {as_of}", "Created after the as-of date {as_of}"),
    "stage_without_amount": ("销售进程 {stage} 但没有预计金额", "Stage {stage} but no expected amount"),
    "contract_end_passed": ("合同到期日已过，但客户状态仍为“{status}”",
                            "Contract end has passed but the status is still '{status}'"),
    "future_invoice": ("开票日期晚于基准日期 {as_of}，不计入账龄",
                       "Invoice dated after the as-of date {as_of}; left out of the aging"),
    "zero_denominator": ("{ratio}的分母为零，比率留空", "{ratio}: the denominator is zero; left blank"),
    "stale_survey": ("信用调查已超过 {months} 个月（{date}），建议重新调查",
                     "Survey older than {months} months ({date}); a new survey is due"),
}


def message(code: str, lang: Lang, **kw: object) -> str:
    return pick(MESSAGES, code, lang, **kw)
