"""Issue 13: every command on files other software wrote (tests/corpus/README.md says where each
came from). Unowned parts stay byte-identical, rows stay ascending, the results equal those of
the same data in a workbook the add-in built, and LibreOffice still opens the file."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from external import need_soffice
from helpers import cli, parts, rows_ascending, sheets, worksheet_xml, write_book

from addin.io.package import Package

CORPUS = Path(__file__).parent / "corpus"
EXCEL = sorted(p.name for p in CORPUS.glob("calamine-*"))
LIBREOFFICE = sorted(p.name for p in CORPUS.glob("lo-*"))
EXCEL365 = sorted(p.name for p in CORPUS.glob("excel365-*"))
DAYS = ("2026-11-24", "2026-12-08")  # two runs on different days: the second rewrites what the first wrote
CRM_TABS = {"客户资料卡", "销售漏斗", "联系记录", "今日拨打", "信用调查", "授信申请", "应收账款", "账龄分析", "校验结果",
            "设置"}
# parts the add-in may write: its sheets, the styles it needs, its marks, new parts' registrations
PACKAGE_PARTS = {"xl/styles.xml", "xl/workbook.xml", "[Content_Types].xml", "xl/_rels/workbook.xml.rels"}


def sheet_parts(path: Path) -> dict[str, str]:
    pkg = Package(path)
    try:
        return dict(pkg.sheets())
    finally:
        pkg.close()


def with_crm_sheets(src: Path, dst: Path) -> Path:
    """An Excel-authored workbook with the CRM sheets added (as a script would add them)."""
    shutil.copy(src, dst)
    pkg = Package(dst)
    for name, rows in sheets().items():
        pkg.add_sheet(name, worksheet_xml(rows))
    pkg.save(backup=False)
    return dst


def results(path: Path) -> dict[str, object]:
    """What the add-in computed: each customer's grade and segment, and the call list's order
    (read with calamine: openpyxl cannot load some Excel files, e.g. with pivot caches)."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))

    def grid(name: str) -> list[list[object]]:
        return wb.get_sheet_by_name(name).to_python(skip_empty_area=False)

    out: dict[str, object] = {}
    rows = grid("客户资料卡")
    h = next(i for i, r in enumerate(rows) if "客户编号" in r)
    head = rows[h]
    cid, abc, seg = head.index("客户编号"), head.index("ABC等级"), head.index("客户类别")
    out["grades"] = {r[cid]: (r[abc], r[seg]) for r in rows[h + 1:] if r[cid]}
    calls = grid(next(n for n in wb.sheet_names if n.startswith("今日拨打")))
    out["calls"] = [(r[1], r[2], r[10]) for r in calls[2:] if r[2]]
    return out


def run_every_command(path: Path, customer: str, tmp: Path, as_of: str | None = None) -> None:
    day = ("--as-of", as_of) if as_of else ()
    for args in (("validate", *day), ("refresh", *day), ("calls", *day), ("plan", *day),
                 ("credit-form", customer, *day), ("statement", customer, *day), ("aging", *day),
                 ("aging", "--export", tmp / f"{path.stem}-aging.csv", "--force", *day)):
        res = cli(args[0], path, *args[1:])
        assert res.exit_code in (0, 1), (args, res.output, res.stderr)
        assert "Traceback" not in res.output


def check_untouched(before: dict[str, bytes], path: Path, owned_sheets: set[str]) -> None:
    after = parts(path)
    tabs = sheet_parts(path)
    owned = PACKAGE_PARTS | {tabs[t] for t in owned_sheets if t in tabs}
    removed = before.keys() - after.keys()
    assert removed <= {n for n in before if n.endswith("calcChain.xml")}, removed
    changed = {n for n in before if n in after and after[n] != before[n]}
    assert changed <= owned, changed - owned


