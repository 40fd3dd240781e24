#!/usr/bin/env python3
"""A month of calling, as reps live it — a benchmark of the call list's judgement, not a test.

    python scripts/month.py                          # every variant, full size (slow: minutes each)
    python scripts/month.py --variants a,h --scale 0.25   # quick: books and quota a quarter the size

The seeds' scenario: each rep holds about 1,000 customers, works 22 days a month, calls 60 a day.
The demo generator builds the workbook (anchored the day before the month starts); then every
working day of the month (the Chinese calendar: 国庆 in October):

1. morning: `crm refresh` (the library call the CLI makes) — it harvests yesterday's typed results
   into 联系记录 and writes today's 今日拨打;
2. each rep works down the list and types a result (已沟通, or 未接通 in variant h); for a customer
   at stage 4–5 the rep also types a next call 5–10 working days later, and for the others as
   often and as far out as they did in the last 4 weeks of 联系记录 (what `crm plan` assumes; the
   demo's history is rewritten so that its last 4 weeks plan deals the same way — reps who behave
   in the month as in their history). The typing is done with openpyxl — another program saving
   the file, as Excel would. Calls a rep does not make are left blank (undone), which the next
   refresh reads as the rep's pace (the core engine hands the same pace to the scheduler).

Variants (issue 21): base 2 × 1,000; (a) books 600 / 1,000 / 1,400; (b) 45 of 60 calls made;
(c) the first rep absent 3 days; (d) 150 new customers for the first rep on day 10; (e) a third of
stage 4–5 replanned 1–3 working days out; (f) first refresh on the 3rd working day; (g) October
with 国庆; (h) 20 % of calls 未接通 (a change the history does not show); (i) the same 20 %, as in the
last 4 weeks of 联系记录 (which `crm plan` counts).

Printed per variant and rep: coverage by grade (customers reached in the month ÷ the book, Denial
left out; reached-by-attempt counts), plans kept on their day (of the plans typed whose day falls
in the month and that no newer plan replaced), the most calls to one customer and the most not
asked for by a plan, attempts (unanswered calls) against customers reached, the load — (book +
the calls the rep's own plans asked for again + the calls nobody answered) ÷ calls made: above 100 %
the book does not fit the month whatever the list does, since plans are kept — and `crm plan`'s day-1 forecast of the month's
coverage against the month's end. Targets: every A reached where the A
customers fit the month; coverage ≥ 98 % where the book fits; no customer above 8 calls without a
plan asking for each; the forecast within 3 points.
"""
from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from addin import jobs  # noqa: E402
from addin.build.demo_data import generate  # noqa: E402
from addin.build.workbook import build_workbook  # noqa: E402
from addin.core.calls import DEAL_STAGES, Customer, answered_of, pace_of, project, schedule  # noqa: E402
from addin.core.workdays import OFFICIAL, add_working, month_end, working_days  # noqa: E402
from addin.io.xlsx_book import XlsxBook  # noqa: E402
from addin.steps import CALLS  # noqa: E402

DECEMBER = dt.date(2026, 12, 1)


@dataclass(frozen=True)
class Variant:
    key: str
    label: str
    books: tuple[int, ...] = (1000, 1000)
    start: dt.date = DECEMBER
    made: int | None = None  # calls made of each day's list (None: all)
    absent: tuple[int, ...] = ()  # working-day indexes the first rep is away
    new_on: tuple[int, int] | None = None  # (day index, customers) added to the first rep's book
    short_plans: float = 0.0  # share of stage 4–5 calls replanned 1–3 working days out
    first_day: int = 0  # index of the first working day the list is refreshed and worked
    no_answer: float = 0.0  # share of calls nobody answers
    steady: bool = False  # the unanswered share was the same in the last 4 weeks (in 联系记录)


VARIANTS = {v.key: v for v in (
    Variant("base", "2 × 1,000, quota 60"),
    Variant("a", "books 600 / 1,000 / 1,400", books=(600, 1000, 1400)),
    Variant("b", "45 of 60 calls made", made=45),
    Variant("c", "first rep absent 3 days", absent=(5, 6, 7)),
    Variant("d", "150 new customers on day 10", new_on=(9, 150)),
    Variant("e", "⅓ of stage 4–5 replanned 1–3 days", short_plans=1 / 3),
    Variant("f", "first refresh on the 3rd working day", first_day=2),
    Variant("g", "October with 国庆", start=dt.date(2026, 10, 1)),
    Variant("h", "20 % of calls 未接通", no_answer=0.2),
    Variant("i", "20 % 未接通, as in the last 4 weeks", no_answer=0.2, steady=True),
)}


