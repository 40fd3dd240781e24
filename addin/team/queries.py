"""The team's figures as SQL aggregates: the database sums, Python only lays out the results.

Every query is SQLAlchemy Core over the tables in :mod:`schema`, the same on SQLite and
PostgreSQL. Money is rounded to cents once the sums come back, so both give the same workbook.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, and_, case, exists, func, literal, literal_column, null, or_, select, union_all

from ..core.calls import MAX_TRIES
from . import schema as T

C, F, K, INV, SN, SRC = T.customers.c, T.funnel.c, T.contacts.c, T.invoices.c, T.snapshots.c, T.sources.c


@dataclass(frozen=True)
class Source:
    id: int
    owner: str
    workbook: str
    as_of: dt.date


@dataclass(frozen=True)
class RepFigures:
    source: Source
    customers: int
    a_customers: int
    covered: int  # customers of the book contacted this month up to the as-of date
    contacts: int
    pipeline: float
    forecast: float
    outstanding: float
    overdue: float
    over_limit: int
    book: int = 0  # customers not dropped (热度 拒绝): the month's book, as the rep's call list counts it
    attempts: int = 0  # calls this month nobody answered (未接通 / 拒接): not in ``contacts``

    @property
    def coverage(self) -> float | None:
        return self.covered / self.book if self.book else None


@dataclass(frozen=True)
class RepAging:
    source: Source
    outstanding: float
    not_due: float
    buckets: tuple[float, ...]

    @property
    def overdue(self) -> float:
        return round(sum(self.buckets), 2)


@dataclass(frozen=True)
class Side:
    owner: str
    customer_id: str
    name: str | None
    last_contact: dt.date | None
    sales: float | None


@dataclass(frozen=True)
class Dispute:
    matched: tuple[str, ...]  # of "id", "name", "phone"
    a: Side
    b: Side


@dataclass(frozen=True)
class Move:
    source: Source
    stage_from: int | None  # None: not in the funnel (or not a customer) at the start
    stage_to: int | None
    lost: bool  # became Denial (放弃, or poor intent after the persistence)
    customers: int


def money(x) -> float:
    return round(float(x or 0) + 0.0, 2)


def sources(conn: Connection) -> dict[int, Source]:
    rows = conn.execute(select(SRC.id, SRC.owner, SRC.path, SRC.as_of).order_by(SRC.owner, SRC.path))
    return {r.id: Source(r.id, r.owner, Path(r.path).name, r.as_of) for r in rows}


def latest_as_of(conn: Connection) -> dt.date | None:
    return conn.execute(select(func.max(SRC.as_of))).scalar()


def _open_invoices(as_of: dt.date):
    """Open items as of the date: debits and credits (credit notes, overpayments: open < 0), which
    net the balance as in the rep's own 账龄分析; the overdue figures and buckets count debits only."""
    return and_(INV.open_amount != 0, INV.invoice_day <= as_of.toordinal())


DEBIT = INV.open_amount > 0


def _days(as_of: dt.date):
    return literal(as_of.toordinal()) - INV.ref_day


