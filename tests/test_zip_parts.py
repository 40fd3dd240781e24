"""The raw member copy relies on zipfile internals; these tests break first if Python changes them."""
import io
import zipfile

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
