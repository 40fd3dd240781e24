"""Surgical edits of worksheet XML, as bytes.

Rows that are not edited are copied byte for byte; inside an edited row only the
named cells change. Works with any namespace prefix, rows and cells with or
without explicit references, and huge sheets (it streams over rows rather than
building a tree).
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable
from xml.sax.saxutils import escape

from ..cells import MAX_CELL_TEXT, cap_text, col_index, col_letter, to_serial

HIGHLIGHT_MARKER = "crm:validation"


def highlight_formula(severity: str) -> str:
    return f'ISTEXT("{HIGHLIGHT_MARKER}:{severity}")'
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

# CT_Worksheet children after sheetData, in schema order
_AFTER_CF = (b"dataValidations", b"hyperlinks", b"printOptions", b"pageMargins", b"pageSetup",
             b"headerFooter", b"rowBreaks", b"colBreaks", b"customProperties", b"cellWatches",
             b"ignoredErrors", b"smartTags", b"drawing", b"legacyDrawing", b"legacyDrawingHF",
             b"drawingHF", b"picture", b"oleObjects", b"controls", b"webPublishItems", b"tableParts",
             b"extLst")


def prefix_of(xml: bytes) -> bytes:
    """The namespace prefix of the worksheet element (b'' or e.g. b'x:')."""
    m = re.search(rb"<(\w+:)?worksheet\b", xml)
    return (m.group(1) or b"") if m else b""


def serials_1904(value: object) -> object:
    """A value to write into a 1904-system workbook: dates become their 1904 serials."""
    if isinstance(value, (dt.date, dt.datetime)):
        return to_serial(value, True)
    return value


def uses_1904(workbook_xml: bytes) -> bool:
    """Whether workbook.xml's workbookPr sets the 1904 date system."""
    m = re.search(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904=\"(1|true)\"", workbook_xml)
    return m is not None


def clean_text(text: str) -> str:
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


_PREFIX_TEXT = {b"": ""}
_SERIALS: dict[dt.date, str] = {}  # date → its serial as written (dates repeat: a few hundred distinct days)
_INF = (math.inf, -math.inf)


def s_attr(style: int | None) -> str:
    """The pre-encoded style attribute of a cell (empty for style 0 / none)."""
    return f' s="{style}"' if style else ""


def cell_str(ref: str, value: object, s: str, p: str = "") -> str:
    """One <c> element as text: ``s`` is the pre-encoded style attribute (:func:`s_attr`), ``p``
    the namespace prefix. The bulk writers (render, sheet_stream) join these and encode once."""
    cls = value.__class__
    if cls is float:
        if value != value or value in _INF:
            return f'<{p}c r="{ref}"{s}/>'
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)  # type: ignore[attr-defined]
        return f'<{p}c r="{ref}"{s}><{p}v>{text}</{p}v></{p}c>'
    if cls is str:
        text = value  # type: ignore[assignment]
        if not text.isprintable():  # control characters XML cannot carry (tab, newline are kept)
            text = clean_text(text)
        if len(text) > MAX_CELL_TEXT:
            text = cap_text(text)
        if not text:
            return f'<{p}c r="{ref}"{s}/>'
        space = ' xml:space="preserve"' if text[0] in _WS or text[-1] in _WS or "\n" in text else ""
        if "&" in text or "<" in text or ">" in text:
            text = text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")
        return f'<{p}c r="{ref}"{s} t="inlineStr"><{p}is><{p}t{space}>{text}</{p}t></{p}is></{p}c>'
    if value is None:
        return f'<{p}c r="{ref}"{s}/>'
    if cls is dt.date:
        text = _SERIALS.get(value)  # type: ignore[arg-type]
        if text is None:
            serial = to_serial(value)  # type: ignore[arg-type]
            text = _SERIALS[value] = str(int(serial)) if serial.is_integer() and abs(serial) < 1e15 \
                else repr(serial)  # type: ignore[index]
        return f'<{p}c r="{ref}"{s}><{p}v>{text}</{p}v></{p}c>'
    if cls is bool:
        return f'<{p}c r="{ref}"{s} t="b"><{p}v>{int(value)}</{p}v></{p}c>'  # type: ignore[call-overload]
    if isinstance(value, (dt.date, dt.datetime)):
        value = to_serial(value)
    if isinstance(value, (int, float)):
        return cell_str(ref, float(value), s, p)
    return cell_str(ref, str(value), s, p)


