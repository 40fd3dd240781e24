"""Job steps, listed here explicitly (no discovery), in the order `crm refresh` runs them.

Each module declares its step once — ``STEP = Step("calls", run, needs=(GRADES, CREDIT, AGING))``
with ``run(ctx) -> tuple[Output, CallFacts]`` — and the type of the fact it gives; a step reads
the facts of the steps it needs typed, by the step: ``ctx.facts[GRADES].grades``.
:func:`order` derives the run order from the declared needs, adding the steps a requested step
needs.
"""
from __future__ import annotations

from .aging import STEP as AGING
from .base import Context, Facts, Output, Step
from .calls import STEP as CALLS
from .changelog import STEP as CHANGELOG
from .contacts import STEP as CONTACTS
from .credit import STEP as CREDIT
from .dashboard import STEP as DASHBOARD
from .grades import STEP as GRADES
from .orders import STEP as ORDERS

#: every step; what `crm refresh` runs, in this order (output sheets new to a workbook are added in it)
DEFAULT: tuple[Step[object], ...] = (GRADES, CONTACTS, CALLS, CREDIT, AGING, ORDERS, DASHBOARD, CHANGELOG)
STEPS = {s.name: s for s in DEFAULT}


def order(requested: tuple[Step[object], ...]) -> list[Step[object]]:
    """The steps to run for ``requested``, each after the steps it needs."""
    out: list[Step[object]] = []

    def visit(step: Step[object], path: tuple[str, ...] = ()) -> None:
        if step in out:
            return
        if step.name in path:
            raise ValueError("steps need each other: " + " → ".join((*path, step.name)))
        for need in step.needs:
            visit(need, (*path, step.name))
        out.append(step)

    for step in requested:
        visit(step)
    return out


__all__ = ["AGING", "CALLS", "CHANGELOG", "CONTACTS", "CREDIT", "DASHBOARD", "DEFAULT", "GRADES", "ORDERS", "STEPS", "Context", "Facts",
           "Output", "Step", "order"]
