"""销售漏斗 computed columns and the 今日拨打 list, after harvesting the rep's results."""
from __future__ import annotations

from itertools import chain
from typing import Any

import sheets_schema as S

from ..core.calls import Priority, prioritize, select
from ..core.funnel import contact_stats, heat
from ..core.harvest import contact_key
from ..core.parse import as_text
from ..writes import AppendRows
from ..sheets.call_list import call_list_sheet, reason_text
from ..table import Table, UnusableInput
from ..writeback import computed_blocks
from ..validate.issues import Issue
from ..validate.messages import message
from . import CallFacts, Context, Output, step

CONTACT_FIELDS = ("date", "customer_id", "channel", "contact", "outcome", "next_call", "owner")
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
            if isinstance(rec.get("next_call"), str):
                out.issues.append(Issue("error", t.name, first + n, t.columns["next_call"],
                                        t.headers.get("next_call", "下次拨打"), rec["next_call"], "date",
                                        message("date", r.lang)))
    return fresh


NO_FUNNEL = S.blank(S.FUNNEL)  # a customer without a funnel row


@step("calls", needs=("grades",))
def run(r: Context) -> tuple[Output, CallFacts]:
    s, lang = r.settings, r.lang
    log = r.table("contacts")
    out = Output()
    fresh = harvest_results(r, log, out)
    stats = contact_stats(chain(log.tuples(["customer_id", "date", "next_call"]),
                                ((x["customer_id"], x["date"], x["next_call"]) for x in fresh
                                 if not isinstance(x["next_call"], str))))

    ft = r.table("funnel")
    funnel = {row.customer_id: row for row in ft.records()}
    bad = r.table("customers").bad_rows
    grades = r.facts.grades.grades if r.facts.grades else {}
    customers = {cid: card for cid, card in r.loaded.customer_cards().items() if card.i not in bad}

    heats = {cid: heat(f.stage, f.intent, f.abandoned,
                       stats[cid].follow_ups if cid in stats else 0, s) for cid, f in funnel.items()}
    priorities: dict[str, Priority] = {}
    as_of = r.as_of  # once: "today" is looked up when 设置 leaves it blank
    for cid, c in customers.items():
        priorities[cid] = prioritize(c, stats.get(cid), heats.get(cid), as_of, s, funnel.get(cid, NO_FUNNEL),
                                     grades.get(cid))

    values: dict[str, dict[int, Any]] = {k: {} for k in ("last_contact", "follow_ups", "heat", "priority",
                                                         "reasons")}
    for cid, f in funnel.items():
        i = f.i
        st = stats.get(cid)
        values["last_contact"][i] = st.last_contact if st else None
        values["follow_ups"][i] = st.follow_ups if st else 0
        p = priorities.get(cid)
        values["heat"][i] = heats[cid]
        values["priority"][i] = p.score if p else None
        values["reasons"][i] = reason_text(p, lang) if p else None
    if ft.columns:
        out.columns[ft.name] = computed_blocks(ft, values, lang)

    lists = select(list(priorities.values()), s.daily_quota, r.owner)
    out.outputs.append(call_list_sheet(lists, customers, funnel, r.as_of, lang, r.loaded.tab(S.CALL_LIST)))
    listed = {p.customer_id for entries in lists.values() for p in entries}
    return out, CallFacts(len(fresh), lists, {cid: customers[cid] for cid in listed}, heats)
