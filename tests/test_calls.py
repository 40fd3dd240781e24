"""The call-list scheduler (addin/core/calls.py): one test per ordering rule of docs/rules.md."""
import datetime as dt

from addin.core.calls import (
    AHEAD,
    COVERAGE,
    DUE,
    PLANNED,
    PRIORITY,
    Customer,
    Habit,
    Reason,
    assess,
    coverage,
    coverage_reserve,
    day_list,
    interval_due,
    pace_of,
    project,
    replanning,
    schedule,
)
from addin.core.collections import Collection, collection_weight, from_ledger
from addin.core.funnel import contact_stats, funnel_plan_entered, heat, latest_plan
from addin.core.ledger import Invoice, collections, items_as_of
from addin.core.settings import Settings
from addin.core.workdays import add_working, left_in_month
from addin.sheets.call_list import reason_text, reason_words

AS_OF = dt.date(2026, 11, 24)  # a Tuesday
S = Settings(as_of=AS_OF)
D = dt.timedelta


def cust(cid="C1", owner="张伟", **kw) -> Customer:
    return Customer(cid, owner, **kw)


def words(p):
    return tuple(reason_words(r, "zh") for r in p.reasons)


def ids(entries):
    return [p.customer_id for p in entries]


# ------------------------------------------------------------------------------- due dates
def test_working_days():
    assert add_working(dt.date(2026, 11, 27), 1) == dt.date(2026, 11, 30)  # Friday + 1 = Monday
    assert add_working(AS_OF, 3) == dt.date(2026, 11, 27)
    assert left_in_month(AS_OF) == 5  # 24, 25, 26, 27, 30
    assert left_in_month(dt.date(2026, 11, 29)) == 1  # Sunday: only Monday the 30th


def test_due_date_is_the_shortest_interval_that_applies():
    last = AS_OF - D(20)
    assert interval_due(cust(grade="C", last_contact=last), S) == last + D(30)
    assert interval_due(cust(grade="A", last_contact=last), S) == last + D(7)
    assert interval_due(cust(grade="C", heat="hot", last_contact=last), S) == add_working(last, 3)
    assert interval_due(cust(grade="C", heat="warm", last_contact=last), S) == add_working(last, 7)
    owed = Collection(40, 5000.0, None, 0.0)
    assert interval_due(cust(grade="C", last_contact=last, collection=owed), S) == last + D(7)
    assert interval_due(cust(grade="C"), S) is None  # never contacted: due at once


def test_latest_plan_wins_whether_earlier_or_later():
    # log: plan entered at the most recent contact wins, even when its day is earlier
    st = contact_stats([("C1", AS_OF - D(10), AS_OF + D(10)), ("C1", AS_OF - D(5), AS_OF + D(2))])["C1"]
    assert (st.log_next_call, st.log_plan_made) == (AS_OF + D(2), AS_OF - D(5))
    # two plans on one day: the lower log row was entered last
    st = contact_stats([("C1", AS_OF - D(5), AS_OF + D(9)), ("C1", AS_OF - D(5), AS_OF + D(3))])["C1"]
    assert st.log_next_call == AS_OF + D(3)
    # funnel against log: the one entered later; a tie goes to the funnel (a hand edit)
    assert latest_plan(AS_OF + D(9), AS_OF - D(1), AS_OF + D(2), AS_OF - D(5), AS_OF - D(5)) == AS_OF + D(9)
    assert latest_plan(AS_OF + D(9), AS_OF - D(8), AS_OF + D(2), AS_OF - D(5), AS_OF - D(5)) == AS_OF + D(2)
    assert latest_plan(AS_OF + D(9), AS_OF - D(5), AS_OF + D(2), AS_OF - D(5), AS_OF - D(5)) == AS_OF + D(9)
    # a plan is done once someone contacted the customer on or after its day; a later entry that is
    # done replaces an earlier open one
    assert latest_plan(None, None, AS_OF - D(3), AS_OF - D(9), AS_OF - D(3)) is None
    assert latest_plan(AS_OF + D(5), AS_OF - D(20), AS_OF - D(3), AS_OF - D(9), AS_OF - D(2)) is None