class Planner:
    """One rep's planning in the month, as in the 4 weeks before it (the habit `crm plan` counts):
    a deal at stage 4–5 always gets a next call, 5–10 working days out (1–3 for a share in variant
    e: the one change from the history); any other call as far out as the rep planned the other
    customers' calls, and whenever the rep's plans for them fall behind the rate of those 4 weeks.
    (The rate for the others is their own rate in the history: worked out from the book's share of
    deals instead, it made the reps plan 52 % of their calls against 47–49 % in their history,
    because deals take a larger share of the calls than of the book.)"""

    def __init__(self, habit) -> None:
        self.rate, self.lags = habit.of(None) if habit is not None else (0.0, ())
        self.calls = self.plans = 0

    def lag(self, rng: random.Random, v: Variant, stage: str | None) -> int:
        """Working days to the next call typed after reaching a customer (0: none)."""
        if stage in DEAL_STAGES:
            return rng.randint(1, 3) if rng.random() < v.short_plans else rng.randint(5, 10)
        self.calls += 1
        if self.lags and self.plans < self.rate * self.calls:
            self.plans += 1
            return rng.choice(self.lags)
        return 0


def deal_history(data: dict, start: dt.date, seed: int, no_answer: float = 0.0) -> None:
    """The reps' last 4 weeks as they will work the month: every contact with a deal at stage 4–5
    got a next call 5–10 working days out (the demo's history plans half of its recent contacts
    3–30 days out, deals or not). `crm plan` learns the habit from these rows; a month that followed
    another habit than its history would measure the simulation, not the forecast."""
    rng = random.Random(seed)
    deals = {f["customer_id"] for f in data["funnel"] if str(f["stage"]) in DEAL_STAGES}
    since = start - dt.timedelta(weeks=4)
    for row in data["contacts"]:
        d = row["date"]
        if not (isinstance(d, dt.date) and since <= d < start):
            continue
        if rng.random() < no_answer:  # variant i: nobody answered, as in the month
            row["outcome"], row["next_call"] = "未接通", None
        elif row["customer_id"] in deals:
            row["next_call"] = add_working(d, rng.randint(5, 10))


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
    head = [str(v) for v in rows[1]]
    col = {h: i for i, h in enumerate(head)}
    return [(str(r[col["业务员"]]), str(r[col["客户编号"]]), str(r[col["销售进程"]] or ""), str(r[col["优先原因"]] or ""))
            for r in rows[2:] if r and r[col["客户编号"]]]


def type_results(path: Path, typed: dict[str, tuple[str, dt.date | None]], new: list[dict] = ()) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    ws = wb["今日拨打"]
    head = {c.value: i for i, c in enumerate(ws[2])}
    for row in ws.iter_rows(min_row=3):
        cid = row[head["客户编号"]].value
        if cid in typed:
            outcome, nxt = typed[cid]
            row[head["结果"]].value = outcome
            row[head["下次拨打"]].value = nxt
    if new:
        cs = wb["客户资料卡"]
        chead = {c.value: i + 1 for i, c in enumerate(cs[1])}
        r = cs.max_row + 1
        for k, c in enumerate(new):
            for key, label in (("customer_id", "客户编号"), ("name", "客户名称"), ("owner", "业务员"),
                               ("phone", "电话")):
                cs.cell(r + k, chead[label]).value = c[key]
    wb.save(path)


def workbook(v: Variant, scale: float, tmp: Path) -> tuple[Path, int]:
    books = [max(10, round(b * scale)) for b in v.books]
    data = generate(sum(books), as_of=v.start - dt.timedelta(days=1), seed=7, reps=len(books))
    reps = sorted({c["owner"] for c in data["customers"]})
    owner_of, k = {}, 0
    for rep, size in zip(reps, books):  # uneven books: the first `size` customers to each rep
        for c in data["customers"][k:k + size]:
            owner_of[c["customer_id"]] = rep
        k += size
    for rows in data.values():
        for row in rows:
            if "owner" in row and row.get("customer_id") in owner_of:
                row["owner"] = owner_of[row["customer_id"]]
    deal_history(data, v.start, 7, v.no_answer if v.steady else 0.0)
    quota = max(1, round(60 * scale))
    path = tmp / f"month-{v.key}.xlsm"
    build_workbook(path, data=data, settings={"daily_quota": quota})
    return path, quota


