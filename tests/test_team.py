"""The manager's view: `crm collect` into SQLite and PostgreSQL, and `crm team`."""
from __future__ import annotations

import copy
import datetime as dt
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from external import need_postgres, need_soffice, pg_user
from helpers import chart_series, cli, parts, read_sheet, sheets, tab_pdf_text, write_book
from pg_cluster import Cluster
from sqlalchemy import select
from team_books import AS_OF, add_customer, funnel_stage, rep_data, write

import sheets_schema as S
from addin import jobs
from addin.core.dashboard import grade_share, pareto
from addin.core.forecast import STAGE_PROBABILITY
from addin.io.xlsx_book import XlsxBook
from addin.loader import load
from addin.steps import AGING, CALLS, DASHBOARD, GRADES
from addin.team import schema as T
from addin.team.db import open_db

D2 = AS_OF + dt.timedelta(days=7)
REPS = (("张伟", "A", 1), ("李娜", "B", 2), ("王芳", "C", 3))


# ------------------------------------------------------------------------------------------ fixtures

@pytest.fixture(scope="session")
def pg():
    cluster = Cluster(need_postgres(), pg_user()).start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return str(tmp_path / "team.sqlite")
    return request.getfixturevalue("pg").new_database()


@pytest.fixture(scope="session")
def datasets():
    """Three reps' data, with three customers claimed twice (by ID, by name, by phone)."""
    data = {prefix: rep_data(rep, prefix, number, seed=number) for rep, prefix, number in REPS}
    a, b, c = data["A"], data["B"], data["C"]
    add_customer(b, "A00003", "北京独立测试贸易有限公司", "13999990001")  # A00003 is 张伟's too
    name = a["customers"][6]["name"]  # A00007
    add_customer(c, "C90001", name[:2] + " " + name[2:].replace("有限公司", "（有限公司）"), None)
    phone = b["customers"][9]["phone"]  # B00010
    add_customer(c, "C90002", "天津另一家测试有限公司", f"+86 {phone[:3]} {phone[3:7]} {phone[7:]}")
    add_customer(a, "A90001", a["customers"][1]["name"], None)  # same name, same rep: no dispute
    # 张伟's calls nobody answered this month: attempts, not contacts; three for one customer count
    # as reaching them (by attempt), as the rep's own list counts it
    month = [r for r in a["contacts"] if isinstance(r["date"], dt.date) and AS_OF.replace(day=1) <= r["date"]]
    for r in month[:2]:
        r["outcome"], r["next_call"] = "未接通，关机", None
    tried = next(c["customer_id"] for c in a["customers"]
                 if c["customer_id"] not in {r["customer_id"] for r in a["contacts"]})
    for k in range(3):
        a["contacts"].append(dict(month[0], customer_id=tried, outcome="拒接", next_call=None,
                                  date=AS_OF.replace(day=2 + k)))
    return data


@pytest.fixture(scope="session")
def books(tmp_path_factory, datasets):
    folder = tmp_path_factory.mktemp("reps")
    return {p: write(folder / f"{rep}.xlsx", datasets[p]) for rep, p, _ in REPS}


@pytest.fixture(scope="session")
def later(tmp_path_factory, datasets):
    """张伟's workbook a week later: some deals moved (known moves), the others unchanged."""
    data = copy.deepcopy(datasets["A"])
    funnel = data["funnel"]
    used: set[int] = set()

    def pick(ok) -> int:
        i = next(i for i, f in enumerate(funnel) if i not in used and f["abandoned"] == "no" and ok(f))
        used.add(i)
        return i

    for _ in range(3):
        i = pick(lambda f: funnel_stage(f) <= 3)
        funnel[i]["stage"] = str(funnel_stage(funnel[i]) + 1)
    back = pick(lambda f: 1 <= funnel_stage(f) <= 5)
    funnel[back]["stage"] = str(funnel_stage(funnel[back]) - 1)
    won = pick(lambda f: funnel_stage(f) in (4, 5))
    funnel[won].update(stage="6", contract_status="active", contract_end=D2 + dt.timedelta(days=300))
    lost = pick(lambda f: funnel_stage(f) <= 3 and f["intent"] != "poor")
    funnel[lost]["abandoned"] = "yes"
    in_funnel = {f["customer_id"] for f in funnel}
    newcomer = next(c["customer_id"] for c in data["customers"] if c["customer_id"] not in in_funnel)
    gone = funnel.pop(max(set(range(len(funnel))) - used))
    funnel.append(dict(gone, customer_id=newcomer, stage="2", contract_status="none", abandoned="no",
                       contract_end=None, expected_amount=None))
    path = tmp_path_factory.mktemp("later") / "张伟.xlsx"
    return write(path, data, as_of=D2), data


