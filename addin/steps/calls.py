"""销售漏斗 computed columns and the 今日拨打 list, after harvesting the rep's results."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

import sheets_schema as S

from ..core import dunning
from ..core.calls import (
    Customer,
    Habit,
    MonthCoverage,
    Priority,
    Promise,
    Reason,
    answered_of,
    pace_of,
    replanning,
    schedule,
)
from ..core.collections import from_ledger
from ..core.dunning_log import last_letters
from ..core.funnel import funnel_plan_entered, latest_plan
from ..core.ledger import collections
from ..issues import Issue
from ..messages import message
from ..sheets.call_list import call_list_sheet, reason_text
from ..sheets.dunning_log import log_entries
from ..view import Sheet
from ..writeback import computed_blocks
from .aging import STEP as AGING
from .base import Context, Output, Step
from .contacts import STEP as CONTACTS
from .credit import STEP as CREDIT
from .grades import STEP as GRADES
from .orders import STEP as ORDERS


@dataclass(frozen=True)
class CallFacts:
    harvested: int  # results moved from 今日拨打 into 联系记录
    lists: dict[str, list[Priority]]  # rep → the day's list, in order
    customers: dict[str, S.Record]  # customer ID → card, for every listed customer
    months: dict[str, MonthCoverage] = field(default_factory=dict)  # rep → the month's coverage
    people: tuple[Customer, ...] = ()  # every customer scheduled (for `crm plan`)
    heats: dict[str, str] = field(default_factory=dict)  # customer ID → heat key, every valid funnel row
    #: rep → plans typed per contact and how far ahead, over the last 4 weeks (`crm plan`)
    replan: dict[str, Habit] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # customer ID → 客户名称, every card (`crm plan --missed`)
    #: rep → share of the last list they worked (results typed ÷ calls listed; reps who typed none left out)
    pace: dict[str, float] = field(default_factory=dict)

    @property
    def sizes(self) -> dict[str, int]:
        return {rep: len(v) for rep, v in self.lists.items()}

NO_FUNNEL = S.blank(S.FUNNEL)  # a customer without a funnel row


def problem_columns(t: Sheet) -> dict[int, tuple[str, ...]]:
    """Data row index → its error cells as "sheet.column" keys (what a listed customer's reasons name)."""
    key_of = {c: k for k, c in t.columns.items()}
    index = {row: i for i, row in enumerate(t.rows)}
    out: dict[int, list[str]] = {}
    for iss in t.issues:
        if iss.severity == "error" and iss.row in index and iss.col in key_of:
            keys = out.setdefault(index[iss.row], [])
            key = f"{t.spec.key}.{key_of[iss.col]}"
            if key not in keys:
                keys.append(key)
    return {i: tuple(k) for i, k in out.items()}


def _hold(held: tuple[str, float, Any] | None) -> tuple[str, float, str | None, int] | None:
    """The call list's view of a customer's held orders (steps.orders)."""
    if held is None:
        return None
    outcome, amount, check = held
    return outcome, amount, check.approver, check.max_days


def letters_sent(r: Context, lists: dict[str, list[Priority]],
                 every: dict[str, Priority]) -> tuple[dict[str, list[Priority]], dict[str, Priority]]:
    """"已发催告函 N 天": the last dunning letter sent (催款记录) as one more reason, in words only (the
    scheduler's weights are not changed)."""
    letters = last_letters(log_entries(r.loaded.memory.get("dunning_log"))[1], r.as_of)
    if not letters:
        return lists, every
    bounds = r.settings.dunning_levels

    def add(q: Priority) -> Priority:
        e = letters.get(q.customer_id)
        if e is None:
            return q
        why = Reason("letter_sent", (("letter", dunning.stage(e.level or 1, bounds) or "first"),
                                     ("days", (r.as_of - e.date).days)))
        return q._replace(reasons=(*q.reasons, why))

    return ({rep: [add(q) for q in entries] for rep, entries in lists.items()},
            {cid: add(q) for cid, q in every.items()})


def run(r: Context) -> tuple[Output, CallFacts]:
    s, lang, as_of = r.settings, r.lang, r.as_of  # as_of once: "today" is looked up when 设置 leaves it blank
    contacts = r.facts[CONTACTS]  # 联系记录 and the results harvested from today's 今日拨打
    out = Output()
    fresh, logged, stats, history = contacts.harvested, contacts.logged, contacts.stats, contacts.calls
    list_day, on_list = r.loaded.call_listed
    typed = {x["customer_id"] for x in r.loaded.call_results}
    undone = set(on_list) - typed if list_day is not None and list_day < as_of else set()

    ct = r.sheet("customers")
    ft = r.sheet("funnel")
    funnel: dict[str, S.Record] = {}
    for row in ft.records(with_errors=True):  # a funnel row with a bad cell still counts (cell blank)
        if row.customer_id is not None and row.customer_id not in funnel:
            funnel[row.customer_id] = row
    grades = r.facts[GRADES].grades
    problems = problem_columns(ct)
    funnel_problems = problem_columns(ft)
    # every card with a usable ID and owner; other errors are named in the reasons
    cards = {cid: c for cid, c in r.loaded.customer_cards().items() if c.owner is not None}
    owed = from_ledger(collections(r.facts[AGING].items, s.remind_days), as_of)
    resurvey = r.facts[CREDIT].resurvey
    held = r.facts[ORDERS].held
    # 已读下次拨打 and 计划登记日 are the add-in's memory columns, typed by the reader
    first_run = not any(v is not None and v != "" for v in ft.as_typed("plan_seen"))

    heats: dict[str, str] = {}
    seen_col: dict[int, Any] = {}
    entered_col: dict[int, Any] = {}
    plan_cols: dict[str, dict[int, Any]] = {"plan_seen": seen_col, "plan_entered": entered_col}
    people: list[Customer] = []
    add = people.append
    customer = partial(tuple.__new__, Customer)
    heat_of = contacts.heats
    for cid, c in cards.items():  # 50,000 customers at company scale: the lookups are hoisted
        f = funnel.get(cid)
        st = stats.get(cid)
        last = st.last_contact if st else None
        h = heat_of.get(cid)
        if h is not None:
            heats[cid] = h
        entered = None
        if f is not None:
            i = f.i
            nxt = f.next_call
            # funnel_plan_entered is None without a 下次拨打 (most rows): not asked then
            entered = None if nxt is None else funnel_plan_entered(nxt, f.plan_seen, f.plan_entered, last, as_of,
                                                                   first_run)
            seen_col[i] = nxt
            entered_col[i] = entered
            found = problems.get(c.i, ()) + funnel_problems.get(i, ())
        else:
            f = NO_FUNNEL
            found = problems.get(c.i, ())
        log_plan = st.log_next_call if st else None
        # latest_plan is None when neither the funnel nor the log holds a plan (most customers)
        plan = None if f.next_call is None and log_plan is None else \
            latest_plan(f.next_call, entered, log_plan, st.log_plan_made if st else None, last)
        end = f.contract_end
        expired = f.stage == "7" or f.contract_status == "expired" or (end is not None and end < as_of)
        hist = history.get(cid)
        promise = Promise(*hist.promise) if hist is not None and hist.promise is not None else None
        hold = held.get(cid)
        # Customer(…) with every field in order, without the named tuple's Python-level __new__
        add(customer((cid, c.owner, grades.get(cid) or c.abc or "C", h, f.stage, f.intent, expired, end,
                      last, plan, owed.get(cid), c.birthday, found, resurvey.get(cid, ()),
                      hist.last_try if hist else None, hist.tries if hist else 0, cid in undone, promise,
                      None if hold is None else _hold(hold))))

    unknown = s.calendar.unknown_years({as_of.year})
    if unknown:  # Monday to Friday there: said, not guessed
        out.issues.append(Issue("warning", r.loaded.tab(S.SETTINGS), None, None, "", "", "calendar_unknown_year",
                                message("calendar_unknown_year", lang, years="、".join(map(str, unknown)))))
    pace: dict[str, float] = {}
    if undone:  # the last list, worked in part: the month is judged at the calls the rep makes
        owner_of = {c.customer_id: c.owner for c in people}
        listed_n: dict[str, int] = {}
        done_n: dict[str, int] = {}
        for cid in on_list:
            rep = owner_of.get(cid)
            if rep is not None:
                listed_n[rep] = listed_n.get(rep, 0) + 1
                done_n[rep] = done_n.get(rep, 0) + (cid not in undone)
        pace = pace_of(listed_n, done_n)
    replan = replanning(logged, {c.customer_id: c.owner for c in people}, as_of, s,
                        {c.customer_id for c in people if c.stage in ("4", "5")})
    lists, months, every = schedule(people, as_of, s, r.owner, pace, answered_of(replan))
    lists, every = letters_sent(r, lists, every)
    values: dict[str, dict[int, Any]] = {k: {} for k in ("last_contact", "follow_ups", "heat", "priority",
                                                         "reasons")}
    values.update(plan_cols)
    listed_score = {q.customer_id: q for entries in lists.values() for q in entries}
    last_col, follow_col, heat_col = values["last_contact"], values["follow_ups"], values["heat"]
    score_col, reasons_col = values["priority"], values["reasons"]
    for cid, f in funnel.items():
        i = f.i
        st = stats.get(cid)
        last_col[i] = st.last_contact if st else None
        follow_col[i] = st.follow_ups if st else 0
        q = listed_score.get(cid) or every.get(cid)
        heat_col[i] = heats.get(cid)
        score_col[i] = q.score if q else None
        reasons_col[i] = reason_text(q, lang) if q else None
    if ft.columns:
        out.columns[ft.name] = computed_blocks(ft, values, lang)

    out.outputs.append(call_list_sheet(lists, cards, funnel, months, as_of, lang, r.loaded.tab(S.CALL_LIST)))
    listed = {q.customer_id for entries in lists.values() for q in entries}
    return out, CallFacts(len(fresh), lists, {cid: cards[cid] for cid in listed}, months, tuple(people), heats,
                          replan, {cid: c.name or "" for cid, c in cards.items()}, pace)


def summary(f: CallFacts) -> dict[str, Any]:
    return {"harvested": f.harvested, "lists": f.sizes,
            "month": {rep: {"contacted": m.contacted, "book": m.book, "days_left": m.days_left, "undone": m.undone,
                            "missed": dict(m.missed)} for rep, m in f.months.items()}}


STEP = Step("calls", run, needs=(GRADES, CREDIT, AGING, CONTACTS, ORDERS), summary=summary)
