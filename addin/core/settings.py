"""设置: typed settings with DESIGN.md's defaults."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, assert_never, get_type_hints

from pydantic import BaseModel, ConfigDict, create_model

from sheets_schema import Kind, Lang, fold
from sheets_schema.settings import ASCENDING, PARAMS, PARAMS_BY_KEY, Param, Params, Parser

from . import parse as p
from .workdays import OFFICIAL, Calendar, calendar_for


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
            last = out[-1][0] if out else 0
            if d is None or d <= 0 or last is None or d <= last:
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
    """A 设置 cell read by the parameter's declared parser (:class:`Parser`)."""
    match param.parser:
        case Parser.BOUNDS:
            return parse_buckets(v)
        case Parser.DAY_RATES:
            return parse_recovery(v)
        case Parser.STAGE_RATES:
            return parse_stage_probability(v)
        case Parser.SCALAR:
            return _parse_scalar(param, v)
        case _:
            assert_never(param.parser)


def _parse_scalar(param: Param, v: Any) -> Any:
    if param.kind == Kind.CHOICE:
        return p.ChoiceMatcher(param.choices)(v)
    parsers: dict[Kind, Callable[[Any], Any]] = {
        Kind.DATE: p.parse_date,
        Kind.INT: p.parse_int,
        Kind.PERCENT: p.parse_percent,
        Kind.MONEY: p.parse_number,
        Kind.NUMBER: p.parse_number,
        Kind.TEXT: p.as_text,
    }
    x = parsers[param.kind](v)
    if isinstance(x, (int, float)):
        if (param.min is not None and x < param.min) or (param.max is not None and x > param.max):
            raise p.ParseError("number")
    return x


def _default(param: Param) -> Any:
    """A parameter's default as declared, parsed like a typed value."""
    return None if param.default is None else parse_param(param, param.default)


class _SettingsBase(BaseModel):
    """What every generated ``Settings`` has besides its fields: frozen, unknown keys refused."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    #: the 节假日 table: (date, working day?) — overrides the official Chinese calendar (core.workdays)
    holidays: tuple[tuple[dt.date, bool], ...] = ()

    @property
    def calendar(self) -> Calendar:
        if not self.holidays:  # most workbooks: the official calendar, no cache lookup
            return OFFICIAL
        return calendar_for(self.holidays)

    def interval(self, grade: str | None) -> int:
        days: int = getattr(self, {"A": "interval_a", "B": "interval_b"}.get(grade or "C", "interval_c"))
        return days

    def as_of_or_today(self) -> dt.date:
        # as_of is a generated field (from the Params), unknown to the base class the type checker sees
        as_of: dt.date | None = getattr(self, "as_of")  # noqa: B009
        return as_of or dt.date.today()


def _generate() -> type[_SettingsBase]:
    hints = get_type_hints(Params)
    fields: dict[str, Any] = {prm.key: (hints[prm.key], _default(prm)) for prm in PARAMS}
    return create_model("Settings", __base__=_SettingsBase, __module__=__name__, **fields)


if TYPE_CHECKING:
    class Settings(_SettingsBase, Params):
        """The typed 设置: a field per :class:`sheets_schema.settings.Params` attribute."""
else:
    #: the typed 设置, generated from the declarations: a field per ``Params`` attribute, typed by
    #: its annotation, defaulting to its parsed default; ``Settings(no_such_param=…)`` raises
    Settings = _generate()


def out_of_order(values: dict[str, Any]) -> list[tuple[str, ...]]:
    """The groups of ASCENDING whose values, as typed or defaulted, do not rise strictly."""
    bad = []
    for group in ASCENDING:
        seq = [values.get(k, _default(PARAMS_BY_KEY[k])) for k in group]
        if any(a >= b for a, b in zip(seq, seq[1:])):
            bad.append(group)
    return bad


PARAM_ALIASES = {fold(a): prm for prm in PARAMS for a in prm.aliases()}


def lookup_param(label: Any) -> Param | None:
    text = p.as_text(label)
    return PARAM_ALIASES.get(fold(text)) if text else None


def default_text(param: Param, lang: Lang = "zh") -> str:
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