def libreoffice_opens(path: Path, tmp: Path) -> None:
    work = tmp / "lo"
    work.mkdir(exist_ok=True)
    shutil.copy(path, work / path.name)
    proc = subprocess.run([need_soffice(), "--headless", "--convert-to", "pdf", "--outdir", str(work),
                           str(work / path.name)], capture_output=True, text=True, timeout=240,
                          env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0 and (work / (path.stem + ".pdf")).read_bytes().startswith(b"%PDF"), proc.stderr


@pytest.mark.parametrize("name", EXCEL)
def test_excel_authored_workbooks_with_crm_sheets(name, tmp_path):
    path = with_crm_sheets(CORPUS / name, tmp_path / name)
    before = parts(path)
    run_every_command(path, "C001", tmp_path)
    check_untouched(before, path, CRM_TABS)
    rows_ascending(path)
    reference = write_book(tmp_path / "reference.xlsx", sheets())
    run_every_command(reference, "C001", tmp_path)
    assert results(path) == results(reference)


@pytest.mark.parametrize("name", LIBREOFFICE)
def test_libreoffice_resaves_with_rep_edits(name, tmp_path):
    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    import make_corpus

    path = tmp_path / name
    shutil.copy(CORPUS / name, path)
    before = parts(path)
    wb = openpyxl.load_workbook(path)
    customer = next(r[0] for r in wb["信用调查"].iter_rows(min_row=2, values_only=True) if r[0])
    run_every_command(path, customer, tmp_path)
    check_untouched(before, path, CRM_TABS)
    rows_ascending(path)
    # the same workbook before LibreOffice re-saved it gives the same results
    source = tmp_path / ("source" + path.suffix)
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    build_workbook(source, data=generate(30, as_of=make_corpus.AS_OF, seed=11), settings={"as_of": make_corpus.AS_OF})
    make_corpus.rep_edits(source)
    run_every_command(source, customer, tmp_path)
    assert results(path) == results(source)
    libreoffice_opens(path, tmp_path)
    # a rep types results into the list; LibreOffice left formatted empty rows below the log
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    log_rows = sum(1 for r in wb["联系记录"].iter_rows(values_only=True) if any(v is not None for v in r))
    assert wb["联系记录"].max_row > log_rows + 100
    ws = wb["今日拨打"]
    typed = 0
    for row in ws.iter_rows(min_row=3, max_row=5):
        row[14].value = f"结果{row[0].value}"
        typed += 1
    wb.save(path)
    assert cli("refresh", path).exit_code in (0, 1)
    rows_ascending(path)
    log = [r for r in openpyxl.load_workbook(path)["联系记录"].iter_rows(values_only=True)]
    filled = [i for i, r in enumerate(log, start=1) if any(v is not None for v in r)]
    assert filled == list(range(1, log_rows + typed + 1))  # right below the data, no gap, no duplicate


@pytest.mark.parametrize("name", ["calamine-pivots.xlsx", "calamine-vba.xlsm", "calamine-date_1904.xlsx"])
def test_libreoffice_opens_excel_corpus_after_every_command(name, tmp_path):
    need_soffice()
    path = with_crm_sheets(CORPUS / name, tmp_path / name)
    run_every_command(path, "C001", tmp_path)
    libreoffice_opens(path, tmp_path)


@pytest.mark.parametrize("name", EXCEL365)
def test_excel_2016_365_workbooks_every_command_on_two_days(name, tmp_path):
    """Issue 19: workbooks Excel 2016–365 saved (x16r2/xr styles, x15/xr* workbook, xr:uid sheets,
    threaded comments, dynamic arrays, sparklines, ActiveX, dialog sheets, buttons…; sources in
    tests/corpus/README.md) with the CRM sheets grafted in: every command, on two days; the result
    passes the conformance check, every part the add-in does not own is byte-identical, and the
    results equal those of a clean workbook of the same data."""
    from conformance import check

    path = with_crm_sheets(CORPUS / name, tmp_path / name)
    start = path.read_bytes()
    before = parts(path)
    reference = write_book(tmp_path / "reference.xlsx", sheets())
    for day in DAYS:
        run_every_command(path, "C001", tmp_path, day)
        run_every_command(reference, "C001", tmp_path, day)
        assert results(path) == results(reference)
    problems = check(path, original=start)
    assert not problems, problems
    check_untouched(before, path, CRM_TABS | {"对账单"})
    rows_ascending(path)
    # what Excel reads first is as Excel wrote it: every namespace of styles.xml and workbook.xml
    from lxml import etree

    after = parts(path)
    for part in ("xl/styles.xml", "xl/workbook.xml"):
        assert etree.fromstring(after[part]).nsmap == etree.fromstring(before[part]).nsmap, part
