#!/usr/bin/env python3
"""Check that a change to the engine changes no byte of what a refresh writes.

    python scripts/same_output.py --against main            # rep-size books, three mornings
    python scripts/same_output.py --against HEAD~2 --customers 5000

Builds a demo workbook and a messy copy of it (bad numbers, dates and choices, negative amounts,
blank and half-blank rows), then, for the code of ``--against REV`` (a temporary ``git worktree``)
and for this tree, each on its own copy of each book: refreshes on a Monday, types results into
今日拨打 (the same ones on both copies; typed once and copied while they are the same, as openpyxl stamps
its save time), refreshes on the Tuesday, and again on the Thursday.
After every refresh each zip member of the two copies is compared, decompressed. Prints the
members that differ and exits 1 if any did; ``--keep DIR`` leaves the books there to look at.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DAYS = (dt.date(2026, 11, 23), dt.date(2026, 11, 24), dt.date(2026, 11, 26))
JUNK = ("abc", "2026-13-45", "xyz", "-", "12..5", "  ", "#N/A?", "=1+1", "十万", "N/A")

CHILD = """
import datetime as dt, sys
from addin import jobs
from addin.io.xlsx_book import XlsxBook
book = XlsxBook(sys.argv[1])
try:
    result = jobs.refresh(book, as_of=dt.date.fromisoformat(sys.argv[2]))
    result.loaded.release()
    jobs.apply(book, result.plan)
finally:
    book.close()
"""


def messy(data: dict[str, list[dict]], seed: int) -> dict[str, list[dict]]:
    rng = random.Random(seed)
    for rows in data.values():
        for i, row in enumerate(rows):
            keys = [k for k in row if k not in ("customer_id",)]
            if not keys:
                continue
            if i % 37 == 3:
                row[rng.choice(keys)] = rng.choice(JUNK)
            if i % 53 == 7:
                numeric = [k for k in keys if isinstance(row[k], (int, float)) and not isinstance(row[k], bool)]
                if numeric:
                    row[rng.choice(numeric)] = -abs(row[rng.choice(numeric)] or 1)
            if i % 101 == 11:
                for k in keys:
                    row[k] = None
            if i % 89 == 13:
                row[rng.choice(keys)] = None
    return data


def build(folder: Path, customers: int) -> list[Path]:
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    clean = build_workbook(folder / "clean.xlsm", data=generate(customers, as_of=DAYS[0], seed=1))
    dirty = build_workbook(folder / "messy.xlsm",
                           data=messy(generate(customers, as_of=DAYS[0], seed=2), seed=3))
    return [clean, dirty]


def refresh(path: Path, day: dt.date, code: Path) -> str:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), day.isoformat()], cwd=str(code),
                         env={**os.environ, "PYTHONPATH": str(code)}, capture_output=True, text=True)
    return f"exit {out.returncode}: {out.stderr.strip().splitlines()[-1] if out.stderr.strip() else ''}" \
        if out.returncode else ""


def type_results(path: Path) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=True)
    ws = wb["今日拨打"]
    head = {c.value: i for i, c in enumerate(ws[2])}
    outcomes = ("已接通", "未接通", "拒接", "已接通", "已接通")
    for k, row in enumerate(ws.iter_rows(min_row=3, max_row=40)):
        if row[head["客户编号"]].value:
            row[head["结果"]].value = outcomes[k % len(outcomes)]
            if k % 3 == 0:
                row[head["下次拨打"]].value = DAYS[2]
    wb.save(path)


def diff(a: Path, b: Path) -> list[str]:
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        na, nb = za.namelist(), zb.namelist()
        out = [f"members differ: {sorted(set(na) ^ set(nb))}"] if set(na) != set(nb) else []
        if na != nb and set(na) == set(nb):
            out.append("member order differs")
        out += [n for n in na if n in nb and za.read(n) != zb.read(n)]
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--against", required=True, metavar="REV")
    ap.add_argument("--customers", type=int, default=1000)
    ap.add_argument("--keep", metavar="DIR")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="crm-same-"))
    old = tmp / "against"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(old), args.against], check=True)
    bad = 0
    try:
        for book in build(tmp, args.customers):
            pair = {}
            for who in ("old", "new"):
                pair[who] = book.with_name(f"{book.stem}-{who}.xlsm")
                shutil.copy(book, pair[who])
            same = True
            for n, day in enumerate(DAYS):
                if n == 1:  # openpyxl stamps its save time: type once, copy when the books were the same
                    type_results(pair["old"])
                    if same:
                        shutil.copy(pair["old"], pair["new"])
                    else:
                        type_results(pair["new"])
                errs = {who: refresh(p, day, old if who == "old" else ROOT) for who, p in pair.items()}
                if errs["old"] != errs["new"]:
                    print(f"{book.stem} {day}: old {errs['old'] or 'ok'}, new {errs['new'] or 'ok'}")
                    bad += 1
                    break
                d = diff(pair["old"], pair["new"])
                print(f"{book.stem} {day}: " + ("identical" if not d else "DIFFERENT: " + ", ".join(d)))
                bad += bool(d)
                same = not d
        if args.keep:
            shutil.copytree(tmp, args.keep, dirs_exist_ok=True, ignore=shutil.ignore_patterns("against"))
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
