import pytest

from addin.core.grading import abc, deal_type, segment
from addin.core.settings import Settings

S = Settings()


def grades(sales: dict[str, object], **settings) -> dict[str, str]:
    out = abc(list(sales.items()), Settings(**settings))
    return {cid: g.abc for cid, g in zip(sales, out)}


def test_either_side_of_80_and_95():
    # ranked 60, 20, 15, 5: shares above = 0, 60, 80, 95
    assert grades({"C1": 60, "C2": 20, "C3": 15, "C4": 5}) == {"C1": "A", "C2": "A", "C3": "B", "C4": "C"}
    # above = 0, 40, 79 → the third is still A (79 < 80) and A covers 94 %
    assert grades({"C1": 40, "C2": 39, "C3": 15, "C4": 4, "C5": 1, "C6": 1}) == \
        {"C1": "A", "C2": "A", "C3": "A", "C4": "B", "C5": "C", "C6": "C"}
    # above = 94.9 → B; 95.0 → C
    assert grades({"a": 949, "b": 1, "c": 50})["c"] == "B"
    assert grades({"a": 950, "b": 50})["b"] == "C"


def test_a_always_covers_the_cutoff():
    sales = {f"C{i:03d}": (i * 37) % 101 + 1 for i in range(200)}
    g = grades(sales)
    total = sum(sales.values())
    a_sales = sum(v for k, v in sales.items() if g[k] == "A")
    ab_sales = sum(v for k, v in sales.items() if g[k] in "AB")
    assert a_sales / total >= 0.80 and ab_sales / total >= 0.95
    # and A is minimal: dropping the smallest A customer falls below 80 %
    smallest_a = min(v for k, v in sales.items() if g[k] == "A")
    assert (a_sales - smallest_a) / total < 0.80


def test_ties_by_customer_id():
    assert grades({"C2": 50, "C1": 50, "C3": 0.5}) == {"C1": "A", "C2": "A", "C3": "C"}
    # the tie is broken by ID: C1 ranks first, so C2 has 45 % above it
    assert grades({"C2": 45, "C1": 45, "C3": 10}, abc_a_sales=0.45) == {"C1": "A", "C2": "B", "C3": "B"}


def test_zero_blank_and_invalid_sales_are_c():
    assert grades({"C1": 100, "C2": 0, "C3": None, "C4": -5}) == {"C1": "A", "C2": "C", "C3": "C", "C4": "C"}
    assert grades({"C1": 0, "C2": None}) == {"C1": "C", "C2": "C"}


def test_customer_count_method():
    sales = {f"C{i:02d}": 100 - i for i in range(10)}
    g = grades(sales, abc_method="count")
    assert [g[k] for k in sorted(sales)] == ["A"] * 2 + ["B"] * 3 + ["C"] * 5
    g7 = grades({f"C{i}": 10 - i for i in range(7)}, abc_method="count")  # 20 % of 7 = 1.4, 50 % = 3.5
    assert [g7[f"C{i}"] for i in range(7)] == ["A", "B", "B", "C", "C", "C", "C"]
    assert grades({"C1": 5, "C2": 0, "C3": 0, "C4": 0, "C5": 0}, abc_method="count")["C2"] == "C"


def test_shares():
    out = abc([("a", 25.0), ("b", 75.0), ("c", 0.0)], S)
    assert [g.sales_share for g in out] == [0.25, 0.75, 0.0]
    assert [g.cum_share for g in out] == [1.0, 0.75, 1.0]
    assert abc([("a", None), ("b", 0)], S) == [(None, None, "C"), (None, None, "C")]


def test_deal_type_and_segment():
    rows = [  # sales, margin, discount, money, need, authority, stage, grade
        (100.0, 5.0, 0.2, "yes", "yes", "unknown", None, "A"),
        (100.0, 20.0, 0.2, "yes", "no", "yes", None, "A"),
        (100.0, 10.0, 0.15, "no", "yes", "yes", "4", "C"),
        (None, None, 0.3, "yes", "yes", "no", None, "C"),
    ]
    d = [deal_type(sales, margin, disc, S) for sales, margin, disc, *_ in rows]
    assert d == ["transactional", "relationship", "transactional", "relationship"]
    seg = [segment(r[7], deal, r[3], r[4], r[5], r[6]) for r, deal in zip(rows, d)]
    assert seg == ["value", "core", "potential", "low"]


@pytest.mark.parametrize("grade, deal, money, need, stage, expected", [
    ("B", "relationship", "no", "no", None, "value"),
    ("B", "transactional", "no", "no", None, "low"),
    ("C", "relationship", "yes", "yes", None, "potential"),
    ("C", "relationship", "no", "no", "3", "potential"),
    ("C", "relationship", "no", "no", "6", "low"),
])
def test_segment_rules(grade, deal, money, need, stage, expected):
    assert segment(grade, deal, money, need, "yes", stage) == expected
