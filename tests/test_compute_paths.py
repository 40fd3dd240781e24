"""The compute steps' shortcuts (remembered working-day sums, a day's assessment context, reason words
said once, bulk rows, per-column lookups) give exactly what the plain computation they replace gives,
on awkward inputs: calendars with overrides, 29 February, -0.0 and NaN amounts, credit notes and
overpayments, unreadable cells, missing columns, rows with errors, duplicate IDs."""
from __future__ import annotations

import datetime as dt
import math
import random
from typing import Any

from helpers import CONTACTS, CUSTOMERS, FUNNEL, sheets, write_book

import sheets_schema as S
from addin.core import workdays
from addin.core.aging import aging, bucket_of, item_bucket, weeks_ahead
from addin.core.calls import (
    Customer,
    Priority,
    Promise,
    Reason,
    Today,
    _days_to_birthday,
    assess,
    days_to_birthday,
    usual_due,
)
from addin.core.changes import UNREAD
from addin.core.collections import Collection
from addin.core.grading import _num
from addin.core.ledger import Invoice, Item, Party, items_as_of
from addin.core.settings import Settings
from addin.core.workdays import DAY, Calendar, add_working, next_working, working_between
from addin.i18n import pick
from addin.io.xlsx_book import XlsxBook
from addin.loader import load
from addin.sheets.aging_sheet import aging_table, dunning_label, next_action
from addin.sheets.call_list import reason_text, reason_words
from addin.steps import CALLS, GRADES, Context, Facts, order
from addin.steps import CONTACTS as HISTORY
from addin.steps.aging import WORDS, invoice_columns, invoices
from addin.steps.changelog import CARD_FIELDS, FUNNEL_FIELDS, cell, current_values

AS_OF = dt.date(2026, 11, 24)
S_ = Settings(as_of=AS_OF)


# ------------------------------------------------------------------------------- working days
def plain_add_working(d: dt.date, n: int, cal: Calendar) -> dt.date:
    for _ in range(n):
        d = next_working(d + DAY, cal)
    return d


def plain_working_between(first: dt.date, last: dt.date, cal: Calendar) -> int:
    n, d = 0, first + DAY
    while d <= last:
        n += cal.is_working(d)
        d += DAY
    return n


def test_remembered_working_day_sums_equal_the_plain_count(monkeypatch):
    monkeypatch.setattr(workdays, "MEMO_LIMIT", 50)  # the memo starts afresh many times over
    rng = random.Random(5)
    overrides = ((dt.date(2026, 11, 28), True), (dt.date(2026, 11, 26), False), (dt.date(2031, 3, 3), False))
    for cal in (Calendar(), Calendar(overrides)):
        for _ in range(600):
            d = dt.date(2025, 12, 20) + dt.timedelta(days=rng.randint(0, 2400))  # 2031: a year the package lacks
            n = rng.randint(0, 12)
            e = d + dt.timedelta(days=rng.randint(-5, 40))
            for _ in range(2):  # asked again: the remembered answer
                assert add_working(d, n, cal) == plain_add_working(d, n, cal)
                assert working_between(d, e, cal) == plain_working_between(d, e, cal)
        assert len(cal._added) <= 50 and len(cal._between) <= 50


# ---------------------------------------------------------------------------------- birthdays
def test_remembered_days_to_birthday_equal_the_plain_ones():
    births = [dt.date(1980, 2, 29), dt.date(1991, 2, 28), dt.date(1975, 3, 1), dt.date(1988, 12, 31),
              dt.date(2000, 1, 1), dt.date(1984, 11, 24)]
    days = [dt.date(2026, 1, 1) + dt.timedelta(days=k) for k in range(0, 1500, 7)] + [dt.date(2027, 2, 28),
                                                                                       dt.date(2028, 2, 29)]
    for b in births:
        for d in days:
            assert days_to_birthday(b, d) == _days_to_birthday(b, d) == days_to_birthday(b, d)
    assert days_to_birthday(None, AS_OF) is None


