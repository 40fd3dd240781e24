"""Issue 13: files other software wrote, and runs that must never harm a workbook."""
import datetime as dt
import re
import zipfile

import openpyxl
from openpyxl.styles import PatternFill

from helpers import cli, read_sheet
from test_refresh import AS_OF, _type_results, small_book


def _rows_of(path, sheet_part):
    xml = zipfile.ZipFile(path).read(sheet_part).decode()
    return [int(r) for r in re.findall(r'<(?:\w+:)?row\b[^>]*?\br="(\d+)"', xml)]


def _part_of(path, tab):
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(tab) + 1}.xml"


def _all_rows_ascending(path):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                rows = [int(r) for r in re.findall(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"', z.read(name))]
                assert rows == sorted(set(rows)), name


def test_harvest_reuses_formatted_empty_rows_below_the_log(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    # the rep formats a block below the log (as LibreOffice and Excel write it: empty styled cells)
    wb = openpyxl.load_workbook(path)
    ws = wb["联系记录"]
    fill = PatternFill("solid", fgColor="DDEEFF")
    for r in range(4, 30):
        for c in range(1, 8):
            ws.cell(r, c).fill = fill
    wb.save(path)
    _type_results(path, {"C1": ("报价已发", None), "C3": ("没人接", None)})
    assert cli("refresh", path).exit_code == 0
    _all_rows_ascending(path)
    log = read_sheet(path, "联系记录")
    assert [r[4] for r in log[1:5]] == ["报价", "拜访", "报价已发", "没人接"]
    assert all(v is None for r in log[5:] for v in r)
    wb = openpyxl.load_workbook(path)
    # the harvested cells keep the rep's formatting
    assert wb["联系记录"].cell(4, 5).fill.fgColor.rgb.endswith("DDEEFF")
