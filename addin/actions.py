"""The ribbon's actions: ids (the only ones addin.ribbon.dispatch runs), labels, screentips."""
from __future__ import annotations

from sheets_schema import Lang

from .i18n import word

#: id → (zh label, zh screentip, en label, en screentip)
ACTIONS: dict[str, tuple[str, str, str, str]] = {
    "validate": ("校验数据", "检查所有输入表，生成“校验结果”并标出有问题的单元格。",
                 "Validate", "Check every input sheet, list problems in Validation and highlight their cells."),
    "grades": ("刷新分级", "计算销售占比、ABC等级、客户类别和交易类型。",
               "Grades", "Compute sales share, ABC grade, segment and deal type."),
    "calls": ("刷新拨打清单", "先把清单里填写的结果记入联系记录，再生成今天的拨打清单。",
              "Call List", "Save the results typed in the list to the contact log, then build today's list."),
    "credit_form": ("填写授信申请", "为当前单元格所在行的客户填写授信申请表。",
                    "Credit Form", "Fill the credit application for the customer in the active cell's row."),
    "check_orders": ("订单信用检查", "按授信额度、未收余额、在途订单和逾期天数检查“订单”表里每张未发货订单：通过、超额度、逾期暂停或需审批。",
                     "Check Orders", "Check every open order in Orders against the credit limit, the balance, the "
                     "open orders and overdue debt: pass, over limit, overdue hold or needs approval."),
    "aging": ("刷新账龄", "按基准日期生成账龄分析。", "Aging", "Build the aging analysis as of the as-of date."),
    "export_aging": ("导出账龄报告", "把账龄报告导出为 Excel 文件（带图表），保存在工作簿旁边。",
                     "Export Aging", "Export the aging report as an Excel file with a chart, next to the workbook."),
}
GROUPS = {
    "tab": ("客户管理", "CRM"),
    "group_data": ("数据", "Data"),
    "group_customers": ("客户与拨打", "Customers & Calls"),
    "group_credit": ("信用与账款", "Credit & Receivables"),
}


def ribbon_labels(lang: Lang) -> dict[str, str]:
    i = word(lang, 0, 2)
    out = {k: v[word(lang, 0, 1)] for k, v in GROUPS.items()}
    for key, texts in ACTIONS.items():
        out[key] = texts[i]
        out[f"{key}_tip"] = texts[i + 1]
    return out