# ----------------------------------------------------------------------------- the scheduler
def awkward_customers(n: int = 400) -> list[Customer]:
    rng = random.Random(11)
    out = []
    for k in range(n):
        last = AS_OF - dt.timedelta(days=rng.randint(0, 90)) if rng.random() < 0.85 else None
        tried = AS_OF - dt.timedelta(days=rng.randint(0, 10)) if rng.random() < 0.2 else None
        owed = (Collection(rng.choice([0, 0, 3, 40, 200]), rng.choice([0.0, -0.0, 1234.5, float("nan")]),
                           rng.choice([None, 0, 2]), rng.choice([0.0, 99.99]))
                if rng.random() < 0.4 else None)
        out.append(Customer(
            f"C{k:04d}", rng.choice(["张伟", "李娜"]), rng.choice(["A", "B", "C", "Z", ""]),
            rng.choice([None, "hot", "warm", "cold", "denial"]), rng.choice([None, "3", "4", "5", "7"]),
            rng.choice([None, "good", "very_likely", "poor"]), rng.random() < 0.1,
            rng.choice([None, AS_OF - dt.timedelta(days=3)]), last,
            rng.choice([None, AS_OF, AS_OF - dt.timedelta(days=rng.randint(1, 40)), AS_OF + dt.timedelta(days=5)]),
            owed, rng.choice([None, dt.date(1980, 2, 29), dt.date(1990, 11, 26), dt.date(1970, 11, 24)]),
            rng.choice([(), ("customers.email",)]), rng.choice([(), ("stale",)]), tried,
            rng.randint(0, 4) if tried else 0, rng.random() < 0.1,
            rng.choice([None, Promise(None, AS_OF, AS_OF - dt.timedelta(days=2)),
                        Promise(500.0, AS_OF - dt.timedelta(days=4), AS_OF - dt.timedelta(days=9))]),
            rng.choice([None, ("over_limit", 5000.0, "regional_manager", 12)])))
    return out


def test_a_days_context_assesses_as_each_customer_alone():
    settings = (S_, Settings(as_of=AS_OF, interval_hot=2, holidays=((dt.date(2026, 11, 23), False),)))
    for s in settings:
        today = Today(AS_OF, s)
        for c in awkward_customers():
            plain = assess(c, AS_OF, s)
            fast = assess(c, AS_OF, s, today)
            assert repr(fast) == repr(plain)
            assert today.usual_due(c) == usual_due(c, s) == today.usual_due(c)
        # asked of another day, a context stands aside for a new one
        other = AS_OF + dt.timedelta(days=3)
        for c in awkward_customers(60):
            assert repr(assess(c, other, s, today)) == repr(assess(c, other, s))


def test_rescored_is_replace():
    p = Priority("C1", "张伟", 310, (Reason("waiting", (("grade", "A"), ("days", 9))),), 3, AS_OF, 9, "A", None, None)
    why = (Reason("not_listed"), *p.reasons)
    assert p.rescored(199, why) == p._replace(score=199, reasons=why)
    assert type(p.rescored(1, ())) is Priority and len(p.rescored(1, ())) == len(Priority._fields)


def test_reason_words_said_once_equal_the_words_said_each_time():
    reasons = [
        Reason("waiting", (("grade", "A"), ("days", 12))), Reason("never", (("grade", "C"),)),
        Reason("receivable_overdue", (("days", 40), ("amount", 0.0))),
        Reason("receivable_overdue", (("days", 40), ("amount", -0.0))),
        Reason("receivable_due", (("days", 0), ("amount", -0.0))),
        Reason("promise_today", (("date", AS_OF), ("amount", None))),
        Reason("promise_waiting", (("date", AS_OF), ("amount", float("nan")))),
        Reason("problems", (("columns", ("customers.email", "funnel.stage", "customers.email")),)),
        Reason("resurvey", (("why", ("stale", "over_limit")), ("months", 12))),
        Reason("letter_sent", (("letter", "first"), ("days", 0))),
        Reason("letter_sent", (("letter", "last"), ("days", 3))),
        Reason("order_held", (("outcome", "over_limit"), ("amount", 5000.0), ("who", None), ("days", 3))),
        Reason("tried", (("tries", 2), ("date", AS_OF))), Reason("planned_today"), Reason("undone"),
        Reason("birthday", (("month", 2), ("day", 29), ("days", 3))),
    ]
    for lang in ("zh", "en"):
        for k in range(len(reasons)):
            p = Priority("C1", "张伟", 300, tuple(reasons[k:] + reasons[:k]), 3, None, 0, "A", None, None)
            for _ in range(2):
                assert reason_text(p, lang) == ("；" if lang == "zh" else "; ").join(
                    reason_words(r, lang) for r in p.reasons)
    # entries without an amount are remembered whole; with one, never: 0.0 and -0.0 print apart
    plain = [Reason("waiting", (("grade", "A"), ("days", 12))), Reason("planned_today")]
    for lang in ("zh", "en"):
        for _ in range(2):
            p = Priority("C1", "张伟", 300, tuple(plain), 3, None, 0, "A", None, None)
            assert reason_text(p, lang) == ("；" if lang == "zh" else "; ").join(reason_words(r, lang) for r in plain)
    texts = {reason_text(Priority("C1", "张伟", 300, (plain[0], Reason("receivable_overdue", (("days", 4), ("amount", x)))),
                                  3, None, 0, "A", None, None), "en") for x in (0.0, -0.0, 0.0, -0.0)}
    assert len(texts) == 2
    # a parameter that cannot be a key is said afresh
    odd = Reason("problems", (("columns", ["customers.email"]),))
    assert reason_text(Priority("C1", "张伟", 0, (odd,), None, None, 0, "A", None, None), "zh") == \
        reason_words(odd, "zh")


