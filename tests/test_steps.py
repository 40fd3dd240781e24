"""Job steps are pure, listed explicitly with their needs and fact types; jobs derives the order."""
import typing

from test_refresh import small_book

from addin import jobs
from addin.io.xlsx_book import XlsxBook
from addin.steps import AGING, CALLS, CONTACTS, CREDIT, DEFAULT, GRADES, ORDERS, Context, Facts, order
from addin.steps.calls import CallFacts
from addin.steps.grades import GradeFacts


def test_a_step_gets_what_it_needs_even_when_only_it_was_asked_for(tmp_path):
    path = small_book(tmp_path)
    alone = jobs.refresh(XlsxBook(path, writable=False), steps=(CALLS,))
    both = jobs.refresh(XlsxBook(path, writable=False), steps=(GRADES, CALLS))
    assert alone.facts[GRADES] == both.facts[GRADES] and alone.facts[GRADES].grades["C1"] == "A"
    grades_listed = {p.customer_id: p.grade for entries in alone.facts[CALLS].lists.values() for p in entries}
    assert grades_listed and grades_listed == {p.customer_id: p.grade
                                               for entries in both.facts[CALLS].lists.values() for p in entries}
    assert set(grades_listed.values()) != {"C"}


def test_order_follows_the_declared_needs():
    # the call list reads the grades, the credit re-survey flags, the ledger (which credit needs) and
    # the contact history, and the held orders (which need the ledger)
    assert order((CALLS,)) == [GRADES, AGING, CREDIT, CONTACTS, ORDERS, CALLS]
    assert order((AGING, CALLS, GRADES)) == [AGING, GRADES, CREDIT, CONTACTS, ORDERS, CALLS]
    assert order((GRADES,)) == [GRADES]
    assert all(set(s.needs) <= set(DEFAULT) for s in DEFAULT)
    assert len({s.name for s in DEFAULT}) == len(DEFAULT)


def test_each_step_declares_the_type_of_its_fact(tmp_path):
    def fact_type(run):
        return typing.get_args(typing.get_type_hints(run)["return"])[1]

    assert fact_type(GRADES.run) is GradeFacts and fact_type(CALLS.run) is CallFacts
    result = jobs.refresh(XlsxBook(small_book(tmp_path), writable=False))
    for step in DEFAULT:
        assert isinstance(result.facts[step], fact_type(step.run)), step.name
    assert Facts().get(AGING) is None and AGING not in Facts()


def test_steps_change_nothing_they_are_given(tmp_path):
    path = small_book(tmp_path)
    book = XlsxBook(path, writable=False)
    from addin.loader import load

    loaded = load(book)
    cards_before = dict(loaded.customer_cards())
    issues_before = list(loaded.all_issues())
    facts = Facts()
    for step in order(jobs.ALL_STEPS):
        given = facts
        out, fact = step.run(Context(loaded, facts))
        facts = facts.add(step, fact)
        assert step not in given
    assert dict(loaded.customer_cards()) == cards_before
    assert loaded.all_issues() == issues_before