def rep_figures(conn: Connection, srcs: dict[int, Source], as_of: dt.date) -> list[RepFigures]:
    month = as_of.replace(day=1)
    cust = dict((r[0], r[1:]) for r in conn.execute(
        select(C.source_id, func.count(), func.sum(case((C.abc == "A", 1), else_=0))).group_by(C.source_id)))
    dropped = (select(F.source_id, F.customer_id).where(F.heat == "denial")).subquery()
    not_dropped = ~exists().where(dropped.c.source_id == C.source_id, dropped.c.customer_id == C.customer_id)
    book = dict(conn.execute(select(C.source_id, func.count()).where(not_dropped).group_by(C.source_id)).all())
    in_month = and_(K.date >= month, K.date <= as_of)
    # 未接通 / 拒接 are attempts, not contacts (NULL: collected before version 3, read as a contact);
    # a customer tried MAX_TRIES times this month counts as reached by attempt, as on the rep's list
    tried = func.coalesce(K.attempt, False)
    cont = dict((r[0], r[1:]) for r in conn.execute(
        select(K.source_id, func.sum(case((tried, 0), else_=1)), func.sum(case((tried, 1), else_=0)))
        .where(in_month).group_by(K.source_id)))
    by_attempt = (select(K.source_id, K.customer_id).where(in_month, tried)
                  .group_by(K.source_id, K.customer_id).having(func.count() >= MAX_TRIES)).subquery()
    reached = dict(conn.execute(
        select(C.source_id, func.count())
        .where(not_dropped, or_(
            exists().where(K.source_id == C.source_id, K.customer_id == C.customer_id, in_month, ~tried),
            exists().where(by_attempt.c.source_id == C.source_id, by_attempt.c.customer_id == C.customer_id)))
        .group_by(C.source_id)).all())
    fun = dict((r[0], r[1:]) for r in conn.execute(
        select(F.source_id, func.sum(case((F.in_pipeline, F.expected_amount), else_=0.0)),
               func.sum(F.weighted_amount)).group_by(F.source_id)))
    days = _days(as_of)
    inv = dict((r[0], r[1:]) for r in conn.execute(
        select(INV.source_id, func.sum(INV.open_amount), func.sum(case((and_(DEBIT, days > 0), INV.open_amount), else_=0.0)))
        .where(_open_invoices(as_of)).group_by(INV.source_id)))
    per_customer = (select(INV.source_id, INV.customer_id, func.sum(INV.open_amount).label("balance"))
                    .where(_open_invoices(as_of)).group_by(INV.source_id, INV.customer_id).subquery())
    over = dict(conn.execute(
        select(per_customer.c.source_id, func.count())
        .select_from(per_customer.join(T.customers, and_(C.source_id == per_customer.c.source_id,
                                                         C.customer_id == per_customer.c.customer_id)))
        .where(C.credit_limit.is_not(None), per_customer.c.balance > C.credit_limit + 0.005)
        .group_by(per_customer.c.source_id)).all())
    out = []
    for sid, src in srcs.items():
        n, a = cust.get(sid, (0, 0))
        contacts, attempts = cont.get(sid, (0, 0))
        pipeline, forecast = fun.get(sid, (0, 0))
        outstanding, overdue = inv.get(sid, (0, 0))
        out.append(RepFigures(src, n, int(a or 0), reached.get(sid, 0), int(contacts or 0), money(pipeline),
                              money(forecast), money(outstanding), money(overdue), over.get(sid, 0), book.get(sid, 0),
                              int(attempts or 0)))
    return out


def rep_aging(conn: Connection, srcs: dict[int, Source], as_of: dt.date, bounds: tuple[int, ...]) -> list[RepAging]:
    days = _days(as_of)
    lows = (0, *bounds)
    cols = [func.sum(INV.open_amount), func.sum(case((and_(DEBIT, days <= 0), INV.open_amount), else_=0.0))]
    for lo, hi in zip(lows, bounds):
        cols.append(func.sum(case((and_(DEBIT, days > lo, days <= hi), INV.open_amount), else_=0.0)))
    cols.append(func.sum(case((and_(DEBIT, days > bounds[-1]), INV.open_amount), else_=0.0)))
    got = {r[0]: r[1:] for r in conn.execute(select(INV.source_id, *cols).where(_open_invoices(as_of))
                                            .group_by(INV.source_id))}
    out = []
    for sid, src in srcs.items():
        vals = got.get(sid, (0,) * (len(bounds) + 3))
        out.append(RepAging(src, money(vals[0]), money(vals[1]), tuple(money(v) for v in vals[2:])))
    return out