def test_when_a_funnel_plan_was_entered():
    # first run over the funnel: at the last contact; then the run that first saw the value
    assert funnel_plan_entered(AS_OF + D(3), None, None, AS_OF - D(6), AS_OF, True) == AS_OF - D(6)
    assert funnel_plan_entered(AS_OF + D(3), AS_OF + D(3), AS_OF - D(2), AS_OF - D(6), AS_OF, False) == AS_OF - D(2)
    assert funnel_plan_entered(AS_OF + D(4), AS_OF + D(3), AS_OF - D(2), AS_OF - D(6), AS_OF, False) == AS_OF
    assert funnel_plan_entered(AS_OF + D(4), None, None, AS_OF - D(6), AS_OF, False) == AS_OF
    assert funnel_plan_entered(None, AS_OF, AS_OF, None, AS_OF, False) is None


# ------------------------------------------------------------------------------------- tiers
def test_planned_calls_come_first_and_are_kept_on_their_day():
    p = assess(cust(stage="4", plan=AS_OF, last_contact=AS_OF - D(1)), AS_OF, S)
    assert p.tier == PLANNED and words(p) == ("计划今日回访", "销售进程4：有选择我方的意向")
    # an overdue plan is no longer a promise that can be kept: it competes by value (docs/rules.md)
    late = assess(cust(plan=AS_OF - D(3), last_contact=AS_OF - D(10)), AS_OF, S)
    assert late.tier == PRIORITY and words(late)[0] == "计划回访已逾期3天" and late.score < p.score
    # a plan in the future is a promise for its day, not today: the customer is not due
    ahead = assess(cust(stage="5", plan=AS_OF + D(2), last_contact=AS_OF - D(20)), AS_OF, S)
    assert ahead.tier == AHEAD and ahead.due == AS_OF + D(2)


def test_recently_contacted_customers_are_not_listed_again_unless_planned():
    monday = AS_OF - D(1)
    assert assess(cust(grade="A", stage="5", last_contact=AS_OF), AS_OF, S).tier is None
    assert assess(cust(grade="A", stage="5", last_contact=monday), AS_OF, S).tier is None
    assert assess(cust(grade="A", plan=AS_OF, last_contact=monday), AS_OF, S).tier == PLANNED
    # on a Monday, "yesterday" is the previous working day: Friday
    mon = dt.date(2026, 11, 30)
    assert assess(cust(grade="C", last_contact=mon - D(3)), mon, S).tier is None
    assert assess(cust(grade="C", last_contact=mon - D(4)), mon, S).tier is not None


def test_priorities_the_seeds_name_when_due():
    last = AS_OF - D(10)
    for kw, reason in ((dict(stage="5"), "销售进程5：已传合同"), (dict(stage="4"), "销售进程4：有选择我方的意向"),
                       (dict(intent="very_likely"), "成交可能性很大"), (dict(intent="good"), "成交意向好"),
                       (dict(expired=True), "合同已到期"),
                       (dict(expired=True, contract_end=AS_OF - D(1)), "合同已于2026-11-23到期")):
        p = assess(cust(grade="C", heat="hot", last_contact=last, **kw), AS_OF, S)
        assert p.tier == PRIORITY and reason in words(p), kw
    # stage 5 outweighs stage 4; an A customer outweighs a C customer of the same stage
    s5 = assess(cust(grade="C", stage="5", heat="hot", last_contact=last), AS_OF, S)
    s4 = assess(cust(grade="C", stage="4", heat="hot", last_contact=last), AS_OF, S)
    a4 = assess(cust(grade="A", stage="4", heat="hot", last_contact=last), AS_OF, S)
    assert s5.score > s4.score and a4.score > s4.score
    # not yet due (a hot customer called 2 working days ago): levelled, not a priority
    assert assess(cust(stage="5", heat="hot", last_contact=AS_OF - D(5)), AS_OF, S).tier == PRIORITY
    assert assess(cust(stage="5", heat="hot", last_contact=AS_OF - D(2)), AS_OF, S).tier == AHEAD


