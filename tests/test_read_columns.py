"""The columnar reader (addin.table.read_table, parse_column) against the plain row-by-row reader
(tests/plain_reader.py) on awkward grids: blank and whitespace-only rows, error cells, formulas
without a value, repeated header rows (in either language), rows shorter than the header, title
rows above it, duplicate headers, columns in any order, chunk boundaries anywhere."""
from __future__ import annotations

import datetime as dt
import math
from typing import Any

import plain_reader
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sheets_schema as S
from addin import table as T
from addin.core.parse import CellError, NoCachedValue

SPECS = [S.CUSTOMERS, S.FUNNEL, S.CONTACTS, S.RECEIVABLES, S.PAYMENTS, S.SURVEY, S.SNAPSHOT]
COMMON = [None, "", " ", "  \t", "\u3000", "\n", "x", " C001 ", "C001", "C002", "张伟", " 张伟", 0.0, -0.0, 1.0, 4.0,
          2.5, -3.0, 45721.0, 1e300, 150.0, 12, 0, True, False, dt.date(2025, 3, 5), dt.date(1904, 1, 1),
          dt.datetime(2025, 3, 5, 0, 0), dt.datetime(2025, 3, 5, 9, 30), "2025/3/5", "2025年3月5日", "3月5日",
          "12,345.50", "1.2万", "１２３４", "15%", "(500)", "abc", "13812345678", "0512-66881234", "a@b.cn",
          "not an email", CellError("#N/A"), CellError("#DIV/0!"), NoCachedValue("A1+1"), "4", "4 客户有选择我方的意向",
          "6", "7", "active", "Active", "expired", "有", "无", "TRUE", float("inf"), float("nan"),
          "0086-12345678", "008613812345678", "13812345678\n", " 13812345678", "１３８１２３４５６７８", "12812345678",
          "0512-6688123-12", "05126688123", "021-7631845", "0512-66881234-1234567", "+86 139 1234 5678",
          "a@b.cn\n", " a@b.cn", "Ａ@b.cn", "a.b+c@x-y.com.cn", "a@b", "a@b.c", "a@@b.cn", "a@b.cn.", 13812345678.0]


def pool(spec: S.SheetSpec) -> list[Any]:
    """Cells a sheet of ``spec`` may hold: the common awkward ones, its headers in every spelling
    (a header repeated as data) and its choices' spellings."""
    out = list(COMMON)
    for c in spec.columns:
        out += list(c.aliases())[:3]
        for ch in c.choices[:4]:
            out += [ch.key, ch.zh, ch.en]
    return out


def same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def same_list(a: list[Any], b: list[Any]) -> bool:
    return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))


def assert_same_table(new: T.Table, old: T.Table) -> None:
    assert (new.header_row, new.columns, new.headers, new.rows, new.width, new.last_row) == \
        (old.header_row, old.columns, old.headers, old.rows, old.width, old.last_row)
    assert new.raw.keys() == old.raw.keys() and new.values.keys() == old.values.keys()
    for k in old.raw:
        assert same_list(new.raw[k], old.raw[k]), k
    for k in old.values:
        assert same_list(new.values[k], old.values[k]), k
    assert new.issues == old.issues


def read_both(rows: list[list[Any]], spec: S.SheetSpec) -> tuple[Any, Any]:
    def one(read):
        try:
            return read([list(r) for r in rows], spec, "Sheet", "zh")
        except T.UnusableInput as exc:
            return str(exc)
    return one(T.read_table), one(plain_reader.read_table)


def grid(spec: S.SheetSpec):
    """A header (shuffled, maybe with a duplicate, an unknown column, English names), title rows
    above it, and data rows of any length drawn from the pool."""
    headers = [c.header("zh") for c in spec.columns]
    blanks = [None, "", " ", "\u3000", "\t "]
    cells = st.one_of(st.sampled_from(blanks), st.sampled_from(pool(spec)))  # blank half of the time

    @st.composite
    def build(draw):
        hdr = draw(st.permutations(headers))
        hdr = hdr[:draw(st.integers(min(3, len(hdr)), len(hdr)))]
        if draw(st.booleans()):
            hdr.insert(draw(st.integers(0, len(hdr))), draw(st.sampled_from(["我的备注", hdr[0], "Customer ID"])))
        if draw(st.booleans()):
            hdr = [spec.col(k).header("en") if (k := _key(spec, h)) else h for h in hdr]
        titles = [[draw(st.sampled_from(["客户资料", "", None]))] for _ in range(draw(st.integers(0, 2)))]
        body = draw(st.lists(st.lists(cells, max_size=len(hdr) + 2), max_size=40))
        repeats = draw(st.lists(st.integers(0, max(len(body), 1)), max_size=3))
        for i in sorted(repeats, reverse=True):  # the header again, maybe in the other language
            body.insert(i, [spec.col(k).header("en") if (k := _key(spec, h)) and draw(st.booleans()) else h
                            for h in hdr])
        return titles + [hdr] + body
    return build()