_INT_MAX = 10 ** 15


def column_cells(letter: str, rows: list[str], values: list[object], s: str, p: str = "") -> list[str]:
    """The <c> elements of one column, row by row, exactly as :func:`cell_str` writes each:
    ``rows`` are the rows' numbers as text, ``s`` the column's pre-encoded style attribute.

    The bulk form of the computed columns: numbers are formatted inline and every other value
    (a bucket's label, a choice, a blank) is encoded once per distinct value, so a column costs
    a string concatenation per cell rather than a call."""
    head = f'<{p}c r="{letter}'
    mid, end = f'"{s}><{p}v>', f"</{p}v></{p}c>"
    skip = len(f'<{p}c r="')
    cache: dict[object, str] = {}
    out: list[str] = []
    add = out.append
    for r, v in zip(rows, values):
        cls = v.__class__
        if cls is float:
            if v != v or v in _INF:
                add(cell_str(letter + r, v, s, p))
            else:
                add(head + r + mid + (str(int(v)) if v.is_integer() and abs(v) < 1e15  # type: ignore[attr-defined]
                                      else repr(v)) + end)
        elif cls is int and -_INT_MAX < v < _INT_MAX:  # type: ignore[operator]
            add(head + r + mid + str(v) + end)
        elif v is None or cls is str or cls is dt.date:
            rest = cache.get(v)
            if rest is None:
                rest = cache[v] = cell_str("", v, s, p)[skip:]
            add(head + r + rest)
        else:
            add(cell_str(letter + r, v, s, p))
    return out


_SAME_TEXT_WHEN_EQUAL = frozenset({float, int, str, type(None), dt.date})  # not bool: True == 1


def column_rests(values: list[object], s: str, p: str = "") -> list[str] | None:
    """What :func:`column_cells` writes after each cell's row number (its cell is
    ``'<c r="' + letter + row + rest``), each distinct value encoded once; None when a value's
    class is not one whose equal values are written alike (1 and 1.0 are; True is not)."""
    if not _SAME_TEXT_WHEN_EQUAL.issuperset(map(type, values)):
        return None
    mid, end = f'"{s}><{p}v>', f"</{p}v></{p}c>"
    skip = len(f'<{p}c r="')
    cache: dict[object, str] = {}
    for v in dict.fromkeys(values):
        cls = v.__class__
        if cls is float and v == v and v not in _INF:
            cache[v] = mid + (str(int(v)) if v.is_integer() and abs(v) < 1e15  # type: ignore[attr-defined]
                              else repr(v)) + end
        elif cls is int and -_INT_MAX < v < _INT_MAX:  # type: ignore[operator]
            cache[v] = mid + str(v) + end
        else:
            cache[v] = cell_str("", v, s, p)[skip:]
    return list(map(cache.__getitem__, values))


#: what str.strip() removes at either end decides xml:space="preserve" (kept as it was decided)
_WS = frozenset(c for c in map(chr, range(0x3001)) if c.isspace())


def cell_xml(ref: str, value: object, style: int | None, pfx: bytes = b"") -> bytes:
    """One <c> element. None gives an empty (styled) cell; text is written inline."""
    p = _PREFIX_TEXT.get(pfx)
    if p is None:
        p = _PREFIX_TEXT[pfx] = pfx.decode()
    return cell_str(ref, value, f' s="{style}"' if style else "", p).encode("utf-8")


class _Patterns:
    def __init__(self, pfx: bytes) -> None:
        p = re.escape(pfx)
        self.cell = re.compile(rb"<" + p + rb"c\b([^>]*?)(?:/>|>.*?</" + p + rb"c>)", re.S)
        self.sheet_data = re.compile(rb"<" + p + rb"sheetData\b[^>]*?(/?)>")
        self.sheet_data_end = b"</" + pfx + b"sheetData>"


