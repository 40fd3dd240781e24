import datetime as dt

from addin.core.calls import Reason, prioritize, select
from addin.sheets.call_list import reason_text, reason_words
from addin.core.funnel import contact_stats, heat
from addin.core.settings import Settings
from helpers import rec
from sheets_schema import CUSTOMERS as C, FUNNEL as F

AS_OF = dt.date(2026, 11, 24)
S = Settings(as_of=AS_OF)
D = dt.timedelta


def stats(*contacts):
    return contact_stats(contacts)


def prio(cid="C1", owner="张伟", contacts=(), settings=S, **card):
    st = stats(*[(cid, *c) for c in contacts]).get(cid)
    h = heat(card.get("stage"), card.get("intent"), card.get("abandoned"), st.follow_ups if st else 0, settings) \
        if card.get("stage") else None
    values = {"customer_id": cid, "owner": owner, **card}
    return prioritize(rec(C, **values), st, h, AS_OF, settings, rec(F, **values))


def words(p):
    """The reasons as the Chinese workbook shows them."""
    return tuple(reason_words(r, "zh") for r in p.reasons)


def recent():
    return [(AS_OF - D(2), None)]


def test_reasons_in_words_like_the_issue_example():
    p = prio(abc="A", stage="5", next_call=AS_OF - D(3), contacts=[(AS_OF - D(12), None)])
    assert reason_text(p, "zh") == "销售进程5：已传合同；下次拨打已逾期3天；A类客户12天未联系"
    assert p.must and p.score > 100
    en = prioritize(rec(C, customer_id="C1", abc="A"), None, "hot", AS_OF, S, rec(F, customer_id="C1", stage="5"))
    assert reason_text(en, "en") == "Stage 5: contract sent; A customer never contacted"


def test_must_call_reasons():
    assert words(prio(stage="4", contacts=recent())) == ("销售进程4：有选择我方的意向",)
    assert words(prio(stage="7", contract_status="expired", contacts=recent())) == ("合同已到期",)
    assert words(prio(stage="6", contract_end=AS_OF - D(1), contacts=recent())) == ("合同已于2026-11-23到期",)
    assert words(prio(stage="2", next_call=AS_OF, contacts=[(AS_OF - D(3), None)])) == ("今日应拨打",)
    # the log's latest plan counts; the later of funnel and log decides
    p = prio(stage="2", next_call=AS_OF - D(10), contacts=[(AS_OF - D(5), AS_OF - D(1))])
    assert words(p) == ("下次拨打已逾期1天",) and p.must
    # a next call in the future is not due
    assert not prio(stage="2", next_call=AS_OF + D(1), contacts=recent()).must
    # a contact on or after the planned date means the call was made
    assert not prio(stage="2", next_call=AS_OF - D(4), contacts=[(AS_OF - D(4), None)]).must


def test_coverage_by_grade_interval():
    assert words(prio(abc="A", contacts=[(AS_OF - D(7), None)])) == ("A类客户7天未联系",)
    assert not prio(abc="A", contacts=[(AS_OF - D(6), None)]).eligible
    assert not prio(abc="B", contacts=[(AS_OF - D(13), None)]).eligible
    assert prio(abc="B", contacts=[(AS_OF - D(14), None)]).eligible
    assert not prio(abc="C", contacts=[(AS_OF - D(29), None)]).eligible
    p = prio(abc="C")
    assert words(p) == ("C类客户从未联系",) and p.score == 99


def test_denial_rules():
    poor = [(AS_OF - D(40 + i), None) for i in range(11)]
    assert prio(stage="4", intent="poor", contacts=poor).heat == "denial"
    assert not prio(stage="4", intent="poor", contacts=poor).eligible
    assert prio(stage="2", intent="poor", contacts=poor[:10]).heat == "cold"
    assert prio(stage="4", intent="poor", contacts=poor[:10]).heat == "warm"
    assert prio(stage="4", intent="poor", contacts=poor[:10]).eligible
    assert prio(stage="5", abandoned="yes").heat == "denial"
    assert not prio(stage="5", abandoned="yes").eligible


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


def test_birthday_adds_a_reason():
    p = prio(abc="C", birthday=dt.date(1980, 11, 26), contacts=recent())
    assert p.eligible and words(p) == ("11月26日生日（2天后）",)
    assert words(prio(abc="C", birthday=dt.date(1980, 11, 24), contacts=recent())) == ("今天生日",)
    assert not prio(abc="C", birthday=dt.date(1980, 11, 28), contacts=recent()).eligible
    q = prio(abc="C", stage="4", birthday=dt.date(1980, 11, 26), contacts=recent())
    assert words(q) == ("销售进程4：有选择我方的意向", "11月26日生日（2天后）")
    # the year turns: an as-of of 12-30 sees a 1-1 birthday
    late = prioritize(rec(C, customer_id="x", birthday=dt.date(1990, 1, 1)), None, None, dt.date(2026, 12, 30), S)
    assert "1月1日生日（2天后）" in words(late)


def _many(n_must: int, n_cover: int):
    out = []
    for i in range(n_must):
        out.append(prio(f"M{i}", stage="5" if i % 2 else "4", contacts=recent()))
    for i in range(n_cover):
        out.append(prio(f"V{i}", abc="C", contacts=[(AS_OF - D(30 + i), None)]))
    return out


def test_quota_smaller_than_must_call_set():
    ps = _many(5, 5)
    got = select(ps, 3)["张伟"]
    assert len(got) == 3 and all(p.must for p in got)
    assert [p.customer_id for p in got] == ["M1", "M3", "M0"]  # stage 5 first, then by ID


def test_quota_larger_than_must_call_set_fills_with_coverage_longest_waiting_first():
    ps = _many(2, 5)
    got = select(ps, 6)["张伟"]
    assert [p.customer_id for p in got] == ["M1", "M0", "V4", "V3", "V2", "V1"]
    scores = [p.score for p in got]
    assert scores == sorted(scores, reverse=True)


def test_coverage_order_beyond_score_saturation():
    a = prio("old", abc="C", contacts=[(AS_OF - D(300), None)])
    b = prio("older", abc="C", contacts=[(AS_OF - D(400), None)])
    never = prio("never", abc="C")
    assert [p.customer_id for p in select([a, b, never], 10)["张伟"]] == ["never", "older", "old"]


def test_per_rep_and_each_customer_once():
    ps = [prio("C1", owner="甲", stage="4"), prio("C2", owner="乙", stage="4"), prio("C3", owner="甲", abc="C")]
    lists = select(ps, 60)
    assert {k: [p.customer_id for p in v] for k, v in lists.items()} == {"乙": ["C2"], "甲": ["C1", "C3"]}
    assert list(select(ps, 60, owner="乙")) == ["乙"]


def test_the_core_gives_reason_codes_not_words():
    p = prio(stage="2", next_call=AS_OF - D(1), contacts=[(AS_OF - D(3), None)])
    assert p.reasons == (Reason("overdue", (("days", 1),)),)
    assert reason_text(p, "en") == "Next call 1 days overdue" and reason_text(p, "zh") == "下次拨打已逾期1天"
