"""`crm collect` and `crm team` as library functions returning the run report."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..report import EXIT_DATA, EXIT_UNUSABLE, RunReport, TableData
from ..runner import Stop, refuse_overwrite, unusable

STATUSES = ("collected", "reassigned", "unchanged", "skipped", "refused")


def open_team_db(url: str | None, create: bool = True) -> Any:
    from .db import DEFAULT_DB, Unreachable, open_db

    try:
        return open_db(url or DEFAULT_DB, create=create)
    except Unreachable as exc:
        raise Stop(None, str(exc), EXIT_UNUSABLE) from None


def db_name(url: str | None) -> str:
    """The database as the report names it: a URL without its password."""
    from sqlalchemy.engine import make_url

    from .db import DEFAULT_DB

    if url is None or "://" not in url:
        return url or DEFAULT_DB
    return make_url(url).render_as_string(hide_password=True)


def collect(paths: list[Path], *, db: str | None = None, as_of: dt.date | None = None, reassign: bool = False,
            workers: int | None = None, lang: str = "zh", on_start: Callable[[int], object] = lambda n: None,
            on_done: Callable[[Any], object] = lambda o: None) -> RunReport:
    """Reps' workbooks into the team database, one transaction per workbook; the lines in ``lang``."""
    from .collect import collect as run_collect

    if lang not in ("zh", "en"):
        raise Stop(None, "--lang must be zh or en")

    engine = open_team_db(db)
    t0 = time.perf_counter()
    try:
        done = run_collect(engine, paths, as_of=as_of, reassign=reassign, workers=workers, on_start=on_start,
                           on_done=on_done)
    finally:
        engine.dispose()
    report = RunReport(command="collect", as_of=as_of, exit_code=done.exit_code, lang="en" if lang == "en" else "zh")
    report.wrote("database", db_name(db))
    for o in done.outcomes:
        name = Path(o.path).name
        if o.status in ("collected", "reassigned"):
            report.say("collected", status=o.status, name=name, owner=o.owner, customers=o.customers,
                       errors=o.errors, previous=o.previous)
        elif o.status == "unchanged":
            report.say("collect_unchanged", status=o.status, name=name)
        else:
            report.say("collect_skipped", status=o.status, name=name, reason=o.reason, owner=o.owner,
                       previous=o.previous)
    report.tables.append(TableData(key="workbooks", columns=["path", "status", "owner", "customers", "errors", "reason"],
                                   rows=[[o.path, o.status, o.owner, o.customers, o.errors, o.reason]
                                         for o in done.outcomes]))
    report.say("collect_total", n=len(done.outcomes), seconds=time.perf_counter() - t0,
               by_status={s: done.count(s) for s in STATUSES})
    return report


def team(out_path: Path, *, db: str | None = None, as_of: dt.date | None = None, since: dt.date | None = None,
         lang: str = "zh", force: bool = False) -> RunReport:
    """The manager's workbook: 团队概览, 归属争议, 漏斗转化, 账龄汇总, 看板."""
    from .manager import NothingCollected, build

    if lang not in ("zh", "en"):
        raise Stop(None, "--lang must be zh or en")
    if out_path.suffix.lower() != ".xlsx":
        raise unusable(out_path, "the team workbook is an .xlsx file")
    refuse_overwrite(out_path, force)
    engine = open_team_db(db, create=False)
    try:
        facts = build(engine, out_path, as_of=as_of, since=since, lang=lang)
    except NothingCollected as exc:
        raise Stop(None, str(exc), EXIT_DATA) from None
    except OSError as exc:
        raise unusable(out_path, exc.strerror or str(exc)) from None
    finally:
        engine.dispose()
    span = f"{facts.since} → {facts.to}" if facts.since else ("一个快照日期" if lang == "zh" else "one snapshot date")
    report = RunReport(command="team", lang=lang, as_of=facts.as_of)
    report.wrote("file", str(out_path))
    return report.say("team", path=str(out_path), reps=len(facts.reps), as_of=facts.as_of.isoformat(),
                      disputes=len(facts.disputes), span=span)
