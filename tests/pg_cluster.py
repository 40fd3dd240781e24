"""A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, listening on a
Unix socket in that folder only (no TCP port), stopped and deleted at the end."""
from __future__ import annotations

import itertools
import shutil
import subprocess
import tempfile
from pathlib import Path


class Cluster:
    def __init__(self, bindir: str, user: str | None) -> None:
        self.bindir = Path(bindir)
        self.user = user  # None: the current user
        self.root = Path(tempfile.mkdtemp(prefix="crm-pg-"))
        self.data = self.root / "data"
        self.names = itertools.count(1)
        if user:
            shutil.chown(self.root, user)

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.user:
            cmd = ["runuser", "-u", self.user, "--", *cmd]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {proc.stderr.strip() or proc.stdout.strip()}")

    def start(self) -> Cluster:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C", "-N")
        opts = f"-k {self.root} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", opts, "-l", str(self.root / "log"), "-w", "start")
        return self

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self.root}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = f"t{next(self.names)}"
        with psycopg.connect(host=str(self.root), user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

