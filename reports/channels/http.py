"""POSTing JSON to a web hook, with errors that say what happened and never where."""

from __future__ import annotations

import logging
import socket
from collections.abc import Mapping
from typing import Any

import httpx

from errata.errors import DeliveryError
from errata.reports.channels.base import secret, silenced

TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "errata-notify"


def url_from(settings: Mapping[str, Any], key: str, env: Mapping[str, str], what: str) -> str:
    """The URL the variable ``settings[key]`` holds, checked now rather than when posting.

    A URL that cannot work is a permanent DeliveryError naming the variable,
    never its value: the URL is the secret (Slack's carries its token).
    """
    url = secret(settings, key, env)
    if problem := url_problem(url):
        raise DeliveryError(
            f"{what}: the URL in {settings[key]} ({key}) cannot work: {problem}", transient=False
        )
    return url


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be posted to, in words that quote nothing of it; or None."""
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return "it contains whitespace or control characters"
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        return "it is not a valid URL"
    if parsed.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not parsed.host:
        return "it has no host"
    return None


def post(url: str, body: bytes, headers: Mapping[str, str], what: str) -> httpx.Response:
    """POST ``body``; a DeliveryError for anything but a 2xx (5xx and 429 are transient)."""
    try:
        with (
            silenced(("httpx", "httpcore"), logging.WARNING),
            httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=True) as client,
        ):
            response = client.post(
                url,
                content=body,
                headers={"content-type": "application/json", "user-agent": USER_AGENT, **headers},
            )
    except httpx.TimeoutException:
        raise DeliveryError(f"{what}: timed out") from None
    except httpx.ConnectError as error:
        if unresolved(error):  # NXDOMAIN will not fix itself within a run
            raise DeliveryError(f"{what}: the host does not resolve", transient=False) from None
        raise DeliveryError(f"{what}: {type(error).__name__}") from None
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        # httpx names the URL in some messages; the URL is the secret, so only the kind is kept.
        raise DeliveryError(
            f"{what}: {type(error).__name__}", transient=isinstance(error, httpx.TransportError)
        ) from None
    if response.is_success:
        return response
    transient = response.status_code >= 500 or response.status_code == 429
    detail = response.text[:120].strip().replace("\n", " ")
    raise DeliveryError(
        f"{what}: HTTP {response.status_code}{f' ({detail})' if detail else ''}",
        transient=transient,
        retry_after=_retry_after(response),
    )


def unresolved(error: BaseException) -> bool:
    """Whether a connection failed because the host name does not resolve (DNS)."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return seen.errno not in _TRANSIENT_DNS
        seen = seen.__cause__ or seen.__context__
    return False


# "try again" answers of the resolver: a DNS server that is down is not a name that is wrong.
_TRANSIENT_DNS = frozenset(
    code for name in ("EAI_AGAIN", "EAI_SYSTEM") if (code := getattr(socket, name, None))
)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None
