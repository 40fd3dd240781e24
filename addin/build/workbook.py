"""Build a complete workbook file: the template sheets plus, for .xlsm, the macro parts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from sheets_schema import Lang

from importlib import resources
from string import Template
from xml.sax.saxutils import escape

from ..actions import ribbon_labels
from ..io.package import Package
from . import template
from .vba_project import build_vba_project

RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_PART = "customUI/customUI14.xml"
MACRO_CT = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
PLAIN_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
SAMPLE_AS_OF = dt.date(2026, 11, 2)


def build_workbook(path: str | Path, *, lang: Lang = "zh",
                   data: dict[str, list[dict[str, Any]]] | None = None,
                   settings: dict[str, Any] | None = None, interpreters: dict[str, str] | None = None) -> Path:
    """Build a workbook; an .xlsm gets the VBA project, the ribbon tab and the xlwings.conf sheet
    (``interpreters``, else python.org's install locations)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name("." + path.name + ".building")
    macro = path.suffix.lower() == ".xlsm"
    try:
        codes = tuple(template.code_name(n) for n in range(1, len(template.SHEET_ORDER) + 2))  # + xlwings.conf
        template.build(tmp, lang=lang, data=data, settings=settings,
                       vba_project=build_vba_project(codes) if macro else None, interpreters=interpreters)
        if macro:
            _add_ribbon(tmp, lang)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def ribbon_xml(lang: Lang) -> bytes:
    text = (resources.files("addin") / "ribbon" / "customUI14.xml").read_text(encoding="utf-8")
    labels = {k: escape(v, {'"': "&quot;"}) for k, v in ribbon_labels(lang).items()}
    return Template(text).substitute(labels).encode("utf-8")


def _add_ribbon(path: Path, lang: Lang) -> None:
    """customUI/customUI14.xml, linked from _rels/.rels (the 2010+ ribbon relationship)."""
    pkg = Package(path)
    ct = pkg.read("[Content_Types].xml")
    if MACRO_CT.encode() not in ct:
        pkg.write("[Content_Types].xml", ct.replace(PLAIN_CT.encode(), MACRO_CT.encode()))
    pkg.write(RIBBON_PART, ribbon_xml(lang))
    pkg.add_rel("", RIBBON_REL, RIBBON_PART)
    pkg.save(backup=False)


def sample_data() -> dict[str, list[dict[str, Any]]]:
    """The small sample shipped in workbook/CRM.xlsm (fixed, so builds are reproducible)."""
    from .demo_data import generate

    return generate(30, as_of=SAMPLE_AS_OF, seed=2026, invoices=60, contacts=60, surveys=4)
