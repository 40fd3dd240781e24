"""Export the aging report as a finance-ready .xlsx (with a native chart), .csv or .pdf."""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import xlsxwriter

from sheets_schema import Kind, Lang

from ..core.aging import AgingReport
from ..i18n import word
from ..sheets.aging_sheet import aging_sheet, aging_table
from ..writes import HEADER_FILL, NUM_FMT, fit_widths

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ExportError(Exception):
    """The export cannot be made here (exit 2)."""


_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def safe_csv_value(v: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with a quote, and control
    characters (which no cell shows and some importers choke on) are dropped; numbers stay numbers."""
    if isinstance(v, str):
        if v.startswith(FORMULA_PREFIXES):
            v = "'" + v
        return _CONTROL.sub("", v)
    return v


def export_csv(report: AgingReport, lang: Lang, out: Path) -> None:
    """The customer table (header, one row per customer, the 合计 row with its labelled counts),
    then — each after an empty line — the finance figures (label, value) and the 8-week forecast
    (label, one value per week, later, total)."""
    t = aging_table(report, lang)

    def line(row: list[Any]) -> list[Any]:
        return ["" if v is None else safe_csv_value(v) for v in row]

    with open(out, "w", encoding="utf-8-sig", newline="") as fh:
        wr = csv.writer(fh)
        wr.writerow(line(t.headers))
        for row in t.body:
            wr.writerow(line(row))
        wr.writerow(line(t.total))
        wr.writerow([])
        wr.writerow(line([word(lang, "财务指标", "Finance figures")]))
        for label, value in t.finance:
            wr.writerow(line([label, value]))
        wr.writerow([])
        grid = t.forecast_grid()
        wr.writerow(line([word(lang, "预计回款（未来 8 周）", "Expected collections (next 8 weeks)")]))
        for row in grid:
            wr.writerow(line(row))


def export_xlsx(report: AgingReport, lang: Lang, out: Path) -> None:
    t = aging_table(report, lang)
    wb = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False, "strings_to_numbers": False,
                                        "strings_to_urls": False,
                                        "default_format_properties": {"font_name": word(lang, "等线", "Calibri")}})
    name = word(lang, "账龄分析", "Aging")
    ws = wb.add_worksheet(name)
    f_title = wb.add_format({"bold": True, "font_size": 14})
    f_head = wb.add_format({"bold": True, "bg_color": "#" + HEADER_FILL, "border": 1, "align": "center",
                            "valign": "vcenter", "text_wrap": True})
    fmts = {k: wb.add_format({"num_format": v}) for k, v in NUM_FMT.items()}
    tot = {k: wb.add_format({"num_format": v, "bold": True, "top": 1}) for k, v in NUM_FMT.items()}
    f_tot_text = wb.add_format({"bold": True, "top": 1})
    f_pct = wb.add_format({"num_format": "0.0%", "italic": True})
    kinds = [c.kind for c in t.columns]

    def put(r: int, c: int, v: Any, fmt=None) -> None:
        if v is None:
            return
        if isinstance(v, str):
            ws.write_string(r, c, v, fmt)
        else:
            ws.write_number(r, c, v, fmt)

    sheet = fit_widths(aging_sheet(report, lang, name))  # the workbook sheet's widths and paper
    ws.write_string(0, 0, t.title, f_title)
    ws.set_row(0, 24)
    for c, h in enumerate(t.headers):
        ws.write_string(1, c, h, f_head)
        ws.set_column(c, c, sheet.widths[c])
    ws.set_row(1, 30)
    r = 2
    for row in t.body:
        for c, v in enumerate(row):
            put(r, c, v, fmts.get(kinds[c]))
        r += 1
    first_total = r
    for c, v in enumerate(t.total):
        put(r, c, v, tot.get(kinds[c]) if not isinstance(v, str) else f_tot_text)
    r += 1
    for c, v in enumerate(t.share):
        put(r, c, v, f_pct if not isinstance(v, str) else f_tot_text)
    r += 2
    for c, h in enumerate(t.owner_headers):
        if h:
            ws.write_string(r, c, h, f_head)
    r += 1
    for row in t.owners:
        for c, v in enumerate(row):
            put(r, c, v, fmts.get(kinds[c]) if c else None)
        r += 1
    # the finance figures and the 8-week forecast, as in the workbook
    f_section = wb.add_format({"bold": True, "bg_color": "#" + HEADER_FILL, "border": 1})
    f_note = wb.add_format({"italic": True, "text_wrap": True, "valign": "top"})
    r += 1
    ws.merge_range(r, 0, r, 3, word(lang, "财务指标", "Finance figures"), f_section)
    r += 1
    for (label, value), kind in zip(t.finance, (Kind.NUMBER, Kind.MONEY, Kind.PERCENT)):
        ws.write_string(r, 0, label)
        put(r, 4, value, fmts[kind])
        r += 1
    r += 1
    ws.merge_range(r, 0, r, 3, word(lang, "预计回款（未来 8 周）", "Expected collections (next 8 weeks)"), f_section)
    r += 1
    head, due, exp = t.forecast_grid()
    ws.write_string(r, 0, head[0], f_head)
    for c, h in enumerate(head[1:], start=4):
        ws.write_string(r, c, h, f_head)
    for row in (due, exp):
        r += 1
        ws.write_string(r, 0, row[0])
        for c, v in enumerate(row[1:], start=4):
            put(r, c, v, fmts[Kind.MONEY])
    r += 1
    ws.merge_range(r, 0, r, len(t.headers) - 1, t.forecast_note, f_note)
    ws.set_row(r, 30)
    r += 1
    ws.freeze_panes(2, 1)
    ws.set_landscape()
    ws.set_paper(8 if sheet.paper_a3 else 9)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0, 1)

    # bucket totals, drawn from the totals row
    first_bucket = 6
    last_bucket = first_bucket + len(t.bucket_headers) - 1
    chart = wb.add_chart({"type": "column"})
    chart.add_series({
        "name": t.total[0],
        "categories": [name, 1, first_bucket, 1, last_bucket],
        "values": [name, first_total, first_bucket, first_total, last_bucket],
        "data_labels": {"value": True, "num_format": "#,##0"},
        "fill": {"color": "#C00000"},
    })
    chart.set_title({"name": word(lang, "逾期账款分布", "Overdue by age")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"num_format": "#,##0"})
    chart.set_size({"width": 720, "height": 320})
    ws.insert_chart(r + 1, 0, chart)
    wb.close()


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    exe = soffice()
    if exe is None:
        raise ExportError("PDF export needs LibreOffice: apt-get install libreoffice-calc-nogui "
                          "(or install LibreOffice from libreoffice.org and put soffice on PATH)")
    return exe


def to_pdf(source: Path, out: Path) -> None:
    exe = require_soffice()
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, HOME=tmp)  # a private profile: works beside a running LibreOffice
        proc = subprocess.run([exe, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", tmp,
                               str(source)], capture_output=True, text=True, timeout=180, env=env)
        made = Path(tmp) / (source.stem + ".pdf")
        if proc.returncode != 0 or not made.exists():
            raise ExportError(f"LibreOffice could not convert to PDF: {proc.stderr.strip() or proc.stdout.strip()}")
        shutil.move(str(made), out)


def export(report: AgingReport, lang: Lang, out: Path) -> None:
    ext = out.suffix.lower()
    if ext not in (".xlsx", ".csv", ".pdf"):
        raise ExportError(f"unsupported export format '{ext or out.name}'; use .xlsx, .csv or .pdf")
    if ext == ".pdf":
        require_soffice()  # before any work: exit 2 with the install hint
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp_dir = Path(tempfile.mkdtemp(prefix="crm-export-"))
    try:
        if ext == ".csv":
            tmp = tmp_dir / out.name
            export_csv(report, lang, tmp)
        else:
            xlsx = tmp_dir / (out.stem + ".xlsx")
            export_xlsx(report, lang, xlsx)
            tmp = xlsx
            if ext == ".pdf":
                tmp = tmp_dir / (out.stem + ".pdf")
                to_pdf(xlsx, tmp)
        shutil.move(str(tmp), out)
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)
