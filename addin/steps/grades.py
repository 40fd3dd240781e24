"""客户资料卡 computed columns: 销售占比, 累计占比, ABC等级, 客户类别, 交易类型."""
from __future__ import annotations

import pandas as pd

from ..core.grading import abc, deal_type, segment
from ..writeback import computed_blocks
from . import Context, GradeFacts, Output, step


def graded_rows(r: Context) -> pd.DataFrame:
    """The rows of Loaded.customer_cards (a usable ID, the first of duplicates). Rows with
    other errors are graded too: an invalid number counts as blank / zero."""
    df = r.table("customers").frame(good_only=False)
    return df[df["_i"].isin({card["_i"] for card in r.loaded.customer_cards().values()})]


def funnel_stages(run: Context) -> dict[str, str]:
    f = run.table("funnel").frame(["customer_id", "stage"])
    return dict(zip(f["customer_id"], f["stage"]))


@step("grades")
def run(r: Context) -> tuple[Output, GradeFacts]:
    t = r.table("customers")
    pop = graded_rows(r)
    g = abc(pop, r.settings)
    d = deal_type(pop, r.settings)
    stages = funnel_stages(r)
    seg = segment(g["abc"], d, pop, pd.Series([stages.get(c) for c in pop["customer_id"]], index=pop.index,
                                              dtype=object))
    values: dict[str, dict[int, object]] = {k: {} for k in ("sales_share", "cum_share", "abc", "segment",
                                                            "deal_type")}
    rows = pop["_i"].tolist()
    for key, series in (("sales_share", g["sales_share"]), ("cum_share", g["cum_share"]), ("abc", g["abc"]),
                        ("segment", seg), ("deal_type", d)):
        values[key] = dict(zip(rows, series.tolist()))
    out = Output()
    if t.columns:
        out.columns[t.name] = computed_blocks(t, values, r.lang)
    return out, GradeFacts(dict(zip(pop["customer_id"].tolist(), g["abc"].tolist())),
                           {k: int((g["abc"] == k).sum()) for k in ("A", "B", "C")})
