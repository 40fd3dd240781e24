"""Issue 13: files other software wrote, and runs that must never harm a workbook."""
import datetime as dt
import re
import zipfile

import openpyxl
from helpers import cli, parts, read_sheet, rows_ascending, write_parts
from openpyxl.styles import PatternFill
from test_refresh import AS_OF, _type_results, small_book


def _rows_of(path, sheet_part):
    xml = zipfile.ZipFile(path).read(sheet_part).decode()
    return [int(r) for r in re.findall(r'<(?:\w+:)?row\b[^>]*?\br="(\d+)"', xml)]


def _part_of(path, tab):
    wb = openpyxl.load_workbook(path)
    return f"xl/worksheets/sheet{wb.sheetnames.index(tab) + 1}.xml"


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
    rows_ascending(path)
    log = read_sheet(path, "联系记录")
    assert [r[4] for r in log[1:5]] == ["报价", "拜访", "报价已发", "没人接"]
    assert all(v is None for r in log[5:] for v in r)
    wb = openpyxl.load_workbook(path)
    # the harvested cells keep the rep's formatting
    assert wb["联系记录"].cell(4, 5).fill.fgColor.rgb.endswith("DDEEFF")


# ------------------------------------------------------------ 2, 3: never overwrite by accident
def test_export_refuses_the_workbook_itself_and_existing_files(tmp_path):
    path = small_book(tmp_path)
    before = path.read_bytes()
    res = cli("aging", path, "--export", path)
    assert res.exit_code == 2 and "is the workbook itself" in res.stderr
    assert path.read_bytes() == before and not path.with_name(path.name + ".bak").exists()
    other = tmp_path / "report.csv"
    other.write_text("mine")
    res = cli("aging", path, "--export", other)
    assert res.exit_code == 2 and "already exists (use --force" in res.stderr and other.read_text() == "mine"
    assert cli("aging", path, "--export", other, "--force").exit_code == 0
    assert other.read_text(encoding="utf-8-sig").startswith("客户编号")


def test_demo_refuses_an_existing_file_without_force(tmp_path):
    path = small_book(tmp_path)
    before = path.read_bytes()
    res = cli("demo", "--customers", 20, "--out", path)
    assert res.exit_code == 2 and "already exists" in res.stderr and path.read_bytes() == before
    assert cli("demo", "--customers", 20, "--out", path, "--force", "--as-of", "2026-11-24").exit_code in (0, 1)
    assert len(read_sheet(path, "客户资料卡")) == 21


# ----------------------------------------------------------------------- 10: read-only
def _make_folder_read_only(folder):
    """A folder no file can be created in, even by root (chattr +i); the undo function."""
    import os
    import subprocess

    import pytest

    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda: folder.chmod(0o755)
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("running as root without chattr +i: no way to make a folder read-only here")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_file_and_folder_exit_2_before_any_work(tmp_path):
    path = small_book(tmp_path)
    before = path.read_bytes()
    path.chmod(0o444)
    res = cli("refresh", path)
    assert res.exit_code == 2 and "read-only" in res.stderr and path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    path.chmod(0o644)
    undo = _make_folder_read_only(tmp_path)
    try:
        res = cli("refresh", path)
        assert res.exit_code == 2 and "is read-only" in res.stderr and "Traceback" not in res.output
    finally:
        undo()
    assert path.read_bytes() == before


def test_backup_of_a_read_only_backup_is_replaced_and_writable(tmp_path):
    path = small_book(tmp_path)
    bak = path.with_name(path.name + ".bak")
    bak.write_bytes(b"old backup")
    bak.chmod(0o444)
    original = path.read_bytes()
    assert cli("refresh", path).exit_code == 0
    assert bak.read_bytes() == original and bak.stat().st_mode & 0o200


# ------------------------------------------------------------------- 12: one run at a time
HOLD = """
import sys, time
from pathlib import Path
from addin.io import guard
with guard.exclusive(Path(sys.argv[1]).resolve()):
    print("locked", flush=True)
    time.sleep(60)
"""


