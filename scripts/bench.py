#!/usr/bin/env python3
"""Benchmark the headless engine against baselines measured in the same run.

    python scripts/bench.py                          # rep, 10k and company scale (several minutes)
    python scripts/bench.py --scales rep --repeat 5  # rep scale, medians of five interleaved runs
    python scripts/bench.py --against HEAD~3         # also the refresh of an earlier commit
    python scripts/bench.py --scales 10k --profile prof.txt   # and a cProfile report of one refresh

For each scale the demo generator builds a workbook; then, each in a fresh process so peak
memory is its own and interleaved so that load on the machine hits every contender alike, it
times (medians over ``--repeat`` rounds):

- the refresh: ``crm refresh``'s work on a copy of the file, split into phases — read,
  validate, each step, rewrite (the input sheets' computed columns, appended rows and
  highlights, streamed), render (the output sheets), zip (the save);
- openpyxl: its bare load + save of the same file (``keep_vba``);
- the floor: python-calamine reading every sheet plus a raw copy of every zip member — what any
  engine that reads the whole workbook and writes a new package pays at least;
- ``--against REV``: the refresh of that commit, run from a temporary ``git worktree`` with the
  same Python (``PYTHONPATH``), so a change is compared with what it replaced in one run.

Printed: the table of totals and ratios, the table of phases, the live engine's calls per
ribbon button (counted on tests/fake_xlwings.py, at rep scale) and the targets of issue 24:
company refresh ≤ 0.12 × openpyxl load + save (stretch 0.08 ×), peak RSS ≤ 600 MB, the
1,000-customer refresh ≤ 0.35 s, cost per customer from 10k to 50k within × 1.1 of linear, and
≤ 10 bulk reads/writes per sheet per button. Needs openpyxl (installed with the test extra).
Absolute seconds depend on the machine and its load: compare ratios measured in one run. On a
machine shared with other work, the CPU seconds of each process (and their ratio, printed too)
move less than wall-clock seconds.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import statistics
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
ROOT = Path(__file__).resolve().parent.parent
WRITE_PHASES = ("rewrite", "render", "zip")


def peak_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


# ------------------------------------------------------------------ children (one process each)
def child_refresh(path: str, profile: str | None = None) -> dict:
    import inspect

    import addin
    from addin import jobs
    from addin.io.xlsx_book import XlsxBook

    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile()
        prof.enable()
    t0, c0 = time.perf_counter(), time.process_time()
    book = XlsxBook(path)
    opened = time.perf_counter() - t0
    result = jobs.refresh(book, as_of=AS_OF)
    result.loaded.release()
    t1 = time.perf_counter()
    write: dict[str, float] = {}
    if "timings" in inspect.signature(jobs.apply).parameters:  # an earlier commit (--against) may lack it
        jobs.apply(book, result.plan, timings=write)
    else:
        jobs.apply(book, result.plan)
    t2 = time.perf_counter()
    if prof is not None:
        prof.disable()
        write_profile(prof, profile, t2 - t0)  # type: ignore[arg-type]
    phases = dict(result.timings)
    phases["read"] = phases.get("read", 0.0) + opened  # opening the package is part of reading
    steps = dict(getattr(result, "step_timings", {}))
    phases.update({f"step {k}": v for k, v in steps.items()})
    if steps:
        phases.pop("compute", None)
    phases.update(write or {"write": t2 - t1})
    return {"total": t2 - t0, "cpu": time.process_time() - c0, "phases": phases, "rss_mb": peak_mb(),
            "errors": result.errors,
            "code": str(Path(addin.__file__).resolve().parent.parent)}


def write_profile(prof, out: str, seconds: float) -> None:
    import io
    import pstats

    buf = io.StringIO()
    buf.write(f"cProfile of one refresh ({seconds:.2f} s profiled)\n\n")
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(40)
    stats.sort_stats("cumulative").print_stats(60)
    Path(out).write_text(buf.getvalue(), encoding="utf-8")


def child_openpyxl(path: str) -> dict:
    import openpyxl

    t0, c0 = time.perf_counter(), time.process_time()
    wb = openpyxl.load_workbook(path, keep_vba=True)
    t1 = time.perf_counter()
    wb.save(path + ".openpyxl.xlsm")
    t2 = time.perf_counter()
    return {"total": t2 - t0, "cpu": time.process_time() - c0, "load": t1 - t0, "save": t2 - t1, "rss_mb": peak_mb()}


def child_floor(path: str) -> dict:
    """calamine reads every sheet's cells; every zip member is copied as compressed bytes."""
    import io
    import zipfile

    from python_calamine import CalamineWorkbook

    from addin.io.zip_parts import copy_raw, finish

    t0, c0 = time.perf_counter(), time.process_time()
    data = Path(path).read_bytes()
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    cells = 0
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).iter_rows():
            cells += len(row)
    t1 = time.perf_counter()
    src = io.BytesIO(data)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path + ".floor.xlsm", "w") as dst:
        for info in zin.infolist():
            copy_raw(src, info, dst)
        finish(dst)
    t2 = time.perf_counter()
    return {"total": t2 - t0, "cpu": time.process_time() - c0, "read": t1 - t0, "copy": t2 - t1, "cells": cells,
            "rss_mb": peak_mb()}


