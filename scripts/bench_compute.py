#!/usr/bin/env python3
"""Per-row Python or pandas for the aging roll-up? Measured, not guessed (issue 24, item 5).

    python scripts/bench_compute.py              # 10,000 customers, 30,000 invoices
    python scripts/bench_compute.py --n 50000    # company scale: 150,000 invoices (builds for minutes)

The demo generator builds a workbook; the loader reads it and the aging step builds the ledger as
of the date (what both candidates start from: ``core.ledger.Item`` named tuples). Then, best of
``--repeat`` runs in CPU seconds:

- loop: ``core.aging.aging`` — one pass over the items, per customer, per 承办人 and in total:
  outstanding, not due, the buckets, overdue, credits, oldest days, allowance; DSO and the
  8-week forecast (what the refresh runs);
- pandas: the same per-customer figures as a DataFrame built from the items plus groupby sums
  (``np.searchsorted`` for the buckets and recovery rates) — counted with building the frame, which
  a columnar core would have to pay as long as the ledger is made of rows;
- pandas (frame ready): the groupby alone, as if the ledger were columnar already.

Both are checked to agree to the cent on every customer's outstanding balance, buckets and
allowance. Printed: seconds and the ratio to the loop.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

AS_OF = dt.date(2026, 11, 24)


def ledger(n: int, folder: Path):
    from addin import jobs
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook
    from addin.io.xlsx_book import XlsxBook
    from addin.steps import AGING
    from addin.steps.aging import parties

    data = generate(n, as_of=AS_OF, seed=1, funnel=n, contacts=3 * n, invoices=3 * n, surveys=200)
    path = build_workbook(folder / "bench.xlsm", data=data)
    result = jobs.refresh(XlsxBook(path, writable=False), as_of=AS_OF, steps=(AGING,))
    return result.facts[AGING].items, parties(result.loaded), result.loaded.settings


def frame(items):
    import pandas as pd

    live = [i for i in items if i.open != 0]
    return pd.DataFrame({
        "cid": [i.invoice.customer_id for i in live],
        "open": [i.open for i in live],
        "days": [i.days_overdue for i in live],
        "age": [i.age for i in live],
    })


def rollup(df, s):
    import numpy as np
    import pandas as pd

    bounds = np.asarray(s.aging_buckets)
    debit = df["open"] > 0
    key = df["age"] if s.aging_basis == "invoice" else df["days"]
    lo = (key >= 0) if s.aging_basis == "invoice" else (key > 0)
    bucket = np.where(debit & lo, np.searchsorted(bounds, key, side="left"), -1)
    rate_bounds = np.asarray([b if b is not None else np.iinfo(np.int64).max for b, _ in s.recovery_rates])
    rates = np.asarray([r for _, r in s.recovery_rates])
    rate = np.where(df["days"] > 0, rates[np.minimum(np.searchsorted(rate_bounds, df["days"], side="left"),
                                                     len(rates) - 1)], 1.0)
    out = pd.DataFrame({"cid": df["cid"], "open": df["open"],
                        "overdue": df["open"].where(debit & (df["days"] > 0), 0.0),
                        "not_due": df["open"].where(debit & (df["days"] <= 0), 0.0),
                        "credits": df["open"].where(~debit, 0.0),
                        "allowance": (df["open"] * (1 - rate)).where(debit, 0.0),
                        "max_days": df["days"].where(debit & (df["days"] > 0), 0)})
    g = out.groupby("cid", sort=False)
    sums = g[["open", "overdue", "not_due", "credits", "allowance"]].sum()
    sums["max_days"] = g["max_days"].max()
    buckets = (pd.DataFrame({"cid": df["cid"], "b": bucket, "open": df["open"]})[bucket >= 0]
               .pivot_table(index="cid", columns="b", values="open", aggfunc="sum", fill_value=0.0))
    return sums.round(2), buckets.round(2)


def best(fn, repeat: int) -> tuple[float, object]:
    t, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        t = min(t, time.process_time() - t0)
    return t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="customers (invoices: three per customer)")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    from addin.core.aging import aging

    folder = Path(tempfile.mkdtemp(prefix="crm-bench-compute-"))
    try:
        items, parties, s = ledger(args.n, folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    loop_s, report = best(lambda: aging(items, parties, AS_OF, s), args.repeat)
    pandas_s, (sums, buckets) = best(lambda: rollup(frame(items), s), args.repeat)
    df = frame(items)
    ready_s, _ = best(lambda: rollup(df, s), args.repeat)
    # the same figures, to the cent
    for c in report.customers:
        row = sums.loc[c.customer_id]
        assert abs(row["open"] - c.outstanding) < 0.005, (c.customer_id, row["open"], c.outstanding)
        assert abs(row["allowance"] - c.allowance) < 0.005, (c.customer_id, row["allowance"], c.allowance)
        got = buckets.loc[c.customer_id] if c.customer_id in buckets.index else None
        for b, v in enumerate(c.buckets):
            w = float(got[b]) if got is not None and b in got.index else 0.0
            assert abs(w - v) < 0.005, (c.customer_id, b, w, v)
    print(f"aging roll-up of {len(items):,} invoices ({len(report.customers):,} customers with a balance), "
          f"CPU seconds, best of {args.repeat}:")
    print(f"{'candidate':<26} {'seconds':>8} {'× loop':>7}")
    for name, t in (("loop (core.aging.aging)", loop_s), ("pandas, frame built", pandas_s),
                    ("pandas, frame ready", ready_s)):
        print(f"{name:<26} {t:>8.3f} {t / loop_s:>7.2f}")
    print("(the loop also makes the per-承办人 rows, the total, DSO and the 8-week forecast; pandas only the "
          "per-customer figures)")


if __name__ == "__main__":
    main()