_R_ATTR = re.compile(rb'\br="([A-Z]*)(\d*)"')
_S_ATTR = re.compile(rb'\bs="(\d+)"')
_SPANS = re.compile(rb'\s+spans="[^"]*"')


def _sheet_data_bounds(xml: bytes, pat: _Patterns) -> tuple[int, int, bool]:
    """(start of rows, end of rows, was self-closing)."""
    m = pat.sheet_data.search(xml)
    if not m:
        raise ValueError("worksheet without sheetData")
    if m.group(1) == b"/":
        return m.start(), m.end(), True
    end = xml.index(pat.sheet_data_end, m.end())
    return m.end(), end, False


def _with_ref(element: bytes, pfx: bytes, tag: bytes, ref: bytes) -> bytes:
    """Give an element that lacks one an explicit r attribute."""
    n = 1 + len(pfx) + len(tag)
    return element[:n] + b' r="' + ref + b'"' + element[n:]


def row_cells(body: bytes, pat: _Patterns, row: int, pfx: bytes = b"") -> list[tuple[int, bytes, bytes]]:
    """(column index, cell xml, attributes) of one row's cells; implicit refs made explicit."""
    out = []
    col = 0
    for m in pat.cell.finditer(body):
        attrs = m.group(1)
        r = _R_ATTR.search(attrs)
        cell = m.group(0)
        if r and r.group(1):
            col = col_index(r.group(1).decode())
        else:
            col += 1
            cell = _with_ref(cell, pfx, b"c", f"{col_letter(col)}{row}".encode())
        out.append((col, cell, attrs))
    return out


def cell_style(attrs: bytes) -> int:
    m = _S_ATTR.search(attrs)
    return int(m.group(1)) if m else 0


def has_formula(cell: bytes, pfx: bytes) -> bool:
    return b"<" + pfx + b"f" in cell and (b"<" + pfx + b"f>" in cell or b"<" + pfx + b"f " in cell)


_LETTERS: dict[bytes, int] = {}


def _col(letters: bytes) -> int:
    c = _LETTERS.get(letters)
    if c is None:
        c = _LETTERS[letters] = col_index(letters.decode())
    return c


def _col_checked(letters: bytes) -> int:
    """The column of a reference's letters, 0 unless they are 1–3 capitals A–Z (what _R_ATTR reads)."""
    if 0 < len(letters) <= 3 and letters.isalpha() and letters.isupper() and letters.isascii():
        return _col(letters)
    return 0


def _tail_cells(body: bytes, pfx: bytes, min_col: int) -> tuple[int, list[tuple[int, int, int]]] | None:
    """The cells at or right of ``min_col``, found by walking back from the row's end.

    Returns (where they start, [(col, start, end)]) or None when the row needs the full
    parse (cells without references, attribute-less cells, row extensions)."""
    opener = b"<" + pfx + b"c "
    if b"<" + pfx + b"c>" in body or b"<" + pfx + b"c/>" in body or b"extLst" in body:
        return None
    cells: list[tuple[int, int, int]] = []
    end = len(body)
    pos = end
    while True:
        a = body.rfind(opener, 0, pos)
        if a < 0:
            break
        tag_end = body.find(b">", a)
        m = _R_ATTR.search(body, a, tag_end)
        if not m or not m.group(1):
            return None
        col = _col(m.group(1))
        if col < min_col:
            return pos if cells else end, cells[::-1]
        cells.append((col, a, pos))
        pos = a
    return (cells[-1][1] if cells else end), cells[::-1]


