"""The `crm` command: a thin layer over the jobs; domain errors become one clean line."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table as RichTable

import sheets_schema as S

from . import jobs
from .core.parse import ParseError, parse_date
from .io import guard
from .io.package import PackageError, check_readable
from .io.xlsx_book import XlsxBook
from .issues import Issue
from .steps import AGING, CALLS, GRADES, ORDERS
from .table import UnusableInput
from .validate.report import summary_counts

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, no_args_is_help=True,
                  help="Excel CRM add-in: validate the workbook, grade customers, build call lists, "
                       "credit forms and aging reports.")
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_DATA = 1
EXIT_UNUSABLE = 2


def unusable(path: Path | str, reason: str) -> typer.Exit:
    err.print(f"crm: {path}: {reason}", markup=False)
    return typer.Exit(EXIT_UNUSABLE)


def parse_as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ParseError:
        raise typer.BadParameter(f"not a date: {value!r} (use 2025-03-05)") from None


AsOf = typer.Option(None, "--as-of", help="As-of date (default: 设置 / today), e.g. 2025-03-05.")


def open_book(path: Path, writable: bool = True) -> XlsxBook:
    try:
        return XlsxBook(path, writable=writable)
    except PackageError as exc:
        raise unusable(path, str(exc)) from None


def print_issues(issues: list[Issue], limit: int = 20) -> None:
    if not issues:
        return
    counts = summary_counts(issues)
    t = RichTable(title=None, show_edge=False)
    for h in ("sheet", "errors", "warnings"):
        t.add_column(h)
    for sheet, (e, w) in counts.items():
        t.add_row(sheet, str(e), str(w))
    out.print(t)
    shown = [x for x in issues if x.is_error][:limit] or issues[:limit]
    for x in shown:
        where = f"{x.sheet}!{x.cell}" if x.cell else x.sheet
        value = f" «{x.value}»" if x.value else ""
        out.print(f"  {x.severity:<7} {where:<16} {x.column}{value}: {x.message}", markup=False)
    if len(issues) > len(shown):
        out.print(f"  … {len(issues) - len(shown)} more in the 校验结果 sheet", markup=False)


def run_job(path: Path, job, *, write: bool = True, **kw) -> jobs.Result:
    """Open, run, write back atomically; unusable input exits 2 and a job that cannot do what
    was asked exits 1, both with the file untouched. A run that writes holds the workbook's
    lock from the first read to the save, and checks first that it can write at all."""
    if not write:
        return _run(path, job, write, **kw)
    try:
        with _guarded(path):
            return _run(path, job, write, **kw)
    except PackageError as exc:
        raise unusable(path, str(exc)) from None


def _run(path: Path, job, write: bool, **kw) -> jobs.Result:
    book = open_book(path, writable=write)
    try:
        result = job(book, **kw)
        result.loaded.release()
        if write:
            jobs.apply(book, result.plan)
    except (UnusableInput, PackageError) as exc:
        raise unusable(path, str(exc)) from None
    except jobs.DataError as exc:
        err.print(f"crm: {path}: {exc}", markup=False)
        raise typer.Exit(EXIT_DATA) from None
    return result


def refuse_overwrite(target: Path, force: bool, workbook: Path | None = None) -> None:
    """Exit 2 before any work when ``target`` is the workbook itself, or an existing file
    without ``--force``."""
    if workbook is not None and target.exists() and workbook.exists() and target.samefile(workbook):
        raise unusable(target, "is the workbook itself; export to another file")
    if target.exists() and not force:
        raise unusable(target, "already exists (use --force to overwrite)")


@app.command()
def validate(path: Path = typer.Argument(..., help="The workbook (.xlsm or .xlsx)."),
             as_of: str | None = AsOf) -> None:
    """Check every input sheet; write 校验结果 and highlight offending cells.

    Exit 0 without errors (warnings allowed), 1 when errors were found, 2 when the
    input is unusable.
    """
    t0 = time.perf_counter()
    result = run_job(path, jobs.validate, as_of=parse_as_of(as_of))
    out.print(f"{path.name}: {result.errors} errors, {result.warnings} warnings "
              f"({time.perf_counter() - t0:.1f}s)", markup=False)
    print_issues(result.issues)
    raise typer.Exit(result.exit_code)


Owner = typer.Option(None, "--owner", help="Only this rep's call list (业务员).")


def print_run(path: Path, result: jobs.Result, seconds: float) -> None:
    out.print(f"{path.name}: {result.errors} errors, {result.warnings} warnings ({seconds:.1f}s)", markup=False)
    facts = result.facts
    if CALLS in facts:
        out.print(f"results harvested into the contact log: {facts[CALLS].harvested}", markup=False)
    if GRADES in facts:
        a = facts[GRADES].counts
        total = sum(a.values()) or 1
        out.print("ABC: " + "  ".join(f"{k} {v} ({v / total:.0%})" for k, v in a.items()), markup=False)
    if CALLS in facts:
        sizes = ", ".join(f"{rep} {n}" for rep, n in facts[CALLS].sizes.items()) or "none"
        out.print(f"call lists: {sizes}", markup=False)
        from .sheets.call_list import month_text

        if facts[CALLS].months:
            out.print(month_text(facts[CALLS].months, result.loaded.lang), markup=False)
    if AGING in facts:
        print_aging(facts[AGING], result.loaded.lang)


def print_aging(report, lang: str) -> None:
    from .sheets.aging_sheet import aging_table

    t = aging_table(report, lang)
    tot = report.total
    buckets = "  ".join(f"{h} {v:,.2f}" for h, v in zip(t.bucket_headers, t.bucket_totals))
    out.print(f"aging as of {report.as_of} ({report.basis} date): outstanding {tot.outstanding:,.2f}, "
              f"not due {tot.not_due:,.2f}, overdue {tot.overdue:,.2f}, expected recovery "
              f"{tot.recoverable:,.2f}, allowance {tot.allowance:,.2f}", markup=False)
    out.print(f"  buckets: {buckets}", markup=False)
    out.print(f"  over-limit customers: {report.over_limit_count} of {len(report.customers)} with a balance",
              markup=False)


@app.command()
def refresh(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf,
            owner: str | None = Owner) -> None:
    """Validate and run every job: grades, funnel, call lists (after harvesting results).

    Rows with errors are left out and listed in 校验结果; exit 1 if errors were found.
    """
    t0 = time.perf_counter()
    result = run_job(path, jobs.refresh, as_of=parse_as_of(as_of), owner=owner)
    print_run(path, result, time.perf_counter() - t0)
    print_issues(result.issues, limit=10)
    raise typer.Exit(result.exit_code)


@app.command()
def calls(path: Path = typer.Argument(..., help="The workbook."), owner: str | None = Owner,
          as_of: str | None = AsOf) -> None:
    """Write today's call list (今日拨打) and print it."""
    t0 = time.perf_counter()
    result = run_job(path, jobs.refresh, as_of=parse_as_of(as_of), owner=owner, steps=(GRADES, CALLS))
    print_run(path, result, time.perf_counter() - t0)
    from .sheets.call_list import reason_text

    lang = result.loaded.lang
    calls_found = result.facts[CALLS]
    for rep, entries in calls_found.lists.items():
        t = RichTable(title=f"{rep} · {result.loaded.as_of.isoformat()}", show_lines=False)
        for h in ("#", "ID", "customer", "phone", "ABC", "score", "reasons"):
            t.add_column(h, overflow="fold")
        customers = calls_found.customers
        for rank, p in enumerate(entries, start=1):
            c = customers[p.customer_id]
            t.add_row(str(rank), p.customer_id, c.name or "", c.phone or "", p.grade,
                      str(p.score), reason_text(p, lang))
        out.print(t)
    raise typer.Exit(result.exit_code)


