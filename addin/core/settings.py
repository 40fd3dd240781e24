"""设置: typed settings with DESIGN.md's defaults."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sheets_schema import Kind, fold
from sheets_schema.settings import PARAMS, PARAMS_BY_KEY, Param

from . import parse as p


class Settings(BaseModel):
    model_config = ConfigDict(frozen=True)

    as_of: dt.date | None = None
    daily_quota: int = 60
    working_days: int = 22
    abc_method: str = "sales"
    abc_a_sales: float = 0.80
    abc_b_sales: float = 0.95
    abc_a_count: float = 0.20
    abc_b_count: float = 0.50
    interval_a: int = 7
    interval_b: int = 14
    interval_c: int = 30
    persistence: int = 11
    birthday_days: int = 3
    transactional_discount: float = 0.15
    transactional_margin: float = 0.10
    limit_account_manager: float = 50_000
    limit_direct_sales: float = 200_000
    limit_regional: float = 500_000
    financial_weight: float = 0.40
    aging_buckets: tuple[int, ...] = (30, 60, 90, 180, 365)
    aging_basis: str = "due"
    #: (upper bound of days overdue, rate); the last bound is None = beyond
    recovery_rates: tuple[tuple[int | None, float], ...] = Field(
        default=((60, 1.0), (100, 0.8), (180, 0.5), (365, 0.3), (None, 0.1)))

    def interval(self, grade: str | None) -> int:
        return {"A": self.interval_a, "B": self.interval_b}.get(grade or "C", self.interval_c)

    def as_of_or_today(self) -> dt.date:
        return self.as_of or dt.date.today()


def parse_buckets(v: Any) -> tuple[int, ...]:
    text = p.nfkc(p.as_text(v) or "")
    parts = [x for x in re.split(r"[,;，；、\s]+", text) if x]
    if not parts:
        raise p.ParseError("number")
    bounds = tuple(p.parse_int(x) or 0 for x in parts)
    if any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise p.ParseError("number")
    return bounds


def parse_recovery(v: Any) -> tuple[tuple[int | None, float], ...]:
    text = p.nfkc(p.as_text(v) or "")
    items = [x for x in re.split(r"[,;，；、\s]+", text) if x]
    out: list[tuple[int | None, float]] = []
    for n, item in enumerate(items):
        days, sep, rate = item.rpartition(":")
        r = p.parse_percent(rate)
        if r is None or not 0 <= r <= 1:
            raise p.ParseError("number")
        if sep:
            d = p.parse_int(days.lstrip("≤<="))
            if d is None or d <= 0 or (out and (out[-1][0] is None or d <= out[-1][0])):  # type: ignore[operator]
                raise p.ParseError("number")
            out.append((d, r))
        elif n == len(items) - 1:
            out.append((None, r))
        else:
            raise p.ParseError("number")
    if not out or out[-1][0] is not None:
        raise p.ParseError("number")
    return tuple(out)


def parse_param(param: Param, v: Any) -> Any:
    if param.key == "aging_buckets":
        return parse_buckets(v)
    if param.key == "recovery_rates":
        return parse_recovery(v)
    if param.kind == Kind.CHOICE:
        return p.ChoiceMatcher(param.choices)(v)
    x = {
        Kind.DATE: p.parse_date,
        Kind.INT: p.parse_int,
        Kind.PERCENT: p.parse_percent,
        Kind.MONEY: p.parse_number,
        Kind.NUMBER: p.parse_number,
        Kind.TEXT: p.as_text,
    }[param.kind](v)
    if isinstance(x, (int, float)):
        if (param.min is not None and x < param.min) or (param.max is not None and x > param.max):
            raise p.ParseError("number")
    return x


PARAM_ALIASES = {fold(a): prm for prm in PARAMS for a in prm.aliases()}


def lookup_param(label: Any) -> Param | None:
    text = p.as_text(label)
    return PARAM_ALIASES.get(fold(text)) if text else None


def default_text(param: Param, lang: str = "zh") -> str:
    """The default as a user would type it: a choice by its label (到期日, not "due")."""
    if param.default is None:
        return ""
    for choice in param.choices or ():
        if choice.key == param.default:
            return choice.label(lang)
    return str(param.default)


__all__ = ["PARAMS_BY_KEY", "Settings", "lookup_param", "parse_param", "default_text"]