def team_workbook(url: str, out: Path, *args: str) -> dict[str, list[tuple]]:
    res = cli("team", "--db", url, "--out", out, *args)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb}


def dump(url: str) -> dict[str, list[tuple]]:
    engine = open_db(url)
    with engine.connect() as conn:
        out = {t.name: sorted(conn.execute(select(t)).all(), key=repr) for t in T.metadata.sorted_tables}
    engine.dispose()
    return out


def collect(url: str, *paths, args=()) -> object:
    return cli("collect", *paths, "--db", url, *args)


# ------------------------------------------------------------------------------------------ collect

def test_collect_is_idempotent(db_url, books):
    first = collect(db_url, *books.values())
    assert first.exit_code == 0, first.output
    assert "3 个工作簿：3 已收集" in first.output
    before = dump(db_url)
    assert len(before["sources"]) == 3
    assert len(before["customers"]) == sum(len(rep_data(r, p, n, seed=n)["customers"]) for r, p, n in REPS) + 4
    again = collect(db_url, *books.values())
    assert again.exit_code == 0 and "3 个工作簿：3 未变化" in again.output, again.output
    assert dump(db_url) == before


def test_a_changed_workbook_replaces_only_its_rows(db_url, books, datasets, tmp_path):
    folder = tmp_path / "reps"
    shutil.copytree(next(iter(books.values())).parent, folder)
    assert collect(db_url, folder).exit_code == 0
    before = dump(db_url)
    data = copy.deepcopy(datasets["B"])
    data["customers"][0]["annual_sales"] = 7654321.0
    del data["customers"][-1]  # A00003 leaves 李娜's book
    write(folder / "李娜.xlsx", data)
    res = collect(db_url, folder)
    assert res.exit_code == 0, res.output
    assert "已收集     李娜.xlsx" in res.output and "1 已收集，2 未变化" in res.output
    after = dump(db_url)
    b_id = next(s.id for s in after["sources"] if s.owner == "李娜")
    mine = [c for c in after["customers"] if c.source_id == b_id]
    assert len(mine) == len(data["customers"])
    assert next(c for c in mine if c.customer_id == "B00001").annual_sales == 7654321.0
    for table in ("customers", "funnel", "contacts", "invoices", "surveys", "snapshots"):
        assert [r for r in after[table] if r.source_id != b_id] == [r for r in before[table] if r.source_id != b_id]


def test_a_failing_write_leaves_the_previous_rows(db_url, books, monkeypatch, tmp_path):
    from addin.team import collect as C

    path = shutil.copy(books["A"], tmp_path / "张伟.xlsx")
    assert collect(db_url, path).exit_code == 0
    before = dump(db_url)
    data = rep_data("张伟", "A", 1, seed=1)
    data["customers"][0]["annual_sales"] = 1.0
    write(Path(path), data)
    real = C._insert

    def broken(conn, table, source_id, rows):
        if table is T.invoices:
            raise RuntimeError("disk full")
        real(conn, table, source_id, rows)

    monkeypatch.setattr(C, "_insert", broken)
    with pytest.raises(RuntimeError):
        C.collect(open_db(db_url), [path], workers=1)
    assert dump(db_url) == before  # one transaction: nothing of the new content, nothing of the old lost