@app.command("credit-form")
def credit_form(path: Path = typer.Argument(..., help="The workbook."),
                customer_id: str = typer.Argument(..., help="客户编号 of the customer."),
                as_of: str | None = AsOf) -> None:
    """Fill 授信申请 for one customer from the latest survey (a printable A4 form).

    Exit 1 with nothing written when the customer is unknown or has no valid survey.
    """
    result = run_job(path, jobs.credit_form, customer_id=customer_id, as_of=parse_as_of(as_of))
    cid, a = result.form
    lang = result.loaded.lang
    approver = S.SURVEY.col("approver").choice(a.approver).label(lang)
    action = S.SURVEY.col("limit_action").choice(a.action).label(lang)
    out.print(f"{path.name}: {result.loaded.tab(S.CREDIT_FORM)} filled for {cid}: score {a.score:g}, grade {a.grade}, suggested "
              f"{a.suggested:,.0f}, {action}, approver {approver} (by {a.amount:,.0f})", markup=False)
    if result.errors:
        out.print(f"note: the workbook has {result.errors} data errors elsewhere (run crm validate)", markup=False)


@app.command()
def aging(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf,
          export_to: Path | None = typer.Option(None, "--export", help="Write the report to OUT "
                                                   "(.xlsx, .csv or .pdf) instead of into the workbook."),
          force: bool = typer.Option(False, "--force", help="Overwrite an existing export file.")) -> None:
    """Refresh 账龄分析, or export the aging report without touching the workbook.

    Invoices with errors are left out and listed; exit 1 only for errors in the rows the aging
    used (应收账款, 收款记录, the cards of invoiced customers, the aging's 设置); errors elsewhere
    are listed and the exit is 0.
    """
    from .export.aging_export import ExportError, export

    if export_to is not None:
        refuse_overwrite(export_to, force, workbook=path)
    t0 = time.perf_counter()
    write = export_to is None
    result = run_job(path, jobs.aging, write=write, as_of=parse_as_of(as_of))
    if export_to is not None:
        try:
            export(result.facts[AGING], result.loaded.lang, export_to)
        except ExportError as exc:
            raise unusable(export_to, str(exc)) from None
        out.print(f"exported {export_to}", markup=False)
    print_run(path, result, time.perf_counter() - t0)
    print_issues([x for x in result.issues if x.is_error], limit=10)
    if result.scope is not None and result.errors and not result.scope:
        out.print(f"the aging is complete: the {result.errors} errors are in rows it did not use", markup=False)
    raise typer.Exit(result.exit_code)


