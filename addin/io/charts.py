"""Native charts on an output sheet: XlsxWriter writes them into a small temporary workbook (the
same sheet name, column widths, row heights and data cells), and their drawing and chart parts are
grafted into the package.

The add-in's charts are named ``crm_<key>`` in the drawing; a refresh removes exactly those (their
anchors, chart parts, relationships and content types) before adding the new ones, so nothing piles
up, and any other object in the sheet's drawing stays as it is.
"""
from __future__ import annotations

import datetime as dt
import io
import posixpath
import zipfile
from typing import Any

import xlsxwriter
from lxml import etree

from ..writes import CHART_PREFIX, Chart, OutputSheet
from .opc import DOC_REL_NS, relationships
from .package import Package
from .xml_parts import element_list, elements, parse, to_bytes

DRAWING_REL = DOC_REL_NS + "/drawing"
CHART_REL = DOC_REL_NS + "/chart"
DRAWING_CT = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_CT = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"
XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
R_ID = f"{{{DOC_REL_NS}}}id"
EMPTY_DRAWING = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xdr:wsDr xmlns:xdr="{XDR}" '
                 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"/>').encode()


def _xml(root: etree._Element) -> bytes:
    return to_bytes(root)


def _area(sheet: str, a: tuple[int, int, int, int]) -> list[Any]:
    return [sheet, a[0] - 1, a[1] - 1, a[2] - 1, a[3] - 1]


def authored(sheet: OutputSheet) -> tuple[bytes, dict[str, bytes]]:
    """XlsxWriter's drawing for the sheet's charts and its chart parts (by their temporary names)."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    ws = wb.add_worksheet(sheet.name)
    for c, width in enumerate(sheet.widths):
        ws.set_column(c, c, width)
    for r, height in sheet.row_heights.items():
        ws.set_row(r - 1, height)
    used = {(r, c) for ch in sheet.charts for s in ch.series for a in (s.categories, s.values)
            for r in range(a[0], a[2] + 1) for c in range(a[1], a[3] + 1)}
    for r, c in sorted(used):  # the data the charts cache, as the sheet holds it
        if r <= len(sheet.rows) and c <= len(sheet.rows[r - 1]):
            v = sheet.cell(r - 1, c - 1)[0]
            if isinstance(v, dt.date):
                ws.write_datetime(r - 1, c - 1, dt.datetime.combine(v, dt.time()) if not isinstance(v, dt.datetime)
                                  else v, wb.add_format({"num_format": "yyyy-mm-dd"}))
            elif v is not None:
                ws.write(r - 1, c - 1, v)
    for spec in sheet.charts:
        ws.insert_chart(spec.anchor[0] - 1, spec.anchor[1] - 1, chart(wb, spec, sheet.name), {"object_position": 2})
    wb.close()
    z = zipfile.ZipFile(buf)
    charts = {n: z.read(n) for n in z.namelist() if n.startswith("xl/charts/")}
    return z.read("xl/drawings/drawing1.xml"), {**charts, "rels": z.read("xl/drawings/_rels/drawing1.xml.rels")}


def chart(wb: Any, spec: Chart, sheet: str) -> Any:
    """An XlsxWriter chart of ``spec`` over the cells of ``sheet`` (a tab name) in the workbook ``wb``."""
    chart = wb.add_chart({"type": spec.kind, "name": spec.name})
    extra = None
    for s in spec.series:
        options: dict[str, Any] = {"name": s.name, "categories": _area(sheet, s.categories),
                                   "values": _area(sheet, s.values)}
        if s.color:
            key = "line" if (s.kind or spec.kind) == "line" else "fill"
            options[key] = {"color": "#" + s.color, **({"width": 2} if key == "line" else {})}
        if s.secondary:
            options["y2_axis"] = True
        if s.kind and s.kind != spec.kind:
            if extra is None:
                extra = wb.add_chart({"type": s.kind})
            extra.add_series(options)
        else:
            chart.add_series(options)
    if extra is not None:
        chart.combine(extra)
        if any(s.secondary for s in spec.series):
            extra.set_y2_axis({"num_format": "0%", "min": 0, "max": 1, "major_gridlines": {"visible": False},
                               "minor_tick_mark": "none"})
    chart.set_title({"name": spec.title, "name_font": {"size": 11, "bold": True}})
    chart.set_legend({"position": "bottom"} if len(spec.series) > 1 else {"none": True})
    y: dict[str, Any] = {"major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}}
    if spec.percent_axis:
        y.update(num_format="0%", min=0)
    else:  # amounts and counts with thousands separators (600,000,000, not 600000000)
        y.update(num_format="#,##0")
    # OOXML's default for an absent minorTickMark is "cross": LibreOffice then draws a comb of
    # minor ticks on every axis (seen on a rendered 看板); say "none"
    y["minor_tick_mark"] = "none"
    x: dict[str, Any] = {"minor_tick_mark": "none"}
    if spec.reverse_categories:
        x["reverse"] = True
    if spec.category_format:
        x["num_format"] = spec.category_format
        if "y" in spec.category_format:
            x["date_axis"] = True
    if spec.kind == "bar":  # XlsxWriter's bar chart: x is the (horizontal) value axis, y the categories
        x, y = y, x
    chart.set_x_axis(x)
    chart.set_y_axis(y)
    chart.set_size({"width": spec.size[0], "height": spec.size[1]})
    return chart


def drawing_of(pkg: Package, sheet_part: str) -> tuple[str, str] | None:
    """(relationship Id, drawing part) of a worksheet's drawing."""
    return next(((rid, t) for rid, typ, t in pkg.rels(sheet_part) if typ == DRAWING_REL), None)


