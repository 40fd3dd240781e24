"""Zip members as raw bytes: copy a member's compressed data as it is, write a member whose
compressed payload is already known. The only code that reaches into :mod:`zipfile`'s internals
(``start_dir``, ``_seekable``, ``_didModify``), kept in one place and checked by a test that a
Python upgrade would break (``tests/test_zip_parts.py``).
"""
from __future__ import annotations

import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

from .errors import PackageError


@contextmanager
def damaged(name: str) -> Iterator[None]:
    """A part whose compressed data is corrupt is unusable input, named, not a traceback."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackageError(f"the part {name} is damaged ({exc}); open the file in Excel to repair it") from None
    except KeyError:
        where = "outside the package" if name.startswith("../") else "missing"
        raise PackageError(f"a relationship names the part {name}, which is {where}; "
                           "open the file in Excel to repair it") from None


BIG_PART = 1 << 20


class Deflated:
    """A part held as raw deflate data, with what the zip entry needs."""

    __slots__ = ("payload", "crc", "size")

    def __init__(self, data: bytes = b"") -> None:
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        self.payload = c.compress(data) + c.flush()
        self.crc = zlib.crc32(data) & 0xFFFFFFFF
        self.size = len(data)

    @classmethod
    def of(cls, chunks: Iterable[bytes]) -> Deflated:
        """The chunks compressed as they come, on a worker thread (zlib works without the GIL):
        the caller makes the next chunk while the last is compressed. At most two chunks wait."""
        out = cls()
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        parts: list[Future[bytes]] = []
        crc, size = 0, 0
        pool = _compressor()
        for chunk in chunks:
            if len(parts) >= 2:
                parts[-2].result()  # bounded: the caller never runs far ahead of the compressor
            parts.append(pool.submit(c.compress, chunk))
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
        parts.append(pool.submit(c.flush))
        out.payload, out.crc, out.size = b"".join(p.result() for p in parts), crc & 0xFFFFFFFF, size
        return out


_POOL: ThreadPoolExecutor | None = None


def _compressor() -> ThreadPoolExecutor:
    """One worker thread for every compression, in order (a compressor object is never used by
    two threads at once)."""
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(1, thread_name_prefix="crm-deflate")
    return _POOL


def _forget_pool() -> None:
    """A forked child (crm collect's readers) has no copy of the parent's worker thread."""
    global _POOL
    _POOL = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)


def inflate(data: bytes | Deflated) -> bytes:
    return zlib.decompress(data.payload, -15) if isinstance(data, Deflated) else data


def write_part(dst: zipfile.ZipFile, name: str, data: bytes | Deflated) -> None:
    if isinstance(data, Deflated):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.CRC, info.compress_size, info.file_size = data.crc, len(data.payload), data.size
        write_entry(dst, info, data.payload)
        return
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    dst.writestr(info, data, compresslevel=6)


def copy_raw(src, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
    """Copy one entry's compressed bytes as they are (no recompression)."""
    src.seek(info.header_offset)
    header = src.read(zipfile.sizeFileHeader)
    fname_len = int.from_bytes(header[26:28], "little")
    extra_len = int.from_bytes(header[28:30], "little")
    src.seek(info.header_offset + zipfile.sizeFileHeader + fname_len + extra_len)
    payload = src.read(info.compress_size)
    zinfo = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    zinfo.compress_type = info.compress_type
    zinfo.CRC = info.CRC
    zinfo.compress_size = info.compress_size
    zinfo.file_size = info.file_size
    zinfo.external_attr = info.external_attr
    zinfo.create_system = info.create_system
    zinfo.flag_bits = info.flag_bits & ~0x08  # sizes are known: no data descriptor
    write_entry(dst, zinfo, payload)


def write_entry(dst: zipfile.ZipFile, zinfo: zipfile.ZipInfo, payload: bytes) -> None:
    """Write an entry whose compressed payload, CRC and sizes are already known."""
    if dst._seekable:  # type: ignore[attr-defined]
        dst.fp.seek(dst.start_dir)
    zinfo.header_offset = dst.fp.tell()
    zip64 = zinfo.file_size > zipfile.ZIP64_LIMIT or zinfo.compress_size > zipfile.ZIP64_LIMIT
    dst.fp.write(zinfo.FileHeader(zip64))
    dst.fp.write(payload)
    dst.filelist.append(zinfo)
    dst.NameToInfo[zinfo.filename] = zinfo
    dst.start_dir = dst.fp.tell()


def finish(dst: zipfile.ZipFile) -> None:
    """Raw writes bypass the flag that makes ``close`` write the central directory: set it."""
    dst._didModify = True  # type: ignore[attr-defined]
