"""Statements and dunning letters as PDFs, one per customer, through LibreOffice; the workbook is
not changed. Each returns the run report; ``advance(n)`` is told as pages are made."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from . import jobs
from .report import RunReport
from .runner import report_of, run_job, unusable

Advance = Callable[[int], object]


def _ready(pdf: Path) -> None:
    from .export.aging_export import ExportError, require_soffice

    try:
        require_soffice()
    except ExportError as exc:
        raise unusable(pdf, str(exc)) from None
    if pdf.exists() and not pdf.is_dir():
        raise unusable(pdf, "is a file, not a folder")


def _write(pages: list, pdf: Path, advance: Advance, logo: str | None) -> list[Path]:
    from .export.aging_export import ExportError
    from .export.statement_pdf import statements_to_pdf

    try:
        return statements_to_pdf(pages, pdf, advance, logo)
    except ExportError as exc:
        raise unusable(pdf, str(exc)) from None


def _refuse_clash(pdf: Path, stems: list[str], force: bool) -> None:
    """Refuse (exit 2) when a file the batch would write is already in ``pdf`` — named exactly as
    statements_to_pdf will name it, ``~2`` suffixes included — unless ``force``."""
    from .export.statement_pdf import pdf_names

    clash = [name for name in pdf_names(stems) if (pdf / name).exists()]
    if clash and not force:
        raise unusable(pdf / clash[0], "already exists (use --force to overwrite)")


def _documents(command: str, path: Path, pdf: Path, job: Callable[..., jobs.Result],
               pages_of: Callable[[jobs.Result], list], *, force: bool, advance: Advance,
               on_count: Callable[[int], object], **kw: object) -> tuple[jobs.Result, RunReport, int]:
    """The run both batches share: LibreOffice and the folder checked, the job run read-only, its
    pages (name stem, sheet) refused when a file by their name exists, converted; the report names
    the folder and how many files went into it."""
    _ready(pdf)
    result = run_job(path, job, write=False, **kw)
    pages = pages_of(result)
    _refuse_clash(pdf, [name for name, _ in pages], force)
    on_count(len(pages))
    written = _write(pages, pdf, advance, result.loaded.settings.company_logo)
    report = report_of(command, path, result, wrote=False)
    report.exit_code = 0
    report.steps = []
    report.wrote("folder", str(pdf), count=len(written))
    return result, report, len(written)


def statements(path: Path, pdf: Path, *, owner: str | None = None, min_overdue: int | None = None,
               as_of: dt.date | None = None, start: dt.date | None = None, force: bool = False,
               advance: Advance = lambda n: None, on_count: Callable[[int], object] = lambda n: None) -> RunReport:
    result, report, made = _documents("statements", path, pdf, jobs.statements, lambda r: r.statements, force=force,
                                   advance=advance, on_count=on_count, owner=owner, min_overdue=min_overdue,
                                   as_of=as_of, start=start)
    return report.say("statements", n=made, as_of=result.loaded.as_of.isoformat(), folder=str(pdf))


def letters(path: Path, pdf: Path, *, owner: str | None = None, level: int | None = None,
            as_of: dt.date | None = None, force: bool = False, advance: Advance = lambda n: None,
            on_count: Callable[[int], object] = lambda n: None) -> RunReport:
    from .i18n import join

    result, report, made = _documents("letters", path, pdf, jobs.letters,
                                   lambda r: [(f"{d.customer_id}-{d.title}", d.sheet) for d in r.documents],
                                   force=force, advance=advance, on_count=on_count, owner=owner, level=level,
                                   as_of=as_of)
    counts: dict[str, int] = {}
    for d in sorted(result.documents, key=lambda d: d.level or 0):
        counts[d.title] = counts.get(d.title, 0) + 1
    lang = result.loaded.lang
    titles = join([f"{n} {title}" for title, n in counts.items()], lang) or ("无" if lang == "zh" else "none")
    return report.say("letters", n=made, as_of=result.loaded.as_of.isoformat(), folder=str(pdf),
                      titles=titles, by_title=counts)
