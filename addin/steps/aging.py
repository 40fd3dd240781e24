"""账龄分析 as of the run's date."""
from __future__ import annotations

import sheets_schema as S

from ..core.aging import INVOICE_FIELDS, aging
from ..sheets.aging_sheet import aging_sheet
from ..core.aging import AgingReport
from . import Context, Output, step


@step("aging")
def run(r: Context) -> tuple[Output, AgingReport]:
    report = aging(r.table("receivables").tuples(INVOICE_FIELDS), r.loaded.customer_cards(), r.as_of, r.settings)
    return Output(outputs=[aging_sheet(report, r.lang, r.loaded.tab(S.AGING))]), report