# ------------------------------------------------------------------------------------ aging
def awkward_ledger() -> tuple[list[Invoice], dict[str, Party]]:
    rng = random.Random(3)
    parties = {f"C{k}": Party(f"C{k}", None, rng.choice(["张伟", None]), rng.choice([None, 1000.0]),
                              rng.choice([None, 0, 30])) for k in range(30)}
    out = []
    for k in range(900):
        amount = rng.choice([100.0, 0.1 + 0.2, -50.0, 0.0, -0.0, 1e9 + 0.005, 333.335])
        paid = rng.choice([None, amount, amount + 0.004, 0.3, -0.0, 2 * amount])
        day = AS_OF - dt.timedelta(days=rng.randint(-3, 500))
        out.append(Invoice(rng.choice([f"I{k}", None]), f"C{rng.randint(0, 34)}", day,
                           rng.choice([None, day + dt.timedelta(days=rng.randint(0, 60))]), amount, paid,
                           rng.choice([None, AS_OF + dt.timedelta(days=1), AS_OF - dt.timedelta(days=4)]),
                           rng.choice([None, "李娜"]), k))
    return out, parties


def plain_items(invs: list[Invoice], parties: dict[str, Party], as_of: dt.date) -> list[Item]:
    out = []
    for inv in invs:
        if inv.invoice_date > as_of:
            continue
        party = parties.get(inv.customer_id)
        due = inv.due_date if inv.due_date is not None else \
            inv.invoice_date + dt.timedelta(days=(party.payment_terms if party else None) or 0)
        if inv.paid is None or (inv.last_payment is not None and inv.last_payment > as_of):
            received = 0.0
        else:
            received = float(inv.paid)
        out.append(Item(inv, due, received, round(inv.amount - received, 2) + 0.0, (as_of - due).days,
                        (as_of - inv.invoice_date).days))
    return out


def test_items_owing_nothing_are_zero_as_rounding_makes_them():
    invs, parties = awkward_ledger()
    fast, plain = items_as_of(invs, {}, parties, AS_OF), plain_items(invs, parties, AS_OF)
    assert [tuple(x) for x in fast] == [tuple(x) for x in plain]
    assert all(math.copysign(1, x.open) == math.copysign(1, y.open) for x, y in zip(fast, plain))
    assert all(type(x) is Item for x in fast)


