"""账龄分析 as of the run's date."""
from __future__ import annotations

import sheets_schema as S

from ..core.aging import INVOICE_FIELDS, aging
from ..sheets.aging_sheet import aging_sheet
from . import Run


def run(r: Run) -> None:
    report = aging(r.table("receivables").tuples(INVOICE_FIELDS), r.loaded.customer_cards(), r.as_of, r.settings)
    r.plan.outputs.append(aging_sheet(report, r.lang, r.loaded.tab(S.AGING)))
    r.info["aging"] = report
