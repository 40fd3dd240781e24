"""看板: every chart draws cells holding the numbers the sheets give; a refresh replaces its own
charts (no pile-up) and never a user's; --owner; English; one landscape A4 page in LibreOffice."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from external import need, need_pdftoppm, need_soffice
from helpers import CUSTOMERS, FUNNEL, RECEIVABLES, chart_series, cli, parts, sheets, write_book
from lxml import etree
from python_calamine import CalamineWorkbook

from addin.cells import col_index
from addin.io import charts
from addin.io.package import Package

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
AS_OF = "2026-11-24"


def book(tmp_path: Path, **over) -> Path:
    customers = [list(r) for r in CUSTOMERS] + [["C004", "广州新锐贸易有限公司", "李娜", "13900001111", None, 50000,
                                                 None, 30, None]]
    funnel = [list(r) for r in FUNNEL] + [["C003", "5", "无合同", "成交意向好", "否", None, 40000, None],
                                          ["C004", "4", "无合同", "可能成交", "是", None, 99000, None]]
    receivables = [list(r) for r in RECEIVABLES] + [
        ["INV002", "C003", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 7000, 0, None, "李娜"],
        ["INV003", "C002", dt.date(2026, 3, 1), dt.date(2026, 4, 1), 3000, 0, None, "张伟"]]
    contacts = [["日期", "客户编号", "方式", "联系人", "结果", "下次拨打", "业务员"],
                [dt.date(2026, 11, 3), "C001", "电话", "王总", "已报价", None, "张伟"],
                [dt.date(2026, 10, 30), "C002", "电话", "李总", "再联系", None, "张伟"],
                [dt.date(2026, 11, 20), "C004", "电话", "赵总", "无意向", None, "李娜"]]
    data = sheets(customers=customers, funnel=funnel, receivables=receivables, contacts=contacts)
    data.update(over)
    return write_book(tmp_path / "a.xlsx", data)


def test_every_chart_draws_the_numbers_of_the_sheets(tmp_path):
    path = book(tmp_path)
    assert cli("refresh", path, "--as-of", AS_OF).exit_code == 0
    got = chart_series(path)
    assert set(got) == {"crm_funnel", "crm_pareto", "crm_aging", "crm_coverage", "crm_trend"}
    # funnel: rows per stage, abandoned rows (C004) left out
    (name, stages, counts), = got["crm_funnel"]
    assert [int(x) for x in counts] == [0, 0, 0, 0, 1, 1, 1, 0]
    assert stages[4] == "4 客户有选择我方的意向"
    # Pareto: sales ranked 500k, 300k, 200k, 50k (four customers: one point each), cumulative share
    sales, cum, a_line, b_line = got["crm_pareto"]
    total = 1050000
    assert sales[2] == [500000, 300000, 200000, 50000]
    assert [round(x, 6) for x in cum[2]] == [round(x / total, 6) for x in (500000, 800000, 1000000, 1050000)]
    assert cum[1] == [0.25, 0.5, 0.75, 1.0]
    assert set(a_line[2]) == {0.8} and set(b_line[2]) == {0.95}
    # aging: outstanding per bucket as of 11-24: INV001 8,000 due 10-01 (54 days: 31-60), INV002
    # 7,000 not due, INV003 3,000 due 04-01 (237 days: 181-365)
    (_, buckets, amounts), = got["crm_aging"]
    assert buckets[0] == "未到期" and amounts == [7000, 0, 8000, 0, 0, 3000, 0]
    # coverage this month: 张伟 1 of 2 (C002's contact was in October); 李娜 0 of 1 — C004 is
    # 放弃 (Denial): out of the month's book as the call list counts it, its contact does not count
    cov, target = got["crm_coverage"]
    assert cov[1] == ["张伟", "李娜"] or cov[1] == ["李娜", "张伟"]
    assert dict(zip(cov[1], cov[2])) == {"张伟": 0.5, "李娜": 0.0} and target[2] == [1.0, 1.0]
    # trend: this refresh's outstanding and overdue
    out, over = got["crm_trend"]
    assert out[2] == [18000] and over[2] == [11000]
    assert out[1][0] == dt.datetime(2026, 11, 24) or out[1][0] == dt.date(2026, 11, 24)


def test_kpis_and_owner(tmp_path):
    path = book(tmp_path)
    assert cli("refresh", path, "--as-of", AS_OF).exit_code == 0
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("看板").to_python(skip_empty_area=False)
    kpi = dict(zip(grid[3][0:18:2], grid[4][0:18:2]))
    assert kpi["客户数"] == 4
    # C001–C003 are A: the customers above C003 hold 76 % of sales, below the 80 % cut-off
    assert kpi["A类客户销售占比"] == pytest.approx(1000000 / 1050000)
    assert kpi["在谈金额(4–5阶段)"] == 120000  # C002 80,000 (4) + C003 40,000 (5); C004 abandoned
    assert kpi["加权预测"] == pytest.approx(80000 * 0.4 + 40000 * 0.7)
    assert kpi["应收余额"] == 18000 and kpi["逾期占比"] == pytest.approx(11000 / 18000)
    # DSO: 18,000 open / 17,000 invoiced in the 90 days to 11-24 (INV001 09-01, INV002 11-01) × 90
    assert kpi["DSO(天)"] == round(18000 / 17000 * 90, 1)
    assert cli("refresh", path, "--as-of", AS_OF, "--owner", "李娜").exit_code == 0
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("看板").to_python(skip_empty_area=False)
    assert "李娜" in grid[0][0]
    kpi = dict(zip(grid[3][0:18:2], grid[4][0:18:2]))
    assert kpi["客户数"] == 2 and kpi["应收余额"] == 7000 and kpi["在谈金额(4–5阶段)"] == 40000
    assert kpi["DSO(天)"] == 90.0  # the rep's own: C003's 7,000 open of 7,000 invoiced on 11-01
    (_, reps, _), _ = chart_series(path)["crm_coverage"]
    assert reps == ["李娜"]


def test_dso_of_a_set_of_customers():
    from addin.core.aging import DSO_DAYS, dso
    from addin.core.ledger import Invoice, items_as_of

    as_of = dt.date(2026, 11, 24)
    invs = [Invoice("I1", "C1", dt.date(2026, 10, 1), dt.date(2026, 10, 31), 1000.0, i=0),
            Invoice("I2", "C1", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 500.0, i=1),  # before the window
            Invoice("I3", "C2", dt.date(2026, 11, 1), dt.date(2026, 12, 1), 2000.0, paid=1000.0, i=2)]
    items = items_as_of(invs, {}, {}, as_of)
    assert dso(items, as_of, {"C1"}) == round(1500 / 1000 * DSO_DAYS, 1)
    assert dso(items, as_of, {"C2"}) == round(1000 / 2000 * DSO_DAYS, 1)
    assert dso(items, as_of) == round(2500 / 3000 * DSO_DAYS, 1)
    assert dso(items, as_of, {"C3"}) is None  # nothing invoiced in the window


def test_a_second_refresh_replaces_the_charts_and_leaves_no_orphans(tmp_path):
    path = book(tmp_path)
    assert cli("refresh", path, "--as-of", AS_OF).exit_code == 0
    first = {n for n in parts(path) if n.startswith(("xl/charts/", "xl/drawings/"))}
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    second = {n for n in parts(path) if n.startswith(("xl/charts/", "xl/drawings/"))}
    assert len([n for n in second if n.startswith("xl/charts/chart")]) == 5 and first == second
    ct = parts(path)["[Content_Types].xml"].decode()
    assert ct.count("drawingml.chart+xml") == 5
    assert len(chart_series(path)["crm_trend"][0][2]) == 2  # two refresh dates now


def test_a_users_chart_stays_byte_identical(tmp_path):
    """LibreOffice's re-save of a rep's workbook (tests/corpus/README.md) holds the rep's own chart."""
    path = tmp_path / "lo-resave.xlsx"
    shutil.copy(Path(__file__).parent / "corpus" / "lo-resave.xlsx", path)
    before = parts(path)
    theirs = [n for n in before if n.startswith(("xl/charts/", "xl/drawings/"))]
    assert "xl/charts/chart1.xml" in theirs
    for day in ("2026-11-24", "2026-11-25"):
        assert cli("refresh", path, "--as-of", day).exit_code in (0, 1)
        after = parts(path)
        for name in theirs:
            assert after[name] == before[name], name
    assert len(chart_series(path)) == 5


