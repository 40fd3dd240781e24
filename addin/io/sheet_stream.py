"""Stream a worksheet's XML through the add-in's edits, chunk by chunk.

Memory stays proportional to a chunk, not to the sheet: rows outside the edits are
copied through as they come; an edited row keeps every byte of its untouched cells.
The part after </sheetData> (merges, validations, conditional formats…) is small
and is edited whole, for the highlights.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, zip_longest

from ..cells import col_letter
from .shared_formulas import plain_children
from .sheet_xml import (
    _LETTERS,
    _R_ATTR,
    _S_ATTR,
    _SPANS,
    _col_checked,
    _edit_row,
    _extend_dimension,
    _Patterns,
    _tail_cells,
    _with_ref,
    cell_str,
    cell_style,
    column_cells,
    column_rests,
    column_updates,
    has_formula,
    highlight_tail,
    prefix_of,
    row_xml,
    s_attr,
)
from .tables import grow_sheet_ranges

Updates = dict[int, tuple[object, int | None]]  # col → (value, style or None = keep / default)


@dataclass
class Edits:
    """What to do to one sheet."""

    rows: Callable[[int], Updates | None] = lambda r: None  # updates of an Excel row
    update_rows: list[int] = field(default_factory=list)  # sorted rows that have updates
    defaults: dict[int, int] = field(default_factory=dict)  # style of a new cell per column
    append: list[bytes] = field(default_factory=list)  # whole <row> elements added at the end
    highlights: tuple[dict[str, list[tuple[int, int]]], dict[str, int]] | None = None
    last_row: int | None = None  # extend <dimension> to this row (after appends)
    last_col: int | None = None  # …and to this column (computed columns)
    removed_formula: bool = False
    shared: dict = field(default_factory=dict)  # si → dissolved shared-formula group (shared_formulas)
    grow: tuple[int, int] | None = None  # (old last data row, new last row): ranges over the data follow
    # Column blocks from one first row down (first row, col → values), every cell taking its
    # column's default style: the rows they cover, except ``bulk_skip``, are encoded in bulk
    # (:class:`_BulkRows`) — the same bytes the cell-by-cell path writes, at a fraction of the cost.
    bulk: tuple[int, dict[int, list[object]]] | None = None
    bulk_skip: set[int] = field(default_factory=set)


def _new_row(r: int, cells: Updates, defaults: dict[int, int], pfx: bytes) -> bytes:
    return row_xml(r, [(c, v, s if s is not None else defaults.get(c)) for c, (v, s) in sorted(cells.items())], pfx)


def _has_values(cells: Updates) -> bool:
    return any(v is not None for v, _ in cells.values())


class _BulkRows:
    """The new cells of the rows a column block covers, encoded a chunk of rows at a time (memory
    stays bounded by the chunk): ``text(r)`` is what :meth:`_RowEditor._appended` would write for
    row ``r`` after its last cell, or None when the row is not the block's alone."""

    CHUNK = 4096

    def __init__(self, edits: Edits, p: str) -> None:
        first, columns = edits.bulk  # type: ignore[misc]
        self.first, self.skip, self.p = first, edits.bulk_skip, p
        self.cols = sorted(columns)
        self.values = [columns[c] for c in self.cols]
        self.n = max((len(v) for v in self.values), default=0)
        self.letters = [col_letter(c) for c in self.cols]
        self.attrs = [s_attr(edits.defaults.get(c)) for c in self.cols]
        self.min_col = self.cols[0] if self.cols else 0
        self.uniform = all(len(v) == self.n for v in self.values)  # every row's text holds every column
        self.styles = {c: edits.defaults.get(c) or 0 for c in self.cols}
        self.pfx = p.encode()
        self.chunk = -1
        self.texts: list[bytes] = []
        self.heads: list[bytes] = []  # each row's plain start tag, <row r="N">
        self.head_form = b"<" + self.pfx + b'row r="%d">'

    def replaces(self, body: bytes, cells: list[tuple[int, int, int]]) -> bool:
        """Whether a row's cells at or right of the block (``cells``: (col, start, end) in ``body``)
        are all the block's, without a formula and in their column's default style (or none), so
        that the cell-by-cell path would write exactly this row's text in their place."""
        if not self.uniform:
            return False
        styles, pfx = self.styles, self.pfx
        for c, a, b in cells:
            want = styles.get(c)
            if want is None:
                return False  # a cell right of the block: kept by the cell-by-cell path
            cell = body[a:b]
            if has_formula(cell, pfx):
                return False
            style = cell_style(cell[:cell.find(b">")])
            if style and style != want:
                return False  # a style the user gave the cell stays
        return True

    def text(self, r: int) -> bytes | None:
        i = r - self.first
        if not 0 <= i < self.n or r in self.skip:
            return None
        texts, _, lo, _ = self.chunk_of(r)
        return texts[r - lo]

    def chunk_of(self, r: int) -> tuple[list[bytes], list[bytes], int, int]:
        """(the texts of the chunk of rows holding row ``r``, the rows' plain start tags, its first
        row, the row after its last); ``r`` must be one of the block's rows."""
        k = (r - self.first) // self.CHUNK
        if k != self.chunk:
            lo = k * self.CHUNK
            hi = min(lo + self.CHUNK, self.n)
            rows = list(map(str, range(self.first + lo, self.first + hi)))
            rests = [column_rests(v[lo:hi], a, self.p) for v, a in zip(self.values, self.attrs)] \
                if self.uniform else [None]
            if None not in rests:  # a row's cells in one %-format: '<c r="C' + row + rest, column by column
                form = "".join(f'<{self.p}c r="{letter}%s%s' for letter in self.letters)
                texts = map(form.__mod__, zip(*chain.from_iterable((rows, r) for r in rests)))
            else:
                cols = [column_cells(letter, rows, v[lo:hi], a, self.p)
                        for letter, v, a in zip(self.letters, self.values, self.attrs)]
                texts = map("".join, zip_longest(*cols, fillvalue=""))
            # the chunk encoded once and cut at the separators (no cell's text holds a NUL:
            # cell_str drops the control characters XML cannot carry)
            self.texts = "\0".join(texts).encode().split(b"\0")
            self.chunk = k
            self.span = (self.first + lo, self.first + hi)
            self.heads = list(map(self.head_form.__mod__, range(*self.span)))
        return self.texts, self.heads, *self.span


