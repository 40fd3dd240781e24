"""The validation masks as list comprehensions (addin.validate.rules) against the pandas
expressions they replaced, on awkward typed columns: None, NaN, -0.0, credit notes, every stage
and status, dates on both sides of the day. pandas is no longer imported by any command; it is
here only as the reference."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from addin.validate import rules

pd = pytest.importorskip("pandas")

AS_OF = dt.date(2026, 11, 24)
NAN = float("nan")
STAGES = [None, "1", "4", "5", "6", "7", "x"]
STATUSES = [None, "active", "expired", "lost", ""]
MONEY = [None, NAN, 0.0, -0.0, 1e-10, 5.0, 5.000000001, -3.0, 100.0, 1e300]
DATES = [None, AS_OF, AS_OF - dt.timedelta(days=1), AS_OF + dt.timedelta(days=1), dt.date(2000, 1, 1)]


def _nn(df, *cols):
    m = pd.Series(True, index=df.index)
    for c in cols:
        m &= df[c].notna()
    return m


def _status(df):
    return df["contract_status"] if "contract_status" in df else pd.Series(None, index=df.index)


PANDAS = {  # the masks as they were (commit 0f3c8d7), by check code
    "stage6_status": lambda df: (df["stage"] == "6") & (_status(df) != "active"),
    "stage7_status": lambda df: (df["stage"] == "7") & (_status(df) != "expired"),
    "status_stage6": lambda df: (df["contract_status"] == "active") & df["stage"].notna()
    & ~df["stage"].isin(["6", "7"]),
    "status_stage7": lambda df: (df["contract_status"] == "expired") & df["stage"].notna()
    & ~df["stage"].isin(["6", "7"]),
    "stage_without_amount": lambda df: df["stage"].isin(["4", "5"]) & df["expected_amount"].isna(),
    "contract_end_passed": lambda df: (df["contract_status"] == "active") & pd.Series(
        [d is not None and d < AS_OF for d in df["contract_end"]], index=df.index),
    "paid_over_amount": lambda df: _nn(df, "paid", "amount")
    & (df["paid"].astype(float) > df["amount"].astype(float).clip(lower=0) + 1e-9),
}


def columns(draw, n: int, with_status: bool) -> dict[str, list[Any]]:
    cols = {"stage": draw(st.lists(st.sampled_from(STAGES), min_size=n, max_size=n)),
            "expected_amount": draw(st.lists(st.sampled_from(MONEY), min_size=n, max_size=n)),
            "contract_end": draw(st.lists(st.sampled_from(DATES), min_size=n, max_size=n)),
            "paid": draw(st.lists(st.sampled_from(MONEY), min_size=n, max_size=n)),
            "amount": draw(st.lists(st.sampled_from(MONEY), min_size=n, max_size=n))}
    if with_status:
        cols["contract_status"] = draw(st.lists(st.sampled_from(STATUSES), min_size=n, max_size=n))
    return cols


@settings(max_examples=200, deadline=None)
@given(data=st.data(), n=st.integers(1, 30), with_status=st.booleans())
def test_masks_match_the_pandas_ones(data, n, with_status):
    cols = columns(data.draw, n, with_status)
    ctx = rules.Ctx(AS_OF, frozenset(), "客户资料卡", "zh")
    df = pd.DataFrame(cols, dtype=object)  # as Table.frame built it
    for check in rules.CHECKS:
        if check.code not in PANDAS or not all(k in cols for k in check.needs):
            continue
        want = [bool(x) for x in PANDAS[check.code](df).fillna(False).astype(bool)]
        assert list(check.mask(cols, ctx)) == want, check.code


def test_every_pandas_expression_is_compared():
    assert set(PANDAS) <= {c.code for c in rules.CHECKS}