@app.command("check-orders")
def check_orders(path: Path = typer.Argument(..., help="The workbook."), as_of: str | None = AsOf) -> None:
    """Check every open order of 订单 against the customer's credit (信用检查, 检查说明).

    通过 / 超额度 / 逾期暂停 / 需审批 with the approver by the excess; prints the held orders.
    Exit 2 when the workbook has no 订单 sheet; 1 for errors in 订单 or in the rows the balances
    come from.
    """
    from .sheets.order_check import check_note

    t0 = time.perf_counter()
    result = run_job(path, jobs.check_orders, as_of=parse_as_of(as_of))
    facts, lang = result.facts[ORDERS], result.loaded.lang
    spec = S.ORDERS.col("credit_check")
    counts = facts.counts()
    summary = "  ".join(f"{spec.choice(k).label(lang)} {counts.get(k, 0)}"
                        for k in ("pass", "over_limit", "overdue_hold", "needs_approval"))
    out.print(f"{path.name}: {len(facts.checks)} open orders of {len(facts.orders)} as of {result.loaded.as_of}: "
              f"{summary} ({time.perf_counter() - t0:.1f}s)", markup=False)
    held = [(i, c) for i, c in sorted(facts.checks.items()) if c.held]
    if held:
        t = RichTable(show_edge=False)
        for h in ("row", "date", "customer", "amount", "check", "note"):
            t.add_column(h)
        orders = {o.i: o for o in facts.orders}
        for i, c in held[:50]:
            o = orders[i]
            t.add_row(str(facts.rows[i]), o.date.isoformat(), o.customer_id, f"{o.amount:,.2f}",
                      spec.choice(c.outcome).label(lang), check_note(c, result.loaded.settings.hold_overdue_days, lang))
        out.print(t)
        if len(held) > 50:
            out.print(f"  … {len(held) - 50} more held orders in {result.loaded.tab(S.ORDERS)}", markup=False)
    print_issues([x for x in result.issues if x.is_error], limit=10)
    raise typer.Exit(result.exit_code)


From = typer.Option(None, "--from", help="First day of the statement's period (default: the 1st of the "
                    "month of --to).")
To = typer.Option(None, "--to", "--as-of", help="Last day of the period and the statement's date (default: "
                  "设置 基准日期 / today).")


@app.command()
def statement(path: Path = typer.Argument(..., help="The workbook."),
              customer_id: str = typer.Argument(..., help="客户编号 of the customer."),
              start: str | None = From, end: str | None = To) -> None:
    """Fill 对账单 for one customer and a period: opening balance, every invoice, payment and credit
    with a running balance, closing balance, open items, remittance details and a reply slip.

    Exit 1 with nothing written when the customer is unknown.
    """
    result = run_job(path, jobs.statement, customer_id=customer_id, as_of=parse_as_of(end),
                     start=parse_as_of(start))
    tab = result.loaded.tab(S.STATEMENT)
    st = result.plan.outputs[0]
    out.print(f"{path.name}: {tab} filled for {customer_id} up to {result.loaded.as_of} "
              f"({len(st.rows)} rows)", markup=False)
    if result.errors:
        out.print(f"note: the workbook has {result.errors} data errors (run crm validate)", markup=False)


@app.command()
def statements(path: Path = typer.Argument(..., help="The workbook."),
               pdf: Path = typer.Option(..., "--pdf", help="Folder for the PDFs (one per customer)."),
               owner: str | None = typer.Option(None, "--owner", help="Only this rep's customers (业务员)."),
               min_overdue: int | None = typer.Option(None, "--min-overdue", min=0,
                                                         help="Only customers at least this many days overdue."),
               start: str | None = From, end: str | None = To,
               force: bool = typer.Option(False, "--force", help="Overwrite PDFs already in the folder.")) -> None:
    """Write one statement PDF per customer who owes something (through LibreOffice); the
    workbook is not changed."""
    from rich.progress import Progress

    from .export.aging_export import ExportError, require_soffice
    from .export.statement_pdf import pdf_names, statements_to_pdf

    try:
        require_soffice()
    except ExportError as exc:
        raise unusable(pdf, str(exc)) from None
    result = run_job(path, jobs.statements, write=False, owner=owner, min_overdue=min_overdue,
                     as_of=parse_as_of(end), start=parse_as_of(start))
    sheets = result.statements
    if pdf.exists() and not pdf.is_dir():
        raise unusable(pdf, "is a file, not a folder")
    clash = [name for name in pdf_names([cid for cid, _ in sheets]) if (pdf / name).exists()]
    if clash and not force:
        raise unusable(pdf / clash[0], "already exists (use --force to overwrite)")
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("statements", total=len(sheets))
        try:
            written = statements_to_pdf(sheets, pdf, lambda n: progress.advance(task, n), result.loaded.settings.company_logo)
        except ExportError as exc:
            raise unusable(pdf, str(exc)) from None
    out.print(f"{len(written)} statements as of {result.loaded.as_of} written to {pdf}", markup=False)