def end_of_month(forecast) -> dict[str, float]:
    """Rep → the coverage a projection reaches on its last day."""
    return forecast.days[-1].coverage if forecast.days else {}


def first_day(v: Variant, scale: float, tmp: Path):
    """The month's opening, the same for both engines: the variant's workbook, its working days
    (at most 22), the first refresh, and what crm plan forecast and the reps' habit were that day."""
    path, quota = workbook(v, scale, tmp)
    days = working_days(v.start, month_end(v.start), OFFICIAL)[:22]
    t0 = time.perf_counter()
    first = refresh(path, days[v.first_day])
    facts = first.facts[CALLS]
    forecast = project(list(facts.people), days[v.first_day], first.loaded.settings, None, facts.replan, facts.pace)
    fc = end_of_month(forecast)
    planners = {rep: Planner(facts.replan.get(rep)) for rep in {c.owner for c in facts.people}}
    return path, quota, days, t0, first, facts, planners, fc


def run(v: Variant, scale: float, seed: int, verbose: bool) -> list[dict]:
    rng = random.Random(seed)
    path, quota, days, t0, first, facts, planner, fc = first_day(v, scale, Path(tempfile.mkdtemp()))
    grade_of = {c.customer_id: c.grade for c in facts.people}
    owner_of = {c.customer_id: c.owner for c in facts.people}
    reps = sorted({c.owner for c in facts.people})
    book: dict[str, set] = defaultdict(set)
    for c in facts.people:
        if c.heat != "denial":
            book[c.owner].add(c.customer_id)
    listed: dict[dt.date, dict[str, str]] = {}
    fc2: dict[str, float] = {}
    calls: Counter[str] = Counter()  # calls made (answered or not)
    asked: Counter[str] = Counter()  # calls a plan asked for (listed as 计划今日回访)
    again: Counter[str] = Counter()  # rep → calls a plan asked for to a customer reached earlier in the month
    tries: Counter[str] = Counter()
    reached: set[str] = set()
    plans: list[tuple[str, dt.date, dt.date]] = []
    for n, day in enumerate(days):
        if n < v.first_day:
            continue
        new = []
        if v.new_on and n == v.new_on[0]:
            rep = reps[0]
            for i in range(round(v.new_on[1] * scale)):
                cid = f"N{i:05d}"
                new.append({"customer_id": cid, "name": f"新客户{i}", "owner": rep, "phone": "13800000000"})
                book[rep].add(cid)
                grade_of[cid], owner_of[cid] = "C", rep
            type_results(path, {}, new)
        if n != v.first_day:
            res = refresh(path, day)
            if n == v.first_day + 1:  # crm plan on the second morning: the rep's pace is known
                f2 = res.facts[CALLS]
                fc2 = end_of_month(project(list(f2.people), day, res.loaded.settings, None, f2.replan, f2.pace))
        rows = read_list(path)
        listed[day] = {cid: reasons for _, cid, _, reasons in rows}
        typed = {}
        done: Counter[str] = Counter()
        for rep, cid, stage, reasons in rows:
            rep = owner_of.get(cid, rep)
            if rep == reps[0] and n in v.absent:
                continue
            if v.made is not None and done[rep] >= round(v.made * scale):
                continue
            done[rep] += 1
            calls[cid] += 1
            if reasons.startswith("计划今日回访"):
                asked[cid] += 1
                again[rep] += cid in reached
            if rng.random() < v.no_answer:
                tries[cid] += 1
                typed[cid] = ("未接通", None)
                continue
            reached.add(cid)
            nxt = None
            lag = planner[rep].lag(rng, v, stage[:1])
            if lag:
                nxt = add_working(day, lag)
                plans.append((cid, day, nxt))
            typed[cid] = ("已沟通", nxt)
        type_results(path, typed)
        if verbose:
            print(f"  {v.key} {day} " + " ".join(f"{r} {done.get(r, 0)}" for r in reps), flush=True)
    elapsed = time.perf_counter() - t0
    return stats(v, reps, book, grade_of, owner_of, reached, tries, calls, asked, again, plans, listed, days, quota,
                 fc, fc2, elapsed)


