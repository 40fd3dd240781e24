"""The credit check at the moment of the order (超额暂停发货): each open order of 订单 against the
customer's 授信额度, its open balance, the open orders before it and its overdue debt.

Every rule is written in words in docs/rules.md ("订单 and the credit check").
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from .credit import approver
from .settings import Settings

#: 状态 values whose orders are still open: not yet shipped (so not yet in 应收账款) nor cancelled.
#: A blank 状态 is a new order.
OPEN_STATUSES = ("new", "pending", "approved")

PASS, OVER_LIMIT, OVERDUE_HOLD, NEEDS_APPROVAL = "pass", "over_limit", "overdue_hold", "needs_approval"


class Order(NamedTuple):
    i: int  # data-row index in 订单 (the order of the rows)
    date: dt.date
    customer_id: str
    amount: float
    status: str | None  # a 状态 key; None: blank (a new order)


class Standing(NamedTuple):
    """What the ledger says of a customer as of the run's date."""

    limit: float | None  # the card's 授信额度 (None: blank)
    balance: float = 0.0  # net 未收余额 (credits netted)
    max_days: int = 0  # oldest days overdue (by due date)
    overdue: float = 0.0  # open debits past their due date


class Check(NamedTuple):
    """One order's 信用检查."""

    outcome: str  # PASS / OVER_LIMIT / OVERDUE_HOLD / NEEDS_APPROVAL
    exposure: float  # open balance + the open orders before this one + this order
    limit: float  # the limit it was checked against (blank counts as 0)
    excess: float  # exposure − limit when positive, else 0
    approver: str | None  # who may release it (by the excess); None for PASS and OVERDUE_HOLD
    max_days: int = 0  # the customer's oldest days overdue
    overdue: float = 0.0  # the customer's overdue amount

    @property
    def held(self) -> bool:
        return self.outcome != PASS


def is_open(status: str | None) -> bool:
    return status is None or status in OPEN_STATUSES


def check_orders(orders: Iterable[Order], standing: dict[str, Standing], s: Settings) -> dict[int, Check]:
    """The check of every open order (keyed by its row index); closed orders are left out.

    The open orders of one customer consume its limit in order of 日期, then row: an order's
    exposure is the open balance plus every open order of the customer before it plus itself,
    whatever those earlier orders' own checks were (an order on hold is still an order).

    - 逾期暂停 (``overdue_hold``): the customer has anything overdue more than 暂停发货逾期天数 — no
      approval ships it; the debt must be paid first;
    - 通过 (``pass``): the exposure is within the limit;
    - 超额度 (``over_limit``): the exposure is above a limit the card sets (> 0); the excess needs the
      approver of its amount (设置 审批上限);
    - 需审批 (``needs_approval``): the card sets no limit (blank or 0): no credit was ever granted, so
      the whole exposure is the excess and needs the approver of its amount.
    """
    by_customer: dict[str, list[Order]] = {}
    for o in orders:
        if is_open(o.status):
            by_customer.setdefault(o.customer_id, []).append(o)
    out: dict[int, Check] = {}
    for cid, mine in by_customer.items():
        st = standing.get(cid) or Standing(None)
        limit = st.limit if st.limit is not None and st.limit > 0 else 0.0
        exposure = st.balance
        for o in sorted(mine, key=lambda o: (o.date, o.i)):
            exposure = round(exposure + o.amount, 2)
            excess = round(max(0.0, exposure - limit), 2)
            if st.max_days > s.hold_overdue_days:
                outcome, who = OVERDUE_HOLD, None
            elif excess <= 0:
                outcome, who = PASS, None
            else:
                outcome, who = (OVER_LIMIT if limit > 0 else NEEDS_APPROVAL), approver(excess, s)
            out[o.i] = Check(outcome, exposure, limit, excess, who, st.max_days, st.overdue)
    return out


def held_by_customer(orders: Iterable[Order], checks: dict[int, Check]) -> dict[str, tuple[str, float, Check]]:
    """Customer ID → (the first held order's outcome, the amount of its held orders, the first
    held order's check): what the call list says about it."""
    out: dict[str, tuple[str, float, Check]] = {}
    for o in sorted(orders, key=lambda o: (o.date, o.i)):
        c = checks.get(o.i)
        if c is None or not c.held:
            continue
        if o.customer_id in out:
            outcome, amount, first = out[o.customer_id]
            out[o.customer_id] = (outcome, round(amount + o.amount, 2), first)
        else:
            out[o.customer_id] = (c.outcome, o.amount, c)
    return out
