"""Email over SMTP: one multipart/alternative message, plain text and HTML.

Both parts carry the whole report, so a text-only client loses nothing. The
subject is built from counts and exchange names with every line break and
control character flattened, so page text can never add a header.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from errata.errors import DeliveryError
from errata.parsers import inert
from errata.reports import html, text
from errata.reports.channels.base import Channel, Context, channel, optional_secret
from errata.reports.model import Report

_FLAT = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
SECURITY = ("starttls", "ssl", "none")


def subject(report: Report, prefix: str) -> str:
    exchanges = sorted({c.exchange or "" for c in report.changes} - {""})
    tail = f" · {', '.join(exchanges)}" if exchanges else ""
    alerts = (
        f", {len(report.alerts)} alert{'s' * (len(report.alerts) != 1)}" if report.alerts else ""
    )
    line = f"{prefix} {report.summary().rstrip('.')}{alerts}{tail}".strip()
    return _FLAT.sub(" ", inert(line))[:200]


def message(report: Report, sender: str, to: Sequence[str], prefix: str) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject(report, prefix)
    mail["From"] = sender
    mail["To"] = ", ".join(to)
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = make_msgid(domain="errata.invalid")
    mail["Auto-Submitted"] = "auto-generated"
    mail.set_content(text.render_text(report))
    mail.add_alternative(html.render_html(report), subtype="html")
    return mail


class EmailChannel:
    def __init__(self, settings: Mapping[str, Any], password: str | None) -> None:
        self._settings = settings
        self._password = password

    def send(self, report: Report, _context: Context) -> None:
        s = self._settings
        security = s.get("security", "starttls")
        port = int(s.get("port", {"ssl": 465, "starttls": 587}.get(security, 25)))
        mail = message(report, s["from"], s["to"], s.get("subject_prefix", "[errata]"))
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
        except smtplib.SMTPAuthenticationError:
            raise DeliveryError(
                "email: the SMTP server refused the login", transient=False
            ) from None
        except smtplib.SMTPRecipientsRefused as error:
            raise DeliveryError(
                f"email: recipients refused: {', '.join(error.recipients)}", transient=False
            ) from None
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryError(f"email: {type(error).__name__}: {error}") from None


@channel(
    "email",
    {"host": str, "port": int, "security": str, "from": str, "to": list, "username": str,
     "password_env": str, "subject_prefix": str},
    required=("host", "from", "to"),
    secrets=("password_env",),
)  # fmt: skip
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    if settings.get("security", "starttls") not in SECURITY:
        raise DeliveryError(
            f"email: security must be one of {', '.join(SECURITY)}", transient=False
        )
    return EmailChannel(settings, optional_secret(settings, "password_env", env))
