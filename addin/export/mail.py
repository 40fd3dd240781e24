"""Sending statements and letters: e-mail over SMTP (STARTTLS for smtp://, SSL for smtps://) or
.eml files for a mail client. The password comes from CRM_SMTP_PASSWORD or the keyring, never
from the URL, and is never printed."""
from __future__ import annotations

import hashlib
import os
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

#: where the SMTP password is read from (or the keyring, service "crm-smtp", user "USER@HOST")
PASSWORD_ENV = "CRM_SMTP_PASSWORD"
KEYRING_SERVICE = "crm-smtp"


class MailError(Exception):
    """The mail cannot be sent at all (bad URL, no password, TLS refused): nothing is sent."""


@dataclass(frozen=True)
class Server:
    ssl: bool
    host: str
    port: int
    user: str | None

    def __str__(self) -> str:  # what is printed: never a password
        who = f"{self.user}@" if self.user else ""
        return f"{'smtps' if self.ssl else 'smtp'}://{who}{self.host}:{self.port}"


def parse_url(url: str) -> Server:
    """``smtp://user@host:587`` (STARTTLS) or ``smtps://user@host:465`` (SSL); a password in the
    URL is refused (it would sit in the shell's history)."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps"):
        raise MailError(f"--smtp: use smtp://user@host:port (STARTTLS) or smtps://user@host:port (SSL), not "
                        f"'{parts.scheme or url}'")
    if parts.password is not None:
        raise MailError(f"--smtp: put the password in the environment variable {PASSWORD_ENV} (or the keyring), "
                        "not in the URL")
    if not parts.hostname:
        raise MailError("--smtp: no host in the URL")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 587)
    except ValueError:
        raise MailError("--smtp: the port is not a number") from None
    return Server(parts.scheme == "smtps", parts.hostname, port, unquote(parts.username) if parts.username else None)


def password_for(server: Server) -> str | None:
    """The password for the server's user: the environment variable, else the keyring (if the
    keyring package is installed); None without a user."""
    if server.user is None:
        return None
    if os.environ.get(PASSWORD_ENV):
        return os.environ[PASSWORD_ENV]
    try:
        import keyring  # optional
    except ImportError:
        keyring = None
    if keyring is not None:
        try:
            found = keyring.get_password(KEYRING_SERVICE, f"{server.user}@{server.host}")
        except Exception:  # a keyring backend that cannot be used is the same as no keyring
            found = None
        if found:
            return found
    raise MailError(f"no password for {server}: set the environment variable {PASSWORD_ENV} or store it with "
                    f"`keyring set {KEYRING_SERVICE} {server.user}@{server.host}`")


def compose(sender: str, to: str, subject: str, body: str, pdf: Path, filename: str, send_id: str) -> EmailMessage:
    """A message with the PDF attached; its Message-ID follows from the send id, so a copy sent
    twice is recognisable as the same document."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=True)
    domain = sender.rpartition("@")[2] or "crm.local"
    msg["Message-ID"] = f"<{hashlib.sha256(send_id.encode()).hexdigest()[:32]}@{domain}>"
    msg["X-CRM-Send-ID"] = send_id
    msg.set_content(body)
    msg.add_attachment(pdf.read_bytes(), maintype="application", subtype="pdf", filename=filename)
    return msg


class SmtpOutbox:
    """One connection for the batch; login only over TLS."""

    def __init__(self, server: Server, password: str | None, timeout: float = 30) -> None:
        self.server, self.password, self.timeout = server, password, timeout
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        s = self.server
        try:
            if s.ssl:
                self.smtp = smtplib.SMTP_SSL(s.host, s.port, timeout=self.timeout,
                                             context=ssl.create_default_context())
            else:
                self.smtp = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
                self.smtp.ehlo()
                if self.smtp.has_extn("starttls"):
                    self.smtp.starttls(context=ssl.create_default_context())
                    self.smtp.ehlo()
                elif s.user is not None:
                    self.close()
                    raise MailError(f"{s} offers no STARTTLS: the password is not sent in clear (use smtps://)")
            if s.user is not None:
                self.smtp.login(s.user, self.password or "")
        except MailError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            self.close()
            raise MailError(f"{s}: login refused ({exc.smtp_code})") from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"{s}: cannot connect ({type(exc).__name__}: {_safe(exc, self.password)})") from None

    def send(self, msg: EmailMessage) -> None:
        """Raises smtplib.SMTPRecipientsRefused for a refused recipient (the batch goes on) and
        OSError / SMTPServerDisconnected when the connection is lost (the batch stops)."""
        assert self.smtp is not None
        self.smtp.send_message(msg)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None


def _safe(exc: BaseException, secret: str | None) -> str:
    text = str(exc)
    return text.replace(secret, "***") if secret else text


def eml_name(stem: str) -> str:
    return (re.sub(r'[\\/:*?"<>|\x00-\x1f]', "_", stem).strip(". ") or "_") + ".eml"
