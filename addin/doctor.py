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


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: cannot be checked here (skipped)
    detail: str

    def line(self) -> str:
        mark = {True: "✔", False: "✘", None: "–"}[self.ok]
        return f"{mark} {self.name}: {self.detail}"


def pinned_xlwings() -> str | None:
    """The xlwings version this add-in is built for (its exact pin)."""
    for req in importlib.metadata.requires("crm-addin") or []:
        if req.replace(" ", "").startswith("xlwings=="):
            return req.split("==", 1)[1].split(";")[0].strip()
    return None


def _python() -> Check:
    v = sys.version_info
    ok = v >= (3, 11)
    return Check("Python", ok, f"{v.major}.{v.minor}.{v.micro} at {sys.executable}" if ok else
                 f"{v.major}.{v.minor} is too old: install Python 3.11 or newer from python.org")


def _addin() -> Check:
    try:
        version = importlib.metadata.version("crm-addin")
    except importlib.metadata.PackageNotFoundError:
        return Check("add-in", False, f"not installed for {sys.executable}: run {sys.executable} -m pip install "
                     "crm-addin")
    return Check("add-in", True, f"crm-addin {version}")


def _xlwings() -> Check:
    try:
        version = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        return Check("xlwings", False, f"not installed: {sys.executable} -m pip install xlwings=={pinned_xlwings()}")
    want = pinned_xlwings()
    if want and version != want:
        return Check("xlwings", False, f"{version} installed, the add-in needs {want}: "
                     f"{sys.executable} -m pip install xlwings=={want}")
    return Check("xlwings", True, version)


def _workbook_vba(path: Path) -> Check:
    from .build import vba_read
    from .build.upgrade import vba_part
    from .io.package import Package, PackageError

    try:
        pkg = Package(path)
    except PackageError as exc:
        return Check("workbook macros", False, str(exc))
    try:
        part = vba_part(pkg)
        if part is None:
            return Check("workbook macros", False, "no VBA project (an .xlsx): make a macro workbook with crm new")
        embedded = vba_read.read(pkg.read(part)).xlwings_version
    finally:
        pkg.close()
    try:
        installed = importlib.metadata.version("xlwings")
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if embedded != installed:
        return Check("workbook macros", False, f"the workbook's RunPython is xlwings {embedded}, installed is "
                     f"{installed}: run crm update-vba {path}")
    return Check("workbook macros", True, f"RunPython of xlwings {embedded}, as installed")


def _interpreter(path: Path, platform: str) -> Check:
    from python_calamine import CalamineWorkbook

    from .build.xlwings_conf import CONF_SHEET, read_block

    try:
        wb = CalamineWorkbook.from_path(str(path))
        if CONF_SHEET not in wb.sheet_names:
            return Check("interpreter", False, f"no '{CONF_SHEET}' sheet: Excel would start a program named python; "
                         f"run crm setup {path}")
        conf, repeated, _ = read_block(wb.get_sheet_by_name(CONF_SHEET).to_python(skip_empty_area=False))
    except Exception as exc:  # calamine's own errors
        return Check("interpreter", False, f"cannot read the workbook ({exc})")
    if repeated:
        return Check("interpreter", False, f"'{CONF_SHEET}' names {', '.join(repeated)} twice in column A, which "
                     "stops RunPython: delete one of the rows")
    key = "Interpreter_Mac" if platform == "darwin" else "Interpreter_Win"
    value = conf.get(key.upper(), "").strip()
    if not value:
        return Check("interpreter", False, f"{key} is missing or empty in '{CONF_SHEET}' (xlwings reads column A "
                     f"from A1 down to the first empty row): run crm setup {path}")
    if not platform.startswith("win") and platform != "darwin":
        return Check("interpreter", None, f"{key} = {value} (checked on the rep's PC, not on {platform})")
    if platform == "darwin":
        return _mac_interpreter(path, value)
    exists = Path(os.path.expandvars(value)).exists()
    return Check("interpreter", exists, f"{key} = {value}" if exists else
                 f"{key} = {value} does not exist: install Python there or run crm setup {path}")