def test_aging_figures_and_columns_equal_the_plain_ones():
    invs, parties = awkward_ledger()
    items = items_as_of(invs, {}, parties, AS_OF)
    for basis in ("due", "invoice"):
        s = Settings(as_of=AS_OF, aging_basis=basis)
        report = aging(items, parties, AS_OF, s)
        # the forecast and the long-overdue share over every item, as before the open ones were picked out
        assert (report.weeks, report.beyond) == weeks_ahead(items, AS_OF, s)
        gross = sum(i.open for i in items if i.is_debit)
        long = sum(i.open for i in items if i.is_debit and i.days_overdue > 90)
        assert report.over_90_share == (long / gross if gross > 0 else None)
        # each customer's buckets, as bucket_of puts each open debit
        for c in report.customers:
            mine = [it for it in items if it.invoice.customer_id == c.customer_id and it.open > 0]
            total = [0.0] * (len(s.aging_buckets) + 1)
            for it in mine:
                b = item_bucket(it, s)
                if b is not None:
                    total[b] += it.open
            assert c.buckets == [round(x, 2) + 0.0 for x in total]
        table = aging_table(report, "zh")
        for c, row in zip(report.customers, table.body):
            assert row[-2:] == [dunning_label(c.dunning, report.bounds_dunning, "zh"),
                                next_action(c.dunning, report.bounds_dunning, "zh")]
            money = [c.outstanding, c.not_due, *c.buckets, c.overdue, c.max_days or None, c.credits, c.recoverable,
                     c.allowance]
            assert row[4:-3] == [x if i == len(money) - 4 else round(x + 0.0, 2) for i, x in enumerate(money)]

        class Ctx:
            settings, lang = s, "en"

        got = invoice_columns(items, Ctx())  # type: ignore[arg-type]
        headers = [c.header("en") for c in S.bucket_columns(s.aging_buckets, s.aging_basis)]
        for it in items:
            i = it.invoice.i
            assert got["open_amount"][i] is it.open
            if it.is_credit:
                assert got["aging_bucket"][i] == pick(WORDS, "credit", "en") and i not in got["days_overdue"]
            elif it.open == 0:
                assert got["aging_bucket"][i] == pick(WORDS, "settled", "en") and i not in got["days_overdue"]
            else:
                b = item_bucket(it, s)
                assert got["days_overdue"][i] == max(it.days_overdue, 0)
                assert got["aging_bucket"][i] == (S.AGING.col("not_due").header("en") if b is None else headers[b])
    assert bucket_of(0, (30,), from_zero=True) == 0


def test_a_number_is_not_nan():
    for x in (0, 1, -1.5, 0.0, -0.0, float("inf"), True, 10**30):
        assert _num(x)
    for x in (float("nan"), None, "1", dt.date(2026, 1, 1)):
        assert not _num(x)


# ----------------------------------------------------------------------- from a whole workbook
def awkward_book(tmp_path) -> Any:
    customers = [list(r) for r in CUSTOMERS]
    customers[1][6] = "十万"  # 授信额度 that cannot be read
    customers.append(["C001", "重复", "李娜", None, None, 1, 1, 1, None])  # a duplicate ID
    customers.append([None, None, None, None, None, None, None, None, None])  # a blank row
    customers.append(["C004", "  ", "   ", None, None, 7000, None, None, None])  # whitespace only: no owner
    customers.append(["C005", "短行", "李娜"])  # shorter than the header
    funnel = [r[:3] + r[4:] for r in FUNNEL]  # no 成交意向 column
    funnel.append(["C003", "九", "无合同", "否", None, None, None])  # a stage that cannot be read
    funnel.append(["C002", "5", "无合同", "否", None, None, None])  # a second row for C002
    funnel.append(["C004", "4", "合同中", "是", None, None, None])  # a row with an error (stage 4 with 合同中)
    contacts = [list(r) for r in CONTACTS] + [[dt.date(2026, 11, 20), "C002", "电话", "李", 7, None, "张伟"],
                                              [dt.date(2026, 11, 22), "C002", "电话", "李", "未接通，关机", None, "张伟"]]
    return write_book(tmp_path / "awkward.xlsx", sheets(customers=customers, funnel=funnel, contacts=contacts))


def plain_current_values(r: Context) -> dict[str, dict[str, Any]]:
    cards, funnel = r.sheet("customers"), r.sheet("funnel")
    grades = r.facts[GRADES].grades
    heats = r.facts[CALLS].heats
    out: dict[str, dict[str, Any]] = {}
    for row in cards.records(with_errors=True):
        cid = row.customer_id
        if cid is None or cid in out:
            continue
        bad = row.i in cards.bad
        out[cid] = {k: UNREAD if bad else cell(cards, row, k) for k in CARD_FIELDS}
        out[cid]["abc"] = grades.get(cid, UNREAD)
        for k in FUNNEL_FIELDS:
            out[cid][k] = None
        out[cid]["heat"] = None
    seen: set[str] = set()
    for row in funnel.records(with_errors=True):
        cid = row.customer_id
        if cid not in out or cid in seen:
            continue
        seen.add(cid)
        bad = row.i in funnel.bad
        for k in FUNNEL_FIELDS:
            out[cid][k] = UNREAD if bad else cell(funnel, row, k)
        out[cid]["heat"] = heats.get(cid, UNREAD)
    return out


