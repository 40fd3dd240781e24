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
