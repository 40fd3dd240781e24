"""Daily call priorities and the per-rep call list.

Every entry says why it is there. The score puts must-call customers (stage 4–5,
expired contract, next call due) above coverage customers (not contacted within
their grade's interval), and orders coverage customers longest-waiting first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, NamedTuple

from sheets_schema import Record

from .funnel import ContactStats
from .settings import Settings

MUST_BASE = 100
NEVER = 10**6  # waiting days of a customer never contacted

class Reason(NamedTuple):
    """Why a customer is on the list: a code and its parameters (the sheet builders put it in words)."""

    code: str
    params: tuple[tuple[str, Any], ...] = ()

    @property
    def kw(self) -> dict[str, Any]:
        return dict(self.params)


_PLAIN = {code: Reason(code) for code in ("stage5", "stage4", "expired", "due_today", "very_likely", "good",
                                          "birthday_today")}


def _r(code: str, **params: Any) -> Reason:
    return Reason(code, tuple(params.items())) if params else _PLAIN[code]


def days_to_birthday(birthday: dt.date | None, as_of: dt.date) -> int | None:
    if birthday is None:
        return None
    for year in (as_of.year, as_of.year + 1):
        day = min(birthday.day, 28) if (birthday.month, birthday.day) == (2, 29) and year % 4 else birthday.day
        d = dt.date(year, birthday.month, day)
        if d >= as_of:
            return (d - as_of).days
    return None  # pragma: no cover


@dataclass(frozen=True)
class Priority:
    customer_id: str
    owner: str
    score: int
    reasons: tuple[Reason, ...]
    must: bool
    eligible: bool
    waiting: int
    grade: str
    heat: str | None
    last_contact: dt.date | None


def prioritize(c: Record, stats: ContactStats | None, heat: str | None, as_of: dt.date,
               s: Settings, f: Record | None = None, grade: str | None = None) -> Priority:
    """The priority of one customer: ``c`` its card, ``f`` its funnel row, ``grade`` its ABC grade
    this run (else the card's)."""
    f = f if f is not None else c
    grade = grade or c.get("abc") or "C"
    stage, status, intent = f.get("stage"), f.get("contract_status"), f.get("intent")
    last = stats.last_contact if stats else None
    reasons: list[Reason] = []
    score = 0
    must = False
    if stage == "5":
        reasons.append(_r("stage5"))
        score += 50
        must = True
    elif stage == "4":
        reasons.append(_r("stage4"))
        score += 40
        must = True
    end = f.get("contract_end")
    if stage == "7" or status == "expired" or (end is not None and end < as_of):
        reasons.append(_r("expired_on", date=end) if end is not None and end < as_of else _r("expired"))
        score += 40
        must = True
    planned = [d for d in (f.get("next_call"), stats.log_next_call if stats else None) if d is not None]
    if planned:
        due = max(planned)
        # a next call is done once someone contacted the customer on or after its date
        if due <= as_of and not (last is not None and last >= due):
            overdue = (as_of - due).days
            reasons.append(_r("due_today") if overdue == 0 else _r("overdue", days=overdue))
            score += 30 + min(overdue, 30)
            must = True
    waiting = (as_of - last).days if last is not None else NEVER
    coverage = waiting >= s.interval(grade)
    if coverage:
        reasons.append(_r("never", grade=grade) if last is None else _r("waiting", grade=grade, days=waiting))
    if must:
        score += MUST_BASE + {"A": 15, "B": 5}.get(grade, 0) + (10 if coverage else 0)
        if intent == "very_likely":
            reasons.append(_r("very_likely"))
            score += 15
        elif intent == "good":
            reasons.append(_r("good"))
            score += 10
    elif coverage:
        score = min(99, waiting)
    bday = days_to_birthday(c.get("birthday"), as_of)
    birthday = bday is not None and bday <= s.birthday_days
    if birthday:
        b = c.birthday
        reasons.append(_r("birthday_today") if bday == 0 else _r("birthday", month=b.month, day=b.day, days=bday))
        if must:
            score += 5
        elif not coverage:
            score = 5
    eligible = heat != "denial" and (must or coverage or birthday)
    if heat == "denial":
        score, reasons = 0, []
    return Priority(c.customer_id, c.owner or "", score, tuple(reasons), must and eligible,
                    eligible, waiting, grade, heat, last)


def select(priorities: list[Priority], quota: int, owner: str | None = None) -> dict[str, list[Priority]]:
    """Per rep: at most ``quota`` entries, highest score first (must-call before coverage,
    coverage longest-waiting first), each customer once, never Denial."""
    by_owner: dict[str, list[Priority]] = {}
    for p in priorities:
        if p.eligible and (owner is None or p.owner == owner):
            by_owner.setdefault(p.owner, []).append(p)
    grade_rank = {"A": 0, "B": 1, "C": 2}
    out = {}
    for rep in sorted(by_owner):
        ranked = sorted(by_owner[rep], key=lambda p: (-p.score, -p.waiting, grade_rank.get(p.grade, 3),
                                                       p.customer_id))
        out[rep] = ranked[:quota]
    return out
