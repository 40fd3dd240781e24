"""Issue 12: the ribbon's first click — the pinned xlwings, the interpreter RunPython starts,
the VBA project kept up to date, code names, and `crm doctor`."""
from __future__ import annotations

import re
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import olefile
import pytest
from fake_xlwings import FakeBook
from helpers import cli, parts, read_sheet, write_parts

from addin import doctor
from addin.build import vba_read
from addin.build.upgrade import CONF_SHEET, interpreters, setup
from addin.build.vba_project import build_vba_project, modules_for, project_bytes, std_module
from addin.build.xlwings_conf import comment, read_block

ROOT = Path(__file__).parents[1]


def vba_of(path: Path) -> vba_read.VbaInfo:
    return vba_read.read(zipfile.ZipFile(path).read("xl/vbaProject.bin"))


def code_names(path: Path) -> dict[str, str | None]:
    """Tab → codeName of every sheet, read from the package."""
    from addin.io.package import Package

    pkg = Package(path)
    try:
        out = {}
        for name, part in pkg.sheets():
            m = re.search(rb'<(?:\w+:)?sheetPr\b[^>]*?\bcodeName="([^"]*)"', pkg.read(part))
            out[name] = m.group(1).decode() if m else None
        return out
    finally:
        pkg.close()


def test_xlwings_is_pinned_to_the_version_the_workbook_embeds():
    import importlib.metadata

    pinned = doctor.pinned_xlwings()
    assert pinned == importlib.metadata.version("xlwings")
    assert vba_of(ROOT / "workbook" / "CRM.xlsm").xlwings_version == pinned
    assert f'"xlwings=={pinned}"' in (ROOT / "pyproject.toml").read_text()


def test_every_sheet_keeps_a_code_name_with_its_document_module_after_every_command(tmp_path):
    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    assert cli("setup", path).exit_code == 0
    for args in (("validate",), ("refresh",), ("calls",), ("aging",), ("update-vba",)):
        res = cli(args[0], path, *args[1:])
        assert res.exit_code in (0, 1), (args, res.output, res.stderr)
        names = code_names(path)
        modules = set(vba_of(path).document_modules)
        assert all(names.values()), (args, names)
        assert set(names.values()) | {"ThisWorkbook"} == modules, args
    customer = next(r[0] for r in read_sheet(path, "信用调查")[1:] if r[0])
    assert cli("credit-form", path, customer).exit_code in (0, 1)
    assert all(code_names(path).values())


def test_compound_file_storages_start_at_sector_zero():
    data = build_vba_project(("Sheet1", "Sheet2"))
    ole = olefile.OleFileIO(data)
    storages = [e for e in ole.direntries if e is not None and e.entry_type == olefile.STGTY_STORAGE]
    assert storages and all(e.isectStart == 0 for e in storages)
    ole.close()


def test_update_vba_replaces_only_the_project_and_the_ribbon(tmp_path):
    path = tmp_path / "old.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    # an older add-in's project: the same modules, another xlwings version in its RunPython module
    mods = [replace(m, source=m.source.replace('XLWINGS_VERSION As String = "0.37.8"',
                                               'XLWINGS_VERSION As String = "0.30.1"'))
            for m in modules_for(list(code_names(path).values()))]
    items = parts(path)
    items["xl/vbaProject.bin"] = project_bytes(mods)
    items["customUI/customUI14.xml"] = b"<customUI/>"
    write_parts(path, items)
    assert vba_of(path).xlwings_version == "0.30.1"
    res = cli("doctor", path)
    assert res.exit_code == 1 and "✘ 工作簿的宏：工作簿里的 RunPython 是 xlwings 0.30.1" in res.output
    before = parts(path)
    res = cli("update-vba", path)
    assert res.exit_code == 0 and "0.30.1 → 0.37.8" in res.output
    after = parts(path)
    assert {n for n in before if after.get(n) != before[n]} == {"xl/vbaProject.bin", "customUI/customUI14.xml"}
    assert vba_of(path).xlwings_version == "0.37.8"
    backups = list(tmp_path.glob("old.xlsm.*.bak"))  # NAME.YYYYMMDD-HHMMSS.bak
    assert len(backups) == 1 and parts(backups[0]) == before
    assert "✔ 工作簿的宏" in cli("doctor", path).output


def test_update_vba_never_drops_a_users_own_macros(tmp_path):
    path = tmp_path / "mine.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    mods = modules_for(list(code_names(path).values()))
    items = parts(path)
    items["xl/vbaProject.bin"] = project_bytes(mods + [std_module('Attribute VB_Name = "MyMacros"\r\nSub Hi()\r\n'
                                                                  'End Sub\r\n')])
    write_parts(path, items)
    before = path.read_bytes()
    res = cli("update-vba", path)
    assert res.exit_code == 2 and "MyMacros" in res.stderr and path.read_bytes() == before
    assert cli("update-vba", path, "--force").exit_code == 0
    assert "MyMacros" not in vba_of(path).modules