def _mac_interpreter(path: Path, value: str) -> Check:
    from .build.xlwings_conf import mac_fix, mac_unsafe

    value = os.path.expandvars(value) if value.startswith("$") else value
    bad = mac_unsafe(value)
    if bad is not None:
        return Check("interpreter", False, f"Interpreter_Mac = {value} has {bad!r}: xlwings' AppleScript passes it "
                     f"to the shell unquoted, so the button fails; {mac_fix(value)}")
    exists = Path(value).exists()
    return Check("interpreter", exists, f"Interpreter_Mac = {value}" if exists else
                 f"Interpreter_Mac = {value} does not exist: install Python there or run crm setup {path}")


def _applescript(path: Path | None) -> Check:
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
        return Check("RunPython AppleScript", True, str(script))
    have = sorted(p.name for p in script.parent.glob("xlwings-*.applescript")) if script.parent.is_dir() else []
    found = f" (found {', '.join(have)}: another xlwings version's)" if have else ""
    return Check("RunPython AppleScript", False, f"{script} is missing{found}: Excel would ask to run 'xlwings "
                 f"runpython install'; run it in Terminal (python3 -m pip install xlwings=={version} first if "
                 "that version is not installed)")


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


def _not_open(path: Path) -> Check:
    from .io.guard import inspect_lock, owner_file

    lock = owner_file(path)
    if lock is not None:
        return Check("workbook not open", False, f"{lock.name} says it is open: close it in Excel / LibreOffice")
    info = inspect_lock(path)
    if info is None:
        return Check("workbook not open", True, "no lock file")
    if info.stale:
        why = "its process has ended" if info.alive is False else "nobody holds it"
        return Check("workbook not open", True, f"{info.path.name} is left over ({info.holder()}; {why}): harmless, "
                     f"the next crm run takes it over; you may delete it")
    return Check("workbook not open", False, f"{info.path.name}: a crm run ({info.holder()}) is working on it; "
                 "wait for it to finish")


def _mark_of_the_web(path: Path, platform: str) -> Check:
    if not platform.startswith("win"):
        return Check("downloaded-file block", None, "Mark of the Web exists on Windows only")
    try:
        with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as fh:
            zone = fh.read()
    except OSError:
        return Check("downloaded-file block", True, "no Mark of the Web")
    if "ZoneId=3" in zone or "ZoneId=4" in zone:
        return Check("downloaded-file block", False, "the file came from the internet and Office blocks its macros: "
                     "right-click › Properties › tick Unblock, or keep it in a Trusted Location")
    return Check("downloaded-file block", True, "zone allows macros")


def checks(path: Path | None = None, platform: str = sys.platform) -> list[Check]:
    out = [_python(), _addin(), _xlwings()]
    if path is not None and not path.exists():
        return out + [Check("workbook", False, f"{path} not found")]
    if platform == "darwin":
        out.append(_applescript(path))
    if path is not None:
        out += [_workbook_vba(path), _interpreter(path, platform), _not_open(path), _mark_of_the_web(path, platform)]
    out.append(Check("trusted location", None, "keep the workbook in a folder listed under File › Options › Trust "
                     "Center › Trusted Locations, instead of enabling all macros"))
    return out


def live_checks(path: Path, open_book: Callable[[Path], Any] | None = None,
                clock: Callable[[], float] = time.perf_counter) -> list[Check]:
    """Open a scratch copy of the workbook through xlwings and run every ribbon action on it as
    the buttons do, one line per button with its time. The workbook itself is never opened or
    changed: the copy (under another name, as Excel opens one book per name) lives in a temporary
    folder, is closed without saving and removed, the aging export with it."""
    from . import ribbon
    from .actions import ACTIONS

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
            return [Check("open in Excel", False, f"{type(exc).__name__}: {exc}")]
        out = [Check("open in Excel", True, f"a scratch copy, {scratch}")]
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
                out.append(Check(f"button {action}", ok, f"{took:.2f} s · " + (said or ("done" if ok else "failed"))))
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
