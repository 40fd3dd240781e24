"""`crm doctor`: is this machine (and this workbook) ready for the ribbon's first click?

Each check is one line: ✔ what was found, or ✘ what is wrong and the fix. `--live` then opens
a scratch copy of the workbook through xlwings and runs every ribbon action on it through the same
dispatch the buttons use, one line per button with its time — one run on a PC with Excel checks
the whole path, and the workbook itself is not touched.
"""
from __future__ import annotations

import importlib.metadata
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .i18n import join, pick, word

#: the checks' names and what they say, in the workbook's language (zh, en); the key is the
#: check's stable name (`Check.name`, the ``name`` of the run report's ``check`` lines)
NAMES: dict[str, tuple[str, str]] = {
    "Python": ("Python", "Python"),
    "add-in": ("加载项", "add-in"),
    "xlwings": ("xlwings", "xlwings"),
    "workbook": ("工作簿", "workbook"),
    "workbook macros": ("工作簿的宏", "workbook macros"),
    "interpreter": ("Python 路径", "interpreter"),
    "RunPython AppleScript": ("RunPython 的 AppleScript", "RunPython AppleScript"),
    "workbook not open": ("工作簿未被打开", "workbook not open"),
    "downloaded-file block": ("下载文件的宏拦截", "downloaded-file block"),
    "trusted location": ("受信任位置", "trusted location"),
    "open in Excel": ("在 Excel 中打开", "open in Excel"),
}
SAYS: dict[str, tuple[str, str]] = {
    "python_ok": ("{version}，位于 {exe}", "{version} at {exe}"),
    "python_old": ("{version} 太旧：请从 python.org 安装 Python 3.11 或更新版本",
                   "{version} is too old: install Python 3.11 or newer from python.org"),
    "addin_missing": ("{exe} 没有安装：运行 {exe} -m pip install crm-addin",
                      "not installed for {exe}: run {exe} -m pip install crm-addin"),
    "xlwings_missing": ("没有安装：{exe} -m pip install xlwings=={want}", "not installed: {exe} -m pip install xlwings=={want}"),
    "xlwings_other": ("装的是 {version}，加载项需要 {want}：{exe} -m pip install xlwings=={want}",
                      "{version} installed, the add-in needs {want}: {exe} -m pip install xlwings=={want}"),
    "no_vba": ("没有 VBA 工程（这是 .xlsx）：用 crm new 生成带宏的工作簿",
               "no VBA project (an .xlsx): make a macro workbook with crm new"),
    "vba_other": ("工作簿里的 RunPython 是 xlwings {embedded}，本机装的是 {installed}：运行 crm update-vba {path}",
                  "the workbook's RunPython is xlwings {embedded}, installed is {installed}: run crm update-vba {path}"),
    "vba_ok": ("RunPython 为 xlwings {embedded}，与本机一致", "RunPython of xlwings {embedded}, as installed"),
    "no_conf": ("没有“{sheet}”表：Excel 会去启动一个叫 python 的程序；运行 crm setup {path}",
                "no '{sheet}' sheet: Excel would start a program named python; run crm setup {path}"),
    "unreadable": ("无法读取工作簿（{error}）", "cannot read the workbook ({error})"),
    "conf_twice": ("“{sheet}”的 A 列把 {keys} 写了两次，RunPython 会因此停下：删掉其中一行",
                   "'{sheet}' names {keys} twice in column A, which stops RunPython: delete one of the rows"),
    "conf_missing": ("“{sheet}”里缺少 {key} 或为空（xlwings 从 A1 往下读到第一个空行）：运行 crm setup {path}",
                     "{key} is missing or empty in '{sheet}' (xlwings reads column A from A1 down to the first empty "
                     "row): run crm setup {path}"),
    "elsewhere": ("{key} = {value}（在业务员的电脑上检查，不在 {platform} 上）",
                  "{key} = {value} (checked on the rep's PC, not on {platform})"),
    "is": ("{key} = {value}", "{key} = {value}"),
    "no_such": ("{key} = {value} 不存在：在那里安装 Python，或运行 crm setup {path}",
                "{key} = {value} does not exist: install Python there or run crm setup {path}"),
    "mac_unsafe": ("Interpreter_Mac = {value} 含有 {bad!r}：xlwings 的 AppleScript 把它不加引号交给 shell，按钮会失败；{fix}",
                   "Interpreter_Mac = {value} has {bad!r}: xlwings' AppleScript passes it to the shell unquoted, so "
                   "the button fails; {fix}"),
    "script_found": ("（找到了 {have}：是别的 xlwings 版本的）", " (found {have}: another xlwings version's)"),
    "script_missing": ("{script} 不存在{found}：Excel 会提示运行“xlwings runpython install”；请在“终端”里运行它"
                       "（如果还没装这个版本，先运行 python3 -m pip install xlwings=={version}）",
                       "{script} is missing{found}: Excel would ask to run 'xlwings runpython install'; run it in "
                       "Terminal (python3 -m pip install xlwings=={version} first if that version is not installed)"),
    "lock_open": ("{lock} 表明它正打开着：请先在 Excel / LibreOffice 里关闭", "{lock} says it is open: close it in Excel / "
                  "LibreOffice"),
    "no_lock": ("没有锁文件", "no lock file"),
    "ended": ("它的进程已结束", "its process has ended"),
    "nobody": ("没有进程持有它", "nobody holds it"),
    "left_over": ("{lock} 是残留的（{holder}；{why}）：无害，下一次 crm 运行会接管它，也可以删掉",
                  "{lock} is left over ({holder}; {why}): harmless, the next crm run takes it over; you may delete it"),
    "working": ("{lock}：一个 crm 进程（{holder}）正在处理它；请等它结束", "{lock}: a crm run ({holder}) is working on it; "
                "wait for it to finish"),
    "windows_only": ("“网络标记”（Mark of the Web）只在 Windows 上有", "Mark of the Web exists on Windows only"),
    "no_motw": ("没有“网络标记”", "no Mark of the Web"),
    "motw_blocked": ("文件来自互联网，Office 会拦截它的宏：右键 › 属性 › 勾选“解除锁定”，或把它放在受信任位置",
                     "the file came from the internet and Office blocks its macros: right-click › Properties › tick "
                     "Unblock, or keep it in a Trusted Location"),
    "motw_ok": ("所在区域允许宏", "zone allows macros"),
    "not_found": ("找不到 {path}", "{path} not found"),
    "trusted": ("把工作簿放在“文件 › 选项 › 信任中心 › 受信任位置”列出的文件夹里，而不是启用所有宏",
                "keep the workbook in a folder listed under File › Options › Trust Center › Trusted Locations, "
                "instead of enabling all macros"),
    "scratch": ("一份临时副本，{scratch}", "a scratch copy, {scratch}"),
    "button": ("按钮“{label}”", "button {action}"),
    "done": ("完成", "done"),
    "failed": ("失败", "failed"),
}


