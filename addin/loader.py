"""Read a workbook (through any Book adapter) into typed tables and settings."""
from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field

import sheets_schema as S
from sheets_schema import Lang, Record, SheetSpec, fold
from sheets_schema.settings import DAY_KIND, HOLIDAY_HEADER, PARAMS_BY_KEY

from .core import parse as p
from .core.harvest import harvest, listed
from .core.settings import Settings, default_text, lookup_param, out_of_order, parse_param
from .io.model import Book
from .issues import Issue
from .messages import message
from .table import Table, UnusableInput, find_header, read_table
from .validate.rules import validate
from .view import Sheet, sheet

#: sheets without which no job can run
REQUIRED = ("customers",)


class DataError(Exception):
    """A job cannot do what was asked because of the data (exit 1, nothing written)."""


@dataclass(frozen=True, eq=False)
class Loaded:
    """The workbook as the steps see it: read once, validated, not changed afterwards.

    Every input sheet is a validated :class:`~addin.view.Sheet` (an absent one empty); the
    settings, the date and the rep the run is for are resolved here, once."""

    label: str
    lang: Lang
    tabs: dict[str, str]  # sheet key → tab name as found in the workbook
    sheets: dict[str, Sheet]  # input sheet key → the sheet, validated
    settings: Settings
    #: the date the run is as of: --as-of, else 设置's 基准日期, else today — resolved once, in load
    as_of: dt.date
    #: the 业务员 the run is for (crm refresh --owner; None: everyone), checked against the cards
    owner: str | None = None
    #: every issue of reading and validation: the workbook's (sheets missing, output names taken),
    #: then each sheet's
    issues: tuple[Issue, ...] = ()
    out_tabs: dict[str, str] = field(default_factory=dict)  # output key → tab to write (may not exist yet)
    call_results: list[dict] = field(default_factory=list)  # results typed in 今日拨打, to harvest
    memory: dict[str, Sheet] = field(default_factory=dict)  # the add-in's own sheets it reads back, by key
    #: the current 今日拨打: the day it was made for and every customer on it (undone calls)
    call_listed: tuple[dt.date | None, tuple[str, ...]] = (None, ())
    _cards: dict[str, Record] = field(default_factory=dict, repr=False)

    def tab(self, spec: SheetSpec) -> str:
        """The tab name to use for a sheet: the existing one, else one in the workbook's language
        (for an output sheet, a free one when a user's sheet has that name)."""
        return self.tabs.get(spec.key) or self.out_tabs.get(spec.key) or spec.name(self.lang)

    def sheet(self, key: str) -> Sheet:
        return self.sheets[key]

    def customer_cards(self) -> dict[str, Record]:
        """Customer ID → card values, for every row with a usable ID (the first of duplicates;
        rows with errors elsewhere included, their invalid cells blank). Built once."""
        if not self._cards:
            for row in self.sheets["customers"].records(with_errors=True):
                cid = row.customer_id
                if cid is not None and cid not in self._cards:
                    self._cards[cid] = row
        return self._cards

    def release(self) -> None:
        """Drop the typed tables once the plan is built (the write phase does not need them)."""
        for t in self.sheets.values():
            t.release()
        self._cards.clear()

    def all_issues(self) -> list[Issue]:
        return list(self.issues)


def find_tabs(names: list[str]) -> dict[str, str]:
    """Sheet key → tab name. Two tabs that both name one input sheet (聯繫記錄 and 联系记录,
    Customers and ＣＵＳＴＯＭＥＲＳ) are unusable input: which one holds the data is the user's
    call, never a silent pick."""
    tabs: dict[str, str] = {}
    for name in names:
        spec = S.sheet_for_name(name)
        if spec is None:
            continue
        if spec.output:
            continue  # output sheets are found by their mark (see output_tabs), never by name alone
        if spec.key in tabs:
            raise UnusableInput(f"sheets '{tabs[spec.key]}' and '{name}' are both the {spec.zh} ({spec.en}) "
                                "sheet; rename or delete one")
        tabs[spec.key] = name
    return tabs


def _made_by_the_addin(book: Book, name: str, spec: SheetSpec) -> bool:
    """Whether an unmarked sheet is an output sheet made before sheets were marked (its title, or
    its header row as the template writes it), or empty — only then may it be regenerated."""
    head = [row for _, row in zip(range(3), book.read_rows(name))]
    texts = [v.strip() for row in head for v in row if isinstance(v, str) and v.strip()]
    if not texts:
        return True
    if spec.titles and any(t.startswith(spec.titles) for t in texts):
        return True
    if spec.columns:
        labels = {fold(a) for c in spec.columns for a in c.aliases()}
        first = [fold(v) for v in (head[0] if head else []) if isinstance(v, str) and v.strip()]
        hits = sum(f in labels for f in first)
        return hits >= 3 and 2 * hits >= len(first)
    return False


