"""Cell addresses, column letters and Excel date serials: neutral ground every layer may use
(the reader, the validator, both engines)."""
from __future__ import annotations

import datetime as dt

#: day 0 of the 1900 date system (Excel's 1900-02-29 bug folded in) and of the 1904 system
EXCEL_EPOCH = dt.date(1899, 12, 30)
EPOCH_1904 = dt.date(1904, 1, 1)
MAX_SERIAL = 2958465  # 9999-12-31

_LETTERS: dict[int, str] = {}


def sheet_ref(sheet: str, ref: str = "") -> str:
    """``'Sheet'!ref`` as a formula or defined name spells it (quotes doubled): 'A''s'!$A$1."""
    return "'" + sheet.replace("'", "''") + "'!" + ref


def col_letter(index: int) -> str:
    """1 → A, 27 → AA."""
    hit = _LETTERS.get(index)
    if hit is not None:
        return hit
    n = index
    s = ""
    while n > 0:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    _LETTERS[index] = s
    return s


def col_index(letters: str) -> int:
    """A → 1, AA → 27."""
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


def to_serial(d: dt.date | dt.datetime, date1904: bool = False) -> float:
    """The Excel serial of a date in the workbook's date system (1900, or 1904 as LibreOffice
    and Mac Excel may write: serials 1,462 days smaller)."""
    epoch = EPOCH_1904 if date1904 else EXCEL_EPOCH
    if isinstance(d, dt.datetime):
        delta = d - dt.datetime(epoch.year, epoch.month, epoch.day)
        return delta.days + delta.seconds / 86400
    return float((d - epoch).days)


def from_serial(serial: float) -> dt.date:
    """The date of a 1900-system serial (whole days)."""
    return EXCEL_EPOCH + dt.timedelta(days=int(serial))


#: Excel refuses (and "repairs" away) a cell text longer than this
MAX_CELL_TEXT = 32767
TRUNCATED = "…（已截断）"


def cap_text(text: str) -> str:
    """Text that fits one cell, ending in a mark when it was cut."""
    return text if len(text) <= MAX_CELL_TEXT else text[:MAX_CELL_TEXT - len(TRUNCATED)] + TRUNCATED
