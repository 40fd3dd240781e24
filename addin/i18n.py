"""Text in the workbook's language: every catalogue maps a key to (Chinese, English)."""
from __future__ import annotations

from typing import Any


def pick(catalogue: dict[str, tuple[str, str]], key: str, lang: str, **kw: Any) -> str:
    zh, en = catalogue[key]
    return (zh if lang == "zh" else en).format(**kw)
