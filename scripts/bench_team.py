"""Benchmark the manager's view: collect 50 reps' workbooks of 1,000 customers, collect them again
unchanged and after one changed, and build the team workbook.

    python scripts/bench_team.py [--books 50] [--customers 1000] [--db URL] [--dir FOLDER]

The workbooks are generated once into FOLDER (default /tmp/crm-bench-team) and reused; the
database is SQLite in that folder unless --db names another (it must be empty).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addin.build.demo_data import generate  # noqa: E402
from addin.build.workbook import build_workbook  # noqa: E402
from addin.team.collect import collect  # noqa: E402
from addin.team.db import open_db  # noqa: E402
from addin.team.manager import build  # noqa: E402

AS_OF = dt.date(2026, 11, 24)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"


def rep_name(k: int) -> str:
    return f"{SURNAMES[k % len(SURNAMES)]}{'一二三四五六七八九十'[k // len(SURNAMES) % 10]}号"


def make_book(args: tuple[Path, int, int, int, float | None]) -> Path:
    path, k, books, n, bump = args
    data = generate(n, as_of=AS_OF, seed=100 + k)
    rep = rep_name(k)
    prefix = f"R{k:02d}-"
    ids = {c["customer_id"]: prefix + c["customer_id"] for c in data["customers"]}
    for i, c in enumerate(data["customers"]):
        c["customer_id"] = ids[c["customer_id"]]
        c["owner"] = rep
        # the generator draws names from a small pool; reps' real customers have their own names
        c["name"] = c["name"].replace("有限公司", f"{prefix}{i}号有限公司")
        if i < 3 and k:  # a few customers claimed by the previous rep too: the disputes to find
            c["name"] = f"争议客户{k - 1}-{i}有限公司"
    if k + 1 < books:
        for i in range(3):
            data["customers"][500 + i]["name"] = f"争议客户{k}-{i}有限公司"
    for key in ("funnel", "contacts", "survey", "receivables"):
        for row in data[key]:
            row["customer_id"] = ids[row["customer_id"]]
            if "owner" in row:
                row["owner"] = rep
    for row in data["receivables"]:
        row["invoice_no"] = prefix + row["invoice_no"]
    if bump is not None:
        data["customers"][0]["annual_sales"] = bump
    return build_workbook(path, data=data, settings={"as_of": AS_OF})


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--books", type=int, default=50)
    ap.add_argument("--customers", type=int, default=1000)
    ap.add_argument("--db", default=None)
    ap.add_argument("--dir", type=Path, default=Path("/tmp/crm-bench-team"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args()
    folder = a.dir / f"{a.books}x{a.customers}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"rep{k:02d}.xlsx" for k in range(a.books)]
    missing = [(p, k, a.books, a.customers, None) for k, p in enumerate(paths) if not p.exists()]
    if missing:
        t = time.perf_counter()
        with ProcessPoolExecutor(a.jobs) as pool:
            list(pool.map(make_book, missing))
        print(f"generated {len(missing)} workbooks in {time.perf_counter() - t:.1f}s")
    size = sum(p.stat().st_size for p in paths) / 1e6
    url = a.db or str(a.dir / "bench-team.sqlite")
    if a.db is None:
        for suffix in ("", "-wal", "-shm"):
            Path(url + suffix).unlink(missing_ok=True)
    print(f"{a.books} workbooks × {a.customers} customers ({size:.0f} MB), database {url.split('?')[0]}, "
          f"{a.jobs} processes, {os.cpu_count()} CPUs")

    engine = open_db(url)
    t = time.perf_counter()
    report = collect(engine, paths, workers=a.jobs)
    first = time.perf_counter() - t
    print(f"collect (all new):       {first:6.1f}s  {report.count('collected')} collected  "
          f"({first / a.books:.2f}s per workbook; target < 60 s)")
    t = time.perf_counter()
    report = collect(engine, paths, workers=a.jobs)
    print(f"collect (all unchanged): {time.perf_counter() - t:6.2f}s  {report.count('unchanged')} unchanged")
    original = paths[7].read_bytes()
    try:
        make_book((paths[7], 7, a.books, a.customers, 987654.0))
        t = time.perf_counter()
        report = collect(engine, paths, workers=a.jobs)
        print(f"collect (one changed):   {time.perf_counter() - t:6.2f}s  {report.count('collected')} collected, "
              f"{report.count('unchanged')} unchanged")
    finally:
        paths[7].write_bytes(original)
    out = a.dir / "team.xlsx"
    t = time.perf_counter()
    facts = build(engine, out)
    print(f"team workbook:           {time.perf_counter() - t:6.2f}s  {len(facts.reps)} reps, "
          f"{len(facts.disputes)} disputes → {out}")
    with engine.connect() as conn:
        from sqlalchemy import func, select

        from addin.team import schema as T

        counts = {t.name: conn.execute(select(func.count()).select_from(t)).scalar()
                  for t in (T.customers, T.funnel, T.contacts, T.invoices, T.snapshots)}
    print("rows: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    engine.dispose()


if __name__ == "__main__":
    main()
