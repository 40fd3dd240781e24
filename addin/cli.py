"""The `crm` command: each command parses its arguments, calls a library function that returns the
run report (addin/report.py), and renders it — as text in the workbook's language, or with
``--json`` as the report itself (docs/report.md). Exit codes: 0 ok, 1 data problems, 2 input the
tool cannot use; a problem is one line on stderr, never a traceback.
"""
from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

from .report import EXIT_UNUSABLE, RunReport
from .report_text import ISSUES, head_line, header, issue_line, summary_lines
from .runner import Stop, parse_as_of

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Excel CRM add-in: validate the workbook, grade customers, build call lists, "
                       "credit forms and aging reports. Every command takes --json (the run report).")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

AsOf = typer.Option(None, "--as-of", help="As-of date (default: 设置 / today), e.g. 2025-03-05.")
Owner = typer.Option(None, "--owner", help="Only this rep's call list (业务员).")
Json = typer.Option(False, "--json", help="Print the run report as JSON (docs/report.md) instead of text.")


def emit(command: str, workbook: Path | str | None, as_json: bool, make: Callable[[], RunReport], *,
         head: bool = False, issues: str = "none", limit: int = 10) -> None:
    """Run ``make``, render its report (or the one line that stopped it) and exit with its code."""
    t0 = time.perf_counter()
    try:
        report = make()
    except Stop as exc:
        report = RunReport(command=command, workbook=None if workbook is None else str(workbook),
                           exit_code=exc.exit_code, error=exc.line)
    except Exception as exc:  # a bug: say so in one line and keep the details for support
        log = Path.home() / "crm-addin-error.log"
        try:
            log.write_text(f"{dt.datetime.now().isoformat()} crm {command}\n{traceback.format_exc()}",
                           encoding="utf-8")
        except OSError:
            pass
        report = RunReport(command=command, workbook=None if workbook is None else str(workbook),
                           exit_code=EXIT_UNUSABLE,
                           error=f"internal error ({type(exc).__name__}): {exc}; details in {log}")
    report.seconds = round(time.perf_counter() - t0, 3)
    if report.error is not None:
        err.print(f"crm: {report.error}", markup=False)
    if as_json:
        typer.echo(report.to_json())
    elif report.error is None:
        render(report, head=head, issues=issues, limit=limit)
    raise typer.Exit(report.exit_code)


def render(report: RunReport, *, head: bool = False, issues: str = "none", limit: int = 10) -> None:
    """The report as text: the head line, each step's and the command's lines, the tables, and the
    issues (``issues``: "all", "errors" or "none"; the first ``limit``, errors first)."""
    lang = report.lang
    if head:
        out.print(head_line(report.model_copy(update={"workbook": Path(report.workbook or "").name})), markup=False)
    for line in summary_lines(report):
        out.print(line, markup=False)
    for table in report.tables:
        if table.key.startswith("plan_") or table.key == "workbooks":
            continue  # `crm plan` and `crm collect` say these in their lines; the data is for --json
        t = RichTable(title=table.title or None, show_edge=False)
        for key in table.columns:
            t.add_column(header(key, lang), overflow="fold")
        cap = None if table.key == "calls" else 50  # the whole call list; the first 50 held orders
        for row in table.rows[:cap]:
            t.add_row(*("" if v is None else f"{v:,.2f}" if isinstance(v, float) else str(v) for v in row))
        out.print(t)
        if cap is not None and len(table.rows) > cap:
            out.print(f"  … {len(table.rows) - cap}", markup=False)
    listed = {"all": report.issues, "errors": [x for x in report.issues if x.severity == "error"]}.get(issues, [])
    if listed:
        print_issues(listed, lang, limit)


def print_issues(issues: list, lang: str, limit: int) -> None:
    counts: dict[str, list[int]] = {}
    for x in issues:
        counts.setdefault(x.sheet, [0, 0])[0 if x.severity == "error" else 1] += 1
    t = RichTable(title=None, show_edge=False)
    for h in ("sheet", "errors", "warnings"):
        t.add_column(header(h, lang))
    for sheet, (e, w) in counts.items():
        t.add_row(sheet, str(e), str(w))
    out.print(t)
    shown = [x for x in issues if x.severity == "error"][:limit] or issues[:limit]
    for x in shown:
        out.print(issue_line(x, lang), markup=False)
    if len(issues) > len(shown):
        out.print(ISSUES["more"][0 if lang == "zh" else 1].format(n=len(issues) - len(shown)), markup=False)


