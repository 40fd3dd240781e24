"""The jobs the CLI and the ribbon run, engine-agnostic.

A job reads through a Book, computes with the pure core, and returns a Plan of
bulk writes; :func:`apply` hands the plan to the Book and saves.
"""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field, replace
from typing import Any

import sheets_schema as S

from .writes import AppendRows, ColumnBlock, OutputSheet
from .io.model import Book
from .loader import Loaded, load
from .steps import DEFAULT as DEFAULT_STEPS
from .steps import Facts
from .validate.issues import Issue
from .sheets.report import report_sheet
from .validate.report import highlights, ordered
from .validate.rules import validate_tables


@dataclass
class Plan:
    columns: dict[str, list[ColumnBlock]] = field(default_factory=dict)
    appends: dict[str, AppendRows] = field(default_factory=dict)
    outputs: list[OutputSheet] = field(default_factory=list)
    highlights: dict[str, dict[str, list[tuple[int, int]]]] = field(default_factory=dict)


@dataclass
class Result:
    loaded: Loaded
    issues: list[Issue]
    plan: Plan
    facts: Facts = field(default_factory=Facts)
    timings: dict[str, float] = field(default_factory=dict)
    form: tuple[str, Any] | None = None  # (customer ID, Assessment) when 授信申请 was filled

    @property
    def errors(self) -> int:
        return sum(x.is_error for x in self.issues)

    @property
    def warnings(self) -> int:
        return sum(not x.is_error for x in self.issues)

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0


class Timer:
    def __init__(self) -> None:
        self.t = time.perf_counter()
        self.phases: dict[str, float] = {}

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.phases[name] = self.phases.get(name, 0.0) + now - self.t
        self.t = now


def tab_order(loaded: Loaded) -> list[str]:
    return [loaded.tab(spec) for spec in S.INPUT_SHEETS]


def finish_validation(loaded: Loaded, plan: Plan, found: list[Issue] | None = None) -> list[Issue]:
    """Add the 校验结果 sheet and the highlights to the plan; return the ordered issues (those of
    reading and validation, and ``found`` by the steps)."""
    issues = ordered(loaded.all_issues() + (found or []), tab_order(loaded))
    plan.outputs.append(report_sheet(issues, loaded.lang, loaded.tab(S.VALIDATION)))
    marks = highlights(issues)
    for key, name in loaded.tabs.items():
        if S.BY_KEY[key].output:
            continue
        plan.highlights[name] = marks.get(name, {"error": [], "warning": []})
    return issues


def validate(book: Book, *, as_of: dt.date | None = None) -> Result:
    timer = Timer()
    loaded = load(book, as_of=as_of)
    timer.lap("read")
    validate_tables(loaded.tables, loaded.as_of, loaded.lang)
    plan = Plan()
    issues = finish_validation(loaded, plan)
    timer.lap("validate")
    return Result(loaded, issues, plan, timings=timer.phases)


class DataError(Exception):
    """A job cannot do what was asked because of the data (exit 1, nothing written)."""


ALL_STEPS = DEFAULT_STEPS


def refresh(book: Book, *, as_of: dt.date | None = None, owner: str | None = None,
            steps: tuple[str, ...] = ALL_STEPS) -> Result:
    """Validate, then run the steps asked for (and those they need) in their declared order;
    rows with errors are left out and listed in 校验结果."""
    from .steps import STEPS, Context, Facts, order

    timer = Timer()
    loaded = load(book, as_of=as_of)
    timer.lap("read")
    if owner is not None:
        known = sorted({c.owner for c in loaded.customer_cards().values() if c.owner})
        if owner not in known:
            raise DataError(f"no customers of 业务员 '{owner}' in sheet '{loaded.tab(S.CUSTOMERS)}'; known: "
                            + ("、".join(known) or "none"))
    validate_tables(loaded.tables, loaded.as_of, loaded.lang)
    timer.lap("validate")
    plan = Plan()
    facts = Facts()
    found: list[Issue] = []
    for name in order(steps):
        out, fact = STEPS[name].run(Context(loaded, facts, owner))
        facts = replace(facts, **{name: fact})
        for sheet, blocks in out.columns.items():
            plan.columns.setdefault(sheet, []).extend(blocks)
        plan.appends.update(out.appends)
        plan.outputs.extend(out.outputs)
        found.extend(out.issues)
    timer.lap("compute")
    issues = finish_validation(loaded, plan, found)
    return Result(loaded, issues, plan, facts, timings=timer.phases)


def credit_form(book: Book, customer_id: str, *, as_of: dt.date | None = None) -> Result:
    """Fill 授信申请 for one customer from its latest valid survey; writes nothing else."""
    from .sheets.credit_form import credit_form_sheet

    result = refresh(book, as_of=as_of, steps=("credit", "aging"))
    loaded = result.loaded
    cards = loaded.customer_cards()
    if customer_id not in cards:
        raise DataError(f"customer {customer_id} not found in sheet '{loaded.tab(S.CUSTOMERS)}'")
    latest = result.facts.credit.latest.get(customer_id)
    if latest is None:
        raise DataError(f"no valid survey for customer {customer_id} in sheet '{loaded.tab(S.SURVEY)}'")
    survey, assessment = latest
    ledger = next((c for c in result.facts.aging.customers if c.customer_id == customer_id), None)
    card = cards[customer_id]
    form = credit_form_sheet(card, survey, assessment, ledger, loaded.as_of, loaded.lang, loaded.tab(S.CREDIT_FORM))
    result.plan = Plan(outputs=[form])
    result.form = (customer_id, assessment)
    return result


def apply(book: Book, plan: Plan) -> None:
    """Hand the plan to the engine sheet by sheet, then save."""
    for name in dict.fromkeys([*plan.columns, *plan.appends, *plan.highlights]):
        if name in plan.columns:
            book.write_columns(name, plan.columns[name])
        if name in plan.appends:
            book.append_rows(name, plan.appends[name])
        if name in plan.highlights:
            book.set_highlights(name, plan.highlights[name])
        book.finish_sheet(name)
    for sheet in plan.outputs:
        book.replace_sheet(sheet)
        book.finish_sheet(sheet.name)
    book.save()
