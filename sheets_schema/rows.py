"""Pydantic row models, generated from the column declarations (one source).

Each input sheet gets a frozen model whose fields accept the zh-Hans, zh-Hant and
English headers (and the column key) as aliases; choice columns hold the choice key.
The engines parse cells themselves (faster, with cell-level messages); the models
are the typed record for one row where code wants one, e.g. the credit form.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Literal, Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, create_model

from .base import Column, Kind, SheetSpec

_TYPES: dict[Kind, Any] = {
    Kind.TEXT: str, Kind.PHONE: str, Kind.EMAIL: str, Kind.INT: int, Kind.NUMBER: float, Kind.MONEY: float,
    Kind.PERCENT: float, Kind.DATE: dt.date,
}


class Row(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True, extra="ignore")


def _annotation(column: Column) -> Any:
    if column.choices:
        return Optional[Literal[tuple(c.key for c in column.choices)]]  # type: ignore[misc]
    return Optional[_TYPES[column.kind]]


def row_model(spec: SheetSpec) -> type[Row]:
    fields: dict[str, Any] = {}
    for column in spec.columns:
        alias = AliasChoices(column.zh, column.hant, column.en, column.key)
        if column.required and not column.computed:
            fields[column.key] = (_TYPES.get(column.kind, str) if not column.choices else _annotation(column),
                                  Field(validation_alias=alias))
        else:
            fields[column.key] = (_annotation(column), Field(default=None, validation_alias=alias))
    name = "".join(part.title() for part in spec.key.split("_")) + "Row"
    return create_model(name, __base__=Row, **fields)