@app.command()
def validate(path: Path = typer.Argument(..., help="The workbook (.xlsm or .xlsx)."),
             as_of: str | None = AsOf, json: bool = Json) -> None:
    """Check every input sheet; write 校验结果 and highlight offending cells.

    Exit 0 without errors (warnings allowed), 1 when errors were found, 2 when the
    input is unusable.
    """
    from . import commands

    emit("validate", path, json, lambda: commands.validate(path, as_of=parse_as_of(as_of)), head=True,
         issues="all", limit=20)


@app.command()
def refresh(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf,
            owner: str | None = Owner, json: bool = Json) -> None:
    """Validate and run every job: grades, funnel, call lists (after harvesting results).

    Rows with errors are left out and listed in 校验结果; exit 1 if errors were found.
    """
    from . import commands

    emit("refresh", path, json, lambda: commands.refresh(path, as_of=parse_as_of(as_of), owner=owner), head=True,
         issues="all")


@app.command()
def calls(path: Path = typer.Argument(..., help="The workbook."), owner: str | None = Owner,
          as_of: str | None = AsOf, json: bool = Json) -> None:
    """Write today's call list (今日拨打) and print it."""
    from . import commands

    emit("calls", path, json, lambda: commands.calls(path, as_of=parse_as_of(as_of), owner=owner), head=True)


@app.command("credit-form")
def credit_form(path: Path = typer.Argument(..., help="The workbook."),
                customer_id: str = typer.Argument(..., help="客户编号 of the customer."),
                as_of: str | None = AsOf, json: bool = Json) -> None:
    """Fill 授信申请 for one customer from the latest survey (a printable A4 form).

    Exit 1 with nothing written when the customer is unknown or has no valid survey.
    """
    from . import commands

    emit("credit-form", path, json, lambda: commands.credit_form(path, customer_id, as_of=parse_as_of(as_of)))


@app.command()
def aging(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf,
          export_to: Path | None = typer.Option(None, "--export", help="Write the report to OUT "
                                                   "(.xlsx, .csv or .pdf) instead of into the workbook."),
          force: bool = typer.Option(False, "--force", help="Overwrite an existing export file."),
          json: bool = Json) -> None:
    """Refresh 账龄分析, or export the aging report without touching the workbook.

    Invoices with errors are left out and listed; exit 1 only for errors in the rows the aging
    used (应收账款, 收款记录, the cards of invoiced customers, the aging's 设置); errors elsewhere
    are listed and the exit is 0.
    """
    from . import commands

    emit("aging", path, json, lambda: commands.aging(path, as_of=parse_as_of(as_of), export_to=export_to,
                                                     force=force), head=True, issues="errors")


@app.command("check-orders")
def check_orders(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf,
                 json: bool = Json) -> None:
    """Check every open order of 订单 against the customer's credit (信用检查, 检查说明).

    通过 / 超额度 / 逾期暂停 / 需审批 with the approver by the excess; prints the held orders.
    Exit 2 when the workbook has no 订单 sheet; 1 for errors in 订单 or in the rows the balances
    come from.
    """
    from . import commands

    emit("check-orders", path, json, lambda: commands.check_orders(path, as_of=parse_as_of(as_of)), head=True,
         issues="errors")


From = typer.Option(None, "--from", help="First day of the statement's period (default: the 1st of the "
                    "month of --to).")
To = typer.Option(None, "--to", "--as-of", help="Last day of the period and the statement's date (default: "
                  "设置 基准日期 / today).")


@app.command()
def statement(path: Path = typer.Argument(..., help="The workbook."),
              customer_id: str = typer.Argument(..., help="客户编号 of the customer."),
              start: str | None = From, end: str | None = To, json: bool = Json) -> None:
    """Fill 对账单 for one customer and a period: opening balance, every invoice, payment and credit
    with a running balance, closing balance, open items, remittance details and a reply slip.

    Exit 1 with nothing written when the customer is unknown.
    """
    from . import commands

    emit("statement", path, json, lambda: commands.statement(path, customer_id, as_of=parse_as_of(end, "--to"),
                                                             start=parse_as_of(start, "--from")))


def _progress(name: str, quiet: bool, make: Callable[..., RunReport], **kw: object) -> RunReport:
    """``make`` with a transient progress bar on stderr (``on_count`` sets its total, ``advance`` moves
    it); none when ``quiet`` (--json)."""
    from rich.progress import Progress

    if quiet:
        return make(**kw)
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task(name, total=None)
        return make(on_count=lambda n: progress.update(task, total=n),
                    advance=lambda n: progress.advance(task, n), **kw)


