"""The run report in words, in the report's language (Chinese by default, English for an English
workbook): the lines the CLI prints and the ribbon's message box shows — one rendering for both.

Each step's figures and each :class:`~addin.report.Line` have a template here keyed by the step's
name or the line's key; a step or line without one is still shown (``key: figures``), so a new
step reports before anyone words it.
"""
from __future__ import annotations

from typing import Any

from .i18n import join, pick, word
from .report import RunReport, StepSummary

TEXT: dict[str, tuple[str, str]] = {
    # the first line of a workbook command
    "head": ("{workbook}：{errors} 个错误，{warnings} 个警告（{seconds:.1f} 秒）",
             "{workbook}: {errors} errors, {warnings} warnings ({seconds:.1f}s)"),
    # steps (StepSummary.figures)
    "harvested": ("已从拨打清单记入联系记录 {harvested} 条", "Results saved from the call list to the contact log: {harvested}"),
    "calls": ("拨打清单：{sizes}", "Call lists: {sizes}"),
    "credit": ("信用评估 {assessed} 户，需重新调查 {resurvey_due} 户",
               "Credit assessed: {assessed} customers; new survey due: {resurvey_due}"),
    "aging": ("账龄（截至 {as_of}，按{basis}）：未收余额 {outstanding:,.2f}，未到期 {not_due:,.2f}，逾期 {overdue:,.2f}，"
              "预计可收回 {recoverable:,.2f}，坏账准备 {allowance:,.2f}",
              "Aging as of {as_of} ({basis} date): outstanding {outstanding:,.2f}, not due {not_due:,.2f}, "
              "overdue {overdue:,.2f}, expected recovery {recoverable:,.2f}, allowance {allowance:,.2f}"),
    "aging_buckets": ("  账龄分段：{buckets}", "  Buckets: {buckets}"),
    "aging_over": ("  超额度客户 {over_limit} 户（有余额客户 {customers} 户）",
                   "  Over-limit customers: {over_limit} of {customers} with a balance"),
    "orders": ("订单信用检查：未发货订单 {open} 张（共 {orders} 张）：{checks}",
               "Order check: {open} open orders of {orders}: {checks}"),
    # lines (Line.key)
    "aging_complete": ("账龄完整：{errors} 个错误都在账龄未使用的行中", "The aging is complete: the {errors} errors are in "
                       "rows it did not use"),
    "exported": ("已导出：{path}", "Exported {path}"),
    "form": ("“{tab}”已为 {customer} 填写：得分 {score:g}，等级 {grade}，建议额度 {suggested:,.0f}，{action}，审批人 {approver}"
             "（按金额 {amount:,.0f}）",
             "{tab} filled for {customer}: score {score:g}, grade {grade}, suggested {suggested:,.0f}, {action}, "
             "approver {approver} (by {amount:,.0f})"),
    "errors_elsewhere": ("注意：工作簿其他地方有 {errors} 个数据错误（请运行 crm validate）",
                         "Note: the workbook has {errors} data errors elsewhere (run crm validate)"),
    "statement": ("“{tab}”已为 {customer} 填写，截至 {as_of}（{rows} 行）",
                  "{tab} filled for {customer} up to {as_of} ({rows} rows)"),
    "statements": ("{n} 份对账单（截至 {as_of}）已写入 {folder}", "{n} statements as of {as_of} written to {folder}"),
    "letters": ("{n} 封催款函（截至 {as_of}）已写入 {folder}：{titles}",
                "{n} letters as of {as_of} written to {folder}: {titles}"),
    "to_send": ("待发送 {n} 份{kind}，已发送过 {skipped} 份，{no_email} 户没有邮箱{ids}",
                "{n} {kind} to send, {skipped} already sent, {no_email} without 邮箱{ids}"),
    "would_send": ("  将发送 {title} {customer} {amount:,.2f} 至 {to}", "  would send {title} {customer} {amount:,.2f} to {to}"),
    "send_failed": ("  发送失败 {customer} {to}：{detail}", "  failed {customer} {to}: {detail}"),
    "connection_lost": ("已发送 {sent} 份后连接中断；{untried} 份未尝试（再次运行即可发送）",
                        "connection lost after {sent} sent; {untried} not tried (run again to send them)"),
    "sent": ("{sent} 份{kind}{how} {where}；失败 {failed} 份；“{tab}”新增 {rows} 行",
             "{sent} {kind} {how} {where}; {failed} failed; {rows} rows added to {tab}"),
    "created": ("已创建 {path}", "created {path}"),
    "conf": ("{sheet}：{key} = {value}", "{sheet}: {key} = {value}"),
    "mac_path": ("警告：此 Python 的路径 {path} 在 Mac 上会使按钮失效（xlwings 不加引号传给 shell）；工作簿改用 {instead}：{fix}",
                 "warning: this Python's path {path} would break the buttons on a Mac (xlwings passes it to the shell "
                 "unquoted); the workbook names {instead} instead: {fix}"),
    "vba_updated": ("{workbook}：VBA 工程已更新（xlwings {old} → {new}）",
                    "{workbook}: VBA project updated (xlwings {old} → {new})"),
    "vba_kept": ("{modules} 中您自己的代码已带入新的 VBA 工程", "your code in {modules} was carried into the new VBA project"),
    "vba_dropped": ("已删除（--force）：{modules}", "dropped (--force): {modules}"),
    "backup": ("备份 {name}", "backup {name}"),
    "check": ("{text}", "{text}"),
    "text": ("{text}", "{text}"),
    "demo": ("演示工作簿 {path}：{customers} 个客户，{funnel} 条漏斗，{contacts} 条联系记录，{surveys} 份信用调查，"
             "{invoices} 张发票（生成用时 {seconds:.1f} 秒）",
             "demo workbook {path}: {customers} customers, {funnel} funnel rows, {contacts} contacts, {surveys} surveys, "
             "{invoices} invoices (built in {seconds:.1f}s)"),
    "timing": ("用时：生成 {build:.1f} 秒，刷新 {refresh:.2f} 秒（{phases}）",
               "timing: build {build:.1f}s, refresh {refresh:.2f}s ({phases})"),
    "collected": ("{status} {name}：{owner}，{customers} 个客户{note}{moved}",
                  "{status} {name}: {owner}, {customers} customers{note}{moved}"),
    "collect_note": ("，{errors} 个数据错误（这些行未收集；请运行 crm validate）",
                     ", {errors} data errors (rows left out; run crm validate)"),
    "collect_moved": ("；从 {previous} 转给 {owner}", "; moved from {previous} to {owner}"),
    "collect_refused": ("以前作为 {previous} 的工作簿收集，现在其客户属于 {owner}：未转移（请检查文件；--reassign 可转移）",
                        "collected before as {previous}'s workbook, now its customers are {owner}'s: not moved "
                        "(check the file; --reassign moves it)"),
    "collect_skipped": ("{status} {name}：{reason}", "{status} {name}: {reason}"),
    "collect_unchanged": ("{status} {name}", "{status} {name}"),
    "collect_total": ("{n} 个工作簿：{counts}（{seconds:.1f} 秒）", "{n} {books}: {counts} ({seconds:.1f}s)"),
    "team": ("已写入 {path}：{reps} 个工作簿，截至 {as_of}，{disputes} 个归属争议客户，转化 {span}",
             "wrote {path}: {reps} workbooks as of {as_of}, {disputes} disputed customers, conversion {span}"),
}

