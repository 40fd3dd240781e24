"""What the workbook commands do, as library functions: each runs its job on a workbook file and
returns the :class:`~addin.report.RunReport` (the CLI renders it as text or JSON; `crm calls` and
the ribbon's 刷新拨打清单 give the same report). Problems raise :class:`~addin.runner.Stop`.
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import sheets_schema as S

from . import jobs
from .report import RunReport, TableData
from .runner import Stop, refuse_overwrite, report_of, run_job, unusable
from .steps import AGING, CALLS, GRADES, ORDERS


def validate(path: Path, *, as_of: dt.date | None = None) -> RunReport:
    return report_of("validate", path, run_job(path, jobs.validate, as_of=as_of))


def refresh(path: Path, *, as_of: dt.date | None = None, owner: str | None = None) -> RunReport:
    return report_of("refresh", path, run_job(path, jobs.refresh, as_of=as_of, owner=owner))


def call_list_table(result: jobs.Result) -> list[TableData]:
    """Today's call list per rep, as the report's tables."""
    from .sheets.call_list import reason_text

    lang = result.loaded.lang
    facts = result.facts[CALLS]
    out = []
    for rep, entries in facts.lists.items():
        rows: list[list[object]] = []
        for rank, p in enumerate(entries, start=1):
            c = facts.customers[p.customer_id]
            rows.append([rank, p.customer_id, c.name or "", c.phone or "", p.grade, p.score, reason_text(p, lang)])
        out.append(TableData(key="calls", title=f"{rep} · {result.loaded.as_of.isoformat()}",
                             columns=["rank", "customer_id", "name", "phone", "grade", "score", "reasons"],
                             rows=rows))
    return out


def calls(path: Path, *, as_of: dt.date | None = None, owner: str | None = None) -> RunReport:
    return calls_report(path, run_job(path, jobs.refresh, as_of=as_of, owner=owner, steps=CALL_STEPS))


CALL_STEPS = (GRADES, CALLS)


def calls_report(path: Path | str, result: jobs.Result) -> RunReport:
    report = report_of("calls", path, result, steps=CALL_STEPS)
    report.tables = call_list_table(result)
    return report


def credit_form(path: Path, customer_id: str, *, as_of: dt.date | None = None) -> RunReport:
    return credit_form_report(path, run_job(path, jobs.credit_form, customer_id=customer_id, as_of=as_of))


def credit_form_report(path: Path | str, result: jobs.Result) -> RunReport:
    assert result.form is not None
    cid, a = result.form
    lang = result.loaded.lang
    report = report_of("credit-form", path, result)
    report.steps = []  # the form is the report; the steps it ran are its means
    report.exit_code = 0  # filled: errors elsewhere do not make the form wrong
    report.say("form", tab=result.loaded.tab(S.CREDIT_FORM), customer=cid, score=a.score, grade=a.grade,
               suggested=a.suggested, action=S.SURVEY.col("limit_action").choice(a.action).label(lang),
               approver=S.SURVEY.col("approver").choice(a.approver).label(lang), amount=a.amount)
    if result.errors:
        report.say("errors_elsewhere", errors=result.errors)
    return report


def aging(path: Path, *, as_of: dt.date | None = None, export_to: Path | None = None,
          force: bool = False) -> RunReport:
    """账龄分析 into the workbook, or (``export_to``) the report to a file without touching it."""
    from .export.aging_export import ExportError, export

    if export_to is not None:
        refuse_overwrite(export_to, force, workbook=path)
    result = run_job(path, jobs.aging, write=export_to is None, as_of=as_of)
    if export_to is not None:
        try:
            export(result.facts[AGING], result.loaded.lang, export_to)
        except ExportError as exc:
            raise unusable(export_to, str(exc)) from None
    return aging_report(path, result, export_to)


def aging_report(path: Path | str, result: jobs.Result, exported: Path | None = None) -> RunReport:
    """The aging's report; ``exported``: the file it was exported to (the workbook was not written)."""
    report = report_of("aging", path, result, wrote=exported is None, steps=(AGING,))
    if exported is not None:
        report.wrote("file", str(exported))
        report.say("exported", path=str(exported))
    if result.scope is not None and result.errors and not result.scope:
        report.say("aging_complete", errors=result.errors)
    return report


def check_orders(path: Path, *, as_of: dt.date | None = None) -> RunReport:
    return check_orders_report(path, run_job(path, jobs.check_orders, as_of=as_of))


def check_orders_report(path: Path | str, result: jobs.Result) -> RunReport:
    from .sheets.order_check import check_note

    report = report_of("check-orders", path, result, steps=(ORDERS,))
    facts, lang = result.facts[ORDERS], result.loaded.lang
    spec = S.ORDERS.col("credit_check")
    orders = {o.i: o for o in facts.orders}
    rows: list[list[object]] = []
    for i, c in sorted(facts.checks.items()):
        if c.held:
            o = orders[i]
            rows.append([facts.rows[i], o.date.isoformat(), o.customer_id, round(o.amount, 2),
                         spec.choice(c.outcome).label(lang), check_note(c, result.loaded.settings.hold_overdue_days,
                                                                        lang)])
    if rows:
        report.tables.append(TableData(key="held_orders", title=result.loaded.tab(S.ORDERS),
                                       columns=["row", "date", "customer_id", "amount", "check", "note"],
                                       rows=rows))
    return report


def statement(path: Path, customer_id: str, *, as_of: dt.date | None = None,
              start: dt.date | None = None) -> RunReport:
    result = run_job(path, jobs.statement, customer_id=customer_id, as_of=as_of, start=start)
    report = report_of("statement", path, result)
    report.steps = []
    report.exit_code = 0
    report.say("statement", tab=result.loaded.tab(S.STATEMENT), customer=customer_id,
               as_of=result.loaded.as_of.isoformat(), rows=len(result.plan.outputs[0].rows))
    if result.errors:
        report.say("errors_elsewhere", errors=result.errors)
    return report


def demo(out_path: Path, *, customers: int = 1000, reps: int | None = None, per_rep: int = 1000,
         as_of: dt.date | None = None, seed: int = 7, lang: str = "zh", force: bool = False) -> RunReport:
    """Generate a realistic workbook and run every job on it."""
    from .build.demo_data import DEMO_COMPANY, generate
    from .build.workbook import build_workbook

    if lang not in ("zh", "en"):
        raise Stop(None, "--lang must be zh or en")
    refuse_overwrite(out_path, force)
    day = as_of or dt.date.today()
    t0 = time.perf_counter()
    if reps is not None:
        customers = reps * per_rep
    data = generate(customers, as_of=day, seed=seed, reps=reps)
    build_workbook(out_path, lang=lang, data=data, settings=DEMO_COMPANY)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    result = run_job(out_path, jobs.refresh, as_of=day)
    t2 = time.perf_counter()
    report = report_of("demo", out_path, result)
    report.lines.insert(0, report.say("demo", path=str(out_path), customers=customers, funnel=len(data["funnel"]),
                                      contacts=len(data["contacts"]), surveys=len(data["survey"]),
                                      invoices=len(data["receivables"]), seconds=t1 - t0).lines.pop())
    report.say("timing", build=t1 - t0, refresh=t2 - t1, phases=dict(result.timings))
    return report
