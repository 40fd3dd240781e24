"""The jobs the CLI and the ribbon run, engine-agnostic.

A job reads through a Book, computes with the pure core, and returns a Plan of
bulk writes; :func:`apply` hands the plan to the Book and saves.
"""
from __future__ import annotations

import datetime as dt
import functools
import gc
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sheets_schema as S
from sheets_schema.settings import scoped

from .io.model import Book
from .issues import Issue
from .loader import DataError, Loaded, load
from .sheets.report import report_sheet
from .steps import AGING, CREDIT, DEFAULT, ORDERS, Context, Facts, Step, order
from .table import UnusableInput
from .validate.report import highlights, ordered
from .writes import AppendRows, ColumnBlock, OutputSheet, fit_widths


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
    step_timings: dict[str, float] = field(default_factory=dict)  # the compute phase, per step
    form: tuple[str, Any] | None = None  # (customer ID, Assessment) when 授信申请 was filled
    #: the errors that decide the exit code when a job narrows them (aging: the rows it used)
    scope: list[Issue] | None = None
    statements: list[tuple[str, OutputSheet]] = field(default_factory=list)  # (customer ID, 对账单) to export
    documents: list[Any] = field(default_factory=list)  # Document: letters (and statements) to print or send

    @property
    def errors(self) -> int:
        return sum(x.is_error for x in self.issues)

    @property
    def warnings(self) -> int:
        return sum(not x.is_error for x in self.issues)

    @property
    def exit_code(self) -> int:
        if self.scope is not None:
            return 1 if self.scope else 0
        return 1 if self.errors else 0


def fewer_collections(fn: Callable) -> Callable:
    """Run a bulk job with the cyclic garbage collector's youngest generation collected every
    100,000 allocations instead of 700 (a job makes millions of small objects and next to no
    cycles; measured 8–10 % of a 10k-customer refresh), and the middle one every 100 of those
    instead of 10 (each of its collections walks the million objects the last ten left young —
    0.25 s apiece at company scale, two or three a refresh; peak memory unchanged), then restore
    the thresholds. Cycles among young objects are still collected with the youngest generation."""
    @functools.wraps(fn)
    def run(*args: Any, **kw: Any) -> Any:
        old = gc.get_threshold()
        gc.set_threshold(max(old[0], 100_000), max(old[1], 100), *old[2:])
        try:
            return fn(*args, **kw)
        finally:
            gc.set_threshold(*old)
    return run


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
    loaded = load(book, as_of=as_of, timings=timer.phases)
    timer.t = time.perf_counter()
    plan = Plan()
    issues = finish_validation(loaded, plan)
    timer.lap("validate")
    return Result(loaded, issues, plan, timings=timer.phases)


ALL_STEPS = DEFAULT


@fewer_collections
def refresh(book: Book, *, as_of: dt.date | None = None, owner: str | None = None,
            steps: tuple[Step[object], ...] = ALL_STEPS) -> Result:
    """Validate, then run the steps asked for (and those they need) in their declared order;
    rows with errors are left out and listed in 校验结果."""
    timer = Timer()
    loaded = load(book, as_of=as_of, owner=owner, timings=timer.phases)
    timer.t = time.perf_counter()
    plan = Plan()
    facts = Facts()
    found: list[Issue] = []
    step_timings: dict[str, float] = {}
    for step in order(steps):
        t0 = time.perf_counter()
        out, fact = step.run(Context(loaded, facts))
        step_timings[step.name] = time.perf_counter() - t0
        facts = facts.add(step, fact)
        for sheet, blocks in out.columns.items():
            plan.columns.setdefault(sheet, []).extend(blocks)
        plan.appends.update(out.appends)
        plan.outputs.extend(out.outputs)
        found.extend(out.issues)
    timer.lap("compute")
    issues = finish_validation(loaded, plan, found)
    return Result(loaded, issues, plan, facts, timings=timer.phases, step_timings=step_timings)


