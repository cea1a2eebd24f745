"""POSTing JSON to a web hook, with errors that say what happened and never where."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import httpx

from errata.errors import DeliveryError

TIMEOUT = httpx.Timeout(15.0, connect=10.0)
USER_AGENT = "errata-notify"


def post(url: str, body: bytes, headers: Mapping[str, str], what: str) -> httpx.Response:
    """POST ``body``; a DeliveryError for anything but a 2xx (5xx and 429 are transient)."""
    try:
        with (
            _unlogged(),
            httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=True) as client,
        ):
            response = client.post(
                url,
                content=body,
                headers={"content-type": "application/json", "user-agent": USER_AGENT, **headers},
            )
    except httpx.TimeoutException:
        raise DeliveryError(f"{what}: timed out") from None
    except httpx.HTTPError as error:
        # httpx names the URL in some messages; the URL is the secret, so only the kind is kept.
        raise DeliveryError(f"{what}: {type(error).__name__}") from None
    if response.is_success:
        return response
    transient = response.status_code >= 500 or response.status_code == 429
    detail = response.text[:120].strip().replace("\n", " ")
    raise DeliveryError(
        f"{what}: HTTP {response.status_code}{f' ({detail})' if detail else ''}",
        transient=transient,
        retry_after=_retry_after(response),
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


@contextmanager
def _unlogged() -> Iterator[None]:
    """httpx logs each request's URL at debug level; a web hook's URL is its secret."""
    loggers = [logging.getLogger(name) for name in ("httpx", "httpcore")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
