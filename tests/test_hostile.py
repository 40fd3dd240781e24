"""Workbooks Excel 365 writes come back valid, and no input can hurt the machine (issue 19):
namespaces, mc:Ignorable, comments and extensions survive every write; DOCTYPEs, entities,
malformed parts, zip bombs, duplicate members, symlinks and FIFOs are refused with one line."""
from __future__ import annotations

import os
import re
import zipfile

import pytest
from conformance import MC, check
from helpers import cli, parts, sheets, write_big_part, write_book, write_parts
from lxml import etree

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# the root elements Excel 2016–365 writes (Excel for Microsoft 365, build 16.0)
STYLES_365 = (
    f'<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac x16r2 xr" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
    'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision">')
STYLES_EXT = (
    '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/></ext>'
    '<ext uri="{9260A510-F301-46a8-8635-F512D64BE5F5}" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    '<x15:timelineStyles defaultTimelineStyle="TimeSlicerStyleLight1"/></ext></extLst>')
WORKBOOK_365 = (
    f'<workbook xmlns="{MAIN}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    f'xmlns:mc="{MC}" mc:Ignorable="x15 xr xr6 xr10 xr2" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
    'xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
    'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
    'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
    'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
    '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27328"/>'
    '<workbookPr defaultThemeVersion="166925"/>'
    f'<mc:AlternateContent xmlns:mc="{MC}"><mc:Choice Requires="x15">'
    '<x15ac:absPath url="C:\\Users\\rep\\Documents\\" '
    'xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"/></mc:Choice></mc:AlternateContent>'
    '<xr:revisionPtr revIDLastSave="0" documentId="8_{2F4C5A8E-3F8E-4B8A-9E57-8F5C0E2B6A11}" '
    'xr6:coauthVersionLast="47" xr6:coauthVersionMax="47" xr10:uidLastSave="{00000000-0000-0000-0000-000000000000}"/>'
    '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" windowHeight="15840" '
    'xr2:uid="{5E4A3C1B-2D1F-4E6A-8B7C-9D0E1F2A3B4C}"/></bookViews>')
WORKBOOK_EXT = (
    '<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" '
    'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main">'
    '<x15:workbookPr chartTrackingRefBase="1"/></ext></extLst>')


def excel365_book(path):
    """A workbook whose styles.xml and workbook.xml are as Excel 2016–365 writes them, with a
    comment and a processing instruction where other programs leave them."""
    write_book(path, sheets())
    items = parts(path)
    styles = items["xl/styles.xml"].decode()
    styles = re.sub(r"<styleSheet[^>]*>", lambda _: STYLES_365 + "<!-- written by Excel -->", styles, count=1)
    styles = styles.replace('<fonts count="1">', '<fonts count="1" x14ac:knownFonts="1">')
    styles = styles.replace('<cellXfs count="2">', '<cellXfs count="2"><!-- the default format -->')
    styles = styles.replace("</styleSheet>", STYLES_EXT + "</styleSheet>")
    items["xl/styles.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + styles).encode()
    wb = items["xl/workbook.xml"].decode()
    wb = re.sub(r"<workbook[^>]*>.*?</bookViews>", lambda _: WORKBOOK_365, wb, count=1, flags=re.S)
    wb = wb.replace("<sheets>", "<sheets><!-- tabs --><?reviewer note?>")
    wb = wb.replace("</workbook>", WORKBOOK_EXT + "</workbook>")
    items["xl/workbook.xml"] = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + wb).encode()
    write_parts(path, items)
    return path


def _nsmap(xml: bytes) -> dict:
    return etree.fromstring(xml).nsmap


def test_excel_365_namespaces_comments_and_extensions_survive_every_write(tmp_path):
    path = excel365_book(tmp_path / "x.xlsx")
    before = parts(path)
    assert not check(path), check(path)  # the input itself is conformant
    for cmd in ("refresh", "validate", "aging"):
        res = cli(cmd, path, "--as-of", "2026-11-24")
        assert res.exit_code in (0, 1) and "Traceback" not in res.output, res.output
    after = parts(path)
    assert after["xl/styles.xml"] != before["xl/styles.xml"]  # the add-in added its formats
    for part in ("xl/styles.xml", "xl/workbook.xml"):
        old, new = etree.fromstring(before[part]), etree.fromstring(after[part])
        assert new.nsmap == old.nsmap, part  # every declaration, used or only named in mc:Ignorable
        assert new.get(f"{{{MC}}}Ignorable") == old.get(f"{{{MC}}}Ignorable")
        assert etree.tostring(new.find(f"{{{MAIN}}}extLst")) == etree.tostring(old.find(f"{{{MAIN}}}extLst"))
    styles, wb = after["xl/styles.xml"], after["xl/workbook.xml"]
    assert b"<!-- written by Excel -->" in styles and b"<!-- the default format -->" in styles
    assert b'x14ac:knownFonts="1"' in styles
    assert b"<!-- tabs --><?reviewer note?>" in wb and b"<mc:AlternateContent" in wb and b"xr2:uid=" in wb
    assert b"<xr:revisionPtr" in wb
    problems = check(path)
    assert not problems, problems
    # the comment in cellXfs is no format: the add-in's formats are where their count says
    root = etree.fromstring(styles)
    xfs = root.find(f"{{{MAIN}}}cellXfs")
    assert int(xfs.get("count")) == len([x for x in xfs if isinstance(x.tag, str)])
    s = int(re.search(rb'<c r="J1"[^>]*? s="(\d+)"', after["xl/worksheets/sheet1.xml"]).group(1))
    xf = [x for x in xfs if isinstance(x.tag, str)][s]
    fonts = [f for f in root.find(f"{{{MAIN}}}fonts") if isinstance(f.tag, str)]
    assert fonts[int(xf.get("fontId"))].find(f"{{{MAIN}}}b") is not None  # bold: the add-in's header format


def test_the_conformance_check_catches_what_excel_refuses(tmp_path):
    """The check is not a formality: the bug of issue 19 (declarations of prefixes named only in
    mc:Ignorable cleaned away), elements out of CT_Stylesheet's order, a relationship to a missing
    part and a duplicate member are each found."""
    path = excel365_book(tmp_path / "x.xlsx")
    items = parts(path)
    good = dict(items)
    items["xl/styles.xml"] = items["xl/styles.xml"].replace(
        b' xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main"', b"")
    write_parts(path, items)
    assert any("'x16r2'" in p for p in check(path))
    items = dict(good)
    styles = items["xl/styles.xml"].decode()
    fills = re.search(r"<fills.*?</fills>", styles).group(0)
    items["xl/styles.xml"] = styles.replace(fills, "").replace("</cellXfs>", "</cellXfs>" + fills).encode()
    write_parts(path, items)
    assert any("<fills> comes after" in p for p in check(path))
    assert any("CT_Stylesheet" in p or "fills" in p for p in check(path))
    items = dict(good)
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"worksheets/sheet6.xml", b"worksheets/sheet9.xml")
    write_parts(path, items)
    assert any("missing part xl/worksheets/sheet9.xml" in p for p in check(path))
    with zipfile.ZipFile(path, "w") as z:
        for name, data in good.items():
            z.writestr(name, data)
        with pytest.warns(UserWarning):
            z.writestr("xl/styles.xml", good["xl/styles.xml"])
    assert any("duplicate zip member xl/styles.xml" in p for p in check(path))