def test_a_users_chart_on_the_dashboard_sheet_is_kept(tmp_path):
    """A chart a user put into 看板's drawing keeps its anchor and its part; only crm_ charts change."""
    path = book(tmp_path)
    assert cli("refresh", path, "--as-of", AS_OF).exit_code == 0
    pkg = Package(path)
    part = pkg.sheet_part("看板")
    _, drawing = charts.drawing_of(pkg, part)
    root = etree.fromstring(pkg.read(drawing))
    theirs = etree.fromstring(etree.tostring(root[0]))
    next(theirs.iter("{*}cNvPr")).set("name", "我的图表")
    rid = next(theirs.iter(C + "chart")).get(charts.R_ID)
    target = dict((r, t) for r, _, t in pkg.rels(drawing))[rid]
    pkg.write("xl/charts/mine.xml", pkg.read(target))
    pkg.add_override("xl/charts/mine.xml", charts.CHART_CT)
    next(theirs.iter(C + "chart")).set(charts.R_ID, pkg.add_rel(drawing, charts.CHART_REL, "xl/charts/mine.xml"))
    root.append(theirs)
    pkg.write(drawing, etree.tostring(root))
    pkg.save(backup=False)
    mine = parts(path)["xl/charts/mine.xml"]
    assert cli("refresh", path, "--as-of", "2026-11-25").exit_code == 0
    assert parts(path)["xl/charts/mine.xml"] == mine
    pkg = Package(path)
    names = [next(a.iter("{*}cNvPr")).get("name") for a in etree.fromstring(pkg.read(drawing))]
    assert sorted(names) == sorted(["我的图表", "crm_funnel", "crm_pareto", "crm_aging", "crm_coverage", "crm_trend"])
    pkg.close()


