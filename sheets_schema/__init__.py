"""The workbook contract: every sheet, column, alias, type and allowed value.

One module per sheet; this package is the single source the template builder,
the reader, the validator and both engines use.
"""
from . import contacts, credit_survey, customers, funnel, orders, outputs, payments, receivables, settings
from .base import COMPUTED_NOTE, LANGS, Choice, Column, Kind, Lang, SheetSpec, fold
from .outputs import aging_columns, bucket_columns
from .records import Record, blank, record, record_type

SETTINGS = settings.SHEET
CUSTOMERS = customers.SHEET
FUNNEL = funnel.SHEET
CONTACTS = contacts.SHEET
SURVEY = credit_survey.SHEET
RECEIVABLES = receivables.SHEET
PAYMENTS = payments.SHEET
ORDERS = orders.SHEET
CALL_LIST = outputs.CALL_LIST
CREDIT_FORM = outputs.CREDIT_FORM
AGING = outputs.AGING
STATEMENT = outputs.STATEMENT
DUNNING_LOG = outputs.DUNNING_LOG
VALIDATION = outputs.VALIDATION
DASHBOARD = outputs.DASHBOARD
CHANGELOG = outputs.CHANGELOG
SNAPSHOT = outputs.SNAPSHOT
DAILY = outputs.DAILY

SHEETS = outputs.SHEETS
#: the sheets a user fills, 设置 first (read first; its problems head 校验结果), then in tab order
INPUT_SHEETS: tuple[SheetSpec, ...] = (SETTINGS, *(s for s in SHEETS if not s.output and s is not SETTINGS))
#: the sheets the add-in writes whole, in tab order
OUTPUT_SHEETS: tuple[SheetSpec, ...] = tuple(s for s in SHEETS if s.output)
#: output sheets the add-in reads back: its memory between refreshes
MEMORY_SHEETS: tuple[SheetSpec, ...] = tuple(s for s in SHEETS if s.memory)
ALL_SHEETS: tuple[SheetSpec, ...] = INPUT_SHEETS + OUTPUT_SHEETS
BY_KEY = {s.key: s for s in ALL_SHEETS}


def sheet_for_name(name: str) -> SheetSpec | None:
    """The sheet a workbook tab name stands for, in any language."""
    f = fold(name)
    for spec in ALL_SHEETS:
        if f in {fold(n) for n in spec.names()}:
            return spec
    return None


__all__ = [
    "ALL_SHEETS", "SHEETS", "AGING", "aging_columns", "bucket_columns", "BY_KEY", "CALL_LIST", "COMPUTED_NOTE", "CONTACTS", "CREDIT_FORM",
    "CUSTOMERS", "CHANGELOG", "DAILY", "DASHBOARD", "DUNNING_LOG", "MEMORY_SHEETS", "SNAPSHOT", "Choice", "Column", "FUNNEL",
    "INPUT_SHEETS", "Kind", "LANGS", "Lang", "ORDERS",
    "OUTPUT_SHEETS", "PAYMENTS", "RECEIVABLES", "STATEMENT", "SETTINGS", "SURVEY", "SheetSpec", "VALIDATION", "fold",
    "sheet_for_name", "Record", "record_type", "record", "blank",
]
