"""Statements as PDF: each 对账单 OutputSheet into a one-sheet xlsx (the same XML the workbook gets,
from addin/io/render.py), then LibreOffice converts a batch of them in one run."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from xml.sax.saxutils import escape

from ..cells import col_letter, sheet_ref
from ..io.render import render_sheet
from ..io.styles_xml import NS, Styles
from ..writes import STYLES, OutputSheet, fit_widths
from .aging_export import ExportError, require_soffice

#: files per LibreOffice run: one start-up per batch, and the progress bar moves per batch
BATCH = 10

_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
       '<Override PartName="/xl/styles.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WB_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'worksheet" Target="worksheets/sheet1.xml"/>'
            '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            'styles" Target="styles.xml"/></Relationships>')


def sheet_xlsx(sheet: OutputSheet, out: Path) -> None:
    """A workbook holding only ``sheet``, rendered as the add-in renders its output sheets."""
    styles = Styles(f'<styleSheet xmlns="{NS}"/>'.encode())
    sheet = fit_widths(sheet)
    xml = render_sheet(sheet, lambda name: styles.xf(STYLES[name]))
    name = sheet.name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    names = []
    if sheet.repeat_rows:  # the title and header on every page
        names.append(("_xlnm.Print_Titles", f"${sheet.repeat_rows[0]}:${sheet.repeat_rows[1]}"))
    if sheet.print_area:
        r1, c1, r2, c2 = sheet.print_area
        names.append(("_xlnm.Print_Area", f"${col_letter(c1)}${r1}:${col_letter(c2)}${r2}"))
    defined = "".join(f'<definedName name="{n}" localSheetId="0">{escape(sheet_ref(sheet.name, ref))}</definedName>'
                      for n, ref in names)
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>'
                + (f"<definedNames>{defined}</definedNames>" if defined else "") + "</workbook>")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", styles.to_bytes())
        z.writestr("xl/worksheets/sheet1.xml", xml)


def pdf_name(customer_id: str) -> str:
    """A file name for a customer's statement that is safe on every OS."""
    return (re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", customer_id).strip(". ") or "_") + ".pdf"


def convert(sources: list[Path], outdir: Path) -> None:
    """LibreOffice converts ``sources`` to PDF into ``outdir`` in one run."""
    exe = require_soffice()
    with tempfile.TemporaryDirectory() as home:
        env = dict(os.environ, HOME=home)  # a private profile: works beside a running LibreOffice
        proc = subprocess.run([exe, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(outdir),
                               *map(str, sources)], capture_output=True, text=True, timeout=600, env=env)
    missing = [s.name for s in sources if not (outdir / (s.stem + ".pdf")).exists()]
    if proc.returncode != 0 or missing:
        raise ExportError(f"LibreOffice could not convert {', '.join(missing) or 'the statements'} to PDF: "
                          f"{proc.stderr.strip() or proc.stdout.strip()}")


def statements_to_pdf(sheets: list[tuple[str, OutputSheet]], folder: Path,
                      advance: Callable[[int], None] = lambda n: None) -> list[Path]:
    """One PDF per (customer ID, statement) in ``folder``; files appear only when all converted."""
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="crm-statements-"))
    try:
        made: list[tuple[Path, Path]] = []
        for start in range(0, len(sheets), BATCH):
            batch = sheets[start:start + BATCH]
            sources = []
            for n, (cid, sheet) in enumerate(batch, start=start):
                src = tmp / f"s{n:05d}.xlsx"
                sheet_xlsx(sheet, src)
                sources.append(src)
                made.append((tmp / f"s{n:05d}.pdf", folder / pdf_name(cid)))
            convert(sources, tmp)
            advance(len(batch))
        for src, dst in made:
            shutil.move(str(src), dst)
        return [dst for _, dst in made]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