def free_name(want: str, taken: set[str]) -> str:
    folded = {fold(t) for t in taken}
    n = 2
    while fold(f"{want}{n}") in folded:
        n += 1
    return f"{want}{n}"


def output_tabs(book: Book, names: list[str], lang: Lang) -> tuple[dict[str, str], dict[str, str], list[Issue]]:
    """(existing output key → tab, output key → tab to write, warnings).

    A sheet is the add-in's when it carries the add-in's mark; an unmarked sheet with the output's
    exact name, as a worksheet made by the add-in before marks existed (or empty), is adopted.
    Any other sheet is the user's and is left alone: the output takes a free name, with a warning."""
    owned = book.owned_sheets()
    charts = book.chart_sheets()
    claimed = set(owned.values())
    existing: dict[str, str] = {}
    target: dict[str, str] = {}
    issues: list[Issue] = []
    taken = set(names)
    for spec in S.OUTPUT_SHEETS:
        if spec.key in owned:
            existing[spec.key] = target[spec.key] = owned[spec.key]
            continue
        want = spec.name(lang)
        if want not in taken:
            target[spec.key] = want
            continue
        if want not in charts and want not in claimed and _made_by_the_addin(book, want, spec):
            existing[spec.key] = target[spec.key] = want
            continue
        name = free_name(want, taken | set(target.values()))
        target[spec.key] = name
        issues.append(Issue("warning", want, None, None, "", "", "output_name_taken",
                            message("output_name_taken", lang, name=name)))
    return existing, target, issues


def detect_lang(tabs: dict[str, str]) -> Lang:
    name = tabs.get("customers")
    return "en" if name is not None and fold(name) == fold(S.CUSTOMERS.en) else "zh"


def empty_table(spec: SheetSpec, lang: Lang) -> Table:
    return Table(spec, spec.name(lang), lang, 1, {}, {})


def read_settings(table: Table) -> tuple[Settings, list[Issue]]:
    """设置 as typed → the settings, and the issues of the rows that fall back to their defaults
    (bad settings do not exclude any data row)."""
    values: dict[str, object] = {}
    rows: dict[str, int] = {}  # parameter key → data row it was read from
    holidays: dict[dt.date, bool] = {}
    issues: list[Issue] = []
    day_kind = p.ChoiceMatcher(DAY_KIND)
    header = {fold(h) for h in HOLIDAY_HEADER}
    for i, label in enumerate(table.raw.get("parameter", [])):
        param = lookup_param(label)
        raw = table.raw.get("value", [None] * len(table.rows))[i]
        if param is None:
            day = holiday_date(label)
            if day is not None:  # a row of the 节假日 table
                try:
                    holidays[day] = day_kind(raw) == "work"
                except p.ParseError:
                    issues.append(table.issue_at(i, "value", "holiday_kind", allowed="放假、上班" if table.lang == "zh"
                                                 else "Day off, Working day"))
            elif fold(p.as_text(label) or "") not in header:
                issues.append(table.issue_at(i, "parameter", "unknown_parameter", "warning"))
            continue
        if p.is_blank(raw):
            continue
        try:
            values[param.key] = parse_param(param, raw)
            rows[param.key] = i
        except p.ParseError as err:
            code = "parameter_not_ascending" if err.code == "ascending" else "parameter_default"
            issues.append(table.issue_at(i, "value", code, default=default_text(param, table.lang) or "—",
                                         label=param.label(table.lang)))
    for group in out_of_order(values):
        # cut-offs and approval limits must rise: the whole group falls back to its defaults
        typed = [k for k in group if k in rows]
        labels = "、".join(PARAMS_BY_KEY[k].label(table.lang) for k in group)
        defaults = "、".join(default_text(PARAMS_BY_KEY[k], table.lang) for k in group)
        issues.append(table.issue_at(rows[typed[-1]] if typed else None, "value", "settings_order", labels=labels,
                                     defaults=defaults))
        for k in group:
            values.pop(k, None)
    return Settings(**values, holidays=tuple(sorted(holidays.items()))), issues


def holiday_date(label: object) -> dt.date | None:
    """The date of a 节假日 row (its 参数 cell), None when the cell is not a date."""
    if isinstance(label, dt.datetime):
        return label.date()
    if isinstance(label, dt.date):
        return label
    try:
        return p.parse_date(label) if isinstance(label, str) and label.strip()[:1].isdigit() else None
    except p.ParseError:
        return None


