"""docs/architecture.md's recipes are true (issue 20): each is performed on a scratch copy of the
add-in and its schema — a new setting, a new computed column (客户年限), a new output sheet (沉睡客户)
— touching only the files the recipe names, and a workbook built and refreshed by that copy shows
the result."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
RECIPES = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


class Scratch:
    """A copy of addin/ and sheets_schema/ to edit; remembers which source files were touched."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for pkg in ("addin", "sheets_schema"):
            shutil.copytree(ROOT / pkg, root / pkg, ignore=shutil.ignore_patterns("__pycache__"))
        self.touched: set[str] = set()

    def edit(self, path: str, old: str, new: str) -> None:
        f = self.root / path
        text = f.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{path}: the recipe's anchor {old!r} is not there exactly once"
        f.write_text(text.replace(old, new), encoding="utf-8")
        self.touched.add(path)

    def create(self, path: str, text: str) -> None:
        f = self.root / path
        assert not f.exists()
        f.write_text(textwrap.dedent(text), encoding="utf-8")
        self.touched.add(path)

    def run(self, script: str) -> dict:
        """Run ``script`` with the scratch copy first on the path; it prints one JSON object."""
        env = {**os.environ, "PYTHONPATH": str(self.root)}
        res = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=self.root, env=env,
                             capture_output=True, text=True, timeout=600)
        assert res.returncode == 0, res.stderr[-3000:]
        return json.loads(res.stdout.strip().splitlines()[-1])


@pytest.fixture
def scratch(tmp_path: Path) -> Scratch:
    return Scratch(tmp_path / "src")


# A workbook the scratch copy builds, refreshes (twice: output sheets are replaced, not added) and reads.
BUILD_AND_REFRESH = """
    import datetime as dt, json, sys
    from pathlib import Path
    from python_calamine import CalamineWorkbook
    from addin import jobs
    from addin.build.workbook import build_workbook
    from addin.io.xlsx_book import XlsxBook
    from addin.loader import load

    AS_OF = dt.date(2026, 11, 24)
    cust = lambda cid, owner: {"customer_id": cid, "name": cid + "公司", "owner": owner, "phone": "13812345678",
                               "annual_sales": 100000}
    data = {"customers": [cust("C1", "张伟"), cust("C2", "张伟"), cust("C3", "李娜")],
            "contacts": [{"date": dt.date(2023, 5, 20), "customer_id": "C1", "channel": "phone", "outcome": "首次拜访"},
                         {"date": dt.date(2026, 11, 20), "customer_id": "C1", "channel": "phone", "outcome": "报价"},
                         {"date": dt.date(2026, 6, 1), "customer_id": "C2", "channel": "phone", "outcome": "再联系"}]}
    path = build_workbook(Path("crm.xlsx"), data=data, settings={"as_of": AS_OF, **SETTINGS})
    for _ in range(2):
        book = XlsxBook(path)
        result = jobs.refresh(book)
        jobs.apply(book, result.plan)
    wb = CalamineWorkbook.from_path(str(path))
    grid = lambda name: wb.get_sheet_by_name(name).to_python() if name in wb.sheet_names else None
    loaded = load(XlsxBook(path, writable=False))
    print(json.dumps({"sheets": wb.sheet_names, "owned": XlsxBook(path, writable=False).owned_sheets(),
                      "errors": [x.flat() for x in result.issues if x.is_error], "settings": loaded.settings.model_dump(),
                      "customers": grid("客户资料卡"), "settings_sheet": grid("设置"), "dormant": grid("沉睡客户")},
                     default=str, ensure_ascii=False))
"""


def refresh(scratch: Scratch, settings: dict | None = None) -> dict:
    return scratch.run(f"SETTINGS = {settings or {}!r}\n" + textwrap.dedent(BUILD_AND_REFRESH))


def test_the_recipes_are_in_the_architecture_doc():
    for title in ("## Recipe: add a computed column (3 files)", "## Recipe: add an output sheet (3 files)",
                  "## Recipe: add a setting (2 files, and the rules table)"):
        assert title in RECIPES


def test_recipe_add_a_setting(scratch):
    scratch.edit("sheets_schema/settings.py", "\n\n\nPARAMS: tuple[Param, ...] =", '''
    dormant_days: int = P("沉睡天数", "沉睡天數", "Dormant After (days)", Kind.INT, 90,
        "超过此天数未联系的客户为沉睡客户", "Customers not contacted for this many days are dormant", min=1, max=3650)


PARAMS: tuple[Param, ...] =''')
    assert scratch.touched == {"sheets_schema/settings.py"}
    got = refresh(scratch, {"dormant_days": 30})
    assert got["settings"]["dormant_days"] == 30  # typed, read from 设置
    assert ["沉睡天数", 30.0, "超过此天数未联系的客户为沉睡客户"] in got["settings_sheet"]
    assert got["errors"] == []
    assert scratch.run("""
        import json
        from addin.core.settings import Settings
        print(json.dumps(Settings().dormant_days))
    """) == 90