def run_core(v: Variant, scale: float, seed: int, verbose: bool) -> list[dict]:
    """The same month through the scheduler alone (core.calls.schedule on the customers the first
    refresh read, each day's calls applied as the calls step would read them back): the judgement
    without the workbook round trip, fast enough for every variant at full size. Collections stay
    as they were on the first day (no payments arrive)."""
    rng = random.Random(seed)
    path, quota, days, t0, first, facts, planner, fc = first_day(v, scale, Path(tempfile.mkdtemp()))
    s = first.loaded.settings
    pace = dict(facts.pace)
    fc2: dict[str, float] = {}
    state = {c.customer_id: c for c in facts.people}
    reps = sorted({c.owner for c in facts.people})
    book: dict[str, set] = defaultdict(set)
    for c in facts.people:
        if c.heat != "denial":
            book[c.owner].add(c.customer_id)
    calls: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    again: Counter[str] = Counter()
    tries: Counter[str] = Counter()
    reached: set[str] = set()
    listed: dict[dt.date, set[str]] = {}
    plans: list[tuple[str, dt.date, dt.date]] = []
    for n, day in enumerate(days):
        if n < v.first_day:
            continue
        if v.new_on and n == v.new_on[0]:
            for i in range(round(v.new_on[1] * scale)):
                cid = f"N{i:05d}"
                state[cid] = Customer(cid, reps[0], "C")
                book[reps[0]].add(cid)
        if n == v.first_day + 1:  # crm plan on the second morning: the rep's pace is known
            fc2 = end_of_month(project(list(state.values()), day, s, None, facts.replan, pace))
        lists, _, _ = schedule(state.values(), day, s, None, pace, answered_of(facts.replan))
        listed[day] = {p.customer_id for entries in lists.values() for p in entries}
        for cid, c in state.items():
            if c.undone:
                state[cid] = c._replace(undone=False)
        done: Counter[str] = Counter()
        for rep, entries in lists.items():
            for k, p in enumerate(entries):
                cid = p.customer_id
                c = state[cid]
                if (rep == reps[0] and n in v.absent) or (v.made is not None and k >= round(v.made * scale)):
                    state[cid] = c._replace(undone=True)
                    continue
                done[rep] += 1
                calls[cid] += 1
                if p.reasons and p.reasons[0].code == "planned_today":
                    asked[cid] += 1
                    again[rep] += cid in reached
                if rng.random() < v.no_answer:
                    tries[cid] += 1
                    state[cid] = c._replace(last_try=day, tries=c.tries + 1 if c.last_try else 1)
                    continue
                reached.add(cid)
                plan = None if c.plan is not None and c.plan <= day else c.plan
                lag = planner[rep].lag(rng, v, c.stage)
                if lag:
                    plan = add_working(day, lag, s.calendar)
                    plans.append((cid, day, plan))
                state[cid] = c._replace(last_contact=day, plan=plan, last_try=None, tries=0, promise=None)
        # what the calls step reads back the next morning: the share of each list worked
        pace = pace_of({rep: len(e) for rep, e in lists.items()}, done)
        if verbose:
            print(f"  {v.key} {day} " + " ".join(f"{r} {len(lists.get(r, []))}" for r in reps), flush=True)
    elapsed = time.perf_counter() - t0
    return stats(v, reps, book, {c.customer_id: c.grade for c in state.values()},
                 {c.customer_id: c.owner for c in state.values()}, reached, tries, calls, asked, again, plans,
                 {d: dict.fromkeys(ids, "") for d, ids in listed.items()}, days, quota, fc, fc2, elapsed)


