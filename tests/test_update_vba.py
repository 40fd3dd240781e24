"""Issue 23 item 3: `crm update-vba` / `crm setup` keep the code of document modules (ThisWorkbook,
the sheets' modules), refuse what they cannot carry, and keep timestamped backups."""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from dataclasses import replace
from pathlib import Path

import olefile
from helpers import cli, parts, write_parts
from oletools.olevba import VBA_Parser

from addin.build import vba_read
from addin.build.vba_project import modules_for, project_bytes, std_module
from addin.build.xlwings_conf import CONF_SHEET
from addin.io import package

ROOT = Path(__file__).parents[1]
OPEN = ("Private Sub Workbook_Open()\r\n"
        "    MsgBox \"Guten Morgen\"\r\n"
        "End Sub\r\n")
CHANGE = ("Option Explicit\r\n"
          "Private Sub Worksheet_Change(ByVal Target As Range)\r\n"
          "    If Target.Column = 2 Then Target.Offset(0, 1).Value = Now\r\n"
          "End Sub\r\n")


def _code_names(path: Path) -> list[str]:
    from addin.build.upgrade import code_names
    from addin.io.package import Package

    pkg = Package(path)
    try:
        return code_names(pkg)
    finally:
        pkg.close()


def user_workbook(tmp_path: Path, codes: dict[str, str], *, version: str = "0.30.1", codepage: int = 1252,
                  without_conf: bool = False) -> Path:
    """The shipped workbook with an older add-in's project whose document modules hold the user's
    code, as the VBA editor stores it: the Attribute lines, then the code."""
    path = tmp_path / "mine.xlsm"
    shutil.copy(ROOT / "workbook" / "CRM.xlsm", path)
    names = _code_names(path)
    if without_conf:
        names = names[:-1]
    mods = []
    for m in modules_for(names):
        m = replace(m, source=m.source.replace('XLWINGS_VERSION As String = "0.37.8"',
                                               f'XLWINGS_VERSION As String = "{version}"'))
        if m.name in codes:
            m = replace(m, source=m.source + codes[m.name])
        mods.append(m)
    items = parts(path)
    items["xl/vbaProject.bin"] = project_bytes(mods, codepage)
    if without_conf:  # a workbook made before the xlwings.conf sheet
        from addin.io.package import Package

        write_parts(path, items)
        pkg = Package(path)
        part = pkg.sheet_part(CONF_SHEET)
        pkg.close()
        items = parts(path)
        del items[part]
        wb = items["xl/workbook.xml"].decode()
        start = wb.index(f'<sheet name="{CONF_SHEET}"')
        items["xl/workbook.xml"] = (wb[:start] + wb[wb.index("/>", start) + 2:]).encode()
        rels = items["xl/_rels/workbook.xml.rels"].decode()
        target = part.split("/", 1)[1]
        start = rels.rindex("<Relationship ", 0, rels.index(f'Target="{target}"'))
        items["xl/_rels/workbook.xml.rels"] = (rels[:start] + rels[rels.index("/>", start) + 2:]).encode()
        ct = items["[Content_Types].xml"].decode()
        start = ct.index(f'<Override PartName="/{part}"')
        items["[Content_Types].xml"] = (ct[:start] + ct[ct.index("/>", start) + 2:]).encode()
    write_parts(path, items)
    return path


def olevba_modules(path: Path) -> dict[str, str]:
    vp = VBA_Parser(str(path))
    try:
        return {name.rsplit(".", 1)[0]: code for (_, _, name, code) in vp.extract_macros()}
    finally:
        vp.close()


def test_update_vba_carries_the_code_of_thisworkbook_and_a_sheet_module(tmp_path):
    path = user_workbook(tmp_path, {"ThisWorkbook": OPEN, "Sheet1": CHANGE})
    assert "Workbook_Open" in olevba_modules(path)["ThisWorkbook"]  # what a user has before
    before = parts(path)
    res = cli("update-vba", path)
    assert res.exit_code == 0, res.stderr
    assert "0.30.1 → 0.37.8" in res.output and "ThisWorkbook, Sheet1" in res.output
    got = olevba_modules(path)
    assert got["ThisWorkbook"].endswith(OPEN) and got["ThisWorkbook"].startswith(
        'Attribute VB_Name = "ThisWorkbook"\r\nAttribute VB_Base = "0{00020819')
    assert got["Sheet1"].endswith(CHANGE) and 'Attribute VB_Name = "Sheet1"' in got["Sheet1"]
    assert 'XLWINGS_VERSION As String = "0.37.8"' in got["xlwings"]
    assert "Workbook_Open" not in got["Sheet2"]
    # only the project changed; the code sits in the new project once, where Excel compiles it
    after = parts(path)
    assert {n for n in before if after.get(n) != before[n]} == {"xl/vbaProject.bin"}
    assert sum("Workbook_Open" in code for code in got.values()) == 1
    # a second update carries it again: nothing is lost over upgrades
    assert cli("update-vba", path).exit_code == 0
    assert olevba_modules(path)["Sheet1"].endswith(CHANGE)


