"""What commands share as input: where things are, times, formats, and the filters they check.

Only click and the standard library at import time (see ``app``); the
store, the config and the renderers are imported when a command uses them.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from errata.errors import UsageError
from errata.scraper.cli.app import current_globals, path_options

if TYPE_CHECKING:
    from errata.db.store import Store
    from errata.scraper.config import Config

F = TypeVar("F", bound=Callable[..., Any])
CREATORS = "errata run, ingest, import-git or demo creates one"


# --- where things are -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paths:
    db: Path
    config: Path
    config_given: bool
    archive: Path
    lock_timeout: float = 0.0
    creates: bool = False  # may this command create the database? Only the collecting ones.

    def load_config(self, *, required: bool) -> Config:
        """The config; when not required, a missing default sources.toml means no sources."""
        from errata.scraper.config import Config, load

        if not required and not self.config_given and not self.config.exists():
            return Config(path=self.config)
        return load(self.config)

    @contextmanager
    def store(self) -> Iterator[Store]:
        """The store; a command that only reads never creates one where a path was mistyped."""
        from errata.db.store import Store

        if not self.creates and not self.db.is_file():
            raise UsageError(f"{self.db}: no such database ({CREATORS})")
        try:
            store = Store.open(self.db)
        except sqlite3.DatabaseError as error:
            raise UsageError(f"{self.db}: not an errata database ({error})") from None
        try:
            yield store
        finally:
            store.close()

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """The store, with this process as its only writer until the block ends.

        Whatever the command wrote, the derived categories are brought up to
        date before the lock is released.
        """
        from errata.db.lock import write_lock
        from errata.scraper import categorize

        if not self.creates and not self.db.is_file():
            raise UsageError(f"{self.db}: no such database ({CREATORS})")
        with write_lock(self.db, self.lock_timeout), self.store() as store:
            yield store
            categorize.refresh(store, self.load_config(required=False))


def with_paths(*, writes: bool = False, creates: bool = False) -> Callable[[F], F]:
    """Add --db/--config/--archive (and --lock-timeout for writers); pass them as ``paths``.

    Each may also be given before the command (``errata --db x.db changes``) or
    by its variable; the one after the command wins.
    """

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, db: Path | None, config: Path | None, archive: Path | None,
                    **kwargs: Any) -> Any:  # fmt: skip
            given = current_globals()
            chosen = config or given.config
            paths = Paths(
                db or given.db, chosen or Path("sources.toml"), chosen is not None,
                archive or given.archive, kwargs.pop("lock_timeout", 0.0), creates,
            )  # fmt: skip
            return func(*args, paths=paths, **kwargs)

        decorated: Any = wrapper
        decorated.__click_params__ = [
            *getattr(decorated, "__click_params__", []),
            *reversed(path_options(global_=False)),
        ]
        if writes:
            decorated = click.option(
                "--lock-timeout", envvar="ERRATA_LOCK_TIMEOUT", default=300.0, show_default=True,
                type=click.FloatRange(min=0), metavar="SECONDS",
                help="How long to wait for another writer [env: ERRATA_LOCK_TIMEOUT]; then exit 75.",
            )(decorated)  # fmt: skip
        return cast(F, decorated)

    return decorate


# --- values ----------------------------------------------------------------------------


class Moment(click.ParamType[str]):
    """A time: a duration ago (``36h``, ``7d``) or an ISO 8601 date or time, as stored (UTC)."""

    name = "time"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return moment(str(value))
        except ValueError as error:
            if is_duration(str(value)):
                self.fail(str(error), param, ctx)
            self.fail(f"{value!r} is neither a duration (36h, 7d) nor an ISO 8601 time", param, ctx)


def moment(text: str, now: datetime | None = None) -> str:
    """``7d`` means seven days before ``now``; anything else must be an ISO 8601 time."""
    from errata.db import times

    if not times.is_duration(text):
        return times.parse_time(text)
    ago = times.parse_duration(text)  # ValueError: too long to be meant
    return times.format_time((now or datetime.now(UTC)) - ago)


def is_duration(text: str) -> bool:
    from errata.db import times

    return times.is_duration(text)


MOMENT = Moment()
MOMENT_METAVAR = "DURATION|ISO8601"


class LazyChoice(click.Choice[str]):
    """A choice whose values come from a registry, read only when a command needs them."""

    def __init__(self, values: Callable[[], Iterable[str]]) -> None:
        self._values = values
        self.case_sensitive = True

    @functools.cached_property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self._values())


def _severities() -> Sequence[str]:
    from errata.differ import SEVERITIES

    return SEVERITIES


SEVERITY = LazyChoice(_severities)


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on", type=SEVERITY, default=None,
        help="Exit 3 when a change of at least this severity is found.",
    )(func)  # fmt: skip


REPORT_FORMATS = ("text", "md", "json")


def report_format_option(func: F) -> F:
    """--format text|md|json and --json for a command that prints changes."""
    func = click.option(
        "--format", "fmt", type=click.Choice(REPORT_FORMATS), default=None,
        help="text (plain, coloured by severity), md (Markdown) or json "
             "[default: text on a terminal, md otherwise].",
    )(func)  # fmt: skip
    return json_option(func)


# --- filters must name something that exists --------------------------------------------


def known_source(store: Store, source_id: str, paths: Paths) -> None:
    known_filters(store, paths, sources=[source_id])


def known_filters(
    store: Store, paths: Paths, *, sources: Iterable[str] = (), exchanges: Iterable[str] = ()
) -> None:
    """Exit 2, listing what there is, for a --source or --exchange the database never saw."""
    for kind, asked, query in (
        ("source", sources, "SELECT id FROM sources ORDER BY id"),
        ("exchange", exchanges, "SELECT DISTINCT exchange FROM sources ORDER BY exchange"),
    ):
        known = [row[0] for row in store.db.execute(query).fetchall()]
        for value in asked:
            if value not in known:
                listed = ", ".join(known) or "none yet"
                raise UsageError(f"unknown {kind} {value!r} ({kind}s in {paths.db}: {listed})")


def read_input(file: Path) -> bytes:
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as error:
        raise UsageError(f"{file}: {error.strerror or error}") from None