def stats(v, reps, book, grade_of, owner_of, reached, tries, calls, asked, again, plans, listed, days, quota, fc,
          fc2, elapsed) -> list[dict]:
    last = days[-1]
    in_month = [p for p in plans if p[2] <= last]
    out = []
    for rep in reps:
        mine = book[rep]
        by_grade = {g: [cid for cid in mine if grade_of.get(cid, "C") == g] for g in "ABC"}
        got = {cid for cid in mine if cid in reached or tries[cid] >= 3}  # reached, or by attempt
        typed_here = [p for p in in_month if owner_of.get(p[0]) == rep]
        rep_plans = [p for p in typed_here if not any(q[0] == p[0] and p[1] < q[1] < p[2] for q in plans)]
        kept = sum(1 for cid, _, d in rep_plans if cid in listed.get(d, {}))
        counts = [calls[cid] for cid in mine] or [0]
        unasked = [calls[cid] - asked[cid] for cid in mine] or [0]
        out.append({
            "variant": v.key, "rep": rep, "book": len(mine), "quota": quota,
            **{g: (sum(1 for c in by_grade[g] if c in got), len(by_grade[g])) for g in "ABC"},
            "coverage": len(got) / len(mine) if mine else 1.0, "plans": (kept, len(rep_plans)),
            "max_calls": max(counts), "max_unasked": max(unasked),
            "attempts": sum(tries[c] for c in mine), "reached": sum(1 for c in mine if c in reached),
            "forecast": fc.get(rep, 0.0), "forecast2": fc2.get(rep), "days": len(days), "seconds": elapsed,
            # the book fits when it, the calls the rep's own plans asked for again and the calls nobody
            # answered fit the calls made
            "load": (len(mine) + again[rep] + sum(tries[c] for c in mine)) / max(1, sum(calls[c] for c in mine)),
            "replan": sum(1 for p in plans if owner_of.get(p[0]) == rep) / max(1, sum(calls[c] for c in mine)),
        })
    return out


def pct(a: int, b: int) -> str:
    return f"{a / b:.0%}" if b else "—"


def table(rows: list[dict]) -> str:
    lines = [f"{'var':4} {'rep':6} {'book':>5} {'A':>5} {'B':>5} {'C':>5} {'all':>6} {'plans kept':>15} "
             f"{'max':>4} {'unasked':>7} {'tries':>5} {'reached':>7} {'load':>5} {'day-1 fc':>8} {'Δ':>5} "
             f"{'day-2 fc':>8} {'Δ':>5}"]
    for r in rows:
        kept, typed = r["plans"]
        lines.append(
            f"{r['variant']:4} {r['rep']:6} {r['book']:5} {pct(*r['A']):>5} {pct(*r['B']):>5} {pct(*r['C']):>5} "
            f"{r['coverage']:6.1%} {pct(kept, typed):>6} ({kept}/{typed}) {r['max_calls']:4} {r['max_unasked']:7} "
            f"{r['attempts']:5} {r['reached']:7} {r['load']:5.0%} {r['forecast']:8.1%} "
            f"{100 * (r['forecast'] - r['coverage']):+5.1f} " + (
                f"{r['forecast2']:8.1%} {100 * (r['forecast2'] - r['coverage']):+5.1f}" if r["forecast2"] is not None
                else f"{'—':>8} {'':>5}"))
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--variants", default=",".join(VARIANTS), help="Comma-separated: " + ", ".join(VARIANTS))
    ap.add_argument("--scale", type=float, default=1.0, help="Books, quota and new customers × this (quick checks).")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--verbose", action="store_true")
    ap.add_argument("--engine", choices=("core", "workbook"), default="core",
                    help="core: the scheduler alone (fast); workbook: crm refresh and typed results each day")
    args = ap.parse_args()
    rows = []
    for key in args.variants.split(","):
        v = VARIANTS[key.strip()]
        got = (run_core if args.engine == "core" else run)(v, args.scale, args.seed, args.verbose)
        rows += got
        print(f"({v.key}) {v.label}: {got[0]['days']} working days, quota {got[0]['quota']}, "
              f"{got[0]['seconds']:.0f}s", flush=True)
        print(table(got), flush=True)
    print()
    print(f"engine {args.engine}, scale {args.scale:g}; A/B/C/all: customers reached in the month (or tried 3 times) ÷ book; plans kept: "
          "listed on their day; max: most calls to one customer; unasked: most calls without a plan asking; "
          "tries: unanswered calls; load: (book + calls the rep's plans asked for again + unanswered calls) ÷ "
          "calls made — above 100 % the book does not fit; day-1 fc / day-2 fc: crm plan's forecast of the month's end on the first / second "
          "morning (Δ points)")
    for key in args.variants.split(","):
        print(f"({key}) {VARIANTS[key.strip()].label}")
    print(table(rows))


if __name__ == "__main__":
    main()
