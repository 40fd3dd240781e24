"""Read what a workbook's VBA project holds: its modules and the xlwings version it embeds.

For `crm doctor` (does the workbook's RunPython match the installed xlwings?) and
`crm update-vba` (never drop a user's own macros). olefile reads the compound file;
the module text is MS-OVBA-compressed (2.4.1).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import olefile

_VERSION = re.compile(rb'XLWINGS_VERSION\s+As\s+String\s*=\s*"([^"]+)"', re.I)
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
class VbaInfo:
    modules: tuple[str, ...]  # every module named in the PROJECT stream
    document_modules: tuple[str, ...]
    xlwings_version: str | None


def read(vba_project: bytes) -> VbaInfo:
    ole = olefile.OleFileIO(io.BytesIO(vba_project))
    try:
        project = ole.openstream("PROJECT").read().decode("cp1252", "replace")
        found = _MODULE_LINE.findall(project)
        version = None
        for kind, name in found:
            if kind != "Module" or not ole.exists(f"VBA/{name}"):
                continue
            raw = ole.openstream(f"VBA/{name}").read()
            # the source follows the module's performance cache (none in projects the add-in builds)
            starts = (i for i in range(len(raw) - 2) if raw[i] == 1 and (raw[i + 2] >> 4) & 0x7 == 0b011)
            for start in starts:
                try:
                    m = _VERSION.search(decompress(raw, start))
                except (ValueError, IndexError):
                    continue
                if m:
                    version = m.group(1).decode("ascii", "replace")
                    break
            if version:
                break
    finally:
        ole.close()
    return VbaInfo(tuple(n.strip() for _, n in found), tuple(n.strip() for k, n in found if k == "Document"),
                   version)
