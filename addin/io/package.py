"""An .xlsx/.xlsm file as an OPC package: parts in, parts out, saved atomically.

Only parts that are explicitly replaced change; every other part is copied as it
was (its compressed bytes are copied verbatim), so a user's sheets, charts,
pivots, VBA project and ribbon survive untouched.
"""
from __future__ import annotations

import io
import os
import posixpath
import shutil
import stat
import tempfile
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lxml import etree

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DOC_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOC = DOC_REL_NS + "/officeDocument"
WORKSHEET_REL = DOC_REL_NS + "/worksheet"
STYLES_REL = DOC_REL_NS + "/styles"
CALC_CHAIN_REL = DOC_REL_NS + "/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class PackageError(Exception):
    """The file is not a workbook the tool can use."""


def check_readable(path: Path) -> None:
    """Raise PackageError with a one-line reason when ``path`` is not a usable workbook."""
    if not path.exists():
        raise PackageError("file not found")
    if path.is_dir():
        raise PackageError("is a directory, not a workbook")
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head == CFB_MAGIC:
            fh.seek(0)
            body = fh.read()
            if "EncryptionInfo".encode("utf-16-le") in body:
                raise PackageError("workbook is encrypted (password-protected); save it without a password")
            raise PackageError("legacy .xls format; save it as .xlsm or .xlsx in Excel")
    if not zipfile.is_zipfile(path):
        raise PackageError("not an Excel workbook (.xlsx/.xlsm)")


def _resolve(base_part: str, target: str) -> str:
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_part), target)).lstrip("/")