def test_second_run_waits_then_exits_2_while_another_holds_the_lock(tmp_path, monkeypatch):
    import subprocess
    import sys

    from addin.io import guard

    path = small_book(tmp_path)
    before = path.read_bytes()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        monkeypatch.setattr(guard, "LOCK_WAIT_SECONDS", 0.5)
        res = cli("credit-form", path, "C1")
        assert res.exit_code == 2 and "正在被另一个 crm 进程处理" in res.stderr
        assert path.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()
    assert cli("refresh", path).exit_code == 0


def test_libreoffice_lock_file_is_detected_like_excels(tmp_path):
    path = small_book(tmp_path)
    before = path.read_bytes()
    (tmp_path / f".~lock.{path.name}#").write_text(",rep,host,24.11.2026 09:00,rep;")
    res = cli("refresh", path)
    assert res.exit_code == 2 and f".~lock.{path.name}#" in res.stderr and path.read_bytes() == before


# -------------------------------------------------------------- 15: leftovers of a kill
KILL_IN_BACKUP = """
import os, shutil, sys
from addin.cli import app
def half_then_die(src, dst, *a, **k):
    data = open(src, 'rb').read()
    open(dst, 'wb').write(data[: len(data) // 2])
    os._exit(9)  # killed while the backup is being written
shutil.copyfile = half_then_die
app([ 'refresh', sys.argv[1]])
"""


def test_kill_during_backup_keeps_workbook_and_previous_backup(tmp_path):
    import subprocess
    import sys

    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    bak = path.with_name(path.name + ".bak")
    workbook, backup = path.read_bytes(), bak.read_bytes()
    _type_results(path, {"C1": ("回电", None)})
    workbook = path.read_bytes()
    proc = subprocess.run([sys.executable, "-c", KILL_IN_BACKUP, str(path)], capture_output=True)
    assert proc.returncode == 9
    assert path.read_bytes() == workbook and bak.read_bytes() == backup
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".crm-tmp.")]
    assert leftovers  # what a kill leaves behind…
    assert cli("refresh", path).exit_code == 0
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".crm-")]  # …the next run removes
    assert "回电" in [r[4] for r in read_sheet(path, "联系记录")]


# ------------------------------------------------------ 13: two sheets folding to one role
def test_two_sheets_for_one_input_role_exit_2_naming_both(tmp_path):
    from helpers import sheets, write_book

    data = sheets()
    data["聯繫記錄"] = [list(r) for r in data["联系记录"]]
    path = write_book(tmp_path / "t.xlsx", data)
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "'联系记录'" in res.stderr and "'聯繫記錄'" in res.stderr
    assert path.read_bytes() == before
    data = sheets()
    data["ＣＵＳＴＯＭＥＲＳ"] = [list(r) for r in data["客户资料卡"]]
    path = write_book(tmp_path / "u.xlsx", data)
    res = cli("validate", path)
    assert res.exit_code == 2 and "ＣＵＳＴＯＭＥＲＳ" in res.stderr


