"""Reps' workbooks for the team tests, built from the demo generator: one rep per workbook, its own
客户编号 prefix, names and phones no other rep has (so the only disputes are the ones a test adds)."""
from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

from addin.build.demo_data import generate
from addin.build.workbook import build_workbook

AS_OF = dt.date(2026, 11, 24)


def rep_data(rep: str, prefix: str, number: int, *, n: int = 40, seed: int = 1) -> dict[str, list[dict[str, Any]]]:
    data = generate(n, as_of=AS_OF, seed=seed, invoices=3 * n, contacts=3 * n, surveys=4)
    ids = {c["customer_id"]: f"{prefix}{c['customer_id'][1:]}" for c in data["customers"]}
    for i, c in enumerate(data["customers"]):
        c["customer_id"] = ids[c["customer_id"]]
        c["owner"] = rep
        c["name"] = c["name"].replace("有限公司", f"{prefix}{i + 1}号有限公司")
        c["phone"] = f"13{number}{i + 1:08d}"
    for key in ("funnel", "contacts", "survey", "receivables", "payments"):
        for row in data[key]:
            row["customer_id"] = ids[row["customer_id"]]
            if "owner" in row:
                row["owner"] = rep
    for row in data["receivables"] + data["payments"]:
        row["invoice_no"] = f"{prefix}-{row['invoice_no']}"
    return data


def add_customer(data: dict, customer_id: str, name: str, phone: str | None, sales: float = 12345.0) -> None:
    template = copy.deepcopy(data["customers"][0])
    template.update(customer_id=customer_id, name=name, phone=phone, annual_sales=sales, credit_limit=None)
    data["customers"].append(template)


def write(path: Path, data: dict, as_of: dt.date = AS_OF) -> Path:
    return build_workbook(path, data=data, settings={"as_of": as_of})


def funnel_stage(row: dict) -> int:
    return int(str(row["stage"]).split()[0])
