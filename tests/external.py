"""External programs some tests need (LibreOffice, PostgreSQL).

Without the program a test skips with the reason; with ``CRM_REQUIRE_EXTERNAL=1`` (set by
``.ci/run``) a missing program fails the test instead, so CI can never pass by skipping.
"""
from __future__ import annotations

import os
import shutil

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