# ---------------------------------------------------------- 14: minimal writers' empty styles
def minimal_xlsx(path, sheet_rows, styles=b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'):
    """An .xlsx as minimal writers make it: inline strings, no s attributes, given styles.xml."""
    from xml.sax.saxutils import escape

    from addin.cells import col_letter
    from addin.io.sheet_xml import cell_xml

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheets, parts = [], {}
    for i, (name, rows) in enumerate(sheet_rows.items(), start=1):
        body = "".join(f'<row r="{r}">' + "".join(cell_xml(f"{col_letter(c)}{r}", v, None).decode()
                                                  for c, v in enumerate(row, start=1) if v is not None) + "</row>"
                       for r, row in enumerate(rows, start=1))
        parts[f"xl/worksheets/sheet{i}.xml"] = f'<worksheet xmlns="{main}"><sheetData>{body}</sheetData></worksheet>'
        sheets.append(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>')
    n = len(sheets)
    ct = ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.styles+xml"/>'
          + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.'
                    f'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(1, n + 1))
          + "</Types>")
    wb_rels = ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
               + "".join(f'<Relationship Id="rId{i}" Type="{rel}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                         for i in range(1, n + 1))
               + f'<Relationship Id="rId{n + 1}" Type="{rel}/styles" Target="styles.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                   f'relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/>'
                   "</Relationships>")
        z.writestr("xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>{"".join(sheets)}'
                   "</sheets></workbook>")
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/styles.xml", styles)
        for name, xml in parts.items():
            z.writestr(name, xml)
    return path


def test_empty_stylesheet_gets_its_default_style_first(tmp_path):
    from helpers import sheets

    path = minimal_xlsx(tmp_path / "m.xlsx", {"客户资料卡": sheets()["客户资料卡"]})
    assert cli("refresh", path).exit_code == 0
    wb = openpyxl.load_workbook(path)
    ws = wb["客户资料卡"]
    assert ws["B2"].value == "杭州恒瑞机电有限公司" and not ws["B2"].font.b and ws["B2"].fill.fill_type is None
    header = ws.cell(1, 10)
    assert header.value == "销售占比" and header.font.b  # the add-in's own styles still apply


# --------------------------------------------------------------------- 4: 1904 date system
def test_1904_workbook_gets_dates_in_its_own_system_and_harvest_stays_valid(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    wb.epoch = CALENDAR_MAC_1904  # what LibreOffice and Mac Excel may save: same dates, other serials
    wb.save(path)
    assert b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert cli("refresh", path).exit_code == 0
    _type_results(path, {"C1": ("约下周见面", dt.datetime(2026, 11, 27))})
    wb = openpyxl.load_workbook(path)
    assert wb.epoch == CALENDAR_MAC_1904
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output  # harvested contacts are not future-dated
    log = read_sheet(path, "联系记录")
    harvested = next(r for r in log if r[4] == "约下周见面")
    assert harvested[0].date() == AS_OF and harvested[7].date() == dt.date(2026, 11, 27)  # 下次拨打 (H)
    funnel = read_sheet(path, "销售漏斗")
    col = funnel[0].index("上次联系")
    assert next(r for r in funnel if r[0] == "C1")[col].date() == AS_OF
    calls = read_sheet(path, "今日拨打")
    assert calls[0][0].startswith("今日拨打清单 · 2026-11-24 · 本月已联系")


# --------------------------------------------- 8: error cells and formulas without a result
def _with_cells(path, tab, replacements):
    """Rewrite cells of one sheet's XML as another writer saved them (bytes in, bytes out)."""
    part = _part_of(path, tab)
    items = parts(path)
    xml = items[part].decode()
    for pattern, repl in replacements:
        xml, n = re.subn(pattern, repl, xml, count=1)
        assert n == 1, pattern
    items[part] = xml.encode()
    write_parts(path, items)


def test_error_cells_are_errors_naming_the_value_and_uncached_formulas_warn(tmp_path):
    from helpers import sheets, write_book

    data = sheets()
    data["客户资料卡"][1][5] = "=B9*2"  # 年销售额 of C001 as a formula openpyxl saves without a result
    path = write_book(tmp_path / "f.xlsx", data)
    # C003's 客户编号 is #N/A and C002's 年销售额 #DIV/0!, as Excel saves error results
    _with_cells(path, "客户资料卡", [
        (r'<c r="A4"[^>]*>.*?</c>', '<c r="A4" t="e"><f>VLOOKUP(B4,X:Y,2,0)</f><v>#N/A</v></c>'),
        (r'<c r="F3"[^>]*>.*?</c>', '<c r="F3" t="e"><v>#DIV/0!</v></c>'),
    ])
    res = cli("validate", path)
    assert res.exit_code == 1
    report = [(r[0], r[2], r[4], r[5]) for r in read_sheet(path, "校验结果")[1:] if r[1] == "客户资料卡"]
    assert ("错误", "A4", "#N/A", "单元格是错误值 #N/A，请修正公式或数据") in report
    assert ("错误", "F3", "#DIV/0!", "单元格是错误值 #DIV/0!，请修正公式或数据") in report
    assert ("警告", "F2", "=B9*2", "公式没有计算结果：请在 Excel 中打开并保存一次") in report
    assert not any(r[1] == "A4" and r[3] == "必填项为空" for r in report)


def test_uncached_formula_in_a_required_column_is_also_missing(tmp_path):
    from helpers import sheets, write_book

    data = sheets()
    data["客户资料卡"][2][0] = '="C"&"002"'
    path = write_book(tmp_path / "g.xlsx", data)
    res = cli("validate", path)
    report = [(r[0], r[2], r[5]) for r in read_sheet(path, "校验结果")[1:]]
    assert ("警告", "A3", "公式没有计算结果：请在 Excel 中打开并保存一次") in report
    assert ("错误", "A3", "必填项为空") in report and res.exit_code == 1


# --------------------------------------------------- 11: one clear line, never a traceback
def test_insane_values_are_validation_errors_not_overflows(tmp_path):
    from helpers import sheets, write_book

    data = sheets()
    data["客户资料卡"][1][7] = 3000000  # 账期天数 with a blank 到期日 below
    data["客户资料卡"][2][5] = 2e306  # 年销售额
    data["客户资料卡"][3][5] = 2e306
    data["应收账款"][1][3] = None
    path = write_book(tmp_path / "x.xlsx", data)
    res = cli("refresh", path)
    assert res.exit_code == 1
    report = [(r[2], r[4], r[5]) for r in read_sheet(path, "校验结果")[1:]]
    assert ("H2", "3000000", "不能大于 3650") in report
    assert ("F3", "2e+306", "不能大于 1,000,000,000,000") in report and ("F4", "2e+306", "不能大于 1,000,000,000,000") in report
    aging = read_sheet(path, "账龄分析")
    assert any(r[0] == "C001" for r in aging)  # the invoice is still aged (on its invoice date)


def test_damaged_member_xlsb_and_strict_exit_2_with_the_reason(tmp_path):
    from helpers import sheets, write_book

    path = write_book(tmp_path / "d.xlsx", sheets())
    raw = bytearray(path.read_bytes())
    info = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 10, start + 40):
        raw[i] ^= 0x5A
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "Traceback" not in res.output and path.read_bytes() == before
    assert "damaged" in res.stderr or "cannot be read" in res.stderr

    xlsb = write_book(tmp_path / "b.xlsb", sheets())
    items = parts(xlsb)
    items["_rels/.rels"] = items["_rels/.rels"].replace(b"xl/workbook.xml", b"xl/workbook.bin")
    items["xl/workbook.bin"] = b"\x83\x01\x00"
    write_parts(xlsb, items)
    res = cli("validate", xlsb)
    assert res.exit_code == 2 and "(.xlsb) is not supported" in res.stderr

    strict = write_book(tmp_path / "s.xlsx", sheets())
    items = parts(strict)
    items["_rels/.rels"] = items["_rels/.rels"].replace(
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument")
    write_parts(strict, items)
    res = cli("validate", strict)
    assert res.exit_code == 2 and "Strict Open XML" in res.stderr and "客户资料卡" not in res.stderr


def test_part_name_case_differing_from_its_relationship_is_read_and_kept(tmp_path):
    from helpers import sheets, write_book

    path = write_book(tmp_path / "c.xlsx", sheets())
    items = parts(path)
    items["xl/worksheets/Sheet1.xml"] = items.pop("xl/worksheets/sheet1.xml")
    write_parts(path, items)
    res = cli("refresh", path)
    assert res.exit_code == 0, res.output
    names = zipfile.ZipFile(path).namelist()
    assert "xl/worksheets/Sheet1.xml" in names and "xl/worksheets/sheet1.xml" not in names
    from python_calamine import CalamineWorkbook  # openpyxl itself cannot open such a file

    assert CalamineWorkbook.from_path(str(path)).get_sheet_by_name("客户资料卡").to_python()[0][9] == "销售占比"


def test_one_stray_cell_far_out_is_refused_without_allocating_its_grid(tmp_path):
    import resource
    import subprocess
    import sys

    from helpers import sheets, write_book

    path = write_book(tmp_path / "z.xlsx", sheets())
    wb = openpyxl.load_workbook(path)
    wb["联系记录"]["ZZ1048576"] = "x"
    wb.save(path)
    before = path.read_bytes()
    # in a child process, so its peak memory is its own
    code = ("import resource, sys; from typer.testing import CliRunner; from addin.cli import app; "
            "r = CliRunner().invoke(app, ['refresh', sys.argv[1]]); "
            "print(r.exit_code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss); print(r.stderr)")
    proc = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)
    first, message = proc.stdout.split("\n", 1)
    exit_code, peak_kb = map(int, first.split())
    assert exit_code == 2 and "'联系记录' has a value as far out as ZZ1048576" in message
    assert peak_kb < 500_000  # well under what the 700-million-cell grid would take
    assert path.read_bytes() == before
    del resource


# ----------------------------------------------------------------------------- 16: smaller
def test_unknown_owner_exits_1_naming_the_known_ones(tmp_path):
    path = small_book(tmp_path)
    before = path.read_bytes()
    res = cli("calls", path, "--owner", "王五")
    assert res.exit_code == 1 and "'王五'" in res.stderr and "张伟、李娜" in res.stderr
    assert path.read_bytes() == before


def test_csv_export_drops_control_characters():
    from addin.export.aging_export import safe_csv_value

    assert safe_csv_value("杭州\x07恒瑞\x1b公司") == "杭州恒瑞公司"
    assert safe_csv_value("=1+1\x00") == "'=1+1" and safe_csv_value(12.5) == 12.5


def test_output_text_over_excels_cell_limit_is_truncated_with_a_mark():
    from addin.cells import MAX_CELL_TEXT, TRUNCATED
    from addin.io.sheet_xml import cell_xml

    xml = cell_xml("A1", "长" * 40000, None).decode()
    text = re.search(r"<t>(.*)</t>", xml).group(1)
    assert len(text) == MAX_CELL_TEXT and text.endswith(TRUNCATED)
    assert cell_xml("A1", "短" * MAX_CELL_TEXT, None).decode().count("短") == MAX_CELL_TEXT


def test_bad_aging_basis_names_its_default_as_a_user_types_it(tmp_path):
    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["设置"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "账龄基准":
            row[1].value = "月底"
    wb.save(path)
    cli("validate", path)
    report = [r[5] for r in read_sheet(path, "校验结果")[1:] if r[1] == "设置"]
    assert report == ["参数值无效，已使用默认值 到期日"]


def test_harvested_next_call_that_is_not_a_date_is_flagged_in_the_same_run(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    _type_results(path, {"C3": ("让下周再打", "下周一")})
    res = cli("refresh", path)
    assert res.exit_code == 1
    log = read_sheet(path, "联系记录")
    row = next(i for i, r in enumerate(log, start=1) if r[4] == "让下周再打")
    report = [(r[1], r[2], r[4]) for r in read_sheet(path, "校验结果")[1:]]
    assert ("联系记录", f"H{row}", "下周一") in report
    # and the next run reports it once, at the same cell
    cli("refresh", path)
    report = [(r[1], r[2], r[4]) for r in read_sheet(path, "校验结果")[1:]]
    assert report.count(("联系记录", f"H{row}", "下周一")) == 1


# ------------------------------------------------- 5: output sheets are known by their mark
def _sheet_xml_by_name(path):
    import posixpath

    from lxml import etree

    with zipfile.ZipFile(path) as z:
        wb = etree.fromstring(z.read("xl/workbook.xml"))
        rels = etree.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target").lstrip("/") if r.get("Target").startswith("/") else
                   posixpath.normpath(posixpath.join("xl", r.get("Target"))) for r in rels}
        out = {}
        for el in wb.iter("{*}sheet"):
            rid = el.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")
            out[el.get("name")] = z.read(targets[rid])
        return out


def test_users_sheets_with_output_names_in_other_languages_are_left_alone(tmp_path):
    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    for name, first in (("Aging", 0), ("賬齡分析", 1), ("Call List", 2)):
        ws = wb.create_sheet(name, first)  # first in tab order, where name matching used to pick it
        ws["A1"], ws["B2"] = f"{name}: my own notes", 42
    for name in ("今日拨打", "账龄分析", "校验结果"):  # a workbook without those outputs yet
        if name in wb.sheetnames:
            del wb[name]
    wb.save(path)
    before = _sheet_xml_by_name(path)
    assert cli("refresh", path).exit_code == 0
    after = _sheet_xml_by_name(path)
    for name in ("Aging", "賬齡分析", "Call List"):
        assert after[name] == before[name]
    assert read_sheet(path, "账龄分析")[0][0].startswith("应收账款账龄分析")
    assert read_sheet(path, "今日拨打")[0][0].startswith("今日拨打清单 · 2026-11-24 · 本月已联系")
    names = openpyxl.load_workbook(path).defined_names
    assert names["_crm_out.aging"].attr_text == "'账龄分析'!$A$1" and names["_crm_out.aging"].hidden


def test_users_own_sheet_with_the_exact_output_name_is_kept_and_output_takes_a_free_name(tmp_path):
    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["账龄分析"]
    wb.defined_names["_crm_out.aging"].attr_text = "#REF!$A$1"  # what Excel makes of a deleted sheet's names
    ws = wb.create_sheet("账龄分析")
    ws["A1"], ws["A2"] = "我自己的账龄笔记", "别动"
    wb.save(path)
    before = _sheet_xml_by_name(path)["账龄分析"]
    res = cli("refresh", path)
    assert res.exit_code == 0
    assert _sheet_xml_by_name(path)["账龄分析"] == before
    assert read_sheet(path, "账龄分析2")[0][0].startswith("应收账款账龄分析")
    report = [(r[0], r[1], r[5]) for r in read_sheet(path, "校验结果")[1:]]
    assert ("警告", "账龄分析", "这是您自己的工作表，插件未改动它；插件的输出写在“账龄分析2”") in report
    # the next run finds its own sheet by the mark, and warns no more
    assert cli("refresh", path).exit_code == 0
    assert openpyxl.load_workbook(path).sheetnames.count("账龄分析3") == 0
    assert not [r for r in read_sheet(path, "校验结果")[1:] if r[1] == "账龄分析"]


def test_a_chart_sheet_with_an_output_name_is_never_given_worksheet_xml(tmp_path):
    from openpyxl.chart import BarChart, Reference

    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    del wb["今日拨打"]
    wb.defined_names["_crm_out.calls"].attr_text = "#REF!$A$1"
    cs = wb.create_chartsheet("今日拨打", 0)
    chart = BarChart()
    chart.add_data(Reference(wb["客户资料卡"], min_col=6, min_row=1, max_row=6), titles_from_data=True)
    cs.add_chart(chart)
    wb.save(path)
    before = {n: b for n, b in parts(path).items() if n.startswith(("xl/chartsheets/", "xl/charts/"))}
    assert any(n.startswith("xl/chartsheets/") for n in before)
    assert cli("refresh", path).exit_code == 0
    with zipfile.ZipFile(path) as z:
        assert {n: z.read(n) for n in before} == before
    assert read_sheet(path, "今日拨打2")[0][0].startswith("今日拨打清单 · 2026-11-24 · 本月已联系")


def test_a_renamed_output_sheet_is_still_found_by_its_mark(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    items = parts(path)
    # what Excel does on renaming a sheet: the tab and every reference to it change
    items["xl/workbook.xml"] = items["xl/workbook.xml"].decode().replace("今日拨打", "我的拨打").encode()
    write_parts(path, items)
    wb = openpyxl.load_workbook(path)
    ws = wb["我的拨打"]
    for row in ws.iter_rows(min_row=3):
        if row[2].value == "C3":
            row[14].value = "已回电"
    wb.save(path)
    assert openpyxl.load_workbook(path).defined_names["_crm_out.calls"].attr_text == "'我的拨打'!$A$1"
    assert cli("refresh", path).exit_code == 0
    names = openpyxl.load_workbook(path).sheetnames
    assert "我的拨打" in names and "今日拨打" not in names
    assert "已回电" in [r[4] for r in read_sheet(path, "联系记录")]  # harvested from the renamed sheet


# ------------------------------------------- 6: filled-down formulas in a computed column
def test_shared_formula_group_over_a_computed_column_is_dissolved(tmp_path):
    from helpers import sheets, write_book

    data = sheets()
    data["客户资料卡"][0] += ["销售占比", "我的备注"]  # J is computed, K the rep's own
    path = write_book(tmp_path / "s.xlsx", data)
    # a 2-D fill-down J2:K4, as Excel saves it: one master, children pointing at it by si
    cells = {"J2": '<c r="J2"><f t="shared" ref="J2:K4" si="0">F2*2</f><v>1000000</v></c>',
             "K2": '<c r="K2"><f t="shared" si="0"/><v>0</v></c>'}
    for r in (3, 4):
        cells[f"J{r}"] = f'<c r="J{r}"><f t="shared" si="0"/><v>7</v></c>'
        cells[f"K{r}"] = f'<c r="K{r}"><f t="shared" si="0"/><v>8</v></c>'
    items = parts(path)
    part = _part_of(path, "客户资料卡")
    xml = items[part].decode()
    for r in (2, 3, 4):
        xml = re.sub(rf'(<row r="{r}"[^>]*>.*?)(</row>)', lambda m, r=r: m.group(1) + cells[f"J{r}"] + cells[f"K{r}"]
                     + m.group(2), xml, count=1, flags=re.S)
    items[part] = xml.encode()
    write_parts(path, items)
    assert cli("refresh", path).exit_code == 0
    after = zipfile.ZipFile(path).read(part).decode()
    assert 't="shared"' not in after  # no child is left pointing at a master that is gone
    formulas = dict(re.findall(r'<c r="(K\d)"[^>]*><f>([^<]*)</f><v>', after))
    assert formulas == {"K2": "G2*2", "K3": "G3*2", "K4": "G4*2"}  # the rep's cells keep their formulas
    wb = openpyxl.load_workbook(path)
    ws = wb["客户资料卡"]
    assert [ws[f"J{r}"].value for r in (2, 3, 4)] == [0.5, 0.3, 0.2]
    assert ws["K3"].value == "=G3*2"


def test_formula_translation_follows_excels_copy_rules():
    from addin.io.formula import translate

    assert translate("F2/SUM($F$2:$F$100)", 3, 0) == "F5/SUM($F$2:$F$100)"
    assert translate("A1+Sheet2!B2*'my sheet'!C3", 1, 1) == "B2+Sheet2!C3*'my sheet'!D4"
    assert translate('IF(A2="B2",LOG10(B2),SUM(A:A))', 2, 1) == 'IF(B4="B2",LOG10(C4),SUM(B:B))'
    assert translate("SUM(2:3)+Table1[@Amount]", 1, 0) == "SUM(3:4)+Table1[@Amount]"
    assert translate("A1", -1, 0) == "#REF!"


# ------------------------------------------------------------ 9: Excel Tables (ListObjects)
def test_harvest_grows_the_log_table_and_the_ranges_over_its_data(tmp_path):
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.workbook.defined_name import DefinedName
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.table import Table, TableStyleInfo

    path = small_book(tmp_path)
    cli("refresh", path)
    wb = openpyxl.load_workbook(path)
    ws = wb["联系记录"]
    ws.auto_filter.ref = None
    table = Table(displayName="Log", ref="A1:G3")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    dv = DataValidation(type="list", formula1='"电话,拜访,微信"')
    dv.add("C2:C3")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add("E2:E3", CellIsRule(operator="equal", formula=['"拒绝"'],
                                                      fill=openpyxl.styles.PatternFill("solid", fgColor="FFC7CE")))
    wb.defined_names["LogDates"] = DefinedName("LogDates", attr_text="联系记录!$A$2:$A$3")
    wb.save(path)
    _type_results(path, {"C1": ("报价已发", None), "C3": ("没人接", None)})
    assert cli("refresh", path).exit_code == 0
    rows_ascending(path)
    wb = openpyxl.load_workbook(path)
    ws = wb["联系记录"]
    assert ws.tables["Log"].ref == "A1:G5" and ws.tables["Log"].autoFilter.ref == "A1:G5"
    assert [r[4] for r in read_sheet(path, "联系记录")[3:5]] == ["报价已发", "没人接"]
    assert "C2:C5" in [str(d.sqref) for d in ws.data_validations.dataValidation]  # the rep's own rule
    assert "E2:E5" in [str(cf.sqref) for cf in ws.conditional_formatting]
    assert wb.defined_names["LogDates"].attr_text == "联系记录!$A$2:$A$5"


def test_a_tables_totals_row_is_not_read_as_an_invoice(tmp_path):
    from openpyxl.worksheet.table import Table

    path = small_book(tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["应收账款"]
    ws.append(["INV9", "C2", dt.date(2026, 10, 1), dt.date(2026, 11, 1), 5000, 0, None, "张伟"])
    last = ws.max_row
    ws.cell(last + 1, 1, "合计")
    ws.cell(last + 1, 5, "=SUBTOTAL(109,Inv[金额])")
    ws.auto_filter.ref = None
    ws.add_table(Table(displayName="Inv", ref=f"A1:H{last + 1}", totalsRowCount=1))
    wb.save(path)
    res = cli("aging", path)
    assert res.exit_code == 0, res.output
    assert not [r for r in read_sheet(path, "校验结果")[1:] if r[1] == "应收账款"]
    assert "INV9" not in [r[0] for r in read_sheet(path, "账龄分析")]  # rows are per customer
    assert any(r[0] == "C2" for r in read_sheet(path, "账龄分析"))


def test_overwriting_a_prefixed_formula_drops_the_calc_chain(tmp_path):
    """Formula detection is namespace-prefix blind (<x:f>), so calcChain never names a cell that lost its formula."""
    path = small_book(tmp_path)
    items = parts(path)
    part = _part_of(path, "校验结果")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    items[part] = (f'<x:worksheet xmlns:x="{main}"><x:sheetData><x:row r="1"><x:c r="A1"><x:f>1+1</x:f><x:v>2</x:v>'
                   '</x:c></x:row></x:sheetData></x:worksheet>').encode()
    items["xl/calcChain.xml"] = f'<calcChain xmlns="{main}"><c r="A1" i="{int(part[-5])}"/></calcChain>'.encode()
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    write_parts(path, items)
    assert cli("validate", path).exit_code == 0
    after = parts(path)
    assert "xl/calcChain.xml" not in after and b"calcChain" not in after["xl/_rels/workbook.xml.rels"]
    assert b"calcChain" not in after["[Content_Types].xml"]


def test_dimension_widens_to_the_computed_columns_and_rows_written():
    xml = (b'<worksheet><dimension ref="A1:I4"/><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
           b"</sheetData></worksheet>")
    from addin.io.sheet_stream import Edits, rewrite
    from addin.io.sheet_xml import column_updates

    rows, order = column_updates(2, {12: [1.0, 2.0, 3.0, 4.0, 5.0]})
    out = b"".join(rewrite([xml], Edits(rows=rows, update_rows=order, last_row=6, last_col=12)))
    assert b'<dimension ref="A1:L6"/>' in out


def test_refresh_widens_the_dimension_over_new_computed_columns(tmp_path):
    from helpers import sheets, write_book

    path = write_book(tmp_path / "d.xlsx", sheets())
    part = _part_of(path, "客户资料卡")
    assert b'<dimension ref="A1:I4"/>' in parts(path)[part]
    cli("refresh", path)
    head = read_sheet(path, "客户资料卡")[0]
    last = len([h for h in head if h is not None])
    from addin.cells import col_letter

    assert f'<dimension ref="A1:{col_letter(last)}4"/>'.encode() in parts(path)[part]


def test_a_result_with_a_non_date_next_call_is_harvested_once(tmp_path):
    path = small_book(tmp_path)
    cli("refresh", path)
    _type_results(path, {"C3": ("让下周再打", "下周一")})
    typed_list = read_sheet(path, "今日拨打")
    cli("refresh", path)
    # the rep restores yesterday's list (results included) and refreshes again
    wb = openpyxl.load_workbook(path)
    ws = wb["今日拨打"]
    for r, row in enumerate(typed_list[1:], start=2):  # below the merged title
        for c, v in enumerate(row, start=1):
            ws.cell(r, c).value = v
    wb.save(path)
    cli("refresh", path)
    assert [r[4] for r in read_sheet(path, "联系记录")].count("让下周再打") == 1


def test_first_look_for_formulas_and_error_cells():
    from addin.io.sheet_xml import may_hold_flagged_cells

    assert may_hold_flagged_cells(b'<c r="A1"><f>1+1</f><v>2</v></c>')
    assert may_hold_flagged_cells(b'<c r="A2"><f t="shared" si="0"/></c>')
    assert may_hold_flagged_cells(b'<x:c r="A1"><x:f>1+1</x:f></x:c>', b"x:")
    assert not may_hold_flagged_cells(b'<x:c r="A1"><x:v>2</x:v></x:c>', b"x:")
    assert may_hold_flagged_cells(b'<c r="A1" t="e"><v>#N/A</v></c>')
    assert not may_hold_flagged_cells(b'<c r="A1"><v>2</v></c><dataValidation><formula1>"a,b"</formula1>')
