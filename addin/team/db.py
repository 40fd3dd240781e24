"""Open the team database (SQLite file or PostgreSQL URL) and bring its schema up to date."""
from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from . import schema as T

DEFAULT_DB = "crm-team.sqlite"


class Unreachable(Exception):
    """The database cannot be used (exit 2): one line saying which and why."""


def engine_url(url: str):
    """A SQLAlchemy URL for what the user typed: a file path is a SQLite database, and
    ``postgresql://`` uses psycopg (version 3), the driver this package installs."""
    if "://" not in url:
        return make_url("sqlite://").set(database=url)
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def open_db(url: str, *, create: bool = True) -> Engine:
    """A connected engine whose schema is at :data:`schema.LATEST`; raises Unreachable.

    A new SQLite file is created readable by its owner only (0600: it holds customers and
    receivables); with ``create=False`` a missing SQLite file is Unreachable, never created."""
    try:
        u = engine_url(url)
    except ArgumentError as exc:
        raise Unreachable(f"not a database URL: {url!r} ({exc})") from None
    shown = u.render_as_string(hide_password=True)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        _sqlite_file(Path(u.database), create)
    kw: dict = {}
    if u.get_backend_name() == "postgresql":
        kw["connect_args"] = {"connect_timeout": 10}
    try:
        engine = create_engine(u, **kw)
    except (ModuleNotFoundError, ImportError) as exc:
        raise Unreachable(f"{shown}: no driver ({exc.name or exc}); pip install 'psycopg[binary]'") from None
    except ArgumentError as exc:
        raise Unreachable(f"{shown}: {exc}") from None
    if u.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    try:
        migrate(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        raise Unreachable(f"cannot use database {shown}: {_first_line(exc)}") from None
    return engine


def _sqlite_file(path: Path, create: bool) -> None:
    if path.exists():
        return
    if not create:
        raise Unreachable(f"{path}: no team database there; run crm collect first, or name one with --db")
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        pass
    except OSError as exc:
        raise Unreachable(f"cannot create the database {path}: {exc.strerror or exc}") from None


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def current_version(engine: Engine) -> int:
    with engine.connect() as conn:
        if not inspect(conn).has_table(T.version.name):
            return 0
        return conn.execute(select(T.version.c.version)).scalar() or 0


def migrate(engine: Engine) -> int:
    """Apply the migrations the database lacks, each in its own transaction; return the version."""
    at = current_version(engine)
    if at > T.LATEST:
        raise Unreachable(f"the database is at schema version {at}, newer than this crm ({T.LATEST}); "
                          "upgrade crm-addin")
    for v in range(at + 1, T.LATEST + 1):
        with engine.begin() as conn:
            if v == 1:
                T.version.create(conn, checkfirst=True)
            T.MIGRATIONS[v](conn)
            conn.execute(T.version.delete())
            conn.execute(T.version.insert().values(version=v))
    return max(at, T.LATEST)