def test_setup_adding_the_conf_sheet_carries_the_code_too(tmp_path):
    path = user_workbook(tmp_path, {"ThisWorkbook": OPEN, "Sheet3": CHANGE}, without_conf=True)
    assert CONF_SHEET not in _sheet_names(path)
    res = cli("setup", path)
    assert res.exit_code == 0, res.stderr
    got = olevba_modules(path)
    assert got["ThisWorkbook"].endswith(OPEN) and got["Sheet3"].endswith(CHANGE)
    assert len([n for n in got if n.startswith("Sheet")]) == len(_code_names(path))
    assert CONF_SHEET in _sheet_names(path)


def _sheet_names(path: Path) -> list[str]:
    from addin.io.package import Package

    pkg = Package(path)
    try:
        return [n for n, _ in pkg.sheets()]
    finally:
        pkg.close()


def test_code_in_a_chinese_excels_project_is_carried_in_its_code_page(tmp_path):
    code = "' 每天早上提醒\r\nPrivate Sub Workbook_Open()\r\n    MsgBox \"早上好\"\r\nEnd Sub\r\n"
    path = user_workbook(tmp_path, {"ThisWorkbook": code}, codepage=936)
    assert cli("update-vba", path).exit_code == 0
    info = vba_read.read(zipfile.ZipFile(path).read("xl/vbaProject.bin"))
    assert info.codepage == 936 and info.source("ThisWorkbook").endswith(code)
    assert info.xlwings_version == "0.37.8"


def test_code_that_cannot_be_carried_is_refused_without_force(tmp_path):
    # a document module whose sheet is gone (the module of a deleted sheet, say) and a module of the
    # user's own: both named, the file untouched
    path = user_workbook(tmp_path, {"ThisWorkbook": OPEN})
    mods = modules_for(_code_names(path) + ["Sheet99"])
    mods = [replace(m, source=m.source + CHANGE) if m.name == "Sheet99" else m for m in mods]
    mods.append(std_module('Attribute VB_Name = "MyMacros"\r\nSub Hi()\r\nEnd Sub\r\n'))
    items = parts(path)
    items["xl/vbaProject.bin"] = project_bytes(mods)
    write_parts(path, items)
    before = path.read_bytes()
    res = cli("update-vba", path)
    assert res.exit_code == 2 and path.read_bytes() == before
    assert "Sheet99" in res.stderr and "MyMacros" in res.stderr and "--force" in res.stderr
    res = cli("update-vba", path, "--force")
    assert res.exit_code == 0 and "已删除（--force）：MyMacros, Sheet99" in res.output
    assert "Sheet99" not in olevba_modules(path)


def test_backups_are_timestamped_and_the_newest_five_kept(tmp_path, monkeypatch):
    path = user_workbook(tmp_path, {"ThisWorkbook": OPEN})
    (tmp_path / "mine.xlsm.bak").write_bytes(b"a refresh's backup")  # never pruned
    clock = iter(dt.datetime(2026, 12, 2, 9, 0, s) for s in range(0, 60, 2))
    monkeypatch.setattr(package, "_now", lambda: next(clock))
    first = path.read_bytes()
    for _ in range(7):
        assert cli("update-vba", path).exit_code == 0
    backups = sorted(p.name for p in tmp_path.glob("mine.xlsm.*.bak"))
    assert backups == [f"mine.xlsm.20261202-0900{s:02d}.bak" for s in (4, 6, 8, 10, 12)]
    assert (tmp_path / "mine.xlsm.bak").read_bytes() == b"a refresh's backup"
    assert first != (tmp_path / backups[0]).read_bytes()  # the first generations were pruned
    # crm setup on a workbook with the sheet: a backup too, and two in the same second both kept
    monkeypatch.setattr(package, "_now", lambda: dt.datetime(2026, 12, 2, 10, 0, 0))
    assert cli("setup", path).exit_code == 0 and cli("setup", path).exit_code == 0
    names = sorted(p.name for p in tmp_path.glob("mine.xlsm.*.bak"))
    assert names[-2:] == ["mine.xlsm.20261202-100000.bak", "mine.xlsm.20261202-100001.bak"] and len(names) == 5


def test_reads_an_excel_made_project_with_performance_caches():
    """xlwings' own quickstart.xlsm (saved by Excel: module sources after a performance cache)."""
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart.xlsm"
    info = vba_read.read(zipfile.ZipFile(path).read("xl/vbaProject.bin"))
    ole = olefile.OleFileIO(zipfile.ZipFile(path).read("xl/vbaProject.bin"))
    assert ole.exists("VBA/Module1")
    ole.close()
    expected = olevba_modules(path)
    for m in info.sources:
        assert m.source == expected[m.name], m.name
    assert info.document_modules == ("ThisWorkbook", "Sheet1", "Sheet2")
