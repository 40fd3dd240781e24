"""The contact history: 联系记录 plus the results typed in today's 今日拨打 (harvested into the log by
this step), as one fact — per customer the first and last contact, how many, the latest plan, the
calls' outcomes (attempts, promises) and the heat."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sheets_schema as S

from ..core import parse as p
from ..core.funnel import ContactStats, contact_stats, heat
from ..core.harvest import contact_key
from ..core.outcomes import ATTEMPTS, CallHistory, call_history
from ..core.parse import as_text
from ..issues import Issue
from ..messages import message
from ..table import UnusableInput
from ..view import Sheet
from ..writes import AppendRows
from .base import Context, Output, Step


@dataclass(frozen=True)
class ContactHistory:
    #: today's results moved from 今日拨打 into 联系记录 (as contact records, in list order)
    harvested: list[dict[str, Any]]
    #: every contact, the log's valid rows then the harvested ones: (customer_id, date, next_call, attempt?)
    logged: list[tuple[Any, ...]]
    #: customer ID → first and last contact, number of contacts, the latest plan
    stats: dict[str, ContactStats]
    #: customer ID → the calls' outcomes: the last try, tries this month, an open promise to pay
    calls: dict[str, CallHistory]
    #: customer ID → heat key, for every customer with a funnel row (its first row, a bad cell blank)
    heats: dict[str, str]

    def of(self, customer_id: str) -> ContactStats | None:
        return self.stats.get(customer_id)


CONTACT_FIELDS = ("date", "customer_id", "channel", "contact", "outcome", "promise_amount", "promise_date",
                  "next_call", "owner")
PROMISE_FIELDS = ("promise_amount", "promise_date")
KEY_FIELDS = ("date", "customer_id", "outcome", "next_call")


def harvest_results(r: Context, log: Sheet, out: Output) -> list[dict[str, Any]]:
    """The results typed in the current 今日拨打 that are not in 联系记录 yet, and their append."""
    records = r.loaded.call_results
    if not records:
        return []
    tab = r.loaded.tab(S.CALL_LIST)
    t = log
    missing = [k for k in ("date", "customer_id", "outcome", "next_call") if k not in t.columns]
    if missing:
        names = "、".join(S.CONTACTS.col(k).header(r.lang) for k in missing)
        raise UnusableInput(f"sheet '{t.name}' lacks {names}: the results in '{tab}' cannot be saved")
    # a log from before the promise columns: a typed promise adds them after its last used column
    # (header cells that were empty; no user cell moves), and 校验结果 says so
    added: dict[str, int] = {}
    lacking = [k for k in PROMISE_FIELDS if k not in t.columns]
    # every logged result, rows with errors included, a 下次拨打 that is not a date as typed
    # (as the harvest keeps it): a result already logged is never appended again
    typed = log.as_typed("next_call")
    seen = set()
    for row in log.records(with_errors=True):
        rec = {k: getattr(row, k) for k in KEY_FIELDS}
        if rec["next_call"] is None and row.i < len(typed):
            rec["next_call"] = as_text(typed[row.i])
        seen.add(contact_key(rec))
    fresh = []
    for rec in records:
        if contact_key(rec) not in seen:
            seen.add(contact_key(rec))
            fresh.append(rec)
    if lacking and any(rec.get(k) is not None for rec in fresh for k in PROMISE_FIELDS):
        added = {k: t.table.width + n for n, k in enumerate(lacking, start=1)}
        names = "、".join(S.CONTACTS.col(k).header(r.lang) for k in lacking)
        out.issues.append(Issue("warning", t.name, t.header_row, added[lacking[0]], "", names, "columns_added",
                                message("columns_added", r.lang, columns=names, sheet=tab)))
    if fresh:
        where = {**t.columns, **added}
        keys = [k for k in CONTACT_FIELDS if k in where]
        channel = S.CONTACTS.col("channel").choice("phone").label(r.lang)
        rows = [[channel if k == "channel" else rec.get(k) for k in keys] for rec in fresh]
        first = max(t.last_row, t.header_row) + 1
        out.appends[t.name] = AppendRows(first, [where[k] for k in keys], [S.CONTACTS.col(k).kind for k in keys],
                                         rows, {c: S.CONTACTS.col(k).header(r.lang) for k, c in added.items()},
                                         t.header_row)
        # a 下次拨打 that is not a date is kept as typed, and reported now, at the row it lands in
        # (the next run would report it there anyway)
        for n, rec in enumerate(fresh):
            for key, code in (("next_call", "date"), ("promise_date", "date"), ("promise_amount", "number")):
                if isinstance(rec.get(key), str) and key in where:
                    out.issues.append(Issue("error", t.name, first + n, where[key],
                                            t.headers.get(key, S.CONTACTS.col(key).header(r.lang)), rec[key], code,
                                            message(code, r.lang)))
    return fresh


def outcome_matcher() -> Callable[[Any], str | None]:
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


def run(r: Context) -> tuple[Output, ContactHistory]:
    log = r.sheet("contacts")
    out = Output()
    fresh = harvest_results(r, log, out)
    key_of = outcome_matcher()
    cols = ("customer_id", "date", "next_call", "outcome", "promise_amount", "promise_date")
    rows = list(log.tuples(cols))  # (customer_id, date, …, i) per valid row, zipped from the columns
    typed_only = ("next_call", "promise_amount", "promise_date")  # kept as typed in the log: no value here
    rows += [(*(None if k in typed_only and isinstance(x.get(k), str) else x.get(k) for k in cols), None)
             for x in fresh]
    # the log by column (transposed in C), then zipped back into the rows each computation reads
    cids, dates, nexts, outcomes, amounts, promised, _ = (list(c) for c in zip(*rows)) if rows else ([],) * 7
    try:  # each distinct 结果 as its choice key, once (a str only equals a str: key_of gives the others None)
        key = {v: key_of(v) for v in set(outcomes)}
        keys = list(map(key.__getitem__, outcomes))
    except TypeError:  # a value that cannot be a key: one by one
        keys = [key_of(v) for v in outcomes]
    logged = list(zip(cids, dates, nexts, map(ATTEMPTS.__contains__, keys)))
    stats = contact_stats(logged)
    calls = call_history(zip(cids, dates, keys, amounts, promised), r.as_of)
    heats: dict[str, str] = {}
    s = r.settings
    known: dict[tuple[Any, ...], str] = {}  # heat of each distinct (stage, intent, abandoned, follow-ups): a few dozen
    for f in r.sheet("funnel").records(with_errors=True):  # a funnel row with a bad cell still counts (cell blank)
        cid = f.customer_id
        if cid is None or cid in heats:
            continue
        st = stats.get(cid)
        args = (f.stage, f.intent, f.abandoned, st.follow_ups if st else 0)
        h = known.get(args)
        if h is None:
            h = known[args] = heat(*args, s)
        heats[cid] = h
    return out, ContactHistory(fresh, logged, stats, calls, heats)


STEP = Step("contacts", run)
