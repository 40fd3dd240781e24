#!/usr/bin/env python3
"""Build workbook/CRM.xlsm (the shipped template with a small sample) from the schema.

    python scripts/build_workbook.py                 # workbook/CRM.xlsm, Chinese
    python scripts/build_workbook.py --lang en       # workbook/CRM-en.xlsm
    python scripts/build_workbook.py --blank OUT     # no sample rows

Never edit the workbook by hand: change sheets_schema/, addin/vba/ or addin/ribbon/
and rebuild. Two builds give byte-identical files.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from addin.build.workbook import build_workbook, sample_data

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", type=Path)
    ap.add_argument("--lang", choices=("zh", "en"), default="zh")
    ap.add_argument("--blank", action="store_true", help="no sample data")
    args = ap.parse_args()
    out = args.out or ROOT / "workbook" / ("CRM.xlsm" if args.lang == "zh" else "CRM-en.xlsm")
    build_workbook(out, lang=args.lang, data=None if args.blank else sample_data())
    print(f"built {out}")


if __name__ == "__main__":
    main()