class _RowEditor:
    def __init__(self, edits: Edits, pfx: bytes, fast: bool = True) -> None:
        self.e, self.pfx = edits, pfx
        self.pat = _Patterns(pfx)
        self.open = b"<" + pfx + b"row"
        self.close = b"</" + pfx + b"row>"
        self.rownum = 0
        self.k = 0  # next index in update_rows
        self.p = pfx.decode()
        self.attrs: dict[int | None, str] = {}  # style → its pre-encoded attribute
        self.letters: dict[int, str] = {}
        self.bulk = _BulkRows(edits, self.p) if edits.bulk is not None else None
        self.fast = fast and self.bulk is not None
        self.skips = fast
        self.row_number = re.compile(b"<" + re.escape(pfx) + rb'row r="(\d+)"')
        self.numbered = self.open + b' r="'
        self.copen = b"<" + pfx + b"c "
        self.cref = b"<" + pfx + b'c r="'
        self.fopen = b"<" + pfx + b"f"
        # each block column's cell opening as the add-in writes it: (<c r="LETTERS, ' s="N"'); none
        # when a column's style is 0 (its cells carry no s attribute to look for)
        bulk = self.bulk
        self.cell_heads = None if bulk is None or not all(bulk.styles.values()) else [
            (self.cref + letter.encode(), b' s="%d"' % bulk.styles[c]) for c, letter in zip(bulk.cols, bulk.letters)]
        # what makes _tail_cells give up on a row (the general path parses it)
        self.odd = re.compile(b"<" + re.escape(pfx) + rb"c[>/]")

    def _appended(self, upd: Updates) -> bytes:
        """The cells of ``upd`` as text, for a row where they all go after its last cell."""
        rs = str(self.rownum)
        defaults, attrs, letters, p = self.e.defaults, self.attrs, self.letters, self.p
        out = []
        for c in sorted(upd):
            v, s = upd[c]
            if s is None:
                s = defaults.get(c)
            a = attrs.get(s)
            if a is None:
                a = attrs[s] = s_attr(s)
            letter = letters.get(c)
            if letter is None:
                letter = letters[c] = col_letter(c)
            out.append(cell_str(letter + rs, v, a, p))
        return "".join(out).encode()

    def _insert_before(self, rownum: int, out: list[bytes]) -> None:
        order = self.e.update_rows
        while self.k < len(order) and order[self.k] < rownum:
            r = order[self.k]
            cells = self.e.rows(r) or {}
            if _has_values(cells):
                out.append(_new_row(r, cells, self.e.defaults, self.pfx))
            self.k += 1

    def _cell_col(self, frag: bytes, c: int) -> int:
        """The column of the cell that opens at ``c``, read from its reference when that is its first
        attribute; 0 when it is not, or is no reference (the general loop reads such a cell)."""
        cref = self.cref
        if not frag.startswith(cref, c):
            return 0
        start = c + len(cref)
        ref = frag[start:frag.find(b'"', start)].rstrip(b"0123456789")
        return _LETTERS.get(ref) or _col_checked(ref)

    def _unspanned(self, frag: bytes, pos: int, a: int, tag_end: int, add: Callable[[bytes], None]) -> int:
        """The bytes up to the row at ``a``, then its start tag without ``spans`` (an edited row drops
        them, as the general loop's do); returns where the copy goes on from."""
        add(frag[pos:a])
        add(self.open + _SPANS.sub(b"", frag[a + len(self.open):tag_end]) + b">")
        return tag_end + 1

    def _fast_rows(self, frag: bytes, scan: int, pos: int, out: list[bytes]) -> tuple[int, int]:
        """The common rows of a bulk block, from ``scan`` on, with a few byte searches each and no
        copy of their bytes: a row (numbered, not self-closing) that the block covers gets its new
        cells inserted before its ``</row>`` when its last cell is left of the block, and keeps its
        bytes when it already ends with exactly them. Stops, returning (scan, pos), at the first row
        that needs more (the general loop of :meth:`rows` takes it: then this is called again) —
        the bytes written are those of that loop, which a test compares on every shape of row."""
        bulk = self.bulk
        assert bulk is not None
        order, k, nord = self.e.update_rows, self.k, len(self.e.update_rows)
        first, last, skip, min_col = bulk.first, bulk.first + bulk.n, bulk.skip, bulk.min_col
        texts: list[bytes] = []
        heads: list[bytes] = []
        t_lo = t_hi = 0
        open_, numbered, n_len, close, c_len = self.open, self.numbered, len(self.numbered), self.close, len(self.close)
        copen, cell_col = self.copen, self._cell_col
        find, rfind, startswith, add = frag.find, frag.rfind, frag.startswith, out.append
        while k < nord:
            want = order[k]
            if not t_lo <= want < t_hi:
                if not first <= want < last:
                    break
                texts, heads, t_lo, t_hi = bulk.chunk_of(want)
            head = heads[want - t_lo]
            if startswith(head, scan):  # the common row: numbered as expected, no other attribute
                a, r, tag_end = scan, want, scan + len(head) - 1
                spans = False
            else:
                a = find(open_, scan)
                if a < 0 or not startswith(numbered, a):
                    break
                q = find(b'"', a + n_len)
                digits = frag[a + n_len:q]
                tag_end = find(b">", q)
                if frag[tag_end - 1] == 47 or not digits.isdigit():  # self-closing, r=""
                    break
                r = int(digits)
                if r > want:  # rows to insert before this one
                    break
                spans = tag_end != q + 1 and find(b"spans", q, tag_end) >= 0
            e = find(close, tag_end)
            if e < 0:
                break
            if r < want:  # not edited: stays in the copied span
                self.rownum, scan = r, e + c_len
                continue
            if skip and r in skip:
                break
            text = texts[r - t_lo]
            if not text:
                break
            c = rfind(copen, tag_end, e)  # the row's last cell
            if c >= 0:
                col = cell_col(frag, c)
                if not col:  # its first attribute is not r: the general loop reads it
                    break
                if col >= min_col:  # cells at or right of the block already
                    if not frag.endswith(text, tag_end + 1, e):
                        start = self._replaced_from(frag, tag_end, e, c, col, r)
                        if start < 0:
                            break
                        if spans:  # yesterday's cells give way to today's (as bulk.replaces lets them)
                            pos = self._unspanned(frag, pos, a, tag_end, add)
                        add(frag[pos:start])
                        add(text)
                        pos = e
                        k += 1
                        self.rownum, scan = r, e + c_len
                        continue
                    c = rfind(copen, tag_end, e - len(text))  # the last cell before them
                    if c >= 0:
                        col = cell_col(frag, c)
                        if not col or col >= min_col:
                            break
                    k += 1  # already holds exactly these cells: keeps its bytes
                    self.rownum, scan = r, e + c_len
                    continue
            if spans:  # an edited row drops its spans (as the general loop's do)
                pos = self._unspanned(frag, pos, a, tag_end, add)
            add(frag[pos:e])
            add(text)
            pos = e
            k += 1
            self.rownum, scan = r, e + c_len
        self.k = k
        return scan, pos

    def _as_written(self, frag: bytes, tag_end: int, e: int, r: int) -> int:
        """Where yesterday's computed cells start when the row ends with them as the add-in wrote
        them — each block column's cell once, in order, opening with its reference and its
        column's style, nothing else from there on, no formula, the cell before them left of the
        block — found with a search per cell; -1 when not (:meth:`_replaced_from` walks them)."""
        find, startswith = frag.find, frag.startswith
        heads = self.cell_heads
        if heads is None:
            return -1
        ref_end = b"%d\"" % r
        q = start = find(heads[0][0] + ref_end, tag_end, e)
        if start < 0 or frag.count(self.copen, start, e) != len(heads):
            return -1
        for head, style in heads:
            head += ref_end
            if not startswith(head, q):
                q = find(head, q, e)
                if q < 0:
                    return -1
            q += len(head)
            if not startswith(style, q):
                return -1
        if find(self.fopen, start, e) >= 0:
            return -1
        c = frag.rfind(self.copen, tag_end, start)  # the cell before them
        if c >= 0:
            col = self._cell_col(frag, c)
            if not col or col >= self.bulk.min_col:  # type: ignore[union-attr]
                return -1
        return start

    def _replaced_from(self, frag: bytes, tag_end: int, e: int, c: int, col: int, r: int) -> int:
        """Where a row's cells at or right of the block start — the row (number ``r``) has its body
        from ``tag_end + 1`` to ``e``, its last cell at ``c`` in column ``col`` — when they may all
        give way to the block's text (what :meth:`_BulkRows.replaces` allows: each in one of the
        block's columns, without a formula, in its column's style or none); -1 when the general
        loop must look."""
        bulk = self.bulk
        assert bulk is not None
        if not bulk.uniform:
            return -1
        start = self._as_written(frag, tag_end, e, r)
        if start >= 0:
            return start
        styles, min_col, copen = bulk.styles, bulk.min_col, self.copen
        fopen = self.fopen
        end = e
        while True:
            want = styles.get(col)
            if want is None or frag.find(fopen, c, end) >= 0:  # right of the block; a formula (or so it seems)
                return -1
            m = _S_ATTR.search(frag, c, frag.find(b">", c))
            if m is not None and int(m.group(1)) not in (0, want):
                return -1  # a style the user gave the cell stays
            end = c
            c = frag.rfind(copen, tag_end, c)
            if c < 0:
                return end
            col = self._cell_col(frag, c)
            if not col:
                return -1
            if col < min_col:
                return end

    def _skip_untouched(self, frag: bytes, scan: int) -> tuple[int, bool]:
        """Past the rows before the next edited one, when every one of them is numbered (r its first
        attribute) and below it: the general loop would leave each as it is (a log whose harvested
        rows go at its end is not walked row by row). Returns (scan, whether to try again)."""
        want = self.e.update_rows[self.k]
        x = frag.find(self.open + b' r="%d"' % want, scan)
        if x == scan:
            return scan, True
        if x < 0:
            x = len(frag)
        numbers = self.row_number.findall(frag, scan, x)
        if frag.count(self.open, scan, x) != len(numbers) or (numbers and max(map(int, numbers)) >= want):
            return scan, False
        if numbers:
            self.rownum = int(numbers[-1])
        return x, True

    def rows(self, frag: bytes) -> bytes:
        """Edit a fragment made of whole <row> elements."""
        out: list[bytes] = []
        pos = scan = 0
        n = len(frag)
        order = self.e.update_rows
        numbered = self.open + b' r="'
        looked = False
        fast = self.fast and not self.e.shared and b"extLst" not in frag and self.odd.search(frag) is None
        skipping = self.skips and not self.e.shared
        while True:
            if fast and self.k < len(order):
                scan, pos = self._fast_rows(frag, scan, pos, out)
            if skipping and self.k < len(order):
                scan, skipping = self._skip_untouched(frag, scan)
            if not looked and self.k >= len(order) and not self.e.shared:  # no more edits: the rest is copied…
                looked = True
                last = frag.rfind(numbered, scan)
                if last < 0:
                    if frag.find(self.open, scan) < 0:
                        break
                elif frag.count(self.open, scan) == frag.count(numbered, scan):  # …when every row has its number
                    digits = frag[last + len(numbered):frag.find(b'"', last + len(numbered))]
                    if digits.isdigit():
                        self.rownum = int(digits)
                        break
            a = frag.find(self.open, scan)
            if a < 0:
                break
            tag_end = frag.find(b">", a)
            self_closing = frag[tag_end - 1:tag_end] == b"/"
            if self_closing:
                body, b_end = b"", tag_end + 1
            else:
                body_end = frag.find(self.close, tag_end)
                body, b_end = frag[tag_end + 1:body_end], body_end + len(self.close)
            scan = b_end
            m = _R_ATTR.search(frag, a, tag_end)
            explicit = bool(m and m.group(2))
            self.rownum = int(m.group(2)) if explicit else self.rownum + 1
            before: list[bytes] = []
            self._insert_before(self.rownum, before)
            upd = None
            text = None
            if self.k < len(order) and order[self.k] == self.rownum:
                self.k += 1
                if self.bulk is not None:
                    text = self.bulk.text(self.rownum)
                if text is None:
                    upd = self.e.rows(self.rownum)
            patch = self.e.shared and any(g.first_row <= self.rownum <= g.last_row for g in self.e.shared.values())
            if text is not None:  # the bulk path: the new cells go after the row's last, or are there already
                min_col = self.bulk.min_col  # type: ignore[union-attr]
                if body.endswith(text) and (found := _tail_cells(body[:len(body) - len(text)], self.pfx, min_col)) \
                        is not None and not found[1]:  # ("<" only starts markup: the suffix is whole cells)
                    if explicit and not before and not patch:
                        continue  # its computed cells already hold these values: the row keeps its bytes
                    new_body = body
                    upd = True  # type: ignore[assignment]
                elif (found := _tail_cells(body, self.pfx, min_col)) is None:
                    upd = self.e.rows(self.rownum)
                    text = None
                elif not found[1]:
                    new_body = body + text
                    upd = True  # type: ignore[assignment]
                elif self.bulk.replaces(body, found[1]):  # type: ignore[union-attr]
                    new_body = body[:found[0]] + text  # yesterday's figures give way to today's
                    upd = True  # type: ignore[assignment]
                else:
                    upd = self.e.rows(self.rownum)
                    text = None
            if not upd and explicit and not before and not patch:
                continue  # untouched: stays in the copied span
            element = frag[a:b_end]
            if upd and text is None:
                found = _tail_cells(body, self.pfx, min(upd))
                if found is not None and not found[1]:
                    new_body = body + self._appended(upd)
                else:
                    new_body, formula = _edit_row(body, self.rownum, upd, self.pat, self.pfx, self.e.defaults, found)
                    if new_body == body and explicit and not before and not patch:
                        continue  # its computed cells already hold these values: the row keeps its bytes
                    self.e.removed_formula |= formula
            if upd:
                attrs = frag[a + len(self.open):tag_end].rstrip(b"/")
                attrs = _SPANS.sub(b"", attrs)
                if not explicit:
                    attrs = b' r="%d"' % self.rownum + attrs
                element = self.open + attrs + b">" + new_body + self.close
            elif not explicit:
                element = _with_ref(element, self.pfx, b"row", str(self.rownum).encode())
            out.append(frag[pos:a])
            out.extend(before)
            if patch:
                element = plain_children(element, self.rownum, self.e.shared)
            out.append(element)
            pos = b_end
        out.append(frag[pos:n])
        return b"".join(out)

    def finish(self) -> bytes:
        """Rows still due (below the last existing row), then the appended rows."""
        out: list[bytes] = []
        self._insert_before(1 << 31, out)
        out.extend(self.e.append)
        return b"".join(out)


