"""Render a workbook's 看板 (Dashboard) to PDF and PNG with LibreOffice, to look at it (a rep's
workbook or the manager's from `crm team`).

    python scripts/render_dashboard.py WORKBOOK OUT_DIR

A copy of the workbook with every other tab hidden is converted (LibreOffice prints visible tabs
only), then pdftoppm makes OUT_DIR/<stem>-dashboard-1.png. Prints the PDF's page count and size.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sheets_schema as S  # noqa: E402
from addin.io import marks  # noqa: E402
from addin.io.package import Package  # noqa: E402
from addin.io.workbook_xml import with_sheet_state  # noqa: E402


def dashboard_only(src: Path, dst: Path) -> str:
    shutil.copy(src, dst)
    pkg = Package(dst)
    names = [name for name, _ in pkg.sheets()]
    # a rep's workbook marks its 看板; the team workbook (crm team) is all output, by tab name
    tab = marks.owned_sheets(pkg).get("dashboard") or next(n for n in names if n in S.DASHBOARD.names())
    xml = pkg.read(pkg.workbook_part)
    for name, _ in pkg.sheets():
        if name != tab:
            xml = with_sheet_state(xml, name, True) or xml
    pkg.write(pkg.workbook_part, xml)
    pkg.save(backup=False)
    return tab


def render(src: Path, out: Path, soffice: str = "soffice") -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        copy = work / (src.stem + "-dashboard" + src.suffix)
        dashboard_only(src, copy)
        env = {**os.environ, "HOME": str(work)}
        subprocess.run([soffice, "--headless", "--convert-to", "pdf", "--outdir", str(work), str(copy)],
                       check=True, capture_output=True, timeout=240, env=env)
        pdf = out / (copy.stem + ".pdf")
        shutil.copy(work / (copy.stem + ".pdf"), pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(out / copy.stem)], check=True)
    png = sorted(out.glob(copy.stem + "*.png"))[0]
    return pdf, png


if __name__ == "__main__":
    pdf, png = render(Path(sys.argv[1]), Path(sys.argv[2]))
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    print("\n".join(line for line in info.splitlines() if line.startswith(("Pages", "Page size"))))
    print(png)
