"""The contact history: 联系记录 plus the results typed in today's 今日拨打 (harvested into the log by
this step), as one fact per customer — first and last contact, how many, the latest plan, heat."""
from __future__ import annotations

from dataclasses import dataclass
from itertools import chain
from typing import Any

import sheets_schema as S

from ..core.funnel import ContactStats, contact_stats, heat
from ..core.harvest import contact_key
from ..core.parse import as_text
from ..table import Table, UnusableInput
from ..issues import Issue
from ..messages import message
from ..writes import AppendRows
from .base import Context, Output, Step

CONTACT_FIELDS = ("date", "customer_id", "channel", "contact", "outcome", "next_call", "owner")
KEY_FIELDS = ("date", "customer_id", "outcome", "next_call")


@dataclass(frozen=True)
class ContactHistory:
    #: today's results moved from 今日拨打 into 联系记录 (as contact records, in list order)
    harvested: list[dict[str, Any]]
    #: customer ID → first and last contact, number of contacts, the latest plan (log and harvest)
    stats: dict[str, ContactStats]
    #: customer ID → heat key, for every customer with a funnel row (its first row, a bad cell blank)
    heats: dict[str, str]

    def of(self, customer_id: str) -> ContactStats | None:
        return self.stats.get(customer_id)


def harvest_results(r: Context, log: Table, out: Output) -> list[dict[str, Any]]:
    """The results typed in the current 今日拨打 that are not in 联系记录 yet, and their append."""
    records = r.loaded.call_results
    if not records:
        return []
    tab = r.loaded.tab(S.CALL_LIST)
    missing = [k for k in ("date", "customer_id", "outcome", "next_call") if k not in log.columns]
    if missing:
        names = "、".join(S.CONTACTS.col(k).header(r.lang) for k in missing)
        raise UnusableInput(f"sheet '{log.name}' lacks {names}: the results in '{tab}' cannot be saved")
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
        keys = [k for k in CONTACT_FIELDS if k in log.columns]
        channel = S.CONTACTS.col("channel").choice("phone").label(r.lang)
        rows = [[channel if k == "channel" else rec.get(k) for k in keys] for rec in fresh]
        first = max(log.last_row, log.header_row) + 1
        out.appends[log.name] = AppendRows(first, [log.columns[k] for k in keys],
                                           [S.CONTACTS.col(k).kind for k in keys], rows)
        # a 下次拨打 that is not a date is kept as typed, and reported now, at the row it lands in
        # (the next run would report it there anyway)
        for n, rec in enumerate(fresh):
            if isinstance(rec.get("next_call"), str):
                out.issues.append(Issue("error", log.name, first + n, log.columns["next_call"],
                                        log.headers.get("next_call", "下次拨打"), rec["next_call"], "date",
                                        message("date", r.lang)))
    return fresh


def run(r: Context) -> tuple[Output, ContactHistory]:
    log = r.table("contacts")
    out = Output()
    fresh = harvest_results(r, log, out)
    stats = contact_stats(chain(log.tuples(["customer_id", "date", "next_call"]),
                                ((x["customer_id"], x["date"], x["next_call"]) for x in fresh
                                 if not isinstance(x["next_call"], str))))
    heats: dict[str, str] = {}
    for f in r.table("funnel").records(good_only=False):  # a funnel row with a bad cell still counts (cell blank)
        cid = f.customer_id
        if cid is None or cid in heats:
            continue
        st = stats.get(cid)
        heats[cid] = heat(f.stage, f.intent, f.abandoned, st.follow_ups if st else 0, r.settings)
    return out, ContactHistory(fresh, stats, heats)


STEP = Step("contacts", run)
