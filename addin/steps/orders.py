"""订单 computed columns: the credit check of each open order (信用检查, 检查说明)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.orders import Check, Order, Standing, check_orders, held_by_customer
from ..sheets.order_check import check_note
from ..writeback import computed_blocks
from .aging import STEP as AGING
from .base import Context, Output, Step


@dataclass(frozen=True)
class OrderFacts:
    checks: dict[int, Check]  # 订单 data-row index → its check, every open order
    #: customer ID → (outcome, amount held, first held order's Check) of its held orders not yet approved
    held: dict[str, tuple[str, float, Check]] = field(default_factory=dict)
    orders: tuple[Order, ...] = ()  # every valid row of 订单
    rows: dict[int, int] = field(default_factory=dict)  # data-row index → Excel row

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.checks.values():
            out[c.outcome] = out.get(c.outcome, 0) + 1
        return out


def run(r: Context) -> tuple[Output, OrderFacts]:
    t = r.sheet("orders")
    records = [row for row in t.records() if row.date is not None and row.customer_id is not None
               and row.amount is not None]
    orders = [Order(row.i, row.date, row.customer_id, float(row.amount), row.status) for row in records]
    ledger = {c.customer_id: c for c in r.facts[AGING].customers} if orders else {}
    standing = {}
    cards = r.loaded.customer_cards()
    # the standing of the customers with an order (check_orders asks no other): not all 50,000 cards
    for cid in dict.fromkeys(o.customer_id for o in orders):
        card = cards.get(cid)
        if card is None:
            continue
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


def summary(f: OrderFacts) -> dict[str, Any]:
    n = f.counts()
    return {"orders": len(f.orders), "open": len(f.checks),
            "checks": {k: n.get(k, 0) for k in ("pass", "over_limit", "overdue_hold", "needs_approval")}}


STEP = Step("orders", run, needs=(AGING,), summary=summary)