def test_english_dashboard(tmp_path):
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "en.xlsx", lang="en")
    assert cli("refresh", path, "--as-of", AS_OF).exit_code in (0, 1)
    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Dashboard").to_python(skip_empty_area=False)
    assert grid[0][0].startswith("Sales dashboard · as of 2026-11-24")
    assert grid[3][0] == "Customers"
    names = CalamineWorkbook.from_path(str(path)).sheet_names
    assert "Change Log" in names


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_libreoffice_renders_one_landscape_a4_page(tmp_path, lang):
    need_soffice()
    need_pdftoppm()
    need("pdfinfo", "apt-get install poppler-utils")
    sys.path.insert(0, str(Path(__file__).parents[1] / "scripts"))
    import render_dashboard

    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "demo.xlsx", lang=lang, data=generate(80, as_of=dt.date(2026, 11, 24), seed=3),
                          settings={"as_of": dt.date(2026, 11, 24)})
    assert cli("refresh", path).exit_code in (0, 1)
    pdf, png = render_dashboard.render(path, tmp_path / "out")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\n", info), info
    w, h = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(w), round(h)) == (842, 595)  # A4 landscape
    assert png.stat().st_size > 20000  # drawn, not blank


def test_a_libreoffice_resave_keeps_the_dashboards_charts_its_own(tmp_path):
    """LibreOffice re-saves the workbook (as a rep's colleague might); the next refreshes still
    know the 看板's charts by their crm_ names and replace them instead of piling up."""
    soffice = need_soffice()
    from addin.build.demo_data import generate
    from addin.build.workbook import build_workbook

    path = build_workbook(tmp_path / "demo.xlsx", data=generate(60, as_of=dt.date(2026, 11, 24), seed=3))
    assert cli("refresh", path, "--as-of", "2026-11-24").exit_code in (0, 1)
    out = tmp_path / "re"
    subprocess.run([soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(path)],
                   check=True, capture_output=True, timeout=180)
    resaved = out / "demo.xlsx"

    def chart_parts() -> list[str]:
        return sorted(n for n in parts(resaved) if re.fullmatch(r"xl/charts/chart\d+\.xml", n))

    assert len(chart_parts()) == 5
    for day in ("2026-11-25", "2026-11-26"):
        assert cli("refresh", resaved, "--as-of", day).exit_code in (0, 1)
        assert len(chart_parts()) == 5
    names = [n.decode() for d, x in parts(resaved).items() if d.startswith("xl/drawings/drawing")
             for n in re.findall(rb'name="(crm_[a-z_]+)"', x)]
    assert sorted(names) == ["crm_aging", "crm_coverage", "crm_funnel", "crm_pareto", "crm_trend"]


def test_live_engine_writes_the_cells_and_points_excels_charts_at_them(tmp_path):
    from fake_xlwings import FakeBook

    from addin import jobs, steps
    from addin.io.live import LiveBook

    path = book(tmp_path)
    fake = FakeBook(path)
    mine = fake.sheets["客户资料卡"].charts.add()  # a user's own chart elsewhere
    mine.name = "销售额图"
    for _ in range(2):
        live = LiveBook(fake)
        result = jobs.refresh(live, as_of=dt.date(2026, 11, 24), steps=(steps.DASHBOARD,))
        jobs.apply(live, result.plan)
    sheet = fake.sheets["看板"]
    names = sorted(c.name for c in sheet.charts)
    assert names == ["crm_aging", "crm_coverage", "crm_funnel", "crm_pareto", "crm_trend"]
    assert sum(1 for call in fake.log if call[0] == "chart_add" and call[1] == "看板") == 5  # added once
    assert [c.name for c in fake.sheets["客户资料卡"].charts] == ["销售额图"]
    assert fake.sheets["CRM快照"].visible is False and fake.sheets["CRM每日指标"].visible is False
    # each chart's source is the block of cells written for it: the funnel's counts are there
    funnel = sheet.charts["crm_funnel"]
    assert funnel.chart_type == "bar_clustered"
    first, last = funnel.source.split(":")
    col = col_index(re.match(r"[A-Z]+", last).group())
    r1, r2 = int(re.sub(r"[A-Z]", "", first)), int(re.sub(r"[A-Z]", "", last))
    assert [sheet.cells.get((r, col)) for r in range(r1 + 1, r2 + 1)] == [0, 0, 0, 0, 1, 1, 1, 0]
