"""Slack incoming webhooks: the summary message, then the full detail when the route asks.

``detail = true`` adds follow-up messages with every change (Slack's incoming
webhooks cannot reply in a thread; the follow-ups come straight after the
summary, in order).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from errata.reports import slack
from errata.reports.channels.base import Channel, Context, channel, secret
from errata.reports.channels.http import post
from errata.reports.model import Report


class SlackChannel:
    def __init__(self, url: str, detail: bool = False) -> None:
        self._url = url
        self._detail = detail
        self._posted: set[str] = set()  # messages that got through, so a retry resumes after them

    def send(self, report: Report, context: Context) -> None:
        for number, message in enumerate(slack.messages(report, detail=self._detail)):
            body = json.dumps(message, ensure_ascii=False).encode()
            key = f"{context.delivery_id}:{number}"
            if key in self._posted:
                continue
            post(self._url, body, {}, "Slack")
            self._posted.add(key)


@channel(
    "slack",
    {"webhook_url_env": str, "detail": bool},
    required=("webhook_url_env",),
    secrets=("webhook_url_env",),
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    return SlackChannel(
        secret(settings, "webhook_url_env", env), bool(settings.get("detail", False))
    )
