"""Building blocks of the workbook contract: columns, choices and sheets.

Every sheet module declares its columns once with these types; the template
builder, the reader, the validator and both engines read the declarations.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    CHOICE = "choice"
    BOOL = "bool"
    PHONE = "phone"
    EMAIL = "email"


def fold(text: str) -> str:
    """Normalise a label for matching: width-folded (NFKC), trimmed, case-folded,
    inner white space removed."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()


@dataclass(frozen=True)
class Choice:
    """One allowed value of a choice column, in every language."""

    key: str
    zh: str
    hant: str
    en: str
    aliases: tuple[str, ...] = ()

    def label(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def spellings(self) -> tuple[str, ...]:
        return (self.key, self.zh, self.hant, self.en, *self.aliases)


@dataclass(frozen=True)
class Column:
    key: str
    zh: str
    hant: str
    en: str
    kind: Kind = Kind.TEXT
    required: bool = False
    computed: bool = False
    #: a computed column whose previous values the add-in reads back (its memory between refreshes):
    #: the reader parses it by its kind, quietly (a cell that is not a value of that kind is None)
    memory: bool = False
    unique: bool = False
    choices: tuple[Choice, ...] = ()
    min: float | None = None
    max: float | None = None
    ref: str | None = None  # key of the sheet whose customer IDs this column must name
    width: float = 12
    note_zh: str = ""
    note_en: str = ""

    def header(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def aliases(self) -> tuple[str, ...]:
        return (self.zh, self.hant, self.en, self.key)

    def note(self, lang: Lang) -> str:
        return self.note_zh if lang == "zh" else self.note_en

    def choice_labels(self, lang: Lang) -> list[str]:
        return [c.label(lang) for c in self.choices]

    def choice(self, key: str) -> Choice:
        for c in self.choices:
            if c.key == key:
                return c
        raise KeyError(f"{self.key}: no choice {key!r}")


@dataclass(frozen=True)
class SheetSpec:
    key: str
    zh: str
    hant: str
    en: str
    columns: tuple[Column, ...] = ()
    output: bool = False
    #: an input sheet a workbook may lack without a warning (收款记录)
    optional: bool = False
    #: how an output sheet made before sheets were marked begins (its A1 title, either language)
    titles: tuple[str, ...] = ()
    #: an output sheet the add-in keeps out of sight (its own memory between refreshes)
    hidden: bool = False
    #: an output sheet the add-in reads back on the next refresh (its memory: change log, snapshot)
    memory: bool = False
    _by_key: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_key.update({c.key: c for c in self.columns})

    def name(self, lang: Lang) -> str:
        return self.zh if lang == "zh" else self.en

    def names(self) -> tuple[str, ...]:
        return (self.zh, self.hant, self.en)

    def col(self, key: str) -> Column:
        return self._by_key[key]

    @property
    def input_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if not c.computed)

    @property
    def computed_columns(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.computed)

    def headers(self, lang: Lang) -> list[str]:
        return [c.header(lang) for c in self.columns]


def col(key: str, zh: str, hant: str, en: str, kind: Kind = Kind.TEXT, **kw: Any) -> Column:
    """Shorthand used by the sheet modules."""
    if kw.get("computed") and not kw.get("note_zh"):
        kw["note_zh"] = "由插件计算填写，请勿手工修改。"
        kw["note_en"] = "Filled by the add-in; do not edit by hand."
    if kind == Kind.MONEY and not kw.get("computed"):
        kw.setdefault("max", MAX_AMOUNT)
    return Column(key, zh, hant, en, kind, **kw)


#: no amount in a trading company's workbook reaches 1万亿 (10^12): beyond it a value is a typo or
#: a paste gone wrong, and sums of such values would overflow
MAX_AMOUNT = 1e12
#: the longest payment terms accepted (ten years); longer ones would push a due date past 9999
MAX_TERMS_DAYS = 3650


YES = Choice("yes", "是", "是", "Yes", ("y", "true", "1", "√", "✓", "对"))
NO = Choice("no", "否", "否", "No", ("n", "false", "0", "×", "✗", "不"))
YES_NO = (YES, NO)

COMPUTED_NOTE = {
    "zh": "由插件计算填写，请勿手工修改。",
    "en": "Filled by the add-in; do not edit by hand.",
}
