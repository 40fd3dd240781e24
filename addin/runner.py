"""Running a job on a workbook file, and the run report of its result.

:func:`run_job` opens the file, runs the job, writes back atomically under the workbook's lock;
input the tool cannot use and a job that cannot do what was asked raise :class:`Stop` (exit 2 or
1) with the file untouched. :func:`report_of` turns a job's :class:`~addin.jobs.Result` into the
:class:`~addin.report.RunReport`: the issues, each step's summary (``Step.summary``), what was
written, the exit code. The CLI and the ribbon both report through it.
"""
from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import jobs
from .core.parse import ParseError, parse_date
from .io import guard
from .io.package import PackageError, check_readable
from .io.xlsx_book import XlsxBook
from .issues import Issue
from .report import EXIT_DATA, EXIT_UNUSABLE, IssueRecord, RunReport, StepSummary
from .steps import STEPS, Step
from .table import UnusableInput


class Stop(Exception):
    """The run stops: one line naming the file and the reason, and the exit code (2: input the tool
    cannot use; 1: the data do not allow what was asked). Nothing was written."""

    def __init__(self, where: Path | str | None, reason: str, exit_code: int = EXIT_UNUSABLE) -> None:
        self.where, self.reason, self.exit_code = where, reason, exit_code
        super().__init__(self.line)

    @property
    def line(self) -> str:
        return f"{self.where}: {self.reason}" if self.where is not None else self.reason


def unusable(where: Path | str | None, reason: str) -> Stop:
    return Stop(where, reason, EXIT_UNUSABLE)


def parse_as_of(value: str | None, option: str = "--as-of") -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ParseError:
        raise Stop(None, f"{option}: not a date: {value!r} (use 2025-03-05)") from None


def open_book(path: Path, writable: bool = True) -> XlsxBook:
    try:
        return XlsxBook(path, writable=writable)
    except PackageError as exc:
        raise unusable(path, str(exc)) from None


@contextlib.contextmanager
def guarded(path: Path) -> Iterator[None]:
    """The checks and the lock of a run that rewrites ``path``: readable, writable, not open in
    Excel or LibreOffice; the lock is held to the end of the ``with``."""
    try:
        check_readable(path)
        guard.check_writable(path)
        if (lock := guard.owner_file(path)) is not None:
            raise PackageError(f"open in Excel or LibreOffice (lock file {lock.name}); close it there first")
        with guard.exclusive(path.resolve()):
            yield
    except PackageError as exc:
        raise unusable(path, str(exc)) from None


def run_job(path: Path, job: Callable[..., jobs.Result], *, write: bool = True, **kw: Any) -> jobs.Result:
    """Open, run, write back atomically; a run that writes holds the workbook's lock from the first
    read to the save, and checks first that it can write at all."""
    if not write:
        return _run(path, job, write, **kw)
    with guarded(path):
        return _run(path, job, write, **kw)


def _run(path: Path, job: Callable[..., jobs.Result], write: bool, **kw: Any) -> jobs.Result:
    book = open_book(path, writable=write)
    try:
        result = job(book, **kw)
        result.loaded.release()
        if write:
            jobs.apply(book, result.plan)
    except (UnusableInput, PackageError) as exc:
        raise unusable(path, str(exc)) from None
    except jobs.DataError as exc:
        raise Stop(path, str(exc), EXIT_DATA) from None
    return result


def refuse_overwrite(target: Path, force: bool, workbook: Path | None = None) -> None:
    """Stop (exit 2) before any work when ``target`` is the workbook itself, or an existing file
    without ``--force``."""
    if workbook is not None and target.exists() and workbook.exists() and target.samefile(workbook):
        raise unusable(target, "is the workbook itself; export to another file")
    if target.exists() and not force:
        raise unusable(target, "already exists (use --force to overwrite)")


def step_summaries(result: jobs.Result, only: tuple[Step[object], ...] | None = None) -> list[StepSummary]:
    """Each step that ran (of ``only``: the steps a command asked for, not those they needed) and
    declares a summary, in the order the steps ran."""
    out = []
    for name in result.facts.names():
        step = STEPS.get(name)
        if only is not None and step not in only:
            continue
        if step is not None and step.summary is not None:
            out.append(StepSummary(step=name, figures=step.summary(result.facts[step])))
    return out


def report_of(command: str, workbook: Path | str | None, result: jobs.Result, *, wrote: bool = True,
              steps: tuple[Step[object], ...] | None = None, issues: list[Issue] | None = None) -> RunReport:
    """The run report of a job's result: its issues (``issues`` when the command lists fewer), the
    summary of each step (of ``steps``), the sheets written (``wrote``), the exit code."""
    loaded = result.loaded
    report = RunReport(command=command, workbook=None if workbook is None else str(workbook), lang=loaded.lang,
                       as_of=loaded.as_of, exit_code=result.exit_code,
                       issues=[IssueRecord.of(x) for x in (result.issues if issues is None else issues)],
                       steps=step_summaries(result, steps), timings=dict(result.timings))
    if wrote:
        plan = result.plan
        for name in dict.fromkeys([*plan.columns, *plan.appends, *(o.name for o in plan.outputs)]):
            report.wrote("sheet", name)
    return report