XXE = b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n'
BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&" + bytes([97 + i]) + b";") * 10) for i in range(8))
        + b"]>\n")


def _with_prolog(xml: bytes, prolog: bytes, entity: bytes = b"&x;") -> bytes:
    xml = re.sub(rb"^<\?xml[^>]*\?>\s*", b"", xml)
    # the entity goes where text is allowed: into the first element with text, else an attribute-free spot
    return prolog + xml.replace(b"</sheetData>", b"</sheetData>", 1).replace(b"<t>", b"<t>" + entity, 1)


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml", "_rels/.rels",
                                  "xl/_rels/workbook.xml.rels", "xl/worksheets/sheet1.xml", "docProps/app.xml"])
@pytest.mark.parametrize("prolog", [XXE, BOMB], ids=["external-entity", "entity-bomb"])
def test_a_doctype_in_any_part_is_refused_naming_it(tmp_path, part, prolog):
    path = write_book(tmp_path / "e.xlsx", sheets())
    items = parts(path)
    items[part] = _with_prolog(items[part], prolog)
    write_parts(path, items)
    before = path.read_bytes()
    for cmd in ("refresh", "validate"):
        res = cli(cmd, path)
        assert res.exit_code == 2, res.output
        assert part in res.stderr and "DOCTYPE" in res.stderr and len(res.stderr.strip().splitlines()) == 1
        assert "Traceback" not in res.output and "root:" not in res.output
    assert path.read_bytes() == before