@app.command()
def letters(path: Path = typer.Argument(..., help="The workbook."),
            pdf: Path = typer.Option(..., "--pdf", help="Folder for the PDFs (one letter per customer)."),
            level: int | None = typer.Option(None, "--level", min=1, help="Only customers at this dunning "
                                                "level (1 提醒函, 2 催告函, 3 最后通知函 with the default 催款分级)."),
            owner: str | None = typer.Option(None, "--owner", help="Only this rep's customers (业务员)."),
            as_of: str | None = AsOf,
            force: bool = typer.Option(False, "--force", help="Overwrite PDFs already in the folder.")) -> None:
    """Write one dunning letter PDF per overdue customer at its level (提醒函 / 催告函 / 最后通知函),
    with its open items attached (through LibreOffice); the workbook is not changed."""
    from rich.progress import Progress

    from .export.aging_export import ExportError, require_soffice
    from .export.statement_pdf import pdf_name, statements_to_pdf

    try:
        require_soffice()
    except ExportError as exc:
        raise unusable(pdf, str(exc)) from None
    result = run_job(path, jobs.letters, write=False, owner=owner, level=level, as_of=parse_as_of(as_of))
    pages = [(f"{d.customer_id}-{d.title}", d.sheet) for d in result.documents]
    if pdf.exists() and not pdf.is_dir():
        raise unusable(pdf, "is a file, not a folder")
    clash = [name for name, _ in pages if (pdf / pdf_name(name)).exists()]
    if clash and not force:
        raise unusable(pdf / pdf_name(clash[0]), "already exists (use --force to overwrite)")
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("letters", total=len(pages))
        try:
            written = statements_to_pdf(pages, pdf, lambda n: progress.advance(task, n),
                                        result.loaded.settings.company_logo)
        except ExportError as exc:
            raise unusable(pdf, str(exc)) from None
    counts: dict[str, int] = {}
    for d in sorted(result.documents, key=lambda d: d.level or 0):
        counts[d.title] = counts.get(d.title, 0) + 1
    summary = ", ".join(f"{n} {title}" for title, n in counts.items()) or "none"
    out.print(f"{len(written)} letters as of {result.loaded.as_of} written to {pdf}: {summary}", markup=False)


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
         as_of: str | None = AsOf) -> None:
    """E-mail each statement or letter as a PDF to the 邮箱 on the customer's card (or write .eml
    files) and append every send to 催款记录. A document already sent (same send id) is skipped."""
    import smtplib
    import tempfile

    from .core.dunning_log import issued, send_id
    from .export.aging_export import ExportError, require_soffice
    from .export.mail import MailError, SmtpOutbox, compose, eml_name, parse_url, password_for
    from .export.statement_pdf import statements_to_pdf
    from .sheets.dunning_log import log_entries, log_row

    if statements_ == letters_:
        raise typer.BadParameter("give one of --statements or --letters")
    server = None
    if smtp is not None:
        try:
            server = parse_url(smtp)
        except MailError as exc:
            raise unusable(path, str(exc)) from None
    day = parse_as_of(as_of)
    if statements_:
        result = run_job(path, jobs.statements, write=False, owner=owner, as_of=day)
    else:
        result = run_job(path, jobs.letters, write=False, owner=owner, level=level, as_of=day)
    loaded = result.loaded
    s, lang, when = loaded.settings, loaded.lang, loaded.as_of
    if not s.company_account:
        raise unusable(path, "设置 账号 is blank: statements and letters would go out without the account to pay "
                             "into; nothing was sent")
    sender = s.company_email or (server.user if server and server.user and "@" in server.user else None)
    if not sender:
        raise unusable(path, "设置 公司邮箱 is blank: no sender address for the e-mails")
    _, entries = log_entries(loaded.memory.get("dunning_log"))
    done = issued(entries)
    logged = {(e.send_id, e.result) for e in entries}
    todo, rows, skipped, no_email = [], [], 0, []
    for d in result.documents:
        sid = send_id(d.kind, d.customer_id, when, d.level if d.kind == "letter" else None)
        if sid in done:
            skipped += 1
            continue
        if not d.email:
            no_email.append(d.customer_id)
            if (sid, "no_email") not in logged:
                rows.append(log_row(when, d.customer_id, d.name, d.kind, d.level, d.amount, None, "no_email", None,
                                    sid, s.dunning_levels, lang))
            continue
        todo.append((d, sid, d.email, d.name))
    kind = "statements" if statements_ else "letters"
    out.print(f"{len(todo)} {kind} to send, {skipped} already sent, {len(no_email)} without 邮箱"
              + (f" ({', '.join(no_email[:10])}{' …' if len(no_email) > 10 else ''})" if no_email else ""),
              markup=False)
    if dry_run:
        for d, _sid, to, _ in todo:
            out.print(f"  would send {d.title} {d.customer_id} {d.amount:,.2f} to {to}", markup=False)
        raise typer.Exit(0)
    if todo:
        try:
            require_soffice()
        except ExportError as exc:
            raise unusable(path, str(exc)) from None
    try:  # the log must be writable before anything goes out
        guard.check_writable(path)
        if (lock := guard.owner_file(path)) is not None:
            raise PackageError(f"open in Excel or LibreOffice (lock file {lock.name}); close it there first")
    except PackageError as exc:
        raise unusable(path, str(exc)) from None
    folder = outbox or path.with_name(path.stem + "-outbox")
    sent = failed = 0
    with tempfile.TemporaryDirectory(prefix="crm-send-") as tmp:
        try:
            pdfs = statements_to_pdf([(f"{d.customer_id}-{n}", d.sheet) for n, (d, _, _, _) in enumerate(todo)],
                                     Path(tmp), logo=s.company_logo)
        except ExportError as exc:
            raise unusable(path, str(exc)) from None
        box = None
        if server is not None:
            try:
                box = SmtpOutbox(server, password_for(server))
                box.open()
            except MailError as exc:
                raise unusable(path, str(exc)) from None
        else:
            folder.mkdir(parents=True, exist_ok=True)
        try:
            for n, ((d, sid, to, name), pdf) in enumerate(zip(todo, pdfs)):
                subject, body = _mail_text(d, name, s.company_name, s.company_contact, when, lang)
                filename = f"{d.title}-{d.customer_id}-{when.isoformat()}.pdf"
                msg = compose(sender, to, subject, body, pdf, filename, sid)
                result_key, detail = "sent", None
                if box is None:
                    target = folder / eml_name(f"{d.customer_id}-{d.title}-{when.isoformat()}")
                    target.write_bytes(bytes(msg))
                    result_key, detail = "eml", target.name
                else:
                    try:
                        box.send(msg)
                    except smtplib.SMTPRecipientsRefused as exc:
                        code, why = next(iter(exc.recipients.values()))
                        result_key, detail = "failed", f"{code} {why.decode(errors='replace') if isinstance(why, bytes) else why}"
                    except (OSError, smtplib.SMTPException) as exc:
                        rows.append(log_row(when, d.customer_id, name, d.kind, d.level, d.amount, to, "failed",
                                            f"connection lost ({type(exc).__name__})", sid, s.dunning_levels, lang))
                        failed += 1
                        out.print(f"connection lost after {sent} sent; {len(todo) - n - 1} not tried (run again "
                                  "to send them)", markup=False)
                        break
                rows.append(log_row(when, d.customer_id, name, d.kind, d.level, d.amount, to, result_key, detail,
                                    sid, s.dunning_levels, lang))
                if result_key == "failed":
                    failed += 1
                    out.print(f"  failed {d.customer_id} {to}: {detail}", markup=False)
                else:
                    sent += 1
        finally:
            if box is not None:
                box.close()
            if rows:
                run_job(path, jobs.append_dunning_log, rows=rows)
    where = str(server) if server is not None else str(folder)
    out.print(f"{sent} {kind} {'sent via' if server else 'written as .eml to'} {where}; {failed} failed; "
              f"{len(rows)} rows added to {loaded.tab(S.DUNNING_LOG)}", markup=False)
    raise typer.Exit(EXIT_DATA if failed or no_email else 0)


