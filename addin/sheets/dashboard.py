"""看板: KPI boxes, native charts and the conversion table on one landscape A4 page; the cells the
charts draw sit to the right of the printed page."""
from __future__ import annotations

import datetime as dt
from typing import Any

import sheets_schema as S
from sheets_schema import Lang

from ..i18n import pick
from ..writes import Area, Chart, OutputSheet, Series, Styled

WORDS = {
    "title": ("销售看板 · 截至 {date}", "Sales dashboard · as of {date}"),
    "owner": ("业务员：{owner}", "Owner: {owner}"),
    "team": ("全团队 · {n} 个工作簿", "Whole team · {n} workbooks"),
    "team_note": ("由 crm team 从团队数据库生成；图表引用右侧 T 列起的数据", "Made by crm team from the team "
                  "database; the charts draw the cells from column T"),
    "note": ("由插件在每次刷新时生成；图表引用右侧 T 列起的数据", "Made by the add-in at every refresh; the charts "
             "draw the cells from column T"),
    "customers": ("客户数", "Customers"), "a_share": ("A类客户销售占比", "A customers' share of sales"),
    "coverage": ("本月覆盖率", "Coverage this month"), "pipeline": ("在谈金额(4–5阶段)", "Pipeline (stages 4–5)"),
    "forecast": ("加权预测", "Weighted forecast"), "outstanding": ("应收余额", "Outstanding"),
    "overdue_share": ("逾期占比", "Overdue share"), "won": ("本月成交 / 流失", "Won / lost this month"),
    "won_span": ("成交 / 流失", "Won / lost"),
    "dso": ("DSO(天)", "DSO (days)"),
    "funnel": ("销售漏斗：各阶段客户数", "Funnel: customers per stage"), "count": ("客户数", "Customers"),
    "stage": ("销售进程", "Stage"),
    "pareto": ("ABC 帕累托：按排名的销售额", "ABC Pareto: sales by customer rank"),
    "rank_share": ("客户排名占比", "Customers by rank"), "rank": ("排名至", "Up to rank"),
    "sales": ("销售额", "Sales"), "cum": ("累计占比", "Cumulative share"),
    "a_line": ("A类线", "A cut-off"), "b_line": ("B类线", "B cut-off"),
    "aging": ("账龄分布", "Aging by bucket"), "bucket": ("账龄", "Bucket"), "amount": ("金额", "Amount"),
    "not_due": ("未到期", "Not due"), "days": ("{lo}-{hi}天", "{lo}-{hi} days"),
    "days_over": ("{n}天以上", "Over {n} days"),
    "cov_chart": ("本月覆盖率（目标 100%）", "Coverage this month (target 100 %)"),
    "rep": ("业务员", "Owner"), "target": ("目标", "Target"),
    "trend": ("应收趋势（近 12 次刷新）", "Receivables trend (last 12 refreshes)"),
    "trend_team": ("应收趋势（近 12 个快照日期）", "Receivables trend (last 12 snapshot dates)"), "date": ("日期", "Date"),
    "overdue": ("逾期合计", "Overdue"),
    "conv": ("本月阶段转化（来自变更记录）", "Stage conversion this month (from the change log)"),
    "conv_span": ("阶段转化 {a} → {b}（来自快照）", "Stage conversion {a} → {b} (from the snapshots)"),
    "conv_none": ("阶段转化（只有一个快照日期）", "Stage conversion (one snapshot date only)"),
    "advanced": ("本月推进", "Moved on"), "advanced_span": ("推进", "Moved on"), "now": ("当前", "Now"), "rate": ("转化率", "Conversion"),
    "avg_days": ("平均停留天数", "Avg days at stage"),
    "won_lost": ("本月成交 {won} · 流失 {lost}", "Won {won} · lost {lost} this month"),
    "won_lost_span": ("成交 {won} · 流失 {lost}", "Won {won} · lost {lost}"),
    "data": ("图表数据", "Chart data"),
}

WIDTH = 18  # printed columns A–R
COL_WIDTH = 9.0
DATA_COL = 20  # T: the chart data
CHART_ROWS = 18
CHART_SIZE = (404, 356)  # six columns × eighteen rows
TOP = 7  # first chart row
BLUE, ORANGE, GREY, RED, GREEN = "4472C4", "ED7D31", "A5A5A5", "C00000", "70AD47"


def w(key: str, lang: Lang, **kw: Any) -> str:
    return pick(WORDS, key, lang, **kw)


class Grid:
    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], Any] = {}

    def put(self, r: int, c: int, *values: Any) -> None:
        for i, v in enumerate(values):
            self.cells[(r, c + i)] = v

    def rows(self) -> list[list[Any]]:
        nr = max(r for r, _ in self.cells)
        nc = max(c for _, c in self.cells)
        return [[self.cells.get((r, c)) for c in range(1, nc + 1)] for r in range(1, nr + 1)]


