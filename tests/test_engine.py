"""The headless engine never harms what it does not own (issue 6)."""
import datetime as dt
import errno
import io
import math
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from external import need_soffice
from helpers import cli, digest, part, parts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import sheets_schema as S
from addin.build.demo_data import generate
from addin.build.workbook import build_workbook
from addin.io import package as package_mod
from addin.io import sheet_stream
from addin.io.package import Package
from addin.io.styles_xml import Styles
from addin.io.xlsx_book import XlsxBook
from addin.writes import ColumnBlock
from sheets_schema import Kind

AS_OF = dt.date(2026, 11, 24)


def png() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\x00\xff\x00" * 2)) + chunk(b"IEND", b""))


def rich_book(tmp_path: Path) -> Path:
    """A CRM workbook plus what a rep adds: their own sheet with a chart, an image, a defined
    name, data validation and conditional formats, and a custom XML part."""
    data = generate(60, as_of=AS_OF, seed=5, invoices=120, contacts=120)
    base = build_workbook(tmp_path / "CRM.xlsm", data=data, settings={"as_of": AS_OF, "company_account": "1202 0210 0900 0012 345"})
    # the rep's own sheet, made with XlsxWriter in a scratch book, then grafted with its parts
    scratch = tmp_path / "mine.xlsx"
    wb = xlsxwriter.Workbook(str(scratch))
    ws = wb.add_worksheet("我的分析")
    ws.write_row(0, 0, ["月份", "销售"])
    for i in range(6):
        ws.write_row(i + 1, 0, [f"{i + 1}月", 100 + 10 * i])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "='我的分析'!$B$2:$B$7"})
    ws.insert_chart("D2", chart)
    ws.insert_image("D20", "logo.png", {"image_data": io.BytesIO(png())})
    ws.data_validation("A10", {"validate": "list", "source": ["甲", "乙"]})
    ws.conditional_format("B2:B7", {"type": "cell", "criteria": ">", "value": 120,
                                    "format": wb.add_format({"bold": True})})
    wb.define_name("我的区域", "='我的分析'!$A$1:$B$7")
    wb.close()
    return graft(base, scratch)


def graft(base: Path, scratch: Path) -> Path:
    """Copy the scratch book's sheet 1 (and its drawing, chart, image), its defined name, and a
    custom XML part into ``base``."""
    src = Package(scratch)
    pkg = Package(base)
    styles = Styles(pkg.read("xl/styles.xml"))
    dxf = styles.dxf_fill("C6EFCE")  # the rep's conditional format needs its own differential format
    pkg.write("xl/styles.xml", styles.to_bytes())
    scratch_part = src.sheets()[0][1]
    sheet_xml = src.read(scratch_part).replace(b'dxfId="0"', f'dxfId="{dxf}"'.encode())
    part = pkg.add_sheet("我的分析", sheet_xml)
    for name in src.names():
        if name.startswith(("xl/drawings/", "xl/charts/", "xl/media/")):
            new = name.replace("drawing1", "drawing9").replace("chart1", "chart9").replace("image1", "image9")
            data = src.read(name).replace(b"drawing1", b"drawing9").replace(b"chart1", b"chart9") \
                .replace(b"image1", b"image9")
            pkg.write(new, data)
    rels = src.read(scratch_part.replace("worksheets/", "worksheets/_rels/") + ".rels").replace(b"drawing1", b"drawing9")
    pkg.write(part.replace("worksheets/", "worksheets/_rels/") + ".rels", rels)
    pkg.add_override("xl/drawings/drawing9.xml", "application/vnd.openxmlformats-officedocument.drawing+xml")
    pkg.add_override("xl/charts/chart9.xml", "application/vnd.openxmlformats-officedocument.drawingml.chart+xml")
    ct = pkg.read("[Content_Types].xml")
    if b'Extension="png"' not in ct:
        pkg.write("[Content_Types].xml", ct.replace(b"<Default ", b'<Default Extension="png" ContentType="image/png"/>'
                                                    b"<Default ", 1))
    wbxml = pkg.read("xl/workbook.xml")
    name = '<definedName name="我的区域">\'我的分析\'!$A$1:$B$7</definedName>'.encode()
    wbxml = wbxml.replace(b"</sheets>", b"</sheets><definedNames>" + name + b"</definedNames>", 1) \
        if b"<definedNames>" not in wbxml else wbxml.replace(b"<definedNames>", b"<definedNames>" + name, 1)
    pkg.write("xl/workbook.xml", wbxml)
    pkg.write("customXml/item1.xml", b'<?xml version="1.0"?><crm xmlns="urn:example:rep">mine</crm>')
    pkg.add_rel(pkg.workbook_part, "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
                "customXml/item1.xml")
    pkg.save(backup=False)
    return base


def owned(path):
    """The parts the add-in may write: every input and output sheet but 设置 (found by tab name), styles."""
    return {part(path, spec.zh) for spec in S.SHEETS if spec is not S.SETTINGS} | {"xl/styles.xml"}