MAIL_TEXT = {
    "statement": ("{company} 对账单（截至 {date}）", "{customer}：\n\n您好！附件是贵司截至 {date} 的对账单，请查收核对，"
                  "并将回执盖章后回传。\n\n{sign}",
                  "{company} statement of account as of {date}", "Dear {customer},\n\nPlease find attached your "
                  "statement of account as of {date}. Kindly check it and return the reply slip with your stamp."
                  "\n\n{sign}"),
    "letter": ("{company} {title}", "{customer}：\n\n您好！附件是我司的{title}及截至 {date} 的未结清明细，请查阅并及时安排付款。"
               "\n\n{sign}",
               "{company} {title}", "Dear {customer},\n\nPlease find attached our {title} with the items open as of "
               "{date}. Kindly arrange payment.\n\n{sign}"),
}


def _mail_text(doc, customer: str | None, company: str | None, contact: str | None, when: dt.date,
               lang: str) -> tuple[str, str]:
    zs, zb, es, eb = MAIL_TEXT[doc.kind]
    subject, body = (zs, zb) if lang == "zh" else (es, eb)
    sign = "\n".join(x for x in (company, contact) if x)
    kw = dict(company=company or "", date=when.isoformat(), customer=customer or doc.customer_id, title=doc.title,
              sign=sign)
    return subject.format(**kw).strip(), body.format(**kw)