#: table column keys → headers
HEADERS: dict[str, tuple[str, str]] = {
    "rank": ("#", "#"), "customer_id": ("客户编号", "ID"), "name": ("客户名称", "customer"), "phone": ("电话", "phone"),
    "grade": ("ABC", "ABC"), "score": ("得分", "score"), "reasons": ("原因", "reasons"), "row": ("行", "row"),
    "date": ("日期", "date"), "amount": ("金额", "amount"), "check": ("信用检查", "check"), "note": ("检查说明", "note"),
    "sheet": ("工作表", "sheet"), "errors": ("错误", "errors"), "warnings": ("警告", "warnings"),
}
#: the issue list's words
ISSUES = {"error": ("错误", "error"), "warning": ("警告", "warning"),
          "more": ("  … 另有 {n} 条，见“校验结果”表", "  … {n} more in the 校验结果 sheet")}
BASIS = {"due": ("到期日", "due"), "invoice": ("开票日", "invoice")}
KIND = {"statements": ("对账单", "statements"), "letters": ("催款函", "letters")}


def text(key: str, lang: str, values: dict[str, Any]) -> str:
    if key in TEXT:
        try:
            return pick(TEXT, key, lang, **values)
        except (KeyError, ValueError, TypeError):
            pass
    return f"{key}: " + ", ".join(f"{k} {v}" for k, v in values.items())


#: `crm collect`'s outcome of a workbook (the report's ``status`` values)
STATUS: dict[str, tuple[str, str]] = {
    "collected": ("已收集", "collected"), "reassigned": ("已转移", "reassigned"), "unchanged": ("未变化", "unchanged"),
    "skipped": ("已跳过", "skipped"), "refused": ("已拒绝", "refused"),
}


def _status(status: str, lang: str) -> str:
    from rich.cells import cell_len

    said = pick(STATUS, status, lang) if status in STATUS else status
    return said + " " * max(0, 10 - cell_len(said))


