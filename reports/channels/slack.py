"""Slack incoming webhooks: the report as Block Kit messages, posted in order."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from errata.reports import slack
from errata.reports.channels.base import Channel, Context, channel
from errata.reports.channels.http import post, url_from
from errata.reports.model import Report


class SlackChannel:
    def __init__(self, url: str) -> None:
        self._url = url
        self._posted: set[str] = set()  # messages that got through, so a retry resumes after them

    def send(self, report: Report, context: Context) -> None:
        for number, message in enumerate(slack.messages(report)):
            body = json.dumps(message, ensure_ascii=False).encode()
            key = f"{context.delivery_id}:{number}"
            if key in self._posted:
                continue
            post(self._url, body, {}, "Slack")
            self._posted.add(key)


@channel(
    "slack", {"webhook_url_env": str}, required=("webhook_url_env",), secrets=("webhook_url_env",)
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    return SlackChannel(url_from(settings, "webhook_url_env", env, "Slack"))
