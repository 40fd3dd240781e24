import pandas as pd
import pytest

from addin.core.grading import abc, deal_type, segment
from addin.core.settings import Settings

S = Settings()


def grades(sales: dict[str, object], **settings) -> dict[str, str]:
    df = pd.DataFrame({"customer_id": list(sales), "annual_sales": list(sales.values())}, dtype=object)
    out = abc(df, Settings(**settings))
    return dict(zip(df["customer_id"], out["abc"]))


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
    df = pd.DataFrame({"customer_id": ["a", "b", "c"], "annual_sales": [25.0, 75.0, 0.0]}, dtype=object)
    out = abc(df, S)
    assert list(out["sales_share"]) == [0.25, 0.75, 0.0]
    assert list(out["cum_share"]) == [1.0, 0.75, 1.0]


def test_deal_type_and_segment():
    df = pd.DataFrame({
        "customer_id": ["t", "r", "edge", "nosales"],
        "annual_sales": [100.0, 100.0, 100.0, None],
        "gross_margin": [5.0, 20.0, 10.0, None],
        "avg_discount": [0.2, 0.2, 0.15, 0.3],
        "money": ["yes", "yes", "no", "yes"], "need": ["yes", "no", "yes", "yes"],
        "authority": ["unknown", "yes", "yes", "no"],
    }, dtype=object)
    d = deal_type(df, S)
    assert list(d) == ["transactional", "relationship", "transactional", "relationship"]
    g = pd.Series(["A", "A", "C", "C"], index=df.index)
    seg = segment(g, d, df, pd.Series([None, None, "4", None], index=df.index, dtype=object))
    assert list(seg) == ["value", "core", "potential", "low"]


@pytest.mark.parametrize("grade, deal, money, need, stage, expected", [
    ("B", "relationship", "no", "no", None, "value"),
    ("B", "transactional", "no", "no", None, "low"),
    ("C", "relationship", "yes", "yes", None, "potential"),
    ("C", "relationship", "no", "no", "3", "potential"),
    ("C", "relationship", "no", "no", "6", "low"),
])
def test_segment_rules(grade, deal, money, need, stage, expected):
    df = pd.DataFrame({"money": [money], "need": [need], "authority": ["yes"]}, dtype=object)
    seg = segment(pd.Series([grade]), pd.Series([deal]), df, pd.Series([stage], dtype=object))
    assert seg[0] == expected
