"""Build the largest hostile inputs of issue 19 and measure what `crm refresh` does with them.

    python scripts/hostile.py [--keep DIR]

Each input is a small workbook (under 10 MB) that would expand to hundreds of MB or more: one
800 MB shared string, 1.5 GB of whitespace in a sheet, a sheet that declares 4 KB and inflates to
1 GB, and 400 MB of text without markup compressed just under the size check's ratio. For each it
prints the file size, the exit code, the message, whether the file is untouched and the peak RSS
of the `crm` process (resource.getrusage of a child, in a fresh parent per input)."""
from __future__ import annotations

import argparse
import base64
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from helpers import parts, sheets, write_big_part, write_book  # noqa: E402

SST_CT = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
          b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
SST_REL = (b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
           b'sharedStrings" Target="sharedStrings.xml"/></Relationships>')
SHEET = "xl/worksheets/sheet1.xml"


def build(folder: Path) -> list[tuple[str, Path]]:
    base = parts(write_book(folder / "base.xlsx", sheets()))
    head, tail = base[SHEET].split(b"<sheetData>")
    head += b"<sheetData>"
    out = []

    items = dict(base)
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(b"</Types>", SST_CT)
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", SST_REL)
    p = folder / "sst800.xlsx"
    write_big_part(p, items, "xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
             b'2006/main" count="1" uniqueCount="1"><si><t>', (b"A" * (4 << 20) for _ in range(200)),
             b"</t></si></sst>")
    out.append(("one shared string of 800 MB", p))

    p = folder / "ws1500.xlsx"
    write_big_part(p, base, SHEET, head, (b" " * (4 << 20) for _ in range(384)), tail)
    out.append(("1.5 GB of whitespace in a sheet", p))

    p = folder / "liar.xlsx"
    write_big_part(p, base, SHEET, head, (b" " * (4 << 20) for _ in range(256)), tail)
    size = zipfile.ZipFile(p).getinfo(SHEET).file_size
    raw = p.read_bytes()
    for fmt in ("<Q", "<I"):
        raw = raw.replace(struct.pack(fmt, size), struct.pack(fmt, 4096))
    p.write_bytes(raw)
    out.append(("a sheet declaring 4 KB that inflates to 1 GB", p))

    p = folder / "run400.xlsx"
    write_big_part(p, base, SHEET, head, (b" " * 64000 + base64.b64encode(os.urandom(1000)) for _ in range(6400)),
             tail, level=6)
    out.append(("400 MB of text without markup, ratio under 100", p))
    return out


MEASURE = ("import resource, subprocess, sys\n"
           "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
           "rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
           "print(r.returncode, rss * (1 if sys.platform == 'darwin' else 1024), "
           "(r.stderr.strip().splitlines() or [''])[-1], sep='\\t')\n")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    args = ap.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="crm-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    crm = [sys.executable, "-m", "addin.cli"] if not shutil.which("crm") else [shutil.which("crm")]
    try:
        print("| input | file | exit | untouched | peak RSS | message |")
        print("| --- | --- | --- | --- | --- | --- |")
        for label, path in build(folder):
            before = path.read_bytes()
            proc = subprocess.run([sys.executable, "-c", MEASURE, *crm, "refresh", str(path)],
                                  capture_output=True, text=True, cwd=ROOT)
            code, rss, msg = proc.stdout.rstrip("\n").split("\t")
            print(f"| {label} | {len(before) / 1e6:.1f} MB | {code} | {path.read_bytes() == before} | "
                  f"{int(rss) / 2**20:.0f} MB | {msg} |")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