def rewrite(chunks: Iterable[bytes], edits: Edits, *, fast: bool = True) -> Iterator[bytes]:
    """Yield the edited sheet XML for ``chunks`` of the original. ``fast``: the common rows of a
    bulk block take :meth:`_RowEditor._fast_rows` (False: every row the general loop; the same bytes)."""
    it = iter(chunks)
    buf = b""
    # up to and including the <sheetData> start tag
    while True:
        m = re.search(rb"<(\w+:)?sheetData\b[^>]*?(/?)>", buf)
        if m:
            break
        chunk = next(it, None)
        if chunk is None:
            raise ValueError("worksheet without sheetData")
        buf += chunk
    pfx = prefix_of(buf[: m.start()] or buf)
    editor = _RowEditor(edits, pfx, fast)
    end_tag = b"</" + pfx + b"sheetData>"
    if m.group(2) == b"/":  # <sheetData/>: nothing to copy, only rows to add
        rows = editor.finish()
        before = buf[: m.start()]
        if edits.last_row or edits.last_col:
            before = _extend_dimension(before, pfx, edits.last_row, edits.last_col)
        yield before + m.group(0)[:-2] + b">" + rows + end_tag
        tail = buf[m.end():] + b"".join(it)
    else:
        head = buf[: m.end()]
        yield _extend_dimension(head, pfx, edits.last_row, edits.last_col) if edits.last_row or edits.last_col \
            else head
        buf = buf[m.end():]
        while True:
            stop = buf.find(end_tag)
            if stop >= 0:
                yield editor.rows(buf[:stop])
                yield editor.finish() + end_tag
                tail = buf[stop + len(end_tag):] + b"".join(it)
                break
            cut = buf.rfind(editor.close)
            if cut >= 0:
                cut += len(editor.close)
                yield editor.rows(buf[:cut])
                buf = buf[cut:]
            chunk = next(it, None)
            if chunk is None:
                raise ValueError("worksheet without </sheetData>")
            buf += chunk
    if edits.grow is not None:
        tail = grow_sheet_ranges(tail, *edits.grow)
    if edits.highlights is not None:
        cells, dxf = edits.highlights
        tail = highlight_tail(tail, cells, dxf, pfx)
    yield tail