@app.command()
def new(path: Path = typer.Argument(..., help="Where to create the workbook (.xlsm or .xlsx)."),
        lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
        force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Create a blank CRM workbook from the template."""
    from .build.workbook import build_workbook

    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise unusable(path, "a new workbook is .xlsm (with the add-in's macros) or .xlsx; "
                             f"{path.suffix or 'no extension'} would name a file of another format")
    refuse_overwrite(path, force)
    from .build.xlwings_conf import CONF_SHEET, PYTHON_ORG, interpreters, mac_fix, mac_unsafe

    values = interpreters()
    if mac_unsafe(values["Interpreter_Mac"]) is not None:
        err.print(f"warning: this Python's path {values['Interpreter_Mac']} would break the buttons on a Mac (xlwings "
                  f"passes it to the shell unquoted); the workbook names {PYTHON_ORG['Interpreter_Mac']} instead: "
                  + mac_fix(values["Interpreter_Mac"]), markup=False)
        values["Interpreter_Mac"] = PYTHON_ORG["Interpreter_Mac"]
    build_workbook(path, lang=lang, interpreters=values)  # type: ignore[arg-type]
    out.print(f"created {path}", markup=False)
    if path.suffix.lower() == ".xlsm":
        for key, value in values.items():
            out.print(f"{CONF_SHEET}: {key} = {value}", markup=False)


def _setup(path: Path, lang: str, *, force: bool) -> None:
    from .build.upgrade import CONF_SHEET
    from .build.upgrade import setup as add_conf

    try:
        values, done = add_conf(path, lang, force=force)  # type: ignore[arg-type]
    except PackageError as exc:
        raise unusable(path, str(exc)) from None
    for key, value in values.items():
        out.print(f"{CONF_SHEET}: {key} = {value}", markup=False)
    if done is not None:
        _upgraded(path, done)


def _upgraded(path: Path, done) -> None:
    from .io.package import stamped_backups

    if done.kept:
        out.print(f"your code in {', '.join(done.kept)} was carried into the new VBA project", markup=False)
    if done.dropped:
        out.print(f"dropped (--force): {', '.join(done.dropped)}", markup=False)
    backups = stamped_backups(path)
    if backups:
        out.print(f"backup {backups[-1].name}", markup=False)


def _guarded(path: Path):
    """Checks and the lock for a command that rewrites a workbook outside the jobs."""
    try:
        check_readable(path)
        guard.check_writable(path)
        if (lock := guard.owner_file(path)) is not None:
            raise PackageError(f"open in Excel or LibreOffice (lock file {lock.name}); close it there first")
    except PackageError as exc:
        raise unusable(path, str(exc)) from None
    return guard.exclusive(path.resolve())


def _lang_of(path: Path) -> str:
    from .io.package import Package
    from .loader import detect_lang, find_tabs

    pkg = Package(path)
    try:
        return detect_lang(find_tabs([n for n, _ in pkg.sheets()]))
    except UnusableInput:
        return "zh"
    finally:
        pkg.close()


@app.command("update-vba")
def update_vba(path: Path = typer.Argument(..., help="The macro workbook (.xlsm)."),
               force: bool = typer.Option(False, "--force", help="Replace a project that holds modules of "
                                          "your own (export them first).")) -> None:
    """Replace the workbook's VBA project and ribbon with the installed add-in's and xlwings'.

    The code in ThisWorkbook and the sheets' modules is carried into the new project; every
    other part stays byte-identical; the previous file is kept as NAME.YYYYMMDD-HHMMSS.bak
    (the newest five).
    """
    from .build.upgrade import update_vba as upgrade

    try:
        with _guarded(path):
            done = upgrade(path, _lang_of(path), force=force)  # type: ignore[arg-type]
    except PackageError as exc:
        raise unusable(path, str(exc)) from None
    out.print(f"{path.name}: VBA project updated (xlwings {done.old_version or '?'} → {done.new_version})",
              markup=False)
    _upgraded(path, done)


@app.command()
def setup(path: Path = typer.Argument(..., help="The macro workbook (.xlsm)."),
          force: bool = typer.Option(False, "--force", help="Replace a VBA project holding modules of your own.")
          ) -> None:
    """Write the xlwings.conf sheet: the Python that the ribbon's RunPython starts."""
    try:
        with _guarded(path):
            _setup(path, _lang_of(path), force=force)
    except PackageError as exc:
        raise unusable(path, str(exc)) from None


@app.command()
def doctor(path: Path | None = typer.Argument(None, help="The workbook to check (optional)."),
           live: bool = typer.Option(False, "--live", help="Open a scratch copy of the workbook in Excel "
                                     "through xlwings and run every ribbon button on it, one line per button "
                                     "with its time (the workbook itself is not touched).")) -> None:
    """Check this PC (and a workbook) for the ribbon's first click; one line per check."""
    from . import doctor as d

    results = d.checks(path)
    if live:
        if path is None:
            raise typer.BadParameter("--live needs the workbook's path")
        results += d.live_checks(path)
    for c in results:
        out.print(c.line(), markup=False)
    raise typer.Exit(0 if all(c.ok is not False for c in results) else 1)


@app.command()
def plan(path: Path = typer.Argument(..., help="The workbook."), owner: str | None = Owner,
         as_of: str | None = AsOf,
         month: str | None = typer.Option(None, "--month", help="YYYY-MM: project that month from its first "
                                                                    "working day (default: from the as-of date)."),
         missed: bool = typer.Option(False, "--missed", help="Also list the customers the month will not reach.")
         ) -> None:
    """Project the rest of the month day by day on the working-day calendar: calls per day and
    coverage reached, assuming every listed call happens and each rep keeps planning as in the last
    4 weeks; says whether each book closes and who will be missed. Reads the workbook; writes nothing."""
    from .core.calls import GRADES as GRADE_KEYS
    from .core.calls import days_left, project
    from .core.workdays import month_end, working_days

    start = parse_as_of(as_of)
    if month is not None:
        try:
            start = dt.date.fromisoformat(month + "-01")
        except ValueError:
            err.print(f"--month: '{month}' is not YYYY-MM", markup=False)
            raise typer.Exit(2) from None
    result = run_job(path, jobs.refresh, write=False, as_of=start, owner=owner, steps=(GRADES, CALLS))
    facts = result.facts[CALLS]
    settings = result.loaded.settings
    day0 = result.loaded.as_of
    proj = project(list(facts.people), day0, settings, owner, facts.replan, facts.pace)
    days = proj.days
    reps = sorted({rep for d in days for rep in d.calls}) or sorted(facts.months)
    cal_days = working_days(day0, month_end(day0), settings.calendar)
    left = days_left(day0, settings)
    for line in plan_lines(days, reps, proj.missed, facts.months, facts.replan, settings, day0, len(cal_days),
                           left, GRADE_KEYS, facts.pace):
        out.print(line, markup=False)
    if missed:
        out.print("")
        for rep in reps:
            for c in proj.missed.get(rep, []):
                name = facts.names.get(c.customer_id, "")
                out.print(_fit(f"{_cells(rep, 8)} {c.grade}  {_cells(c.customer_id, 12)} {name}"), markup=False)
    raise typer.Exit(0)


def plan_lines(days, reps, missed, months, replan, settings, day0, cal_days, left, grades, pace=None) -> list[str]:
    """`crm plan`'s report, every line within 80 columns."""
    from .core.calls import calls_made

    pace = pace or {}
    slow = ", ".join(f"{r} {calls_made(settings.daily_quota, pace[r])}" for r in reps if pace.get(r, 1.0) < 1)
    unanswered = [r for r in reps if r in replan and replan[r].unanswered]
    lines = [f"plan from {day0} · quota {settings.daily_quota}/day",
             f"working days left: {left} (calendar {cal_days}, 每月工作日 {settings.working_days})",
             "assumes: " + (f"calls/day as on the last list ({slow}), the rest the quota" if slow else
                            "every listed call made (the last list was worked in full)"),
             "  and calls go as in the last 4 weeks (replanning"
             + (", unanswered " + ", ".join(f"{r} {replan[r].unanswered:.0%}" for r in unanswered) if unanswered
                else ", every call answered") + ");",
             "  it cannot know of absences, new customers or a change of habit"]
    lines.append(f"{'rep':8} {'book':>5} {'now':>5} {'end':>5}  {'missed A/B/C':>14} {'replan':>12}  closes")
    for rep in reps:
        m = months.get(rep)
        book = m.book if m else 0
        lost = {g: sum(1 for c in missed.get(rep, []) if c.grade == g) for g in grades}
        end = days[-1].coverage.get(rep, 0.0) if days else (m.share if m else 1.0)
        habit = replan.get(rep)
        rate, lag = (habit.rate, habit.lag) if habit else (0.0, 0)
        lost_text = "/".join(str(lost[g]) for g in grades)
        verdict = "yes" if not any(lost.values()) else ("no (A missed)" if lost["A"] else "no, A kept")
        replan_text = f"{rate:.0%} +{lag}d" if rate else "none"
        lines.append(f"{_cells(rep, 8)} {book:5} {m.share if m else 0:5.0%} {end:5.0%}  {lost_text:>14} "
                     f"{replan_text:>12}  {verdict}")
    per_line = 6  # date (10) + 6 reps × 11 columns = 76
    for k in range(0, len(reps), per_line):
        group = reps[k:k + per_line]
        lines.append("")
        lines.append(f"{'date':10}" + "".join(" " + _cells(r, 10, right=True) for r in group))
        for d in days:
            lines.append(f"{d.date.isoformat():10}" + "".join(
                f" {d.calls.get(r, 0):>4} {d.coverage.get(r, 0):>4.0%}" for r in group))
    short = [r for r in reps if missed.get(r)]
    lines.append("")
    lines.append("every book closes this month at this quota" if not short else
                 "does not close: " + ", ".join(f"{r} {len(missed[r])}" for r in short)
                 + " (--missed lists them; the shortfall falls on C, then B)")
    return [_fit(ln) for ln in lines]


def _cells(text: str, width: int, right: bool = False) -> str:
    """``text`` cut and padded to ``width`` terminal columns (a Chinese character takes two)."""
    from rich.cells import cell_len, set_cell_size

    text = set_cell_size(text, min(width, cell_len(text)))
    pad = " " * (width - cell_len(text))
    return pad + text if right else text + pad


def _fit(line: str, width: int = 80) -> str:
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(line, width) if cell_len(line) > width else line


@app.command()
def demo(customers: int = typer.Option(1000, "--customers", min=1, help="How many customers (without --reps)."),
         reps: int | None = typer.Option(None, "--reps", min=1, max=200,
                                            help="How many reps, each with --per-rep customers."),
         per_rep: int = typer.Option(1000, "--per-rep", min=1, help="Customers per rep (with --reps)."),
         out_path: Path = typer.Option(Path("crm-demo.xlsm"), "--out", help="Where to write the demo workbook."),
         as_of: str | None = typer.Option(None, "--as-of", help="Anchor date of the data (default today)."),
         seed: int = typer.Option(7, "--seed"),
         lang: str = typer.Option("zh", "--lang"),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Generate a realistic workbook, run every job on it and print a summary."""
    from .build.demo_data import DEMO_COMPANY, generate
    from .build.workbook import build_workbook

    refuse_overwrite(out_path, force)
    day = parse_as_of(as_of) or dt.date.today()
    t0 = time.perf_counter()
    if reps is not None:
        customers = reps * per_rep
    data = generate(customers, as_of=day, seed=seed, reps=reps)
    build_workbook(out_path, lang=lang, data=data, settings=DEMO_COMPANY)  # type: ignore[arg-type]
    t1 = time.perf_counter()
    out.print(f"demo workbook {out_path}: {customers} customers, {len(data['funnel'])} funnel rows, "
              f"{len(data['contacts'])} contacts, {len(data['survey'])} surveys, "
              f"{len(data['receivables'])} invoices (built in {t1 - t0:.1f}s)", markup=False)
    result = run_job(out_path, jobs.refresh, as_of=day)
    t2 = time.perf_counter()
    print_run(out_path, result, t2 - t1)
    phases = "  ".join(f"{k} {v:.2f}s" for k, v in result.timings.items())
    out.print(f"timing: build {t1 - t0:.1f}s, refresh {t2 - t1:.2f}s ({phases})", markup=False)


Db = typer.Option(None, "--db", help="Team database: a SQLite file (default crm-team.sqlite) or a URL such as "
                  "postgresql://user@host/dbname.")


def open_team_db(url: str | None, create: bool = True):
    from .team.db import DEFAULT_DB, Unreachable, open_db

    try:
        return open_db(url or DEFAULT_DB, create=create)
    except Unreachable as exc:
        err.print(f"crm: {exc}", markup=False)
        raise typer.Exit(EXIT_UNUSABLE) from None


@app.command()
def collect(paths: list[Path] = typer.Argument(..., help="Reps' workbooks, or folders holding them."),
            db: str | None = Db, as_of: str | None = AsOf,
            reassign: bool = typer.Option(False, "--reassign", help="Accept a workbook whose customers now "
                                          "belong to another rep than when it was last collected."),
            workers: int | None = typer.Option(None, "--jobs", min=1, help="Workbooks read at once "
                                                  "(default: one per CPU).")) -> None:
    """Collect reps' workbooks into the team database (one transaction per workbook).

    An unchanged workbook is skipped; a changed one replaces its rows and adds the as-of date's
    snapshot. Exit 1 when a workbook was skipped or has data errors, 2 when the database is unusable.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .team.collect import collect as run_collect

    engine = open_team_db(db)
    t0 = time.perf_counter()
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task("collecting", total=None)

        def done(o) -> None:
            bar.update(task, advance=1, description=Path(o.path).name)

        report = run_collect(engine, paths, as_of=parse_as_of(as_of), reassign=reassign, workers=workers,
                             on_start=lambda n: bar.update(task, total=n), on_done=done)
    engine.dispose()
    for o in report.outcomes:
        name = Path(o.path).name
        if o.status in ("collected", "reassigned"):
            note = f", {o.errors} data errors (rows left out; run crm validate)" if o.errors else ""
            moved = f"; {o.reason}" if o.reason else ""
            out.print(f"{o.status:<10} {name}: {o.owner}, {o.customers} customers{note}{moved}", markup=False)
        elif o.status == "unchanged":
            out.print(f"unchanged  {name}", markup=False)
        else:
            out.print(f"{o.status:<10} {name}: {o.reason}", markup=False)
    counts = ", ".join(f"{n} {s}" for s in ("collected", "reassigned", "unchanged", "skipped", "refused")
                       if (n := report.count(s)))
    out.print(f"{len(report.outcomes)} workbooks: {counts or 'none'} ({time.perf_counter() - t0:.1f}s)",
              markup=False)
    raise typer.Exit(report.exit_code)


@app.command()
def team(db: str | None = Db,
         out_path: Path = typer.Option(..., "--out", help="The manager's workbook to write (.xlsx)."),
         as_of: str | None = typer.Option(None, "--as-of", help="As-of date (default: the latest as-of date "
                                             "collected)."),
         since: str | None = typer.Option(None, "--since", help="Start of the funnel conversion (default: "
                                             "the snapshot date before the latest)."),
         lang: str = typer.Option("zh", "--lang", help="zh (default) or en."),
         force: bool = typer.Option(False, "--force", help="Overwrite an existing file.")) -> None:
    """Build the manager's workbook: 团队概览, 归属争议, 漏斗转化, 账龄汇总, 看板."""
    from .team.manager import NothingCollected, build

    if lang not in ("zh", "en"):
        raise typer.BadParameter("--lang must be zh or en")
    if out_path.suffix.lower() != ".xlsx":
        raise unusable(out_path, "the team workbook is an .xlsx file")
    refuse_overwrite(out_path, force)
    engine = open_team_db(db, create=False)
    try:
        facts = build(engine, out_path, as_of=parse_as_of(as_of), since=parse_as_of(since), lang=lang)
    except NothingCollected as exc:
        err.print(f"crm: {exc}", markup=False)
        raise typer.Exit(EXIT_DATA) from None
    except OSError as exc:
        raise unusable(out_path, exc.strerror or str(exc)) from None
    finally:
        engine.dispose()
    span = f"{facts.since} → {facts.to}" if facts.since else "one snapshot date"
    out.print(f"wrote {out_path}: {len(facts.reps)} workbooks as of {facts.as_of}, {len(facts.disputes)} "
              f"disputed customers, conversion {span}", markup=False)