def rels_name(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


class Package:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        check_readable(self.path)
        self.data = self.path.read_bytes()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(self.data))
            self._infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(f"not an Excel workbook ({exc})") from None
        self._names = [i.filename for i in self._infos]
        # part names are case-insensitive (OPC, ECMA-376 part 2 §9.1.1.1): Excel opens a file whose
        # relationship says sheet1.xml while the zip holds Sheet1.xml
        self._by_lower = {n.lower(): n for n in self._names}
        self._changed: dict[str, bytes] = {}
        self._removed: set[str] = set()
        if "[Content_Types].xml" not in self._names:
            raise PackageError("not an Excel workbook (no [Content_Types].xml)")
        self.workbook_part = self._office_document()
        if self.workbook_part.lower().endswith(".bin"):
            raise PackageError("binary workbook (.xlsb) is not supported: save it in Excel as .xlsm or .xlsx")
        self._sheets: list[tuple[str, str]] | None = None

    # ------------------------------------------------------------------ parts
    def names(self) -> list[str]:
        return [n for n in self._names if n not in self._removed] + [
            n for n in self._changed if n not in self._names]

    def has(self, name: str) -> bool:
        return name in self._changed or (name in self._names and name not in self._removed)

    def read(self, name: str) -> bytes:
        if name in self._changed:
            return _inflate(self._changed[name])
        if name in self._removed:
            raise KeyError(name)
        with _damaged(name):
            return self._zip.read(name)

    def contains(self, name: str, *needles: bytes, chunk: int = 1 << 20) -> bool:
        """Whether a part contains any of ``needles``, streaming it (a big sheet is never held whole)."""
        if name in self._changed:
            data = self.read(name)
            return any(n in data for n in needles)
        keep = max(len(n) for n in needles)
        tail = b""
        with _damaged(name), self._zip.open(name) as fh:
            while True:
                block = fh.read(chunk)
                if not block:
                    return False
                window = tail + block
                if any(n in window for n in needles):  # bytes search: far faster than a regex alternation
                    return True
                tail = block[-keep:]

    def stream(self, name: str, chunk: int = 4 << 20) -> Iterator[bytes]:
        """A part's bytes in chunks, decompressed as they are read."""
        if name in self._changed:
            yield self.read(name)
            return
        with _damaged(name), self._zip.open(name) as fh:
            while block := fh.read(chunk):
                yield block

    def write_stream(self, name: str, chunks: Iterable[bytes]) -> None:
        """Replace a part from chunks, compressing as they come (never held whole)."""
        self._removed.discard(name)
        self._changed[name] = _Deflated.of(chunks)

    def write(self, name: str, data: bytes) -> None:
        """Replace or add a part; a big one is compressed right away (held compressed)."""
        self._removed.discard(name)
        self._changed[name] = _Deflated(data) if len(data) > BIG_PART else data

    def remove(self, name: str) -> None:
        self._changed.pop(name, None)
        if name in self._names:
            self._removed.add(name)

    @property
    def dirty(self) -> bool:
        return bool(self._changed or self._removed)

    # ----------------------------------------------------------- relationships
    def rels(self, part: str) -> list[tuple[str, str, str]]:
        """(Id, Type, resolved target part) of a part's relationships."""
        name = rels_name(part) if part else "_rels/.rels"
        if not self.has(name):
            return []
        root = etree.fromstring(self.read(name))
        out = []
        for rel in root.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            target = _resolve(part, rel.get("Target"))
            out.append((rel.get("Id"), rel.get("Type"), self._by_lower.get(target.lower(), target)))
        return out

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        name = rels_name(part)
        root = etree.fromstring(self.read(name)) if self.has(name) else etree.Element(
            f"{{{REL_NS}}}Relationships", nsmap={None: REL_NS})
        ids = {r.get("Id") for r in root}
        n = 1
        while f"rId{n}" in ids:
            n += 1
        rid = f"rId{n}"
        target = posixpath.relpath(target_part, posixpath.dirname(part))
        etree.SubElement(root, f"{{{REL_NS}}}Relationship", Id=rid, Type=rel_type, Target=target)
        self.write(name, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))
        return rid

    def remove_rel_type(self, part: str, rel_type: str) -> None:
        name = rels_name(part)
        if not self.has(name):
            return
        root = etree.fromstring(self.read(name))
        drop = [r for r in root if r.get("Type") == rel_type]
        for r in drop:
            root.remove(r)
        if drop:
            self.write(name, etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    def add_override(self, part: str, content_type: str) -> None:
        root = etree.fromstring(self.read("[Content_Types].xml"))
        for o in root.iter(f"{{{CT_NS}}}Override"):
            if o.get("PartName") == "/" + part:
                return
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=content_type)
        self.write("[Content_Types].xml",
                   etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    def remove_override(self, part: str) -> None:
        root = etree.fromstring(self.read("[Content_Types].xml"))
        for o in list(root.iter(f"{{{CT_NS}}}Override")):
            if o.get("PartName") == "/" + part:
                root.remove(o)
                self.write("[Content_Types].xml",
                           etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    def _office_document(self) -> str:
        for _, typ, target in self.rels(""):
            if typ.startswith(STRICT_PREFIX):
                raise PackageError("Strict Open XML workbook is not supported: in Excel use File › Save As › "
                                   "'Excel Macro-Enabled Workbook (*.xlsm)' or 'Excel Workbook (*.xlsx)', "
                                   "not 'Strict Open XML Spreadsheet'")
            if typ == OFFICE_DOC or typ.endswith("/officeDocument"):
                return target
        raise PackageError("not an Excel workbook (no office document)")

    def part_of_type(self, rel_type: str) -> str | None:
        for _, typ, target in self.rels(self.workbook_part):
            if typ == rel_type:
                return target
        return None

    # ------------------------------------------------------------------ sheets
    def sheets(self) -> list[tuple[str, str]]:
        """(tab name, worksheet part) in workbook order."""
        if self._sheets is None:
            targets = {rid: t for rid, _, t in self.rels(self.workbook_part)}
            root = etree.fromstring(self.read(self.workbook_part))
            out = []
            for el in root.iter():
                if isinstance(el.tag, str) and etree.QName(el).localname == "sheet":
                    rid = el.get(f"{{{DOC_REL_NS}}}id")
                    if rid in targets:
                        out.append((el.get("name"), targets[rid]))
            self._sheets = out
        return self._sheets

    def sheet_part(self, name: str) -> str:
        for n, part in self.sheets():
            if n == name:
                return part
        raise KeyError(name)

    def add_sheet(self, name: str, xml: bytes) -> str:
        """Add a worksheet at the end of the workbook; returns its part name."""
        existing = {n.lower() for n in self.names()}
        n = 1
        while f"xl/worksheets/sheet{n}.xml" in existing:
            n += 1
        part = f"xl/worksheets/sheet{n}.xml"
        self.write(part, xml)
        self.add_override(part, WORKSHEET_CT)
        rid = self.add_rel(self.workbook_part, WORKSHEET_REL, part)
        root = etree.fromstring(self.read(self.workbook_part))
        main = etree.QName(root).namespace
        sheets = root.find(f"{{{main}}}sheets")
        ids = [int(el.get("sheetId", "0")) for el in sheets]
        el = etree.SubElement(sheets, f"{{{main}}}sheet", nsmap={"r": DOC_REL_NS})
        el.set("name", name)
        el.set("sheetId", str(max(ids, default=0) + 1))
        el.set(f"{{{DOC_REL_NS}}}id", rid)
        wb = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True).decode("utf-8")
        self.write(self.workbook_part, wb.encode("utf-8"))
        self._sheets = None
        return part

    def drop_calc_chain(self) -> None:
        """Remove calcChain.xml (Excel rebuilds it) after formula cells were overwritten."""
        part = self.part_of_type(CALC_CHAIN_REL)
        if part:
            self.remove(part)
            self.remove_override(part)
            self.remove_rel_type(self.workbook_part, CALC_CHAIN_REL)

    # ------------------------------------------------------------------- save
    def save(self, backup: bool = True) -> None:
        """Write to a temporary file beside the original, keep one backup, then replace.

        The backup is written under a temporary name too and renamed, so a kill at any
        moment leaves both the workbook and the previous backup whole."""
        if not self.dirty:
            return
        target = self.path
        made: list[str] = []
        try:
            tmp = _temp_beside(target, made)
            self._write_zip(Path(tmp))
            shutil.copymode(target, tmp)
            if backup:
                btmp = _temp_beside(target, made)
                shutil.copyfile(target, btmp)
                shutil.copystat(target, btmp)
                os.chmod(btmp, stat.S_IMODE(os.stat(target).st_mode) | stat.S_IWUSR)
                os.replace(btmp, target.with_name(target.name + ".bak"))
            os.replace(tmp, target)
        except OSError as exc:
            raise PackageError(f"could not save the workbook ({exc.strerror or exc}); "
                               "the file on disk is unchanged") from None
        finally:
            for name in made:
                Path(name).unlink(missing_ok=True)
            self.close()

    def _write_zip(self, out: Path) -> None:
        src = io.BytesIO(self.data)
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in self._infos:
                name = info.filename
                if name in self._removed:
                    continue
                if name in self._changed:
                    _write_part(dst, name, self._changed[name])
                else:
                    _copy_raw(src, info, dst)
            for name, data in self._changed.items():
                if name not in self._names:
                    _write_part(dst, name, data)
            dst._didModify = True  # raw copies bypass the flag that triggers the central directory
        with open(out, "rb+") as fh:
            os.fsync(fh.fileno())

    def close(self) -> None:
        self._zip.close()


@contextmanager
def _damaged(name: str) -> Iterator[None]:
    """A part whose compressed data is corrupt is unusable input, named, not a traceback."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise PackageError(f"the part {name} is damaged ({exc}); open the file in Excel to repair it") from None


BIG_PART = 1 << 20

#: the add-in's own temporary files beside a workbook (removed by the next run after a kill)
TEMP_PREFIX = ".crm-tmp."
TEMP_SUFFIX = ".tmp"


def _temp_beside(target: Path, made: list[str]) -> str:
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    made.append(name)
    return name


class _Deflated:
    """A part held as raw deflate data, with what the zip entry needs."""

    __slots__ = ("payload", "crc", "size")

    def __init__(self, data: bytes = b"") -> None:
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        self.payload = c.compress(data) + c.flush()
        self.crc = zlib.crc32(data) & 0xFFFFFFFF
        self.size = len(data)

    @classmethod
    def of(cls, chunks: Iterable[bytes]) -> _Deflated:
        out = cls()
        c = zlib.compressobj(1, zlib.DEFLATED, -15)
        parts, crc, size = [], 0, 0
        for chunk in chunks:
            parts.append(c.compress(chunk))
            crc = zlib.crc32(chunk, crc)
            size += len(chunk)
        parts.append(c.flush())
        out.payload, out.crc, out.size = b"".join(parts), crc & 0xFFFFFFFF, size
        return out


def _inflate(data: bytes | _Deflated) -> bytes:
    return zlib.decompress(data.payload, -15) if isinstance(data, _Deflated) else data


def _write_part(dst: zipfile.ZipFile, name: str, data: bytes | _Deflated) -> None:
    if isinstance(data, _Deflated):
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.CRC, info.compress_size, info.file_size = data.crc, len(data.payload), data.size
        _write_entry(dst, info, data.payload)
        return
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    dst.writestr(info, data, compresslevel=6)


def _copy_raw(src, info: zipfile.ZipInfo, dst: zipfile.ZipFile) -> None:
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
    _write_entry(dst, zinfo, payload)


def _write_entry(dst: zipfile.ZipFile, zinfo: zipfile.ZipInfo, payload: bytes) -> None:
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
