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


_DRAWING_REL = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                '{kind}" Target="{target}"/></Relationships>')
#: the logo's height on the letterhead (EMU: 0.4 inch), its width by the image's aspect ratio
LOGO_HEIGHT = 365760


class Logo:
    """A PNG or JPEG image for the letterhead, with its pixel size."""

    def __init__(self, data: bytes, ext: str, size: tuple[int, int]) -> None:
        self.data, self.ext, self.size = data, ext, size


def read_logo(path: str | os.PathLike | None) -> Logo | None:
    """The logo at ``path``; None when there is none. Raises ExportError for a file that is not a
    readable PNG or JPEG."""
    if not path:
        return None
    try:
        data = Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ExportError(f"logo image {path}: {exc.strerror or exc}") from None
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 24:
        return Logo(data, "png", (int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")))
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                break
            marker, length = data[i + 1], int.from_bytes(data[i + 2:i + 4], "big")
            if marker in (0xC0, 0xC1, 0xC2):
                return Logo(data, "jpeg", (int.from_bytes(data[i + 7:i + 9], "big"),
                                           int.from_bytes(data[i + 5:i + 7], "big")))
            i += 2 + length
    raise ExportError(f"logo image {path}: not a PNG or JPEG file")


def _drawing(logo: Logo) -> str:
    w, h = logo.size
    cy = LOGO_HEIGHT
    cx = int(cy * w / h) if w and h else cy
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<xdr:oneCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:colOff>19050</xdr:colOff><xdr:row>0</xdr:row>'
            f'<xdr:rowOff>19050</xdr:rowOff></xdr:from><xdr:ext cx="{cx}" cy="{cy}"/>'
            '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="logo"/><xdr:cNvPicPr><a:picLocks noChangeAspect="1"/>'
            '</xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch>'
            f'</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>'
            '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
            '</xdr:oneCellAnchor></xdr:wsDr>')


def sheet_xlsx(sheet: OutputSheet, out: Path, logo: Logo | None = None) -> None:
    """A workbook holding only ``sheet``, rendered as the add-in renders its output sheets (with
    ``logo`` at the top left of the letterhead)."""
    styles = Styles(f'<styleSheet xmlns="{NS}"/>'.encode())
    xml = render_sheet(sheet, lambda name: styles.xf(STYLES[name]), drawing="rId1" if logo else None)
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
    ct = _CT
    if logo is not None:
        ct = ct.replace("</Types>", f'<Default Extension="{logo.ext}" ContentType="image/{logo.ext}"/>'
                        '<Override PartName="/xl/drawings/drawing1.xml" '
                        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>')
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        z.writestr("xl/styles.xml", styles.to_bytes())
        z.writestr("xl/worksheets/sheet1.xml", xml)
        if logo is not None:
            z.writestr("xl/worksheets/_rels/sheet1.xml.rels",
                       _DRAWING_REL.format(kind="drawing", target="../drawings/drawing1.xml"))
            z.writestr("xl/drawings/drawing1.xml", _drawing(logo))
            z.writestr("xl/drawings/_rels/drawing1.xml.rels",
                       _DRAWING_REL.format(kind="image", target=f"../media/logo.{logo.ext}"))
            z.writestr(f"xl/media/logo.{logo.ext}", logo.data)


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
                      advance: Callable[[int], None] = lambda n: None, logo: str | None = None) -> list[Path]:
    """One PDF per (customer ID, page) in ``folder`` — statements or letters — with the company's
    ``logo`` (a PNG or JPEG path) on the letterhead; files appear only when all converted."""
    image = read_logo(logo)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix="crm-statements-"))
    try:
        made: list[tuple[Path, Path]] = []
        names = pdf_names([cid for cid, _ in sheets])
        for start in range(0, len(sheets), BATCH):
            batch = sheets[start:start + BATCH]
            sources = []
            for n, (_cid, sheet) in enumerate(batch, start=start):
                src = tmp / f"s{n:05d}.xlsx"
                sheet_xlsx(sheet, src, image)
                sources.append(src)
                made.append((tmp / f"s{n:05d}.pdf", folder / names[n]))
            convert(sources, tmp)
            advance(len(batch))
        for src, dst in made:
            shutil.move(str(src), dst)
        return [dst for _, dst in made]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
