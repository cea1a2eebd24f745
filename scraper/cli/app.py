"""The ``errata`` group and what its commands share: options, errors, output.

Data goes to stdout (a table or Markdown for people, exactly one JSON document
with ``--json``); logs and errors go to stderr. Errors are ``errata.errors``
classes, each carrying its exit code: 0 success, 1 some sources failed, 2 bad
usage or configuration, 3 a change at or above ``--fail-on`` was found, 75
another process holds the database's write lock.
"""

from __future__ import annotations

import functools
import json
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from errata import __version__, differ, reports
from errata.db import times
from errata.db.lock import write_lock
from errata.db.store import Store
from errata.errors import EXIT_FAIL_ON, EXIT_FAILED, ErrataError, UsageError
from errata.scraper import categorize, pipeline
from errata.scraper.config import Config
from errata.scraper.config import load as load_config

log = logging.getLogger("errata")
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


class _Shown(click.ClickException):
    """An ``ErrataError`` as click shows it: one line on stderr, the error's own exit code."""

    def __init__(self, error: ErrataError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it a class variable

    def show(self, file: Any = None) -> None:
        click.echo(f"errata: error: {self.format_message()}", file=file, err=file is None)


class _Errata(click.Group):
    """Every ``ErrataError`` becomes one line on stderr and the exit code its class carries."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ErrataError as error:
            raise _Shown(error) from None


@click.group(
    cls=_Errata, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="errata")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Log only warnings and errors.")
@click.option("--log-json", is_flag=True, envvar="ERRATA_LOG_JSON",
              help="Log to stderr as JSON lines (time, level, message) [env: ERRATA_LOG_JSON].")  # fmt: skip
def cli(verbose: bool, quiet: bool, log_json: bool) -> None:
    """errata: watch exchange API error-code pages and report what changed.

    \b
    Quick start:
      errata demo                      # the whole pipeline offline
      errata run                       # fetch the pages in sources.toml
      errata changes --since 2026-01-01
    """
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if log_json else logging.Formatter("errata: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


class JsonLines(logging.Formatter):
    """One JSON object per line, for journald, Loki and friends."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": times.format_time(datetime.fromtimestamp(record.created, UTC)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def main() -> None:
    cli(prog_name="errata")


# --- where things are -----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paths:
    db: Path
    config: Path
    config_given: bool
    archive: Path
    lock_timeout: float = 0.0

    def load_config(self, *, required: bool) -> Config:
        """The config; when not required, a missing default sources.toml means no sources."""
        if not required and not self.config_given and not self.config.exists():
            return Config(path=self.config)
        return load_config(self.config)

    @contextmanager
    def store(self) -> Iterator[Store]:
        store = Store.open(self.db)
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
        with write_lock(self.db, self.lock_timeout), self.store() as store:
            yield store
            categorize.refresh(store, self.load_config(required=False))


def with_paths(*, writes: bool = False) -> Callable[[F], F]:
    """Add --db/--config/--archive (and --lock-timeout for writers); pass them as ``paths``."""

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, db: Path, config: Path | None, archive: Path, **kwargs: Any) -> Any:
            timeout = kwargs.pop("lock_timeout", 0.0)
            paths = Paths(db, config or Path("sources.toml"), config is not None, archive, timeout)
            return func(*args, paths=paths, **kwargs)

        options = [
            click.option("--db", envvar="ERRATA_DB", default="errata.db", show_default=True,
                         type=click.Path(dir_okay=False, path_type=Path), help="SQLite database [env: ERRATA_DB]."),
            click.option("--config", envvar="ERRATA_CONFIG", default=None,
                         type=click.Path(dir_okay=False, path_type=Path),
                         help="Sources file [env: ERRATA_CONFIG; default: sources.toml]."),
            click.option("--archive", envvar="ERRATA_ARCHIVE", default="snapshots", show_default=True,
                         type=click.Path(file_okay=False, path_type=Path),
                         help="Raw page archive folder [env: ERRATA_ARCHIVE]."),
        ]  # fmt: skip
        if writes:
            options.append(
                click.option("--lock-timeout", envvar="ERRATA_LOCK_TIMEOUT", default=300.0, show_default=True,
                             type=click.FloatRange(min=0), metavar="SECONDS",
                             help="How long to wait for another writer [env: ERRATA_LOCK_TIMEOUT]; then exit 75.")
            )  # fmt: skip
        decorated: Any = wrapper
        for option in reversed(options):
            decorated = option(decorated)
        return cast(F, decorated)

    return decorate


# --- options and output -------------------------------------------------------------


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on", type=click.Choice(differ.SEVERITIES), default=None,
        help="Exit 3 when a change of at least this severity is found.",
    )(func)  # fmt: skip


def known_source(store: Store, source_id: str, paths: Paths) -> None:
    if store.source(source_id) is None:
        known = ", ".join(store.source_ids()) or "none yet"
        raise UsageError(f"unknown source {source_id!r} (sources in {paths.db}: {known})")


def parse_time_option(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return times.parse_time(value)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def read_input(file: Path) -> bytes:
    if str(file) == "-":
        return sys.stdin.buffer.read()
    try:
        return file.read_bytes()
    except OSError as error:
        raise UsageError(f"{file}: {error.strerror or error}") from None


def progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """A progress bar on stderr when it is a terminal; nothing at all in logs and pipes."""
    if len(items) > 1 and sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


def emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns for people; the last column runs free."""
    cells = [[str(c).replace("\n", " ⏎ ") for c in row] for row in [list(headers), *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join(["-" * w for w in widths] + ["-" * len(headers[-1])]))
    return "\n".join(lines)


def exit_code(outcomes: Sequence[pipeline.Outcome], fail_on: str | None) -> int:
    if fail_on is not None:
        threshold = differ.severity_rank(fail_on)
        if any(c.rank() >= threshold for o in outcomes for c in o.changes):
            return EXIT_FAIL_ON
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else 0


def print_report(
    outcomes: Sequence[pipeline.Outcome],
    title: str,
    as_json: bool,
    alerts: Sequence[tuple[str, str]] = (),
) -> None:
    changes = [c for o in outcomes for c in o.changes]
    problems = [reports.Problem(o.label, o.problem) for o in outcomes if o.problem]
    defects = [reports.Problem(o.label, d) for o in outcomes for d in o.defects]
    raised = [reports.Problem(source, why) for source, why in alerts]
    report = reports.Report(changes, problems, title=title, defects=defects, alerts=raised)
    click.echo(reports.render("json" if as_json else "markdown", report))


_DETAIL = {
    "baseline": "first revision, {entries} entries",
    "changed": "{changes} change(s), {entries} entries",
    "unchanged": "unchanged, {entries} entries",
    "not_modified": "not modified since the last fetch",
}


def log_outcome(outcome: pipeline.Outcome) -> None:
    if outcome.status in ("failed", "suspect"):
        log.warning("%s: %s", outcome.label, outcome.problem or outcome.status)
        return
    detail = _DETAIL[outcome.status].format(entries=outcome.entries, changes=len(outcome.changes))
    log.info("%s: %s", outcome.label, detail)
