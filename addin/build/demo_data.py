"""Deterministic, realistic demo data: customers, funnel, contacts, surveys, invoices.

Same arguments, same rows. Dates are anchored at ``as_of`` so the call list and
the aging look like a normal working day. Values are canonical (choice keys,
dates, floats); the builder writes them in the workbook's language. A few cells
are typed the way reps type them (`1.2万`, `2025/3/5`) to show the parser.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ("伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀英", "霞", "平", "刚", "桂英", "建华", "晓东", "志强", "海燕", "文博", "雨婷", "子涵", "浩然")
CITIES = ("上海", "杭州", "苏州", "南京", "宁波", "广州", "深圳", "东莞", "佛山", "北京", "天津", "济南", "青岛",
          "武汉", "长沙", "郑州", "成都", "重庆", "西安", "沈阳", "大连", "合肥", "厦门", "福州", "无锡")
REGION_OF = {"上海": "华东", "杭州": "华东", "苏州": "华东", "南京": "华东", "宁波": "华东", "无锡": "华东",
             "合肥": "华东", "广州": "华南", "深圳": "华南", "东莞": "华南", "佛山": "华南", "厦门": "华南",
             "福州": "华南", "北京": "华北", "天津": "华北", "济南": "华北", "青岛": "华北", "武汉": "华中",
             "长沙": "华中", "郑州": "华中", "成都": "西南", "重庆": "西南", "西安": "西北", "沈阳": "东北",
             "大连": "东北"}
BRANDS = ("恒瑞", "宏达", "鑫源", "华泰", "永盛", "金川", "德润", "天成", "汇通", "博远", "联创", "中科", "新元",
          "瑞丰", "嘉禾", "远航", "同创", "盛世", "万通", "卓越", "凯达", "鼎新", "正泰", "东升", "祥云")
INDUSTRIES = (("机械", "机电设备"), ("化工", "化工原料"), ("建材", "建材"), ("电子", "电子科技"),
              ("食品", "食品"), ("纺织", "纺织品"), ("医药", "医药"), ("物流", "物流"), ("零售", "商贸"),
              ("汽配", "汽车配件"))
TITLES = ("总经理", "采购经理", "采购主管", "技术总监", "财务总监", "厂长", "副总经理", "项目经理")
OUTCOMES = ("已沟通需求，下周报价", "客户在开会，约明天再打", "已发送产品资料", "关键人出差，未接通",
            "客户对价格有异议", "同意安排样品试用", "合同条款在法务审核", "暂无采购计划", "已回款，确认下批订单",
            "约好下周上门拜访", "客户要求更换联系人", "电话无人接听")
NOTES = ("老客户，付款及时", "年底有扩产计划", "对交期要求高", "", "", "", "")


def _choice(rng: np.random.Generator, options: tuple | list, p: list[float] | None = None, size: int = 1):
    idx = rng.choice(len(options), size=size, p=p)
    return [options[i] for i in idx]


def _reps(n: int, count: int | None = None) -> list[str]:
    count = count or max(2, min(50, round(n / 200)))
    names: list[str] = []
    for i in range(count):
        name = SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11) % len(GIVEN)]
        while name in names:
            name += "华"
        names.append(name)
    return names


def _person(rng: np.random.Generator) -> str:
    return SURNAMES[rng.integers(len(SURNAMES))] + GIVEN[rng.integers(len(GIVEN))]


def _phone(rng: np.random.Generator, i: int) -> str | None:
    roll = rng.random()
    if roll < 0.03:
        return None
    if roll < 0.10:
        area = ("021", "0571", "0512", "025", "020", "0755", "010", "027", "028")[i % 9]
        return f"{area}-{rng.integers(60000000, 89999999)}"
    prefix = ("138", "139", "136", "150", "151", "186", "187", "158", "177", "199")[i % 10]
    number = f"{prefix}{rng.integers(0, 99999999):08d}"
    return number if roll < 0.95 else f"+86 {number[:3]} {number[3:7]} {number[7:]}"


def generate(n_customers: int = 1000, *, as_of: dt.date, seed: int = 7, funnel: int | None = None,
             contacts: int | None = None, invoices: int | None = None, surveys: int | None = None,
             reps: int | None = None) -> dict[str, list[dict[str, Any]]]:
    """``reps``: how many reps share the customers (default one per 200 customers, 2–50)."""
    rng = np.random.default_rng(seed)
    n = n_customers
    funnel = round(n * 0.8) if funnel is None else min(funnel, n)
    contacts = 3 * n if contacts is None else contacts
    invoices = 3 * n if invoices is None else invoices
    surveys = max(3, min(n // 10, 200)) if surveys is None else surveys
    reps = _reps(n, reps)
    day = dt.timedelta(days=1)

    # --------------------------------------------------------------- customers
    sales = np.round(np.exp(rng.normal(12.3, 1.5, n)), -2)
    sales[rng.random(n) < 0.08] = 0
    transactional = rng.random(n) < 0.25
    margin_rate = np.where(transactional, rng.uniform(0.02, 0.09, n), rng.uniform(0.12, 0.32, n))
    discount = np.where(transactional, rng.uniform(0.16, 0.30, n), rng.uniform(0.0, 0.12, n))
    customers: list[dict[str, Any]] = []
    for i in range(n):
        city = CITIES[rng.integers(len(CITIES))]
        industry, trade = INDUSTRIES[rng.integers(len(INDUSTRIES))]
        brand = BRANDS[rng.integers(len(BRANDS))]
        sale = float(sales[i])
        has_email = rng.random() < 0.6
        has_limit = sale > 0 and rng.random() < 0.55
        birthday = None
        if rng.random() < 0.6:
            birthday = dt.date(int(rng.integers(1962, 1992)), 1, 1) + dt.timedelta(days=int(rng.integers(0, 365)))
        customers.append({
            "customer_id": f"C{i + 1:05d}",
            "name": f"{city}{brand}{trade}有限公司",
            "owner": reps[i % len(reps)],
            "industry": industry,
            "region": REGION_OF[city],
            "ownership": _choice(rng, ("private", "state", "foreign", "individual", "other"),
                                 [0.55, 0.15, 0.12, 0.13, 0.05])[0],
            "key_person": _person(rng),
            "title": TITLES[rng.integers(len(TITLES))],
            "buying_role": _choice(rng, ("decider", "approver", "evaluator", "user"), [0.4, 0.2, 0.25, 0.15])[0],
            "phone": _phone(rng, i),
            "email": f"buyer{i + 1:05d}@{('hr', 'hd', 'xy', 'ht', 'ys')[i % 5]}corp.com.cn" if has_email else None,
            "lead_source": _choice(rng, ("door", "meeting", "club", "friends", "records", "consulting", "agent",
                                         "chain", "influence", "phone", "letter", "sms", "web", "takeover",
                                         "observation"))[0],
            "money": _choice(rng, ("yes", "no", "unknown"), [0.6, 0.15, 0.25])[0],
            "authority": _choice(rng, ("yes", "no", "unknown"), [0.5, 0.2, 0.3])[0],
            "need": _choice(rng, ("yes", "no", "unknown"), [0.55, 0.15, 0.3])[0],
            "relationship": _choice(rng, ("ordinary", "priority", "partner", "strategic"), [0.6, 0.2, 0.15, 0.05])[0],
            "annual_sales": sale if i % 97 != 5 else f"{sale / 10000:g}万",
            "gross_margin": round(sale * float(margin_rate[i]), 2) if sale else None,
            "avg_discount": round(float(discount[i]), 3),
            "orders_per_year": int(rng.poisson(8)) if sale else 0,
            "credit_limit": float(round(sale * rng.uniform(0.05, 0.25), -4)) or 10000.0 if has_limit else None,
            "payment_terms": int(_choice(rng, (30, 45, 60, 90))[0]) if rng.random() < 0.8 else None,
            "created": as_of - dt.timedelta(days=int(rng.integers(30, 5 * 365))),
            "birthday": birthday,
            "notes": NOTES[rng.integers(len(NOTES))] or None,
        })
    # a birthday in the next few days for a handful, so the reason shows up
    for i in range(0, n, max(1, n // 8)):
        b = as_of + dt.timedelta(days=int(i % 3))
        customers[i]["birthday"] = dt.date(1980, b.month, min(b.day, 28))

    # ------------------------------------------------------------------ funnel
    in_funnel = sorted(rng.choice(n, size=funnel, replace=False).tolist())
    stage_p = [0.06, 0.18, 0.2, 0.14, 0.1, 0.07, 0.17, 0.08]
    funnel_rows: list[dict[str, Any]] = []
    for i in in_funnel:
        stage = str(_choice(rng, range(8), stage_p)[0])
        status = {"6": "active", "7": "expired"}.get(stage, "none")
        end = None
        if stage == "6":
            end = as_of + dt.timedelta(days=int(rng.integers(5, 400)))
        elif stage == "7":
            end = as_of - dt.timedelta(days=int(rng.integers(1, 200)))
        intent = _choice(rng, ("poor", "unclear", "possible", "good", "very_likely"),
                         [0.15, 0.3, 0.25, 0.2, 0.1] if stage < "4" else [0.03, 0.1, 0.27, 0.35, 0.25])[0]
        next_call = None
        if rng.random() < 0.4:
            next_call = as_of + dt.timedelta(days=int(rng.integers(-15, 20)))
        funnel_rows.append({
            "customer_id": customers[i]["customer_id"],
            "stage": stage if i % 53 != 7 else int(stage),  # typed as a bare number
            "contract_status": status,
            "intent": intent,
            "abandoned": "yes" if rng.random() < 0.04 else "no",
            "contract_end": end,
            "expected_amount": float(round(rng.uniform(2, 80)) * 5000) if stage in "3456" else None,
            "next_call": next_call,
        })

    # ---------------------------------------------------------------- contacts
    contact_rows: list[dict[str, Any]] = []
    if funnel_rows and contacts:
        who = rng.choice(len(funnel_rows), size=contacts)
        ages = rng.integers(0, 150, size=contacts)
        for k in range(contacts):
            f = funnel_rows[who[k]]
            cust = customers[int(f["customer_id"][1:]) - 1]
            date = as_of - int(ages[k]) * day
            contact_rows.append({
                "date": date if k % 41 != 3 else f"{date.year}/{date.month}/{date.day}",
                "customer_id": f["customer_id"],
                "channel": _choice(rng, ("phone", "visit", "wechat", "email"), [0.6, 0.15, 0.2, 0.05])[0],
                "contact": cust["key_person"],
                "outcome": OUTCOMES[rng.integers(len(OUTCOMES))],
                # reps plan the next call on recent contacts; old ones were followed up since
                "next_call": date + int(rng.integers(3, 30)) * day if ages[k] < 45 and rng.random() < 0.5 else None,
                "owner": cust["owner"],
            })
        contact_rows.sort(key=lambda r: (r["date"] if isinstance(r["date"], dt.date) else as_of, r["customer_id"]))

    # ----------------------------------------------------------------- surveys
    survey_rows: list[dict[str, Any]] = []
    ranked = sorted(range(n), key=lambda i: -float(sales[i]))
    for i in sorted(ranked[:surveys]):
        c = customers[i]
        assets_end = float(round(max(float(sales[i]), 1e5) * rng.uniform(0.6, 2.0), -3))
        current_liab = float(round(assets_end * rng.uniform(0.15, 0.45), -3))
        row = {
            "customer_id": c["customer_id"],
            "survey_date": as_of - dt.timedelta(days=int(rng.integers(10, 500))),
            "quick_assets": float(round(current_liab * rng.uniform(0.5, 1.6), -3)),
            "current_liabilities": current_liab,
            "total_liabilities": float(round(assets_end * rng.uniform(0.3, 0.75), -3)),
            "assets_begin": float(round(assets_end * rng.uniform(0.8, 1.1), -3)),
            "assets_end": assets_end,
            "revenue": float(round(assets_end * rng.uniform(0.6, 2.5), -3)),
            "net_profit": float(round(assets_end * rng.uniform(-0.03, 0.2), -3)),
            "requested_limit": float(round(rng.uniform(2, 80)) * 10000) if rng.random() < 0.8 else None,
        }
        for key in ("s_principal", "s_scale", "s_sales", "s_know_how", "s_capital", "s_profit", "s_staff",
                    "s_suppliers", "s_bank", "s_peers", "s_industry"):
            row[key] = int(rng.choice([2, 3, 3, 4, 4, 4, 5]))
        survey_rows.append(row)

    # --------------------------------------------------------------- invoices
    invoice_rows: list[dict[str, Any]] = []
    buyers = [i for i in range(n) if sales[i] > 0] or list(range(n))
    weights = np.array([max(float(sales[i]), 1.0) for i in buyers])
    weights = np.sqrt(weights) / np.sqrt(weights).sum()
    picks = rng.choice(len(buyers), size=invoices, p=weights)
    ages = rng.integers(-3, 540, size=invoices)
    for k in range(invoices):
        c = customers[buyers[picks[k]]]
        inv_date = as_of - int(ages[k]) * day
        terms = c["payment_terms"] or 30
        due = inv_date + terms * day if rng.random() < 0.8 else None
        amount = float(round(rng.lognormal(10, 0.9), -1))
        age = int(ages[k])
        settle = 0.97 if age > 200 else 0.75 if age > 60 else 0.35
        roll = rng.random()
        paid = amount if roll < settle else (round(amount * rng.uniform(0.2, 0.8), -1) if roll < settle + 0.1 else 0.0)
        invoice_rows.append({
            "invoice_no": f"INV{k + 1:07d}",
            "customer_id": c["customer_id"],
            "invoice_date": inv_date,
            "due_date": due,
            "amount": amount,
            "paid": paid or None,
            "last_payment": inv_date + int(rng.integers(5, 90)) * day if paid else None,
            "owner": c["owner"],
        })
    invoice_rows.sort(key=lambda r: (r["invoice_date"], r["invoice_no"]))
    for r in invoice_rows:
        if r["last_payment"] is not None and r["last_payment"] > as_of:
            r["last_payment"] = as_of
    # 收款记录: about one paid invoice in ten is paid in instalments logged there (the ledger then
    # uses them instead of 已收金额); a few returns become credit notes (红字发票, negative 金额)
    payment_rows: list[dict[str, Any]] = []
    for r in invoice_rows:
        if r["paid"] and rng.random() < 0.1:
            first = round(float(r["paid"]) * float(rng.uniform(0.3, 0.7)), -1)
            d1 = r["invoice_date"] + int(rng.integers(5, 40)) * day
            d2 = min(as_of, d1 + int(rng.integers(5, 40)) * day)
            for d, amount in ((min(d1, as_of), first), (d2, round(float(r["paid"]) - first, 2))):
                if amount > 0:
                    payment_rows.append({"pay_date": d, "invoice_no": r["invoice_no"], "customer_id": r["customer_id"],
                                         "amount": amount, "method": _choice(rng, ("bank", "cheque"))[0] == "bank"
                                         and "银行转账" or "支票", "note": None})
    credit_notes = []
    for k, r in enumerate(invoice_rows[:: max(1, len(invoice_rows) // max(1, invoices // 150))]):
        if r["invoice_date"] + 10 * day <= as_of:
            credit_notes.append({**r, "invoice_no": f"CN{k + 1:06d}", "invoice_date": r["invoice_date"] + 10 * day,
                                 "due_date": None, "amount": -round(float(r["amount"]) * 0.1, 2), "paid": None,
                                 "last_payment": None})
    invoice_rows = sorted(invoice_rows + credit_notes, key=lambda r: (r["invoice_date"], r["invoice_no"]))
    payment_rows.sort(key=lambda r: (r["pay_date"], r["invoice_no"]))
    return {"customers": customers, "funnel": funnel_rows, "contacts": contact_rows, "survey": survey_rows,
            "receivables": invoice_rows, "payments": payment_rows}



#: the demo company's profile (设置): the letterhead and remittance block of its statements and letters
DEMO_COMPANY = {
    "company_name": "杭州示例贸易有限公司",
    "company_address": "浙江省杭州市西湖区文三路 100 号 8 楼",
    "company_phone": "0571-8888 0000",
    "company_bank": "中国工商银行杭州文三路支行",
    "company_account": "1202 0210 0900 0012 345",
    "company_tax_id": "91330106MA2XXXXX0X",
    "company_contact": "财务部 陈会计 0571-8888 0001",
    "company_email": "ar@example-trading.cn",
}
