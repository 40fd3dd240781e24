"""Surgical sheet edits on XML shapes other writers produce."""
import datetime as dt
import re

from addin.io.sheet_stream import append_rows, edit_cells, set_columns
from addin.io.sheet_xml import cell_xml, highlighted_cells, set_highlights

NS = 'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def test_prefixed_namespace_and_implicit_refs():
    xml = (f'<x:worksheet {NS}><x:sheetData><x:row><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>2</x:v></x:c>'
           f'</x:row><x:row><x:c><x:v>5</x:v></x:c></x:row></x:sheetData></x:worksheet>').encode()
    out, formula = edit_cells(xml, {2: {3: ("hi", None)}})
    assert not formula
    assert b'<x:row r="1"><x:c t="s"><x:v>0</x:v></x:c><x:c><x:v>2</x:v></x:c></x:row>' in out
    assert b'<x:c r="C2" t="inlineStr"><x:is><x:t>hi</x:t></x:is></x:c>' in out
    assert b'<x:c r="A2"><x:v>5</x:v></x:c>' in out


def test_untouched_rows_are_byte_identical_and_order_kept():
    rows = "".join(f'<row r="{r}" spans="1:3" x14ac:dyDescent="0.25"><c r="A{r}" s="3"><v>{r}</v></c>'
                   f'<c r="C{r}"><v>9</v></c></row>' for r in range(1, 6))
    xml = f'<worksheet><sheetData>{rows}</sheetData></worksheet>'.encode()
    out, _ = edit_cells(xml, {3: {2: (1.5, 7), 4: (None, 8)}}, {})
    assert out.count(b"<row") == 5
    for r in (1, 2, 4, 5):
        assert re.search(rf'<row r="{r}" spans="1:3"'.encode(), out)
    assert b'<row r="3" x14ac:dyDescent="0.25"><c r="A3" s="3"><v>3</v></c><c r="B3" s="7"><v>1.5</v></c>' \
           b'<c r="C3"><v>9</v></c><c r="D3" s="8"/></row>' in out


def test_missing_rows_inserted_in_order_and_formula_reported():
    xml = b'<worksheet><sheetData><row r="2"><c r="A2"><f>1+1</f><v>2</v></c></row></sheetData></worksheet>'
    out, formula = edit_cells(xml, {1: {1: ("a", None)}, 2: {1: (3, None)}, 5: {2: (dt.date(2025, 3, 5), 4)}})
    assert formula
    assert out.index(b'<row r="1">') < out.index(b'<row r="2"') < out.index(b'<row r="5">')
    assert b'<c r="B5" s="4"><v>45721</v></c>' in out


def test_empty_sheet_data():
    out, _ = edit_cells(b"<worksheet><sheetData/></worksheet>", {1: {1: ("x", None)}})
    assert out == b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>' \
                  b"</sheetData></worksheet>"


def test_cell_text_escaped_and_cleaned():
    assert cell_xml("A1", "<a&b>\x01 ", None) == \
        b'<c r="A1" t="inlineStr"><is><t xml:space="preserve">&lt;a&amp;b&gt; </t></is></c>'
    assert cell_xml("A1", True, 2) == b'<c r="A1" s="2" t="b"><v>1</v></c>'
    assert cell_xml("A1", float("nan"), None) == b'<c r="A1"/>'


def test_append_rows_extends_dimension():
    xml = b'<worksheet><dimension ref="A1:G3"/><sheetData><row r="3"/></sheetData></worksheet>'
    out = append_rows(xml, 4, [[(1, "x", None)], [(2, 5, 3)]])
    assert b'<dimension ref="A1:G5"/>' in out
    assert out.endswith(b'<row r="5"><c r="B5" s="3"><v>5</v></c></row></sheetData></worksheet>')


def test_highlights_placed_in_schema_order_and_replaced():
    user_cf = b'<conditionalFormatting sqref="A1"><cfRule type="cellIs" dxfId="0" priority="1" ' \
              b'operator="greaterThan"><formula>5</formula></cfRule></conditionalFormatting>'
    xml = (b'<worksheet><sheetData/><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>' + user_cf +
           b'<dataValidations count="0"/><pageMargins left="1"/></worksheet>')
    once = set_highlights(xml, {"error": [(5, 3), (6, 3), (7, 3), (2, 1)], "warning": [(9, 2)]},
                          {"error": 4, "warning": 5})
    assert highlighted_cells(once) == {"error": ["A2", "C5:C7"], "warning": ["B9"]}
    assert once.index(user_cf) < once.index(b"crm:validation") < once.index(b"<dataValidations")
    twice = set_highlights(once, {"error": [(1, 1)]}, {"error": 4})
    assert highlighted_cells(twice) == {"error": ["A1"]}
    assert user_cf in twice
    assert set_highlights(twice, {}, {}) == xml