def disputes(conn: Connection, srcs: dict[int, Source]) -> list[Dispute]:
    """Customers in two reps' workbooks: the same 客户编号, normalised name or phone."""
    a, b = T.customers.alias("a"), T.customers.alias("b")
    sa, sb = T.sources.alias("sa"), T.sources.alias("sb")

    def pairs(rule: str, on):
        return (select(a.c.source_id.label("sa"), a.c.customer_id.label("ca"), b.c.source_id.label("sb"),
                       b.c.customer_id.label("cb"), literal(rule).label("rule"))
                .select_from(a.join(b, and_(on, a.c.source_id < b.c.source_id))
                             .join(sa, sa.c.id == a.c.source_id).join(sb, sb.c.id == b.c.source_id))
                .where(sa.c.owner != sb.c.owner))

    found = union_all(pairs("id", a.c.customer_id == b.c.customer_id),
                      pairs("name", and_(a.c.name_key == b.c.name_key, a.c.name_key.is_not(None))),
                      pairs("phone", and_(a.c.phone_key == b.c.phone_key, a.c.phone_key.is_not(None)))).subquery()
    flags = [func.max(case((found.c.rule == r, 1), else_=0)).label(r) for r in ("id", "name", "phone")]
    grouped = (select(found.c.sa, found.c.ca, found.c.sb, found.c.cb, *flags)
               .group_by(found.c.sa, found.c.ca, found.c.sb, found.c.cb).subquery())
    last = select(K.source_id, K.customer_id, func.max(K.date).label("last")).group_by(K.source_id,
                                                                                       K.customer_id).subquery()
    ca, cb = T.customers.alias("ca"), T.customers.alias("cb")
    la, lb = last.alias("la"), last.alias("lb")
    q = (select(grouped, ca.c.name.label("name_a"), ca.c.annual_sales.label("sales_a"), la.c.last.label("last_a"),
                cb.c.name.label("name_b"), cb.c.annual_sales.label("sales_b"), lb.c.last.label("last_b"))
         .select_from(grouped
                      .join(ca, and_(ca.c.source_id == grouped.c.sa, ca.c.customer_id == grouped.c.ca))
                      .join(cb, and_(cb.c.source_id == grouped.c.sb, cb.c.customer_id == grouped.c.cb))
                      .outerjoin(la, and_(la.c.source_id == grouped.c.sa, la.c.customer_id == grouped.c.ca))
                      .outerjoin(lb, and_(lb.c.source_id == grouped.c.sb, lb.c.customer_id == grouped.c.cb))))
    out = []
    for r in conn.execute(q):
        matched = tuple(k for k in ("id", "name", "phone") if getattr(r, k))
        side_a = Side(srcs[r.sa].owner, r.ca, r.name_a, r.last_a, r.sales_a)
        side_b = Side(srcs[r.sb].owner, r.cb, r.name_b, r.last_b, r.sales_b)
        if (side_b.owner, side_b.customer_id) < (side_a.owner, side_a.customer_id):
            side_a, side_b = side_b, side_a
        out.append(Dispute(matched, side_a, side_b))
    return sorted(out, key=lambda d: (d.a.owner, d.b.owner, d.a.customer_id, d.b.customer_id))


def snapshot_dates(conn: Connection) -> list[dt.date]:
    return [r[0] for r in conn.execute(select(SN.as_of).distinct().order_by(SN.as_of))]


def _state_at(day: dt.date, name: str):
    """Each source's snapshot rows of its latest snapshot on or before ``day``."""
    latest = (select(SN.source_id, func.max(SN.as_of).label("as_of")).where(SN.as_of <= day)
              .group_by(SN.source_id).subquery())
    return (select(SN.source_id, SN.customer_id, SN.stage, SN.heat)
            .select_from(T.snapshots.join(latest, and_(SN.source_id == latest.c.source_id,
                                                       SN.as_of == latest.c.as_of)))
            .subquery(name))


