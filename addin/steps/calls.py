"""销售漏斗 computed columns and the 今日拨打 list, after harvesting the rep's results."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S

from ..core import dunning
from ..core.calls import Customer, Priority, Promise, Reason, replanning, schedule
from ..core.dunning_log import last_letters
from ..core.outcomes import ATTEMPTS, call_history
from ..core.collections import from_ledger
from ..core.ledger import collections
from ..core.funnel import contact_stats, funnel_plan_entered, heat, latest_plan
from ..core import parse as p
from ..core.harvest import contact_key
from ..core.parse import as_text
from ..writes import AppendRows
from ..sheets.call_list import call_list_sheet, reason_text
from ..sheets.dunning_log import log_entries
from ..table import Table, UnusableInput
from ..writeback import computed_blocks
from ..validate.issues import Issue
from ..validate.messages import message
from . import CallFacts, Context, Output, step

CONTACT_FIELDS = ("date", "customer_id", "channel", "contact", "outcome", "promise_amount", "promise_date",
                  "next_call", "owner")
PROMISE_FIELDS = ("promise_amount", "promise_date")
KEY_FIELDS = ("date", "customer_id", "outcome", "next_call")


def harvest_results(r: Context, log: Table, out: Output) -> list[dict[str, Any]]:
    """The results typed in the current 今日拨打 that are not in 联系记录 yet, and their append."""
    records = r.loaded.call_results
    if not records:
        return []
    tab = r.loaded.tab(S.CALL_LIST)
    t = r.table("contacts")
    missing = [k for k in ("date", "customer_id", "outcome", "next_call") if k not in t.columns]
    if missing:
        names = "、".join(S.CONTACTS.col(k).header(r.lang) for k in missing)
        raise UnusableInput(f"sheet '{t.name}' lacks {names}: the results in '{tab}' cannot be saved")
    lacking = [k for k in PROMISE_FIELDS if k not in t.columns]
    if lacking and any(rec.get(k) is not None for rec in records for k in PROMISE_FIELDS):
        names = "、".join(S.CONTACTS.col(k).header(r.lang) for k in lacking)
        raise UnusableInput(f"sheet '{t.name}' lacks {names}: the promises to pay typed in '{tab}' cannot be "
                            "saved (add the columns to the log)")
    # every logged result, rows with errors included, a 下次拨打 that is not a date as typed
    # (as the harvest keeps it): a result already logged is never appended again
    typed = log.raw.get("next_call", [])
    seen = set()
    for i, vals in enumerate(log.tuples(list(KEY_FIELDS), good_only=False)):
        rec = dict(zip(KEY_FIELDS, vals))
        if rec["next_call"] is None and i < len(typed):
            rec["next_call"] = as_text(typed[i])
        seen.add(contact_key(rec))
    fresh = []
    for rec in records:
        if contact_key(rec) not in seen:
            seen.add(contact_key(rec))
            fresh.append(rec)
    if fresh:
        keys = [k for k in CONTACT_FIELDS if k in t.columns]
        channel = S.CONTACTS.col("channel").choice("phone").label(r.lang)
        rows = [[channel if k == "channel" else rec.get(k) for k in keys] for rec in fresh]
        first = max(t.last_row, t.header_row) + 1
        out.appends[t.name] = AppendRows(first, [t.columns[k] for k in keys],
                                            [S.CONTACTS.col(k).kind for k in keys], rows)
        # a 下次拨打 that is not a date is kept as typed, and reported now, at the row it lands in
        # (the next run would report it there anyway)
        for n, rec in enumerate(fresh):
            for key, code in (("next_call", "date"), ("promise_date", "date"), ("promise_amount", "number")):
                if isinstance(rec.get(key), str) and key in t.columns:
                    out.issues.append(Issue("error", t.name, first + n, t.columns[key],
                                            t.headers.get(key, S.CONTACTS.col(key).header(r.lang)), rec[key], code,
                                            message(code, r.lang)))
    return fresh


NO_FUNNEL = S.blank(S.FUNNEL)  # a customer without a funnel row


def outcome_matcher():
    """结果 as typed → its choice key (已沟通 → "talked", `未接通，关机` → "no_answer"); None for free
    text, which counts as a contact."""
    choices = S.CONTACTS.col("outcome").choices
    exact = p.ChoiceMatcher(choices)
    prefixes = sorted(((p.fold(sp), c.key) for c in choices for sp in c.spellings()), key=lambda x: -len(x[0]))
    memo: dict[Any, str | None] = {}

    def key_of(v: Any) -> str | None:
        if v is None or not isinstance(v, str):
            return None
        k = memo.get(v, "")
        if k != "":
            return k
        try:
            k = exact(v)
        except p.ParseError:
            f = p.fold(v)
            k = next((key for sp, key in prefixes if sp and f.startswith(sp)), None)
        memo[v] = k
        return k

    return key_of


def problem_columns(t: Table) -> dict[int, tuple[str, ...]]:
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


def _date(v: Any) -> dt.date | None:
    """A date the add-in wrote into one of its own columns (read back raw, quietly)."""
    if v.__class__ is dt.datetime:  # what the reader gives for a date cell: the fast path
        return v.date()
    if v is None or v.__class__ is dt.date:
        return v
    try:
        return p.parse_date(v)
    except p.ParseError:
        return None


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


@step("calls", needs=("grades", "credit", "aging"))
def run(r: Context) -> tuple[Output, CallFacts]:
    s, lang, as_of = r.settings, r.lang, r.as_of  # as_of once: "today" is looked up when 设置 leaves it blank
    log = r.table("contacts")
    out = Output()
    fresh = harvest_results(r, log, out)
    key_of = outcome_matcher()
    cols = ["customer_id", "date", "next_call", "outcome", "promise_amount", "promise_date"]
    have = [k for k in cols if k in log.columns or k in ("customer_id", "date", "next_call")]
    rows = [dict(zip(have, v)) for v in log.tuples(have)]
    typed_only = ("next_call", "promise_amount", "promise_date")  # kept as typed in the log: no value here
    rows += [{k: (None if k in typed_only and isinstance(x.get(k), str) else x.get(k)) for k in cols}
             for x in fresh]
    for x in rows:
        x["key"] = key_of(x.get("outcome"))
    logged = [(x["customer_id"], x["date"], x["next_call"], x["key"] in ATTEMPTS) for x in rows]
    stats = contact_stats(logged)
    history = call_history(((x["customer_id"], x["date"], x["key"], x.get("promise_amount"), x.get("promise_date"))
                            for x in rows), as_of)
    list_day, on_list = r.loaded.call_listed
    typed = {x["customer_id"] for x in r.loaded.call_results}
    undone = set(on_list) - typed if list_day is not None and list_day < as_of else set()

    ct = r.table("customers")
    ft = r.table("funnel")
    funnel: dict[str, S.Record] = {}
    for row in ft.records(good_only=False):  # a funnel row with a bad cell still counts (cell blank)
        if row.customer_id is not None and row.customer_id not in funnel:
            funnel[row.customer_id] = row
    grades = r.facts.grades.grades if r.facts.grades else {}
    problems = problem_columns(ct)
    funnel_problems = problem_columns(ft)
    # every card with a usable ID and owner; other errors are named in the reasons
    cards = {cid: c for cid, c in r.loaded.customer_cards().items() if c.owner is not None}
    owed = from_ledger(collections(r.facts.aging.items, s.remind_days), as_of)
    resurvey = r.facts.credit.resurvey
    seen_raw = ft.raw.get("plan_seen", [])
    entered_raw = ft.raw.get("plan_entered", [])
    first_run = not any(v is not None and v != "" for v in seen_raw)

    heats: dict[str, str] = {}
    plan_cols: dict[str, dict[int, Any]] = {"plan_seen": {}, "plan_entered": {}}
    people: list[Customer] = []
    for cid, c in cards.items():
        f = funnel.get(cid, NO_FUNNEL)
        st = stats.get(cid)
        last = st.last_contact if st else None
        h = heat(f.stage, f.intent, f.abandoned, st.follow_ups if st else 0, s) if cid in funnel else None
        if h is not None:
            heats[cid] = h
        entered = None
        if cid in funnel:
            i = f.i
            entered = funnel_plan_entered(f.next_call, _date(seen_raw[i]) if i < len(seen_raw) else None,
                                          _date(entered_raw[i]) if i < len(entered_raw) else None, last, as_of,
                                          first_run)
            plan_cols["plan_seen"][i] = f.next_call
            plan_cols["plan_entered"][i] = entered
        plan = latest_plan(f.next_call, entered, st.log_next_call if st else None,
                           st.log_plan_made if st else None, last)
        end = f.contract_end
        expired = f.stage == "7" or f.contract_status == "expired" or (end is not None and end < as_of)
        found = problems.get(c.i, ()) + (funnel_problems.get(f.i, ()) if cid in funnel else ())
        hist = history.get(cid)
        promise = Promise(*hist.promise) if hist is not None and hist.promise is not None else None
        people.append(Customer(cid, c.owner, grades.get(cid) or c.abc or "C", h, f.stage, f.intent, expired, end,
                               last, plan, owed.get(cid), c.birthday, found, resurvey.get(cid, ()),
                               last_try=hist.last_try if hist else None, tries=hist.tries if hist else 0,
                               undone=cid in undone, promise=promise))

    unknown = s.calendar.unknown_years({as_of.year})
    if unknown:  # Monday to Friday there: said, not guessed
        out.issues.append(Issue("warning", r.loaded.tab(S.SETTINGS), None, None, "", "", "calendar_unknown_year",
                                message("calendar_unknown_year", lang, years="、".join(map(str, unknown)))))
    lists, months, every = schedule(people, as_of, s, r.owner)
    lists, every = letters_sent(r, lists, every)
    values: dict[str, dict[int, Any]] = {k: {} for k in ("last_contact", "follow_ups", "heat", "priority",
                                                         "reasons")}
    values.update(plan_cols)
    listed_score = {q.customer_id: q for entries in lists.values() for q in entries}
    for cid, f in funnel.items():
        i = f.i
        st = stats.get(cid)
        values["last_contact"][i] = st.last_contact if st else None
        values["follow_ups"][i] = st.follow_ups if st else 0
        q = listed_score.get(cid) or every.get(cid)
        values["heat"][i] = heats.get(cid)
        values["priority"][i] = q.score if q else None
        values["reasons"][i] = reason_text(q, lang) if q else None
    if ft.columns:
        out.columns[ft.name] = computed_blocks(ft, values, lang)

    out.outputs.append(call_list_sheet(lists, cards, funnel, months, as_of, lang, r.loaded.tab(S.CALL_LIST)))
    listed = {q.customer_id for entries in lists.values() for q in entries}
    replan = replanning(logged, {c.customer_id: c.owner for c in people}, as_of, s)
    return out, CallFacts(len(fresh), lists, {cid: cards[cid] for cid in listed}, months, tuple(people), heats,
                          replan, {cid: c.name or "" for cid, c in cards.items()})
