"""A minimal writer of Compound File Binary files (MS-CFB, version 3).

Enough for a vbaProject.bin: storages and streams, small streams in the mini
stream, a valid red-black directory tree, deterministic output (no timestamps).
"""
from __future__ import annotations

import struct
from dataclasses import dataclass, field

SECTOR = 512
MINI = 64
CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1


@dataclass
class _Node:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Node] = field(default_factory=dict)
    sid: int = 0
    left: int = NOSTREAM
    right: int = NOSTREAM
    child: int = NOSTREAM
    color: int = BLACK
    start: int = ENDOFCHAIN


def _key(name: str) -> tuple[int, str]:
    """CFB order: shorter names first, then by upper-cased name."""
    return (len(name), name.upper())


def _tree(nodes: list[_Node]) -> int:
    """Link ``nodes`` as a balanced binary search tree; returns the root's id.

    Nodes on the deepest level of an incomplete tree are red, all others black, which
    keeps every path's black height equal (a valid red-black tree)."""
    nodes = sorted(nodes, key=lambda n: _key(n.name))
    if not nodes:
        return NOSTREAM
    depth_of: dict[int, int] = {}

    def build(lo: int, hi: int, depth: int) -> int:
        if lo > hi:
            return NOSTREAM
        mid = (lo + hi + 1) // 2
        n = nodes[mid]
        depth_of[n.sid] = depth
        n.left = build(lo, mid - 1, depth + 1)
        n.right = build(mid + 1, hi, depth + 1)
        return n.sid

    root = build(0, len(nodes) - 1, 0)
    deepest = max(depth_of.values())
    perfect = len(nodes) == 2 ** (deepest + 1) - 1
    for n in nodes:
        n.color = RED if (depth_of[n.sid] == deepest and not perfect and deepest > 0) else BLACK
    return root


def _chain(fat: list[int], first: int, count: int) -> None:
    for i in range(count):
        fat[first + i] = first + i + 1 if i < count - 1 else ENDOFCHAIN


def _pad(data: bytes, size: int) -> bytes:
    return data + b"\0" * (-len(data) % size)


def write_cfb(streams: dict[str, bytes]) -> bytes:
    """``streams`` maps paths like "VBA/dir" to their bytes."""
    root = _Node("Root Entry", ROOT)
    for path, data in streams.items():
        node = root
        *dirs, name = path.split("/")
        for d in dirs:
            node = node.children.setdefault(d, _Node(d, STORAGE))
        node.children[name] = _Node(name, STREAM, data)

    order: list[_Node] = []

    def number(n: _Node) -> None:
        n.sid = len(order)
        order.append(n)
        for c in n.children.values():
            number(c)

    number(root)
    for n in order:
        if n.children:
            n.child = _tree(list(n.children.values()))

    streams_in_order = [n for n in order if n.kind == STREAM]
    mini = [n for n in streams_in_order if len(n.data) < CUTOFF]
    big = [n for n in streams_in_order if len(n.data) >= CUTOFF]

    # mini stream and its allocation table
    ministream = bytearray()
    minifat: list[int] = []
    for n in mini:
        if not n.data:
            n.start = ENDOFCHAIN
            continue
        first = len(minifat)
        count = -(-len(n.data) // MINI)
        minifat.extend([0] * count)
        _chain(minifat, first, count)
        n.start = first
        ministream += _pad(n.data, MINI)

    dir_bytes_len = len(order) * 128
    n_dir = -(-dir_bytes_len // SECTOR)
    n_minifat = -(-len(minifat) * 4 // SECTOR) if minifat else 0
    n_mini_stream = -(-len(ministream) // SECTOR)
    big_sizes = [-(-len(n.data) // SECTOR) for n in big]
    data_sectors = n_dir + n_minifat + n_mini_stream + sum(big_sizes)
    n_fat = 1
    while n_fat * (SECTOR // 4) < data_sectors + n_fat:
        n_fat += 1
    if n_fat > 109:
        raise ValueError("VBA project too large for a header-only DIFAT")

    total = data_sectors + n_fat
    fat = [FREESECT] * (n_fat * SECTOR // 4)
    pos = 0
    dir_start = pos
    _chain(fat, pos, n_dir)
    pos += n_dir
    minifat_start = pos if n_minifat else ENDOFCHAIN
    if n_minifat:
        _chain(fat, pos, n_minifat)
        pos += n_minifat
    root.start = pos if n_mini_stream else ENDOFCHAIN
    if n_mini_stream:
        _chain(fat, pos, n_mini_stream)
        pos += n_mini_stream
    for n, size in zip(big, big_sizes):
        n.start = pos
        _chain(fat, pos, size)
        pos += size
    fat_start = pos
    for i in range(n_fat):
        fat[fat_start + i] = FATSECT
    assert fat_start + n_fat == total

    header = bytearray(SECTOR)
    struct.pack_into("<8s16sHHHHH6sIIIIIIIII", header, 0, bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
                     0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6, 0, n_fat, dir_start, 0, CUTOFF, minifat_start,
                     n_minifat, ENDOFCHAIN, 0)
    difat = [fat_start + i for i in range(n_fat)] + [FREESECT] * (109 - n_fat)
    struct.pack_into("<109I", header, 76, *difat)

    entries = bytearray()
    for n in order:
        name = n.name.encode("utf-16-le") + b"\0\0"
        size = len(ministream) if n.kind == ROOT else len(n.data)
        start = 0 if n.kind == STORAGE else n.start  # MS-CFB 2.6.3: a storage's start sector is all zeroes
        entries += struct.pack("<64sHBBIII16sIQQIQ", name, len(name), n.kind, n.color, n.left, n.right, n.child,
                               b"\0" * 16, 0, 0, 0, start, size)
    while len(entries) < n_dir * SECTOR:
        entries += struct.pack("<64sHBBIII16sIQQIQ", b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16,
                               0, 0, 0, 0, 0)

    body = bytearray(entries)
    if n_minifat:
        table = struct.pack(f"<{len(minifat)}I", *minifat)
        body += table + b"\xff" * (n_minifat * SECTOR - len(table))  # unused entries are FREESECT
    body += _pad(bytes(ministream), SECTOR)
    for n in big:
        body += _pad(n.data, SECTOR)
    body += struct.pack(f"<{len(fat)}I", *fat)
    return bytes(header) + bytes(body)
