"""归属争议: the same customer in two reps' workbooks."""
from __future__ import annotations

from typing import TYPE_CHECKING

from sheets_schema import Lang
from sheets_schema.team import DISPUTES

from ..i18n import join, pick
from ..writes import OutputSheet, Styled, kind_style
from .team_overview import title_rows

if TYPE_CHECKING:
    from ..team.queries import Dispute

WORDS = {
    "title": ("客户归属争议 · {n} 对", "Customers claimed by two reps · {n} pairs"),
    "none": ("没有发现归属争议", "No customer is claimed by two reps"),
    "id": ("客户编号", "customer ID"), "name": ("名称", "name"), "phone": ("电话", "phone"),
}


def disputes_sheet(found: list[Dispute], lang: Lang) -> OutputSheet:
    spec = DISPUTES
    styles = [kind_style(c.kind) for c in spec.columns]
    rows = title_rows(pick(WORDS, "title", lang, n=len(found)), spec, lang)
    for d in found:
        rows.append([join([pick(WORDS, m, lang) for m in d.matched], lang),
                     d.a.owner, d.a.customer_id, d.a.name, d.a.last_contact, d.a.sales,
                     d.b.owner, d.b.customer_id, d.b.name, d.b.last_contact, d.b.sales])
    if not found:
        rows.append([Styled(pick(WORDS, "none", lang), "note")])
    return OutputSheet(spec.key, spec.name(lang), rows, widths=[c.width for c in spec.columns],
                       column_styles=styles, freeze_rows=2, merges=[(1, 1, 1, len(styles))], row_heights={1: 24},
                       landscape=True, repeat_rows=(1, 2))