def test_every_unowned_part_is_byte_identical_after_refresh(tmp_path):
    path = rich_book(tmp_path)
    before = parts(path)
    assert {"xl/vbaProject.bin", "customUI/customUI14.xml", "customXml/item1.xml", "xl/charts/chart9.xml",
            "xl/media/image9.png", "xl/drawings/drawing9.xml"} <= before.keys()
    assert cli("refresh", path).exit_code == 0
    after = parts(path)
    # the only new parts are the dashboard's drawing, its charts and their relationships
    dashboard = charts_of_dashboard(path)
    assert after.keys() - before.keys() == dashboard and before.keys() <= after.keys()
    changed = {n for n in before if after[n] != before[n]}
    mine = owned(path)
    assert changed <= mine | {"xl/workbook.xml", "[Content_Types].xml"}, changed - mine
    assert content_types(before) <= content_types(after)  # registrations only added
    assert {p for p, _ in content_types(after) - content_types(before)} == {
        "/" + n for n in dashboard if not n.endswith(".rels")}
    # workbook.xml gains only the marks and print setup of the add-in's own output sheets
    from lxml import etree

    def without_marks(xml):
        root = etree.fromstring(xml)
        for el in list(root.iter("{*}definedName")):
            if el.get("name").startswith(("_crm_out.", "_xlnm.Print_Area", "_xlnm.Print_Titles")):
                # marks, 看板's print area, the print titles of the add-in's long sheets
                el.getparent().remove(el)
        for el in list(root.iter("{*}definedNames")):
            if not len(el):
                el.getparent().remove(el)
        return etree.tostring(root, method="c14n")

    assert without_marks(after["xl/workbook.xml"]) == without_marks(before["xl/workbook.xml"])
    assert cli("refresh", path).exit_code == 0
    assert parts(path)["xl/workbook.xml"] == after["xl/workbook.xml"]  # marked once
    assert part(path, "我的分析") not in changed  # the rep's own sheet
    # settings, payments, the statement and the credit form sheet have nothing to write here
    assert {part(path, tab) for tab in ("设置", "收款记录", "对账单", "催款记录", "授信申请")} & changed == set()
    # the rep's chart, drawing and image: byte-identical, and a second refresh draws no more charts
    assert cli("refresh", path).exit_code == 0
    again = parts(path)
    assert charts_of_dashboard(path) == dashboard
    for name in ("xl/charts/chart9.xml", "xl/drawings/drawing9.xml", "xl/media/image9.png"):
        assert again[name] == before[name]


def charts_of_dashboard(path: Path) -> set[str]:
    """The parts of the 看板's drawing: the drawing, its charts, their relationships parts."""
    from addin.io import charts, marks

    pkg = Package(path)
    try:
        part = pkg.sheet_part(marks.owned_sheets(pkg)["dashboard"])
        _, drawing = charts.drawing_of(pkg, part)
        found = {drawing, "xl/drawings/_rels/" + drawing.rsplit("/", 1)[1] + ".rels",
                 "xl/worksheets/_rels/" + part.rsplit("/", 1)[1] + ".rels", *charts.own_charts(pkg, part)}
        return {n for n in found if pkg.has(n)}
    finally:
        pkg.close()


def content_types(p: dict[str, bytes]) -> set[tuple[str, str]]:
    from lxml import etree

    root = etree.fromstring(p["[Content_Types].xml"])
    return {(el.get("PartName") or el.get("Extension"), el.get("ContentType")) for el in root}


def test_inside_input_sheets_only_computed_cells_change(tmp_path):
    path = rich_book(tmp_path)
    from addin.cells import col_letter

    computed = {spec.zh: {col_letter(n) for n, c in enumerate(spec.columns, start=1) if c.computed}
                for spec in (S.CUSTOMERS, S.FUNNEL, S.SURVEY, S.RECEIVABLES)}

    def snapshot():
        wb = openpyxl.load_workbook(path)
        out = {}
        for name in ("客户资料卡", "销售漏斗", "联系记录", "信用调查", "应收账款", "设置", "我的分析"):
            for row in wb[name].iter_rows():
                for c in row:
                    if c.column_letter in computed.get(name, ()):
                        continue
                    out[(name, c.coordinate)] = (c.value, c.number_format, c.font.b, c.fill.fgColor.rgb,
                                                 c.alignment.horizontal, c.border.left.style)
        # the user's own names; the add-in's marks of its output sheets are its own
        names = {n: wb.defined_names[n].attr_text for n in wb.defined_names if not n.startswith("_crm_out.")}
        return out, names

    before = snapshot()
    cli("refresh", path)
    assert snapshot() == before


def test_refreshed_file_opens_in_openpyxl_and_libreoffice(tmp_path):
    need_soffice()
    path = rich_book(tmp_path)
    cli("refresh", path)
    wb = openpyxl.load_workbook(path, keep_vba=True)
    assert wb["我的分析"]["B2"].value == 100 and wb["今日拨打"]["A2"].value == "序号"
    work = tmp_path / "lo"
    work.mkdir()
    shutil.copy(path, work / "CRM.xlsm")
    proc = subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(work / "CRM.xlsm")],
                          capture_output=True, text=True, timeout=180, env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0 and (work / "CRM.pdf").read_bytes().startswith(b"%PDF")


