"""`crm plan`: the rest of the month day by day on the working-day calendar — calls per day and
coverage reached, assuming every listed call happens and each rep keeps planning as in the last 4
weeks; whether each book closes and who will be missed. Reads the workbook; writes nothing."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from . import jobs
from .i18n import pick, word
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
                           left, GRADE_KEYS, facts.pace, result.loaded.lang):
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


WORDS: dict[str, tuple[str, str]] = {
    "head": ("月计划 自 {day0} 起 · 每日名额 {quota}", "plan from {day0} · quota {quota}/day"),
    "days": ("剩余工作日 {left} 天（日历 {cal} 天，设置“每月工作日” {setting}）",
             "working days left: {left} (calendar {cal}, Working Days per Month {setting})"),
    "slow": ("假设：每日拨打数按上一张清单（{slow}），其余按名额", "assumes: calls/day as on the last list ({slow}), the rest the quota"),
    "full": ("假设：清单上的电话都会打（上一张清单已全部完成）", "assumes: every listed call made (the last list was worked in full)"),
    "habit": ("  且拨打情况与近 4 周相同（回访计划{answered}）；", "  and calls go as in the last 4 weeks (replanning{answered});"),
    "unanswered": ("，未接通 {rates}", ", unanswered {rates}"),
    "answered": ("，每通都接通", ", every call answered"),
    "unknown": ("  无法预知请假、新客户或习惯的改变", "  it cannot know of absences, new customers or a change of habit"),
    "columns": ("业务员|客户数|当前|月末|漏打A/B/C|回访计划|能否完成", "rep|book|now|end|missed A/B/C|replan|closes"),
    "yes": ("能", "yes"),
    "no_a": ("不能（漏 A）", "no (A missed)"),
    "no_a_kept": ("不能，A 已保", "no, A kept"),
    "lag": ("{rate:.0%} +{lag}天", "{rate:.0%} +{lag}d"),
    "none": ("无", "none"),
    "date": ("日期", "date"),
    "closes": ("按此名额，本月每位业务员都能打完", "every book closes this month at this quota"),
    "short": ("打不完：{who}（--missed 列出客户；缺口先落在 C，再到 B）",
              "does not close: {who} (--missed lists them; the shortfall falls on C, then B)"),
}


def plan_lines(days, reps, missed, months, replan, settings, day0, cal_days, left, grades, pace=None,
               lang: str = "zh") -> list[str]:
    """`crm plan`'s report in the workbook's language, every line within 80 columns."""
    from .core.calls import calls_made

    def w(key: str, **kw: Any) -> str:
        return pick(WORDS, key, lang, **kw)

    pace = pace or {}
    sep = word(lang, "，", ", ")
    slow = sep.join(f"{r} {calls_made(settings.daily_quota, pace[r])}" for r in reps if pace.get(r, 1.0) < 1)
    unanswered = [r for r in reps if r in replan and replan[r].unanswered]
    rates = sep.join(f"{r} {replan[r].unanswered:.0%}" for r in unanswered)
    lines = [w("head", day0=day0, quota=settings.daily_quota),
             w("days", left=left, cal=cal_days, setting=settings.working_days),
             w("slow", slow=slow) if slow else w("full"),
             w("habit", answered=w("unanswered", rates=rates) if unanswered else w("answered")),
             w("unknown")]
    rep_h, book_h, now_h, end_h, missed_h, replan_h, closes_h = w("columns").split("|")
    lines.append(f"{_cells(rep_h, 8)} {_cells(book_h, 6, True)} {_cells(now_h, 5, True)} {_cells(end_h, 5, True)} "
                 f"{_cells(missed_h, 14, True)} {_cells(replan_h, 12, True)}  {closes_h}")
    for rep in reps:
        m = months.get(rep)
        book = m.book if m else 0
        lost = {g: sum(1 for c in missed.get(rep, []) if c.grade == g) for g in grades}
        end = days[-1].coverage.get(rep, 0.0) if days else (m.share if m else 1.0)
        habit = replan.get(rep)
        rate, lag = (habit.rate, habit.lag) if habit else (0.0, 0)
        lost_text = "/".join(str(lost[g]) for g in grades)
        verdict = w("yes") if not any(lost.values()) else (w("no_a") if lost["A"] else w("no_a_kept"))
        replan_text = w("lag", rate=rate, lag=lag) if rate else w("none")
        lines.append(f"{_cells(rep, 8)} {book:6} {m.share if m else 0:5.0%} {end:5.0%} "
                     f"{lost_text:>14} {_cells(replan_text, 12, True)}  {verdict}")
    per_line = 6  # date (10) + 6 reps × 11 columns = 76
    for k in range(0, len(reps), per_line):
        group = reps[k:k + per_line]
        lines.append("")
        lines.append(_cells(w("date"), 10) + "".join(" " + _cells(r, 10, right=True) for r in group))
        for d in days:
            lines.append(f"{d.date.isoformat():10}" + "".join(
                f" {d.calls.get(r, 0):>4} {d.coverage.get(r, 0):>4.0%}" for r in group))
    short = [r for r in reps if missed.get(r)]
    lines.append("")
    lines.append(w("closes") if not short else w("short", who=sep.join(f"{r} {len(missed[r])}" for r in short)))
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
