"""An .xlsx/.xlsm file as an OPC package: parts in, parts out, saved atomically.

Only parts that are explicitly replaced change; every other part is copied as it
was (its compressed bytes are copied verbatim), so a user's sheets, charts,
pivots, VBA project and ribbon survive untouched.
"""
from __future__ import annotations

import datetime as dt
import errno
import io
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from itertools import chain
from pathlib import Path

from .errors import PackageError
from .limits import check_members, check_stream
from .opc import (
    DOC_REL_NS,
    RELS_CT,
    relationships,
    rels_name,
    with_default,
    with_override,
    with_relationship,
    without_override,
    without_relationship_type,
)
from .workbook_xml import sheet_entries, with_sheet
from .xml_parts import parse, refuse_doctype
from .zip_parts import BIG_PART, Deflated, copy_raw, damaged, finish, inflate, write_part

CONTENT_TYPES = "[Content_Types].xml"
OFFICE_DOC = DOC_REL_NS + "/officeDocument"
WORKSHEET_REL = DOC_REL_NS + "/worksheet"
STYLES_REL = DOC_REL_NS + "/styles"
CALC_CHAIN_REL = DOC_REL_NS + "/calcChain"
WORKSHEET_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_XML_EXTS = (".xml", ".rels", ".vml")
STRICT_PREFIX = "http://purl.oclc.org/ooxml/"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def regular_file(path: Path) -> Path:
    """The file a workbook path names — a symbolic link followed to its target, so a save updates
    the real workbook and leaves the link a link — refused unless it is a regular file (a FIFO
    would hang the read, a device or a folder is no workbook)."""
    try:
        real = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError:
        raise PackageError("file not found" + (" (a symbolic link to a missing file)" if os.path.islink(path)
                                               else "")) from None
    except (OSError, RuntimeError) as exc:  # ELOOP (RuntimeError before Python 3.13)
        if isinstance(exc, RuntimeError) or getattr(exc, "errno", None) == errno.ELOOP:
            raise PackageError("is a symbolic link loop, not a workbook") from None
        raise PackageError(f"cannot be opened ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        mode = os.stat(real).st_mode
    except OSError as exc:
        raise PackageError(f"cannot be opened ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise PackageError("is a directory, not a workbook")
    if not stat.S_ISREG(mode):
        raise PackageError("is not a regular file (a pipe, device or socket); save the workbook as a file")
    return real


def read_regular(path: Path) -> bytes:
    """A regular file's bytes; opened without blocking, so a FIFO swapped in after the check is
    refused instead of hanging."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise PackageError(f"cannot be opened ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            raise PackageError("is not a regular file (a pipe, device or socket); save the workbook as a file")
        return fh.read()


def check_readable(path: Path) -> Path:
    """The workbook's real path (symlinks followed); PackageError with a one-line reason when
    ``path`` is not a usable workbook."""
    real = regular_file(path)
    head = read_head(real)
    if head[:8] == CFB_MAGIC:
        body = read_regular(real)
        if "EncryptionInfo".encode("utf-16-le") in body:
            raise PackageError("workbook is encrypted (password-protected); save it without a password")
        raise PackageError("legacy .xls format; save it as .xlsm or .xlsx in Excel")
    if not zipfile.is_zipfile(real):
        raise PackageError("not an Excel workbook (.xlsx/.xlsm)")
    return real


def read_head(path: Path) -> bytes:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        return os.read(fd, 8)
    finally:
        os.close(fd)


class Package:
    def __init__(self, path: str | Path) -> None:
        self.path = check_readable(Path(path))  # a symlink's target: the save replaces the real file
        self.data = read_regular(self.path)
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(self.data))
            self._infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise PackageError(f"not an Excel workbook ({exc})") from None
        self._names = [i.filename for i in self._infos]
        check_members(self._infos, len(self.data))
        # part names are case-insensitive (OPC, ECMA-376 part 2 §9.1.1.1): Excel opens a file whose
        # relationship says sheet1.xml while the zip holds Sheet1.xml
        self._by_lower = {n.lower(): n for n in self._names}
        self._changed: dict[str, bytes] = {}
        self._watch: tuple[bytes, ...] = ()
        self._seen: dict[str, dict[bytes, bool]] = {}  # part read to its end → needle → held (watch)
        self._removed: set[str] = set()
        if CONTENT_TYPES not in self._names:
            raise PackageError("not an Excel workbook (no [Content_Types].xml)")
        self._refuse_doctypes()
        self.workbook_part = self._office_document()
        if self.workbook_part.lower().endswith(".bin"):
            raise PackageError("binary workbook (.xlsb) is not supported: save it in Excel as .xlsm or .xlsx")
        self._sheets: list[tuple[str, str]] | None = None
        self._verify_read_whole()

    def _refuse_doctypes(self) -> None:
        """No XML part may declare a DOCTYPE (checked on each part's first bytes, before any
        parser — the engine's or calamine's — sees it)."""
        for info in self._infos:
            if info.filename.lower().endswith(_XML_EXTS) and info.file_size:
                with damaged(info.filename), self._zip.open(info) as fh:
                    refuse_doctype(fh.read(4096), info.filename)

    def _verify_read_whole(self) -> None:
        """Stream the parts read whole when the workbook is opened (the workbook part, its
        relationships, shared strings, styles, …) through the checks of :mod:`limits`: their
        declared sizes are true and no text run is out of bounds. Sheets are checked as they are
        streamed, before calamine reads them."""
        names = [self.workbook_part, rels_name(self.workbook_part)]
        names += [t for _, typ, t in self.rels(self.workbook_part)
                  if not typ.endswith(("/worksheet", "/chartsheet", "/dialogsheet", "/macrosheet"))]
        for name in dict.fromkeys(names):
            if name in self._names and name.lower().endswith(_XML_EXTS):
                for _ in self.stream(name):
                    pass
        # the small parts the engine edits, parsed now so a damaged one is named before any work
        styles = self.part_of_type(STYLES_REL)
        for name in (CONTENT_TYPES, self.workbook_part, styles):
            if name and name in self._names:
                parse(self.read(name), name)

    # ------------------------------------------------------------------ parts
    def names(self) -> list[str]:
        return [n for n in self._names if n not in self._removed] + [
            n for n in self._changed if n not in self._names]

    def size(self, name: str) -> int:
        """The size a part expands to: as its zip entry declares it (checked as it is read), or as
        changed; 0 for no such part."""
        if name in self._changed:
            return len(self.read(name))
        return self._zip.getinfo(name).file_size if name in self._names and name not in self._removed else 0

    def has(self, name: str) -> bool:
        return name in self._changed or (name in self._names and name not in self._removed)

    def read(self, name: str) -> bytes:
        if name in self._changed:
            return inflate(self._changed[name])
        if name in self._removed:
            raise KeyError(name)
        with damaged(name):
            return self._zip.read(name)

    def watch(self, *needles: bytes) -> None:
        """Note, for each part :meth:`stream` reads to its end, whether it holds each of
        ``needles``: a later :meth:`contains` asking only about those is answered without
        decompressing the part again (the engine streams every input sheet when reading)."""
        self._watch = tuple(dict.fromkeys((*self._watch, *needles)))

    def contains(self, name: str, *needles: bytes, chunk: int = 1 << 20) -> bool:
        """Whether a part contains any of ``needles``, streaming it (a big sheet is never held whole)."""
        if name in self._changed:
            data = self.read(name)
            return any(n in data for n in needles)
        seen = self._seen.get(name)
        if seen is not None and all(n in seen for n in needles):
            return any(seen[n] for n in needles)
        keep = max(len(n) for n in needles)
        tail = b""
        with damaged(name), self._zip.open(name) as fh:
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
        watch = self._watch if name not in self._seen else ()
        if not watch:
            with damaged(name), self._zip.open(name) as fh:
                yield from check_stream(name, iter(lambda: fh.read(chunk), b""))
            return
        found: set[bytes] = set()
        keep = max(len(n) for n in watch) - 1
        tail = b""
        with damaged(name), self._zip.open(name) as fh:
            for block in check_stream(name, iter(lambda: fh.read(chunk), b"")):
                edge = tail + block[:keep]  # a needle across the chunks' boundary
                found.update(n for n in watch if n not in found and (n in block or n in edge))
                tail = block[-keep:]
                yield block
        self._seen[name] = {n: n in found for n in watch}

    def write_stream(self, name: str, chunks: Iterable[bytes]) -> None:
        """Replace a part from chunks, compressing as they come (never held whole)."""
        self._removed.discard(name)
        self._changed[name] = Deflated.of(chunks)

    def write(self, name: str, data: bytes) -> None:
        """Replace or add a part; a big one is compressed right away (held compressed)."""
        self._removed.discard(name)
        self._changed[name] = Deflated(data) if len(data) > BIG_PART else data

    def write_chunks(self, name: str, chunks: Iterable[bytes], unless: bytes | None = None) -> bool:
        """:meth:`write` of the chunks' bytes joined — kept as they are up to ``BIG_PART``, beyond it
        compressed as they come (never held whole) — unless they are exactly ``unless`` (the part's
        bytes today): then nothing is written. Returns whether the part was written."""
        size, same = 0, unless is not None

        def compared() -> Iterator[bytes]:  # each chunk, checked against ``unless`` as it passes
            nonlocal size, same
            for chunk in chunks:
                same = same and unless.startswith(chunk, size)  # type: ignore[union-attr]
                size += len(chunk)
                yield chunk

        it = compared()
        head: list[bytes] = []
        for chunk in it:
            head.append(chunk)
            if size > BIG_PART:
                data: bytes | Deflated = Deflated.of(chain(head, it))
                break
        else:
            data = b"".join(head)
        if same and size == len(unless):  # type: ignore[arg-type]
            return False
        if isinstance(data, bytes):
            self.write(name, data)
        else:
            self._removed.discard(name)
            self._changed[name] = data
        return True

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
        name = rels_name(part)
        if not self.has(name):
            return []
        return [(rid, typ, self._by_lower.get(t.lower(), t)) for rid, typ, t in relationships(self.read(name), part)]

    def add_rel(self, part: str, rel_type: str, target_part: str) -> str:
        name = rels_name(part)
        if not self.has(name) and (ct := with_default(self.read(CONTENT_TYPES), "rels", RELS_CT)) is not None:
            self.write(CONTENT_TYPES, ct)
        xml, rid = with_relationship(self.read(name) if self.has(name) else None, part, rel_type, target_part)
        self.write(name, xml)
        return rid

    def remove_rel_type(self, part: str, rel_type: str) -> None:
        name = rels_name(part)
        if self.has(name) and (xml := without_relationship_type(self.read(name), rel_type, name)) is not None:
            self.write(name, xml)

    def add_override(self, part: str, content_type: str) -> None:
        if (xml := with_override(self.read(CONTENT_TYPES), part, content_type)) is not None:
            self.write(CONTENT_TYPES, xml)

    def remove_override(self, part: str) -> None:
        if (xml := without_override(self.read(CONTENT_TYPES), part)) is not None:
            self.write(CONTENT_TYPES, xml)

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
            self._sheets = [(name, targets[rid]) for name, rid in sheet_entries(self.read(self.workbook_part), self.workbook_part)
                            if rid in targets]
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
        self.write(self.workbook_part, with_sheet(self.read(self.workbook_part), name, rid, self.workbook_part))
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
    def save(self, backup: bool | str = True) -> None:
        """Write to a temporary file beside the original, keep one backup, then replace.

        The backup is written under a temporary name too and renamed, so a kill at any
        moment leaves both the workbook and the previous backup whole. ``backup="stamped"``
        (crm update-vba, crm setup: they replace macros) keeps ``NAME.YYYYMMDD-HHMMSS.bak``
        instead, the newest :data:`BACKUPS_KEPT` of them."""
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
                os.replace(btmp, stamped_backup(target) if backup == "stamped" else
                           target.with_name(target.name + ".bak"))
            os.replace(tmp, target)
            if backup == "stamped":
                prune_backups(target)
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
                    write_part(dst, name, self._changed[name])
                else:
                    copy_raw(src, info, dst)
            for name, data in self._changed.items():
                if name not in self._names:
                    write_part(dst, name, data)
            finish(dst)
        with open(out, "rb+") as fh:
            os.fsync(fh.fileno())

    def close(self) -> None:
        self._zip.close()



#: the add-in's own temporary files beside a workbook (removed by the next run after a kill)
TEMP_PREFIX = ".crm-tmp."
TEMP_SUFFIX = ".tmp"


BACKUPS_KEPT = 5


def _now() -> dt.datetime:
    return dt.datetime.now()


def stamped_backup(target: Path) -> Path:
    """``NAME.YYYYMMDD-HHMMSS.bak`` beside ``target``, a second later if that one exists."""
    when = _now().replace(microsecond=0)
    while True:
        name = target.with_name(f"{target.name}.{when:%Y%m%d-%H%M%S}.bak")
        if not name.exists():
            return name
        when += dt.timedelta(seconds=1)


def stamped_backups(target: Path) -> list[Path]:
    """The timestamped backups of ``target``, oldest first."""
    pattern = re.compile(re.escape(target.name) + r"\.\d{8}-\d{6}\.bak")
    return sorted(p for p in target.parent.iterdir() if pattern.fullmatch(p.name))


def prune_backups(target: Path, keep: int = BACKUPS_KEPT) -> None:
    """Remove all but the newest ``keep`` timestamped backups (never a plain NAME.bak)."""
    for old in stamped_backups(target)[:-keep]:
        try:
            old.unlink()
        except OSError:
            pass


def _temp_beside(target: Path, made: list[str]) -> str:
    fd, name = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent)
    os.close(fd)
    made.append(name)
    return name