def test_unreadable_workbooks_are_listed_and_skipped(db_url, books, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(books["A"], folder / "张伟.xlsx")
    (folder / "坏文件.xlsx").write_bytes(b"not a zip at all")
    write_book(folder / "无客户表.xlsx", sheets(customers=None))
    (folder / "~$张伟.xlsx").write_bytes(b"Excel's owner file")
    res = collect(db_url, folder)
    assert res.exit_code == 1
    assert "已跳过     坏文件.xlsx：not an Excel workbook" in res.output
    assert "已跳过     无客户表.xlsx：required sheet missing: 客户资料卡" in res.output
    assert "~$" not in res.output and "1 已收集，2 已跳过" in res.output
    assert [s.owner for s in dump(db_url)["sources"]] == ["张伟"]


def test_hostile_workbooks_are_skipped_with_their_reason_by_parallel_workers(db_url, books, tmp_path):
    """A rels target outside the package, an entity bomb, a malformed workbook.xml, a duplicate
    member and a FIFO: each listed with its reason and skipped, no traceback from any worker, every
    other workbook stored (issue 19)."""
    import os
    import re

    from helpers import parts, write_parts
    from test_hostile import BOMB

    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(books["A"], folder / "a-张伟.xlsx")
    shutil.copy(books["B"], folder / "z-李娜.xlsx")
    base = parts(books["A"])
    bad = {
        "b-outside.xlsx": {"xl/_rels/workbook.xml.rels": re.sub(rb'Target="/?xl/worksheets/sheet1.xml"|'
                                                                rb'Target="worksheets/sheet1.xml"',
                                                                b'Target="../../../etc/passwd"',
                                                                base["xl/_rels/workbook.xml.rels"], count=1)},
        "c-bomb.xlsx": {"xl/workbook.xml": BOMB + re.sub(rb"^<\?xml[^>]*\?>\s*", b"", base["xl/workbook.xml"])},
        "d-broken.xlsx": {"xl/workbook.xml": base["xl/workbook.xml"][:-9]},
    }
    for name, change in bad.items():
        assert any(base[k] != v for k, v in change.items()), name
        write_parts(folder / name, {**base, **change})
    os.mkfifo(folder / "e-pipe.xlsx")
    res = collect(db_url, folder, args=("--jobs", "2"))
    assert res.exit_code == 1 and "Traceback" not in res.output, res.output
    assert "outside the package" in res.output and "b-outside.xlsx" in res.output
    assert re.search(r"已跳过 +c-bomb.xlsx：.*DOCTYPE", res.output)
    assert re.search(r"已跳过 +d-broken.xlsx：.*xl/workbook.xml.*not well-formed", res.output)
    assert "e-pipe.xlsx" not in res.output or "not a regular file" in res.output  # a folder walk skips it
    res2 = collect(db_url, folder / "e-pipe.xlsx")
    assert res2.exit_code == 1 and "not a regular file" in res2.output
    assert sorted(s.owner for s in dump(db_url)["sources"]) == ["张伟", "李娜"]


def test_collect_speaks_chinese_or_english(books, tmp_path):
    db = str(tmp_path / "team.sqlite")
    res = collect(db, books["A"], args=("--lang", "en"))
    assert res.exit_code == 0 and f"collected  {books['A'].name}: 张伟, " in res.output
    assert "1 workbook: 1 collected" in res.output and "已收集" not in res.output
    res = collect(db, books["A"])  # Chinese unless told
    assert f"未变化     {books['A'].name}" in res.output and "1 个工作簿：1 未变化" in res.output
    assert collect(db, books["A"], args=("--lang", "fr")).exit_code == 2


def test_a_workbook_under_another_owner_is_reported_not_moved(db_url, datasets, tmp_path):
    path = write(tmp_path / "book.xlsx", datasets["A"])
    assert collect(db_url, path).exit_code == 0
    before = dump(db_url)
    write(path, rep_data("赵六", "A", 1, seed=1))
    res = collect(db_url, path)
    assert res.exit_code == 1
    assert "已拒绝     book.xlsx：以前作为 张伟 的工作簿收集，现在其客户属于 赵六：未转移" in res.output
    assert dump(db_url) == before
    res = collect(db_url, path, args=("--reassign",))
    assert res.exit_code == 0 and "已转移     book.xlsx：赵六，" in res.output and "；从 张伟 转给 赵六" in res.output
    assert [s.owner for s in dump(db_url)["sources"]] == ["赵六"]


@pytest.mark.parametrize("url", ["{tmp}/no/such/folder/team.sqlite", "postgresql://postgres@/crm?host={tmp}/nowhere",
                                 "mysql+nosuchdriver://x@y/z"])
def test_an_unusable_database_exits_2_with_one_line(url, books, tmp_path):
    res = collect(url.format(tmp=tmp_path), books["A"])
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("crm: "), res.stderr
    assert "Traceback" not in res.output


# ------------------------------------------------------------------------------------------ team sheets

def rows_after_header(sheet: list[tuple]) -> list[tuple]:
    return [r for r in sheet[2:] if r[0] is not None]


def test_disputes_same_id_name_or_phone(db_url, books, tmp_path):
    assert collect(db_url, *books.values()).exit_code == 0
    wb = team_workbook(db_url, tmp_path / "m.xlsx")
    found = {(r[0], r[1], r[2], r[6], r[7]) for r in rows_after_header(wb["归属争议"])}
    assert found == {("客户编号", "张伟", "A00003", "李娜", "A00003"),
                     ("名称", "张伟", "A00007", "王芳", "C90001"),
                     ("电话", "李娜", "B00010", "王芳", "C90002")}
    row = next(r for r in rows_after_header(wb["归属争议"]) if r[2] == "A00007")
    assert row[5] is not None and row[10] == 12345.0  # each side's sales


def own_figures(path: Path, tmp_path: Path) -> dict:
    """What a rep's own workbook says: its refresh's facts and the 热度 its refresh writes."""
    copy_ = shutil.copy(path, tmp_path / ("own-" + path.name))
    assert cli("refresh", copy_).exit_code in (0, 1)
    result = jobs.refresh(XlsxBook(copy_, writable=False), steps=(GRADES, AGING, CALLS))
    loaded = load(XlsxBook(copy_, writable=False))
    f = loaded.sheet("funnel")
    denial = S.FUNNEL.col("heat").choice("denial").label("zh")
    pipeline = forecast = 0.0
    for r, heat in zip(f.records(with_errors=True), f.as_typed("heat")):
        stage, amount = r.stage, r.expected_amount
        if amount is None or heat == denial:
            continue
        pipeline += amount if stage in ("4", "5") else 0.0
        forecast += round(amount * STAGE_PROBABILITY[stage], 2)
    month = [(r.customer_id, r.date, str(r.outcome or "")) for r in loaded.sheet("contacts").records()
             if (d := r.date) is not None and AS_OF.replace(day=1) <= d <= AS_OF]
    tries = [m for m in month if m[2].startswith(("未接通", "拒接"))]
    customers = len(loaded.customer_cards())
    a = result.facts[AGING]
    return {"customers": customers, "a": result.facts[GRADES].counts["A"],
            # the month's coverage as the rep's own call list counts it (its book leaves Denial out)
            "coverage": next(iter(result.facts[CALLS].months.values())).share, "contacts": len(month) - len(tries),
            "attempts": len(tries),
            "pipeline": pipeline, "forecast": forecast, "outstanding": a.total.outstanding,
            "overdue": a.total.overdue, "over_limit": a.over_limit_count,
            "buckets": a.total.buckets, "not_due": a.total.not_due}


def test_per_rep_numbers_equal_each_workbooks_own(db_url, books, tmp_path):
    assert collect(db_url, *books.values()).exit_code == 0
    wb = team_workbook(db_url, tmp_path / "m.xlsx")
    overview = {r[0]: r for r in rows_after_header(wb["团队概览"]) if r[0] != "合计"}
    aging = {r[0]: r for r in rows_after_header(wb["账龄汇总"]) if r[0] != "合计"}
    assert set(overview) == {"张伟", "李娜", "王芳"}
    for rep, prefix, _ in REPS:
        own = own_figures(books[prefix], tmp_path)
        row = overview[rep]
        assert row[1] == books[prefix].name and row[2].date() == AS_OF
        assert row[3:8] == (own["customers"], own["a"], pytest.approx(own["coverage"]), own["contacts"],
                            own["attempts"])
        assert row[8:12] == pytest.approx((own["pipeline"], own["forecast"], own["outstanding"], own["overdue"]),
                                          abs=0.005)
        assert row[12] == own["over_limit"]
        assert aging[rep][1:3 + len(own["buckets"])] == pytest.approx(
            (own["outstanding"], own["not_due"], *own["buckets"]), abs=0.005)
        assert own["outstanding"] > 0 and own["overdue"] > 0 and own["a"] > 0 and own["contacts"] > 0
    total = next(r for r in rows_after_header(wb["团队概览"]) if r[0] == "合计")
    assert total[3] == sum(r[3] for r in overview.values())
    assert overview["张伟"][7] == 5 and total[7] == 5  # the attempts typed above, and only those


def test_results_typed_but_not_yet_refreshed_count_as_the_reps_own(db_url, datasets, tmp_path):
    """A rep types results into 今日拨打 and saves without refreshing; the manager collects that
    evening. The team counts them as the rep's own next refresh will: 已沟通 as contacts, 未接通 as
    an attempt; a result whose 下次拨打 is text that is no date becomes a row with an error in the log,
    left out by the rep's jobs, and so by the team's."""
    path = write(tmp_path / "张伟.xlsx", datasets["A"])
    assert cli("refresh", path).exit_code in (0, 1)
    before = own_figures(path, tmp_path)
    wb = openpyxl.load_workbook(path)
    ws = wb["今日拨打"]
    head = {c.value: i for i, c in enumerate(ws[2])}
    typed = [("已沟通", dt.datetime(2026, 11, 30)), ("已沟通", None), ("未接通", None), ("已沟通", "下周一")]
    rows = [r for r in ws.iter_rows(min_row=3) if r[head["客户编号"]].value][:len(typed)]
    for row, (outcome, nxt) in zip(rows, typed, strict=True):
        row[head["结果"]].value, row[head["下次拨打"]].value = outcome, nxt
    wb.save(path)
    own = own_figures(path, tmp_path)  # a copy refreshed: the results harvested into its log
    assert (own["contacts"], own["attempts"]) == (before["contacts"] + 2, before["attempts"] + 1)
    assert collect(db_url, path).exit_code in (0, 1)
    row = next(r for r in rows_after_header(team_workbook(db_url, tmp_path / "m.xlsx")["团队概览"]) if r[0] == "张伟")
    assert row[6:8] == (own["contacts"], own["attempts"])


def expected_moves(before: list[dict], after: list[dict]) -> dict[str, int]:
    s0 = {f["customer_id"]: funnel_stage(f) for f in before}
    s1 = {f["customer_id"]: funnel_stage(f) for f in after}
    a0 = {f["customer_id"] for f in before if f["abandoned"] == "yes"}
    both = s0.keys() & s1.keys()
    return {"start": len(s0), "advanced": sum(s1[c] > s0[c] for c in both),
            "unchanged": sum(s1[c] == s0[c] for c in both), "regressed": sum(s1[c] < s0[c] for c in both),
            "entered": len(s1.keys() - s0.keys()), "left": len(s0.keys() - s1.keys()),
            "won": sum(s1[c] == 6 and s0.get(c, 0) < 6 for c in s1),
            "lost": sum(f["abandoned"] == "yes" and f["customer_id"] not in a0 for f in after)}


def test_conversion_between_two_snapshots(db_url, books, datasets, later, tmp_path):
    path, data = later
    folder = tmp_path / "reps"
    folder.mkdir()
    for p in books.values():
        shutil.copy(p, folder / p.name)
    assert collect(db_url, folder).exit_code == 0
    shutil.copy(path, folder / "张伟.xlsx")
    # 张伟's book changed; the others are collected again at the later date (unchanged content)
    res = collect(db_url, folder, args=("--as-of", D2.isoformat()))
    assert res.exit_code == 0 and "未变化" not in res.output, res.output
    wb = team_workbook(db_url, tmp_path / "m.xlsx")
    conv = wb["漏斗转化"]
    assert conv[0][0] == f"漏斗转化 · {AS_OF} → {D2}"
    keys = ("start", "advanced", "unchanged", "regressed", "entered", "left", "won", "lost")
    rows = {r[0]: dict(zip(keys, r[1:9])) for r in conv[2:] if r[0] in ("张伟", "李娜", "王芳")}
    want = expected_moves(datasets["A"]["funnel"], data["funnel"])
    assert rows["张伟"] == want
    assert want["advanced"] >= 4 and want["regressed"] >= 1 and want["won"] == 1 and want["lost"] == 1
    assert want["entered"] == 1 and want["left"] == 1
    n = len(datasets["B"]["funnel"])
    assert rows["李娜"] == dict.fromkeys(keys, 0) | {"start": n, "unchanged": n}
    # the 看板's conversion table is the same moves, summed over the team
    dash = wb["看板"]
    assert dash[TABLE_ROW - 1][12] == f"阶段转化 {AS_OF} → {D2}（来自快照）"
    assert sum(dash[TABLE_ROW + 1 + s][13] for s in range(8)) == want["advanced"]
    assert dash[4][14] == f"{want['won']} / {want['lost']}" and dash[3][14] == "成交 / 流失"
    won_rate = next(r for r in conv[2:] if r[0] == "张伟")[9]
    assert won_rate == pytest.approx(want["won"] / (want["won"] + want["lost"]))
    # the from → to matrix counts every funnel customer of the team once
    at = next(i for i, r in enumerate(conv) if r[0] and str(r[0]).startswith("阶段变化"))
    cells = [v for r in conv[at + 2:at + 11] for v in r[1:10] if v is not None]
    team_start = want["start"] + len(datasets["B"]["funnel"]) + len(datasets["C"]["funnel"])
    assert sum(cells) == team_start + want["entered"]
    # an explicit --since before any snapshot: no source has an earlier state
    wb = team_workbook(db_url, tmp_path / "m2.xlsx", "--since", "2020-01-01")
    assert not [r for r in wb["漏斗转化"][2:] if r[0] in ("张伟", "李娜", "王芳")]


TABLE_ROW = 25  # the 看板's conversion table: its title row (1-based), the stages two rows below


def own_dashboard(path: Path):
    """A rep's own 看板 facts, and what its refresh read (cards, grades)."""
    result = jobs.refresh(XlsxBook(path, writable=False), steps=(DASHBOARD,))
    return result.facts[DASHBOARD], result


def test_team_dashboard_sums_each_workbooks_own(db_url, books, tmp_path):
    assert collect(db_url, *books.values()).exit_code == 0
    out = tmp_path / "m.xlsx"
    wb = team_workbook(db_url, out)
    own = {rep: own_dashboard(books[p]) for rep, p, _ in REPS}
    facts = [f for f, _ in own.values()]
    got = chart_series(out, "看板")  # every series refers to cells of 看板 (checked as it reads them)
    assert set(got) == {"crm_funnel", "crm_pareto", "crm_aging", "crm_coverage", "crm_trend"}
    files = parts(out)
    chart_parts = [n for n in files if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
    refs = [re.findall(r"<c:f>([^<]*)</c:f>", files[n].decode()) for n in chart_parts]
    assert len(chart_parts) == 5 and all(r and all(f.startswith("看板!$") for f in r) for r in refs)

    ((_, stages, counts),) = got["crm_funnel"]
    assert len(stages) == 8 and counts == [sum(f.funnel[s] for f in facts) for s in range(8)]
    assert sum(counts) > 0
    ((_, labels, amounts),) = got["crm_aging"]
    assert amounts == pytest.approx([sum(f.aging[i] for f in facts) for i in range(len(labels))], abs=0.005)
    assert sum(amounts) > 0
    (_, reps, shares), (_, _, target) = got["crm_coverage"]
    assert reps == sorted(own) and target == [1.0] * 3
    assert shares == pytest.approx([own[rep][0].coverage[0].share for rep in reps])

    sales = [(res.facts[GRADES].grades.get(cid), c.annual_sales) for _, res in own.values()
             for cid, c in res.loaded.customer_cards().items()]
    want = pareto(x for _, x in sales)
    series = {name: (cats, vals) for name, cats, vals in got["crm_pareto"]}
    assert series["销售额"][0] == pytest.approx([p.customer_share for p in want])
    assert series["销售额"][1] == pytest.approx([round(p.sales, 2) for p in want], abs=0.005)
    assert series["累计占比"][1] == pytest.approx([p.cum_share for p in want])

    kpi = wb["看板"][4]
    total = next(r for r in rows_after_header(wb["团队概览"]) if r[0] == "合计")
    assert kpi[0] == sum(f.customers for f in facts)
    assert kpi[2] == pytest.approx(grade_share(sales))
    assert kpi[4] == pytest.approx(sum(c.contacted for f in facts for c in f.coverage)
                                   / sum(c.customers for f in facts for c in f.coverage))
    assert kpi[6:9:2] == pytest.approx(total[8:10], abs=0.005)  # pipeline and forecast: 团队概览's 合计
    assert kpi[10] == pytest.approx(sum(f.outstanding for f in facts), abs=0.005)
    assert kpi[12] == pytest.approx(sum(f.overdue for f in facts) / sum(f.outstanding for f in facts))
    assert wb["看板"][0][0] == f"销售看板 · 截至 {AS_OF} · 全团队 · 3 个工作簿"
    assert wb["看板"][TABLE_ROW - 1][12] == "阶段转化（只有一个快照日期）"


def test_sqlite_and_postgresql_give_identical_team_workbooks(pg, books, later, tmp_path):
    path, _ = later
    folder = tmp_path / "reps"
    folder.mkdir()
    for p in books.values():
        shutil.copy(p, folder / p.name)
    a_book = folder / books["A"].name
    outs = []
    for n, url in enumerate([str(tmp_path / "team.sqlite"), pg.new_database()]):
        shutil.copy(books["A"], a_book)
        assert collect(url, folder).exit_code == 0
        shutil.copy(path, a_book)
        assert collect(url, folder, args=("--as-of", D2.isoformat())).exit_code == 0
        outs.append(team_workbook(url, tmp_path / f"m{n}.xlsx", "--as-of", D2.isoformat()))
        outs.append(team_workbook(url, tmp_path / f"en{n}.xlsx", "--lang", "en"))
    sqlite_zh, sqlite_en, pg_zh, pg_en = outs
    assert sqlite_zh == pg_zh and sqlite_en == pg_en
    assert list(sqlite_zh) == ["团队概览", "归属争议", "漏斗转化", "账龄汇总", "看板"]
    assert list(sqlite_en) == ["Team Overview", "Ownership Disputes", "Funnel Conversion", "Aging by Rep", "Dashboard"]
    charts_of = [{n: b for n, b in parts(tmp_path / f"m{n}.xlsx").items() if n.startswith("xl/charts/")} for n in (0, 1)]
    assert len(charts_of[0]) == 5 and charts_of[0] == charts_of[1]
    # the trend: the team's state at each snapshot date, the latest one the KPI's 应收余额
    (_, days, outstanding), _ = chart_series(tmp_path / "m0.xlsx", "看板")["crm_trend"]
    assert [d.date() if isinstance(d, dt.datetime) else d for d in days] == [AS_OF, D2]
    assert outstanding[-1] == sqlite_zh["看板"][4][10] and outstanding[0] > 0
    assert len(rows_after_header(sqlite_zh["归属争议"])) == 3
    assert any(r[0] == "张伟" and r[2] for r in sqlite_zh["漏斗转化"][2:])  # moves were found


def test_english_headers_fit_their_cells_in_print(books, tmp_path):
    """The English 团队概览 printed 'Custome|rs' and 'A Customer|s' spilling over the title: each
    header word now fits its column and the header row is as tall as its lines; the one-snapshot
    漏斗转化 says so below a short title instead of in a 16-point title cut off at both ends."""
    from addin.writes import STYLES, fit_widths, text_width, wrapped_lines

    db = str(tmp_path / "team.sqlite")
    assert collect(db, *books.values()).exit_code == 0
    out = tmp_path / "team-en.xlsx"
    assert cli("team", "--db", db, "--out", out, "--lang", "en").exit_code == 0
    wb = openpyxl.load_workbook(out)
    ws = wb["Team overview"] if "Team overview" in wb.sheetnames else wb.worksheets[0]
    heads = [c.value for c in ws[2]]
    assert "Coverage This Month" in heads and "Over-limit Customers" in heads
    widths = {c: d.width for d in ws.column_dimensions.values() for c in range(d.min, d.max + 1)}  # <col> ranges
    for col, head in enumerate(heads, start=1):
        assert max(text_width(w) for w in head.split()) * 1.05 + 1.5 <= widths[col] + 0.01, head
    lines = max(wrapped_lines(h, widths[c], 1.05) for c, h in enumerate(heads, start=1))
    assert lines >= 2 and ws.row_dimensions[2].height == lines * 15
    conv = wb.worksheets[2]
    assert [conv.cell(1, 1).value, conv.cell(2, 1).value] == [
        "Funnel conversion", f"One snapshot date only ({AS_OF}): collect again to compare."]
    # a header that fits on one line keeps the default row; a Chinese one breaks between characters
    from addin.writes import OutputSheet, Styled
    plain = OutputSheet("x", "x", [[Styled("客户编号", "header"), Styled("Customers", "header")]], widths=[12, 12])
    assert fit_widths(plain) is plain and STYLES["header"].wrap
    assert wrapped_lines("本月未接通", 6, 1.05) == 3
    assert wrapped_lines("A\nB", 10) == wrapped_lines("\nB", 10) == 2  # every line of the text is a line
    need_soffice()
    text = tab_pdf_text(out, ws.title, tmp_path)
    assert all(w in text.split() for w in ("Customers", "Over-limit", "Collected", "Unanswered")), text[:400]


def test_team_needs_collected_workbooks_and_refuses_an_existing_file(tmp_path):
    url = str(tmp_path / "empty.sqlite")
    res = cli("team", "--db", url, "--out", tmp_path / "m.xlsx")
    assert res.exit_code == 2 and "no team database" in res.stderr  # never created by crm team
    assert not (tmp_path / "empty.sqlite").exists()
    open_db(url).dispose()  # a database without a collect yet
    res = cli("team", "--db", url, "--out", tmp_path / "m.xlsx")
    assert res.exit_code == 1 and "no workbook collected yet" in res.stderr
    existing = tmp_path / "old.xlsx"
    existing.write_bytes(b"mine")
    res = cli("team", "--db", url, "--out", existing)
    assert res.exit_code == 2 and existing.read_bytes() == b"mine"


def test_a_newer_schema_is_refused(tmp_path):
    url = str(tmp_path / "t.sqlite")
    engine = open_db(url)
    with engine.begin() as conn:
        conn.execute(T.version.update().values(version=T.LATEST + 1))
    engine.dispose()
    res = cli("team", "--db", url, "--out", tmp_path / "m.xlsx")
    assert res.exit_code == 2 and "newer than this crm" in res.stderr


# ------------------------------------------------------------------------------------------ payments, change log

@pytest.fixture(scope="session")
def logged(tmp_path_factory):
    """张伟's workbook refreshed twice, three funnel stages moved up in between: 变更记录 has rows."""
    data = rep_data("张伟", "A", 1, seed=1)
    path = write(tmp_path_factory.mktemp("logged") / "张伟.xlsx", data)
    assert cli("refresh", path).exit_code in (0, 1)
    moves = move_stages(path, 3)
    assert cli("refresh", path).exit_code in (0, 1)
    return path, data, moves


def move_stages(path: Path, n: int) -> dict[str, tuple[str, str]]:
    """Move the first n funnel rows below stage 5 one stage up (typed as the bare key)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["销售漏斗"]
    moves = {}
    for row in ws.iter_rows(min_row=2):
        cid, stage = row[0].value, row[1].value
        if len(moves) < n and stage and funnel_stage({"stage": stage}) < 5:
            old = str(funnel_stage({"stage": stage}))
            row[1].value = str(int(old) + 1)
            moves[cid] = (old, row[1].value)
    wb.save(path)
    return moves


def workbook_log(path: Path) -> list[tuple]:
    rows = [r[:6] for r in read_sheet(path, "变更记录")[1:] if any(v is not None for v in r)]
    return [(r[0].date() if isinstance(r[0], dt.datetime) else r[0], *r[1:]) for r in rows]


def test_payments_and_change_log_are_the_workbooks_own(db_url, logged):
    path, data, moves = logged
    res = collect(db_url, path)
    assert res.exit_code == 0, res.output
    db = dump(db_url)
    keys = ("pay_date", "invoice_no", "customer_id", "amount", "method", "note")
    got = [tuple(getattr(r, k) for k in keys) for r in sorted(db["payments"], key=lambda r: r.seq)]
    assert got == [tuple(p[k] for k in keys) for p in data["payments"]]
    assert len(got) >= 4  # the demo pays some invoices in instalments

    log = sorted(db["changelog"], key=lambda r: r.seq)
    own = workbook_log(path)
    assert [(r.date, r.customer_id, r.field, r.old, r.new, r.owner) for r in log] == own
    stage_moves = {r.customer_id: (r.old_key, r.new_key) for r in log if r.field_key == "stage"}
    assert stage_moves == moves and len(moves) == 3
    assert {r.field for r in log if r.field_key == "stage"} == {"销售进程"}
    assert all(r.date == AS_OF and r.owner == "张伟" for r in log)


def test_recollecting_replaces_payments_and_change_log(db_url, logged, tmp_path):
    path = shutil.copy(logged[0], tmp_path / "张伟.xlsx")
    assert collect(db_url, path).exit_code == 0
    before = dump(db_url)
    again = collect(db_url, path)
    assert again.exit_code == 0 and "1 未变化" in again.output, again.output
    assert dump(db_url) == before
    moved = move_stages(Path(path), 2)  # a third refresh adds rows to 变更记录
    assert cli("refresh", path).exit_code in (0, 1)
    assert collect(db_url, path).exit_code == 0
    after = dump(db_url)
    assert len(after["payments"]) == len(before["payments"])  # replaced, not added again
    assert len(after["changelog"]) > len(before["changelog"])
    assert [(r.date, r.customer_id, r.field, r.old, r.new, r.owner)
            for r in sorted(after["changelog"], key=lambda r: r.seq)] == workbook_log(Path(path))
    new = [r for r in after["changelog"] if r.seq > len(before["changelog"]) and r.field_key == "stage"]
    assert {r.customer_id: (r.old_key, r.new_key) for r in new} == moved


def test_a_version_1_database_migrates_and_keeps_its_rows(db_url, books, logged, monkeypatch):
    from addin.team import collect as C
    from addin.team.db import current_version

    v1 = (T.customers, T.funnel, T.contacts, T.invoices, T.surveys)
    with monkeypatch.context() as m:  # the schema as version 1 left it: no payments, no change log
        m.setattr(T, "MIGRATIONS", {1: T.MIGRATIONS[1]})
        m.setattr(T, "LATEST", 1)
        m.setattr(T, "SOURCE_TABLES", v1)
        engine = open_db(db_url)
        C.collect(engine, [books["B"], logged[0]], workers=1)
        engine.dispose()
    engine = open_db(db_url)  # migrates
    assert current_version(engine) == T.LATEST == 3
    engine.dispose()
    migrated = dump(db_url)
    assert migrated["payments"] == [] and migrated["changelog"] == []
    assert len(migrated["sources"]) == 2 and all(s.content_hash == "" for s in migrated["sources"])
    assert all(migrated[t.name] for t in v1) and migrated["snapshots"]
    # the next collect reads every workbook again, unchanged or not, and fills the new tables
    res = collect(db_url, books["B"], logged[0])
    assert res.exit_code == 0 and "2 已收集" in res.output, res.output
    after = dump(db_url)
    for t in (*v1, T.snapshots):
        assert after[t.name] == migrated[t.name]
    assert after["payments"] and after["changelog"]
    assert [s.id for s in after["sources"]] == [s.id for s in migrated["sources"]]


def test_a_version_2_database_gets_the_attempt_flag_and_reads_every_workbook_again(db_url, books, tmp_path):
    from sqlalchemy import text

    from addin.team.db import current_version

    assert collect(db_url, books["A"]).exit_code == 0
    engine = open_db(db_url)
    with engine.begin() as conn:  # the database as version 2 left it: contacts without attempt
        conn.execute(text("ALTER TABLE contacts DROP COLUMN attempt"))
        conn.execute(T.version.update().values(version=2))
    engine.dispose()
    engine = open_db(db_url)  # migrates
    assert current_version(engine) == 3
    with engine.connect() as conn:
        assert conn.execute(select(T.sources.c.content_hash)).scalars().all() == [""]
        assert conn.execute(select(T.contacts.c.attempt).distinct()).scalars().all() == [None]
    engine.dispose()
    res = collect(db_url, books["A"])  # unchanged, but read again: the rows get the flag
    assert res.exit_code == 0 and "1 已收集" in res.output, res.output
    overview = {r[0]: r for r in rows_after_header(team_workbook(db_url, tmp_path / "m.xlsx")["团队概览"])}
    assert overview["张伟"][7] == 5
