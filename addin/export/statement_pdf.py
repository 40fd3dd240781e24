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

from ..io.render import render_sheet
from ..io.styles_xml import NS, Styles
from ..writes import STYLES, OutputSheet
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
    xml = render_sheet(sheet, lambda name: styles.xf(STYLES[name]))
    name = sheet.name.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    workbook = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{NS}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
                f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", styles.to_bytes())
        z.writestr("xl/worksheets/sheet1.xml", xml)


#: Windows reserves these names with any extension (CON.pdf opens the console)
_DEVICES = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"} | {f"{d}{n}" for d in ("COM", "LPT")
                                                               for n in [*"123456789", "¹", "²", "³"]}
#: bytes for a name's stem: file systems allow 255 per name; room for "~NNN" and ".pdf"
STEM_BYTES = 200


def pdf_name(customer_id: str) -> str:
    """A file name for a customer's statement that is safe on every OS: path separators, colons
    and other characters Windows refuses replaced, trailing dots and spaces dropped, cut to
    STEM_BYTES of UTF-8 on a character boundary, a Windows device name (CON, NUL, COM1…) prefixed."""
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f\x7f]', "_", customer_id).strip(". ") or "_"
    raw = stem.encode("utf-8")
    if len(raw) > STEM_BYTES:
        stem = raw[:STEM_BYTES].decode("utf-8", "ignore").rstrip(". ") or "_"
    if stem.split(".")[0].rstrip(" ").upper() in _DEVICES:
        stem = "_" + stem
    return stem + ".pdf"


def pdf_names(customer_ids: list[str]) -> list[str]:
    """One distinct file name per customer, in order: a name that another customer's already took
    (``A/1``, ``A:1`` and ``A_1`` are all ``A_1``; names differing only in case are one file on
    Windows and macOS) gets a suffix ``~2``, ``~3``…"""
    taken: set[str] = set()
    out = []
    for cid in customer_ids:
        name = pdf_name(cid)
        stem, n = name[:-4], 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}~{n}.pdf"
        taken.add(name.lower())
        out.append(name)
    return out


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
        names = pdf_names([cid for cid, _ in sheets])
        for start in range(0, len(sheets), BATCH):
            batch = sheets[start:start + BATCH]
            sources = []
            for n, (cid, sheet) in enumerate(batch, start=start):
                src = tmp / f"s{n:05d}.xlsx"
                sheet_xlsx(sheet, src)
                sources.append(src)
                made.append((tmp / f"s{n:05d}.pdf", folder / names[n]))
            convert(sources, tmp)
            advance(len(batch))
        for src, dst in made:
            shutil.move(str(src), dst)
        return [dst for _, dst in made]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