def credit_form(book: Book, customer_id: str, *, as_of: dt.date | None = None) -> Result:
    """Fill 授信申请 for one customer from its latest valid survey; writes nothing else."""
    from .sheets.credit_form import credit_form_sheet

    result = refresh(book, as_of=as_of, steps=(CREDIT, AGING))
    loaded = result.loaded
    cards = loaded.customer_cards()
    if customer_id not in cards:
        raise DataError(f"customer {customer_id} not found in sheet '{loaded.tab(S.CUSTOMERS)}'")
    latest = result.facts[CREDIT].latest.get(customer_id)
    if latest is None:
        raise DataError(f"no valid survey for customer {customer_id} in sheet '{loaded.tab(S.SURVEY)}'")
    survey, assessment = latest
    ledger = next((c for c in result.facts[AGING].customers if c.customer_id == customer_id), None)
    card = cards[customer_id]
    st = loaded.settings
    form = credit_form_sheet(card, survey, assessment, ledger, loaded.as_of, loaded.lang, loaded.tab(S.CREDIT_FORM),
                             limits=(st.limit_account_manager, st.limit_direct_sales, st.limit_regional),
                             resurvey=result.facts[CREDIT].resurvey.get(customer_id, ()),
                             resurvey_months=st.resurvey_months, dunning_bounds=st.dunning_levels)
    result.plan = Plan(outputs=[form])
    result.form = (customer_id, assessment)
    return result


@fewer_collections
def apply(book: Book, plan: Plan, timings: dict[str, float] | None = None) -> None:
    """Hand the plan to the engine sheet by sheet, then save. ``timings`` (the bench) receives
    the seconds spent on the input sheets' edits ("rewrite"), the output sheets ("render") and
    the save ("zip")."""
    timer = Timer()
    for name in dict.fromkeys([*plan.columns, *plan.appends, *plan.highlights]):
        if name in plan.columns:
            book.write_columns(name, plan.columns[name])
        if name in plan.appends:
            book.append_rows(name, plan.appends[name])
        if name in plan.highlights:
            book.set_highlights(name, plan.highlights[name])
        book.finish_sheet(name)
    timer.lap("rewrite")
    for sheet in plan.outputs:
        book.replace_sheet(fit_widths(sheet))
        book.finish_sheet(sheet.name)
    timer.lap("render")
    book.save()
    timer.lap("zip")
    if timings is not None:
        timings.update(timer.phases)


class StatementMaker:
    """Statements of one run: the ledger's invoices and payments grouped once per customer, the
    company profile, the log's last letters."""

    def __init__(self, result: Result, start: dt.date | None = None) -> None:
        from .core.company import company
        from .core.dunning_log import last_letters
        from .core.statement import default_start
        from .sheets.dunning_log import log_entries
        from .steps.aging import invoices, parties, payments

        loaded = result.loaded
        self.result = result
        self.start = start or default_start(loaded.as_of)
        if self.start > loaded.as_of:
            raise DataError(f"the period starts ({self.start}) after it ends ({loaded.as_of})")
        self.parties = parties(loaded)
        self.company = company(loaded.settings)
        self.by_customer: dict[str, list] = {}
        for inv in invoices(loaded):
            self.by_customer.setdefault(inv.customer_id, []).append(inv)
        self.payments = payments(loaded)
        self.items: dict[str, list] = {}
        for it in result.facts[AGING].items:
            self.items.setdefault(it.customer_id, []).append(it)
        self.letters = last_letters(log_entries(loaded.memory.get("dunning_log"))[1], loaded.as_of)

    def statement(self, customer_id: str):
        from .core.statement import statement

        loaded = self.result.loaded
        return statement(self.items.get(customer_id, []), customer_id, loaded.as_of, loaded.settings.dunning_levels,
                         invoices=self.by_customer.get(customer_id, []), payments=self.payments, start=self.start)

    def open_items(self, customer_id: str):
        """The statement without its period part: what a letter attaches."""
        from .core.statement import statement

        loaded = self.result.loaded
        return statement(self.items.get(customer_id, []), customer_id, loaded.as_of, loaded.settings.dunning_levels)

    def letter(self, customer_id: str, tab: str, st=None) -> OutputSheet:
        from .sheets.letter import letter_sheet

        loaded = self.result.loaded
        s = loaded.settings
        card = loaded.customer_cards().get(customer_id)
        return letter_sheet(st or self.open_items(customer_id), self.parties[customer_id], self.company,
                            s.dunning_levels, loaded.lang, tab,
                            wording={"first": s.letter_first, "middle": s.letter_middle, "last": s.letter_last},
                            attention=card.key_person if card is not None else None)

    def last_letter(self, customer_id: str) -> tuple[dt.date, str] | None:
        from .sheets.dunning_log import document_label

        e = self.letters.get(customer_id)
        if e is None:
            return None
        loaded = self.result.loaded
        return e.date, document_label("letter", e.level, loaded.settings.dunning_levels, loaded.lang)

    def sheet(self, customer_id: str, tab: str, st=None) -> OutputSheet:
        from .sheets.statement import statement_sheet

        loaded = self.result.loaded
        card = loaded.customer_cards().get(customer_id)
        return statement_sheet(st or self.statement(customer_id), self.parties[customer_id], self.company,
                               loaded.settings.dunning_levels, loaded.lang, tab,
                               attention=card.key_person if card is not None else None,
                               last_letter=self.last_letter(customer_id))


