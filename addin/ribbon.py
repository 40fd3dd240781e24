"""What the ribbon buttons run: `RunPython "import addin.ribbon; addin.ribbon.dispatch('<id>')"`.

Each action takes the calling workbook (``xw.Book.caller()``), runs the same job the
`crm` command runs through the live adapter, writes back in bulk with screen
updating off, shows progress in the status bar and ends with a message box. Errors
become a clear message box, never a traceback. Only the ids in addin.actions run.
"""
from __future__ import annotations

import datetime as dt
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import jobs
from .actions import ACTIONS
from .export.aging_export import ExportError, export
from .i18n import pick, word
from .io.live import LiveBook
from .io.package import PackageError
from .loader import detect_lang, find_tabs
from .steps import AGING, CALLS, GRADES, ORDERS
from .table import UnusableInput, find_header

TEXT = {
    "unknown": ("未知的操作：{id}", "Unknown action: {id}"),
    "working": ("客户管理：正在{label}…", "CRM: {label}…"),
    "done": ("{label}完成。", "{label} done."),
    "issues": ("发现 {errors} 个错误、{warnings} 个警告，详见“校验结果”表。",
               "{errors} errors and {warnings} warnings; see the Validation sheet."),
    "calls": ("拨打清单：{sizes}。已从清单记入联系记录 {harvested} 条。",
              "Call lists: {sizes}. Results saved to the contact log: {harvested}."),
    "abc": ("ABC 分级：A {A} 户，B {B} 户，C {C} 户。", "ABC grades: A {A}, B {B}, C {C}."),
    "aging": ("未收余额 {outstanding:,.2f}，逾期 {overdue:,.2f}，超额度客户 {over} 户。",
              "Outstanding {outstanding:,.2f}, overdue {overdue:,.2f}, over-limit customers: {over}."),
    "form": ("已为 {cid} 填写授信申请：得分 {score:g}，等级 {grade}，建议额度 {suggested:,.0f}，{action}，审批人 {approver}。",
             "Credit form filled for {cid}: score {score:g}, grade {grade}, suggested {suggested:,.0f}, {action}, "
             "approver {approver}."),
    "orders": ("订单信用检查：通过 {pass_} 张，超额度 {over} 张，逾期暂停 {hold} 张，需审批 {approve} 张。",
               "Order check: {pass_} pass, {over} over the limit, {hold} on overdue hold, {approve} need approval."),
    "exported": ("账龄报告已导出：{path}", "Aging report exported: {path}"),
    "no_customer": ("请先选中某个客户所在行的单元格（客户资料卡、销售漏斗或信用调查）。",
                    "Select a cell in a customer's row first (Customers, Funnel or Credit Survey)."),
    "no_path": ("工作簿尚未保存到本地文件夹，无法导出。", "Save the workbook to a local folder first."),
    "failed": ("操作失败：{reason}", "Failed: {reason}"),
    "bug": ("程序内部错误（{kind}）：{reason}\n详细信息已写入 {log}", "Internal error ({kind}): {reason}\nDetails: {log}"),
    "title": ("客户管理", "CRM"),
}


def t(key: str, lang: str, **kw: Any) -> str:
    return pick(TEXT, key, lang, **kw)


def _caller() -> Any:
    import xlwings as xw  # lazy: everything else works where xlwings cannot start Excel

    return xw.Book.caller()


def debug(path: str, action_id: str) -> bool:
    """Run an action against a workbook open in Excel, from Python (xlwings mock caller)."""
    import xlwings as xw

    xw.Book(path).set_mock_caller()
    return dispatch(action_id)


def _lang(book: Any) -> str:
    return detect_lang(find_tabs([s.name for s in book.sheets]))


def _summary(result: jobs.Result, lang: str) -> list[str]:
    facts = result.facts
    lines = []
    if GRADES in facts:
        lines.append(t("abc", lang, **facts[GRADES].counts))
    if CALLS in facts:
        sizes = ", ".join(f"{rep} {n}" for rep, n in facts[CALLS].sizes.items()) or "—"
        lines.append(t("calls", lang, sizes=sizes, harvested=facts[CALLS].harvested))
    if AGING in facts:
        r = facts[AGING]
        lines.append(t("aging", lang, outstanding=r.total.outstanding, overdue=r.total.overdue,
                       over=r.over_limit_count))
    if result.errors or result.warnings:
        lines.append(t("issues", lang, errors=result.errors, warnings=result.warnings))
    return lines


def _run(live: LiveBook, book: Any, steps: tuple[str, ...] | None) -> list[str]:
    result = jobs.validate(live) if steps is None else jobs.refresh(live, steps=steps)
    jobs.apply(live, result.plan)
    return _summary(result, result.loaded.lang)


