"""Email over SMTP: one multipart/alternative message, plain text and HTML.

Both parts carry the whole report, so a text-only client loses nothing. The
subject is built from counts and exchange names with every line break and
control character flattened, so page text can never add a header.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from errata.errors import DeliveryError
from errata.reports import html, text
from errata.reports.channels.base import Channel, Context, channel, optional_secret
from errata.reports.model import Report

_FLAT = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
SECURITY = ("starttls", "ssl", "none")
OPT_IN = "allow_plaintext_login"  # security = "none" with a login: only when said explicitly


def subject(report: Report, prefix: str) -> str:
    exchanges = sorted({c.exchange or "" for c in report.changes} - {""})
    tail = f" · {', '.join(exchanges)}" if exchanges else ""
    alerts = (
        f", {len(report.alerts)} alert{'s' * (len(report.alerts) != 1)}" if report.alerts else ""
    )
    line = f"{prefix} {report.summary().rstrip('.')}{alerts}{tail}".strip()
    return _FLAT.sub(" ", line)[:200]


def message(
    report: Report, sender: str, to: Sequence[str], prefix: str, delivery_id: str = ""
) -> EmailMessage:
    """The mail; its Message-ID is the delivery id, so a repeat of it can be recognised."""
    mail = EmailMessage()
    mail["Subject"] = subject(report, prefix)
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = (
        f"<{delivery_id}@errata.invalid>" if delivery_id else make_msgid(domain="errata.invalid")
    )
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text.render_text(report))
    mail.add_alternative(html.render_html(report), subtype="html")
    return mail


class EmailChannel:
    def __init__(self, settings: Mapping[str, Any], password: str | None) -> None:
        self._settings = settings
        self._password = password

    def send(self, report: Report, context: Context) -> None:
        if context.already_sent(0):
            return
        s = self._settings
        prefix = s.get("subject_prefix", "[errata]")
        self._send(message(report, s["from"], s["to"], prefix, context.delivery_id))
        context.mark_sent(0)

    def _send(self, mail: EmailMessage) -> None:
        s = self._settings
        security = s.get("security", "starttls")
        port = int(s.get("port", {"ssl": 465, "starttls": 587}.get(security, 25)))
        try:
            smtp_class = smtplib.SMTP_SSL if security == "ssl" else smtplib.SMTP
            kwargs: dict[str, Any] = {"timeout": 30}
            if security == "ssl":
                kwargs["context"] = ssl.create_default_context()
            with smtp_class(s["host"], port, **kwargs) as smtp:
                if security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
                if s.get("username"):
                    smtp.login(s["username"], self._password or "")
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as error:
            raise delivery_error(error) from None


def settings_problem(settings: Mapping[str, Any]) -> str | None:
    """A security that does not exist, or a login that would cross the network in clear."""
    security = settings.get("security", "starttls")
    if security not in SECURITY:
        return f"security must be one of {', '.join(SECURITY)}, not {security!r}"
    if security == "none" and settings.get("username") and not settings.get(OPT_IN):
        return (
            'security = "none" would send the password unencrypted; use "starttls" or "ssl", '
            f"or set {OPT_IN} = true if the server is on this host or a trusted network"
        )
    return None


def delivery_error(error: smtplib.SMTPException | OSError) -> DeliveryError:
    """What an SMTP failure means: a 5xx answer or a name that does not resolve will not get
    better by retrying (permanent); a 4xx answer, a refused or cut connection may (transient)."""
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return DeliveryError("email: the SMTP server refused the login", transient=False)
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()] or [550]
        refused = ", ".join(error.recipients)
        return DeliveryError(f"email: recipients refused: {refused}", transient=min(codes) < 500)
    if isinstance(error, socket.gaierror) and error.errno != socket.EAI_AGAIN:
        return DeliveryError("email: the SMTP host does not resolve", transient=False)
    if isinstance(error, smtplib.SMTPResponseException):
        text = (
            error.smtp_error.decode(errors="replace")
            if isinstance(error.smtp_error, bytes)
            else str(error.smtp_error)
        )
        line = _FLAT.sub(" ", text)[:200]
        return DeliveryError(
            f"email: SMTP {error.smtp_code} {line}", transient=error.smtp_code < 500
        )
    return DeliveryError(f"email: {type(error).__name__}: {error}")


@channel(
    "email",
    {"host": str, "port": int, "security": str, "from": str, "to": list, "username": str,
     "password_env": str, "subject_prefix": str, OPT_IN: bool},
    required=("host", "from", "to"),
    secrets=("password_env",),
    check=settings_problem,
)  # fmt: skip
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    if problem := settings_problem(settings):
        raise DeliveryError(f"email: {problem}", transient=False)
    return EmailChannel(settings, optional_secret(settings, "password_env", env))