def test_tracked_values_read_per_column_equal_the_values_read_cell_by_cell(tmp_path):
    loaded = load(XlsxBook(awkward_book(tmp_path), writable=False), as_of=AS_OF)
    assert loaded.sheets["funnel"].bad and loaded.sheets["customers"].unreadable("credit_limit")
    facts = Facts()
    for step in order((CALLS,)):
        out, fact = step.run(Context(loaded, facts))
        facts = facts.add(step, fact)
    ctx = Context(loaded, facts)
    got, plain = current_values(ctx), plain_current_values(ctx)
    assert list(got) == list(plain)
    assert {cid: list(v.items()) for cid, v in got.items()} == {cid: list(v.items()) for cid, v in plain.items()}
    assert any(v is UNREAD for values in got.values() for v in values.values())
    # the outcomes mapped once per distinct 结果 give each row's choice key: a number is free text (a
    # contact), 未接通，关机 an attempt
    history = facts[HISTORY].calls["C002"]
    assert (history.last_reached, history.last_try, history.tries) == (dt.date(2026, 11, 20), dt.date(2026, 11, 22), 1)


def test_invoices_built_in_bulk_are_invoices(tmp_path):
    loaded = load(XlsxBook(write_book(tmp_path / "a.xlsx", sheets()), writable=False), as_of=AS_OF)
    got = invoices(loaded)
    assert got and all(type(x) is Invoice and len(x) == len(Invoice._fields) for x in got)
    plain = [Invoice(r.invoice_no, r.customer_id, r.invoice_date, r.due_date, float(r.amount), r.paid,
                     r.last_payment, r.owner, r.i) for r in loaded.sheet("receivables").records()]
    assert got == plain


def test_shared_reasons_are_the_reasons_made_afresh():
    from addin.core.calls import SHARED, _r

    for code in sorted(SHARED):
        for params in ({"days": 3}, {"grade": "A", "days": 0}, {"date": AS_OF}, {"why": ("stale",), "months": 12},
                       {"columns": ["customers.email"]}):
            r = _r(code, **params)
            assert r == Reason(code, tuple(params.items())) and type(r) is Reason
            assert r.kw == params
    # an amount is never shared: -0.0 keeps its sign
    assert str(_r("receivable_overdue", days=1, amount=-0.0).kw["amount"]) == "-0.0"
    assert str(_r("receivable_overdue", days=1, amount=0.0).kw["amount"]) == "0.0"


def test_collections_sorted_in_one_pass_equal_the_three_filters():
    from addin.core.ledger import collections

    invs, parties = awkward_ledger()
    items = items_as_of(invs, {}, parties, AS_OF)
    items.append(items[0]._replace(open=float("nan")))  # neither a debit nor a credit
    for within in (0, 7, 30):
        got = collections(items, within)
        per: dict[str, list[Item]] = {}
        for it in items:
            if it.open != 0:
                per.setdefault(it.customer_id, []).append(it)
        plain = {}
        for cid, its in per.items():
            overdue = [i for i in its if i.is_debit and i.days_overdue > 0]
            soon = [i for i in its if i.is_debit and -within <= i.days_overdue <= 0]
            credits = sum(i.open for i in its if i.is_credit)
            oldest = max(overdue, key=lambda i: (i.days_overdue, i.open), default=None)
            plain[cid] = (round(sum(i.open for i in overdue), 2), oldest.days_overdue if oldest else 0,
                          oldest.open if oldest else 0.0, round(sum(i.open for i in soon), 2), len(soon),
                          min((i.due for i in soon), default=None), round(credits, 2))
        for cid, c in got.items():
            assert (c.overdue, c.oldest_days, c.oldest_open, c.due_soon, c.due_soon_count, c.next_due,
                    c.credits) == plain[cid]
        assert set(got) == {cid for cid, p in plain.items() if (p[0] or p[3]) and p[0] + p[3] + p[6] > 0}