def child_live(path: str) -> dict:
    """Calls each ribbon button makes on the fake xlwings (see tests/fake_xlwings.py)."""
    sys.path.insert(0, str(ROOT))
    try:
        from tests.fake_xlwings import count_button_calls  # the fake lives with the tests
    except ImportError:  # an earlier commit's fake cannot count
        return {"buttons": {}}
    return {"buttons": count_button_calls(path, AS_OF)}


CHILDREN = {"refresh": child_refresh, "openpyxl": child_openpyxl, "floor": child_floor, "live": child_live}


def run_child(kind: str, path: Path, code: Path | None = None, profile: str | None = None) -> dict:
    env = dict(os.environ)
    if code is not None:  # an earlier commit's code first on the path
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    cmd = [sys.executable, __file__, "--child", kind, str(path)] + (["--profile", profile] if profile else [])
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(code or ROOT))
    if out.returncode:
        sys.exit(f"bench: the {kind} run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------- the parent
def build(scale: str, folder: Path) -> tuple[Path, float]:
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    customers, funnel, contacts, invoices, surveys = SCALES[scale]
    t0 = time.perf_counter()
    data = generate(customers, as_of=AS_OF, seed=1, funnel=funnel, contacts=contacts, invoices=invoices,
                    surveys=surveys)
    path = build_workbook(folder / f"bench-{scale}.xlsm", data=data)
    return path, time.perf_counter() - t0


def worktree_of(rev: str, folder: Path) -> Path:
    where = folder / "against"
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-q", str(where), rev], check=True)
    return where


def median_run(runs: list[dict]) -> dict:
    """Medians of totals, phases and RSS over interleaved runs."""
    out = dict(runs[len(runs) // 2])
    out["total"] = statistics.median(r["total"] for r in runs)
    if all("cpu" in r for r in runs):
        out["cpu"] = statistics.median(r["cpu"] for r in runs)
    out["rss_mb"] = max(r["rss_mb"] for r in runs)
    if "phases" in out:
        keys = dict.fromkeys(k for r in runs for k in r["phases"])
        out["phases"] = {k: statistics.median(r["phases"].get(k, 0.0) for r in runs) for k in keys}
    out["runs"] = [r["total"] for r in runs]
    return out


def measure(path: Path, repeat: int, against: Path | None, openpyxl: bool) -> dict[str, dict]:
    runs: dict[str, list[dict]] = {"refresh": [], "floor": []}
    if openpyxl:
        runs["openpyxl"] = []
    if against is not None:
        runs["against"] = []
    for _ in range(repeat):
        for kind in runs:
            copy = path.with_name(f"{path.stem}-{kind}.xlsm")
            shutil.copy(path, copy)
            if kind == "against":
                runs[kind].append(run_child("refresh", copy, code=against))
            else:
                runs[kind].append(run_child(kind, copy))
            copy.unlink()
    return {k: median_run(v) for k, v in runs.items()}


def fmt_ratio(a: float, b: float | None) -> str:
    return f"{a / b:.3f}" if b else "—"


def print_tables(rows: list[tuple[str, int, float, dict[str, dict]]], against: str | None) -> None:
    print()
    head = (f"{'scale':<8} {'customers':>9} {'file MB':>7} {'refresh s':>9} {'openpyxl s':>10} {'ratio':>6} "
            f"{'floor s':>7} {'floor×':>6}")
    if against:
        head += f" {'against s':>9} {'new/old':>7} {'CPU new/old':>11}"
    head += f" {'RSS MB':>6} {'openpyxl RSS':>12} {'µs/customer':>11} {'CPU s':>6} {'CPU ratio':>9}"
    print(head)
    for scale, n, size, m in rows:
        ours, base, floor = m["refresh"], m.get("openpyxl"), m["floor"]
        b = base["total"] if base else None
        line = (f"{scale:<8} {n:>9,} {size:>7.1f} {ours['total']:>9.2f} {(b or 0):>10.2f} "
                f"{fmt_ratio(ours['total'], b):>6} {floor['total']:>7.2f} {fmt_ratio(floor['total'], b):>6}")
        if against:
            old = m["against"]["total"]
            line += (f" {old:>9.2f} {ours['total'] / old:>7.3f} "
                     f"{fmt_ratio(ours.get('cpu', 0), m['against'].get('cpu')):>11}")
        line += (f" {ours['rss_mb']:>6.0f} {(base['rss_mb'] if base else 0):>12.0f} "
                 f"{ours['total'] / n * 1e6:>11.1f} {ours.get('cpu', 0):>6.2f} "
                 f"{fmt_ratio(ours.get('cpu', 0), base.get('cpu') if base else None):>9}")
        print(line)
    print()
    for label, kind in (("this commit", "refresh"), (f"against {against}", "against")):
        if kind == "against" and not against:
            continue
        keys = list(dict.fromkeys(k for *_, m in rows for k in m[kind]["phases"]))
        print(f"phases, seconds ({label}):")
        print(f"{'scale':<8} " + " ".join(f"{k.replace('step ', ''):>9}" for k in keys))
        for scale, _, _, m in rows:
            p = m[kind]["phases"]
            print(f"{scale:<8} " + " ".join(f"{p[k]:>9.2f}" if k in p else f"{'':>9}" for k in keys))
        print()


def print_live(counts: dict[str, dict[str, dict[str, int]]]) -> list[tuple[str, bool]]:
    print("live engine (fake xlwings, rep scale), calls per click — sheet reads/writes/other (formats, merges,")
    print("conditional formats, charts); every other sheet is read once or twice and not written:")
    worst = 0
    for button, sheets in counts.items():
        worst = max([worst] + [c["read"] + c["write"] for c in sheets.values()])
        busy = {s: c for s, c in sheets.items() if c["write"] or c["other"]}
        cells = ", ".join(f"{s} {c['read']}/{c['write']}/{c['other']}" for s, c in busy.items())
        most = max((c["read"] + c["write"] for c in sheets.values()), default=0)
        print(f"  {button:<13} most per sheet {most:>2}; {cells}")
    print()
    return [(f"live: ≤ 10 bulk reads/writes per sheet per button (most {worst})", worst <= 10)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scales", default="rep,10k,company")
    ap.add_argument("--repeat", type=int, default=1, help="interleaved rounds per scale; medians are printed")
    ap.add_argument("--against", metavar="REV", help="also time the refresh of this commit (git worktree)")
    ap.add_argument("--profile", metavar="FILE", help="write a cProfile report of one refresh of the last scale")
    ap.add_argument("--no-openpyxl", action="store_true", help="skip the (slow) openpyxl baseline")
    ap.add_argument("--no-live", action="store_true", help="skip the live engine's call counts")
    ap.add_argument("--child", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, path = args.child
        result = child_refresh(path, args.profile) if kind == "refresh" else CHILDREN[kind](path)
        print(json.dumps(result))
        return

    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    folder = Path(tempfile.mkdtemp(prefix="crm-bench-"))
    rows = []
    against = worktree_of(args.against, folder) if args.against else None
    live = None
    try:
        for scale in scales:
            path, built = build(scale, folder)
            size = path.stat().st_size / 1e6
            m = measure(path, args.repeat, against, not args.no_openpyxl)
            rows.append((scale, SCALES[scale][0], size, m))
            base = m.get("openpyxl", {}).get("total")
            print(f"[{scale}] built in {built:.1f}s ({size:.1f} MB); refresh {m['refresh']['total']:.2f}s "
                  f"(runs {', '.join(f'{t:.2f}' for t in m['refresh']['runs'])}), openpyxl load+save "
                  f"{base or 0:.2f}s, floor {m['floor']['total']:.2f}s"
                  + (f", {args.against} {m['against']['total']:.2f}s" if against else ""), flush=True)
            if scale == "rep" and not args.no_live:
                live = run_child("live", path)["buttons"]
            if args.profile and scale == scales[-1]:
                copy = path.with_name(path.stem + "-profile.xlsm")
                shutil.copy(path, copy)
                run_child("refresh", copy, profile=str(Path(args.profile).resolve()))
            path.unlink()
    finally:
        if against is not None:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(against)], check=False)
        shutil.rmtree(folder, ignore_errors=True)

    print_tables(rows, args.against)
    checks = print_live(live) if live else []
    by = {r[0]: r for r in rows}
    if "company" in by and "openpyxl" in by["company"][3]:
        ours, base = by["company"][3]["refresh"], by["company"][3]["openpyxl"]
        ratio = ours["total"] / base["total"]
        checks.append((f"company refresh ≤ 0.12 × openpyxl load+save ({ratio:.3f})", ratio <= 0.12))
        checks.append((f"stretch: company refresh ≤ 0.08 × openpyxl load+save ({ratio:.3f})", ratio <= 0.08))
    if "company" in by:
        rss = by["company"][3]["refresh"]["rss_mb"]
        checks.append((f"company peak RSS ≤ 600 MB ({rss:.0f} MB)", rss <= 600))
    if "rep" in by:
        t = by["rep"][3]["refresh"]["total"]
        checks.append((f"1,000-customer refresh ≤ 0.35 s ({t:.2f}s)", t <= 0.35))
    if "10k" in by and "company" in by:
        a = by["10k"][3]["refresh"]["total"] / by["10k"][1]
        b = by["company"][3]["refresh"]["total"] / by["company"][1]
        checks.append((f"linear: per-customer cost 10k → 50k × {b / a:.2f} (≤ 1.1)", b / a <= 1.1))
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    if args.profile:
        print(f"\nprofile: {args.profile}")


if __name__ == "__main__":
    main()