@app.command()
def statements(path: Path = typer.Argument(..., help="The workbook."),
               pdf: Path = typer.Option(..., "--pdf", help="Folder for the PDFs (one per customer)."),
               owner: str | None = typer.Option(None, "--owner", help="Only this rep's customers (业务员)."),
               min_overdue: int | None = typer.Option(None, "--min-overdue", min=0,
                                                      help="Only customers at least this many days overdue."),
               start: str | None = From, end: str | None = To,
               force: bool = typer.Option(False, "--force", help="Overwrite PDFs already in the folder."),
               json: bool = Json) -> None:
    """Write one statement PDF per customer who owes something (through LibreOffice); the
    workbook is not changed."""
    from . import documents

    emit("statements", path, json, lambda: _progress(
        "statements", json, documents.statements, path=path, pdf=pdf, owner=owner, min_overdue=min_overdue,
        as_of=parse_as_of(end, "--to"), start=parse_as_of(start, "--from"), force=force))


@app.command()
def letters(path: Path = typer.Argument(..., help="The workbook."),
            pdf: Path = typer.Option(..., "--pdf", help="Folder for the PDFs (one letter per customer)."),
            level: int | None = typer.Option(None, "--level", min=1, help="Only customers at this dunning "
                                             "level (1 提醒函, 2 催告函, 3 最后通知函 with the default 催款分级)."),
            owner: str | None = typer.Option(None, "--owner", help="Only this rep's customers (业务员)."),
            as_of: str | None = AsOf,
            force: bool = typer.Option(False, "--force", help="Overwrite PDFs already in the folder."),
            json: bool = Json) -> None:
    """Write one dunning letter PDF per overdue customer at its level (提醒函 / 催告函 / 最后通知函),
    with its open items attached (through LibreOffice); the workbook is not changed."""
    from . import documents

    emit("letters", path, json, lambda: _progress(
        "letters", json, documents.letters, path=path, pdf=pdf, owner=owner, level=level, as_of=parse_as_of(as_of),
        force=force))


@app.command()
def send(path: Path = typer.Argument(..., help="The workbook."),
         statements_: bool = typer.Option(False, "--statements", help="Send each customer's statement (对账单)."),
         letters_: bool = typer.Option(False, "--letters", help="Send each overdue customer's dunning letter."),
         smtp: str | None = typer.Option(None, "--smtp", help="smtp://user@host:587 (STARTTLS) or "
                                         "smtps://user@host:465 (SSL); password from CRM_SMTP_PASSWORD or the "
                                         "keyring. Without it, .eml files are written."),
         outbox: Path | None = typer.Option(None, "--out", help="Folder for the .eml files (default: "
                                            "WORKBOOK-outbox beside the workbook)."),
         dry_run: bool = typer.Option(False, "--dry-run", help="List what would be sent; send and write nothing."),
         owner: str | None = typer.Option(None, "--owner", help="Only this rep's customers (业务员)."),
         level: int | None = typer.Option(None, "--level", min=1, help="Letters: only this dunning level."),
         as_of: str | None = AsOf, json: bool = Json) -> None:
    """E-mail each statement or letter as a PDF to the 邮箱 on the customer's card (or write .eml
    files) and append every send to 催款记录. A document already sent (same send id) is skipped."""
    from . import mailing

    emit("send", path, json, lambda: mailing.send(path, statements=statements_, letters=letters_, smtp=smtp,
                                                  outbox=outbox, dry_run=dry_run, owner=owner, level=level,
                                                  as_of=parse_as_of(as_of)))


@app.command()
def new(path: Path = typer.Argument(..., help="Where to create the workbook (.xlsm or .xlsx)."),
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
        json: bool = Json) -> None:
    """Create a blank CRM workbook from the template."""
    from . import install

    emit("new", path, json, lambda: install.new(path, lang=lang, force=force))


@app.command("update-vba")
def update_vba(path: Path = typer.Argument(..., help="The macro workbook (.xlsm)."),
               force: bool = typer.Option(False, "--force", help="Replace a project that holds modules of "
                                          "your own (export them first)."),
               json: bool = Json) -> None:
    """Replace the workbook's VBA project and ribbon with the installed add-in's and xlwings'.

    The code in ThisWorkbook and the sheets' modules is carried into the new project; every
    other part stays byte-identical; the previous file is kept as NAME.YYYYMMDD-HHMMSS.bak
    (the newest five).
    """
    from . import install

    emit("update-vba", path, json, lambda: install.update_vba(path, force=force))


@app.command()
def setup(path: Path = typer.Argument(..., help="The macro workbook (.xlsm)."),
          force: bool = typer.Option(False, "--force", help="Replace a VBA project holding modules of your own."),
          json: bool = Json) -> None:
    """Write the xlwings.conf sheet: the Python that the ribbon's RunPython starts."""
    from . import install

    emit("setup", path, json, lambda: install.setup(path, force=force))


