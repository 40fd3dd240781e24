"""`crm plan`: the rest of the month day by day on the working-day calendar — calls per day and
coverage reached, assuming every listed call happens and each rep keeps planning as in the last 4
weeks; whether each book closes and who will be missed. Reads the workbook; writes nothing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import jobs
from .report import RunReport, TableData
from .runner import Stop, report_of, run_job
from .steps import CALLS, GRADES


def month_start(month: str | None, as_of: dt.date | None) -> dt.date | None:
    if month is None:
        return as_of
    try:
        return dt.date.fromisoformat(month + "-01")
    except ValueError:
        raise Stop(None, f"--month: '{month}' is not YYYY-MM") from None


def plan(path: Path, *, as_of: dt.date | None = None, owner: str | None = None, month: str | None = None,
         missed: bool = False) -> RunReport:
    from .core.calls import GRADES as GRADE_KEYS
    from .core.calls import days_left, project
    from .core.workdays import month_end, working_days

    start = month_start(month, as_of)
    result = run_job(path, jobs.refresh, write=False, as_of=start, owner=owner, steps=(GRADES, CALLS))
    facts = result.facts[CALLS]
    settings = result.loaded.settings
    day0 = result.loaded.as_of
    proj = project(list(facts.people), day0, settings, owner, facts.replan, facts.pace)
    days = proj.days
    reps = sorted({rep for d in days for rep in d.calls}) or sorted(facts.months)
    cal_days = working_days(day0, month_end(day0), settings.calendar)
    left = days_left(day0, settings)
    report = report_of("plan", path, result, wrote=False)
    report.steps = []
    report.exit_code = 0
    for line in plan_lines(days, reps, proj.missed, facts.months, facts.replan, settings, day0, len(cal_days),
                           left, GRADE_KEYS, facts.pace):
        report.say("text", text=line)
    report.tables.append(TableData(key="plan_days", columns=["date", "rep", "calls", "coverage"],
                                   rows=[[d.date.isoformat(), r, d.calls.get(r, 0), round(d.coverage.get(r, 0.0), 4)]
                                         for d in days for r in reps]))
    lost: list[list[Any]] = [[rep, c.grade, c.customer_id, facts.names.get(c.customer_id, "")]
                             for rep in reps for c in proj.missed.get(rep, [])]
    report.tables.append(TableData(key="plan_missed", columns=["rep", "grade", "customer_id", "name"], rows=lost))
    if missed:
        report.say("text", text="")
        for rep, grade, cid, name in lost:
            report.say("text", text=_fit(f"{_cells(rep, 8)} {grade}  {_cells(cid, 12)} {name}"))
    return report


def plan_lines(days, reps, missed, months, replan, settings, day0, cal_days, left, grades, pace=None) -> list[str]:
    """`crm plan`'s report, every line within 80 columns."""
    from .core.calls import calls_made

    pace = pace or {}
    slow = ", ".join(f"{r} {calls_made(settings.daily_quota, pace[r])}" for r in reps if pace.get(r, 1.0) < 1)
    unanswered = [r for r in reps if r in replan and replan[r].unanswered]
    lines = [f"plan from {day0} · quota {settings.daily_quota}/day",
             f"working days left: {left} (calendar {cal_days}, 每月工作日 {settings.working_days})",
             "assumes: " + (f"calls/day as on the last list ({slow}), the rest the quota" if slow else
                            "every listed call made (the last list was worked in full)"),
             "  and calls go as in the last 4 weeks (replanning"
             + (", unanswered " + ", ".join(f"{r} {replan[r].unanswered:.0%}" for r in unanswered) if unanswered
                else ", every call answered") + ");",
             "  it cannot know of absences, new customers or a change of habit"]
    lines.append(f"{'rep':8} {'book':>5} {'now':>5} {'end':>5}  {'missed A/B/C':>14} {'replan':>12}  closes")
    for rep in reps:
        m = months.get(rep)
        book = m.book if m else 0
        lost = {g: sum(1 for c in missed.get(rep, []) if c.grade == g) for g in grades}
        end = days[-1].coverage.get(rep, 0.0) if days else (m.share if m else 1.0)
        habit = replan.get(rep)
        rate, lag = (habit.rate, habit.lag) if habit else (0.0, 0)
        lost_text = "/".join(str(lost[g]) for g in grades)
        verdict = "yes" if not any(lost.values()) else ("no (A missed)" if lost["A"] else "no, A kept")
        replan_text = f"{rate:.0%} +{lag}d" if rate else "none"
        lines.append(f"{_cells(rep, 8)} {book:5} {m.share if m else 0:5.0%} {end:5.0%}  {lost_text:>14} "
                     f"{replan_text:>12}  {verdict}")
    per_line = 6  # date (10) + 6 reps × 11 columns = 76
    for k in range(0, len(reps), per_line):
        group = reps[k:k + per_line]
        lines.append("")
        lines.append(f"{'date':10}" + "".join(" " + _cells(r, 10, right=True) for r in group))
        for d in days:
            lines.append(f"{d.date.isoformat():10}" + "".join(
                f" {d.calls.get(r, 0):>4} {d.coverage.get(r, 0):>4.0%}" for r in group))
    short = [r for r in reps if missed.get(r)]
    lines.append("")
    lines.append("every book closes this month at this quota" if not short else
                 "does not close: " + ", ".join(f"{r} {len(missed[r])}" for r in short)
                 + " (--missed lists them; the shortfall falls on C, then B)")
    return [_fit(ln) for ln in lines]


def _cells(text: str, width: int, right: bool = False) -> str:
    """``text`` cut and padded to ``width`` terminal columns (a Chinese character takes two)."""
    from rich.cells import cell_len, set_cell_size

    text = set_cell_size(text, min(width, cell_len(text)))
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def _fit(line: str, width: int = 80) -> str:
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(line, width) if cell_len(line) > width else line
