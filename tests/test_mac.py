"""Issue 23 item 5: the Mac's first click — the RunPython AppleScript in Excel's sandbox, and an
Interpreter_Mac the AppleScript would split at a space."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import xlwings
from helpers import cli, read_sheet

from addin import doctor
from addin.build import xlwings_conf
from addin.build.upgrade import setup
from addin.io.package import PackageError

ROOT = Path(__file__).parents[1]
SCRIPT = f"xlwings-{xlwings.__version__}.applescript"


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setattr(Path, "home", lambda: home)
    monkeypatch.setenv("HOME", str(home))
    return home


def by_name(path, **kw):
    return {c.name: c for c in doctor.checks(path, platform="darwin", lang="en", **kw)}


def test_the_applescript_xlwings_installs_is_the_one_the_doctor_looks_for():
    """xlwings' own file name (what `xlwings runpython install` copies) and the name RunPython asks for."""
    root = Path(xlwings.__file__).parent
    assert (root / SCRIPT).is_file()
    assert 'AppleScriptTask("xlwings-" & XLWINGS_VERSION & ".applescript"' in (root / "xlwings.bas").read_text(
        encoding="cp1252")


def test_doctor_on_a_mac_checks_the_applescript_in_excels_sandbox(tmp_path, home):
    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    check = by_name(path)["RunPython AppleScript"]
    assert check.ok is False and "xlwings runpython install" in check.detail and SCRIPT in check.detail
    folder = home / "Library" / "Application Scripts" / "com.microsoft.Excel"
    folder.mkdir(parents=True)
    (folder / "xlwings-0.30.1.applescript").write_text("old")
    check = by_name(path)["RunPython AppleScript"]
    assert check.ok is False and "found xlwings-0.30.1.applescript" in check.detail
    shutil.copy(Path(xlwings.__file__).parent / SCRIPT, folder)  # what `xlwings runpython install` does
    assert by_name(path)["RunPython AppleScript"].ok is True
    assert by_name(None)["RunPython AppleScript"].ok is True  # without a workbook: the installed version's
    # on Windows the check is not made
    assert "RunPython AppleScript" not in {c.name for c in doctor.checks(path, platform="win32")}


def test_a_space_in_interpreter_mac_is_reported_with_the_fix(tmp_path, home):
    from openpyxl import load_workbook

    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    python = home / "Zhang Wei" / "bin" / "python3"
    python.parent.mkdir(parents=True)
    python.write_text("")
    wb = load_workbook(path, keep_vba=True)
    wb[xlwings_conf.CONF_SHEET]["B2"] = str(python)
    wb.save(path)
    check = by_name(path)["interpreter"]
    assert check.ok is False and "' '" in check.detail and "unquoted" in check.detail
    assert f"ln -s '{python}' {xlwings_conf.MAC_LINK}" in check.detail
    # the link the fix names passes
    link = home / "crm-python3"
    link.symlink_to(python)
    wb = load_workbook(path, keep_vba=True)
    wb[xlwings_conf.CONF_SHEET]["B2"] = str(link)
    wb.save(path)
    assert by_name(path)["interpreter"].ok is True
    # $HOME is expanded by VBA before the shell sees it: the expansion is what counts
    wb = load_workbook(path, keep_vba=True)
    wb[xlwings_conf.CONF_SHEET]["B2"] = "$HOME/crm-python3"
    wb.save(path)
    assert by_name(path)["interpreter"].ok is True


@pytest.mark.parametrize("exe", ["/Users/Zhang Wei/venv/bin/python3", "/opt/a|b/python3", "/opt/it's/python3"])
def test_setup_refuses_a_mac_python_the_applescript_would_split(tmp_path, exe):
    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    before = path.read_bytes()
    values = xlwings_conf.interpreters("darwin", exe)
    assert values["Interpreter_Mac"] == exe
    with pytest.raises(PackageError, match="unquoted") as exc:
        setup(path, values=values)
    assert "ln -s" in str(exc.value) and path.read_bytes() == before
    # a path without such characters (Chinese letters are fine for the shell) is written
    ok = "/Users/张伟/venv/bin/python3"
    setup(path, values=xlwings_conf.interpreters("darwin", ok))
    assert read_sheet(path, xlwings_conf.CONF_SHEET)[1][:2] == ("Interpreter_Mac", ok)


def test_crm_setup_on_a_mac_with_a_spaced_python_exits_2(tmp_path, monkeypatch):
    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    # the running Python as on a Mac whose home folder has a space (interpreters() reads sys.platform
    # and sys.executable through its defaults)
    monkeypatch.setattr(xlwings_conf.interpreters, "__defaults__", ("darwin", "/Users/Zhang Wei/venv/bin/python3"))
    res = cli("setup", path)
    assert res.exit_code == 2 and "unquoted" in res.stderr and "ln -s" in res.stderr
