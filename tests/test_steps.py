"""Issue 9: job steps are pure, registered with their needs; jobs derives the order."""
import pytest

from addin import jobs
from addin.io.xlsx_book import XlsxBook
from addin.steps import STEPS, order
from test_refresh import small_book


def test_a_step_gets_what_it_needs_even_when_only_it_was_asked_for(tmp_path):
    path = small_book(tmp_path)
    alone = jobs.refresh(XlsxBook(path, writable=False), steps=("calls",))
    both = jobs.refresh(XlsxBook(path, writable=False), steps=("grades", "calls"))
    assert alone.facts.grades == both.facts.grades and alone.facts.grades.grades["C1"] == "A"
    grades_listed = {p.customer_id: p.grade for entries in alone.facts.calls.lists.values() for p in entries}
    assert grades_listed and grades_listed == {p.customer_id: p.grade
                                               for entries in both.facts.calls.lists.values() for p in entries}
    assert set(grades_listed.values()) != {"C"}


def test_order_follows_the_declared_needs():
    # the call list reads the grades, the credit re-survey flags, the ledger (which credit needs) and
    # the held orders (which need the ledger)
    assert order(("calls",)) == ["grades", "aging", "credit", "orders", "calls"]
    assert order(("aging", "calls", "grades")) == ["aging", "grades", "credit", "orders", "calls"]
    assert order(("grades",)) == ["grades"]
    assert all(set(STEPS[n].needs) <= set(STEPS) for n in STEPS)


def test_steps_change_nothing_they_are_given(tmp_path):
    path = small_book(tmp_path)
    book = XlsxBook(path, writable=False)
    from addin.loader import load

    loaded = load(book)
    cards_before = dict(loaded.customer_cards())
    issues_before = list(loaded.all_issues())
    from addin.steps import Context, Facts

    facts = Facts()
    for name in order(jobs.ALL_STEPS):
        out, fact = STEPS[name].run(Context(loaded, facts))
        facts = facts.__class__(**{**facts.__dict__, name: fact})
    assert dict(loaded.customer_cards()) == cards_before
    assert loaded.all_issues() == issues_before


def test_a_step_that_is_not_a_fact_cannot_be_registered():
    from addin.steps import step

    with pytest.raises(ValueError):
        step("no_such_fact")
