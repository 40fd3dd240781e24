"""When two customer rows are the same customer: normalised names and phone numbers.

Two reps' rows name one customer when their 客户编号 are equal, or their names are equal after
:func:`name_key`, or their phones are equal after :func:`phone_key` (docs/rules.md, 归属争议).
"""
from __future__ import annotations

import re
import unicodedata

#: legal-form endings that do not tell two companies apart (longest first)
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "集团公司", "集團公司", "公司",
               "co.,ltd.", "co.,ltd", "co.ltd", "ltd.", "ltd", "inc.", "inc", "limited", "corporation", "corp.",
               "corp", "llc", "gmbh")
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str | None) -> str | None:
    """The name with width, case, spaces, punctuation and a trailing legal form removed:
    「杭州恒瑞机电有限公司」, 「杭州 恒瑞机电（有限公司）」 and 「杭州恒瑞機電」… are compared as typed
    otherwise (no simplified/traditional conversion). None when nothing is left."""
    if not name:
        return None
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    s = re.sub(r"\s+", "", s)
    s = s.replace("（", "(").replace("）", ")")
    changed = True
    while changed:  # 「…有限公司」, 「…(有限公司)」, 「… co., ltd.」
        changed = False
        s = s.rstrip(").").rstrip("(")
        for form in LEGAL_FORMS:
            if s.endswith(form) and len(s) > len(form):
                s = s[: -len(form)]
                changed = True
                break
    s = _NOT_WORD.sub("", s)
    return s or None


def phone_key(phone: str | None) -> str | None:
    """The digits of a phone without a +86 / 0086 country prefix or an extension; None when
    fewer than 7 digits remain (not a number two customers could share by chance)."""
    if not phone:
        return None
    s = unicodedata.normalize("NFKC", phone)
    s = re.split(r"(?:转|ext\.?|x|#)", s, maxsplit=1, flags=re.IGNORECASE)[0]
    digits = re.sub(r"\D", "", s)
    if s.lstrip().startswith("+86") or digits.startswith("0086"):
        digits = digits[2:] if s.lstrip().startswith("+86") else digits[4:]
    elif len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits if len(digits) >= 7 else None
