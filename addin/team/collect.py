"""`crm collect`: reps' workbooks into the team database, one transaction per workbook.

A workbook is a source, known by its resolved path, with its owner (the rep). Collecting a
workbook whose content and as-of date are unchanged changes nothing; a changed one replaces all
of its source's rows at once and stores the as-of date's snapshot (stage, heat, ABC, balance per
customer). A workbook that cannot be read is skipped with its reason and its rows stay as they
were; a workbook now owned by another rep than before is reported and not moved.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, select

from ..io.package import PackageError, read_regular, regular_file
from . import schema as T
from .extract import Extract, Unreadable, extract, file_hash

SUFFIXES = (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Outcome:
    path: str
    status: str  # collected · unchanged · reassigned · skipped (unreadable) · refused (owner changed)
    reason: str = ""
    owner: str | None = None
    customers: int = 0
    errors: int = 0  # data errors in the workbook (its rows left out, as in the rep's own jobs)
    previous: str | None = None  # refused or reassigned: the owner it was collected as before

    @property
    def failed(self) -> bool:
        return self.status in ("skipped", "refused")


@dataclass
class Report:
    outcomes: list[Outcome]

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        return 1 if any(o.failed or o.errors for o in self.outcomes) else 0


def workbooks(args: Iterable[str | Path]) -> list[Path]:
    """Workbooks named or found in folders (and their subfolders), each once, in order; Excel's
    owner files (~$…) and hidden files are not workbooks."""
    out: list[Path] = []
    for arg in args:
        p = Path(arg)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file()
                           and not f.name.startswith(("~$", ".")))
            out.extend(found)
        else:
            out.append(p)
    seen: set[str] = set()
    unique = []
    for p in out:
        key = _key(p)
        if key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _key(p: Path) -> str:
    """A workbook's identity in the database: its real path (a symlink loop keeps its own)."""
    try:
        return str(p.resolve())
    except (OSError, RuntimeError):
        return str(p.absolute())


def _read(job: tuple[str, dt.date | None]) -> Extract | Unreadable:
    """One workbook's extract, or why it cannot be read — always a plain, picklable value: an
    exception object from a worker (lxml's carry an unpicklable error log) would abort the run."""
    try:
        return extract(job[0], job[1])
    except Unreadable as exc:
        return Unreadable(str(exc))
    except Exception as exc:  # noqa: BLE001 - any failure of one workbook skips that workbook only
        return Unreadable(f"cannot be read ({type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''})")


def _unchanged(src, digest: str, as_of: dt.date | None, today: dt.date) -> bool:
    if src is None or src.content_hash != digest:
        return False
    if as_of is not None:
        return src.as_of == as_of
    return src.as_of_fixed or src.as_of == today


def _results(jobs: list[tuple[str, dt.date | None]], workers: int) -> Iterator[Extract | Unreadable]:
    if workers <= 1 or len(jobs) <= 1:
        yield from map(_read, jobs)
        return
    done = 0
    try:
        with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
            for got in pool.map(_read, jobs):  # in order: sources get their ids in the order named
                done += 1
                yield got
    except BrokenProcessPool:
        # a worker died (killed, out of memory): every workbook not yet read gets a process of its
        # own, so only the one that kills its reader is skipped
        for job in jobs[done:]:
            try:
                with ProcessPoolExecutor(max_workers=1) as alone:
                    yield alone.submit(_read, job).result()
            except BrokenProcessPool:
                yield Unreadable("the reader process died on this workbook (out of memory?)")


def collect(engine: Engine, args: Iterable[str | Path], *, as_of: dt.date | None = None, reassign: bool = False,
            workers: int | None = None, on_done: Callable[[Outcome], None] | None = None,
            on_start: Callable[[int], None] | None = None) -> Report:
    paths = workbooks(args)
    if on_start:
        on_start(len(paths))
    done = on_done or (lambda o: None)
    with engine.connect() as conn:
        known = {r.path: r for r in conn.execute(select(T.sources))}
    today = dt.date.today()
    outcomes: dict[str, Outcome] = {}
    jobs: list[tuple[str, dt.date | None]] = []
    for p in paths:
        key = _key(p)
        try:
            digest = file_hash(read_regular(regular_file(p)))
        except PackageError as exc:
            outcomes[key] = Outcome(key, "skipped", str(exc))
            done(outcomes[key])
            continue
        src = known.get(key)
        if _unchanged(src, digest, as_of, today):
            outcomes[key] = Outcome(key, "unchanged", owner=src.owner, errors=src.errors)
            done(outcomes[key])
            continue
        jobs.append((key, as_of))
    for (key, _), got in zip(jobs, _results(jobs, workers or os.cpu_count() or 1)):
        if isinstance(got, Unreadable):
            outcomes[key] = Outcome(key, "skipped", str(got))
        else:
            outcomes[key] = store(engine, got, known.get(key), reassign)
        done(outcomes[key])
    return Report([outcomes[_key(p)] for p in paths])


def store(engine: Engine, ex: Extract, src, reassign: bool) -> Outcome:
    """Replace the source's rows and its snapshot of the as-of date in one transaction."""
    status = "collected"
    if src is not None and src.owner != ex.owner:
        if not reassign:
            return Outcome(ex.path, "refused", f"collected before as {src.owner}'s workbook, now its customers "
                           f"are {ex.owner}'s: not moved (check the file; --reassign moves it)", ex.owner,
                           previous=src.owner)
        status = "reassigned"
    values = dict(path=ex.path, owner=ex.owner, content_hash=ex.content_hash, as_of=ex.as_of,
                  as_of_fixed=ex.as_of_fixed, lang=ex.lang, collected_at=dt.datetime.now().replace(microsecond=0),
                  errors=ex.errors)
    with engine.begin() as conn:
        if src is None:
            source_id = conn.execute(T.sources.insert().values(**values)).inserted_primary_key[0]
        else:
            source_id = src.id
            conn.execute(T.sources.update().where(T.sources.c.id == source_id).values(**values))
            for table in T.SOURCE_TABLES:
                conn.execute(delete(table).where(table.c.source_id == source_id))
        conn.execute(delete(T.snapshots).where(T.snapshots.c.source_id == source_id,
                                               T.snapshots.c.as_of == ex.as_of))
        for table in T.SOURCE_TABLES:
            _insert(conn, table, source_id, ex.rows.get(table.name, []))
        _insert(conn, T.snapshots, source_id, ex.snapshot)
    reason = f"moved from {src.owner} to {ex.owner}" if status == "reassigned" else ""
    return Outcome(ex.path, status, reason, ex.owner, len(ex.rows.get("customers", [])), ex.errors,
                   src.owner if status == "reassigned" else None)


def _insert(conn: Connection, table, source_id: int, rows: list[dict]) -> None:
    if not rows:
        return
    names = [c.name for c in table.columns if c.name != "source_id"]
    if conn.dialect.name == "postgresql":
        _copy(conn, table, source_id, names, rows)
        return
    conn.execute(table.insert(), [{"source_id": source_id, **{k: r.get(k) for k in names}} for r in rows])


def _copy(conn: Connection, table, source_id: int, names: list[str], rows: list[dict]) -> None:
    """PostgreSQL's COPY, in the same transaction: several times faster than INSERTs for a
    workbook's ten thousand rows."""
    cols = ", ".join(f'"{n}"' for n in ["source_id", *names])
    with conn.connection.dbapi_connection.cursor() as cur:
        with cur.copy(f'COPY "{table.name}" ({cols}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row((source_id, *[r.get(k) for k in names]))
