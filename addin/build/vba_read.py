"""Read what a workbook's VBA project holds: its modules and the xlwings version it embeds.

For `crm doctor` (does the workbook's RunPython match the installed xlwings?) and
`crm update-vba` (never drop a user's own macros). olefile reads the compound file;
the module text is MS-OVBA-compressed (2.4.1).
"""
from __future__ import annotations

import codecs
import io
import re
import struct
from dataclasses import dataclass

import olefile

_VERSION = re.compile(r'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', re.I)
_MODULE_LINE = re.compile(r"^(Document|Module|Class|BaseClass)=([^/\r\n]+)", re.M)


def decompress(data: bytes, start: int = 0) -> bytes:
    """MS-OVBA 2.4.1.3: a CompressedContainer from ``start`` to the end of ``data``."""
    if data[start] != 1:
        raise ValueError("not a compressed container")
    out = bytearray()
    pos = start + 1
    while pos + 2 <= len(data):
        header = int.from_bytes(data[pos:pos + 2], "little")
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError("bad chunk signature")
        end = min(pos + (header & 0x0FFF) + 3, len(data))
        pos += 2
        chunk_start = len(out)
        if not header & 0x8000:  # a raw chunk
            out += data[pos:pos + 4096]
            pos += 4096
            continue
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not flags >> bit & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                token = int.from_bytes(data[pos:pos + 2], "little")
                pos += 2
                bits = max((len(out) - chunk_start - 1).bit_length(), 4)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                for _ in range(length):
                    out.append(out[-offset])
    return bytes(out)


@dataclass(frozen=True)
class ModuleSource:
    name: str
    kind: str  # "document", "std" or "class" (as the PROJECT stream names it)
    source: str | None  # decoded in the project's code page; None when it cannot be read


@dataclass(frozen=True)
class VbaInfo:
    modules: tuple[str, ...]  # every module named in the PROJECT stream
    document_modules: tuple[str, ...]
    xlwings_version: str | None
    codepage: int = 1252
    sources: tuple[ModuleSource, ...] = ()

    def source(self, name: str) -> str | None:
        return next((m.source for m in self.sources if m.name == name), None)


def _dir_records(dir_stream: bytes) -> list[tuple[int, bytes]]:
    """The records of the decompressed VBA/dir stream (MS-OVBA 2.3.4.2), in order. Each is
    Id (2 bytes), Size (4) and Size bytes, except PROJECTVERSION (0x0009), whose Size field is
    the reserved value 4 followed by six bytes of version."""
    out = []
    pos = 0
    while pos + 6 <= len(dir_stream):
        rid, size = struct.unpack_from("<HI", dir_stream, pos)
        pos += 6
        if rid == 0x0009:
            size = 6
        out.append((rid, dir_stream[pos:pos + size]))
        pos += size
    return out


def _module_offsets(ole: olefile.OleFileIO) -> tuple[int, dict[str, tuple[str, int]]]:
    """(code page, module name → (stream name, offset of its compressed source))."""
    records = _dir_records(decompress(ole.openstream("VBA/dir").read()))
    codepage = 1252
    out: dict[str, tuple[str, int]] = {}
    name = stream = None
    for rid, data in records:
        if rid == 0x0003:
            codepage = struct.unpack("<H", data[:2])[0]
        elif rid == 0x0019:
            name, stream = data.decode(f"cp{codepage}", "replace"), None
        elif rid == 0x001A:
            stream = data.decode(f"cp{codepage}", "replace")
        elif rid == 0x0031 and name is not None:
            out[name] = (stream or name, struct.unpack("<I", data[:4])[0])
    return codepage, out


def codec_known(codepage: int) -> bool:
    try:
        codecs.lookup(f"cp{codepage}")
        return True
    except LookupError:
        return False


def _codec(codepage: int) -> str:
    try:
        return codecs.lookup(f"cp{codepage}").name
    except LookupError:
        return "cp1252"


def read(vba_project: bytes) -> VbaInfo:
    ole = olefile.OleFileIO(io.BytesIO(vba_project))
    try:
        project = ole.openstream("PROJECT").read()
        codepage, offsets = _module_offsets(ole)
        codec = _codec(codepage)
        found = _MODULE_LINE.findall(project.decode(codec, "replace"))
        sources = []
        for kind, name in found:
            name = name.strip()
            text = None
            stream, offset = offsets.get(name, (name, None))  # type: ignore[assignment]
            if offset is not None and ole.exists(f"VBA/{stream}"):
                try:
                    text = decompress(ole.openstream(f"VBA/{stream}").read(), offset).decode(codec)
                except (ValueError, IndexError, UnicodeDecodeError):
                    text = None
            sources.append(ModuleSource(name, {"Document": "document", "Module": "std"}.get(kind, "class"), text))
    finally:
        ole.close()
    version = None
    for m in sources:
        match = _VERSION.search(m.source or "") if m.kind == "std" else None
        if match:
            version = match.group(1)
            break
    return VbaInfo(tuple(m.name for m in sources), tuple(m.name for m in sources if m.kind == "document"),
                   version, codepage, tuple(sources))


def code_of(source: str) -> str:
    """A module's code without the Attribute lines that head it (what a user wrote)."""
    lines = source.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines) and lines[i].startswith("Attribute VB_"):
        i += 1
    return "\r\n".join(lines[i:])