def _selected_customer(book: Any, live: LiveBook) -> str | None:
    import sheets_schema as S

    sel = book.selection
    if sel is None:
        return None
    spec = S.sheet_for_name(sel.sheet.name)
    if spec is None or spec.key not in ("customers", "funnel", "survey", "contacts", "receivables"):
        return None
    grid = live.read_grid(sel.sheet.name)
    r, cols, _, _ = find_header(grid, spec)
    c = cols.get("customer_id")
    if c is None or sel.row - 1 <= r or sel.row - 1 >= len(grid):
        return None
    value = grid[sel.row - 1][c - 1]
    from .core.parse import as_text

    return as_text(value)


def _credit_form(live: LiveBook, book: Any) -> list[str]:
    import sheets_schema as S

    lang = _lang(book)
    cid = _selected_customer(book, live)
    if cid is None:
        raise jobs.DataError(t("no_customer", lang))
    result = jobs.credit_form(live, cid)
    jobs.apply(live, result.plan)
    _, a = result.form
    approver = S.SURVEY.col("approver").choice(a.approver).label(result.loaded.lang)
    action = S.SURVEY.col("limit_action").choice(a.action).label(result.loaded.lang)
    return [t("form", lang, cid=cid, score=a.score, grade=a.grade, suggested=a.suggested, action=action,
              approver=approver)]


def _check_orders(live: LiveBook, book: Any) -> list[str]:
    result = jobs.check_orders(live)
    jobs.apply(live, result.plan)
    n = result.facts[ORDERS].counts()
    lang = result.loaded.lang
    lines = [t("orders", lang, pass_=n.get("pass", 0), over=n.get("over_limit", 0), hold=n.get("overdue_hold", 0),
               approve=n.get("needs_approval", 0))]
    if result.errors or result.warnings:
        lines.append(t("issues", lang, errors=result.errors, warnings=result.warnings))
    return lines


def _export_aging(live: LiveBook, book: Any) -> list[str]:
    lang = _lang(book)
    full = Path(str(getattr(book, "fullname", "")))
    if not full.parent.is_dir():
        raise jobs.DataError(t("no_path", lang))
    result = jobs.refresh(live, steps=(AGING,))
    report = result.facts[AGING]
    stem = word(lang, "账龄分析", "aging")
    out = full.with_name(f"{full.stem}-{stem}-{report.as_of:%Y%m%d}.xlsx")
    export(report, result.loaded.lang, out)
    return [t("exported", lang, path=str(out))] + _summary(result, result.loaded.lang)


HANDLERS: dict[str, Callable[[LiveBook, Any], list[str]]] = {
    "validate": lambda live, book: _run(live, book, None),
    "grades": lambda live, book: _run(live, book, (GRADES,)),
    "calls": lambda live, book: _run(live, book, (GRADES, CALLS)),
    "credit_form": _credit_form,
    "check_orders": _check_orders,
    "aging": lambda live, book: _run(live, book, (AGING,)),
    "export_aging": _export_aging,
}
assert HANDLERS.keys() == ACTIONS.keys()


def dispatch(action_id: str, book: Any = None, platform: str = sys.platform) -> bool:
    """Run one whitelisted action on the calling workbook; True when it succeeded."""
    book = _caller() if book is None else book
    app = book.app
    lang = _lang(book)
    title = t("title", lang)
    if action_id not in HANDLERS:
        app.alert(t("unknown", lang, id=action_id), title=title, mode="critical")
        return False
    label = ACTIONS[action_id][word(lang, 0, 2)]
    live = LiveBook(book, platform=platform)
    app.screen_updating = False
    app.status_bar = t("working", lang, label=label)
    try:
        lines = HANDLERS[action_id](live, book)
    except (UnusableInput, PackageError, ExportError, jobs.DataError) as exc:
        app.alert(t("failed", lang, reason=str(exc)), title=title, mode="critical")
        return False
    except Exception as exc:  # a bug: say so plainly and keep the details for support
        log = Path.home() / "crm-addin-error.log"
        try:
            log.write_text(f"{dt.datetime.now().isoformat()} {action_id}\n{traceback.format_exc()}", encoding="utf-8")
        except OSError:
            pass
        app.alert(t("bug", lang, kind=type(exc).__name__, reason=str(exc), log=log), title=title, mode="critical")
        return False
    finally:
        app.screen_updating = True
        app.status_bar = False  # hands the status bar back to Excel (None would be VT_NULL through COM)
    app.alert("\n".join([t("done", lang, label=label)] + lines), title=title, mode="info")
    return True