def _key(spec: S.SheetSpec, header: str) -> str | None:
    f = S.fold(header)
    return next((c.key for c in spec.columns if f in {S.fold(a) for a in c.aliases()}), None)


@pytest.mark.parametrize("spec", SPECS, ids=[s.key for s in SPECS])
@pytest.mark.parametrize("chunk", [1, 3, 4096])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_columnar_reader_reads_as_the_plain_one(spec, chunk, data):
    rows = data.draw(grid(spec))
    saved, T.CHUNK_ROWS = T.CHUNK_ROWS, chunk  # chunk boundaries anywhere
    try:
        new, old = read_both(rows, spec)
    finally:
        T.CHUNK_ROWS = saved
    if isinstance(old, str):
        assert new == old
    else:
        assert_same_table(new, old)


def test_awkward_rows_by_hand():
    """The cases named in the reader's contract, spelled out once."""
    hdr = ["客户编号", "客户名称", "业务员", "电话", "年销售额", "生日"]
    rows = [["客户资料卡"], [], hdr,
            ["C1", "甲", "张伟", "13812345678", 1.0, dt.date(2025, 3, 5)],
            ["  ", "\u3000", None, "", "", ""],  # blank in every input column: left out silently
            ["", "", "", "", "", "", "", "a note right of the table"],  # blank, but counts for last_row
            ["C2"],  # shorter than the header
            [CellError("#N/A"), "", "", "", "", ""],  # an error cell keeps its row
            ["", "", "", "", NoCachedValue("SUM(A1:A2)"), ""],
            ["Customer ID", "Name", "Owner", "", "", ""],  # the header again, in English
            ["客户编号", "C9", "", "", "", ""],  # an anchor that reads as a header, but the row does not
            ["C3", "乙", " 李娜 ", "bad phone", "1.2万", "3月5日"],
            [], [None, None]]
    new, old = read_both(rows, S.CUSTOMERS)
    assert_same_table(new, old)
    assert new.rows == [4, 7, 8, 9, 11, 12] and new.last_row == 12
    assert [x.row for x in new.issues if x.code == "repeated_header"] == [10]


@pytest.mark.parametrize("column", [c for s in SPECS for c in s.columns], ids=lambda c: c.key)
def test_parse_column_fast_pass_matches_plain_path(column):
    raw = COMMON + pool(S.FUNNEL) + COMMON[::-1]
    new, old = T.parse_column(column, list(raw)), plain_reader.parse_column(column, list(raw))
    assert same_list(new[0], old[0])
    assert [(i, e.code, e.detail, e.severity) for i, e in new[1]] == \
        [(i, e.code, e.detail, e.severity) for i, e in old[1]]


@pytest.mark.parametrize("spec", SPECS, ids=[s.key for s in SPECS])
def test_header_repeat_candidates_are_the_cells_that_may_repeat(spec):
    """The ASCII first look of the header-repeat test drops no cell that folds to a header name."""
    hr = T._header_repeat(spec, {c.key: i + 1 for i, c in enumerate(spec.columns)})
    if hr is None:
        return
    anchor = next(c for c in spec.columns if not c.computed)
    col = pool(spec) + [a.upper() for a in anchor.aliases()] + [f" {a}\t" for a in anchor.aliases()] + \
        ["Customer  ID", "CUSTOMER\tID", "Ｃｕｓｔｏｍｅｒ ＩＤ", "customerid", "C00123", "id", "I D"]
    assert hr.candidates(col) == [i for i, v in enumerate(col) if hr.may_repeat(v)]
    assert hr.candidates(col)  # the anchor's own names are there


@settings(max_examples=400, deadline=None)
@given(xml=st.lists(st.sampled_from([b"<", b"f", b"x:", b" ", b">", b"/", b't="e"', b"t=", b'"e"', b"<c>", b"ff",
                                     b"<formula1>", b"<x:f", b"<f", b"a"]), max_size=200).map(b"".join),
       pfx=st.sampled_from([b"", b"x:"]))
def test_formula_first_look_is_the_plain_needle_search(xml, pfx):
    """The memchr walk over the 'f's of a sheet finds a formula element exactly where the plain
    search for the needle does (and the error-cell look is unchanged), however many 'f's."""
    from addin.io.sheet_xml import _formula_element, may_hold_flagged_cells

    plain = b't="e"' in xml or _formula_element(xml, b"<" + pfx + b"f")
    assert may_hold_flagged_cells(xml, pfx) == plain
    assert may_hold_flagged_cells(b"f" * 100 + xml, pfx) == plain  # past 64 'f's: the plain search
