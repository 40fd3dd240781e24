"""The contact history is one fact (issue 20): 联系记录 plus the results typed in today's 今日拨打,
per customer first/last contact, count, plan and heat — the call list and the team extract read it."""
import datetime as dt

from helpers import cli
from test_refresh import AS_OF, D, _type_results, small_book

from addin import jobs
from addin.io.xlsx_book import XlsxBook
from addin.steps import CALLS, CONTACTS
from addin.team.extract import extract


def test_todays_results_count_in_the_history_before_they_are_written(tmp_path):
    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    _type_results(path, {"C1": ("客户同意签约", dt.datetime(2026, 11, 27)), "C3": ("没人接", None)})
    result = jobs.refresh(XlsxBook(path, writable=False))
    history = result.facts[CONTACTS]
    assert [(r["customer_id"], r["outcome"]) for r in history.harvested] == [("C1", "客户同意签约"), ("C3", "没人接")]
    c1 = history.of("C1")
    assert (c1.first_contact, c1.last_contact, c1.follow_ups) == (AS_OF - D(12), AS_OF, 2)
    assert c1.log_next_call == dt.date(2026, 11, 27) and c1.log_plan_made == AS_OF
    assert history.of("C3").first_contact == AS_OF and history.of("C4") is None
    # the harvest is the history step's output: its rows go to 联系记录, once
    assert list(result.plan.appends) == ["联系记录"] and len(result.plan.appends["联系记录"].rows) == 2
    assert result.facts[CALLS].harvested == 2
    # heat of every funnel customer (C4 放弃: 拒绝), and the call list's for its customers
    assert history.heats == {"C1": "hot", "C2": "warm", "C4": "denial"}
    assert result.facts[CALLS].heats == history.heats


def test_the_team_extract_counts_todays_results_as_the_reps_refresh_does(tmp_path):
    path = small_book(tmp_path)
    assert cli("refresh", path).exit_code == 0
    _type_results(path, {"C1": ("客户同意签约", None)})
    funnel = {r["customer_id"]: r for r in extract(path).rows["funnel"]}
    assert (funnel["C1"]["last_contact"], funnel["C1"]["follow_ups"]) == (AS_OF, 2)
    assert cli("refresh", path).exit_code == 0  # harvested into the log: the extract sees the same
    after = {r["customer_id"]: r for r in extract(path).rows["funnel"]}
    assert {k: (r["last_contact"], r["follow_ups"], r["heat"]) for k, r in after.items()} == \
        {k: (r["last_contact"], r["follow_ups"], r["heat"]) for k, r in funnel.items()}


def test_unanswered_calls_are_follow_ups_but_neither_first_nor_last_contact():
    from addin.core.funnel import contact_stats

    day = dt.date(2026, 11, 24)
    rows = [("C1", day - dt.timedelta(days=20), None, True),  # 未接通: a try
            ("C1", day - dt.timedelta(days=10), None, False),
            ("C1", day - dt.timedelta(days=2), None, True),  # 拒接: a try
            ("C2", day - dt.timedelta(days=3), None, True)]
    st = contact_stats(rows)
    assert (st["C1"].first_contact, st["C1"].last_contact, st["C1"].follow_ups) == \
        (day - dt.timedelta(days=10), day - dt.timedelta(days=10), 3)
    assert (st["C2"].first_contact, st["C2"].last_contact, st["C2"].follow_ups) == (None, None, 1)
