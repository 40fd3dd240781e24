"""The team database: one table per kind of row, every row tagged with its source workbook.

The schema is versioned: ``schema_version`` holds the version a database is at, and
:data:`MIGRATIONS` the DDL that takes it from one version to the next (a new column or table is a
new entry, never an edit of an old one). Dates are DATE columns; the aging arithmetic uses day
numbers (``date.toordinal()``) so SQLite and PostgreSQL compute the same days overdue.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    inspect,
    text,
)

metadata = MetaData()

version = Table("schema_version", metadata, Column("version", Integer, nullable=False))

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("path", String(1000), nullable=False, unique=True),  # the workbook's resolved path: its identity
    Column("owner", String(200), nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("as_of_fixed", Boolean, nullable=False),  # 设置 fixes the as-of date (else: the collect's day)
    Column("lang", String(2), nullable=False),
    Column("collected_at", DateTime, nullable=False),
    Column("errors", Integer, nullable=False),
)


def _src() -> Column:
    return Column("source_id", Integer, ForeignKey("sources.id"), primary_key=True)


customers = Table(
    "customers", metadata, _src(),
    Column("customer_id", String(200), primary_key=True),
    Column("name", Text),
    Column("name_key", Text),
    Column("owner", String(200)),
    Column("phone", String(100)),
    Column("phone_key", String(40)),
    Column("email", String(300)),
    Column("industry", String(200)),
    Column("region", String(200)),
    Column("annual_sales", Float),
    Column("credit_limit", Float),
    Column("payment_terms", Integer),
    Column("abc", String(1)),
    Index("ix_customers_id", "customer_id"),
    Index("ix_customers_name_key", "name_key"),
    Index("ix_customers_phone_key", "phone_key"),
)

funnel = Table(
    "funnel", metadata, _src(),
    Column("customer_id", String(200), primary_key=True),
    Column("stage", Integer),
    Column("contract_status", String(20)),
    Column("intent", String(20)),
    Column("abandoned", Boolean),
    Column("contract_end", Date),
    Column("expected_amount", Float),
    Column("weighted_amount", Float, nullable=False),
    Column("in_pipeline", Boolean, nullable=False),
    Column("next_call", Date),
    Column("heat", String(10)),
    Column("last_contact", Date),
    Column("follow_ups", Integer, nullable=False),
)

contacts = Table(
    "contacts", metadata, _src(),
    Column("seq", Integer, primary_key=True, autoincrement=False),  # the row's order in 联系记录
    Column("date", Date),
    Column("customer_id", String(200), nullable=False),
    Column("channel", String(20)),
    Column("contact", String(200)),
    Column("outcome", Text),
    Column("next_call", Date),
    Column("owner", String(200)),
    Column("attempt", Boolean),  # 结果 未接通 / 拒接: a call that reached nobody (version 3)
    Index("ix_contacts_customer", "source_id", "customer_id"),
)

invoices = Table(
    "invoices", metadata, _src(),
    Column("invoice_no", String(200), primary_key=True),
    Column("customer_id", String(200), nullable=False),
    Column("invoice_date", Date, nullable=False),
    Column("invoice_day", Integer, nullable=False),
    Column("due_date", Date, nullable=False),  # as typed, else 开票日期 + 账期天数
    Column("ref_day", Integer, nullable=False),  # the day aging counts from, by the workbook's 账龄基准
    Column("amount", Float, nullable=False),
    Column("paid", Float),
    Column("open_amount", Float, nullable=False),  # 金额 − 已收金额, rounded to cents
    Column("last_payment", Date),
    Column("owner", String(200)),
)

surveys = Table(
    "surveys", metadata, _src(),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("customer_id", String(200), nullable=False),
    Column("survey_date", Date),
    Column("requested_limit", Float),
    Column("score", Float),
    Column("grade", String(4)),
    Column("suggested_limit", Float),
    Column("approver", String(20)),
)

payments = Table(
    "payments", metadata, _src(),
    Column("seq", Integer, primary_key=True, autoincrement=False),  # the row's order in 收款记录
    Column("pay_date", Date, nullable=False),
    Column("invoice_no", String(200), nullable=False),
    Column("customer_id", String(200)),
    Column("amount", Float, nullable=False),
    Column("method", String(200)),
    Column("note", Text),
    Index("ix_payments_invoice", "source_id", "invoice_no"),
)

changelog = Table(
    "changelog", metadata, _src(),
    Column("seq", Integer, primary_key=True, autoincrement=False),  # the row's order in 变更记录
    Column("date", Date),
    Column("customer_id", String(200)),
    Column("field", Text),  # 字段, 原值, 新值 as the workbook shows them (its language's labels)
    Column("old", Text),
    Column("new", Text),
    Column("owner", String(200)),
    Column("field_key", String(20)),  # the tracked field and its values as keys, any language alike;
    Column("old_key", Text),  # NULL when the row cannot be read (a rep's edit)
    Column("new_key", Text),
    Index("ix_changelog_date", "date"),
)

snapshots = Table(
    "snapshots", metadata, _src(),
    Column("as_of", Date, primary_key=True),
    Column("customer_id", String(200), primary_key=True),
    Column("stage", Integer),  # None: not in the funnel
    Column("heat", String(10)),
    Column("abc", String(1)),
    Column("balance", Float, nullable=False),
    Column("overdue", Float, nullable=False),
    Index("ix_snapshots_as_of", "as_of"),
)

#: the tables a collect replaces for its source (snapshots are kept per as-of date)
SOURCE_TABLES = (customers, funnel, contacts, invoices, surveys, payments, changelog)


def _v1(conn: Connection) -> None:
    metadata.create_all(conn, tables=[sources, customers, funnel, contacts, invoices, surveys, snapshots])


def _v2(conn: Connection) -> None:
    """收款记录 and 变更记录. Every source collected before holds none of them: its content hash is
    cleared so the next collect reads it again even when the file is unchanged."""
    metadata.create_all(conn, tables=[payments, changelog])
    conn.execute(sources.update().values(content_hash=""))


def _v3(conn: Connection) -> None:
    """contacts.attempt: an unanswered call (未接通 / 拒接) is an attempt, not a contact. Every source
    is read again at the next collect (its content hash cleared), so old rows get the flag."""
    if "attempt" not in {c["name"] for c in inspect(conn).get_columns("contacts")}:  # a new database has it
        conn.execute(text("ALTER TABLE contacts ADD COLUMN attempt BOOLEAN"))
    conn.execute(sources.update().values(content_hash=""))


#: version → the step that reaches it from the version before
MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _v1, 2: _v2, 3: _v3}
LATEST = max(MIGRATIONS)