class Data:
    """Blocks of chart data stacked down from column T: a header row, then one row per point."""

    def __init__(self, grid: Grid, lang: Lang) -> None:
        self.grid, self.row = grid, 1
        grid.put(1, DATA_COL, Styled(w("data", lang), "section"))
        self.row = 3

    def block(self, headers: list[str], rows: list[list[Any]], styles: list[str]) -> tuple[int, int]:
        """Place a block; returns (first data row, last data row)."""
        top = self.row
        self.grid.put(top, DATA_COL, *(Styled(h, "header") for h in headers))
        for i, row in enumerate(rows, start=1):
            self.grid.put(top + i, DATA_COL, *(Styled(v, st) for v, st in zip(row, styles)))
        self.row = top + len(rows) + 2
        return top + 1, top + max(len(rows), 1)


def col_area(first: int, last: int, offset: int) -> Area:
    return (first, DATA_COL + offset, last, DATA_COL + offset)


def live_area(first: int, last: int, c1: int, c2: int) -> Area:
    """A block with its header row, columns ``c1``–``c2`` counted from T."""
    return (first - 1, DATA_COL + c1, last, DATA_COL + c2)


def bucket_labels(bounds: tuple[int, ...], lang: Lang) -> list[str]:
    out, lo = [w("not_due", lang)], 1
    for hi in bounds:
        out.append(w("days", lang, lo=lo, hi=hi))
        lo = hi + 1
    return [*out, w("days_over", lang, n=bounds[-1])]


def _team(f: Any) -> bool:
    return getattr(f, "books", None) is not None


def _kpis(f: Any, lang: Lang) -> list[tuple[str, Any, str]]:
    out = [("customers", f.customers, "kpi_int"), ("a_share", f.a_share, "kpi_percent"),
           ("coverage", f.total_coverage, "kpi_percent"), ("pipeline", f.pipeline, "kpi_money"),
           ("forecast", f.forecast, "kpi_money"), ("outstanding", f.outstanding, "kpi_money"),
           ("overdue_share", f.overdue_share, "kpi_percent"),
           ("won_span" if _team(f) else "won", f"{f.conversion.won} / {f.conversion.lost}", "kpi_text")]
    if f.dso is not None:
        out.append(("dso", round(f.dso, 1), "kpi_number"))
    return [(w(k, lang), v, st) for k, v, st in out]