def test_collections_reasons_and_weight():
    invoices = [Invoice("I1", "C1", AS_OF - D(65), AS_OF - D(35), 12_300.0),
                Invoice("I2", "C1", AS_OF - D(40), AS_OF - D(10), 1000.0, 1000.0),  # paid
                Invoice("I3", "C2", AS_OF - D(27), AS_OF + D(3), 800.0, 300.0),
                Invoice("I4", "C3", AS_OF - D(5), AS_OF + D(25), 900.0),  # not due soon
                Invoice("I5", "C4", AS_OF + D(1), AS_OF + D(2), 900.0)]  # dated after the as-of date
    owed = from_ledger(collections(items_as_of(invoices, {}, {}, AS_OF), 3), AS_OF)
    assert owed == {"C1": Collection(35, 12_300.0, None, 0.0), "C2": Collection(0, 0.0, 3, 500.0)}
    p = assess(cust(stage="4", plan=AS_OF, last_contact=AS_OF - D(8), collection=owed["C1"]), AS_OF, S)
    assert reason_text(p, "zh") == "计划今日回访；销售进程4：有选择我方的意向；应收逾期35天 ¥12,300.00"
    q = assess(cust("C2", last_contact=AS_OF - D(5), collection=owed["C2"]), AS_OF, S)
    assert q.tier == PRIORITY and words(q) == ("3天后到期，事前提醒 ¥500.00",)
    # the weight grows with days, amount and dunning level: 10 + days/3 (≤30) + 6/power of ten above
    # ¥100 (≤20) + 10 per level above the first
    w = [collection_weight(Collection(d, a, None, 0.0), S.dunning_levels)
         for d, a in ((5, 1000.0), (35, 1000.0), (35, 100_000.0), (400, 1e7))]
    assert w == [10 + 1 + 6, 10 + 11 + 6 + 10, 10 + 11 + 18 + 10, 10 + 30 + 20 + 20]
    assert collection_weight(Collection(400, 1e7, None, 0.0), S.dunning_levels, broken=True) == 100


def test_coverage_by_how_far_past_due_relative_to_the_interval():
    a = assess(cust("A1", grade="A", last_contact=AS_OF - D(10)), AS_OF, S)  # 3 days over its 7
    c = assess(cust("C1", grade="C", last_contact=AS_OF - D(35)), AS_OF, S)  # 5 days over its 30
    assert a.tier == c.tier == DUE and a.score > c.score
    assert words(a) == ("A类客户10天未联系",)
    never = assess(cust("N", grade="C"), AS_OF, S)
    assert never.score > a.score and words(never) == ("C类客户从未联系",)


def test_denial_is_never_listed():
    assert assess(cust(heat="denial", stage="5", plan=AS_OF), AS_OF, S).tier is None


def test_problems_are_named_last():
    p = assess(cust(grade="B", problems=("customers.email", "customers.birthday")), AS_OF, S)
    assert p.reasons[-1] == Reason("problems", (("columns", ("customers.email", "customers.birthday")),))
    assert reason_text(p, "zh") == "B类客户从未联系；资料待修正：邮箱、生日"
    assert reason_text(p, "en") == "B customer never contacted; Data to fix: Email, Birthday"


# ------------------------------------------------------------------------------ the day's list
def book(n_priority=0, n_due=0, n_uncovered=0, n_ahead=0, plans=0, as_of=AS_OF):
    """A rep's book: priorities due, coverage due (contacted this month), customers not contacted this
    month, customers not yet due, planned calls today."""
    out = []
    start = as_of.replace(day=1)
    for i in range(plans):
        out.append(cust(f"P{i:03d}", plan=as_of, last_contact=start + D(1)))
    for i in range(n_priority):
        out.append(cust(f"S{i:03d}", grade="B", stage="4", heat="warm", last_contact=start))
    for i in range(n_due):
        out.append(cust(f"D{i:03d}", grade="A", last_contact=start + D(i % 5)))
    for i in range(n_uncovered):
        out.append(cust(f"U{i:03d}", grade="C", last_contact=start - D(5 + i)))
    for i in range(n_ahead):
        out.append(cust(f"L{i:03d}", grade="B", last_contact=as_of - D(12) + D(i % 3)))  # due in 2–4 days
    return out


