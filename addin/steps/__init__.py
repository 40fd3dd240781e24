"""Job steps: pure functions registered once with what they need and what they give.

A step receives a :class:`Context` — the loaded workbook, the owner filter and the facts of the
steps it needs — and returns an :class:`Output` (computed columns, appended rows, output
sheets, issues) and its fact. It changes nothing it is given. :func:`order` derives the run
order from the declared needs, adding the steps a requested step needs.

    @step("grades")
    def run(ctx: Context) -> tuple[Output, GradeFacts]: ...

    @step("calls", needs=("grades",))
    def run(ctx: Context) -> tuple[Output, CallFacts]: ...   # ctx.facts.grades is set
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sheets_schema import Record

from ..writes import AppendRows, ColumnBlock, OutputSheet
from ..loader import Loaded
from ..validate.issues import Issue


@dataclass(frozen=True)
class GradeFacts:
    grades: dict[str, str]  # customer ID → ABC grade
    counts: dict[str, int]  # grade → customers


@dataclass(frozen=True)
class CallFacts:
    harvested: int  # results moved from 今日拨打 into 联系记录
    lists: dict[str, list[Any]]  # rep → the day's list (core.calls.Priority, in order)
    customers: dict[str, Record]  # customer ID → card, for every listed customer
    months: dict[str, Any] = field(default_factory=dict)  # rep → core.calls.MonthCoverage
    people: tuple[Any, ...] = ()  # every core.calls.Customer scheduled (for `crm plan`)
    heats: dict[str, str] = field(default_factory=dict)  # customer ID → heat key, every valid funnel row
    #: rep → core.calls.Habit: plans typed per contact and how far ahead, over the last 4 weeks (`crm plan`)
    replan: dict[str, Any] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # customer ID → 客户名称, every card (`crm plan --missed`)

    @property
    def sizes(self) -> dict[str, int]:
        return {rep: len(v) for rep, v in self.lists.items()}


@dataclass(frozen=True)
class CreditFacts:
    latest: dict[str, tuple[Record, Any]]  # customer ID → (latest valid survey, core.credit.Assessment)
    #: customer ID → why its latest survey is due again (core.credit.resurvey_reasons codes)
    resurvey: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Facts:
    """What the steps found, one typed field per step (None: the step did not run)."""

    grades: GradeFacts | None = None
    calls: CallFacts | None = None
    credit: CreditFacts | None = None
    aging: Any = None  # core.aging.AgingReport (its .items: the ledger as of the date; .dso)
    changelog: Any = None  # steps.changelog.ChangeFacts
    dashboard: Any = None  # steps.dashboard.DashboardFacts


@dataclass(frozen=True)
class Context:
    loaded: Loaded
    facts: Facts
    owner: str | None = None

    @property
    def as_of(self) -> dt.date:
        return self.loaded.as_of

    @property
    def lang(self):
        return self.loaded.lang

    @property
    def settings(self):
        return self.loaded.settings

    def table(self, key: str):
        return self.loaded.tables[key]


@dataclass
class Output:
    columns: dict[str, list[ColumnBlock]] = field(default_factory=dict)
    appends: dict[str, AppendRows] = field(default_factory=dict)
    outputs: list[OutputSheet] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    name: str  # also the Facts field it fills
    needs: tuple[str, ...]
    run: Callable[[Context], tuple[Output, Any]]


STEPS: dict[str, Step] = {}
#: what `crm refresh` runs, in this order (output sheets new to a workbook are added in it)
DEFAULT = ("grades", "calls", "credit", "aging", "dashboard", "changelog")


def step(name: str, needs: tuple[str, ...] = ()) -> Callable:
    """Register a step (its name is the Facts field its fact fills)."""
    if name not in Facts.__dataclass_fields__:
        raise ValueError(f"no Facts field for step {name!r}")

    def register(fn: Callable[[Context], tuple[Output, Any]]) -> Callable[[Context], tuple[Output, Any]]:
        STEPS[name] = Step(name, needs, fn)
        return fn

    return register


def order(requested: tuple[str, ...]) -> list[str]:
    """The steps to run for ``requested``, each after the steps it needs."""
    _register_all()
    out: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in out:
            return
        if name in path:
            raise ValueError("steps need each other: " + " → ".join((*path, name)))
        for need in STEPS[name].needs:
            visit(need, (*path, name))
        out.append(name)

    for name in requested:
        visit(name)
    return out


def _register_all() -> None:
    """Import every module of this package: each registers its steps with @step."""
    import importlib
    import pkgutil

    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
