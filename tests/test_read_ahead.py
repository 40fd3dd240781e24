"""Reading ahead (issue 24): the next sheets are parsed on a worker thread while the caller makes a
table of this one. Each sheet is still checked before it is parsed, on the caller's thread; an
error is raised at the read of the sheet it belongs to; the tables are those read one by one."""
from __future__ import annotations

import datetime as dt
import random
import threading
import time
import zipfile

import pytest
from helpers import cli, part, parts, sheets, write_book, write_parts

from addin import loader
from addin.io.read_ahead import ReadAhead
from addin.io.xlsx_book import XlsxBook


class Recorder:
    """check and parse that record what ran, on which thread; a parse may be held at a gate."""

    def __init__(self, big=(), bad_check=(), bad_parse=()):
        self.log: list[tuple[str, str, str]] = []
        self.big, self.bad_check, self.bad_parse = set(big), set(bad_check), set(bad_parse)
        self.gates: dict[str, threading.Event] = {}
        self.lock = threading.Lock()

    def check(self, name):
        with self.lock:
            self.log.append(("check", name, threading.current_thread().name))
        if name in self.bad_check:
            raise ValueError(f"check {name}")
        return name.upper()

    def parse(self, name, checked):
        with self.lock:
            self.log.append(("enter", name, threading.current_thread().name))
        gate = self.gates.get(name)
        if gate is not None:
            gate.wait(5)
        with self.lock:
            self.log.append(("parse", name, threading.current_thread().name))
        if name in self.bad_parse:
            raise ValueError(f"parse {name}")
        return (name, checked)

    def ahead(self, names, depth=2, workers=1):
        return ReadAhead(self.check, self.parse, names, lambda n: n in self.big, depth, workers)

    def entered(self):
        with self.lock:
            return [n for what, n, _ in self.log if what == "enter"]


def test_each_sheet_is_checked_on_the_callers_thread_before_the_worker_parses_it():
    r = Recorder(big="abcd")
    ra = r.ahead("abcd")
    assert [ra.take(n) for n in "abcd"] == [(n, n.upper()) for n in "abcd"]
    ra.stop()
    main = threading.current_thread().name
    for n in "abcd":
        check = r.log.index(("check", n, main))
        parse = next(i for i, (what, name, _) in enumerate(r.log) if what == "parse" and name == n)
        assert check < parse and r.log[parse][2].startswith("crm-read-ahead")


@pytest.mark.parametrize("workers", [1, 2])
def test_no_more_than_depth_big_sheets_are_parsed_ahead_small_ones_do_not_count(workers):
    """Every sheet is checked at once (checks hold little); parses start only while fewer than
    ``depth`` big sheets are under way or waiting to be taken."""
    r = Recorder(big={"a", "c", "d", "e"})
    for n in "abcde":
        r.gates[n] = threading.Event()
    ra = r.ahead(["a", "b", "c", "d", "e"], depth=2, workers=workers)
    assert [n for what, n, _ in r.log if what == "check"] == list("abcde")
    time.sleep(0.1)
    assert r.entered() == ["a", "b", "c"][:workers]  # a, b and c submitted; d waits for a take
    for n in "abcde":
        r.gates[n].set()
    assert ra.take("a") == ("a", "A")
    assert ra.take("b") == ("b", "B")
    time.sleep(0.1)
    assert r.entered() == ["a", "b", "c", "d"]  # c and d: two big ones
    assert ra.take("c") == ("c", "C") and ra.take("d") == ("d", "D") and ra.take("e") == ("e", "E")
    ra.stop()


def test_two_workers_parse_two_sheets_at_once():
    r = Recorder(big="ab")
    r.gates["a"] = threading.Event()
    ra = r.ahead("ab", depth=2, workers=2)
    time.sleep(0.1)
    assert r.entered() == ["a", "b"] and ("parse", "b") in [(w, n) for w, n, _ in r.log]  # b done, a held
    r.gates["a"].set()
    assert ra.take("a") == ("a", "A") and ra.take("b") == ("b", "B")
    ra.stop()