def moves(conn: Connection, srcs: dict[int, Source], since: dt.date, to: dt.date) -> list[Move]:
    """Stage moves per source between its states at ``since`` and at ``to`` (sources with both)."""
    a, b = _state_at(since, "s0"), _state_at(to, "s1")
    both = select(a.c.source_id).intersect(select(b.c.source_id))
    lost_b = and_(b.c.heat == "denial", or_(a.c.heat.is_(None), a.c.heat != "denial"))
    lost = case((lost_b, 1), else_=0).label("lost")
    forward = (select(b.c.source_id, a.c.stage.label("s0"), b.c.stage.label("s1"), lost, func.count().label("n"))
               .select_from(b.outerjoin(a, and_(a.c.source_id == b.c.source_id, a.c.customer_id == b.c.customer_id)))
               .where(b.c.source_id.in_(both), or_(a.c.stage.is_not(None), b.c.stage.is_not(None)))
               .group_by(b.c.source_id, a.c.stage, b.c.stage, lost))
    gone = (select(a.c.source_id, a.c.stage.label("s0"), null().label("s1"), literal_column("0").label("lost"),
                   func.count().label("n"))
            .where(a.c.source_id.in_(both), a.c.stage.is_not(None),
                   ~exists().where(b.c.source_id == a.c.source_id, b.c.customer_id == a.c.customer_id))
            .group_by(a.c.source_id, a.c.stage))
    rows = conn.execute(union_all(forward, gone)).all()
    merged: dict[tuple, int] = {}
    for sid, s0, s1, is_lost, n in rows:
        key = (sid, s0, s1, bool(is_lost))
        merged[key] = merged.get(key, 0) + n
    return [Move(srcs[sid], s0, s1, is_lost, n)
            for (sid, s0, s1, is_lost), n in sorted(merged.items(), key=lambda kv: (
                srcs[kv[0][0]].owner, srcs[kv[0][0]].workbook, -1 if kv[0][1] is None else kv[0][1],
                -1 if kv[0][2] is None else kv[0][2], kv[0][3]))]


# ------------------------------------------------------------------------------------------ 看板

def funnel_counts(conn: Connection) -> list[int]:
    """Funnel rows per stage 0–7 over the team, 放弃 rows left out (the rep's 看板 rule)."""
    counts = [0] * 8
    for stage, n in conn.execute(select(F.stage, func.count()).where(F.stage.is_not(None), F.abandoned.is_(False))
                                 .group_by(F.stage)):
        if 0 <= stage < 8:
            counts[stage] = n
    return counts


def sales_share(conn: Connection, grade: str = "A") -> float | None:
    """Σ 年销售额 of the ``grade`` customers ÷ Σ of all positive 年销售额, over the team."""
    part, total = conn.execute(select(func.sum(case((C.abc == grade, C.annual_sales), else_=0.0)),
                                      func.sum(C.annual_sales)).where(C.annual_sales > 0)).one()
    return money(part) / money(total) if total else None


def pareto_groups(conn: Connection, points: int) -> list[tuple[int, float]]:
    """The team's customers ranked by 年销售额 (positive only) in at most ``points`` equal groups of
    ranks, as (last rank, the group's sales): rank i is in group ⌊(i−1)·k / n⌋ + 1, which is the
    grouping of core.dashboard.pareto. Ties rank in any order: their sales are equal."""
    n = conn.execute(select(func.count()).where(C.annual_sales > 0)).scalar() or 0
    if not n:
        return []
    k = min(n, points)
    ranked = select(C.annual_sales.label("x"), func.row_number().over(
        order_by=(C.annual_sales.desc(), C.source_id, C.customer_id)).label("i")).where(C.annual_sales > 0).subquery()
    group = ((ranked.c.i - 1) * k // literal(n) + 1).label("g")
    rows = conn.execute(select(group, func.max(ranked.c.i), func.sum(ranked.c.x)).group_by(group).order_by(group))
    return [(last, money(x)) for _, last, x in rows]


def balance_trend(conn: Connection, as_of: dt.date, points: int) -> list[tuple[dt.date, float, float]]:
    """(date, Σ 未收余额, Σ 逾期) of the team's state at each of the last ``points`` snapshot dates on
    or before ``as_of`` (each source's latest snapshot on or before the date)."""
    out = []
    for day in [d for d in snapshot_dates(conn) if d <= as_of][-points:]:
        latest = (select(SN.source_id, func.max(SN.as_of).label("as_of")).where(SN.as_of <= day)
                  .group_by(SN.source_id).subquery())
        balance, overdue = conn.execute(
            select(func.sum(SN.balance), func.sum(SN.overdue))
            .select_from(T.snapshots.join(latest, and_(SN.source_id == latest.c.source_id,
                                                       SN.as_of == latest.c.as_of)))).one()
        out.append((day, money(balance), money(overdue)))
    return out