@app.command()
def doctor(path: Path | None = typer.Argument(None, help="The workbook to check (optional)."),
           live: bool = typer.Option(False, "--live", help="Open a scratch copy of the workbook in Excel "
                                     "through xlwings and run every ribbon button on it, one line per button "
                                     "with its time (the workbook itself is not touched)."),
           lang: str | None = typer.Option(None, "--lang", help="zh or en (default: the workbook's language, "
                                           "else zh)."),
           json: bool = Json) -> None:
    """Check this PC (and a workbook) for the ribbon's first click; one line per check."""
    from . import install

    emit("doctor", path, json, lambda: install.doctor(path, live=live, lang=lang))


@app.command()
def plan(path: Path = typer.Argument(..., help="The workbook."), owner: str | None = Owner,
         as_of: str | None = AsOf,
         month: str | None = typer.Option(None, "--month", help="YYYY-MM: project that month from its first "
                                          "working day (default: from the as-of date)."),
         missed: bool = typer.Option(False, "--missed", help="Also list the customers the month will not reach."),
         json: bool = Json) -> None:
    """Project the rest of the month day by day on the working-day calendar: calls per day and
    coverage reached, assuming every listed call happens and each rep keeps planning as in the last
    4 weeks; says whether each book closes and who will be missed. Reads the workbook; writes nothing."""
    from . import month_plan

    emit("plan", path, json, lambda: month_plan.plan(path, as_of=parse_as_of(as_of), owner=owner, month=month,
                                                     missed=missed))


@app.command()
def demo(customers: int = typer.Option(1000, "--customers", min=1, help="How many customers (without --reps)."),
         reps: int | None = typer.Option(None, "--reps", min=1, max=200,
                                         help="How many reps, each with --per-rep customers."),
         per_rep: int = typer.Option(1000, "--per-rep", min=1, help="Customers per rep (with --reps)."),
         out_path: Path = typer.Option(Path("crm-demo.xlsm"), "--out", help="Where to write the demo workbook."),
         as_of: str | None = typer.Option(None, "--as-of", help="Anchor date of the data (default today)."),
         seed: int = typer.Option(7, "--seed"),
         lang: str = typer.Option("zh", "--lang"),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
         json: bool = Json) -> None:
    """Generate a realistic workbook, run every job on it and print a summary."""
    from . import commands

    emit("demo", out_path, json, lambda: commands.demo(out_path, customers=customers, reps=reps, per_rep=per_rep,
                                                       as_of=parse_as_of(as_of), seed=seed, lang=lang, force=force),
         head=True)


Db = typer.Option(None, "--db", help="Team database: a SQLite file (default crm-team.sqlite) or a URL such as "
                  "postgresql://user@host/dbname.")


@app.command()
def collect(paths: list[Path] = typer.Argument(..., help="Reps' workbooks, or folders holding them."),
            db: str | None = Db, as_of: str | None = AsOf,
            reassign: bool = typer.Option(False, "--reassign", help="Accept a workbook whose customers now "
                                          "belong to another rep than when it was last collected."),
            workers: int | None = typer.Option(None, "--jobs", min=1, help="Workbooks read at once "
                                               "(default: one per CPU)."),
            lang: str = typer.Option("zh", "--lang", help="zh (default) or en: the language of the lines."),
            json: bool = Json) -> None:
    """Collect reps' workbooks into the team database (one transaction per workbook).

    An unchanged workbook is skipped; a changed one replaces its rows and adds the as-of date's
    snapshot. Exit 1 when a workbook was skipped or has data errors, 2 when the database is unusable.
    """
    from .team import commands

    def run() -> RunReport:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        if json:
            return commands.collect(paths, db=db, as_of=parse_as_of(as_of), reassign=reassign, workers=workers,
                                    lang=lang)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=err, transient=True) as bar:
            task = bar.add_task("collecting", total=None)
            return commands.collect(paths, db=db, as_of=parse_as_of(as_of), reassign=reassign, workers=workers,
                                    lang=lang, on_start=lambda n: bar.update(task, total=n),
                                    on_done=lambda o: bar.update(task, advance=1, description=Path(o.path).name))

    emit("collect", None, json, run)


@app.command()
def team(db: str | None = Db,
         out_path: Path = typer.Option(..., "--out", help="The manager's workbook to write (.xlsx)."),
         as_of: str | None = typer.Option(None, "--as-of", help="As-of date (default: the latest as-of date "
                                          "collected)."),
         since: str | None = typer.Option(None, "--since", help="Start of the funnel conversion (default: "
                                          "the snapshot date before the latest)."),
         lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file."),
         json: bool = Json) -> None:
    """Build the manager's workbook: 团队概览, 归属争议, 漏斗转化, 账龄汇总, 看板."""
    from .team import commands

    emit("team", None, json, lambda: commands.team(out_path, db=db, as_of=parse_as_of(as_of),
                                                   since=parse_as_of(since, "--since"), lang=lang, force=force))