def test_an_error_is_raised_at_the_read_of_its_sheet_not_before():
    r = Recorder(big="abc", bad_check={"b"}, bad_parse={"c"})
    ra = r.ahead("abc")
    assert ra.take("a") == ("a", "A")  # b's check already failed: not raised here
    assert ("check", "b", threading.current_thread().name) in r.log
    with pytest.raises(ValueError, match="check b"):
        ra.take("b")
    with pytest.raises(ValueError, match="parse c"):
        ra.take("c")
    ra.stop()


def test_skipping_a_sheet_drops_it_and_a_sheet_past_the_started_ones_is_started():
    r = Recorder(big="abcdef")
    ra = r.ahead("abcdef", depth=1)
    assert ra.take("d") == ("d", "D")  # past every sheet started: a, b, c are given up
    assert not ra.covers("c") and ra.covers("e")
    assert ra.take("f") == ("f", "F")
    ra.stop()
    parsed = [n for what, n, _ in r.log if what == "parse"]
    assert "d" in parsed and "f" in parsed and "b" not in parsed


def test_stop_waits_for_the_parse_under_way():
    r = Recorder(big="ab")
    r.gates["a"] = threading.Event()
    ra = r.ahead("ab")
    threading.Timer(0.2, r.gates["a"].set).start()
    t0 = time.perf_counter()
    ra.stop()
    assert time.perf_counter() - t0 >= 0.15
    assert ("parse", "a") in [(w, n) for w, n, _ in r.log]
    assert not any(t.name.startswith("crm-read-ahead") for t in threading.enumerate())


def _tables(path, ahead: bool):
    book = XlsxBook(path, writable=False)
    if not ahead:  # every read one by one, on this thread
        book.reading_ahead = lambda names: __import__("contextlib").nullcontext()  # type: ignore[method-assign]
    loaded = loader.load(book, as_of=dt.date(2026, 11, 24))
    book.close()
    return {k: (s.table.rows, s.table.raw, s.issues) for k, s in loaded.sheets.items()}


def test_tables_read_ahead_are_those_read_one_by_one(tmp_path):
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "d.xlsm", data=generate(300, as_of=dt.date(2026, 11, 24), seed=3))
    assert _tables(path, True) == _tables(path, False)


def _damage(path, tab: str) -> str:
    """Flip a byte in the middle of a tab's compressed data, far past the prolog the package reads
    when it opens; its part's name."""
    name = part(path, tab)
    items = parts(path)
    filler = random.Random(1).randbytes(60_000).hex().encode()  # incompressible: the middle is far in
    items[name] = items[name].replace(b"<sheetData>", b"<!-- " + filler + b" --><sheetData>", 1)
    write_parts(path, items)
    raw = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as z:
        info = z.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    raw[start + info.compress_size // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    return name


def test_a_damaged_later_sheet_is_refused_by_name_while_an_earlier_one_is_read(tmp_path):
    """The ledger (read after the cards) is checked while the cards are read: its damage is still
    the one line naming it, exit 2, the file untouched."""
    path = write_book(tmp_path / "b.xlsx", sheets())
    name = _damage(path, "应收账款")
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and name in res.stderr and "damaged" in res.stderr, res.output
    assert path.read_bytes() == before


def test_an_earlier_sheets_error_comes_first_as_without_reading_ahead(tmp_path):
    """The cards have no usable header and the ledger is damaged: the message is the cards', the
    sheet read first, as when each sheet was checked only when read."""
    path = write_book(tmp_path / "c.xlsx", sheets(customers=[["甲", "乙"], [1, 2]]))
    _damage(path, "应收账款")
    before = path.read_bytes()
    res = cli("refresh", path)
    assert res.exit_code == 2 and "客户资料卡" in res.stderr and "damaged" not in res.stderr, res.output
    assert path.read_bytes() == before


def test_an_interrupt_while_the_sheets_are_checked_leaves_no_worker_running():
    """A Ctrl-C during the checks made before the caller holds the object (parses already
    submitted) ends the workers before it reaches the caller."""
    r = Recorder(big="abc")
    r.gates["a"] = threading.Event()
    threading.Timer(0.2, r.gates["a"].set).start()
    check = r.check

    def interrupted(name):
        if name == "c":
            raise KeyboardInterrupt
        return check(name)

    r.check = interrupted
    with pytest.raises(KeyboardInterrupt):
        r.ahead("abc", depth=1)
    assert not any(t.name.startswith("crm-read-ahead") for t in threading.enumerate())