def statement(book: Book, customer_id: str, *, as_of: dt.date | None = None, start: dt.date | None = None) -> Result:
    """Fill 对账单 for one customer for the period ``start`` … ``as_of``; writes nothing else."""
    result = refresh(book, as_of=as_of, steps=(AGING,))
    loaded = result.loaded
    if customer_id not in loaded.customer_cards():
        raise DataError(f"customer {customer_id} not found in sheet '{loaded.tab(S.CUSTOMERS)}'")
    maker = StatementMaker(result, start)
    result.plan = Plan(outputs=[maker.sheet(customer_id, loaded.tab(S.STATEMENT))])
    return result


def statements(book: Book, *, owner: str | None = None, min_overdue: int | None = None,
               as_of: dt.date | None = None, start: dt.date | None = None) -> Result:
    """One statement per customer who owes something on balance (of one 业务员; at least
    ``min_overdue`` days overdue), largest balance first; nothing is written to the workbook."""
    result = refresh(book, as_of=as_of, owner=owner, steps=(AGING,))
    tab = result.loaded.tab(S.STATEMENT)
    chosen = [c for c in result.facts[AGING].customers
              if c.outstanding > 0 and (owner is None or c.owner == owner)
              and (min_overdue is None or c.max_days >= min_overdue)]
    from .sheets.dunning_log import document_label

    maker = StatementMaker(result, start)
    label = document_label("statement", None, (), result.loaded.lang)
    for c in chosen:
        st = maker.statement(c.customer_id)
        sheet = maker.sheet(c.customer_id, tab, st)
        result.statements.append((c.customer_id, sheet))
        card = result.loaded.customer_cards().get(c.customer_id)
        result.documents.append(Document(c.customer_id, "statement", st.level or None, st.total, label, sheet,
                                         card.name if card else None, card.email if card else None))
    return result


@dataclass(frozen=True)
class Document:
    """A page for one customer, to print or send: a statement or a letter at a level."""

    customer_id: str
    kind: str  # statement / letter
    level: int | None  # the customer's dunning level (a letter's level)
    amount: float  # a statement: the total due; a letter: the overdue amount
    title: str  # 对账单 / 提醒函 / 催告函 / 最后通知函, in the workbook's language
    sheet: OutputSheet
    name: str | None = None  # 客户名称
    email: str | None = None  # 邮箱 on the card (None: none, or not a valid address)


def letters(book: Book, *, owner: str | None = None, level: int | None = None,
            as_of: dt.date | None = None) -> Result:
    """One dunning letter per customer at its level (≥ 1; only ``level`` when given), largest
    balance first; nothing is written to the workbook."""
    from .sheets.dunning_log import document_label

    result = refresh(book, as_of=as_of, owner=owner, steps=(AGING,))
    loaded = result.loaded
    bounds = loaded.settings.dunning_levels
    if level is not None and not 1 <= level <= len(bounds) + 1:
        raise DataError(f"--level {level}: the levels are 1 to {len(bounds) + 1} (设置 催款分级)")
    tab = loaded.tab(S.STATEMENT)
    maker = StatementMaker(result)
    for c in result.facts[AGING].customers:
        if c.outstanding <= 0 or (owner is not None and c.owner != owner):
            continue
        st = maker.open_items(c.customer_id)
        if st.level == 0 or (level is not None and st.level != level):
            continue
        card = loaded.customer_cards().get(c.customer_id)
        result.documents.append(Document(c.customer_id, "letter", st.level, st.overdue,
                                         document_label("letter", st.level, bounds, loaded.lang),
                                         maker.letter(c.customer_id, tab, st), card.name if card else None,
                                         card.email if card else None))
    return result


