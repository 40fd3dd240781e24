"""The raw member copy relies on zipfile internals; these tests break first if Python changes them."""
import io
import zipfile

import pytest

from addin.io.zip_parts import Deflated, copy_raw, finish, write_part


def test_zipfile_still_has_the_internals_the_raw_copy_uses():
    with zipfile.ZipFile(io.BytesIO(), "w") as z:
        assert isinstance(z.start_dir, int) and isinstance(z._seekable, bool)
        assert hasattr(z, "_didModify") and isinstance(z.filelist, list) and isinstance(z.NameToInfo, dict)
    assert zipfile.sizeFileHeader == 30


def test_members_copied_raw_and_written_precompressed_read_back_whole():
    src = io.BytesIO()
    with zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.xml", b"<a>" + b"x" * 5000 + b"</a>")
        z.writestr("b.bin", bytes(range(256)) * 10, compress_type=zipfile.ZIP_STORED)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src.getvalue())) as zin, zipfile.ZipFile(out, "w") as dst:
        for info in zin.infolist():
            copy_raw(io.BytesIO(src.getvalue()), info, dst)
        write_part(dst, "c.xml", Deflated(b"<c>" + b"y" * 3000 + b"</c>"))
        write_part(dst, "d.xml", b"<d/>")
        finish(dst)
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as z:
        assert z.testzip() is None
        assert z.read("a.xml") == b"<a>" + b"x" * 5000 + b"</a>" and z.read("b.bin") == bytes(range(256)) * 10
        assert z.read("c.xml") == b"<c>" + b"y" * 3000 + b"</c>" and z.read("d.xml") == b"<d/>"
        assert z.getinfo("a.xml").compress_size == zipfile.ZipFile(io.BytesIO(src.getvalue())).getinfo(
            "a.xml").compress_size  # copied, not recompressed


def test_contains_answered_from_a_watched_stream_is_the_contains_of_the_part(tmp_path):
    """A part streamed to its end records whether it holds each watched needle (found across a
    chunk boundary too); contains() then answers without reading it again — the same answer as
    reading it, for a needle present, absent, or not watched."""
    from helpers import sheets, write_book

    from addin.io.package import Package

    path = write_book(tmp_path / "b.xlsx", sheets(customers=[["客户编号", "备注"]] + [
        [f"C{i:03}", "crm:validation" if i == 70 else "x" * (i % 13)] for i in range(1, 200)]))
    plain = Package(path)
    watched = Package(path)
    watched.watch(b"crm:validation", b't="shared"')
    found = False
    for name in [n for n in watched.names() if n.endswith(".xml")]:  # the strings are in sharedStrings.xml
        for chunk in (7, 64, 1 << 20):
            watched._seen.clear()
            assert b"".join(watched.stream(name, chunk=chunk)) == plain.read(name)
            assert set(watched._seen[name]) == {b"crm:validation", b't="shared"'}
            found |= watched._seen[name][b"crm:validation"]
            for needles in ([b"crm:validation"], [b't="shared"'], [b"crm:validation", b't="shared"'],
                            [b"<row"], [b"nowhere"]):
                assert watched.contains(name, *needles) == plain.contains(name, *needles), (name, needles)
    assert found  # in sharedStrings.xml


def test_a_part_written_in_chunks_is_the_part_written_whole(tmp_path):
    """write_chunks (the output sheets, compressed as they are rendered) keeps what write() keeps —
    the bytes up to BIG_PART, the same deflate payload beyond (however the chunks are cut) — and
    writes nothing when the chunks are exactly the part's bytes today (not a prefix, not longer)."""
    import random

    from helpers import sheets, write_book

    from addin.io.package import Package
    from addin.io.zip_parts import BIG_PART, inflate

    path = write_book(tmp_path / "b.xlsx", sheets())
    rnd = random.Random(5)
    for size in (0, 10, BIG_PART - 1, BIG_PART, BIG_PART + 1, 3 * BIG_PART + 7):
        data = bytes(rnd.choice(b"<c r=\"A1\"><v>0123456789</v></c>") for _ in range(size))
        cuts = sorted(rnd.sample(range(1, size), min(size - 1, 9))) if size > 1 else []
        chunks = [data[i:j] for i, j in zip([0, *cuts], [*cuts, size])]
        whole, pieces = Package(path), Package(path)
        whole.write("xl/x.xml", data)
        assert pieces.write_chunks("xl/x.xml", iter(chunks), unless=data + b"x")
        a, b = whole._changed["xl/x.xml"], pieces._changed["xl/x.xml"]
        assert type(a) is type(b) and inflate(a) == inflate(b) == data
        if not isinstance(a, bytes):
            assert (a.payload, a.crc, a.size) == (b.payload, b.crc, b.size)
        assert not pieces.write_chunks("xl/y.xml", iter(chunks), unless=data) and not pieces.has("xl/y.xml")
        if size:
            assert pieces.write_chunks("xl/z.xml", iter(chunks), unless=data[:-1])
            assert pieces.write_chunks("xl/w.xml", iter(chunks), unless=data[:-1] + b"!")


def test_compressing_on_the_worker_gives_the_bytes_of_one_thread_and_survives_errors_and_forks():
    """Deflated.of compresses on a worker thread while the caller makes the next chunk: the payload
    is zlib's of the chunks in order; a chunk source that fails leaves the worker usable; a forked
    child (crm collect's readers) gets a worker of its own instead of waiting for the parent's."""
    import multiprocessing
    import random
    import zlib

    from addin.io.zip_parts import Deflated, inflate

    rnd = random.Random(9)
    chunks = [bytes(rnd.choice(b"<row r=\"1\"><c><v>42</v></c></row>") for _ in range(rnd.randrange(1, 300_000)))
              for _ in range(12)]
    one = zlib.compressobj(1, zlib.DEFLATED, -15)
    expected = b"".join(one.compress(c) for c in chunks) + one.flush()
    got = Deflated.of(iter(chunks))
    assert got.payload == expected and inflate(got) == b"".join(chunks)
    assert got.crc == zlib.crc32(b"".join(chunks)) and got.size == sum(map(len, chunks))

    def failing():
        yield from chunks[:5]
        raise OSError("the source broke")

    with pytest.raises(OSError, match="the source broke"):
        Deflated.of(failing())
    assert Deflated.of(iter(chunks)).payload == expected

    if "fork" not in multiprocessing.get_all_start_methods():
        return  # Windows: no fork, nothing inherited
    ctx = multiprocessing.get_context("fork")
    with ctx.Pool(1) as pool:
        res = pool.apply_async(_deflate_in_child, (chunks,))
        assert res.get(timeout=30) == expected


def _deflate_in_child(chunks):
    from addin.io.zip_parts import Deflated

    return Deflated.of(iter(chunks)).payload
