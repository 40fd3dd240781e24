"""Build test workbooks in code (never from hand-edited binaries)."""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import openpyxl
from external import pdf_text
from lxml import etree
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from addin.cells import col_index
from addin.cli import app
from addin.io import charts, marks
from addin.io.package import Package

# Minimal valid sheets, header row first. Tests copy and modify these.
CUSTOMERS = [
    ["客户编号", "客户名称", "业务员", "电话", "邮箱", "年销售额", "授信额度", "账期天数", "生日"],
    ["C001", "杭州恒瑞机电有限公司", "张伟", "13812345678", None, 500000, 100000, 30, None],
    ["C002", "苏州宏达化工有限公司", "张伟", "0512-66881234", "a@b.cn", 300000, None, 45, None],
    ["C003", "上海鑫源建材有限公司", "李娜", "+86 139 1234 5678", None, 200000, 50000, None, None],
]
FUNNEL = [
    ["客户编号", "销售进程", "客户状态", "成交意向", "放弃", "合同到期日", "预计金额", "下次拨打"],
    ["C001", "6 合同中", "合同中", "成交意向好", "否", dt.date(2027, 1, 1), 50000, None],
    ["C002", "4", "无合同", "可能成交", "否", None, 80000, None],
]
CONTACTS = [
    ["日期", "客户编号", "方式", "联系人", "结果", "下次拨打", "业务员"],
    [dt.date(2026, 11, 1), "C001", "电话", "王总", "已报价", None, "张伟"],
]
SURVEY = [
    ["客户编号", "调查日期", "速动资产", "流动负债", "负债总额", "期初资产总额", "期末资产总额", "销售收入",
     "净利润", "申请额度", "负责人信用"],
    ["C001", dt.date(2026, 6, 1), 100000, 100000, 500000, 900000, 1100000, 2000000, 300000, 50000, 4],
]
RECEIVABLES = [
    ["单据号", "客户编号", "开票日期", "到期日", "金额", "已收金额", "最近收款日", "承办人"],
    ["INV001", "C001", dt.date(2026, 9, 1), dt.date(2026, 10, 1), 10000, 2000, None, "张伟"],
]
SETTINGS = [["参数", "值"], ["基准日期", dt.date(2026, 11, 24)], ["账号", "1202 0210 0900 0012 345"]]


def sheets(**overrides: list[list[Any]] | None) -> dict[str, list[list[Any]]]:
    """The default sheet set with some replaced (or removed with None)."""
    base = {"客户资料卡": CUSTOMERS, "销售漏斗": FUNNEL, "联系记录": CONTACTS, "信用调查": SURVEY,
            "应收账款": RECEIVABLES, "设置": SETTINGS}
    names = {"customers": "客户资料卡", "funnel": "销售漏斗", "contacts": "联系记录", "survey": "信用调查",
             "receivables": "应收账款", "settings": "设置"}
    out = {k: [list(r) for r in v] for k, v in base.items()}
    for key, rows in overrides.items():
        name = names.get(key, key)
        if rows is None:
            out.pop(name, None)
        else:
            out[name] = rows
    return out


def write_book(path: Path, data: dict[str, list[list[Any]]], *, title_rows: int = 0,
               number_formats: dict[str, str] | None = None) -> Path:
    """Write sheets with openpyxl; ``title_rows`` puts a title (and a blank row) above each header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in data.items():
        ws = wb.create_sheet(name)
        offset = 0
        if title_rows:
            ws.cell(1, 1, f"{name}（2026年）")
            offset = title_rows
        for r, row in enumerate(rows, start=1 + offset):
            for c, v in enumerate(row, start=1):
                if v is not None:
                    cell = ws.cell(r, c, v)
                    if isinstance(v, dt.date):
                        cell.number_format = "yyyy-mm-dd"
    wb.save(path)
    return path


def shuffle_columns(rows: list[list[Any]], order: list[int]) -> list[list[Any]]:
    return [[row[i] if i < len(row) else None for i in order] for row in rows]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(path.read_bytes())) as z:
        return {n: z.read(n) for n in z.namelist()}


def part(path: Path, tab: str) -> str:
    """The worksheet part of a tab, found by its name (never by a sheetN.xml number)."""
    return Package(path).sheet_part(tab)


def tab_xml(path: Path, tab: str) -> bytes:
    """A tab's worksheet XML, found by the tab's name."""
    return parts(path)[part(path, tab)]


def cli(*args: str):
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def cells(path: Path, sheet: str) -> dict[str, tuple[Any, str, Any, Any]]:
    """Every non-empty cell: value, number format, font (bold, colour), fill colour."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    out = {}
    for row in ws.iter_rows():
        for c in row:
            if c.value is not None:
                out[c.coordinate] = (c.value, c.number_format, (c.font.b, str(c.font.color and c.font.color.rgb)),
                                     c.fill.fgColor.rgb if c.fill and c.fill.fill_type else None)
    return out


