"""What every delivery channel shares: the registry, the error type, the context they get.

A channel turns a report into messages somewhere (Slack, a mailbox, a web
hook, files, stdout). It is built from its ``[[notify]]`` settings plus the
process environment, where its secrets live; it never stores or logs them.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from errata.differ import Change
from errata.errors import DeliveryError
from errata.parsers import Entry
from errata.reports.model import Report
from errata.reports.snapshot import SourceInfo


@dataclass(frozen=True, slots=True)
class SourceState:
    """One page of one source as it stands now: what a snapshot file shows."""

    source: SourceInfo
    locale: str
    main_locale: str
    entries: Sequence[Entry]
    updated_at: str | None


@dataclass(frozen=True, slots=True)
class Context:
    """What channels that publish whole files need beyond the report, read lazily from the store."""

    history: Callable[[], Sequence[Change]] = lambda: ()
    sources: Callable[[], Sequence[SourceState]] = lambda: ()
    kind: str = "changes"  # "changes", "digest", "heartbeat", "alert" or "test"
    delivery_id: str = ""  # the same across retries, so a receiver can drop a repeat
    # Message n of this delivery: already accepted (skip it), and mark it accepted at once.
    already_sent: Callable[[int], bool] = lambda _part: False
    mark_sent: Callable[[int], None] = lambda _part: None


class Channel(Protocol):
    def send(self, report: Report, context: Context) -> None: ...


Builder = Callable[[Mapping[str, Any], Mapping[str, str]], Channel]
Check = Callable[[Mapping[str, Any]], str | None]


@dataclass(frozen=True, slots=True)
class ChannelSpec:
    """A channel kind: its own config keys (name → type), which are required, how to build it."""

    name: str
    keys: Mapping[str, type | tuple[type, ...]]
    build: Builder
    required: tuple[str, ...] = ()
    secrets: tuple[str, ...] = field(default=())  # keys that name environment variables
    every_run: bool = False  # publishes current state (files): worth doing whatever changed
    check: Check | None = None  # what is wrong with a block's settings, read with the config


_CHANNELS: dict[str, ChannelSpec] = {}
# The modules that register channels, imported when a channel is first looked up: a run
# without [[notify]] routes never pays for smtplib, apprise or an HTTP client here.
_MODULES = ("apprise", "files", "mail", "slack", "stdout", "webhook")


def _load() -> None:
    for module in _MODULES:
        importlib.import_module(f"errata.reports.channels.{module}")


def channel(
    name: str,
    keys: Mapping[str, type | tuple[type, ...]],
    *,
    required: tuple[str, ...] = (),
    secrets: tuple[str, ...] = (),
    every_run: bool = False,
    check: Check | None = None,
) -> Callable[[Builder], Builder]:
    def add(build: Builder) -> Builder:
        if name in _CHANNELS:
            raise ValueError(f"channel {name!r} is registered twice")
        _CHANNELS[name] = ChannelSpec(name, keys, build, required, secrets, every_run, check)
        return build

    return add


def spec(name: str) -> ChannelSpec:
    _load()
    try:
        return _CHANNELS[name]
    except KeyError:
        raise ValueError(f"unknown channel {name!r} (known: {', '.join(names())})") from None


def names() -> list[str]:
    _load()
    return sorted(_CHANNELS)


def secret(settings: Mapping[str, Any], key: str, env: Mapping[str, str]) -> str:
    """The value of the environment variable that ``settings[key]`` names."""
    variable = settings[key]
    value = env.get(variable, "")
    if not value:
        raise DeliveryError(f"environment variable {variable} ({key}) is not set", transient=False)
    return str(value)


def optional_secret(settings: Mapping[str, Any], key: str, env: Mapping[str, str]) -> str | None:
    return secret(settings, key, env) if key in settings else None


@contextmanager
def silenced(names: Sequence[str], level: int) -> Iterator[None]:
    """Raise these loggers to ``level`` while a message is sent: client libraries log the URLs
    and paths that hold a channel's secret (a web hook's URL, an Apprise token)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(level)
    try:
        yield
    finally:
        for logger, old in zip(loggers, levels, strict=True):
            logger.setLevel(old)
