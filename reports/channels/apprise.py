"""Apprise: Microsoft Teams, Discord, Telegram, Matrix, ntfy, PagerDuty and about a hundred more.

The route names an environment variable holding any Apprise URL (``msteams://…``,
``discord://…``, ``tgram://…``, ``ntfys://…``, ``json://…`` for a plain JSON
POST); Apprise turns the report into that service's message. The body is
errata's plain-text report or its Markdown one (``format``); Apprise converts
it to what the service takes and splits what is too long for it.

The URL holds the service's credentials: it is read from the environment,
never logged, and Apprise's own log is silenced while it sends (it names
hosts and sometimes tokens). Apprise reports only success or failure, so a
failure is an error that says which channel, not why; a URL Apprise does not
understand is a configuration error, found when the route is built.

Apprise is an optional dependency (``pip install 'errata-watch[apprise]'``),
imported only when an apprise route is built: ``errata --help`` and the
read-only commands never load it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from errata.errors import DeliveryError
from errata.reports import markdown, text
from errata.reports.channels.base import Channel, Context, channel, secret, silenced
from errata.reports.model import Report

FORMATS = ("text", "markdown")
INSTALL = "pip install 'errata-watch[apprise]'"


class AppriseChannel:
    def __init__(self, notifier: Any, fmt: str, body_format: Any) -> None:
        self._notifier = notifier
        self._format = fmt
        self._body_format = body_format

    def send(self, report: Report, _context: Context) -> None:
        render = markdown.render_markdown if self._format == "markdown" else text.render_text
        title = f"{report.title}: {report.summary()}"
        with silenced(("apprise", "urllib3"), logging.CRITICAL):
            sent = self._notifier.notify(
                body=render(report), title=title, body_format=self._body_format
            )
        if not sent:
            raise DeliveryError("apprise: the service did not accept the notification")


@channel(
    "apprise",
    {"url_env": str, "format": str},
    required=("url_env",),
    secrets=("url_env",),
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    fmt = settings.get("format", "markdown")
    if fmt not in FORMATS:
        raise DeliveryError(f"apprise: format must be one of {', '.join(FORMATS)}", transient=False)
    url = secret(settings, "url_env", env)
    try:
        import apprise
    except ImportError:
        raise DeliveryError(f"apprise: the apprise package is not installed: {INSTALL}", transient=False) from None  # fmt: skip
    notifier = apprise.Apprise()
    with silenced(("apprise", "urllib3"), logging.CRITICAL):
        added = notifier.add(url)
    if not added:
        variable = settings["url_env"]
        raise DeliveryError(
            f"apprise: {variable} does not hold a URL Apprise knows", transient=False
        )
    body_format = apprise.NotifyFormat.MARKDOWN if fmt == "markdown" else apprise.NotifyFormat.TEXT
    return AppriseChannel(notifier, fmt, body_format)
