"""Make the LibreOffice-written inputs of tests/corpus/ (run by hand; the outputs are committed,
since only LibreOffice can write them).

A 30-customer demo workbook gets the edits reps make — a title row merged above the header,
an inserted column of their own, rows sorted, an autofilter, frozen panes, a protected sheet of
their own with a chart — and is then re-saved by LibreOffice headless in three ways:
xlsx ("Calc MS Excel 2007 XML"), xlsm (with the VBA project) and "Calc Office Open XML".

    python scripts/make_corpus.py   # needs soffice on PATH
"""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import openpyxl
from openpyxl.chart import BarChart, Reference

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from addin.build.demo_data import generate  # noqa: E402
from addin.build.workbook import build_workbook  # noqa: E402

AS_OF = dt.date(2026, 11, 24)
OUT = ROOT / "tests" / "corpus"
FILTERS = {  # output name → (extension, LibreOffice filter)
    "lo-resave.xlsx": ("xlsx", "Calc MS Excel 2007 XML"),
    "lo-resave.xlsm": ("xlsm", "Calc MS Excel 2007 VBA XML"),
    "lo-ooxml.xlsx": ("xlsx", "Calc Office Open XML"),
}


def rep_edits(path: Path) -> None:
    """What reps do to their workbook, written with openpyxl (keep_vba keeps the macros)."""
    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    ws = wb["客户资料卡"]
    ws.insert_cols(4)  # a column of their own between 业务员 and 行业
    ws.cell(1, 4, "我的标签")
    for r in range(2, ws.max_row + 1):
        ws.cell(r, 4, "重点" if r % 3 == 0 else None)
    ws.insert_rows(1)  # a merged title above the header
    ws.cell(1, 1, "张伟的客户（2026）")
    ws.merge_cells("A1:F1")
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"
    log = wb["联系记录"]
    rows = sorted(([c.value for c in row] for row in log.iter_rows(min_row=2) if row[0].value is not None),
                  key=lambda r: (str(r[1]), str(r[0])))  # sorted by customer, then date
    for r, values in enumerate(rows, start=2):
        for c, v in enumerate(values, start=1):
            log.cell(r, c, v)
    mine = wb.create_sheet("我的分析")
    mine.append(["地区", "客户数"])
    for region, n in (("华东", 12), ("华南", 9), ("华北", 6)):
        mine.append([region, n])
    chart = BarChart()
    chart.add_data(Reference(mine, min_col=2, min_row=1, max_row=4), titles_from_data=True)
    chart.set_categories(Reference(mine, min_col=1, min_row=2, max_row=4))
    mine.add_chart(chart, "D2")
    mine.protection.sheet = True
    wb.save(path)


def main() -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found (apt-get install libreoffice-calc-nogui)")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        data = generate(30, as_of=AS_OF, seed=11)
        for name, (ext, filt) in FILTERS.items():
            src = work / f"src.{ext}"
            build_workbook(src, data=data, settings={"as_of": AS_OF})
            rep_edits(src)
            outdir = work / name
            outdir.mkdir()
            subprocess.run([soffice, "--headless", "--convert-to", f"{ext}:{filt}", "--outdir", str(outdir),
                            str(src)], check=True, capture_output=True, timeout=180,
                           env={"HOME": str(work), "PATH": "/usr/bin:/bin"})
            shutil.copy(outdir / f"src.{ext}", OUT / name)
            print(f"{name}: {(OUT / name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