def read_sheet(path: Path, sheet: str) -> list[tuple]:
    wb = openpyxl.load_workbook(path)
    return [tuple(r) for r in wb[sheet].iter_rows(values_only=True)]


def worksheet_xml(rows: list[list[Any]]) -> bytes:
    """A plain worksheet part (inline strings, no styles; dates as ISO text, which reads the same
    in either date system), as a script or another program might add to a workbook."""
    from addin.io.sheet_xml import row_xml

    def plain(v: Any) -> Any:
        return v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v

    body = b"".join(row_xml(r, [(c, plain(v), None) for c, v in enumerate(row, start=1) if v is not None], b"")
                    for r, row in enumerate(rows, start=1))
    return (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>' + body
            + b"</sheetData></worksheet>")


def write_parts(path: Path, items: dict[str, bytes]) -> None:
    """Write a package from its parts (what another program's save amounts to)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)


def write_big_part(path: Path, items: dict[str, bytes], name: str, head: bytes, body: Iterable[bytes],
                   tail: bytes, level: int = 9) -> None:
    """A package of ``items`` whose part ``name`` is ``head`` + the chunks of ``body`` + ``tail``,
    streamed (never held whole): the hostile inputs of tests/test_hostile.py and scripts/hostile.py."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for n, data in items.items():
            if n != name:
                z.writestr(n, data)
        info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            fh.write(head)
            for chunk in body:
                fh.write(chunk)
            fh.write(tail)


def tab_pdf_text(path: Path, tab: str, folder: Path) -> str:
    """The text of one tab alone as LibreOffice prints it: the other sheets hidden in a copy saved
    to ``folder``, converted to PDF, read back with pdftotext."""
    from addin.export.aging_export import to_pdf

    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        if ws.title != tab:
            ws.sheet_state = "hidden"
    wb.active = wb.sheetnames.index(tab)
    only = folder / f"{path.stem}-only.xlsx"
    wb.save(only)
    pdf = folder / f"{path.stem}-only.pdf"
    to_pdf(only, pdf)
    return pdf_text(pdf)


def rows_ascending(path: Path) -> None:
    """Every worksheet's <row r> numbers are strictly ascending (Excel "repairs" anything else)."""
    import re

    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                rows = [int(r) for r in re.findall(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"', z.read(name))]
                assert rows == sorted(set(rows)), name


def rec(spec, **values):
    """A record of ``spec`` from the keyword values that are its columns (others ignored)."""
    import sheets_schema as S

    keys = {c.key for c in spec.columns}
    return S.record(spec, **{k: v for k, v in values.items() if k in keys})


C_NS = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"


def chart_series(path: Path, tab: str | None = None) -> dict[str, list[tuple[str, list, list]]]:
    """Chart name → [(series name, category cells' values, value cells' values)] read from the cells
    each series refers to (not from the chart's cache), on the marked 看板 or the tab named ``tab``."""
    pkg = Package(path)
    wb = CalamineWorkbook.from_path(str(path))
    try:
        tab = tab or marks.owned_sheets(pkg)["dashboard"]
        grid = wb.get_sheet_by_name(tab).to_python(skip_empty_area=False)
        part = pkg.sheet_part(tab)
        _, drawing = charts.drawing_of(pkg, part)
        targets = {rid: t for rid, _, t in pkg.rels(drawing)}
        out = {}
        for anchor in etree.fromstring(pkg.read(drawing)):
            name = next(anchor.iter("{*}cNvPr")).get("name")
            rid = next(anchor.iter(C_NS + "chart")).get(charts.R_ID)
            chart = etree.fromstring(pkg.read(targets[rid]))
            series = []
            for ser in chart.iter(C_NS + "ser"):
                def cells(tag, ser=ser):
                    f = ser.find(f"{C_NS}{tag}//{C_NS}f")
                    return values(grid, f.text, tab) if f is not None else []
                series.append((ser.find(f"{C_NS}tx//{C_NS}v").text, cells("cat"), cells("val")))
            out[name] = series
        return out
    finally:
        pkg.close()


def values(grid: list[list], ref: str, tab: str) -> list:
    sheet, _, area = ref.rpartition("!")
    assert sheet.strip("'") == tab
    m = re.fullmatch(r"\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", area)
    c1, r1 = col_index(m.group(1)), int(m.group(2))
    c2, r2 = (col_index(m.group(3)), int(m.group(4))) if m.group(3) else (c1, r1)
    assert c1 == c2
    return [grid[r - 1][c1 - 1] if r - 1 < len(grid) and c1 - 1 < len(grid[r - 1]) else "" for r in range(r1, r2 + 1)]
