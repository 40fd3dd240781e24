"""催款记录: what was sent to whom and when — the memory `crm send` keeps so that nothing goes
out twice, the call list's "已发催告函 N 天" and the statement's last letter.

A document is known by its send id: the kind (statement, or the letter's level), the customer and
the as-of date it was made for. A send id that already went out (sent, or written as .eml for a
mail client) is not sent again; a failed or unsent one is tried again on the next run.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

#: results that mean the document went out (an .eml is written to be sent from a mail client)
ISSUED = ("sent", "eml")


class Entry(NamedTuple):
    date: dt.date
    customer_id: str
    document: str  # "statement" or "letter"
    level: int | None  # the letter's dunning level (a statement: the customer's level, or None)
    amount: float | None
    to: str | None
    result: str  # sent / eml / failed / no_email / dry_run
    send_id: str | None


def send_id(document: str, customer_id: str, as_of: dt.date, level: int | None = None) -> str:
    """``letter-2:C001:2026-11-24``: one document for one customer as of one date."""
    kind = f"letter-{level}" if document == "letter" else document
    return f"{kind}:{customer_id}:{as_of.isoformat()}"


def issued(entries: Iterable[Entry]) -> set[str]:
    """The send ids that went out."""
    return {e.send_id for e in entries if e.send_id and e.result in ISSUED}


def last_letters(entries: Iterable[Entry], as_of: dt.date | None = None) -> dict[str, Entry]:
    """Customer → its latest letter that went out (on or before ``as_of``)."""
    out: dict[str, Entry] = {}
    for e in entries:
        if e.document != "letter" or e.result not in ISSUED or e.level is None:
            continue
        if as_of is not None and e.date > as_of:
            continue
        prev = out.get(e.customer_id)
        if prev is None or (e.date, e.level) >= (prev.date, prev.level or 0):
            out[e.customer_id] = e
    return out
