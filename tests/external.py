"""External programs some tests need (LibreOffice, PostgreSQL).

Without the program a test skips with the reason; with ``CRM_REQUIRE_EXTERNAL=1`` (set by
``.ci/run``) a missing program fails the test instead, so CI can never pass by skipping.
"""
from __future__ import annotations

import os
import shutil
import subprocess

import pytest

REQUIRED = os.environ.get("CRM_REQUIRE_EXTERNAL") == "1"


def need(program: str, why: str) -> str:
    """The path of ``program``; skip (or fail under CRM_REQUIRE_EXTERNAL=1) when it is absent."""
    path = shutil.which(program)
    if path is None:
        reason = f"{program} not installed ({why})"
        if REQUIRED:
            pytest.fail(f"CRM_REQUIRE_EXTERNAL=1 but {reason}")
        pytest.skip(reason)
    return path


def need_soffice() -> str:
    return need("soffice", "apt-get install libreoffice-calc-nogui poppler-utils")


def need_pdftoppm() -> str:
    return need("pdftoppm", "apt-get install poppler-utils")


def _missing(reason: str):
    if REQUIRED:
        pytest.fail(f"CRM_REQUIRE_EXTERNAL=1 but {reason}")
    pytest.skip(reason)


def need_postgres() -> str:
    """The folder holding PostgreSQL's initdb and pg_ctl; skip (or fail) when absent."""
    import glob

    found = shutil.which("initdb")
    if found:
        return os.path.dirname(found)
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not dirs:
        _missing("PostgreSQL not installed (apt-get install postgresql)")
    return os.path.dirname(dirs[-1])


def pg_user() -> str | None:
    """Who runs the throwaway cluster: this user, or ``postgres`` when running as root (initdb
    refuses root); skip (or fail) when root has no postgres user to hand it to."""
    if os.geteuid() != 0:
        return None
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _missing("running as root and no 'postgres' user to run a PostgreSQL cluster")
    return "postgres"


def pdf_text(pdf, *args: str) -> str:
    """The text of a PDF, laid out (poppler's pdftotext)."""
    need("pdftotext", "apt-get install poppler-utils")
    return subprocess.run(["pdftotext", "-layout", *args, str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
