"""What a step is: a pure function of a :class:`Context` returning an :class:`Output` and its fact.

A step is declared once, in its own module, as a :class:`Step` naming the steps it needs and the
type of the fact it gives (``Step[AgingReport]``); a step that needs another reads its fact by
the step itself, typed: ``ctx.facts[AGING]``. It changes nothing it is given.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sheets_schema import Lang

from ..core.settings import Settings
from ..issues import Issue
from ..loader import Loaded
from ..view import Sheet
from ..writes import AppendRows, ColumnBlock, OutputSheet

F = TypeVar("F")


@dataclass(frozen=True, eq=False)
class Step(Generic[F]):
    """A step: its name (the run report's and the timings' word for it), what it needs, its run, and
    what it contributes to the run report (``summary``: the fact's figures as plain JSON values, or
    None for a step that reports nothing of its own)."""

    name: str
    run: Callable[[Context], tuple[Output, F]]
    needs: tuple[Step[Any], ...] = ()
    summary: Callable[[F], dict[str, Any]] | None = None


class Facts:
    """What the steps found so far: each step's fact, read by the step (``facts[AGING]``, typed)."""

    __slots__ = ("_found",)

    def __init__(self, found: Mapping[str, Any] | None = None) -> None:
        self._found: dict[str, Any] = dict(found or {})

    def __getitem__(self, step: Step[F]) -> F:
        fact: F = self._found[step.name]
        return fact

    def get(self, step: Step[F]) -> F | None:
        """The step's fact, or None when it did not run."""
        fact: F | None = self._found.get(step.name)
        return fact

    def __contains__(self, step: Step[Any]) -> bool:
        return step.name in self._found

    def names(self) -> list[str]:
        """The steps that ran, in the order they ran."""
        return list(self._found)

    def add(self, step: Step[F], fact: F) -> Facts:
        """A copy with ``step``'s fact (the facts a step is given never change)."""
        return Facts({**self._found, step.name: fact})


@dataclass(frozen=True)
class Context:
    """What a step is given: the validated workbook (read once, not changed) and the facts of the
    steps it needs."""

    loaded: Loaded
    facts: Facts

    @property
    def owner(self) -> str | None:
        """The 业务员 the run is for (None: everyone), resolved in load."""
        return self.loaded.owner

    @property
    def as_of(self) -> dt.date:
        return self.loaded.as_of

    @property
    def lang(self) -> Lang:
        return self.loaded.lang

    @property
    def settings(self) -> Settings:
        return self.loaded.settings

    def sheet(self, key: str) -> Sheet:
        """An input sheet, validated: ``ctx.sheet("funnel").records()``."""
        return self.loaded.sheets[key]


@dataclass
class Output:
    columns: dict[str, list[ColumnBlock]] = field(default_factory=dict)
    appends: dict[str, AppendRows] = field(default_factory=dict)
    outputs: list[OutputSheet] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