def test_recipe_add_a_computed_column(scratch):
    # 1. the column, declared once
    scratch.edit("sheets_schema/customers.py",
                 '        col("deal_type", "交易类型", "交易類型", "Deal Type", Kind.CHOICE, choices=DEAL_TYPE, computed=True, width=10),\n',
                 '        col("deal_type", "交易类型", "交易類型", "Deal Type", Kind.CHOICE, choices=DEAL_TYPE, computed=True, width=10),\n'
                 '        col("customer_years", "客户年限", "客戶年限", "Customer Years", Kind.NUMBER, computed=True, width=9),\n')
    # 2. the rule, pure
    scratch.edit("addin/core/grading.py", "\n\ndef abc(", '''

def customer_years(first_contact: "dt.date | None", as_of: "dt.date") -> float | None:
    """Whole years since the first contact (one decimal); None before any contact."""
    return None if first_contact is None else round((as_of - first_contact).days / 365.25, 1)


def abc(''')
    scratch.edit("addin/core/grading.py", "import math\n", "import datetime as dt\nimport math\n")
    # 3. the step that fills the customers' computed columns, reading the contact history
    scratch.edit("addin/steps/grades.py", "from .base import Context, Output, Step\n",
                 "from ..core.grading import customer_years\nfrom .base import Context, Output, Step\n"
                 "from .contacts import STEP as CONTACTS\n")
    scratch.edit("addin/steps/grades.py", '"deal_type")}', '"deal_type", "customer_years")}')
    scratch.edit("addin/steps/grades.py", "        values[\"deal_type\"][c.i] = deal\n",
                 "        values[\"deal_type\"][c.i] = deal\n"
                 "        first = r.facts[CONTACTS].of(c.customer_id)\n"
                 "        values[\"customer_years\"][c.i] = customer_years(first and first.first_contact, r.as_of)\n")
    scratch.edit("addin/steps/grades.py", 'STEP = Step("grades", run,', 'STEP = Step("grades", run, needs=(CONTACTS,),')
    assert scratch.touched == {"sheets_schema/customers.py", "addin/core/grading.py", "addin/steps/grades.py"}
    got = refresh(scratch)
    head, *rows = got["customers"]
    years = {r[0]: r[head.index("客户年限")] for r in rows}
    # C1 first contacted 2023-05-20: 3.5 years by 2026-11-24; C3 never contacted
    assert years["C1"] == 3.5 and years["C2"] == 0.5 and years["C3"] in ("", None)
    assert got["errors"] == []


def test_recipe_add_an_output_sheet(scratch):
    # 1. the sheet, declared once, and its place in the registry (after 看板)
    scratch.edit("sheets_schema/outputs.py", "\n\n#: every sheet of a rep's workbook", '''

DORMANT = SheetSpec(
    "dormant", "沉睡客户", "沉睡客戶", "Dormant Customers", output=True,
    columns=(
        col("customer_id", "客户编号", "客戶編號", "Customer ID", width=12),
        col("owner", "业务员", "業務員", "Owner", width=10),
        col("last_contact", "上次联系", "上次聯繫", "Last Contact", Kind.DATE, width=11),
        col("days", "未联系天数", "未聯繫天數", "Days Since", Kind.INT, width=10),
    ),
)


#: every sheet of a rep's workbook''')
    scratch.edit("sheets_schema/outputs.py", "AGING, STATEMENT, DUNNING_LOG, DASHBOARD, CHANGELOG,",
                 "AGING, STATEMENT, DUNNING_LOG, DASHBOARD, DORMANT, CHANGELOG,")
    # 2. its step: the customers nobody contacted for 90 days, from the contact history
    scratch.create("addin/steps/dormant.py", '''
        """沉睡客户: customers not contacted for 90 days (never contacted: listed without a date)."""
        from __future__ import annotations

        from sheets_schema.outputs import DORMANT

        from ..sheets.table_sheet import table_sheet
        from .base import Context, Output, Step
        from .contacts import STEP as CONTACTS


        def run(ctx: Context) -> tuple[Output, int]:
            history = ctx.facts[CONTACTS]
            rows = []
            for cid, card in ctx.loaded.customer_cards().items():
                st = history.of(cid)
                last = st.last_contact if st else None
                if last is None or (ctx.as_of - last).days >= 90:
                    rows.append([cid, card.owner, last, (ctx.as_of - last).days if last else None])
            return Output(outputs=[table_sheet(DORMANT, ctx.loaded.tab(DORMANT), rows, ctx.lang)]), len(rows)


        STEP = Step("dormant", run, needs=(CONTACTS,))
    ''')
    # 3. listed with the steps `crm refresh` runs
    scratch.edit("addin/steps/__init__.py", "from .dashboard import STEP as DASHBOARD\n",
                 "from .dashboard import STEP as DASHBOARD\nfrom .dormant import STEP as DORMANT\n")
    scratch.edit("addin/steps/__init__.py", "DASHBOARD, CHANGELOG)", "DASHBOARD, DORMANT, CHANGELOG)")
    assert scratch.touched == {"sheets_schema/outputs.py", "addin/steps/dormant.py", "addin/steps/__init__.py"}
    got = refresh(scratch)
    assert got["errors"] == []
    # the template places it after 看板; the refresh fills it, marks it as the add-in's, replaces it
    assert got["sheets"].index("沉睡客户") == got["sheets"].index("看板") + 1
    assert got["sheets"].count("沉睡客户") == 1 and got["owned"]["dormant"] == "沉睡客户"
    head, *rows = got["dormant"]
    assert head == ["客户编号", "业务员", "上次联系", "未联系天数"]
    assert [(r[0], r[3]) for r in rows] == [("C2", 176.0), ("C3", "")]
