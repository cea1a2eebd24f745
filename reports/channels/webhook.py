"""A generic web hook: the report as JSON, optionally signed with HMAC-SHA256.

The body is ``{"event", "title", "generated_at", "summary", "changes": [...],
"alerts": [...]}`` with the contract's change objects. With a secret, the
``X-Errata-Signature-256`` header is ``sha256=`` + the hex HMAC-SHA256 of the
exact body bytes, as GitHub does, so receivers can reuse their verifier.
``X-Errata-Delivery`` stays the same across retries: a receiver that saw it
already can drop the repeat.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from errata.reports.channels.base import Channel, Context, channel, optional_secret
from errata.reports.channels.http import post, url_from
from errata.reports.model import Report

SIGNATURE_HEADER = "X-Errata-Signature-256"


def payload(report: Report, context: Context) -> dict[str, Any]:
    return {
        "event": context.kind,
        "title": report.title,
        "generated_at": report.generated_at,
        "summary": report.summary(),
        "changes": [
            _with_category(change.to_dict(), report.category_of(change))
            for change in report.changes
        ],
        "alerts": [{"source": a.source, "message": a.message} for a in report.alerts],
        "problems": [{"source": p.source, "message": p.message} for p in report.problems],
    }


def _with_category(change: dict[str, Any], category: str | None) -> dict[str, Any]:
    return {**change, "category": category} if category else change


def signature(body: bytes, key: str) -> str:
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


class WebhookChannel:
    def __init__(self, url: str, key: str | None) -> None:
        self._url = url
        self._key = key

    def send(self, report: Report, context: Context) -> None:
        if context.already_sent(0):
            return
        body = json.dumps(payload(report, context), ensure_ascii=False).encode()
        headers = {"x-errata-event": context.kind, "x-errata-delivery": context.delivery_id}
        if self._key:
            headers[SIGNATURE_HEADER] = signature(body, self._key)
        post(self._url, body, headers, "webhook")
        context.mark_sent(0)


@channel(
    "webhook",
    {"url_env": str, "secret_env": str},
    required=("url_env",),
    secrets=("url_env", "secret_env"),
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    return WebhookChannel(
        url_from(settings, "url_env", env, "webhook"), optional_secret(settings, "secret_env", env)
    )