def test_set_columns_keeps_other_rows_and_appends_or_replaces():
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
           b'<row r="2" spans="1:3"><c r="A2"><v>1</v></c></row>'
           b'<row r="3"><c r="A3"><v>2</v></c><c r="C3" s="9"><f>1+1</f><v>2</v></c></row>'
           b'<row r="9"><c r="A9"><v>3</v></c></row></sheetData></worksheet>')
    out, formula = set_columns(xml, 2, {3: [1.5, None, 7.0], 4: ["x", "y", None]}, {3: 5, 4: 6})
    assert formula
    assert out.startswith(b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>')
    assert b'<row r="2"><c r="A2"><v>1</v></c><c r="C2" s="5"><v>1.5</v></c><c r="D2" s="6" t="inlineStr">' in out
    assert b'<row r="3"><c r="A3"><v>2</v></c><c r="C3" s="9"/><c r="D3" s="6" t="inlineStr"><is><t>y</t>' in out
    assert b'<row r="4"><c r="C4" s="5"><v>7</v></c><c r="D4" s="6"/></row><row r="9"><c r="A9"><v>3</v></c></row>' in out


def test_text_of_only_control_characters_is_an_empty_cell():
    assert cell_xml("A1", "\x1f\x01", 3) == b'<c r="A1" s="3"/>'


def test_clearing_highlights_keeps_a_user_rule_grouped_on_the_same_range():
    """LibreOffice and Excel group rules by range: the add-in's rule and a user's rule can share
    one <conditionalFormatting>; clearing ours must keep theirs."""
    ours = set_highlights(b"<worksheet><sheetData/></worksheet>", {"error": [(2, 3)]}, {"error": 4})
    user_rule = b'<cfRule type="cellIs" dxfId="0" priority="9" operator="equal"><formula>0</formula></cfRule>'
    grouped = ours.replace(b"</conditionalFormatting>", user_rule + b"</conditionalFormatting>")
    cleared = set_highlights(grouped, {}, {})
    assert highlighted_cells(cleared) == {}
    assert b'<conditionalFormatting sqref="C2">' + user_rule + b"</conditionalFormatting>" in cleared
    replaced = set_highlights(grouped, {"warning": [(5, 1)]}, {"warning": 5})
    assert user_rule in replaced and highlighted_cells(replaced) == {"warning": ["A5"]}


def test_column_blocks_encoded_in_bulk_give_the_bytes_written_cell_by_cell():
    """The engine encodes computed column blocks in bulk; every shape of row must come out as the
    cell-by-cell path writes it: cells appended after the last, already there (same or other value,
    a user's style, a formula), rows missing or implicit, cells right of the block, odd values."""
    from addin.io.sheet_xml import cell_str, column_cells, column_rests

    values = [1.5, 2.0, -0.0, 3, 10 ** 16, float("nan"), float("inf"), None, "", "a<b & c", " lead", "x\ny",
              "\x01", dt.date(2025, 3, 5), dt.datetime(2025, 3, 5, 12), True, 123456789.125, 1e20, -7]
    rows = [str(r) for r in range(2, 2 + len(values))]
    for p in ("", "x:"):
        assert column_cells("C", rows, values, ' s="5"', p) == [
            cell_str(f"C{r}", v, ' s="5"', p) for r, v in zip(rows, values)]
        assert column_cells("AB", rows, values, "", p) == [cell_str(f"AB{r}", v, "", p) for r, v in zip(rows, values)]
        assert column_rests(values, ' s="5"', p) is None  # True == 1, but is written as a boolean
        plain = [v for v in values if type(v) is not bool and type(v) is not dt.datetime] + [1, 1.0, 0, -0.0, 0.0, float("nan"), 10 ** 15, 1e15, 3.0, 3]
        rests = column_rests(plain, ' s="5"', p)
        assert [f'<{p}c r="C{r}' + x for r, x in zip(rows * 2, rests)] == \
            column_cells("C", rows * 2, plain, ' s="5"', p)  # type: ignore[operator]

    xml = (b'<worksheet><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row>'
           b'<row r="2" spans="1:3"><c r="A2"><v>1</v></c></row>'  # appended
           b'<row r="3"><c r="A3"><v>2</v></c><c r="C3" s="9"><f>1+1</f><v>2</v></c></row>'  # a formula, a style
           b'<row r="5"><c r="A5"><v>1</v></c><c r="C5" s="5"><v>4</v></c><c r="D5" s="6" t="inlineStr">'
           b'<is><t>q</t></is></c></row>'  # already holds these values: keeps its bytes
           b'<row r="6"><c r="A6"><v>1</v></c><c r="C6" s="5"><v>1</v></c><c r="D6" s="6"/></row>'  # other values
           b'<row><c><v>1</v></c></row>'  # implicit row 7 and cell refs
           b'<row r="8"><c r="A8"><v>1</v></c><c r="F8"><v>user</v></c></row>'  # a cell right of the block
           b'<row r="9"/>'
           b'<row r="12"><c r="A12"><v>3</v></c></row></sheetData></worksheet>')
    columns = {3: [1.5, None, 7.0, 4.0, 2.0, 5, 6, None, 1, 2], 4: ["x", "y", None, "q", "r", "s", "t", "u", "v"]}
    bulk = set_columns(xml, 2, columns, {3: 5, 4: 6})
    assert bulk == set_columns(xml, 2, columns, {3: 5, 4: 6}, bulk=False)
    assert bulk[1]  # the formula overwritten is reported
    assert b'<row r="5"><c r="A5"><v>1</v></c><c r="C5" s="5"><v>4</v></c>' in bulk[0]

    # the next day: yesterday's figures replaced, in place — unless a cell has a formula, a style of
    # the user's or a neighbour right of the block
    yesterday = (b'<worksheet><sheetData>'
                 b'<row r="2"><c r="A2"><v>1</v></c><c r="C2" s="5"><v>4</v></c><c r="D2" s="6"/></row>'
                 b'<row r="3"><c r="A3"><v>1</v></c><c r="C3"><v>4</v></c><c r="D3" s="6" t="inlineStr">'
                 b'<is><t>q</t></is></c></row>'  # no style: the column's is taken
                 b'<row r="4"><c r="A4"><v>1</v></c><c r="C4" s="9"><v>4</v></c><c r="D4" s="6"/></row>'
                 b'<row r="5"><c r="C5" s="5"><f>A5</f><v>4</v></c></row>'
                 b'<row r="6"><c r="A6"><v>1</v></c><c r="D6" s="6"/><c r="E6"><v>7</v></c></row>'
                 b'<row r="7"><c r="A7"><v>1</v></c><c r="D7" s="6"/></row>'
                 b'</sheetData></worksheet>')
    today = {3: [5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 4: ["a", None, "b", "c", "d", "e"]}
    bulk = set_columns(yesterday, 2, today, {3: 5, 4: 6})
    assert bulk == set_columns(yesterday, 2, today, {3: 5, 4: 6}, bulk=False)
    assert b'<row r="2"><c r="A2"><v>1</v></c><c r="C2" s="5"><v>5</v></c><c r="D2" s="6" t="inlineStr">' in bulk[0]
    assert b'<row r="4"><c r="A4"><v>1</v></c><c r="C4" s="9"><v>7</v></c>' in bulk[0]
    assert bulk[1]


def test_column_rests_in_bulk_are_the_cells_written_one_by_one():
    """column_rests encodes a column of plain text, finite floats or ints in bulk (the text checked
    whole); every kind of value that makes cell_str write one otherwise must still come out as
    column_cells writes it, mixed into a column of the plain ones or alone."""
    import random

    from addin.cells import MAX_CELL_TEXT
    from addin.io.sheet_xml import column_cells, column_rests

    texts = ["a", "客户", "a<b & c>", "50%", "%s", " lead", "trail ", "\u3000全角", "x\ny", "tab\there", "\x01ctl",
             "", None, "z" * (MAX_CELL_TEXT + 5), "ok", "\xa0nbsp", "a\u2028b", "&amp;"]
    floats = [0.0, -0.0, 1.0, 2.5, -3.0, 1e15, 1e15 - 1, -1e15 + 1, 999999999999999.9, 1e-7, 0.1 + 0.2, 1e300,
              float("nan"), float("inf"), None, 45000.0, 123456789.125]
    ints = [0, -1, 7, 10 ** 15 - 1, -(10 ** 15) + 1, 10 ** 15, -(10 ** 15), 10 ** 20, None]
    rnd = random.Random(3)
    for pool in (texts, floats, ints):
        for plain in (True, False):
            for _ in range(20):
                odd = [v for v in pool if not plain or v in pool[:5]]
                values = [rnd.choice(odd) for _ in range(rnd.randint(1, 30))]
                rows = [str(r) for r in range(2, 2 + len(values))]
                for p, st in (("", ' s="5"'), ("x:", "")):
                    rests = column_rests(values, st, p)
                    assert rests is not None
                    assert [f'<{p}c r="D{r}' + x for r, x in zip(rows, rests)] == column_cells("D", rows, values, st, p)


def test_output_sheet_cells_written_as_cell_str_writes_each():
    """render.sheet_data encodes numbers, texts and dates without a call per cell; every value comes
    out as cell_str writes it, styles are taken in the order the cells first use them, and an empty
    cell is written only when it has a style."""
    from addin.cells import col_letter
    from addin.io.render import sheet_data
    from addin.io.sheet_xml import cell_str, s_attr
    from addin.writes import OutputSheet, Styled

    odd = [1.5, 2.0, -0.0, 3, 10 ** 16, float("nan"), float("-inf"), None, "", "a<b & c", " lead", "x\ny", "\x01",
           dt.date(2025, 3, 5), dt.datetime(2025, 3, 5, 12), True, 123456789.125, 1e20, -7, "a<b & c", dt.date(2025, 3, 5)]
    rows = [odd, [Styled(v, "bold") for v in odd], [Styled(None, "money"), None, "x"], []]
    sheet = OutputSheet("k", "s", rows, column_styles=["text", "money", "pct"] + ["int"] * 17, row_heights={2: 20.0})
    used: list[str] = []

    def style_index(name: str) -> int:
        if name not in used:
            used.append(name)
        return used.index(name) * 2  # the first style used gets index 0: no s attribute

    expected = []
    seen: list[str] = []
    for r, row in enumerate(rows, start=1):
        expected.append(f'<row r="{r}" ht="20" customHeight="1">' if r == 2 else f'<row r="{r}">')
        for c, v in enumerate(row):
            name = v.style if isinstance(v, Styled) else (sheet.column_styles[c] if c < 20 else "text")
            v = v.value if isinstance(v, Styled) else v
            if name not in seen:
                seen.append(name)
            s = s_attr(seen.index(name) * 2)
            if v is None or v == "":
                expected.append(f'<c r="{col_letter(c + 1)}{r}"{s}/>' if s else "")
            else:
                expected.append(cell_str(f"{col_letter(c + 1)}{r}", v, s))
        expected.append("</row>")
    assert sheet_data(sheet, style_index) == "".join(expected)
    assert used == seen


def test_output_rows_written_a_block_at_a_time_give_the_cells_written_one_by_one(monkeypatch):
    """Runs of plain rows (full width, no Styled value, no height) are written a block at a time
    with a row template; the text and the order in which styles are added must be those of the
    cell-by-cell loop, whatever the rows hold: Styled headers and totals between runs, short rows,
    rows with a height, None and "" in columns with and without a style, booleans, datetimes,
    NaN, huge ints, text to escape — and blocks cut anywhere."""
    import random

    from addin.io import render
    from addin.writes import OutputSheet, Styled

    pool = [1.5, 2.0, -0.0, 3, 10 ** 16, float("nan"), None, "", "a<b & c", " lead", "x\ny", "\x01", 0, 1, 1.0,
            dt.date(2025, 3, 5), 123456789.125, 1e20, -7, "甲", 45000.0]
    odd = [True, dt.datetime(2025, 3, 5, 12), float("inf")]
    for seed in range(8):
        rnd = random.Random(seed)
        width = rnd.randint(1, 7)
        kinds = [rnd.choice([pool[:6], pool[6:12], pool[12:]]) for _ in range(width)]
        rows: list[list[object]] = [[Styled(f"h{c}", "header") for c in range(width)]]
        for _ in range(rnd.randint(30, 90)):
            shape = rnd.random()
            if shape < 0.03:
                rows.append([Styled(1.0, "total")] + [None] * (width - 1))
            elif shape < 0.06:
                rows.append([rnd.choice(pool) for _ in range(rnd.randint(0, width - 1))])
            else:
                row = [rnd.choice(k) for k in kinds]
                if shape < 0.08:
                    row[rnd.randrange(width)] = rnd.choice(odd)
                rows.append(row)
        names = ["text", "money", "int", "date", "pct"]
        sheet = OutputSheet("k", "s", rows, column_styles=[rnd.choice(names) for _ in range(width - 1)],
                            row_heights={5: 30.0} if seed % 2 else {})

        def run(block: int, least: int, seed: int = seed, sheet: OutputSheet = sheet) -> tuple[str, list[str]]:
            used: list[str] = []

            def style_index(name: str) -> int:
                if name not in used:
                    used.append(name)
                return used.index(name) * (seed % 3)  # seed 0: every style 0, no s attribute at all

            monkeypatch.setattr(render, "_BLOCK", block)
            monkeypatch.setattr(render, "_RUN", least)
            return render.sheet_data(sheet, style_index), used

        plain = run(10 ** 9, 10 ** 9)  # every row cell by cell
        assert run(4096, 8) == plain, seed
        assert run(rnd.randint(1, 9), 1) == plain, seed


def test_rows_after_the_last_edit_are_copied_and_numbered():
    """Past the last edited row the rest of the stream is copied as it is — unless a row there
    lacks its number, which it gets (a cell reference counts rows from there on)."""
    tail = b'<row r="3"><c r="A3"><v>3</v></c></row><row r="4" spans="1:1"><c r="A4"><v>4</v></c></row>'
    xml = b'<worksheet><sheetData><row r="2"><c r="A2"><v>1</v></c></row>' + tail + b"</sheetData></worksheet>"
    out, _ = edit_cells(xml, {2: {2: (5.0, None)}})
    assert out == xml.replace(b'<row r="2"><c r="A2"><v>1</v></c></row>',
                              b'<row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>5</v></c></row>')
    implicit = xml.replace(b'<row r="4" spans="1:1">', b"<row>")
    out, _ = edit_cells(implicit, {2: {2: (5.0, None)}})
    assert b'<row r="4"><c r="A4"><v>4</v></c></row>' in out
    assert b'<row r="3"><c r="A3"><v>3</v></c></row>' in out


def _awkward_sheet(seed: int, p: str, first: int, columns: dict[int, list[object]], styles: dict[int, int]) -> bytes:
    """A sheet whose rows take every shape the fast row loop must either handle exactly or leave
    to the general one: plain rows, spans, inline and rich strings, error cells, formulas left of
    and in the block, a shared-formula group, cells right of the block, empty formatted rows (self-
    closing or not), implicit rows and cells, missing rows, rows already holding today's cells,
    yesterday's cells (in the column's style, a user's, none)."""
    import random

    from addin.cells import col_letter
    from addin.io.sheet_xml import cell_str, s_attr

    rng = random.Random(seed)
    n = max(len(v) for v in columns.values())
    cols = sorted(columns)

    def block(r: int, values: dict[int, object] | None = None, style: dict[int, int] | None = None) -> str:
        i = r - first
        return "".join(cell_str(f"{col_letter(c)}{r}", (values or {}).get(c, columns[c][i]),
                                s_attr((style or styles).get(c)), p)
                       for c in cols if 0 <= i < len(columns[c]))

    rows = [f'<{p}row r="1" spans="1:6"><{p}c r="A1" t="inlineStr"><{p}is><{p}t>h</{p}t></{p}is></{p}c></{p}row>']
    shapes = ["plain", "spans", "inline", "rich", "error", "formula", "formula_in_block", "shared", "right",
              "empty", "empty_open", "implicit_cells", "missing", "today", "yesterday", "yesterday_user",
              "yesterday_bare", "today_then_right", "blank_cell_last", "s_first", "row_attrs"]
    if seed % 2 == 0:  # a cell without attributes sends a whole chunk to the general loop
        shapes.remove("implicit_cells")
    r = first
    while r < first + n + 3:
        shape = rng.choice(shapes)
        a = f'<{p}c r="A{r}" s="3"><{p}v>{r}</{p}v></{p}c>'
        if shape == "missing":
            r += 1
            continue
        body = {
            "plain": a,
            "spans": a,
            "inline": a + f'<{p}c r="B{r}" t="inlineStr"><{p}is><{p}t xml:space="preserve"> a&lt;b </{p}t></{p}is></{p}c>',
            "rich": f'<{p}c r="B{r}" t="inlineStr"><{p}is><{p}r><{p}rPr><{p}b/><{p}color rgb="FFFF0000"/></{p}rPr>'
                    f'<{p}t>x</{p}t></{p}r></{p}is></{p}c>',
            "error": a + f'<{p}c r="B{r}" t="e"><{p}v>#N/A</{p}v></{p}c>',
            "formula": a + f'<{p}c r="B{r}"><{p}f>A{r}*2</{p}f><{p}v>{2 * r}</{p}v></{p}c>',
            "formula_in_block": a + f'<{p}c r="C{r}" s="{styles[3]}"><{p}f>A{r}</{p}f><{p}v>{r}</{p}v></{p}c>',
            "shared": a + f'<{p}c r="B{r}"><{p}f t="shared" ref="B{r}:C{r + 2}" si="{r}">A{r}+1</{p}f>'
                          f'<{p}v>1</{p}v></{p}c><{p}c r="C{r}"><{p}f t="shared" si="{r}"/><{p}v>1</{p}v></{p}c>',
            "right": a + f'<{p}c r="F{r}"><{p}v>7</{p}v></{p}c>',
            "empty": None,
            "empty_open": "",
            "implicit_cells": f'<{p}c><{p}v>1</{p}v></{p}c><{p}c s="2"/>',
            "today": a + block(r),
            "yesterday": a + block(r, {c: 99.5 for c in cols}),
            "yesterday_user": a + block(r, {c: 98.0 for c in cols}, {c: 9 for c in cols}),
            "yesterday_bare": a + block(r, {c: "old" for c in cols}, {}),
            "today_then_right": a + block(r) + f'<{p}c r="H{r}"><{p}v>1</{p}v></{p}c>',
            "blank_cell_last": a + f'<{p}c r="B{r}" s="4"/>',
            "s_first": a + f'<{p}c s="4" r="B{r}"><{p}v>1</{p}v></{p}c>',  # r not the first attribute
            "row_attrs": a,
        }[shape]
        head = f'<{p}row r="{r}"' + (' spans="1:4" x14ac:dyDescent="0.25"' if shape in ("spans", "today") else
                                       ' ht="20" customHeight="1"' if shape == "row_attrs" else "")
        if shape == "empty":
            rows.append(head + ' s="3" customFormat="1"/>')
        elif shape == "implicit_cells":
            rows.append(f"<{p}row>{body}</{p}row>" if rows[-1].startswith(f'<{p}row r="{r - 1}"') else
                        f"{head}>{body}</{p}row>")
        else:
            fmt = ' s="3" customFormat="1"' if shape == "empty_open" else ""
            rows.append(f"{head}{fmt}>{body}</{p}row>")
        r += 1
    ns = f' xmlns:{p[:-1]}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if p else ""
    return (f'<{p}worksheet{ns}><{p}dimension ref="A1:F9"/><{p}sheetData>{"".join(rows)}</{p}sheetData>'
            f'<{p}pageMargins left="0.7"/></{p}worksheet>').encode()


def test_fast_rows_give_the_bytes_of_the_general_loop_and_of_cell_by_cell():
    """The fast loop of a bulk block (rows appended to or already holding the block's cells, found
    by byte offsets) against the general loop and the cell-by-cell path, on sheets of awkward rows,
    streamed in chunks cut anywhere, with harvested rows appended below the block and a header."""
    import random

    from addin.io.shared_formulas import dissolved
    from addin.io.sheet_stream import Edits, rewrite
    from addin.io.sheet_xml import column_updates

    values = [1.5, 2.0, -0.0, 3, 10 ** 16, None, "", "a<b & c", " lead", "x\ny", dt.date(2025, 3, 5),
              True, 123456789.125, 1e20, -7, 45000.0, 45000.5, "old"]  # 45000.x: 1904 serials are floats
    for seed in range(12):
        rnd = random.Random(seed)
        p = "x:" if seed % 3 == 2 else ""
        n = rnd.randint(20, 60)
        columns = {3: [rnd.choice(values) for _ in range(n)], 4: [rnd.choice(values) for _ in range(n)]}
        if seed % 4 == 1:
            columns[5] = [rnd.choice(values) for _ in range(n)]
        styles = {3: 5, 4: 6, 5: 7}
        xml = _awkward_sheet(seed, p, 2, columns, styles)
        single = {1: {c: (f"head{c}", 8) for c in columns}}  # headers of the computed columns
        last = 2 + n
        for i in range(rnd.randint(0, 4)):  # harvested rows below the data, some beyond the sheet
            single[last + 2 * i] = {1: (f"log{i}", None), 2: (dt.date(2026, 1, 1 + i), None)}
        outs = []
        for bulk, fast in ((True, True), (True, False), (False, False)):
            block, order = column_updates(2, columns)

            def rows(r: int, block=block, single=single) -> dict | None:
                out = dict(block(r) or {})
                out.update(single.get(r, {}))
                return out or None

            edits = Edits(rows=rows, update_rows=sorted(set(order) | set(single)), defaults=styles,
                          bulk=(2, columns) if bulk else None, bulk_skip=set(single), last_row=last + 8,
                          last_col=max(columns))
            edits.shared = dissolved(xml, lambda r, c, rows=rows: c in (rows(r) or {}))
            cuts = sorted(rnd.sample(range(1, len(xml)), 5))
            chunks = [xml[i:j] for i, j in zip([0, *cuts], [*cuts, len(xml)])]
            outs.append((b"".join(rewrite(chunks, edits, fast=fast)), edits.removed_formula))
        assert outs[0] == outs[1] == outs[2], seed
        if not p:
            assert b"<row" in outs[0][0] and outs[0][0] != xml


def test_rows_before_the_next_edit_skipped_give_the_bytes_of_the_row_by_row_walk():
    """A log whose harvested rows go at its end is not walked row by row: the rows before the next
    edited one are passed over when each is numbered and below it. Against the walk (fast=False),
    on logs with an unnumbered row, a row whose first attribute is not r, rows out of order, a
    self-closing row, a missing row to insert and rows in chunks cut anywhere."""
    import random

    from addin.io.sheet_stream import Edits, rewrite
    from addin.io.sheet_xml import row_xml

    for seed in range(16):
        rnd = random.Random(seed)
        p = "x:" if seed % 4 == 3 else ""
        n = rnd.randint(30, 120)
        rows = []
        for r in range(1, n + 1):
            shape = rnd.random()
            cells = f'<{p}c r="A{r}" s="2"><{p}v>{r}</{p}v></{p}c><{p}c r="B{r}" t="inlineStr"><{p}is><{p}t>x</{p}t></{p}is></{p}c>'
            if shape < 0.02 and seed % 2:
                rows.append(f"<{p}row>{cells}</{p}row>")  # unnumbered
            elif shape < 0.04 and seed % 2:
                rows.append(f'<{p}row spans="1:2" r="{r}">{cells}</{p}row>')
            elif shape < 0.06:
                rows.append(f'<{p}row r="{r}" s="3" customFormat="1"/>')
            elif shape < 0.08:
                continue  # a missing row
            else:
                rows.append(f'<{p}row r="{r}" spans="1:2">{cells}</{p}row>')
        edits_at = sorted(rnd.sample(range(2, n + 6), rnd.randint(1, 6)))
        if seed % 5 == 4:  # rows out of order, the later one edited: the walk inserts it before the other
            i = rnd.randrange(len(rows) - 1)
            rows[i], rows[i + 1] = rows[i + 1], rows[i]
            number = re.search(r'r="(\d+)"', rows[i + 1])
            if number:
                edits_at = sorted({*edits_at, int(number.group(1))})
        ns = f' xmlns:{p[:-1]}="http://schemas.openxmlformats.org/spreadsheetml/2006/main"' if p else ""
        xml = (f'<{p}worksheet{ns}><{p}sheetData>{"".join(rows)}</{p}sheetData></{p}worksheet>').encode()
        updates = {r: {3: (f"call {r}", None), 4: (dt.date(2026, 11, 24), 5)} for r in edits_at}
        outs = []
        for fast in (True, False):
            edits = Edits(rows=updates.get, update_rows=edits_at, defaults={3: 4},
                          append=[row_xml(n + 9, [(1, "new", None)], p.encode())], last_row=n + 9)
            cuts = sorted(rnd.sample(range(1, len(xml)), 4))
            chunks = [xml[i:j] for i, j in zip([0, *cuts], [*cuts, len(xml)])]
            outs.append((b"".join(rewrite(chunks, edits, fast=fast)), edits.removed_formula))
        assert outs[0] == outs[1], seed
