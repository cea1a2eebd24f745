"""Every error errata raises on purpose, in one tree.

Each error's message is the one line a person sees (``errata: error: …`` on
stderr), and its class carries the exit code the command ends with, so the
command line needs no list of exception types to catch::

    ErrataError                 base class; exit_code 1
    ├── UsageError              exit 2: bad usage or configuration; nothing was written
    │   ├── ConfigError         sources.toml (or a command-line value) is invalid
    │   │   └── BrowserMissing  a source needs the browser and Chromium is not installed
    │   ├── UnknownParser       a parser name that is not registered (also a KeyError)
    │   ├── StoreError          the store refuses a request: unknown source, no such time…
    │   └── GitError            import-git cannot read the repository or the file
    ├── ParseError              exit 2: a page cannot be read as an error-code page
    ├── ArchiveError            exit 1: an archived body is missing or corrupt
    ├── FetchError              exit 1: a page could not be fetched; ``kind`` says how
    ├── DeliveryError           exit 1: a report did not get through; ``transient`` says
    │                           whether it is worth retrying
    └── LockTimeout             exit 75: another process holds the database's write lock

A run never ends on a ``FetchError`` or a ``ParseError``: the pipeline records
them on the source's fetch row (a failure never removes a code) and the run
exits 1 at the end. Messages never hold a secret: no webhook URL, no password.
"""

from __future__ import annotations

from typing import Literal

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FAIL_ON = 3
EXIT_HELD = 4
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later

FetchErrorKind = Literal[
    "timeout",
    "connect",
    "http_status",
    "too_large",
    "blocked",
    "bad_content",
    "redirect",
    "browser",
]


class ErrataError(Exception):
    """Base of every error errata raises on purpose; ``exit_code`` ends the command."""

    exit_code: int = EXIT_FAILED


class UsageError(ErrataError):
    """Bad usage or configuration: one line naming the problem and the place, exit 2."""

    exit_code = EXIT_USAGE


class ConfigError(UsageError):
    """Bad configuration; the message names the file, the source and the problem."""


class UnknownParser(UsageError, KeyError):
    """A parser name that is not in the registry."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(name)
        self.name = name
        self.known = known

    def __str__(self) -> str:
        return f"unknown parser {self.name!r} (known: {', '.join(self.known)})"


class StoreError(UsageError):
    """A request the store refuses, with a message fit for the command line."""


class BrowserMissing(ConfigError):
    """A source needs the browser (``fetch = "browser"``) and no Chromium is installed.

    A configuration problem of the host, not of the page: the message says in
    one line how to install it. A ConfigError, so the scheduler skips the run
    with that line instead of failing with a traceback.
    """


class GitError(UsageError):
    """The repository or the file cannot be read."""


class ParseError(ErrataError):
    """A page could not be read as an error-code page.

    Raised for empty or binary input, a format errata does not read and a URL
    fragment that is not on the page. The pipeline treats it as a health
    problem of the source, never as a page without codes, so it can never turn
    into a false "removed".
    """

    exit_code = EXIT_USAGE

    def __init__(self, parser: str, where: str, reason: str) -> None:
        self.parser = parser
        self.where = where
        self.reason = reason
        super().__init__(f"{parser} parser: {where or '<input>'}: {reason}")


class ArchiveError(ErrataError):
    """An archived page body is missing, unreadable or does not match its hash."""


class FetchError(ErrataError):
    """A page could not be fetched; ``kind`` is the fetch row's error kind."""

    def __init__(
        self,
        kind: FetchErrorKind,
        message: str,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status
        self.retry_after = retry_after  # seconds the server asked us to wait


class DeliveryError(ErrataError):
    """A message did not get through. The text never holds a secret.

    ``transient`` failures (timeouts, 5xx, 429) are worth retrying with
    backoff; permanent ones (a missing secret, 4xx) fail the delivery at once,
    and the changes stay pending for the next run either way.
    """

    def __init__(
        self, message: str, *, transient: bool = True, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


class LockTimeout(ErrataError):
    """Another process held the write lock for longer than we were willing to wait."""

    exit_code = EXIT_LOCKED
