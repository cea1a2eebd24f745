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

    def send(self, report: Report, context: Context) -> None:
        """Post each message in order; one Slack accepted before (a retry, a rerun) is skipped."""
        for number, message in enumerate(slack.messages(report)):
            if context.already_sent(number):
                continue
            post(self._url, json.dumps(message, ensure_ascii=False).encode(), {}, "Slack")
            context.mark_sent(number)


@channel(
    "slack", {"webhook_url_env": str}, required=("webhook_url_env",), secrets=("webhook_url_env",)
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    return SlackChannel(url_from(settings, "webhook_url_env", env, "Slack"))
