"""`crm send`: each statement or letter as a PDF to the 邮箱 on the customer's card (or as .eml
files), every send appended to 催款记录; a document already sent (same send id) is skipped."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import sheets_schema as S

from . import jobs
from .io import guard
from .io.package import PackageError
from .report import EXIT_DATA, RunReport
from .runner import Stop, report_of, run_job, unusable

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


def mail_text(doc: Any, customer: str | None, company: str | None, contact: str | None, when: dt.date,
              lang: str) -> tuple[str, str]:
    zs, zb, es, eb = MAIL_TEXT[doc.kind]
    subject, body = (zs, zb) if lang == "zh" else (es, eb)
    sign = "\n".join(x for x in (company, contact) if x)
    kw = dict(company=company or "", date=when.isoformat(), customer=customer or doc.customer_id, title=doc.title,
              sign=sign)
    return subject.format(**kw).strip(), body.format(**kw)


def send(path: Path, *, statements: bool, letters: bool, smtp: str | None = None, outbox: Path | None = None,
         dry_run: bool = False, owner: str | None = None, level: int | None = None,
         as_of: dt.date | None = None) -> RunReport:
    import smtplib
    import tempfile

    from .core.dunning_log import issued, send_id
    from .export.aging_export import ExportError, require_soffice
    from .export.mail import MailError, SmtpOutbox, compose, eml_name, parse_url, password_for
    from .export.statement_pdf import statements_to_pdf
    from .i18n import pick
    from .report_text import KIND
    from .sheets.dunning_log import log_entries, log_row

    if statements == letters:
        raise Stop(None, "give one of --statements or --letters")
    server = None
    if smtp is not None:
        try:
            server = parse_url(smtp)
        except MailError as exc:
            raise unusable(path, str(exc)) from None
    if statements:
        result = run_job(path, jobs.statements, write=False, owner=owner, as_of=as_of)
    else:
        result = run_job(path, jobs.letters, write=False, owner=owner, level=level, as_of=as_of)
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
    kind_key = "statements" if statements else "letters"
    kind = pick(KIND, kind_key, lang)
    report = report_of("send", path, result, wrote=False)
    report.steps = []
    report.exit_code = 0
    ids = f" ({', '.join(no_email[:10])}{' …' if len(no_email) > 10 else ''})" if no_email else ""
    report.say("to_send", n=len(todo), kind=kind, skipped=skipped, no_email=len(no_email), ids=ids,
               without_email=no_email)
    if dry_run:
        for d, _sid, to, _ in todo:
            report.say("would_send", title=d.title, customer=d.customer_id, amount=d.amount, to=to)
        return report
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
                subject, body = mail_text(d, name, s.company_name, s.company_contact, when, lang)
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
                        report.say("connection_lost", sent=sent, untried=len(todo) - n - 1)
                        break
                rows.append(log_row(when, d.customer_id, name, d.kind, d.level, d.amount, to, result_key, detail,
                                    sid, s.dunning_levels, lang))
                if result_key == "failed":
                    failed += 1
                    report.say("send_failed", customer=d.customer_id, to=to, detail=detail)
                else:
                    sent += 1
        finally:
            if box is not None:
                box.close()
            if rows:
                run_job(path, jobs.append_dunning_log, rows=rows)
    if rows:
        report.wrote("sheet", loaded.tab(S.DUNNING_LOG))
    if server is None and sent:
        report.wrote("folder", str(folder), count=sent)
    how = {True: ("已发送，经", "sent via"), False: ("已写为 .eml，位于", "written as .eml to")}[server is not None]
    report.say("sent", sent=sent, kind=kind, how=how[0 if lang == "zh" else 1],
               where=str(server) if server is not None else str(folder), failed=failed, rows=len(rows),
               tab=loaded.tab(S.DUNNING_LOG))
    report.exit_code = EXIT_DATA if failed or no_email else 0
    return report