def _edit_row(body: bytes, rownum: int, upd: dict[int, tuple[object, int | None]], pat: _Patterns, pfx: bytes,
              defaults: dict[int, int], found: tuple[int, list[tuple[int, int, int]]] | None | bool = False
              ) -> tuple[bytes, bool]:
    """A row's cells with ``upd`` applied; untouched cells keep their bytes. ``found`` is what
    :func:`_tail_cells` gave for this row when the caller already asked it."""
    if found is False:
        found = _tail_cells(body, pfx, min(upd))
    formula = False
    p = _PREFIX_TEXT.get(pfx)
    if p is None:
        p = _PREFIX_TEXT[pfx] = pfx.decode()
    rs = str(rownum)
    if found is None:  # the general path: parse every cell
        merged = {c: x for c, x, _ in row_cells(body, pat, rownum, pfx)}
        styles = {c: cell_style(x[:x.find(b">")]) for c, x in merged.items() if c in upd}
        for c, (v, st) in upd.items():
            if c in merged and has_formula(merged[c], pfx):
                formula = True
            merged[c] = cell_str(col_letter(c) + rs, v, s_attr(st if st is not None else
                                                              (styles.get(c) or defaults.get(c))), p).encode()
        return b"".join(merged[c] for c in sorted(merged)), formula
    start, tail = found  # type: ignore[misc]
    cells: dict[int, bytes | str] = {c: body[a:b] for c, a, b in tail}
    for c, (v, st) in upd.items():
        old = cells.get(c)
        style = st
        if old is not None:
            if style is None:
                style = cell_style(old[:old.find(b">")]) or defaults.get(c)  # type: ignore[arg-type]
            if has_formula(old, pfx):  # type: ignore[arg-type]
                formula = True
        elif style is None:
            style = defaults.get(c)
        cells[c] = cell_str(col_letter(c) + rs, v, s_attr(style), p)
    return body[:start] + b"".join(x.encode() if x.__class__ is str else x  # type: ignore[union-attr,misc]
                                   for x in (cells[c] for c in sorted(cells))), formula


def row_xml(r: int, cells: list[tuple[int, object, int | None]], pfx: bytes) -> bytes:
    p = pfx.decode()
    rs = str(r)
    return (f'<{p}row r="{rs}">' + "".join(cell_str(col_letter(c) + rs, v, s_attr(s), p) for c, v, s in cells)
            + f"</{p}row>").encode()


def _extend_dimension(xml: bytes, pfx: bytes, last_row: int | None, last_col: int | None = None) -> bytes:
    """Widen <dimension> to cover rows and columns the add-in wrote (readers that trust it would
    otherwise cut the sheet short)."""
    m = re.search(rb"<" + re.escape(pfx) + rb'dimension\s+ref="([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?"', xml)
    if not m:
        return xml
    c1, r1 = m.group(1), m.group(2)
    c2, r2 = m.group(3) or c1, m.group(4) or r1
    rows = max(int(r2), last_row or 0)
    cols = max(col_index(c2.decode()), last_col or 0)
    if rows == int(r2) and cols == col_index(c2.decode()):
        return xml
    ref = c1 + r1 + b":" + col_letter(cols).encode() + str(rows).encode()
    return xml[:m.start(1)] + ref + xml[m.end(4) if m.group(4) else m.end(2):]


# ------------------------------------------------------------------ highlights
def cell_runs(cells: Iterable[tuple[int, int]]) -> list[str]:
    """Merge vertically adjacent cells into ranges: C5 C6 C7 → C5:C7."""
    by_col: dict[int, list[int]] = {}
    for r, c in set(cells):
        by_col.setdefault(c, []).append(r)
    refs = []
    for c in sorted(by_col):
        rows = sorted(by_col[c])
        lo = prev = rows[0]
        for r in rows[1:] + [None]:  # type: ignore[list-item]
            if r is not None and r == prev + 1:
                prev = r
                continue
            a = f"{col_letter(c)}{lo}"
            refs.append(a if lo == prev else f"{a}:{col_letter(c)}{prev}")
            if r is not None:
                lo = prev = r
    return refs


