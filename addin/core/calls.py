"""Daily call priorities and the per-rep call list.

Every entry says why it is there. The score puts must-call customers (stage 4–5,
expired contract, next call due) above coverage customers (not contacted within
their grade's interval), and orders coverage customers longest-waiting first.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..i18n import pick
from .funnel import ContactStats
from .settings import Settings

MUST_BASE = 100
NEVER = 10**6  # waiting days of a customer never contacted

TEXT = {
    "stage5": ("销售进程5：已传合同", "Stage 5: contract sent"),
    "stage4": ("销售进程4：有选择我方的意向", "Stage 4: intends to choose us"),
    "expired_on": ("合同已于{date}到期", "Contract expired on {date}"),
    "expired": ("合同已到期", "Contract expired"),
    "due_today": ("今日应拨打", "Next call due today"),
    "overdue": ("下次拨打已逾期{days}天", "Next call {days} days overdue"),
    "waiting": ("{grade}类客户{days}天未联系", "{grade} customer not contacted for {days} days"),
    "never": ("{grade}类客户从未联系", "{grade} customer never contacted"),
    "very_likely": ("成交可能性很大", "Very likely to close"),
    "good": ("成交意向好", "Good intent"),
    "birthday_today": ("今天生日", "Birthday today"),
    "birthday": ("{md}生日（{days}天后）", "Birthday on {md} (in {days} days)"),
}
SEP = {"zh": "；", "en": "; "}


def _t(key: str, lang: str, **kw: Any) -> str:
    return pick(TEXT, key, lang, **kw)


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
    reasons: tuple[str, ...]
    must: bool
    eligible: bool
    waiting: int
    grade: str
    heat: str | None
    last_contact: dt.date | None


def prioritize(c: dict[str, Any], stats: ContactStats | None, heat: str | None, as_of: dt.date,
               s: Settings, lang: str, f: dict[str, Any] | None = None) -> Priority:
    """The priority of one customer: ``c`` its card (with abc), ``f`` its funnel row."""
    f = f if f is not None else c
    grade = c.get("abc") or "C"
    stage, status, intent = f.get("stage"), f.get("contract_status"), f.get("intent")
    last = stats.last_contact if stats else None
    reasons: list[str] = []
    score = 0
    must = False
    if stage == "5":
        reasons.append(_t("stage5", lang))
        score += 50
        must = True
    elif stage == "4":
        reasons.append(_t("stage4", lang))
        score += 40
        must = True
    end = f.get("contract_end")
    if stage == "7" or status == "expired" or (end is not None and end < as_of):
        reasons.append(_t("expired_on", lang, date=end.isoformat()) if end is not None and end < as_of
                       else _t("expired", lang))
        score += 40
        must = True
    planned = [d for d in (f.get("next_call"), stats.log_next_call if stats else None) if d is not None]
    if planned:
        due = max(planned)
        # a next call is done once someone contacted the customer on or after its date
        if due <= as_of and not (last is not None and last >= due):
            overdue = (as_of - due).days
            reasons.append(_t("due_today", lang) if overdue == 0 else _t("overdue", lang, days=overdue))
            score += 30 + min(overdue, 30)
            must = True
    waiting = (as_of - last).days if last is not None else NEVER
    coverage = waiting >= s.interval(grade)
    if coverage:
        reasons.append(_t("never", lang, grade=grade) if last is None
                       else _t("waiting", lang, grade=grade, days=waiting))
    if must:
        score += MUST_BASE + {"A": 15, "B": 5}.get(grade, 0) + (10 if coverage else 0)
        if intent == "very_likely":
            reasons.append(_t("very_likely", lang))
            score += 15
        elif intent == "good":
            reasons.append(_t("good", lang))
            score += 10
    elif coverage:
        score = min(99, waiting)
    bday = days_to_birthday(c.get("birthday"), as_of)
    birthday = bday is not None and bday <= s.birthday_days
    if birthday:
        b = c["birthday"]
        md = f"{b.month}月{b.day}日" if lang == "zh" else f"{b.month:02d}-{b.day:02d}"
        reasons.append(_t("birthday_today", lang) if bday == 0 else _t("birthday", lang, md=md, days=bday))
        if must:
            score += 5
        elif not coverage:
            score = 5
    eligible = heat != "denial" and (must or coverage or birthday)
    if heat == "denial":
        score, reasons = 0, []
    return Priority(c["customer_id"], c.get("owner") or "", score, tuple(reasons), must and eligible,
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


def reason_text(p: Priority, lang: str) -> str:
    return SEP[lang].join(p.reasons)