def test_tiers_in_order_and_score_consistent_with_the_order():
    entries, month, _ = day_list(book(n_priority=3, n_due=3, n_uncovered=2, plans=2), AS_OF, S)
    tiers = [p.score // 100 for p in entries]
    assert tiers == sorted(tiers, reverse=True)
    assert [p.score for p in entries] == sorted((p.score for p in entries), reverse=True)
    assert ids(entries)[:2] == ["P000", "P001"]


def test_quota_holds_todays_plans_then_value_beside_the_coverage_the_month_needs():
    s = Settings(as_of=AS_OF, daily_quota=10)
    entries, month, _ = day_list(book(n_priority=20, n_uncovered=30, plans=3), AS_OF, s)
    assert len(entries) == 10
    # 30 not contacted this month, 5 working days left: 6 a day go to them, longest-waiting first
    assert coverage_reserve(month, AS_OF, s) == 6
    # today's plans first; value (stage 4) as far as the day holds beside the reserve: 10 − 3 − 6 = 1
    assert ids(entries[:3]) == ["P000", "P001", "P002"]
    assert entries[3].customer_id.startswith("S") and entries[3].tier == PRIORITY
    assert ids(entries[4:10]) == [f"U{i:03d}" for i in (29, 28, 27, 26, 25, 24)]
    assert all(p.score // 100 == COVERAGE and "本月尚未联系" in words(p) for p in entries[4:10])


def test_priorities_never_crowd_out_coverage_when_the_book_is_behind():
    s = Settings(as_of=AS_OF, daily_quota=20, coverage_share=0.25)
    # 2 of 40 uncovered with 5 days left would need only 1 a day; behind the month (few contacted
    # by the 24th), the share of the day (5) goes to them anyway — all there are
    month = coverage(book(n_priority=2, n_uncovered=38), AS_OF, s)
    assert month.share < 0.25 and coverage_reserve(month, AS_OF, s) == 8
    ahead = coverage(book(n_priority=38, n_uncovered=2), AS_OF, s)
    assert coverage_reserve(ahead, AS_OF, s) == 1


def test_capacity_left_is_levelled_over_the_month():
    # nothing due today; 20 customers fall due later this month, 5 working days left: 4 today
    entries, _, _ = day_list(book(n_ahead=20), AS_OF, S)
    assert len(entries) == 4 and all(p.tier == AHEAD for p in entries)
    assert all(words(p)[0].startswith("提前安排") for p in entries)


def test_per_rep_and_each_customer_once():
    people = [cust("C1", owner="甲", stage="4", heat="warm"), cust("C2", owner="乙", stage="4", heat="warm"),
              cust("C3", owner="甲", grade="C")]
    lists, months, every = schedule(people, AS_OF, S)
    assert {k: ids(v) for k, v in lists.items()} == {"乙": ["C2"], "甲": ["C1", "C3"]}
    assert set(every) == {"C1", "C2", "C3"} and months["甲"].book == 2
    lists, months, _ = schedule(people, AS_OF, S, owner="乙")
    assert list(lists) == ["乙"] == list(months)


def test_the_projection_reaches_every_customer_when_the_quota_allows():
    people = book(n_uncovered=200, as_of=dt.date(2026, 12, 1))
    days = project(people, dt.date(2026, 12, 1), Settings(daily_quota=10)).days
    # 23 weekdays in December 2026, but the month is 每月工作日 = 22 working days
    assert len(days) == 22 and days[-1].coverage["张伟"] == 1.0
    assert all(d.calls["张伟"] <= 10 for d in days)
    short = project(people, dt.date(2026, 12, 1), Settings(daily_quota=5))
    assert short.days[-1].coverage["张伟"] == 110 / 200  # 5 a day for 22 days
    assert len(short.missed["张伟"]) == 90


# -------------------------------------------------------------------------------------- heat
def test_heat():
    assert heat("5", None, "no", 0, S) == "hot"
    assert heat("4", "good", None, 0, S) == "hot"
    assert heat("1", "very_likely", None, 0, S) == "hot"
    assert heat("4", "unclear", None, 0, S) == "warm"
    assert heat("1", "possible", None, 0, S) == "warm"
    assert heat("1", "unclear", None, 0, S) == "cold"
    assert heat("1", "poor", None, 10, S) == "cold"
    assert heat("1", "poor", None, 11, S) == "denial"
    assert heat("1", "poor", None, 5, Settings(persistence=5)) == "denial"


def test_birthday_is_a_reason_to_call():
    p = assess(cust(grade="C", birthday=dt.date(1980, 11, 26), last_contact=AS_OF - D(3)), AS_OF, S)
    assert p.tier == PRIORITY and words(p) == ("11月26日生日（2天后）",)
    assert words(assess(cust(birthday=dt.date(1980, 11, 24), last_contact=AS_OF - D(3)), AS_OF, S)) == ("今天生日",)
    late = assess(cust(birthday=dt.date(1990, 1, 1), last_contact=dt.date(2026, 12, 20)), dt.date(2026, 12, 30), S)
    assert "1月1日生日（2天后）" in words(late)


def test_the_core_gives_reason_codes_not_words():
    p = assess(cust(plan=AS_OF - D(1), last_contact=AS_OF - D(3)), AS_OF, S)
    assert p.reasons == (Reason("planned_overdue", (("days", 1),)),)
    assert reason_text(p, "en") == "Planned call 1 days overdue" and reason_text(p, "zh") == "计划回访已逾期1天"


def test_a_credit_survey_due_again_is_a_reason_to_call():
    p = assess(cust(grade="B", last_contact=AS_OF - D(23), resurvey=("stale", "over_limit")), AS_OF, S)
    assert p.tier == PRIORITY
    assert reason_text(p, "zh") == "信用需复查：调查已超过 12 个月、超出授信额度；B类客户23天未联系"
    assert reason_text(p, "en") == ("Credit to re-survey: survey older than 12 months, over the credit limit; "
                                    "B customer not contacted for 23 days")


# ------------------------------------------------------------------ calendar (issue 21)
def test_a_holiday_week_and_a_make_up_saturday():
    from addin.core.workdays import Calendar, is_working, working_days
    # 国庆 2026: 1–7 October off; Saturday 10 October is a 调休 make-up working day
    assert [d.day for d in working_days(dt.date(2026, 9, 28), dt.date(2026, 10, 11))] == [28, 29, 30, 8, 9, 10]
    assert is_working(dt.date(2026, 10, 10)) and not is_working(dt.date(2026, 10, 5))
    assert add_working(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)
    # the month's working days follow it: October 2026 has 18 (22 weekdays, less 5 off, plus Saturday 10th)
    assert left_in_month(dt.date(2026, 10, 1)) == 18
    # the 节假日 table overrides it: a company day off, and a Saturday worked
    cal = Calendar([(dt.date(2026, 11, 27), False), (dt.date(2026, 11, 28), True)])
    assert not cal.is_working(dt.date(2026, 11, 27)) and cal.is_working(dt.date(2026, 11, 28))
    assert add_working(dt.date(2026, 11, 26), 1, cal) == dt.date(2026, 11, 28)
    # a year the official schedule does not cover is named (the calls step warns), not guessed
    assert cal.unknown_years({2026, 2031}) == [2031]
    assert Calendar([(dt.date(2031, 1, 1), False)]).unknown_years({2031}) == []


def test_the_schedule_follows_the_calendar_and_its_overrides():
    s = Settings(daily_quota=10, holidays=((dt.date(2026, 11, 30), False),))
    # Friday 27th: yesterday-rule and days left use the calendar; the 30th is off, so 27th is the last day
    people = book(n_uncovered=20, as_of=dt.date(2026, 11, 27))
    entries, month, _ = day_list(people, dt.date(2026, 11, 27), s)
    assert month.days_left == 1 and len(entries) == 10
    # a Monday after a make-up Saturday: "yesterday" is the Saturday worked
    cal_s = Settings(holidays=((dt.date(2026, 11, 28), True),))
    mon = dt.date(2026, 11, 30)
    assert assess(cust(grade="C", last_contact=dt.date(2026, 11, 28) - D(40)), mon, cal_s).tier is not None
    assert assess(cust(grade="C", last_contact=dt.date(2026, 11, 28)), mon, cal_s).tier is None
    assert assess(cust(grade="C", last_contact=dt.date(2026, 11, 27)), mon, cal_s).tier is not None


# ----------------------------------------------------------- value decides a full day (issue 21)
def test_stale_plans_do_not_crowd_out_money_and_hot_deals():
    """The demo's 2026-12-02: 95 overdue plans of cold C prospects for a quota of 60, and C00331
    owing ¥419,540 for 163 days (dunning level 3): the money is called, the stale plans wait."""
    day = dt.date(2026, 12, 2)
    s = Settings(daily_quota=60)
    people = [cust(f"P{i:03d}", grade="C", stage="1", plan=day - D(17), last_contact=day - D(30 + i % 5))
              for i in range(95)]
    money = cust("C00331", grade="B", last_contact=day - D(9), collection=Collection(163, 419_540.0, None, 0.0))
    hot = cust("H1", grade="B", stage="5", intent="very_likely", heat="hot", last_contact=day - D(6))
    people += [money, hot]
    entries, _, prio = day_list(people, day, s)
    assert ids(entries)[:2] == ["C00331", "H1"]  # value first: 80 + B 5 and 80 + B 5, ahead of 10 + 0
    q = prio["C00331"]
    assert q.score == 300 + 10 + 30 + 20 + 20 + 5  # 10 + 163÷3 (≤30) + amount (≤20) + level 3 (+20) + B
    stale = assess(people[0], day, s)
    assert stale.tier == PRIORITY and stale.score == 310 and words(stale)[0] == "计划回访已逾期17天（已过期）"
    # the funnel never promises a call the list does not make: whoever is left off scores below the list
    floor = min(p.score for p in entries)
    off = [p for cid, p in prio.items() if cid not in set(ids(entries)) and p.tier is not None]
    assert off and all(p.score < floor and p.reasons[0].code == "not_listed" for p in off if p.tier >= DUE)


def test_a_plan_for_today_comes_before_an_overdue_plan_and_a_fresh_one_before_a_stale_one():
    s = Settings(daily_quota=2)
    today = cust("T", grade="C", plan=AS_OF, last_contact=AS_OF - D(20))
    fresh = cust("F", grade="C", plan=AS_OF - D(2), last_contact=AS_OF - D(20))  # 2 working days late
    stale = cust("O", grade="A", plan=AS_OF - D(14), last_contact=AS_OF - D(20))  # 10 working days late
    entries, _, prio = day_list([stale, fresh, today], AS_OF, s)
    assert ids(entries) == ["T", "F"]
    assert prio["F"].score == 340 and prio["T"].score // 100 == PLANNED
    # older than 计划过期天数 (5 working days): it keeps its reason, weighs 10 (+ A 10)
    assert words(prio["O"]) == ("计划回访已逾期14天（已过期）",) and prio["O"].score == 320 < 340
    assert assess(stale, AS_OF, Settings(stale_plan_days=10)).score == 350  # not stale at 10 days: 40 + A 10


def test_a_customers_first_when_the_month_is_short():
    """600 customers not yet reached, 5 working days of 60 calls left: 300 can be reached. The title
    says the shortfall; the coverage reserve takes A, then B, and the 300 missed are C."""
    people = ([cust(f"A{i:03d}", grade="A", last_contact=dt.date(2026, 10, 20)) for i in range(100)]
              + [cust(f"B{i:03d}", grade="B", last_contact=dt.date(2026, 10, 25)) for i in range(150)]
              + [cust(f"C{i:03d}", grade="C", last_contact=dt.date(2026, 10, 1)) for i in range(350)])
    entries, month, _ = day_list(people, AS_OF, S)
    assert month.short and month.missed == {"A": 0, "B": 0, "C": 300}
    assert all(p.grade == "A" for p in entries)  # C waited longest, A comes first
    proj = project(people, AS_OF, S)
    missed = proj.missed["张伟"]
    assert len(missed) == 300 and {c.grade for c in missed} == {"C"}
    # with room in the month, the longest-waiting come first, whatever the grade
    roomy = day_list(people[:100] + people[250:300], AS_OF, S)
    assert not roomy[1].short and roomy[0][0].grade == "C"


def test_the_month_is_judged_at_the_calls_the_rep_makes():
    """A rep who worked 45 of the last list's 60 calls: 5 days × 45 less what is owed cannot reach
    the 230 not reached yet, though 5 × 60 could — A first from now on, not when it is too late."""
    people = ([cust(f"A{i:03d}", grade="A", last_contact=dt.date(2026, 10, 20)) for i in range(30)]
              + [cust(f"C{i:03d}", grade="C", last_contact=dt.date(2026, 10, 1)) for i in range(200)])
    entries, month, _ = day_list(people, AS_OF, Settings(daily_quota=60))
    assert not month.short and entries[0].grade == "C"  # at the quota the month closes: longest wait first
    pace = pace_of({"张伟": 60, "李娜": 60}, {"张伟": 45})
    assert pace == {"张伟": 0.75}  # 李娜 typed nothing: a day off, not a pace
    lists, months, _ = schedule(people, AS_OF, Settings(daily_quota=60), pace=pace)
    assert months["张伟"].short and months["张伟"].missed == {"A": 0, "B": 0, "C": 5}
    assert [p.grade for p in lists["张伟"][:30]] == ["A"] * 30
    # crm plan at that pace: 45 calls a day, the 15 left over come back the next day ahead of coverage
    proj = project(people, AS_OF, Settings(daily_quota=60), pace=pace)
    assert [d.calls["张伟"] for d in proj.days] == [45] * 5
    assert len(proj.missed["张伟"]) == 5 and {c.grade for c in proj.missed["张伟"]} == {"C"}


def test_replanning_counts_deals_apart_and_the_projection_follows_each():
    """A rep who plans every stage 4–5 call 5 working days out and one other call in four 15 out:
    the projection plans deals as deals and the rest as the rest, not the average for both."""
    day = dt.date(2026, 11, 2)
    rows = []
    for i in range(8):  # 8 calls to deals, each planned
        rows.append((f"D{i}", day, add_working(day, 5)))
    for i in range(8):  # 8 calls to others, 2 planned
        rows.append((f"O{i}", day, add_working(day, 15) if i < 2 else None))
    owner = {cid: "张伟" for cid, *_ in rows}
    habit = replanning(rows, owner, dt.date(2026, 11, 24), S, {f"D{i}" for i in range(8)})["张伟"]
    assert habit.rate == 10 / 16 and habit.of("4") == (1.0, (5,) * 8) and habit.of("1") == (0.25, (15, 15))
    assert Habit(0.5, (3,)).of("5") == (0.5, (3,))  # no call of the kind in the 4 weeks: the rep's overall
    start = dt.date(2026, 12, 1)
    people = ([cust(f"H{i}", grade="A", stage="5", heat="hot") for i in range(4)]
              + [cust(f"C{i:02d}", grade="C") for i in range(40)])
    calls = sum(d.calls["张伟"] for d in project(people, start, Settings(daily_quota=10),
                                                replan={"张伟": habit}).days)
    average = sum(d.calls["张伟"] for d in project(people, start, Settings(daily_quota=10),
                                                  replan={"张伟": Habit(habit.rate, habit.lags)}).days)
    # the 4 deals come back every 5 working days (4 calls each at least); the other 40 are planned
    # at a quarter, not at the average's 62 %
    assert 40 + 4 * 4 <= calls < average


def test_calls_nobody_answers_count_in_the_habit_the_month_and_the_projection():
    """A rep whose calls went unanswered one time in five over the last 4 weeks: crm plan projects
    one call in five as an attempt (no coverage), and the list judges the month at the calls that
    reach someone — 5 days × 10 × 80 % = 40 can be reached of 45, so A comes first today."""
    day = dt.date(2026, 11, 2)
    rows = [(f"X{i}", day, None, i % 5 == 0) for i in range(20)]
    habit = replanning(rows, {f"X{i}": "张伟" for i in range(20)}, dt.date(2026, 11, 24), S)["张伟"]
    assert habit.unanswered == 0.2 and habit.rate == 0.0
    people = ([cust(f"A{i}", grade="A", last_contact=dt.date(2026, 10, 20)) for i in range(5)]
              + [cust(f"C{i:02d}", grade="C", last_contact=dt.date(2026, 10, 1)) for i in range(40)])
    s = Settings(daily_quota=10)
    assert not schedule(people, AS_OF, s)[1]["张伟"].short
    lists, months, _ = schedule(people, AS_OF, s, answered={"张伟": 0.8})
    assert months["张伟"].short and [p.grade for p in lists["张伟"][:5]] == ["A"] * 5
    every = project(people, AS_OF, s).days[-1].coverage["张伟"]
    tried = project(people, AS_OF, s, replan={"张伟": habit}).days[-1].coverage["张伟"]
    assert every == 1.0 and tried < 0.9


# ------------------------------------------------------------- undone calls and outcomes (issue 21)
def test_undone_calls_come_back_the_next_working_day_before_coverage():
    """Yesterday's listed calls left without a result were not contacts: they return first."""
    s = Settings(daily_quota=4)
    people = ([cust(f"U{i}", grade="C", last_contact=dt.date(2026, 10, 1), undone=True) for i in range(2)]
              + [cust(f"N{i}", grade="C", last_contact=dt.date(2026, 9, 1)) for i in range(6)])
    entries, month, _ = day_list(people, AS_OF, s)
    assert ids(entries)[:2] == ["U0", "U1"] and month.undone == 2
    assert words(entries[0])[0] == "昨日未完成" and entries[0].tier == PLANNED
    assert entries[2].score // 100 == COVERAGE  # the coverage calls after them, longest wait first
    from addin.sheets.call_list import month_text
    assert "昨日未完成 2" in month_text({"张伟": month}, "zh")


def test_an_unanswered_call_is_an_attempt_retried_after_two_working_days():
    from addin.core.outcomes import call_history
    rows = [("C1", AS_OF - D(8), "talked", None, None), ("C1", AS_OF - D(1), "no_answer", None, None)]
    h = call_history(rows, AS_OF)["C1"]
    assert (h.last_reached, h.last_try, h.tries) == (AS_OF - D(8), AS_OF - D(1), 1)
    # not reached yesterday: an A customer due again is retried on Thursday 26th, not before
    c = cust(grade="A", last_contact=h.last_reached, last_try=h.last_try, tries=h.tries)
    assert assess(c, AS_OF, S).tier is None
    thu = assess(c, AS_OF + D(2), S)
    assert thu.tier == DUE and "已拨1次未接通（最近2026-11-23）" in words(thu)
    # the attempt is not coverage: a customer tried this month but never reached is still uncovered
    month = coverage([cust(last_contact=dt.date(2026, 10, 20), last_try=AS_OF - D(3), tries=1)], AS_OF, S)
    assert month.contacted == 0
    # three unanswered calls this month: reached by attempt — counted, and not chased again this month
    tried3 = cust(grade="C", last_contact=dt.date(2026, 10, 20), last_try=AS_OF - D(3), tries=3)
    assert coverage([tried3], AS_OF, S).contacted == 1
    assert assess(tried3, AS_OF, S).tier == AHEAD
    # 拒接 is an attempt too; 已下单 and free text are contacts
    h = call_history([("C2", AS_OF - D(1), "refused", None, None), ("C3", AS_OF - D(1), "ordered", None, None),
                      ("C4", AS_OF - D(1), None, None, None)], AS_OF)
    assert h["C2"].last_reached is None and h["C2"].tries == 1
    assert h["C3"].last_reached == h["C4"].last_reached == AS_OF - D(1)


def test_a_promise_to_pay_holds_collections_until_its_day_and_a_broken_one_weighs_more():
    from addin.core.calls import Promise
    owed = Collection(40, 50_000.0, None, 0.0)
    base = dict(grade="B", last_contact=AS_OF - D(10), collection=owed)
    # promised on the 20th to pay ¥50,000 by the 27th: collections wait
    waiting = assess(cust(promise=Promise(50_000.0, AS_OF + D(3), AS_OF - D(4)), **base), AS_OF, S)
    assert words(waiting)[0] == "承诺2026-11-27付款 ¥50,000.00，届时再催"
    assert waiting.tier != PRIORITY or "应收逾期" not in reason_text(waiting, "zh")
    # on the day: a promise to check, with today's promises
    due = assess(cust(promise=Promise(50_000.0, AS_OF, AS_OF - D(7)), **base), AS_OF, S)
    assert due.tier == PLANNED and words(due)[0] == "承诺今日付款 ¥50,000.00"
    # kept: the invoices overdue on the promised day are paid — what is overdue now fell due since
    kept = assess(cust(promise=Promise(50_000.0, AS_OF - D(5), AS_OF - D(12)),
                       **{**base, "collection": Collection(3, 800.0, None, 0.0)}), AS_OF, S)
    assert "承诺付款已逾期" not in reason_text(kept, "zh")
    # broken: an invoice already overdue on the promised day is still open
    broken = assess(cust(promise=Promise(50_000.0, AS_OF - D(5), AS_OF - D(12)), **base), AS_OF, S)
    plain = assess(cust(**base), AS_OF, S)
    assert "承诺付款已逾期（2026-11-19 ¥50,000.00）" in words(broken)
    assert broken.score == plain.score + 20 and broken.tier == PRIORITY
