"""Why a credit survey is due again, in the workbook's language (信用调查's 需复查 and the call list)."""
from __future__ import annotations

from ..core.aging import LONG_OVERDUE
from ..i18n import join, pick

RESURVEY = {"stale": ("调查已超过 {months} 个月", "survey older than {months} months"),
            "over_limit": ("超出授信额度", "over the credit limit"),
            "overdue": ("逾期超过 {days} 天", "over {days} days overdue")}


def resurvey_text(reasons: tuple[str, ...], months: int, lang: str) -> str | None:
    return join([pick(RESURVEY, k, lang, months=months, days=LONG_OVERDUE) for k in reasons], lang) or None