@dataclass(frozen=True)
class Check:
    name: str  # stable, English: the check's key (the run report's ``name``)
    ok: bool | None  # None: cannot be checked here (skipped)
    detail: str  # in the language the checks were made in
    label: str = ""  # the name in that language (``name`` when empty)
    lang: str = "en"

    def line(self) -> str:
        mark = {True: "✔", False: "✘", None: "–"}[self.ok]
        return f"{mark} {self.label or self.name}{word(self.lang, '：', ': ')}{self.detail}"


class _Words:
    """What the checks say, in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, says: str, **kw: Any) -> str:
        return str(word(self.lang, *SAYS[says])).format(**kw)

    def check(self, name: str, ok: bool | None, says: str, **kw: Any) -> Check:
        return self.said(name, ok, self(says, **kw))

    def said(self, name: str, ok: bool | None, detail: str) -> Check:
        label = pick(NAMES, name, self.lang) if name in NAMES else name
        return Check(name, ok, detail, label, self.lang)


def pinned_xlwings() -> str | None:
    """The xlwings version this add-in is built for (its exact pin)."""
    for req in importlib.metadata.requires("crm-addin") or []:
        if req.replace(" ", "").startswith("xlwings=="):
            return req.split("==", 1)[1].split(";")[0].strip()
    return None


def _python(w: _Words) -> Check:
    v = sys.version_info
    if v >= (3, 11):
        return w.check("Python", True, "python_ok", version=f"{v.major}.{v.minor}.{v.micro}", exe=sys.executable)
    return w.check("Python", False, "python_old", version=f"{v.major}.{v.minor}")


def _addin(w: _Words) -> Check:
    try:
        version = importlib.metadata.version("crm-addin")
    except importlib.metadata.PackageNotFoundError:
        return w.check("add-in", False, "addin_missing", exe=sys.executable)
    return w.said("add-in", True, f"crm-addin {version}")


def _xlwings(w: _Words) -> Check:
    want = pinned_xlwings()
    try:
        version = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        return w.check("xlwings", False, "xlwings_missing", exe=sys.executable, want=want)
    if want and version != want:
        return w.check("xlwings", False, "xlwings_other", version=version, want=want, exe=sys.executable)
    return w.said("xlwings", True, version)


def _workbook_vba(path: Path, w: _Words) -> Check:
    from .build import vba_read
    from .build.upgrade import vba_part
    from .io.package import Package, PackageError

    try:
        pkg = Package(path)
    except PackageError as exc:
        return w.said("workbook macros", False, str(exc))
    try:
        part = vba_part(pkg)
        if part is None:
            return w.check("workbook macros", False, "no_vba")
        embedded = vba_read.read(pkg.read(part)).xlwings_version
    finally:
        pkg.close()
    try:
        installed = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if embedded != installed:
        return w.check("workbook macros", False, "vba_other", embedded=embedded, installed=installed, path=path)
    return w.check("workbook macros", True, "vba_ok", embedded=embedded)


def _interpreter(path: Path, platform: str, w: _Words) -> Check:
    from python_calamine import CalamineWorkbook

    from .build.xlwings_conf import CONF_SHEET, read_block

    try:
        wb = CalamineWorkbook.from_path(str(path))
        if CONF_SHEET not in wb.sheet_names:
            return w.check("interpreter", False, "no_conf", sheet=CONF_SHEET, path=path)
        conf, repeated, _ = read_block(wb.get_sheet_by_name(CONF_SHEET).to_python(skip_empty_area=False))
    except Exception as exc:  # calamine's own errors
        return w.check("interpreter", False, "unreadable", error=exc)
    if repeated:
        return w.check("interpreter", False, "conf_twice", sheet=CONF_SHEET, keys=join(repeated, w.lang))
    key = "Interpreter_Mac" if platform == "darwin" else "Interpreter_Win"
    value = conf.get(key.upper(), "").strip()
    if not value:
        return w.check("interpreter", False, "conf_missing", key=key, sheet=CONF_SHEET, path=path)
    if not platform.startswith("win") and platform != "darwin":
        return w.check("interpreter", None, "elsewhere", key=key, value=value, platform=platform)
    if platform == "darwin":
        return _mac_interpreter(path, value, w)
    exists = Path(os.path.expandvars(value)).exists()
    return w.check("interpreter", exists, "is" if exists else "no_such", key=key, value=value, path=path)


def _mac_interpreter(path: Path, value: str, w: _Words) -> Check:
    from .build.xlwings_conf import mac_fix, mac_unsafe

    value = os.path.expandvars(value) if value.startswith("$") else value
    bad = mac_unsafe(value)
    if bad is not None:
        return w.check("interpreter", False, "mac_unsafe", value=value, bad=bad, fix=mac_fix(value, w.lang))
    exists = Path(value).exists()
    return w.check("interpreter", exists, "is" if exists else "no_such", key="Interpreter_Mac", value=value,
                   path=path)


def _applescript(path: Path | None, w: _Words) -> Check:
    """macOS: RunPython calls AppleScriptTask("xlwings-<version>.applescript") (xlwings.bas,
    ExecuteMac), which Excel's sandbox finds only in ~/Library/Application Scripts/com.microsoft.Excel;
    `xlwings runpython install` copies it there (xlwings/cli.py runpython_install)."""
    version = None
    if path is not None:
        version = _embedded_version(path)
    if version is None:
        try:
            version = importlib.metadata.version("xlwings")
        except importlib.metadata.PackageNotFoundError:
            version = pinned_xlwings()
    script = Path.home() / "Library" / "Application Scripts" / "com.microsoft.Excel" / f"xlwings-{version}.applescript"
    if script.is_file():
        return w.said("RunPython AppleScript", True, str(script))
    have = sorted(p.name for p in script.parent.glob("xlwings-*.applescript")) if script.parent.is_dir() else []
    found = w("script_found", have=join(have, w.lang)) if have else ""
    return w.check("RunPython AppleScript", False, "script_missing", script=script, found=found, version=version)


def _embedded_version(path: Path) -> str | None:
    from .build import vba_read
    from .build.upgrade import vba_part
    from .io.package import Package, PackageError

    try:
        pkg = Package(path)
    except PackageError:
        return None
    try:
        part = vba_part(pkg)
        return vba_read.read(pkg.read(part)).xlwings_version if part else None
    except Exception:  # an unreadable project is reported by the macros check
        return None
    finally:
        pkg.close()


def _not_open(path: Path, w: _Words) -> Check:
    from .io.guard import inspect_lock, owner_file

    lock = owner_file(path)
    if lock is not None:
        return w.check("workbook not open", False, "lock_open", lock=lock.name)
    info = inspect_lock(path)
    if info is None:
        return w.check("workbook not open", True, "no_lock")
    if info.stale:
        why = w("ended") if info.alive is False else w("nobody")
        return w.check("workbook not open", True, "left_over", lock=info.path.name, holder=info.holder(), why=why)
    return w.check("workbook not open", False, "working", lock=info.path.name, holder=info.holder())


def _mark_of_the_web(path: Path, platform: str, w: _Words) -> Check:
    if not platform.startswith("win"):
        return w.check("downloaded-file block", None, "windows_only")
    try:
        with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as fh:
            zone = fh.read()
    except OSError:
        return w.check("downloaded-file block", True, "no_motw")
    if "ZoneId=3" in zone or "ZoneId=4" in zone:
        return w.check("downloaded-file block", False, "motw_blocked")
    return w.check("downloaded-file block", True, "motw_ok")


def workbook_lang(path: Path | None) -> str:
    """The workbook's language by its customer sheet's tab (English: Customers); Chinese otherwise,
    and when there is no workbook or it cannot be read (the checks say why)."""
    from python_calamine import CalamineWorkbook

    import sheets_schema as S

    if path is None or not path.is_file():
        return "zh"
    try:
        names = CalamineWorkbook.from_path(str(path)).sheet_names
    except Exception:  # calamine's own errors: the macros and interpreter checks report them
        return "zh"
    english = S.fold(S.CUSTOMERS.en)
    return "en" if any(S.fold(n) == english for n in names) else "zh"


def checks(path: Path | None = None, platform: str = sys.platform, lang: str = "zh") -> list[Check]:
    """Every check of this PC (and the workbook), in ``lang``."""
    w = _Words(lang)
    out = [_python(w), _addin(w), _xlwings(w)]
    if path is not None and not path.exists():
        return out + [w.check("workbook", False, "not_found", path=path)]
    if platform == "darwin":
        out.append(_applescript(path, w))
    if path is not None:
        out += [_workbook_vba(path, w), _interpreter(path, platform, w), _not_open(path, w),
                _mark_of_the_web(path, platform, w)]
    out.append(w.check("trusted location", None, "trusted"))
    return out


def live_checks(path: Path, open_book: Callable[[Path], Any] | None = None,
                clock: Callable[[], float] = time.perf_counter, lang: str = "zh") -> list[Check]:
    """Open a scratch copy of the workbook through xlwings and run every ribbon action on it as
    the buttons do, one line per button with its time. The workbook itself is never opened or
    changed: the copy (under another name, as Excel opens one book per name) lives in a temporary
    folder, is closed without saving and removed, the aging export with it."""
    from . import ribbon
    from .actions import ACTIONS, ribbon_labels

    w = _Words(lang)
    labels = ribbon_labels("en" if lang == "en" else "zh")

    if open_book is None:
        import xlwings as xw

        open_book = lambda p: xw.Book(str(p))  # noqa: E731
    scratch_dir = Path(tempfile.mkdtemp(prefix="crm-doctor-"))
    scratch = scratch_dir / f"{path.stem}-crm-doctor{path.suffix}"
    try:
        shutil.copyfile(path, scratch)
        try:
            book = open_book(scratch)
        except Exception as exc:  # xlwings / COM / AppleScript errors
            return [w.said("open in Excel", False, f"{type(exc).__name__}: {exc}")]
        out = [w.check("open in Excel", True, "scratch", scratch=scratch)]
        try:
            for action in ACTIONS:
                if action == "credit_form":
                    _select_first_surveyed_customer(book)
                before = len(book.app.alerts) if hasattr(book.app, "alerts") else None
                start = clock()
                try:
                    ok = ribbon.dispatch(action, book)
                except Exception as exc:  # never expected: dispatch turns errors into message boxes
                    ok, said = False, f"{type(exc).__name__}: {exc}"
                else:
                    said = (book.app.alerts[-1][1].splitlines()[0]
                            if before is not None and len(book.app.alerts) > before else "")
                took = clock() - start
                detail = f"{took:.2f} s · " + (said or w("done" if ok else "failed"))
                out.append(Check(f"button {action}", ok, detail, w("button", label=labels[action], action=action),
                                 lang))
        finally:
            try:
                book.close()  # without saving: it is the scratch copy
            except Exception:  # an Excel that already closed it
                pass
        return out
    finally:
        shutil.rmtree(scratch_dir, ignore_errors=True)


def _select_first_surveyed_customer(book: Any) -> None:
    import sheets_schema as S

    for sheet in book.sheets:
        spec = S.sheet_for_name(sheet.name)
        if spec is not None and spec.key == "survey":
            if sheet.used_range.last_cell.row >= 2:
                sheet.activate()  # Excel selects on the active sheet only
                sheet.range((2, 1)).select()
            return