def dashboard_sheet(f: Any, as_of: dt.date, settings: Any, lang: Lang, tab: str) -> OutputSheet:
    """``f`` is the step's DashboardFacts (a rep's workbook), or the team's (``f.books`` set)."""
    g = Grid()
    title = w("title", lang, date=as_of.isoformat()) + (" · " + w("owner", lang, owner=f.owner) if f.owner else "")
    if _team(f):
        title += " · " + w("team", lang, n=f.books)
    g.put(1, 1, Styled(title, "title"))
    g.put(2, 1, Styled(w("team_note" if _team(f) else "note", lang), "subtitle"))
    kpis = _kpis(f, lang)
    span = 2 if len(kpis) <= WIDTH // 2 else 1
    merges = [(1, 1, 1, WIDTH), (2, 1, 2, WIDTH)]
    for n, (label, value, style) in enumerate(kpis):
        c = 1 + n * span
        g.put(4, c, Styled(label, "kpi_label"), Styled(None, "kpi_label"))
        g.put(5, c, Styled(value, style), Styled(None, style))
        merges += [(4, c, 4, c + span - 1), (5, c, 5, c + span - 1)]

    data = Data(g, lang)
    charts: list[Chart] = []
    stages = [c.label(lang) for c in S.FUNNEL.col("stage").choices]
    a, b = data.block([w("stage", lang), w("count", lang)], [[s, n] for s, n in zip(stages, f.funnel)],
                      ["text", "int"])
    charts.append(Chart("funnel", "bar", w("funnel", lang),
                        (Series(w("count", lang), col_area(a, b, 0), col_area(a, b, 1), color=BLUE),),
                        (TOP, 1), CHART_SIZE, reverse_categories=True, live=("bar_clustered", live_area(a, b, 0, 1))))

    pts = f.pareto or []
    a, b = data.block([w("rank_share", lang), w("cum", lang), w("a_line", lang), w("b_line", lang),
                       w("sales", lang), w("rank", lang)],
                      [[p.customer_share, p.cum_share, f.cutoffs[0], f.cutoffs[1], round(p.sales, 2), p.last_rank]
                       for p in pts], ["percent", "percent", "percent", "percent", "money", "int"])
    cats = col_area(a, b, 0)
    charts.append(Chart("pareto", "column", w("pareto", lang), (
        Series(w("sales", lang), cats, col_area(a, b, 4), color=BLUE),
        Series(w("cum", lang), cats, col_area(a, b, 1), kind="line", secondary=True, color=ORANGE),
        Series(w("a_line", lang), cats, col_area(a, b, 2), kind="line", secondary=True, color=RED),
        Series(w("b_line", lang), cats, col_area(a, b, 3), kind="line", secondary=True, color=GREY)),
        (TOP, 7), CHART_SIZE, category_format="0%", live=("line", live_area(a, b, 0, 3))))

    labels = bucket_labels(f.bounds, lang)
    a, b = data.block([w("bucket", lang), w("amount", lang)], [[x, y] for x, y in zip(labels, f.aging)],
                      ["text", "money"])
    charts.append(Chart("aging", "column", w("aging", lang),
                        (Series(w("amount", lang), col_area(a, b, 0), col_area(a, b, 1), color=ORANGE),),
                        (TOP, 13), CHART_SIZE, live=("column_clustered", live_area(a, b, 0, 1))))

    a, b = data.block([w("rep", lang), w("coverage", lang), w("target", lang)],
                      [[c.owner, c.share, 1.0] for c in f.coverage], ["text", "percent", "percent"])
    charts.append(Chart("coverage", "column", w("cov_chart", lang), (
        Series(w("coverage", lang), col_area(a, b, 0), col_area(a, b, 1), color=GREEN),
        Series(w("target", lang), col_area(a, b, 0), col_area(a, b, 2), kind="line", color=RED)),
        (TOP + CHART_ROWS, 1), CHART_SIZE, percent_axis=True, live=("column_clustered", live_area(a, b, 0, 2))))

    a, b = data.block([w("date", lang), w("outstanding", lang), w("overdue", lang)],
                      [[d, x, y] for d, x, y in f.trend], ["date", "money", "money"])
    charts.append(Chart("trend", "line", w("trend_team" if _team(f) else "trend", lang), (
        Series(w("outstanding", lang), col_area(a, b, 0), col_area(a, b, 1), color=BLUE),
        Series(w("overdue", lang), col_area(a, b, 0), col_area(a, b, 2), color=RED)),
        (TOP + CHART_ROWS, 7), CHART_SIZE, category_format="yyyy-mm-dd", live=("line", live_area(a, b, 0, 2))))

    # the conversion table, printed beside the trend
    r0, c0 = TOP + CHART_ROWS, 13
    if not _team(f):
        conv_title = w("conv", lang)
    elif f.span is None:
        conv_title = w("conv_none", lang)
    else:
        conv_title = w("conv_span", lang, a=f.span[0].isoformat(), b=f.span[1].isoformat())
    g.put(r0, c0, Styled(conv_title, "section"), *[Styled(None, "section")] * 5)
    merges.append((r0, c0, r0, c0 + 5))
    g.put(r0 + 1, c0, *(Styled(h, "header") for h in (w("stage", lang), w("advanced_span" if _team(f) else "advanced", lang), w("now", lang),
                                                        w("rate", lang), w("avg_days", lang))),
          Styled(None, "header"))
    merges.append((r0 + 1, c0 + 4, r0 + 1, c0 + 5))
    conv = f.conversion
    for s in range(8):
        r = r0 + 2 + s
        days = f.days[s]
        g.put(r, c0, Styled(str(s), "box_text"), Styled(conv.advanced[s], "box_int"), Styled(f.at_stage[s], "box_int"),
              Styled(None if _team(f) and f.span is None else conv.rate(s, f.at_stage[s]), "box_percent"),
              Styled(None if days is None else round(days, 1), "box_number"), Styled(None, "box_number"))
        merges.append((r, c0 + 4, r, c0 + 5))
    won_lost = w("won_lost_span" if _team(f) else "won_lost", lang, won=conv.won, lost=conv.lost)
    g.put(r0 + 11, c0, Styled(won_lost, "label"), *[Styled(None, "label")] * 5)
    merges.append((r0 + 11, c0, r0 + 11, c0 + 5))
    last = TOP + 2 * CHART_ROWS
    g.put(last, 1, None)
    widths = [COL_WIDTH] * WIDTH + [2.0] + [22.0, 14.0, 12.0, 12.0, 14.0, 10.0]
    return OutputSheet(S.DASHBOARD.key, tab, g.rows(), widths=widths, merges=merges,
                       row_heights={1: 26, 4: 30, 5: 30}, landscape=True, fit_page=True,
                       print_area=(1, 1, last, WIDTH), charts=charts)
