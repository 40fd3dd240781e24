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

from . import commands, jobs
from .actions import ACTIONS
from .export.aging_export import ExportError, export
from .i18n import pick, word
from .io.live import LiveBook
from .io.package import PackageError
from .loader import detect_lang, find_tabs
from .report import RunReport
from .report_text import summary_lines
from .runner import Stop, report_of
from .steps import AGING, GRADES, Step
from .table import UnusableInput, find_header

TEXT = {
    "unknown": ("未知的操作：{id}", "Unknown action: {id}"),
    "working": ("客户管理：正在{label}…", "CRM: {label}…"),
    "done": ("{label}完成。", "{label} done."),
    "issues": ("发现 {errors} 个错误、{warnings} 个警告，详见“校验结果”表。",
               "{errors} errors and {warnings} warnings; see the Validation sheet."),
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


def message(report: RunReport, label: str) -> str:
    """The message box at the end of an action: done, the run report's lines (the same the CLI
    prints for the same run, addin.report_text), and how many problems 校验结果 lists."""
    lines = [t("done", report.lang, label=label), *summary_lines(report)]
    if report.errors or report.warnings:
        lines.append(t("issues", report.lang, errors=report.errors, warnings=report.warnings))
    return "\n".join(lines)


def _name(book: Any) -> str:
    return str(getattr(book, "name", "") or "")


def _run(live: LiveBook, book: Any, command: str, steps: tuple[Step[object], ...] | None) -> RunReport:
    result = jobs.validate(live) if steps is None else jobs.refresh(live, steps=steps)
    jobs.apply(live, result.plan)
    if command == "calls":
        return commands.calls_report(_name(book), result)
    if command == "aging":
        result.scope = jobs.aging_errors(result)
        return commands.aging_report(_name(book), result)
    return report_of(command, _name(book), result, steps=steps)


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


def _credit_form(live: LiveBook, book: Any) -> RunReport:
    cid = _selected_customer(book, live)
    if cid is None:
        raise jobs.DataError(t("no_customer", _lang(book)))
    result = jobs.credit_form(live, cid)
    jobs.apply(live, result.plan)
    return commands.credit_form_report(_name(book), result)


def _check_orders(live: LiveBook, book: Any) -> RunReport:
    result = jobs.check_orders(live)
    jobs.apply(live, result.plan)
    return commands.check_orders_report(_name(book), result)


def _export_aging(live: LiveBook, book: Any) -> RunReport:
    lang = _lang(book)
    full = Path(str(getattr(book, "fullname", "")))
    if not full.parent.is_dir():
        raise jobs.DataError(t("no_path", lang))
    result = jobs.aging(live)
    aging = result.facts[AGING]
    stem = word(lang, "账龄分析", "aging")
    out = full.with_name(f"{full.stem}-{stem}-{aging.as_of:%Y%m%d}.xlsx")
    export(aging, result.loaded.lang, out)
    return commands.aging_report(_name(book), result, exported=out)


HANDLERS: dict[str, Callable[[LiveBook, Any], RunReport]] = {
    "validate": lambda live, book: _run(live, book, "validate", None),
    "grades": lambda live, book: _run(live, book, "grades", (GRADES,)),
    "calls": lambda live, book: _run(live, book, "calls", commands.CALL_STEPS),
    "credit_form": _credit_form,
    "check_orders": _check_orders,
    "aging": lambda live, book: _run(live, book, "aging", (AGING,)),
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
        report = HANDLERS[action_id](live, book)
    except (UnusableInput, PackageError, ExportError, jobs.DataError, Stop) as exc:
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
    app.alert(message(report, label), title=title, mode="info")
    return True
