#!/usr/bin/env python3
"""Benchmark the headless engine against openpyxl's bare load + save of the same file.

    python scripts/bench.py                 # rep, 10k and company scale (a few minutes)
    python scripts/bench.py --scales rep    # just the rep-scale workbook

For each scale the demo generator builds a workbook; then, each in a fresh process
so peak memory is its own, a full `crm refresh` and openpyxl's load + save of the
same file are timed side by side. Printed: the ratio, peak RSS, the refresh's
per-phase split (read, validate, compute, write) and the time per customer, which
shows whether cost grows linearly. Needs openpyxl (installed with the test extra).

Targets (issue 6): company scale refresh ≤ 0.2 × openpyxl load + save and peak RSS
≤ 600 MB; rep scale well under a second; per-customer cost flat from 10k to 50k.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 11, 24)
SCALES = {
    # name: (customers, funnel, contacts, invoices, surveys)
    "rep": (1_000, 800, 3_000, 3_000, 100),
    "10k": (10_000, 10_000, 30_000, 30_000, 200),
    "company": (50_000, 50_000, 150_000, 150_000, 200),
}


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def child_refresh(path: str) -> dict:
    from addin import jobs
    from addin.io.xlsx_book import XlsxBook

    t0 = time.perf_counter()
    book = XlsxBook(path)
    opened = time.perf_counter() - t0
    result = jobs.refresh(book, as_of=AS_OF)
    result.loaded.release()
    t1 = time.perf_counter()
    jobs.apply(book, result.plan)
    t2 = time.perf_counter()
    phases = dict(result.timings)
    phases["read"] += opened  # opening the package is part of reading
    phases["write"] = t2 - t1
    return {"total": t2 - t0, "phases": phases, "rss_mb": peak_mb(), "errors": result.errors}


def child_openpyxl(path: str) -> dict:
    import openpyxl

    t0 = time.perf_counter()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    t1 = time.perf_counter()
    wb.save(path + ".openpyxl.xlsm")
    t2 = time.perf_counter()
    return {"total": t2 - t0, "load": t1 - t0, "save": t2 - t1, "rss_mb": peak_mb()}


def run_child(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def build(scale: str, folder: Path) -> tuple[Path, float]:
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    customers, funnel, contacts, invoices, surveys = SCALES[scale]
    t0 = time.perf_counter()
    data = generate(customers, as_of=AS_OF, seed=1, funnel=funnel, contacts=contacts, invoices=invoices,
                    surveys=surveys)
    path = build_workbook(folder / f"bench-{scale}.xlsm", data=data)
    return path, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="rep,10k,company")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        print(json.dumps(child_refresh(path) if kind == "refresh" else child_openpyxl(path)))
        return

    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    rows = []
    try:
        for scale in scales:
            path, built = build(scale, folder)
            size = path.stat().st_size / 1e6
            copy = path.with_name(path.stem + "-refresh.xlsm")
            shutil.copy(path, copy)
            ours = run_child("refresh", copy)
            base = run_child("openpyxl", path)
            rows.append((scale, SCALES[scale][0], size, built, ours, base))
            print(f"[{scale}] built in {built:.1f}s ({size:.1f} MB); refresh {ours['total']:.2f}s, "
                  f"openpyxl load+save {base['total']:.2f}s", flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)

    print()
    print(f"{'scale':<8} {'customers':>9} {'file MB':>8} {'refresh s':>10} {'openpyxl s':>11} {'ratio':>6} "
          f"{'RSS MB':>7} {'openpyxl RSS':>12}  {'read':>5} {'valid.':>6} {'comp.':>6} {'write':>6} "
          f"{'µs/customer':>11}")
    for scale, n, size, _, ours, base in rows:
        p = ours["phases"]
        print(f"{scale:<8} {n:>9,} {size:>8.1f} {ours['total']:>10.2f} {base['total']:>11.2f} "
              f"{ours['total'] / base['total']:>6.3f} {ours['rss_mb']:>7.0f} {base['rss_mb']:>12.0f}  "
              f"{p['read']:>5.2f} {p['validate']:>6.2f} {p['compute']:>6.2f} {p['write']:>6.2f} "
              f"{ours['total'] / n * 1e6:>11.1f}")
    print()
    by = {r[0]: r for r in rows}
    checks = []
    if "company" in by:
        ours, base = by["company"][4], by["company"][5]
        checks.append((f"company refresh ≤ 0.2 × openpyxl load+save ({ours['total'] / base['total']:.3f})",
                       ours["total"] <= 0.2 * base["total"]))
        checks.append((f"company peak RSS ≤ 600 MB ({ours['rss_mb']:.0f} MB)", ours["rss_mb"] <= 600))
    if "rep" in by:
        t = by["rep"][4]["total"]
        checks.append((f"rep refresh well under a second ({t:.2f}s)", t < 0.8))
    if "10k" in by and "company" in by:
        a = by["10k"][4]["total"] / by["10k"][1]
        b = by["company"][4]["total"] / by["company"][1]
        checks.append((f"linear: per-customer cost 10k → 50k × {b / a:.2f}", b / a < 1.3))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")


if __name__ == "__main__":
    main()
