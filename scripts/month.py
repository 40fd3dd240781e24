#!/usr/bin/env python3
"""A month of calling, as reps live it — a benchmark of the call list's promise, not a test.

    python scripts/month.py                  # 2 reps × 1,000 customers, 22 working days
    python scripts/month.py --reps 3 --per-rep 500 --days 10

The seeds' scenario: each rep holds about 1,000 customers, works 22 days a month, calls 60 a day.
The demo generator builds the workbook (anchored the day before the month starts); then every
working day from the 1st of December 2026:

1. morning: `crm refresh` (the library call the CLI makes) — it harvests yesterday's typed results
   into 联系记录 and writes today's 今日拨打;
2. each rep calls everyone on their list and types a result; for a customer at stage 4–5 the rep
   also types a next call 5–10 working days later (a week or two; "a few days" for a deal in
   motion). The typing is done with openpyxl — another program saving the file, as Excel would.

Printed per rep: coverage (customers called in the month ÷ the book at the start, Denial left
out), planned calls honoured on their day (of the plans typed whose day falls in the month),
customers listed on two consecutive working days without a plan, and calls per customer (max,
share called ≥ 5 times). Targets (issue 10): coverage ≥ 98 %, plans honoured ≥ 98 % while a day's
plans fit the quota, no customer twice in a row without a plan.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addin import jobs  # noqa: E402
from addin.steps import CALLS  # noqa: E402
from addin.build.demo_data import generate  # noqa: E402
from addin.build.workbook import build_workbook  # noqa: E402
from addin.core.workdays import add_working, working_days  # noqa: E402
from addin.io.xlsx_book import XlsxBook  # noqa: E402

START = dt.date(2026, 12, 1)


def refresh(path: Path, day: dt.date) -> jobs.Result:
    book = XlsxBook(path)
    try:
        result = jobs.refresh(book, as_of=day)
        result.loaded.release()
        jobs.apply(book, result.plan)
    finally:
        book.close()
    return result


def read_list(path: Path) -> list[tuple[str, str, str, str]]:
    """(rep, customer ID, stage label, reasons) per row of 今日拨打."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("今日拨打").to_python()
    return [(str(r[1]), str(r[2]), str(r[8] or ""), str(r[11] or "")) for r in rows[2:] if r and r[2]]


def type_results(path: Path, typed: dict[str, tuple[str, dt.date | None]]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    ws = wb["今日拨打"]
    for row in ws.iter_rows(min_row=3):
        cid = row[2].value
        if cid in typed:
            outcome, nxt = typed[cid]
            row[14].value = outcome
            row[15].value = nxt
    wb.save(path)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--per-rep", type=int, default=1000)
    ap.add_argument("--days", type=int, default=22)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--keep", type=Path, help="Also save the final workbook here.")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    days = working_days(START, START + dt.timedelta(days=45))[:args.days]

    tmp = Path(tempfile.mkdtemp())
    path = tmp / "month.xlsm"
    data = generate(args.reps * args.per_rep, as_of=START - dt.timedelta(days=1), seed=7, reps=args.reps)
    build_workbook(path, data=data)
    t0 = time.perf_counter()
    first = refresh(path, days[0])
    people = first.facts[CALLS].people
    book = defaultdict(set)  # rep → customers not Denial at the start
    for c in people:
        if c.heat != "denial":
            book[c.owner].add(c.customer_id)
    owner_of = {c.customer_id: c.owner for c in people}
    quota = first.loaded.settings.daily_quota

    listed: dict[dt.date, dict[str, str]] = {}  # day → customer → reasons
    calls: Counter[str] = Counter()
    plans: list[tuple[str, dt.date, dt.date]] = []  # (customer, typed on, for day)
    plans_due: Counter[tuple[str, dt.date]] = Counter()  # (rep, day) → plans typed for that day
    for n, day in enumerate(days):
        if n:
            refresh(path, day)
        rows = read_list(path)
        listed[day] = {cid: reasons for _, cid, _, reasons in rows}
        typed = {}
        for rep, cid, stage, _ in rows:
            calls[cid] += 1
            nxt = None
            if stage[:1] in ("4", "5"):
                nxt = add_working(day, rng.randint(5, 10))
                plans.append((cid, day, nxt))
                plans_due[(rep, nxt)] += 1
            typed[cid] = ("已联系", nxt)
        type_results(path, typed)
        sizes = Counter(owner_of.get(cid, rep) for rep, cid, _, _ in rows)
        print(f"{day}  " + "  ".join(f"{rep} {sizes.get(rep, 0)}" for rep in sorted(book)), flush=True)
    elapsed = time.perf_counter() - t0

    in_month = [p for p in plans if p[2] <= days[-1]]
    print(f"\n{args.reps} reps × {args.per_rep} customers, {len(days)} working days from {days[0]}, "
          f"quota {quota}/day, {elapsed:.0f}s")
    print(f"{'rep':6} {'book':>5} {'coverage':>9} {'plans honoured':>15} {'twice in a row':>15} "
          f"{'max calls':>9} {'≥5 calls':>9} {'plan days over quota':>21}")
    ok = True
    replaced: dict[str, int] = {}
    for rep in sorted(book):
        mine = book[rep]
        covered = sum(1 for cid in mine if calls[cid])
        # a plan replaced by a newer one typed before its day is the rep's new promise, not a miss
        typed_here = [p for p in in_month if owner_of.get(p[0]) == rep]
        rep_plans = [p for p in typed_here if not any(q[0] == p[0] and p[1] < q[1] < p[2] for q in plans)]
        replaced[rep] = len(typed_here) - len(rep_plans)
        kept = sum(1 for cid, _, d in rep_plans if cid in listed.get(d, {}))
        twice = sum(1 for a, b in zip(days, days[1:]) for cid, reasons in listed[b].items()
                    if owner_of.get(cid) == rep and cid in listed[a] and not reasons.startswith("计划"))
        counts = [calls[cid] for cid in mine]
        over = sum(1 for (r, d), k in plans_due.items() if r == rep and d <= days[-1] and k > quota)
        cov = covered / len(mine)
        honoured = kept / len(rep_plans) if rep_plans else 1.0
        ok &= cov >= 0.98 and honoured >= 0.98 and twice == 0
        print(f"{rep:6} {len(mine):5} {cov:9.1%} {honoured:9.1%} ({kept}/{len(rep_plans)}) {twice:8} "
              f"{max(counts):9} {sum(1 for k in counts if k >= 5) / len(mine):9.1%} {over:21}")
    print("plans replaced by a newer plan before their day (not counted): "
          + ", ".join(f"{rep} {n}" for rep, n in replaced.items()))
    print("PASS" if ok else "FAIL", "coverage ≥ 98 %, plans honoured ≥ 98 %, nobody twice in a row without a plan")
    if args.keep:
        args.keep.write_bytes(path.read_bytes())


if __name__ == "__main__":
    main()