def test_orders_checked_with_the_standing_of_their_customers_only():
    from addin.core.orders import Order, Standing, check_orders

    rng = random.Random(8)
    every = {f"C{k}": Standing(rng.choice([None, 0.0, 5000.0]), rng.choice([0.0, 900.0, -50.0]), rng.choice([0, 40, 120]),
                               rng.choice([0.0, 300.0])) for k in range(200)}
    orders = [Order(k, AS_OF - dt.timedelta(days=rng.randint(0, 9)), f"C{rng.randint(0, 220)}",
                    rng.choice([100.0, 4999.99, 0.005]), rng.choice([None, "approved", "shipped", "cancelled"]))
              for k in range(300)]
    theirs = {cid: every[cid] for cid in dict.fromkeys(o.customer_id for o in orders) if cid in every}
    assert len(theirs) < len(every)
    assert check_orders(orders, theirs, S_) == check_orders(orders, every, S_)


def plain_column(table: Any, key: str, got: dict[int, Any], lang: str) -> list[Any]:
    first = table.header_row + 1
    n = max(max(table.last_row, table.rows[-1] if table.rows else 0) - first + 1, 0)
    column = table.spec.col(key)
    vals: list[Any] = [None] * n
    labels = {c.key: c.label(lang) for c in reversed(column.choices)} if column.choices else None
    for i, v in got.items():
        vals[table.rows[i] - first] = (labels.get(v, v) if v is not None else None) if labels is not None else v
    return vals


def test_computed_columns_in_bulk_equal_the_row_by_row_ones(tmp_path):
    from addin.writeback import computed_blocks

    gap = [list(r) for r in CUSTOMERS]
    gap.insert(2, [None] * 9)  # a blank row between data rows: not dense
    books = [awkward_book(tmp_path), write_book(tmp_path / "plain.xlsx", sheets()),
             write_book(tmp_path / "gap.xlsx", sheets(customers=gap), title_rows=2)]
    rng = random.Random(2)
    for path in books:
        loaded = load(XlsxBook(path, writable=False), as_of=AS_OF)
        for key in ("customers", "funnel", "receivables"):
            t = loaded.sheets[key]
            for column in t.spec.computed_columns:
                choices = [c.key for c in column.choices] or [1.5, "x", None]
                n = len(t.rows)
                cases = [{i: rng.choice(choices) for i in range(n)},  # every row, in order
                         {i: rng.choice(choices) for i in reversed(range(n))},  # every row, out of order
                         {i: rng.choice(choices) for i in range(n) if i % 2},  # some rows
                         {i: "不是选项" for i in range(n)}]  # a value that is no choice key
                for got in cases:
                    for lang in ("zh", "en"):
                        block = computed_blocks(t, {column.key: got}, lang)[0]
                        assert block.values == plain_column(t, column.key, got, lang), (path.name, key, column.key)


def test_tuples_are_the_records_fields(tmp_path):
    loaded = load(XlsxBook(awkward_book(tmp_path), writable=False), as_of=AS_OF)
    for key in ("customers", "funnel", "contacts", "receivables"):
        t = loaded.sheets[key]
        keys = [c.key for c in t.spec.columns][::-1][:5] + ["no_such_column"]
        for with_errors in (False, True):
            want = [(*(getattr(r, k, None) for k in keys), r.i) for r in t.records(with_errors=with_errors)]
            assert list(t.tuples(keys, with_errors=with_errors)) == want, key
    assert loaded.sheets["funnel"].bad  # rows with errors are left out unless asked for


def test_the_day_list_sorts_only_what_it_takes(monkeypatch):
    from addin.core import calls

    people = awkward_customers(700)
    for quota in (1, 6, 60, 400):
        s = Settings(as_of=AS_OF, daily_quota=quota)
        for pace in (1.0, 0.5):
            fast = calls.day_list(people, AS_OF, s, pace)
            with monkeypatch.context() as m:  # the plain path: sort everything, take the first n
                m.setattr(calls, "nsmallest", lambda n, items, key: sorted(items, key=key)[:n])
                plain = calls.day_list(people, AS_OF, s, pace)
            assert repr(fast) == repr(plain)


def test_the_calls_step_builds_whole_customers(tmp_path):
    loaded = load(XlsxBook(awkward_book(tmp_path), writable=False), as_of=AS_OF)
    facts = Facts()
    for step in order((CALLS,)):
        out, fact = step.run(Context(loaded, facts))
        facts = facts.add(step, fact)
    people = facts[CALLS].people
    assert people and all(type(c) is Customer and len(c) == len(Customer._fields) for c in people)
    assert all(Customer(*c) == c for c in people)
