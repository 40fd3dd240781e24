"""Build xl/vbaProject.bin from VBA text sources (MS-OVBA).

Streams: PROJECT (text), PROJECTwm (module names), VBA/dir (compressed records),
VBA/_VBA_PROJECT (source only: version 0xFFFF makes Excel compile on open) and one
compressed stream per module (no performance cache). The xlwings module (RunPython
and friends) and its Dictionary class come from the installed xlwings package.
"""
from __future__ import annotations

import functools
import re
import struct
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .cfb import write_cfb

CODEPAGE = 1252
PROJECT_ID = "{6E1C2A5B-3F0D-4C8E-9B7A-2D4F6A8C0E1B}"
STDOLE = ("stdole", "*\\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\\Windows\\System32\\stdole2.tlb"
          "#OLE Automation")
OFFICE = ("Office", "*\\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\\Program Files\\Common Files"
          "\\Microsoft Shared\\OFFICE16\\MSO.DLL#Microsoft Office 16.0 Object Library")
WORKBOOK_BASE = "0{00020819-0000-0000-C000-000000000046}"
SHEET_BASE = "0{00020820-0000-0000-C000-000000000046}"
CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"


# ----------------------------------------------------------------- compression
def compress(data: bytes) -> bytes:
    """MS-OVBA 2.4.1 compression."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), 4096):
        chunk = data[start:start + 4096]
        body = _compress_chunk(chunk)
        if len(body) <= 4094:
            out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3)) + body
        else:  # incompressible: a raw chunk holds exactly 4096 bytes
            if len(chunk) != 4096:
                raise ValueError("incompressible final chunk")
            out += struct.pack("<H", 0x3000 | (4096 + 2 - 3)) + chunk
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    out = bytearray()
    n = len(chunk)
    pos = 0
    index: dict[bytes, list[int]] = {}

    def remember(p: int) -> None:
        if p + 3 <= n:
            index.setdefault(chunk[p:p + 3], []).append(p)

    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len = best_off = 0
            if pos > 0:
                bit_count = max((pos - 1).bit_length(), 4)
                max_len = min((0xFFFF >> bit_count) + 3, n - pos)
                for cand in reversed(index.get(chunk[pos:pos + 3], [])[-64:]):
                    length = 3
                    while length < max_len and chunk[cand + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_off = length, pos - cand
                        if length == max_len:
                            break
            if best_len >= 3:
                token = ((best_off - 1) << (16 - bit_count)) | (best_len - 3)
                out += struct.pack("<H", token)
                flags |= 1 << bit
                for p in range(pos, pos + best_len):
                    remember(p)
                pos += best_len
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


# --------------------------------------------------------------------- modules
@dataclass(frozen=True)
class Module:
    name: str
    source: str  # as stored: Attribute lines first, CRLF line ends
    kind: str  # "std", "document" or "class"


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def document_module(name: str, base: str = SHEET_BASE) -> Module:
    attrs = [f'Attribute VB_Name = "{name}"', f'Attribute VB_Base = "{base}"',
             "Attribute VB_GlobalNameSpace = False", "Attribute VB_Creatable = False",
             "Attribute VB_PredeclaredId = True", "Attribute VB_Exposed = True",
             "Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = True"]
    return Module(name, "\r\n".join(attrs) + "\r\n", "document")


def std_module(text: str) -> Module:
    text = _crlf(text)
    m = re.match(r'Attribute VB_Name = "([^"]+)"', text)
    if not m:
        raise ValueError("a .bas module must start with Attribute VB_Name")
    return Module(m.group(1), text if text.endswith("\r\n") else text + "\r\n", "std")


def class_module(text: str) -> Module:
    """A .cls export as VBE stores it: the VERSION/BEGIN…END header dropped, VB_Base added."""
    text = _crlf(text)
    text = re.sub(r"\AVERSION 1\.0 CLASS\r\nBEGIN\r\n.*?END\r\n", "", text, flags=re.S)
    lines = text.split("\r\n")
    attrs = [ln for ln in lines if ln.startswith("Attribute VB_")]
    body = lines[len(attrs):]
    name = re.match(r'Attribute VB_Name = "([^"]+)"', attrs[0]).group(1)  # type: ignore[union-attr]
    have = {a.split("=")[0].strip() for a in attrs}
    out = [attrs[0], f'Attribute VB_Base = "{CLASS_BASE}"'] + attrs[1:]
    for extra in ("Attribute VB_TemplateDerived = False", "Attribute VB_Customizable = False"):
        if extra.split("=")[0].strip() not in have:
            out.insert(len(out) - sum(a.startswith("Attribute VB_Description") for a in attrs), extra)
    return Module(name, "\r\n".join(out + body), "class")


# ----------------------------------------------------------------- dir stream
def _rec(rid: int, data: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(data)) + data


def _mbcs(s: str, codepage: int = CODEPAGE) -> bytes:
    """Text in the project's code page (MS-OVBA's MBCS); UnicodeEncodeError when it cannot hold it."""
    return s.encode(f"cp{codepage}")


def _utf16(s: str) -> bytes:
    return s.encode("utf-16-le")


def dir_stream(modules: list[Module], codepage: int = CODEPAGE) -> bytes:
    d = bytearray()
    d += _rec(0x01, struct.pack("<I", 1))  # SysKind: Win32 (Excel recompiles for its platform)
    d += _rec(0x02, struct.pack("<I", 0x409))
    d += _rec(0x14, struct.pack("<I", 0x409))
    d += _rec(0x03, struct.pack("<H", codepage))
    d += _rec(0x04, b"VBAProject")
    d += _rec(0x05) + _rec(0x40)  # doc string
    d += _rec(0x06) + _rec(0x3D)  # help file
    d += _rec(0x07, struct.pack("<I", 0))
    d += _rec(0x08, struct.pack("<I", 0))
    d += struct.pack("<HIIH", 0x09, 4, 1, 0)  # PROJECTVERSION: major 1, minor 0
    d += _rec(0x0C) + _rec(0x3C)  # constants
    for name, libid in (STDOLE, OFFICE):
        d += _rec(0x16, _mbcs(name)) + _rec(0x3E, _utf16(name))
        lib = _mbcs(libid)
        d += _rec(0x0D, struct.pack("<I", len(lib)) + lib + struct.pack("<IH", 0, 0))
    d += _rec(0x0F, struct.pack("<H", len(modules)))
    d += _rec(0x13, struct.pack("<H", 0xFFFF))
    for m in modules:
        d += _rec(0x19, _mbcs(m.name, codepage)) + _rec(0x47, _utf16(m.name))
        d += _rec(0x1A, _mbcs(m.name, codepage)) + _rec(0x32, _utf16(m.name))
        d += _rec(0x1C) + _rec(0x48)
        d += _rec(0x31, struct.pack("<I", 0))  # source starts at offset 0: no performance cache
        d += _rec(0x1E, struct.pack("<I", 0))
        d += _rec(0x2C, struct.pack("<H", 0xFFFF))
        d += _rec(0x21 if m.kind == "std" else 0x22)
        d += _rec(0x2B)
    d += _rec(0x10)
    return bytes(d)


# ------------------------------------------------------------- PROJECT stream
def _encrypt(data: bytes, seed: int = 0x52) -> str:
    """MS-OVBA 2.4.3.2 data encryption (for CMG / DPB / GC), hex encoded."""
    version = 2
    proj_key = sum(_mbcs(PROJECT_ID)) & 0xFF
    out = bytearray([seed, seed ^ version, seed ^ proj_key])
    unencrypted1, encrypted1, encrypted2 = proj_key, seed ^ proj_key, seed ^ version
    for _ in range((seed & 6) // 2):
        temp = 0
        byte = temp ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte, temp
    for b in struct.pack("<I", len(data)) + data:
        byte = b ^ ((encrypted2 + unencrypted1) & 0xFF)
        out.append(byte)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte, b
    return out.hex().upper()


def decrypt(hex_text: str) -> bytes:
    """MS-OVBA 2.4.3.3 (used by the tests to check :func:`_encrypt` against Excel's files)."""
    data = bytes.fromhex(hex_text)
    seed, version_enc, proj_key_enc = data[0], data[1], data[2]
    proj_key = seed ^ proj_key_enc
    unencrypted1, encrypted1, encrypted2 = proj_key, proj_key_enc, version_enc
    pos = 3
    out = bytearray()
    for _ in range((seed & 6) // 2):
        byte_enc = data[pos]
        pos += 1
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
    for byte_enc in data[pos:]:
        byte = byte_enc ^ ((encrypted2 + unencrypted1) & 0xFF)
        encrypted2, encrypted1, unencrypted1 = encrypted1, byte_enc, byte
        out.append(byte)
    length = struct.unpack_from("<I", out)[0]
    return bytes(out[4:4 + length])


UNPROTECTED = bytes(4)  # ProjectProtectionState: no protection
NO_PASSWORD = bytes(1)  # ProjectPassword: none
VISIBLE = b"\xff"  # ProjectVisibilityState: visible


def project_stream(modules: list[Module], codepage: int = CODEPAGE) -> bytes:
    lines = [f'ID="{PROJECT_ID}"']
    for m in modules:
        key = {"document": "Document", "std": "Module", "class": "Class"}[m.kind]
        lines.append(f"{key}={m.name}/&H00000000" if m.kind == "document" else f"{key}={m.name}")
    lines += ['Name="VBAProject"', 'HelpContextID="0"', 'VersionCompatible32="393222000"',
              f'CMG="{_encrypt(UNPROTECTED)}"', f'DPB="{_encrypt(NO_PASSWORD)}"', f'GC="{_encrypt(VISIBLE)}"',
              "", "[Host Extender Info]", "&H00000001={3832D640-CF90-11CF-8E43-00A0C911005A};VBE;&H00000000",
              "", "[Workspace]"]
    lines += [f"{m.name}=0, 0, 0, 0, C" for m in modules]
    return _mbcs("\r\n".join(lines) + "\r\n", codepage)


def projectwm_stream(modules: list[Module], codepage: int = CODEPAGE) -> bytes:
    out = bytearray()
    for m in modules:
        out += _mbcs(m.name, codepage) + b"\0" + _utf16(m.name) + b"\0\0"
    return bytes(out + b"\0\0")


# ---------------------------------------------------------------- the project
def sources_dir() -> Path:
    return Path(str(resources.files("addin") / "vba"))


def xlwings_sources() -> tuple[str, str]:
    """The RunPython module and the Mac Dictionary class of the installed xlwings."""
    import importlib.util

    spec = importlib.util.find_spec("xlwings")
    if spec is None or spec.origin is None:
        raise RuntimeError("xlwings is not installed; it provides the RunPython VBA module")
    root = Path(spec.origin).parent
    return ((root / "xlwings.bas").read_text(encoding="cp1252"),
            (root / "addin" / "Dictionary.cls").read_text(encoding="cp1252"))


def modules_for(sheet_code_names: list[str]) -> list[Module]:
    src = sources_dir()
    mods = [document_module("ThisWorkbook", WORKBOOK_BASE)]
    mods += [document_module(n) for n in sheet_code_names]
    mods += [std_module(p.read_text(encoding="ascii")) for p in sorted(src.glob("*.bas"))]
    xlw, dictionary = xlwings_sources()
    mods += [std_module(xlw), class_module(dictionary)]
    return mods


@functools.lru_cache(maxsize=8)
def build_vba_project(sheet_code_names: tuple[str, ...]) -> bytes:
    return project_bytes(modules_for(list(sheet_code_names)))


def project_bytes(mods: list[Module], codepage: int = CODEPAGE) -> bytes:
    """The compound file of a VBA project holding ``mods``, its text in ``codepage`` (a user's
    code carried from a Chinese Excel's project stays in cp936; the add-in's sources are ASCII)."""
    streams = {
        "PROJECT": project_stream(mods, codepage),
        "PROJECTwm": projectwm_stream(mods, codepage),
        "VBA/_VBA_PROJECT": struct.pack("<HHBH", 0x61CC, 0xFFFF, 0x00, 0x0000),
        "VBA/dir": compress(dir_stream(mods, codepage)),
    }
    for m in mods:
        streams[f"VBA/{m.name}"] = compress(_mbcs(m.source, codepage))
    return write_cfb(streams)
