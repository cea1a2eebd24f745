"""A generic web hook: the report as JSON, signed the Standard Webhooks way when a secret is set.

The body is ``{"event", "title", "generated_at", "summary", "changes": [...],
"alerts": [...], "problems": [...]}`` with the contract's change objects plus
each change's ``category`` (every key is documented in the README).

With a secret, two signatures go with every request:

- Standard Webhooks (https://www.standardwebhooks.com): ``webhook-id`` (the
  delivery id), ``webhook-timestamp`` (Unix seconds, when this attempt was
  sent) and ``webhook-signature: v1,<base64 HMAC-SHA256>`` over
  ``{id}.{timestamp}.{body}``. The timestamp is signed, so a receiver that
  refuses old timestamps (five minutes is the standard's tolerance) and
  remembers ids cannot be replayed to. The key is the secret's UTF-8 bytes,
  or, for a ``whsec_…`` secret (the standard's own format), the base64 after
  the prefix; the standard's libraries take it as ``Webhook(secret)`` for
  ``whsec_`` secrets and ``Webhook(secret.encode())`` otherwise.
- ``X-Errata-Signature-256: sha256=<hex HMAC-SHA256 of the body>``, as GitHub
  signs, keyed with the secret's UTF-8 bytes: what existing receivers check.

``X-Errata-Delivery`` and ``webhook-id`` stay the same across retries, so a
receiver that saw one already can drop the repeat. ``verify`` is the check a
receiver makes, shown in the README.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from errata.errors import DeliveryError
from errata.reports.channels.base import Channel, Context, channel, optional_secret
from errata.reports.channels.http import post, url_from
from errata.reports.model import Report

SIGNATURE_HEADER = "X-Errata-Signature-256"
TOLERANCE = 300  # seconds a receiver should accept a timestamp off by (the standard's five minutes)
SECRET_PREFIX = "whsec_"


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
    """``X-Errata-Signature-256``: GitHub's form, the hex HMAC-SHA256 of the body."""
    return "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def signing_key(secret: str) -> bytes:
    """The Standard Webhooks key: base64 after ``whsec_``, else the secret's UTF-8 bytes."""
    if not secret.startswith(SECRET_PREFIX):
        return secret.encode()
    try:
        return base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except binascii.Error:
        raise DeliveryError(
            "webhook: a whsec_ secret must be base64 after the prefix", transient=False
        ) from None


def standard_signature(key: bytes, message_id: str, timestamp: int, body: bytes) -> str:
    """``webhook-signature``: ``v1,`` + base64 HMAC-SHA256 of ``{id}.{timestamp}.{body}``."""
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def signed_headers(body: bytes, secret: str, message_id: str, timestamp: int) -> dict[str, str]:
    """Every signature header for one attempt."""
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(signing_key(secret), message_id, timestamp, body),
        SIGNATURE_HEADER: signature(body, secret),
    }


def verify(
    body: bytes, headers: Mapping[str, str], secret: str, *, now: float | None = None
) -> None:
    """What a receiver checks: the signature over id, timestamp and body, and the timestamp's age.

    Raises ValueError when the request is not errata's, or is older (or newer)
    than ``TOLERANCE`` seconds. Header names in any case.
    """
    got = {name.lower(): value for name, value in headers.items()}
    message_id, stamp = got.get("webhook-id", ""), got.get("webhook-timestamp", "")
    if not (message_id and stamp.isdigit()):
        raise ValueError("missing webhook-id or webhook-timestamp")
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE:
        raise ValueError("timestamp outside the tolerance: a replay, or a clock that is off")
    expected = standard_signature(signing_key(secret), message_id, int(stamp), body)
    offered = got.get("webhook-signature", "").split()
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise ValueError("no valid signature")


class WebhookChannel:
    def __init__(self, url: str, key: str | None, clock: Callable[[], float] = time.time) -> None:
        self._url = url
        self._key = key
        self._clock = clock

    def send(self, report: Report, context: Context) -> None:
        if context.already_sent(0):
            return
        body = json.dumps(payload(report, context), ensure_ascii=False).encode()
        headers = {"x-errata-event": context.kind, "x-errata-delivery": context.delivery_id}
        if self._key:
            # Signed per attempt: a retry carries its own timestamp, and the same id.
            message_id = context.delivery_id or str(uuid.uuid4())
            headers |= signed_headers(body, self._key, message_id, int(self._clock()))
        post(self._url, body, headers, "webhook")
        context.mark_sent(0)


@channel(
    "webhook",
    {"url_env": str, "secret_env": str},
    required=("url_env",),
    secrets=("url_env", "secret_env"),
)
def build(settings: Mapping[str, Any], env: Mapping[str, str]) -> Channel:
    key = optional_secret(settings, "secret_env", env)
    if key:
        signing_key(key)  # a malformed whsec_ secret is a configuration error, found now
    return WebhookChannel(url_from(settings, "url_env", env, "webhook"), key)