def set_highlights(xml: bytes, cells: dict[str, list[tuple[int, int]]], dxf: dict[str, int]) -> bytes:
    """Replace the add-in's highlight rules: ``cells`` maps a severity to (row, col) cells,
    ``dxf`` a severity to the differential format (fill) it shows.

    Highlights are conditional formats whose formula carries a marker, so they only
    change the fill a user sees: value, number format and font are untouched, and
    an earlier run's highlights are removed exactly.
    """
    pfx = prefix_of(xml)
    pat = _Patterns(pfx)
    _, end, self_closing = _sheet_data_bounds(xml, pat)
    split = end if self_closing else end + len(pat.sheet_data_end)
    if not any(cells.values()) and xml.find(HIGHLIGHT_MARKER.encode(), split) < 0:
        return xml
    return xml[:split] + highlight_tail(xml[split:], cells, dxf, pfx)


def highlight_tail(tail: bytes, cells: dict[str, list[tuple[int, int]]], dxf: dict[str, int], pfx: bytes) -> bytes:
    """The part of a sheet after </sheetData>, with the add-in's highlight rules replaced."""
    p = re.escape(pfx)
    cf = re.compile(rb"<" + p + rb"conditionalFormatting\b[^>]*>.*?</" + p + rb"conditionalFormatting>", re.S)
    rule = re.compile(rb"<" + p + rb"cfRule\b[^>]*?(?:/>|>.*?</" + p + rb"cfRule>)", re.S)
    marker = HIGHLIGHT_MARKER.encode()

    def without_ours(m: re.Match) -> bytes:
        # only the add-in's marked rules go: a user's rule grouped on the same range stays
        block = m.group(0)
        if marker not in block:
            return block
        kept = rule.sub(lambda r: b"" if marker in r.group(0) else r.group(0), block)
        return kept if rule.search(kept) else b""

    if marker in tail:
        tail = cf.sub(without_ours, tail)
    if not any(cells.values()):
        return tail
    pr = [int(x) for x in re.findall(rb'priority="(\d+)"', tail)]
    priority = max(pr, default=0)
    s = pfx.decode()
    blocks = []
    for severity, where in cells.items():
        if not where:
            continue
        priority += 1
        refs = cell_runs(where)
        formula = escape(highlight_formula(severity))
        for i in range(0, len(refs), 1000):
            sq = " ".join(refs[i:i + 1000])
            blocks.append(
                f'<{s}conditionalFormatting sqref="{sq}"><{s}cfRule type="expression" dxfId="{dxf[severity]}" '
                f'priority="{priority}"><{s}formula>{formula}</{s}formula></{s}cfRule>'
                f"</{s}conditionalFormatting>".encode())
    insert_at = _cf_position(tail, pfx)
    return tail[:insert_at] + b"".join(blocks) + tail[insert_at:]


def _cf_position(tail: bytes, pfx: bytes) -> int:
    """Where a conditionalFormatting element goes in the part after sheetData."""
    p = re.escape(pfx)
    last_cf = None
    for m in re.finditer(rb"</" + p + rb"conditionalFormatting>", tail):
        last_cf = m.end()
    if last_cf is not None:
        return last_cf
    best = None
    for name in _AFTER_CF:
        m = re.search(rb"<" + p + re.escape(name) + rb"[\s/>]", tail)
        if m and (best is None or m.start() < best):
            best = m.start()
    if best is not None:
        return best
    return tail.rindex(b"</" + pfx + b"worksheet>")


def highlighted_cells(xml: bytes) -> dict[str, list[str]]:
    """Severity → refs of the add-in's highlight rules (for tests and diagnostics)."""
    out: dict[str, list[str]] = {}
    for m in re.finditer(rb'<(?:\w+:)?conditionalFormatting\b[^>]*sqref="([^"]*)"[^>]*>(.*?)</(?:\w+:)?'
                         rb"conditionalFormatting>", xml, re.S):
        hit = re.search(HIGHLIGHT_MARKER.encode() + rb":(\w+)", m.group(2))
        if hit:
            out.setdefault(hit.group(1).decode(), []).extend(m.group(1).decode().split())
    return out