def test_crash_while_streaming_a_sheet_leaves_the_file_intact(tmp_path, monkeypatch):
    path = build_workbook(tmp_path / "c.xlsx", data=generate(40, as_of=AS_OF, seed=2), settings={"as_of": AS_OF})
    before = digest(path)
    real = sheet_stream._RowEditor.rows

    def rows(self, frag):
        real(self, frag)
        if self.rownum > 10:  # some rows of the sheet have been edited
            raise MemoryError("simulated crash mid-sheet")

    monkeypatch.setattr(sheet_stream._RowEditor, "rows", rows)
    monkeypatch.setattr(package_mod, "BIG_PART", 0)
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "home")
    (tmp_path / "home").mkdir()
    res = cli("refresh", path)
    # one line, no traceback (the details go to the support log)
    assert res.exit_code == 2 and res.stderr.startswith("crm: internal error (MemoryError): simulated crash mid-sheet")
    assert "Traceback" not in res.output and (tmp_path / "home" / "crm-addin-error.log").exists()
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx", "home"]


def test_crash_while_writing_the_zip_leaves_the_file_intact(tmp_path, monkeypatch):
    path = build_workbook(tmp_path / "c.xlsx", data=generate(40, as_of=AS_OF, seed=2), settings={"as_of": AS_OF})
    before = digest(path)
    full = OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(package_mod, "copy_raw", lambda *a: (_ for _ in ()).throw(full))
    res = cli("refresh", path)
    assert res.exit_code == 2 and "No space left on device" in res.stderr and "Traceback" not in res.output
    assert digest(path) == before and sorted(p.name for p in tmp_path.iterdir()) == ["c.xlsx"]


# ------------------------------------------------------------- property tests
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\ufffe\uffff"), max_size=40)
VALUES = {
    Kind.NUMBER: st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12),
    Kind.MONEY: st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(lambda x: round(x, 2)),
    Kind.PERCENT: st.floats(min_value=0, max_value=1),
    Kind.INT: st.integers(min_value=-10**9, max_value=10**9),
    Kind.DATE: st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    Kind.TEXT: TEXT,
}


@pytest.fixture(scope="module")
def base_book(tmp_path_factory):
    return build_workbook(tmp_path_factory.mktemp("prop") / "p.xlsx",
                          data={"customers": [{"customer_id": f"C{i}", "name": "x", "owner": "y"} for i in range(5)]})


def expected(kind, v):
    if v is None or v == "":
        return None
    if kind == Kind.TEXT:
        cleaned = "".join(ch for ch in v if ch in "\t\n\r" or ord(ch) >= 32)
        return cleaned.replace("\r\n", "\n").replace("\r", "\n") or None
    return v


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_values_written_to_computed_columns_read_back_the_same(tmp_path_factory, base_book, data):
    kinds = data.draw(st.lists(st.sampled_from(list(VALUES)), min_size=1, max_size=3))
    values = {k: data.draw(st.lists(st.one_of(st.none(), VALUES[k]), min_size=5, max_size=5)) for k in kinds}
    path = tmp_path_factory.mktemp("p") / "p.xlsx"
    shutil.copy(base_book, path)
    book = XlsxBook(path)
    blocks = [ColumnBlock(26 + i, 2, values[k], k) for i, k in enumerate(kinds)]
    book.write_columns("客户资料卡", blocks)
    book.save()
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("客户资料卡").to_python(skip_empty_area=False)
    ws = openpyxl.load_workbook(path)["客户资料卡"]
    for i, k in enumerate(kinds):
        for r, v in enumerate(values[k]):
            got = grid[r + 1][25 + i] if len(grid) > r + 1 and len(grid[r + 1]) > 25 + i else ""
            want = expected(k, v)
            cell = ws.cell(r + 2, 26 + i)
            if want is None:
                assert got in ("", None) and cell.value is None
            elif k == Kind.DATE:
                assert got == want and cell.value.date() == want and cell.number_format == "yyyy-mm-dd"
            elif k == Kind.TEXT:
                assert cell.value.replace("\r\n", "\n") == want
            else:
                assert got == want or math.isclose(got, want, rel_tol=0, abs_tol=0), (k, v, got)
                assert cell.value == want
    # and every user cell of the sheet is untouched
    assert [ws.cell(r, 1).value for r in range(1, 7)] == ["客户编号", "C0", "C1", "C2", "C3", "C4"]


def test_a_job_collects_less_often_and_restores_the_collector_afterwards():
    import gc

    import pytest

    from addin import jobs

    seen = []

    @jobs.fewer_collections
    def job():
        seen.append(gc.get_threshold())
        raise ValueError("a failing job restores the thresholds too")

    before = gc.get_threshold()
    with pytest.raises(ValueError):
        job()
    assert seen == [(max(before[0], 100_000), max(before[1], 100), *before[2:])]
    assert gc.get_threshold() == before
