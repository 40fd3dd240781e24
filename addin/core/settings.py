"""设置: typed settings with DESIGN.md's defaults."""
from __future__ import annotations

import datetime as dt
import re
from typing import Any

from pydantic import BaseModel, ConfigDict

from sheets_schema import Kind, fold
from sheets_schema.settings import PARAMS, PARAMS_BY_KEY, Param

from . import parse as p


def parse_buckets(v: Any) -> tuple[int, ...]:
    text = p.nfkc(p.as_text(v) or "")
    parts = [x for x in re.split(r"[,;，；、\s]+", text) if x]
    if not parts:
        raise p.ParseError("number")
    bounds = tuple(p.parse_int(x) or 0 for x in parts)
    if any(b <= 0 for b in bounds) or list(bounds) != sorted(set(bounds)):
        raise p.ParseError("ascending")
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


def parse_stage_probability(v: Any) -> tuple[float, ...]:
    """``0:0%,4:40%,…`` → the probability of each stage 0–7 (a stage not listed: 0)."""
    text = p.nfkc(p.as_text(v) or "")
    items = [x for x in re.split(r"[,;，；、\s]+", text) if x]
    if not items:
        raise p.ParseError("number")
    out = [0.0] * 8
    for item in items:
        stage, sep, rate = item.partition(":")
        s, r = p.parse_int(stage) if sep else None, p.parse_percent(rate)
        if s is None or not 0 <= s <= 7 or r is None or not 0 <= r <= 1:
            raise p.ParseError("number")
        out[s] = r
    return tuple(out)


def parse_param(param: Param, v: Any) -> Any:
    if param.key == "stage_probability":
        return parse_stage_probability(v)
    if param.key in ("aging_buckets", "dunning_levels"):
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


def _default(key: str) -> Any:
    """A parameter's default as declared once in sheets_schema/settings.py, parsed like a typed value."""
    param = PARAMS_BY_KEY[key]
    return None if param.default is None else parse_param(param, param.default)


class Settings(BaseModel):
    """The typed 设置; every default comes from the parameter declarations (sheets_schema)."""

    model_config = ConfigDict(frozen=True)

    as_of: dt.date | None = _default("as_of")
    daily_quota: int = _default("daily_quota")
    working_days: int = _default("working_days")
    abc_method: str = _default("abc_method")
    abc_a_sales: float = _default("abc_a_sales")
    abc_b_sales: float = _default("abc_b_sales")
    abc_a_count: float = _default("abc_a_count")
    abc_b_count: float = _default("abc_b_count")
    interval_a: int = _default("interval_a")
    interval_b: int = _default("interval_b")
    interval_c: int = _default("interval_c")
    interval_hot: int = _default("interval_hot")
    interval_warm: int = _default("interval_warm")
    interval_overdue: int = _default("interval_overdue")
    remind_days: int = _default("remind_days")
    coverage_share: float = _default("coverage_share")
    persistence: int = _default("persistence")
    birthday_days: int = _default("birthday_days")
    transactional_discount: float = _default("transactional_discount")
    transactional_margin: float = _default("transactional_margin")
    limit_account_manager: float = _default("limit_account_manager")
    limit_direct_sales: float = _default("limit_direct_sales")
    limit_regional: float = _default("limit_regional")
    financial_weight: float = _default("financial_weight")
    aging_buckets: tuple[int, ...] = _default("aging_buckets")
    aging_basis: str = _default("aging_basis")
    #: (upper bound of days overdue, rate); the last bound is None = beyond
    recovery_rates: tuple[tuple[int | None, float], ...] = _default("recovery_rates")
    #: upper bounds of days overdue of each dunning level but the last (level n+1 = beyond)
    dunning_levels: tuple[int, ...] = _default("dunning_levels")
    remittance: str | None = _default("remittance")
    letter_first: str | None = _default("letter_first")
    letter_middle: str | None = _default("letter_middle")
    letter_last: str | None = _default("letter_last")
    company_name: str | None = _default("company_name")
    company_address: str | None = _default("company_address")
    company_phone: str | None = _default("company_phone")
    company_bank: str | None = _default("company_bank")
    company_account: str | None = _default("company_account")
    company_tax_id: str | None = _default("company_tax_id")
    company_contact: str | None = _default("company_contact")
    company_email: str | None = _default("company_email")
    company_logo: str | None = _default("company_logo")
    turnover_benchmark: float = _default("turnover_benchmark")
    resurvey_months: int = _default("resurvey_months")
    #: the win probability of each stage 0–7 (weighted forecast)
    stage_probability: tuple[float, ...] = _default("stage_probability")

    def interval(self, grade: str | None) -> int:
        return {"A": self.interval_a, "B": self.interval_b}.get(grade or "C", self.interval_c)

    def as_of_or_today(self) -> dt.date:
        return self.as_of or dt.date.today()


#: settings that must rise from the first to the last (cross-field checks on 设置)
ASCENDING = (("abc_a_sales", "abc_b_sales"), ("abc_a_count", "abc_b_count"),
             ("limit_account_manager", "limit_direct_sales", "limit_regional"))


def out_of_order(values: dict[str, Any]) -> list[tuple[str, ...]]:
    """The groups of ASCENDING whose values, as typed or defaulted, do not rise strictly."""
    bad = []
    for group in ASCENDING:
        seq = [values.get(k, _default(k)) for k in group]
        if any(a >= b for a, b in zip(seq, seq[1:])):
            bad.append(group)
    return bad


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
    v = param.default
    if param.kind == Kind.PERCENT:
        return f"{v * 100:g}%"
    if param.kind == Kind.NUMBER:
        return f"{v:g}"
    if param.kind == Kind.MONEY:
        return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.2f}"
    return str(v)


__all__ = ["PARAMS_BY_KEY", "Settings", "lookup_param", "parse_param", "default_text"]
