"""Text in the workbook's language: every catalogue maps a key to (Chinese, English)."""
from __future__ import annotations

from typing import Any


def pick(catalogue: dict[str, tuple[str, str]], key: str, lang: str, **kw: Any) -> str:
    zh, en = catalogue[key]
    return (zh if lang == "zh" else en).format(**kw)


def word(lang: str, zh: Any, en: Any) -> Any:
    """One of a pair (a word, a label's index, a font) in the workbook's language: the one place
    outside the sheet builders that chooses by language."""
    return zh if lang == "zh" else en


def join(items: list[str], lang: str) -> str:
    """A list as the language writes it: 甲、乙、丙 / a, b, c."""
    return word(lang, "、", ", ").join(items)