# ------------------------------------------- whole parts in memory (tests, small parts)
def edit_cells(xml: bytes, updates: dict[int, dict[int, tuple[object, int | None]]],
               default_style: dict[int, int] | None = None) -> tuple[bytes, bool]:
    """Set cells of a whole part in memory (the engine streams; see sheet_stream.rewrite).
    ``updates`` maps row → col → (value, style or None).

    A style of None keeps the existing cell's style (when it has one) or takes
    ``default_style[col]``. Returns the new XML and whether a formula was overwritten.
    """
    edits = Edits(rows=updates.get, update_rows=sorted(updates), defaults=default_style or {})
    out = b"".join(rewrite([xml], edits))
    return out, edits.removed_formula


def append_rows(xml: bytes, first_row: int, rows: list[list[tuple[int, object, int | None]]]) -> bytes:
    """Append rows (each a list of (col, value, style)) at the end of sheetData."""
    pfx = prefix_of(xml)
    edits = Edits(append=[row_xml(first_row + i, cells, pfx) for i, cells in enumerate(rows)],
                  last_row=first_row + len(rows) - 1)
    return b"".join(rewrite([xml], edits))


def set_columns(xml: bytes, first_row: int, columns: dict[int, list[object]],
                default_style: dict[int, int] | None = None, *, bulk: bool = True, fast: bool = True,
                single: dict[int, dict[int, tuple[object, int | None]]] | None = None) -> tuple[bytes, bool]:
    """Write whole column blocks: ``columns`` maps a column index to its values from
    ``first_row`` down (None clears a cell, keeping its style). ``bulk``: encode the rows in bulk,
    as the engine does (False: cell by cell; the two give the same bytes); ``fast``: the bulk rows
    that need no parse take the fast loop (False: the general one); ``single``: other cells (row →
    col → (value, style)), as the engine's headers and harvested rows, written cell by cell."""
    block, order = column_updates(first_row, columns)
    single = single or {}

    def rows(r: int) -> dict[int, tuple[object, int | None]] | None:
        out = dict(block(r) or {})
        out.update(single.get(r, {}))
        return out or None

    edits = Edits(rows=rows, update_rows=sorted(set(order) | set(single)), defaults=default_style or {},
                  bulk=(first_row, columns) if bulk else None, bulk_skip=set(single))
    out = b"".join(rewrite([xml], edits, fast=fast))
    return out, edits.removed_formula