@pytest.mark.parametrize("part", ["xl/workbook.xml", "[Content_Types].xml", "xl/styles.xml",
                                  "xl/_rels/workbook.xml.rels", "_rels/.rels"])
def test_a_part_that_is_not_well_formed_is_one_line_exit_2(tmp_path, part):
    path = write_book(tmp_path / "m.xlsx", sheets())
    items = parts(path)
    items[part] = items[part][:-7]  # cut off in the middle of the closing tag
    write_parts(path, items)
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and part in res.stderr, res.output
    assert len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.output
    assert path.read_bytes() == before


def test_duplicate_members_are_a_damaged_package(tmp_path):
    path = write_book(tmp_path / "d.xlsx", sheets())
    items = parts(path)
    forged = items["xl/worksheets/sheet1.xml"].replace(b"C001", b"X999")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
        with pytest.warns(UserWarning):
            z.writestr("xl/worksheets/sheet1.xml", forged)
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "damaged package" in res.stderr and "xl/worksheets/sheet1.xml" in res.stderr
    assert path.read_bytes() == before
    # names differing only in case are one part too
    items["xl/Worksheets/sheet1.xml"] = forged
    write_parts(path, items)
    assert cli("refresh", path).exit_code == 2


def test_a_part_far_bigger_than_the_file_justifies_is_refused_by_name(tmp_path):
    path = write_book(tmp_path / "s.xlsx", sheets())
    base = parts(path)
    sst = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
           b"<si><t>")
    base["[Content_Types].xml"] = base["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    write_big_part(path, base, "xl/sharedStrings.xml", sst, (b"A" * (1 << 20) for _ in range(64)), b"</t></si></sst>")
    assert path.stat().st_size < 1 << 20
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "xl/sharedStrings.xml" in res.stderr and "zip bomb" in res.stderr
    assert path.read_bytes() == before


def test_a_run_of_whitespace_longer_than_any_cell_is_refused(tmp_path, monkeypatch):
    """Below the ratio limit (here made stricter so a small test reaches it), a sheet whose text runs
    are longer than a cell can hold is refused while it is streamed, before calamine reads it."""
    from addin.io import limits

    monkeypatch.setattr(limits, "MAX_RUN", 1 << 20)
    path = write_book(tmp_path / "w.xlsx", sheets())
    base = parts(path)
    sheet = base["xl/worksheets/sheet1.xml"]
    head, tail = sheet.split(b"<sheetData>")
    write_big_part(path, base, "xl/worksheets/sheet1.xml", head + b"<sheetData>", (b" " * (1 << 20) for _ in range(4)),
                   tail)
    res = cli("refresh", path)
    assert res.exit_code == 2 and "xl/worksheets/sheet1.xml" in res.stderr and "whitespace" in res.stderr


def test_a_long_run_after_an_error_cell_is_refused_before_calamine_reads_the_sheet(tmp_path, monkeypatch):
    """The first look for error cells and formulas stopped streaming at its first hit, so the rest
    of the part went to calamine unchecked (a read-only command never refused it). Every limit is
    checked to the part's end before the parse."""
    from python_calamine import CalamineWorkbook

    from addin.io import limits
    from addin.io.package import PackageError
    from addin.io.xlsx_book import XlsxBook

    monkeypatch.setattr(limits, "MAX_RUN", 1 << 20)
    path = write_book(tmp_path / "e.xlsx", sheets())
    base = parts(path)
    sheet = base["xl/worksheets/sheet1.xml"]
    head, tail = sheet.split(b"</sheetData>")
    head += b'<row r="999"><c r="A999" t="e"><v>#N/A</v></c></row>'
    # the run starts past the first 4 MB chunk streamed (where the first look has already hit)
    body = [b"<!-- -->" * (1 << 19), *(b" " * (1 << 20) for _ in range(4))]
    write_big_part(path, base, "xl/worksheets/sheet1.xml", head, iter(body), b"</sheetData>" + tail)
    parsed = []
    real = CalamineWorkbook.get_sheet_by_name
    monkeypatch.setattr(CalamineWorkbook, "get_sheet_by_name", lambda self, n: parsed.append(n) or real(self, n),
                        raising=False)
    book = XlsxBook(path, writable=False)
    with pytest.raises(PackageError, match="whitespace"):
        book.read_rows("客户资料卡")
    assert parsed == []


def test_a_symlink_is_written_through_to_its_target(tmp_path):
    real_dir = tmp_path / "shared"
    real_dir.mkdir()
    real = write_book(real_dir / "crm.xlsx", sheets())
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    res = cli("refresh", link, "--as-of", "2026-11-24")
    assert res.exit_code == 0, res.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert "销售占比" in str(parts(real)) or any(b"\xe9\x94\x80\xe5\x94\xae\xe5\x8d\xa0\xe6\xaf\x94" in v
                                                 for v in parts(real).values())
    assert (real_dir / "crm.xlsx.bak").exists() and not (tmp_path / "link.xlsx.bak").exists()
    assert not list(tmp_path.glob(".crm-*"))


def test_fifo_directory_and_symlink_loop_are_refused_before_opening(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    loop = tmp_path / "loop.xlsx"
    loop.symlink_to(tmp_path / "loop2.xlsx")
    (tmp_path / "loop2.xlsx").symlink_to(loop)
    folder = tmp_path / "dir.xlsx"
    folder.mkdir()
    for path, words in ((fifo, "not a regular file"), (loop, "symbolic link loop"), (folder, "directory")):
        for cmd in ("refresh", "validate"):
            res = cli(cmd, path)  # a FIFO would block the read forever: the test would hang
            assert res.exit_code == 2 and words in res.stderr, (path, res.output)
            assert "Traceback" not in res.output


def test_team_database_is_private_and_crm_team_never_creates_one(tmp_path, monkeypatch):
    import stat

    monkeypatch.chdir(tmp_path)
    res = cli("team", "--out", tmp_path / "team.xlsx")
    assert res.exit_code == 2 and "no team database" in res.stderr and "crm collect" in res.stderr
    assert not (tmp_path / "crm-team.sqlite").exists() and not (tmp_path / "team.xlsx").exists()
    book = write_book(tmp_path / "张伟.xlsx", sheets())
    os.umask(0o022)
    assert cli("collect", book, "--db", tmp_path / "t.sqlite").exit_code in (0, 1)
    for f in tmp_path.glob("t.sqlite*"):
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f


@pytest.mark.parametrize("name", ["x.xls", "x.xlsb", "x.csv", "x"])
def test_crm_new_refuses_other_extensions(tmp_path, name):
    res = cli("new", tmp_path / name)
    assert res.exit_code == 2 and ".xlsx" in res.stderr and not (tmp_path / name).exists()


@pytest.mark.parametrize("second", [
    ["Customer ID", "Name", "Owner", "Phone", "Email", "Annual Sales", "Credit Limit", "Payment Terms (days)",
     "Birthday"],
    ["客戶編號", "客戶名稱", "業務員", None, None, None, None, None, None],
    ["客户编号", "客户名称", "业务员", "电话", "邮箱", "年销售额", "授信额度", "账期天数", "生日"]],
    ids=["en", "zh-Hant", "zh"])
def test_a_row_that_repeats_the_header_is_no_customer(tmp_path, second):
    from helpers import CUSTOMERS, read_sheet

    rows = [CUSTOMERS[0], second, *CUSTOMERS[1:]]
    path = write_book(tmp_path / "h.xlsx", sheets(customers=rows))
    res = cli("refresh", path, "--as-of", "2026-11-24")
    assert res.exit_code == 0, res.output
    grid = read_sheet(path, "客户资料卡")
    assert grid[1][:3] == tuple(second[:3]) and grid[1][9:] == (None,) * len(grid[1][9:])  # not graded
    ids = [r[0] for r in grid[2:] if r[0]]
    assert ids == ["C001", "C002", "C003"] and grid[2][11] is not None  # the real customers are
    report = [r for r in read_sheet(path, "校验结果") if any(v and "表头" in str(v) for v in r)]
    assert report and any(v == 2 or v == "A2" or v == "2" for v in report[0])
    calls = str(read_sheet(path, "今日拨打"))
    assert "Owner" not in calls and "業務員" not in calls and "Customer ID" not in calls


def test_a_member_lying_about_its_size_is_damaged_not_read_further(tmp_path):
    """Python's reader stops at the declared size and checks the CRC; the sheet is streamed
    through it before calamine (which trusts no declared size) reads it."""
    import struct

    path = write_book(tmp_path / "l.xlsx", sheets())
    size = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size
    raw = path.read_bytes()
    assert raw.count(struct.pack("<I", size)) == 2  # the local header and the central directory
    path.write_bytes(raw.replace(struct.pack("<I", size), struct.pack("<I", size - 40)))
    assert zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml").file_size == size - 40
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "xl/worksheets/sheet1.xml is damaged" in res.stderr, res.output
    assert path.read_bytes() == before