def append_dunning_log(book: Book, *, rows: list[list[Any]]) -> Result:
    """催款记录 with ``rows`` appended: the earlier rows are written back exactly as read."""
    from .sheets.dunning_log import dunning_log_sheet, log_entries

    loaded = load(book)
    kept, _ = log_entries(loaded.memory.get("dunning_log"))
    plan = Plan(outputs=[dunning_log_sheet(kept + rows, loaded.lang, loaded.tab(S.DUNNING_LOG))])
    return Result(loaded, [], plan)


#: the input sheets whose errors leave rows out of the aging (設置 errors count only for these parameters)
AGING_SHEETS = ("receivables", "payments")
AGING_PARAMS = scoped("aging")  # the parameters declared with scope=("aging",)


def aging_errors(result: Result, params: tuple[str, ...] = AGING_PARAMS) -> list[Issue]:
    """The errors in rows the aging used: 应收账款, 收款记录, the 客户资料卡 rows of customers with
    invoices, and the 设置 rows of ``params`` (the aging's parameters). Errors elsewhere do not make
    the aging wrong."""
    from .core.settings import lookup_param

    loaded = result.loaded
    tabs = {loaded.tab(S.BY_KEY[k]) for k in AGING_SHEETS}
    customers = loaded.sheet("customers")
    billed = {r.customer_id for r in loaded.sheet("receivables").records(with_errors=True) if r.customer_id is not None}
    billed_rows = {r.row for r in customers.records(with_errors=True) if r.customer_id in billed}
    settings = loaded.sheet("settings")
    aging_rows = {settings.rows[i] for i, label in enumerate(settings.as_typed("parameter"))
                  if (p := lookup_param(label)) is not None and p.key in params}
    out = []
    for x in result.issues:
        if not x.is_error:
            continue
        if x.sheet in tabs or (x.sheet == customers.name and x.row in billed_rows) or \
                (x.sheet == settings.name and x.row in aging_rows):
            out.append(x)
    return out


def aging(book: Book, *, as_of: dt.date | None = None) -> Result:
    """账龄分析; the exit code counts only the errors in rows the aging used (:func:`aging_errors`)."""
    result = refresh(book, as_of=as_of, steps=(AGING,))
    result.scope = aging_errors(result)
    return result


def check_orders(book: Book, *, as_of: dt.date | None = None) -> Result:
    """订单's 信用检查 and 检查说明 as of the date (the ledger, the cards' limits); writes those two
    columns and 校验结果 only. A workbook without 订单 is unusable for this job (exit 2). The exit
    code counts the errors of 订单 and of the rows the aging used (the balances checked against)."""
    result = refresh(book, as_of=as_of, steps=(ORDERS,))
    loaded = result.loaded
    if "orders" not in loaded.tabs:
        raise UnusableInput(f"no sheet {S.ORDERS.zh} ({S.ORDERS.en}): add one with the headers "
                            + "、".join(c.zh for c in S.ORDERS.input_columns))
    tab = loaded.tab(S.ORDERS)
    validation = loaded.tab(S.VALIDATION)
    plan = result.plan
    result.plan = Plan(columns={k: v for k, v in plan.columns.items() if k == tab},
                       outputs=[o for o in plan.outputs if o.name == validation], highlights=plan.highlights)
    # the cards of customers with orders (their 授信额度), besides the aging's rows and parameters
    cards = loaded.sheet("customers")
    ordering = {r.customer_id for r in loaded.sheet("orders").records(with_errors=True)}
    card_rows = {r.row for r in cards.records(with_errors=True) if r.customer_id in ordering}
    found = aging_errors(result, AGING_PARAMS + scoped("orders"))
    result.scope = found + [x for x in result.issues if x.is_error and x not in found
                            and (x.sheet == tab or (x.sheet == cards.name and x.row in card_rows))]
    return result

