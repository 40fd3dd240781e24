"""Putting the add-in into a workbook and onto a PC: `crm new`, `crm setup`, `crm update-vba`,
`crm doctor` — each returns the run report."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from .io.package import PackageError
from .report import RunReport
from .runner import Stop, guarded, refuse_overwrite, unusable
from .table import UnusableInput


def lang_of(path: Path) -> str:
    """The workbook's language by its tab names (Chinese when it cannot tell)."""
    from .io.package import Package
    from .loader import detect_lang, find_tabs

    pkg = Package(path)
    try:
        return detect_lang(find_tabs([n for n, _ in pkg.sheets()]))
    except UnusableInput:
        return "zh"
    finally:
        pkg.close()


def new(path: Path, *, lang: str = "zh", force: bool = False) -> RunReport:
    """A blank CRM workbook from the template."""
    from .build.workbook import build_workbook
    from .build.xlwings_conf import CONF_SHEET, PYTHON_ORG, interpreters, mac_fix, mac_unsafe

    if lang not in ("zh", "en"):
        raise Stop(None, "--lang must be zh or en")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise unusable(path, "a new workbook is .xlsm (with the add-in's macros) or .xlsx; "
                             f"{path.suffix or 'no extension'} would name a file of another format")
    refuse_overwrite(path, force)
    report = RunReport(command="new", workbook=str(path), lang=lang)
    values = interpreters()
    if mac_unsafe(values["Interpreter_Mac"]) is not None:
        report.say("mac_path", path=values["Interpreter_Mac"], instead=PYTHON_ORG["Interpreter_Mac"],
                   fix=mac_fix(values["Interpreter_Mac"], lang))
        values["Interpreter_Mac"] = PYTHON_ORG["Interpreter_Mac"]
    build_workbook(path, lang=lang, interpreters=values)  # type: ignore[arg-type]
    report.wrote("file", str(path)).say("created", path=str(path))
    if path.suffix.lower() == ".xlsm":
        for key, value in values.items():
            report.say("conf", sheet=CONF_SHEET, key=key, value=value)
    return report


def _upgraded(report: RunReport, path: Path, done: Any) -> None:
    from .io.package import stamped_backups

    if done.kept:
        report.say("vba_kept", modules=", ".join(done.kept))
    if done.dropped:
        report.say("vba_dropped", modules=", ".join(done.dropped))
    backups = stamped_backups(path)
    if backups:
        report.say("backup", name=backups[-1].name).wrote("file", str(backups[-1]))


def setup(path: Path, *, force: bool = False) -> RunReport:
    """The xlwings.conf sheet: the Python that the ribbon's RunPython starts."""
    from .build.upgrade import CONF_SHEET
    from .build.upgrade import setup as add_conf

    with guarded(path):
        lang = lang_of(path)
        report = RunReport(command="setup", workbook=str(path), lang=lang)
        try:
            values, done = add_conf(path, lang, force=force)  # type: ignore[arg-type]
        except PackageError as exc:
            raise unusable(path, str(exc)) from None
    report.wrote("sheet", CONF_SHEET)
    for key, value in values.items():
        report.say("conf", sheet=CONF_SHEET, key=key, value=value)
    if done is not None:
        _upgraded(report, path, done)
    return report


def update_vba(path: Path, *, force: bool = False) -> RunReport:
    """The workbook's VBA project and ribbon replaced with the installed add-in's and xlwings'."""
    from .build.upgrade import update_vba as upgrade

    with guarded(path):
        lang = lang_of(path)
        try:
            done = upgrade(path, lang, force=force)  # type: ignore[arg-type]
        except PackageError as exc:
            raise unusable(path, str(exc)) from None
    report = RunReport(command="update-vba", workbook=str(path), lang=lang)
    report.say("vba_updated", workbook=path.name, old=done.old_version or "?", new=done.new_version)
    _upgraded(report, path, done)
    return report


def doctor(path: Path | None = None, *, live: bool = False, lang: str | None = None) -> RunReport:
    """This PC (and a workbook) checked for the ribbon's first click; one line per check, in
    ``lang``, else the workbook's language, else Chinese."""
    from . import doctor as d

    if live and path is None:
        raise Stop(None, "--live needs the workbook's path")
    if lang not in (None, "zh", "en"):
        raise Stop(None, "--lang must be zh or en")
    lang = lang or d.workbook_lang(path)
    results = d.checks(path, lang=lang)
    if live:
        assert path is not None
        results += d.live_checks(path, lang=lang)
    report = RunReport(command="doctor", workbook=None if path is None else str(path), lang=lang)
    for c in results:
        report.say("check", name=c.name, ok=c.ok, detail=c.detail, text=c.line())
    report.exit_code = 0 if all(c.ok is not False for c in results) else 1
    return report