def _collect_line(key: str, lang: str, values: dict[str, Any]) -> str:
    """One workbook of `crm collect`, its status and the notes in the report's words."""
    v = {**values, "status": _status(values.get("status", ""), lang)}
    if key == "collected":
        v["note"] = text("collect_note", lang, values) if values.get("errors") else ""
        v["moved"] = text("collect_moved", lang, values) if values.get("previous") else ""
    if key == "collect_skipped" and values.get("status") == "refused" and values.get("previous"):
        v["reason"] = text("collect_refused", lang, values)
    if key == "collect_total":
        counts = word(lang, "，", ", ").join(f"{n} {pick(STATUS, s, lang) if s in STATUS else s}"
                                           for s, n in values.get("by_status", {}).items() if n)
        v["counts"] = counts or word(lang, "无", "none")
        v["books"] = "workbook" if values.get("n") == 1 else "workbooks"
    return text(key, lang, v)


#: the job's phases (the report's ``timings``)
PHASES: dict[str, tuple[str, str]] = {"read": ("读取", "read"), "validate": ("校验", "validate"),
                                      "compute": ("计算", "compute")}


def _timing_line(key: str, lang: str, values: dict[str, Any]) -> str:
    phases = values.get("phases")
    if isinstance(phases, dict):
        said = [f"{pick(PHASES, k, lang) if k in PHASES else k} {v:.2f}{word(lang, ' 秒', 's')}"
                for k, v in phases.items()]
        values = {**values, "phases": word(lang, "，", "  ").join(said)}
    return text(key, lang, values)


LINE_TEXT = {**{k: _collect_line for k in ("collected", "collect_skipped", "collect_unchanged", "collect_total")},
             "timing": _timing_line}


def line_text(key: str, lang: str, values: dict[str, Any]) -> str:
    return LINE_TEXT[key](key, lang, values) if key in LINE_TEXT else text(key, lang, values)


def _grades(figures: dict[str, Any], lang: str) -> list[str]:
    counts = figures["grades"]
    total = sum(counts.values()) or 1
    if lang == "zh":
        return ["ABC 分级：" + "，".join(f"{k} {v} 户（{v / total:.0%}）" for k, v in counts.items())]
    return ["ABC: " + "  ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.items())]


def _calls(figures: dict[str, Any], lang: str) -> list[str]:
    from .core.calls import MonthCoverage
    from .sheets.call_list import month_text

    sizes = join([f"{rep} {n}" for rep, n in figures["lists"].items()], lang) or word(lang, "无", "none")
    out = [text("harvested", lang, figures), text("calls", lang, {"sizes": sizes})]
    months = {rep: MonthCoverage(rep, m["contacted"], m["book"], m["days_left"], missed=m["missed"],
                                 undone=m["undone"]) for rep, m in figures.get("month", {}).items()}
    if months:
        out.append(month_text(months, lang))
    return out


def _aging(figures: dict[str, Any], lang: str) -> list[str]:
    import sheets_schema as S

    basis = figures["basis"]
    heads = [c.header(lang) for c in S.bucket_columns(tuple(figures["bounds"]), basis)]
    buckets = "  ".join(f"{h} {v:,.2f}" for h, v in zip(heads, figures["buckets"]))
    values = {**figures, "basis": pick(BASIS, basis, lang) if basis in BASIS else basis}
    return [text("aging", lang, values), text("aging_buckets", lang, {"buckets": buckets or "—"}),
            text("aging_over", lang, figures)]


def _orders(figures: dict[str, Any], lang: str) -> list[str]:
    import sheets_schema as S

    if not figures["orders"]:
        return []  # a workbook without orders (crm refresh); crm check-orders says how many in its first line
    spec = S.ORDERS.col("credit_check")
    checks = "  ".join(f"{spec.choice(k).label(lang)} {n}" for k, n in figures["checks"].items())
    return [text("orders", lang, {**figures, "checks": checks})]


STEP_TEXT = {"grades": _grades, "calls": _calls, "aging": _aging, "orders": _orders}


def step_lines(s: StepSummary, lang: str) -> list[str]:
    if s.step in STEP_TEXT:
        return STEP_TEXT[s.step](s.figures, lang)
    return [text(s.step, lang, s.figures)]


def summary_lines(report: RunReport) -> list[str]:
    """What a run found and did, in the report's language: each step's figures, then the command's
    own lines. The ribbon's message box shows these; the CLI prints them under its first line."""
    lang = report.lang
    out: list[str] = []
    for s in report.steps:
        out.extend(step_lines(s, lang))
    out.extend(line_text(x.key, lang, x.values) for x in report.lines)
    return out


def head_line(report: RunReport) -> str:
    return text("head", report.lang, {"workbook": report.workbook or "", "errors": report.errors,
                                      "warnings": report.warnings, "seconds": report.seconds})


def issue_line(x: Any, lang: str) -> str:
    where = f"{x.sheet}!{x.cell}" if x.cell else x.sheet
    value = f" «{x.value}»" if x.value else ""
    return f"  {pick(ISSUES, x.severity, lang):<7} {where:<16} {x.column}{value}: {x.message}"


def header(key: str, lang: str) -> str:
    return pick(HEADERS, key, lang) if key in HEADERS else key