def no_bank_account(table: Table) -> Issue:
    """The warning for a workbook with invoices and no 账号 in 设置: statements would go out
    without the account to pay into (crm send refuses them)."""
    rows = [table.rows[i] for i, label in enumerate(table.raw.get("parameter", []))
            if (prm := lookup_param(label)) is not None and prm.key == "company_account"]
    col = table.columns.get("value") if rows else None
    return Issue("warning", table.name, rows[0] if rows else None, col,
                 table.headers.get("value", "") if rows else "", "", "no_bank_account",
                 message("no_bank_account", table.lang))


def load(book: Book, *, as_of: dt.date | None = None, owner: str | None = None,
         timings: dict[str, float] | None = None) -> Loaded:
    """Read every sheet once, validate, and resolve the date and the rep: the view the steps get.

    Raises UnusableInput (exit 2) when the workbook cannot be used, DataError when ``owner``
    names no 业务员 of the cards. ``timings`` (the bench) receives the seconds spent reading
    ("read") and validating ("validate")."""
    t0 = time.perf_counter()
    names = book.sheet_names()
    tabs = find_tabs(names)
    lang = detect_lang(tabs)
    outputs, out_tabs, out_issues = output_tabs(book, names, lang)
    tabs.update(outputs)
    for key in REQUIRED:
        if key not in tabs:
            spec = S.BY_KEY[key]
            raise UnusableInput(f"required sheet missing: {spec.zh} ({spec.en})")
    tables: dict[str, Table] = {}
    issues: list[Issue] = []
    with book.reading_ahead([tabs[spec.key] for spec in S.INPUT_SHEETS if spec.key in tabs]):
        for spec in S.INPUT_SHEETS:
            name = tabs.get(spec.key)
            if name is None:
                tables[spec.key] = empty_table(spec, lang)
                if spec.key != "settings" and not spec.optional:
                    issues.append(Issue("warning", spec.name(lang), None, None, "", "", "sheet_missing",
                                        message("sheet_missing", lang)))
                continue
            tables[spec.key] = read_table(book.read_rows(name), spec, name, lang)
    settings, settings_issues = read_settings(tables["settings"])
    if settings.company_account is None and len(tables["receivables"]):
        issues.append(no_bank_account(tables["settings"]))
    if as_of is not None:
        settings = settings.model_copy(update={"as_of": as_of})
    day = settings.as_of_or_today()  # once: "today" is looked up when 设置 leaves it blank
    t1 = time.perf_counter()
    found = validate(tables, day, lang)
    sheets = {key: sheet(t, found.get(key, ())) for key, t in tables.items()}
    # bad settings fall back to their defaults: they exclude no data row
    sheets["settings"] = Sheet(tables["settings"], frozenset(), (*tables["settings"].issues, *settings_issues))
    t2 = time.perf_counter()
    results, on_list = read_call_results(book, tabs.get("calls"), day)
    every = tuple(issues + out_issues) + tuple(x for s in sheets.values() for x in s.issues)
    loaded = Loaded(book.label, lang, tabs, sheets, settings, day, owner, every, out_tabs, results,
                    read_memory(book, tabs, lang), on_list)
    if timings is not None:
        timings["read"] = timings.get("read", 0.0) + (t1 - t0) + (time.perf_counter() - t2)
        timings["validate"] = timings.get("validate", 0.0) + (t2 - t1)
    if owner is not None:
        known = sorted({c.owner for c in loaded.customer_cards().values() if c.owner})
        if owner not in known:
            raise DataError(f"no customers of 业务员 '{owner}' in sheet '{loaded.tab(S.CUSTOMERS)}'; known: "
                            + ("、".join(known) or "none"))
    return loaded


def read_memory(book: Book, tabs: dict[str, str], lang: Lang) -> dict[str, Sheet]:
    """The add-in's memory sheets that exist (变更记录, the snapshot, the daily figures). One whose
    header is gone is no memory: the next refresh starts it again."""
    out: dict[str, Sheet] = {}
    for spec in S.MEMORY_SHEETS:
        if spec.key in tabs:
            try:
                out[spec.key] = Sheet(read_table(book.read_rows(tabs[spec.key]), spec, tabs[spec.key], lang))
            except UnusableInput:
                continue
    return out


def read_call_results(book: Book, tab: str | None, fallback_date: dt.date
                      ) -> tuple[list[dict], tuple[dt.date | None, tuple[str, ...]]]:
    """What the reps typed into the current 今日拨打 (结果, 承诺金额/日期, 下次拨打), as contact
    records; and the list's day with every customer on it."""
    if tab is None:
        return [], (None, ())
    grid = list(book.read_rows(tab))
    r, cols, _, _ = find_header(grid, S.CALL_LIST)
    return harvest(grid, r, cols, fallback_date), listed(grid, r, cols)