def test_update_vba_refuses_a_workbook_without_macros(tmp_path):
    path = tmp_path / "plain.xlsx"
    assert cli("new", path).exit_code == 0
    res = cli("update-vba", path)
    assert res.exit_code == 2 and "no VBA project" in res.stderr


def test_new_and_setup_write_the_interpreter_and_the_loader_ignores_it(tmp_path):
    path = tmp_path / "rep.xlsm"
    res = cli("new", path)
    assert res.exit_code == 0 and "Interpreter_Win" in res.output
    rows = read_sheet(path, CONF_SHEET)
    assert rows[:2] == [("Interpreter_Win", interpreters()["Interpreter_Win"]),
                        ("Interpreter_Mac", interpreters()["Interpreter_Mac"])]
    assert rows[2][0].startswith("# ") and "crm setup" in rows[2][0]
    res = cli("validate", path)
    assert res.exit_code == 0 and "xlwings.conf" not in res.output


@pytest.mark.parametrize("name, lang", [("CRM.xlsm", "zh"), ("CRM-en.xlsm", "en")])
def test_shipped_workbooks_carry_the_python_org_interpreters_and_pass_doctor(name, lang):
    path = ROOT / "workbook" / name
    rows = read_sheet(path, CONF_SHEET)
    assert rows[:2] == [("Interpreter_Win", r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"),
                        ("Interpreter_Mac", "/usr/local/bin/python3")]
    assert rows[2][0] == comment(lang)
    # the sheet has its code name and document module like every other
    names = code_names(path)
    assert names[CONF_SHEET] and names[CONF_SHEET] in vba_of(path).document_modules
    res = cli("doctor", path)
    assert res.exit_code == 0, res.output
    assert "Interpreter_Win = %LOCALAPPDATA%" in res.output
    # as xlwings reads the sheet: A1 down to the first empty row, keys upper-cased
    conf, repeated, n = read_block(rows)
    assert conf["INTERPRETER_MAC"] == "/usr/local/bin/python3" and not repeated and n == 3


def test_setup_updates_an_existing_sheet_in_place_and_keeps_the_users_keys(tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    wb = load_workbook(path, keep_vba=True)
    ws = wb[CONF_SHEET]
    ws["A1"] = "INTERPRETER_WIN"  # xlwings upper-cases the keys: any case is the same key
    ws["A4"], ws["B4"] = "PYTHONPATH", r"C:\shared\lib"
    ws["C2"] = "my note"
    wb.save(path)
    before = parts(path)
    values = {"Interpreter_Win": r"C:\Py\pythonw.exe", "Interpreter_Mac": "/opt/py/bin/python3"}
    setup(path, values=values)
    rows = read_sheet(path, CONF_SHEET)
    assert rows[0][:2] == ("INTERPRETER_WIN", r"C:\Py\pythonw.exe")
    assert rows[1] == ("Interpreter_Mac", "/opt/py/bin/python3", "my note")
    assert rows[3][:2] == ("PYTHONPATH", r"C:\shared\lib")
    changed = {n for n, data in parts(path).items() if before.get(n) != data}
    assert changed == {_part_of(path, CONF_SHEET)}  # the VBA project untouched
    # a key missing from the sheet goes right below the block, where xlwings reads it
    wb = load_workbook(path, keep_vba=True)
    wb[CONF_SHEET]["A2"] = "PYTHONHOME"  # the sheet no longer names Interpreter_Mac
    wb.save(path)
    setup(path, values=values)
    rows = read_sheet(path, CONF_SHEET)
    assert rows[4][:2] == ("Interpreter_Mac", "/opt/py/bin/python3")
    conf, _, n = read_block(rows)
    assert n == 5 and conf["INTERPRETER_MAC"] == "/opt/py/bin/python3" and conf["PYTHONPATH"] == r"C:\shared\lib"
    assert conf["PYTHONHOME"] == "/opt/py/bin/python3"  # the user's row, as it was
    # twice the same key stops RunPython (d.Add): refused with the rows to fix, file untouched
    wb = load_workbook(path, keep_vba=True)
    wb[CONF_SHEET]["A2"] = "interpreter_win"
    wb.save(path)
    before = path.read_bytes()
    res = cli("setup", path)
    assert res.exit_code == 2 and "twice" in res.stderr and path.read_bytes() == before
    assert "twice" in {c.name: c for c in doctor.checks(path, lang="en")}["interpreter"].detail


def _part_of(path: Path, sheet: str) -> str:
    from addin.io.package import Package

    pkg = Package(path)
    try:
        return pkg.sheet_part(sheet)
    finally:
        pkg.close()


def test_interpreters_follow_the_running_python():
    win = interpreters("win32", r"C:\Users\rep\AppData\Local\Programs\Python\Python311\python.exe")
    assert win["Interpreter_Win"] == r"C:\Users\rep\AppData\Local\Programs\Python\Python311\pythonw.exe"
    mac = interpreters("darwin", "/Library/Frameworks/Python.framework/Versions/3.11/bin/python3")
    assert mac["Interpreter_Mac"] == "/Library/Frameworks/Python.framework/Versions/3.11/bin/python3"


@pytest.mark.parametrize("name", ["CRM.xlsm", "CRM-en.xlsm"])
def test_doctor_speaks_the_workbooks_language(tmp_path, name):
    """The user guide sends a Chinese rep to `crm doctor`: its lines are in the workbook's language
    (Chinese without a workbook), every line of one language, and the checks' names in --json stay
    the same keys whatever the language."""
    path = tmp_path / name
    shutil.copy(ROOT / "workbook" / name, path)
    (tmp_path / f"~${name}").write_text("rep")  # open in Excel: one check fails
    res = cli("doctor", path, "--json")
    checks = {line["values"]["name"]: line["values"] for line in __import__("json").loads(res.output)["lines"]}
    assert res.exit_code == 1 and checks["workbook not open"]["ok"] is False
    text = cli("doctor", path).output
    english = name.endswith("-en.xlsm")
    lines = text.splitlines()
    assert len(lines) == len(checks) and all(line[0] in "✔✘–" for line in lines)
    if english:
        assert f"✘ workbook not open: ~${name} says it is open" in text
        assert not re.search(r"[\u4e00-\u9fff]", text)
    else:
        assert f"✘ 工作簿未被打开：~${name} 表明它正打开着" in text
        assert all("：" in line for line in lines)  # name：detail, as Chinese punctuates
        assert not any(w in text for w in ("not installed", "is missing", "says it is open", "does not exist"))
    assert cli("doctor").output.startswith("✔ Python：")  # no workbook: Chinese
    assert cli("doctor", "--lang", "en").output.startswith("✔ Python: ")
    live = doctor.live_checks(path, open_book=FakeBook, lang="en" if english else "zh")
    assert live[1].name == "button validate"
    assert live[1].line()[2:].startswith("按钮“校验数据”：" if not english else "button validate: ")


def test_doctor_checks_the_interpreter_lock_and_mark_of_the_web(tmp_path):
    path = tmp_path / "rep.xlsm"
    cli("new", path)
    python = tmp_path / "pythonw.exe"
    python.write_text("")
    from openpyxl import load_workbook

    wb = load_workbook(path, keep_vba=True)
    wb[CONF_SHEET]["B1"] = str(python)
    wb.save(path)
    by_name = {c.name: c for c in doctor.checks(path, platform="win32", lang="en")}
    assert by_name["interpreter"].ok is True
    assert by_name["downloaded-file block"].ok is True
    Path(f"{path}:Zone.Identifier").write_text("[ZoneTransfer]\nZoneId=3\n")  # how Windows marks a download
    python.unlink()
    (tmp_path / f"~${path.name}").write_text("rep")
    by_name = {c.name: c for c in doctor.checks(path, platform="win32", lang="en")}
    assert by_name["interpreter"].ok is False and "does not exist" in by_name["interpreter"].detail
    assert by_name["downloaded-file block"].ok is False and "Unblock" in by_name["downloaded-file block"].detail
    assert by_name["workbook not open"].ok is False


def test_doctor_live_runs_every_button_through_the_dispatch(tmp_path, monkeypatch):
    path = tmp_path / "live.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    before = path.read_bytes()
    opened = []

    def open_book(p):
        opened.append(FakeBook(p))
        return opened[-1]

    ticks = iter(range(100))
    results = doctor.live_checks(path, open_book=open_book, clock=lambda: next(ticks) * 0.25, lang="en")
    assert [c.name for c in results] == ["open in Excel", "button validate", "button grades", "button calls",
                                         "button credit_form", "button check_orders", "button aging",
                                         "button export_aging"]
    assert all(c.ok for c in results), [c.line() for c in results]
    # one line per button with its time, then what the button said
    assert results[1].line() == "✔ button validate: 0.25 s · 校验数据完成。"
    assert all(c.detail.startswith("0.25 s · ") for c in results[1:])
    # on a scratch copy under another name, closed afterwards and removed; the workbook untouched
    book = opened[0]
    scratch = Path(book.fullname)
    assert scratch.name == "live-crm-doctor.xlsm" and scratch.parent != tmp_path
    assert book.closed and not scratch.parent.exists()
    assert path.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["live.xlsm"]
    assert any(c[0] == "write" for c in book.log)  # the buttons did write, into the copy
    failing = doctor.live_checks(path, open_book=lambda p: FakeBook(p, mac=True))
    assert any(c.ok is False for c in failing)  # the Windows path on a Mac-flavoured Excel is caught


def test_setup_on_an_unreadable_conf_sheet_is_one_line_and_leaves_the_file(tmp_path):
    from addin.io.package import Package

    path = tmp_path / "CRM.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    pkg = Package(path)
    part = pkg.sheet_part(CONF_SHEET)
    pkg.close()
    items = parts(path)
    items[part] = b"<worksheet><sheetData><row r='1'><c r='A1' t='s'><v>99</v></c></row>"  # cut short
    write_parts(path, items)
    before = path.read_bytes()
    res = cli("setup", path)
    assert res.exit_code == 2 and "Traceback" not in res.stderr and path.read_bytes() == before
    assert CONF_SHEET in res.stderr and len(res.stderr.strip().splitlines()) == 1