# --------------------------------------------------------------- column blocks
def column_updates(first_row: int, columns: dict[int, list[object]]):
    """(row → updates, rows with updates) for whole column blocks from ``first_row`` down."""
    cols = sorted(columns)
    n = max((len(v) for v in columns.values()), default=0)

    def rows(r: int) -> dict[int, tuple[object, int | None]] | None:
        i = r - first_row
        if not 0 <= i < n:
            return None
        return {c: (columns[c][i], None) for c in cols if i < len(columns[c])}

    return rows, list(range(first_row, first_row + n))




# ------------------------------------------------------ cells calamine reads as blank
_FLAG_HIT = re.compile(rb'<(?:\w+:)?f[\s>/]|\bt="e"')
_V_TEXT = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_F_TEXT = re.compile(rb"<(?:\w+:)?f\b[^>]*>([^<]*)</(?:\w+:)?f>")


def may_hold_flagged_cells(xml: bytes, pfx: bytes = b"") -> bool:
    """A fast first look (the sheet is scanned whole only when this says yes): a formula element
    (``<f>``, ``<f …>``, ``<x:f…`` with the sheet's prefix) or an error cell. Each ``find`` runs at
    memory speed; the few hits of ``<f`` that are not formulas (``<formula1>`` of a validation) are
    checked one by one."""
    if b't="e"' in xml:
        return True
    needle = b"<" + pfx + b"f"
    n = len(needle)
    # every occurrence of the needle ends in an 'f', and sheet XML has few of them (none in the
    # markup of cells): each is found by memchr and checked; past 64 in one piece of text (English
    # text), the needle itself is searched
    i, seen = xml.find(b"f"), 0
    while i >= 0:
        if xml[i + 1:i + 2] in (b" ", b">", b"/") and i >= n - 1 and xml[i - n + 1:i + 1] == needle:
            return True
        seen += 1
        if seen > 64:
            return _formula_element(xml, needle)
        i = xml.find(b"f", i + 1)
    return False


def _formula_element(xml: bytes, needle: bytes) -> bool:
    """Whether ``needle`` (``<f``, ``<x:f``) occurs in ``xml`` followed by a space, '>' or '/'."""
    n = len(needle)
    i = xml.find(needle)
    while i >= 0:
        if xml[i + n:i + n + 1] in (b" ", b">", b"/"):
            return True
        i = xml.find(needle, i + n)
    return False


def flagged_cells(xml: bytes) -> dict[int, dict[int, object]]:
    """Row → column → CellError / NoCachedValue for the cells a reader would show as blank:
    error values (#N/A, #DIV/0!…) and formulas saved without their result."""
    from xml.sax.saxutils import unescape

    from ..core.parse import CellError, NoCachedValue

    out: dict[int, dict[int, object]] = {}
    done = -1
    for hit in _FLAG_HIT.finditer(xml):
        if hit.start() < done:
            continue  # the same cell's other marker
        a = max(xml.rfind(b"<c ", 0, hit.start()), xml.rfind(b":c ", 0, hit.start()) - 1)
        if a < 0:
            continue
        tag_end = xml.find(b">", a)
        attrs = xml[a:tag_end]
        if xml[tag_end - 1:tag_end] == b"/":
            done = tag_end
            continue
        close = re.compile(rb"</(?:\w+:)?c>").search(xml, tag_end)
        if close is None:
            continue
        done = close.end()
        if hit.start() > close.start():
            continue
        body = xml[tag_end + 1:close.start()]
        ref = _R_ATTR.search(attrs)
        if not ref or not ref.group(1):
            continue
        row, col = int(ref.group(2)), col_index(ref.group(1).decode())
        v = _V_TEXT.search(body)
        if re.search(rb'\bt="e"', attrs):
            value: object = CellError(unescape(v.group(1).decode()) if v else "#N/A")
        elif (v is None or not v.group(1)) and not re.search(rb'\bt="str"', attrs):
            f = _F_TEXT.search(body)
            value = NoCachedValue(unescape(f.group(1).decode()) if f else "…")
        else:
            continue
        out.setdefault(row, {})[col] = value
    return out
