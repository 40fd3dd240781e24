"""订单 computed columns: the credit check of each open order (信用检查, 检查说明)."""
from __future__ import annotations

from typing import Any

from ..core.orders import Order, Standing, check_orders, held_by_customer
from ..sheets.order_check import check_note
from ..writeback import computed_blocks
from . import Context, OrderFacts, Output, step


@step("orders", needs=("aging",))
def run(r: Context) -> tuple[Output, OrderFacts]:
    t = r.table("orders")
    records = [row for row in t.records() if row.date is not None and row.customer_id is not None
               and row.amount is not None]
    orders = [Order(row.i, row.date, row.customer_id, float(row.amount), row.status) for row in records]
    ledger = {c.customer_id: c for c in r.facts.aging.customers}
    standing = {}
    for cid, card in r.loaded.customer_cards().items():
        c = ledger.get(cid)
        standing[cid] = Standing(card.credit_limit, c.outstanding if c else 0.0, c.max_days if c else 0,
                                 c.overdue if c else 0.0)
    checks = check_orders(orders, standing, r.settings)
    values: dict[str, dict[int, Any]] = {"credit_check": {}, "check_note": {}}
    for i, c in checks.items():
        values["credit_check"][i] = c.outcome
        values["check_note"][i] = check_note(c, r.settings.hold_overdue_days, r.lang)
    out = Output()
    if t.columns:
        out.columns[t.name] = computed_blocks(t, values, r.lang)
    # an approved order was released by someone: the rep has nothing to chase for it
    waiting = [o for o in orders if o.status != "approved"]
    return out, OrderFacts(checks, held_by_customer(waiting, checks), tuple(orders), {r.i: r.row for r in records})