def _is_own(anchor: etree._Element) -> bool:
    names = [el.get("name") or "" for el in anchor.iter(f"{{{XDR}}}cNvPr")]
    return bool(names) and all(n.startswith(CHART_PREFIX) for n in names)


def _free(pkg: Package, pattern: str) -> str:
    taken = {n.lower() for n in pkg.names()}
    n = 1
    while pattern.format(n).lower() in taken:
        n += 1
    return pattern.format(n)


def _drop_rels(pkg: Package, part: str, ids: set[str]) -> None:
    name = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if not ids or not pkg.has(name):
        return
    root = parse(pkg.read(name), name)
    for rel in element_list(root):
        if rel.get("Id") in ids:
            root.remove(rel)
    pkg.write(name, _xml(root))


def _remove_part(pkg: Package, part: str) -> None:
    """A part, its own relationships part and its content-type override."""
    pkg.remove(part)
    rels = posixpath.join(posixpath.dirname(part), "_rels", posixpath.basename(part) + ".rels")
    if pkg.has(rels):
        pkg.remove(rels)
    pkg.remove_override(part)


def own_charts(pkg: Package, sheet_part: str) -> list[str]:
    """The chart parts of the add-in's charts on a worksheet."""
    found = drawing_of(pkg, sheet_part)
    if found is None:
        return []
    _, drawing = found
    targets = {rid: t for rid, typ, t in pkg.rels(drawing) if typ == CHART_REL}
    root = parse(pkg.read(drawing), drawing)
    return [targets[el.get(R_ID)] for anchor in elements(root) if _is_own(anchor)
            for el in anchor.iter(f"{{{C_NS}}}chart") if el.get(R_ID) in targets]


def graft(pkg: Package, sheet_part: str, sheet: OutputSheet) -> str | None:
    """Replace the add-in's charts on ``sheet_part`` with ``sheet.charts``; returns the Id of the
    sheet's drawing relationship for ``<drawing r:id>`` (None: the sheet has no drawing)."""
    found = drawing_of(pkg, sheet_part)
    if found is None and not sheet.charts:
        return None
    if found is None:
        drawing = _free(pkg, "xl/drawings/drawing{}.xml")
        pkg.write(drawing, EMPTY_DRAWING)
        pkg.add_override(drawing, DRAWING_CT)
        rid = pkg.add_rel(sheet_part, DRAWING_REL, drawing)
    else:
        rid, drawing = found
    root = parse(pkg.read(drawing), drawing)
    targets = {r: t for r, typ, t in pkg.rels(drawing) if typ == CHART_REL}
    dropped: set[str] = set()
    for anchor in [a for a in elements(root) if _is_own(a)]:
        for el in anchor.iter(f"{{{C_NS}}}chart"):
            if el.get(R_ID) in targets:
                dropped.add(el.get(R_ID))
                _remove_part(pkg, targets[el.get(R_ID)])
        root.remove(anchor)
    _drop_rels(pkg, drawing, dropped)
    if sheet.charts:
        new_drawing, parts = authored(sheet)
        temp_targets = {r: t for r, _, t in relationships(parts["rels"], "xl/drawings/drawing1.xml")}
        ids = [int(el.get("id") or 0) for el in root.iter(f"{{{XDR}}}cNvPr")]
        next_id = max(ids, default=1) + 1
        for anchor in element_list(parse(new_drawing, drawing)):
            for el in anchor.iter(f"{{{XDR}}}cNvPr"):  # shape ids stay unique beside a user's objects
                el.set("id", str(next_id))
                next_id += 1
            for el in anchor.iter(f"{{{C_NS}}}chart"):
                part = _free(pkg, "xl/charts/chart{}.xml")
                pkg.write(part, parts[temp_targets[el.get(R_ID)]])
                pkg.add_override(part, CHART_CT)
                el.set(R_ID, pkg.add_rel(drawing, CHART_REL, part))
            root.append(anchor)
    pkg.write(drawing, _xml(root))
    return rid

