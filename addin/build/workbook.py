"""Build a complete workbook file: the template sheets plus, for .xlsm, the macro parts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sheets_schema import Lang

from ..io.package import Package
from . import template

MACRO_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SAMPLE_AS_OF = dt.date(2026, 11, 2)


def build_workbook(path: str | Path, *, lang: Lang = "zh",
                   data: dict[str, list[dict[str, Any]]] | None = None,
                   settings: dict[str, Any] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".building")
    try:
        template.build(tmp, lang=lang, data=data, settings=settings)
        if path.suffix.lower() == ".xlsm":
            _macro_enable(tmp)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _macro_enable(path: Path) -> None:
    pkg = Package(path)
    ct = pkg.read("[Content_Types].xml")
    if MACRO_CT.encode() not in ct:
        pkg.write("[Content_Types].xml", ct.replace(PLAIN_CT.encode(), MACRO_CT.encode()))
    pkg.save(backup=False)


def sample_data() -> dict[str, list[dict[str, Any]]]:
    """The small sample shipped in workbook/CRM.xlsm (fixed, so builds are reproducible)."""
    from .demo_data import generate

    return generate(30, as_of=SAMPLE_AS_OF, seed=2026, invoices=60, contacts=60, surveys=4)
