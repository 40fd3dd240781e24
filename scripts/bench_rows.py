#!/usr/bin/env python3
"""Which row type carries a sheet's rows through the core? Measured, not guessed (issue 9.4).

    python scripts/bench_rows.py            # company scale: 50,000 customers
    python scripts/bench_rows.py --n 1000   # rep scale

The demo generator builds the customer card sheet; the loader parses it once into columns
(what every candidate starts from). Each candidate then builds one record per row and the
core's access pattern reads it (grading + call priorities read about eight fields a row):

- dict: today's ``Table.records`` (key lookups, ``_i``/``_row`` keys)
- dataclass: a frozen, slotted dataclass generated from ``sheets_schema`` (attribute access)
- record: ``sheets_schema.records`` as ``Table.records`` builds it — a named tuple with the
  column keys as fields (what was chosen)
- pydantic construct: the generated pydantic model, ``model_construct`` (no validation)
- pydantic validate: the generated pydantic model, ``model_validate`` (validates again what
  the reader already parsed)
- pandas: a DataFrame carried through a Python loop (``itertuples``)

Printed: seconds to build, seconds to read, MB of the records, and the ratio of build + read to
the dict baseline measured in the same run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import gc
import sys
import time
import tracemalloc
from dataclasses import make_dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sheets_schema as S  # noqa: E402
from addin.build.demo_data import generate  # noqa: E402
from addin.table import read_table  # noqa: E402
from sheets_schema.records import record_type  # noqa: E402

FIELDS = ("customer_id", "owner", "annual_sales", "gross_margin", "payment_terms", "credit_limit",
          "region", "created")


def pydantic_model(spec):
    """The frozen pydantic model the project generated per sheet until the records replaced it."""
    from typing import Any

    from pydantic import BaseModel, ConfigDict, create_model

    class Row(BaseModel):
        model_config = ConfigDict(frozen=True, extra="ignore")

    return create_model(spec.key.title() + "Row", __base__=Row,
                        **{c.key: (Any | None, None) for c in spec.columns})


def table(n: int):
    data = generate(n, as_of=dt.date(2026, 11, 24), seed=7)["customers"]
    spec = S.CUSTOMERS
    header = [c.zh for c in spec.columns if not c.computed]
    keys = [c.key for c in spec.columns if not c.computed]
    grid = [header] + [[row.get(k) for k in keys] for row in data]
    return read_table(grid, spec, "客户卡", "zh")


def measure(label: str, build, read, rounds: int = 3) -> tuple[float, float, float]:
    best_b = best_r = float("inf")
    mem = 0.0
    for _ in range(rounds):
        gc.collect()
        t0 = time.perf_counter()
        recs = build()
        t1 = time.perf_counter()
        t2 = time.perf_counter()
        read(recs)
        t3 = time.perf_counter()
        best_b, best_r = min(best_b, t1 - t0), min(best_r, t3 - t2)
        del recs
    gc.collect()
    tracemalloc.start()  # a separate build for memory: tracing slows allocation several fold
    recs = build()
    mem = tracemalloc.get_traced_memory()[0] / 2**20
    tracemalloc.stop()
    del recs
    return best_b, best_r, mem


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=50_000)
    args = ap.parse_args()
    t = table(args.n)
    keys = [c.key for c in t.spec.columns]
    n = len(t.rows)
    cols = [t.values.get(k) or [None] * n for k in keys]
    Rec = record_type(t.spec)
    Model = pydantic_model(t.spec)
    DC = make_dataclass("CustomerDataclass", [*keys, "i", "row"], frozen=True, slots=True)

    def by_dict():
        out = []
        for i, vals in enumerate(zip(*cols)):
            d = dict(zip(keys, vals))
            d["_i"] = i
            d["_row"] = t.rows[i]
            out.append(d)
        return out

    def read_dict(recs):
        s = 0
        for r in recs:
            for f in FIELDS:
                if r[f] is not None:
                    s += 1
        return s

    def by_dataclass():
        return [DC(*vals, i, r) for i, (r, *vals) in enumerate(zip(t.rows, *cols))]

    def read_attr(recs):
        s = 0
        for r in recs:
            for f in FIELDS:
                if getattr(r, f) is not None:
                    s += 1
        return s

    def read_attr_direct(recs):  # how core code reads it: r.customer_id, r.owner, ...
        s = 0
        for r in recs:
            s += (r.customer_id is not None) + (r.owner is not None) + (r.annual_sales is not None) + \
                (r.gross_margin is not None) + (r.payment_terms is not None) + \
                (r.credit_limit is not None) + (r.region is not None) + (r.created is not None)
        return s

    def by_record():
        return t.records()

    def by_construct():
        return [Model.model_construct(**dict(zip(keys, vals))) for vals in zip(*cols)]

    def by_validate():
        return [Model.model_validate(dict(zip(keys, vals))) for vals in zip(*cols)]

    def by_pandas():
        import pandas as pd
        return pd.DataFrame({k: c for k, c in zip(keys, cols)}, dtype=object)

    def read_pandas(df):
        s = 0
        for r in df[list(FIELDS)].itertuples(index=False):
            for v in r:
                if v is not None:
                    s += 1
        return s

    assert read_dict(by_dict()) == read_attr(by_dataclass()) == read_attr_direct(by_dataclass()) \
        == read_pandas(by_pandas()), "candidates disagree"
    assert Rec is type(by_record()[0]) and read_attr_direct(by_record()) == read_dict(by_dict())
    rows = [
        ("dict", by_dict, read_dict),
        ("dataclass (getattr)", by_dataclass, read_attr),
        ("dataclass (r.field)", by_dataclass, read_attr_direct),
        ("record (r.field)", by_record, read_attr_direct),
        ("pydantic construct", by_construct, read_attr_direct),
        ("pydantic validate", by_validate, read_attr_direct),
        ("pandas itertuples", by_pandas, read_pandas),
    ]
    print(f"{n:,} customer rows × {len(keys)} columns; build + read {len(FIELDS)} fields a row (best of 3)")
    print(f"{'candidate':22} {'build s':>8} {'read s':>8} {'MB':>7} {'× dict':>7}")
    base = None
    for label, build, read in rows:
        b, r, mem = measure(label, build, read, rounds=1 if "validate" in label else 3)
        base = base or (b + r)
        print(f"{label:22} {b:8.3f} {r:8.3f} {mem:7.1f} {(b + r) / base:7.2f}")


if __name__ == "__main__":
    main()
