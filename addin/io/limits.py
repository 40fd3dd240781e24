"""What a package may hold before any part of it is parsed: bounds on what the file's size can
justify, so a small hostile file (a zip bomb, an 800 MB shared string in a 1 MB file, a sheet of
whitespace) is refused by name instead of taking the machine's memory.

- **the zip directory** (checked first, from the central directory alone): no two members with
  one name (the same name, or names differing only in case — one part, ECMA-376 part 2 §9.1.1.1),
  and no member that expands beyond ``MAX_RATIO`` times its compressed size once past
  ``FREE_BYTES`` (deflate reaches 10–20× on spreadsheet XML; a bomb reaches 1,000×);
- **a declared size is the real size**: Python's zip reader stops at the declared size and checks
  the CRC, so every part the engine or the reader (calamine) reads whole is first streamed through
  it (the workbook part, its relationships, shared strings, styles; each sheet before calamine
  reads it);
- **no text run beyond** ``MAX_RUN`` bytes between two tags in a streamed part (a cell holds at
  most 32,767 characters, ~200 KB escaped): the reader would hold such a run whole.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator

from .errors import PackageError

FREE_BYTES = 32 << 20
MAX_RATIO = 100
MAX_RUN = 8 << 20


def check_members(infos: list[zipfile.ZipInfo], file_size: int) -> None:
    seen: dict[str, str] = {}
    for info in infos:
        key = info.filename.lower()
        if key in seen:
            same = "" if seen[key] == info.filename else f" and {seen[key]}"
            raise PackageError(f"damaged package: two members named {info.filename}{same}; "
                               "open the file in Excel to repair it")
        seen[key] = info.filename
    for info in infos:
        cap = max(FREE_BYTES, MAX_RATIO * info.compress_size)
        if info.file_size > cap or info.compress_size > file_size:
            raise PackageError(f"the part {info.filename} expands to {info.file_size / 1e6:,.0f} MB from "
                               f"{info.compress_size / 1e6:,.1f} MB — far more than a workbook of "
                               f"{file_size / 1e6:,.1f} MB holds (a zip bomb?); the file is not used")


def check_stream(name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    """``chunks`` passed through, refusing a run of more than ``MAX_RUN`` bytes without markup.

    A run of 2 × chunk size spans a whole chunk without '<', so with chunks ≤ ``MAX_RUN`` every
    run longer than 2 × ``MAX_RUN`` is caught (and a few shorter ones)."""
    run = 0
    for chunk in chunks:
        last = chunk.rfind(b"<")
        if last < 0:
            run += len(chunk)
        else:
            run += chunk.find(b"<")
            if run > MAX_RUN:
                break
            run = len(chunk) - last - 1
        if run > MAX_RUN:
            break
        yield chunk
    else:
        return
    raise PackageError(f"the part {name} holds a run of more than {MAX_RUN >> 20} MB of text or whitespace "
                       "between two tags, more than any cell can hold; the file is not used")
