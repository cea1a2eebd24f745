"""The ``errata`` command line (also ``python -m scraper``).

Data goes to stdout (a table or Markdown for people, exactly one JSON document
with ``--json``); logs and errors go to stderr. Exit codes: 0 success, 1 some
sources failed, 2 bad usage or configuration, 3 a change at or above
``--fail-on`` was found.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

import differ
import parsers
import reports
from db import times
from db.store import Store, StoreError
from scraper import __version__, pipeline
from scraper.archive import Archive
from scraper.config import Config, ConfigError, Source, url_problem
from scraper.config import load as load_config

log = logging.getLogger("errata")
F = TypeVar("F", bound=Callable[..., Any])

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_FAIL_ON = 3


class UsageError(click.ClickException):
    """Bad usage or configuration: one line on stderr, exit 2."""

    exit_code = EXIT_USAGE

    def show(self, file: Any = None) -> None:
        click.echo(f"errata: error: {self.format_message()}", file=file, err=file is None)


@dataclass(frozen=True, slots=True)
class Paths:
    db: Path
    config: Path
    config_given: bool
    archive: Path


def paths_options(func: F) -> F:
    """--db/--config/--archive on every command, with ERRATA_* environment defaults."""
    func = click.option(
        "--archive",
        envvar="ERRATA_ARCHIVE",
        default="snapshots",
        show_default=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Raw page archive folder [env: ERRATA_ARCHIVE].",
    )(func)
    func = click.option(
        "--config",
        envvar="ERRATA_CONFIG",
        default=None,
        type=click.Path(dir_okay=False, path_type=Path),
        help="Sources file [env: ERRATA_CONFIG; default: sources.toml].",
    )(func)
    return click.option(
        "--db", envvar="ERRATA_DB", default="errata.db", show_default=True,
        type=click.Path(dir_okay=False, path_type=Path), help="SQLite database [env: ERRATA_DB].",
    )(func)  # fmt: skip


def json_option(func: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print one JSON document.")(func)


def fail_on_option(func: F) -> F:
    return click.option(
        "--fail-on", type=click.Choice(differ.SEVERITIES), default=None,
        help="Exit 3 when a change of at least this severity is found.",
    )(func)  # fmt: skip


def _paths(db: Path, config: Path | None, archive: Path) -> Paths:
    return Paths(
        db=db,
        config=config or Path("sources.toml"),
        config_given=config is not None,
        archive=archive,
    )


def _load_config(paths: Paths, *, required: bool) -> Config:
    if not required and not paths.config_given and not paths.config.exists():
        return Config(path=paths.config)
    return load_config(paths.config)


@contextmanager
def _store(paths: Paths) -> Iterator[Store]:
    store = Store.open(paths.db)
    try:
        yield store
    finally:
        store.close()


def _known_source(store: Store, source_id: str, paths: Paths) -> None:
    if store.source(source_id) is None:
        known = ", ".join(store.source_ids()) or "none yet"
        raise UsageError(f"unknown source {source_id!r} (sources in {paths.db}: {known})")


def _time(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    try:
        return times.parse_time(value)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


def _emit_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Aligned columns for people; the last column runs free."""
    cells = [[str(c).replace("\n", " ⏎ ") for c in row] for row in [list(headers), *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers) - 1)]
    lines = [
        "  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]).rstrip()
        for row in cells
    ]
    lines.insert(1, "  ".join(["-" * w for w in widths] + ["-" * len(headers[-1])]))
    return "\n".join(lines)


def _exit_code(outcomes: Sequence[pipeline.Outcome], fail_on: str | None) -> int:
    if fail_on is not None:
        threshold = differ.severity_rank(fail_on)
        if any(c.rank() >= threshold for o in outcomes for c in o.changes):
            return EXIT_FAIL_ON
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else 0


def _report(outcomes: Sequence[pipeline.Outcome], title: str) -> reports.Report:
    changes = [c for o in outcomes for c in o.changes]
    problems = [reports.Problem(o.source.id, o.problem) for o in outcomes if o.problem]
    return reports.Report(changes, problems, title=title)


def _log_outcome(outcome: pipeline.Outcome) -> None:
    detail = {
        "baseline": f"first revision, {outcome.entries} entries",
        "changed": f"{len(outcome.changes)} change(s), {outcome.entries} entries",
        "unchanged": f"unchanged, {outcome.entries} entries",
        "not_modified": "not modified since the last fetch",
        "suspect": outcome.problem or "suspect",
        "failed": outcome.problem or "failed",
    }[outcome.status]
    level = logging.WARNING if outcome.status in ("failed", "suspect") else logging.INFO
    log.log(level, "%s: %s", outcome.source.id, detail)


# --- the commands ---------------------------------------------------------------


class _Errata(click.Group):
    """Turns configuration and store refusals into one-line usage errors (exit 2)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (ConfigError, StoreError) as error:
            raise UsageError(str(error)) from None


@click.group(
    cls=_Errata, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, prog_name="errata")
@click.option("-v", "--verbose", is_flag=True, help="Log debug details to stderr.")
@click.option("-q", "--quiet", is_flag=True, help="Log only warnings and errors.")
def cli(verbose: bool, quiet: bool) -> None:
    """errata: watch exchange API error-code pages and report what changed.

    \b
    Quick start:
      errata demo                      # the whole pipeline offline
      errata run                       # fetch the pages in sources.toml
      errata changes --since 2026-01-01
    """
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format="errata: %(message)s", stream=sys.stderr, force=True)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)


@cli.command()
@click.option(
    "--only", "only", multiple=True, metavar="ID", help="Run only this source (repeatable)."
)
@json_option
@fail_on_option
@paths_options
def run(
    only: tuple[str, ...],
    as_json: bool,
    fail_on: str | None,
    db: Path,
    config: Path | None,
    archive: Path,
) -> None:
    """Fetch every enabled source, store new revisions, print the changes.

    \b
    Example:
      errata run
      errata run --only okx-ws --json --fail-on high
    """
    paths = _paths(db, config, archive)
    cfg = _load_config(paths, required=True)
    with _store(paths) as store:
        result = pipeline.run(cfg, store, Archive(paths.archive), only=only)
    for outcome in result.outcomes:
        _log_outcome(outcome)
    report = _report(result.outcomes, f"errata run {result.started_at}")
    click.echo(reports.render("json" if as_json else "markdown", report))
    sys.exit(_exit_code(result.outcomes, fail_on))


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--parser",
    "parser_name",
    required=True,
    metavar="NAME",
    help="A parser name, 'auto', or 'list'.",
)
@click.option("--url", default="", help="The page's URL; its #fragment selects the section.")
@click.option("--locale", default="en", show_default=True, help="Language of the page.")
@json_option
def parse(file: Path, parser_name: str, url: str, locale: str, as_json: bool) -> None:
    """Print the entries a parser finds in a local file.

    \b
    Example:
      errata parse page.html --parser okx --url 'https://www.okx.com/docs-v5/en/#error-code-websocket'
      errata parse errors.md --parser auto --json
      errata parse - --parser list
    """
    if parser_name == "list":
        specs = parsers.specs()
        if as_json:
            _emit_json(
                [{"name": s.name, "version": s.version, "summary": s.summary} for s in specs]
            )
        else:
            click.echo(
                _table(
                    ["parser", "version", "reads"], [[s.name, s.version, s.summary] for s in specs]
                )
            )
        return
    content = sys.stdin.buffer.read() if str(file) == "-" else _read_file(file)
    try:
        entries = parsers.parse(parser_name, content, url, locale=locale, where=str(file))
    except parsers.UnknownParser as error:
        raise UsageError(str(error)) from None
    except parsers.ParseError as error:
        click.echo(f"errata: {error}", err=True)
        sys.exit(EXIT_FAILED)
    if as_json:
        _emit_json([e.to_dict() for e in entries])
        return
    rows = [[e.code, e.section, e.message] for e in entries]
    click.echo(_table(["code", "section", "message"], rows))
    click.echo(f"{len(entries)} entries", err=True)


def _read_file(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as error:
        raise UsageError(f"{file}: {error.strerror or error}") from None


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--observed-at",
    required=True,
    metavar="ISO8601",
    help="When this version of the page was current.",
)
@click.option(
    "--parser",
    "parser_name",
    default=None,
    metavar="NAME",
    help="Parser for an ad hoc source [default: auto].",
)
@click.option(
    "--url", default=None, help="URL of an ad hoc source; its #fragment selects the section."
)
@click.option(
    "--exchange",
    default=None,
    help="Exchange of an ad hoc source [default: the id up to its first '-'].",
)
@json_option
@fail_on_option
@paths_options
def ingest(
    source_id: str, file: Path, observed_at: str, parser_name: str | None, url: str | None, exchange: str | None,
    as_json: bool, fail_on: str | None, db: Path, config: Path | None, archive: Path,
) -> None:  # fmt: skip
    """Store a local copy of a source's page as of a time, and print the changes it caused.

    Versions must be ingested in time order; the same file at the same time
    twice changes nothing. An id not in the config is created from --parser,
    --url and --exchange.

    \b
    Example:
      errata ingest tickdb errors-2026-01-14.md --observed-at 2026-01-14
      errata ingest kucoin-legacy index.md --observed-at 2019-02-23 --parser kucoin \\
          --url 'https://docs.kucoin.com/#errors' --json
    """
    paths = _paths(db, config, archive)
    observed = _time(observed_at, "--observed-at")
    assert observed is not None
    content = sys.stdin.buffer.read() if str(file) == "-" else _read_file(file)
    cfg = _load_config(paths, required=False)
    with _store(paths) as store:
        source = _ingest_source(cfg, store, source_id, parser_name, url, exchange)
        outcome = pipeline.ingest(
            store, Archive(paths.archive), source, content, observed, location=str(file)
        )
    _log_outcome(outcome)
    report = _report([outcome], f"errata ingest {source_id} {observed}")
    click.echo(reports.render("json" if as_json else "markdown", report))
    sys.exit(_exit_code([outcome], fail_on))


def _ingest_source(
    cfg: Config,
    store: Store,
    source_id: str,
    parser_name: str | None,
    url: str | None,
    exchange: str | None,
) -> Source:
    """The configured source, else the one earlier ingests created, else a new ad hoc one."""
    configured = next((s for s in cfg.sources if s.id == source_id), None)
    stored = store.source(source_id)
    fields = ("id", "exchange", "url", "parser", "api", "title", "locale")
    base = configured or (
        Source(**{name: stored[name] for name in fields})
        if stored
        else Source(source_id, exchange or source_id.split("-")[0], "", "auto")
    )
    if parser_name is not None and parser_name not in parsers.names():
        raise UsageError(f"unknown parser {parser_name!r} (known: {', '.join(parsers.names())})")
    if url and (problem := url_problem(url)):
        raise UsageError(f"--url {url!r}: {problem}")
    return Source(
        id=base.id,
        exchange=exchange or base.exchange,
        url=url if url is not None else base.url,
        parser=parser_name or base.parser,
        api=base.api,
        title=base.title,
        locale=base.locale,
    )


@cli.command()
@click.option("--source", "source_id", default=None, metavar="ID", help="Only this source.")
@click.option(
    "--since", default=None, metavar="ISO8601", help="Changes observed at or after this time."
)
@click.option("--until", default=None, metavar="ISO8601", help="Changes observed before this time.")
@json_option
@paths_options
def changes(
    source_id: str | None,
    since: str | None,
    until: str | None,
    as_json: bool,
    db: Path,
    config: Path | None,
    archive: Path,
) -> None:
    """Print the change log.

    \b
    Example:
      errata changes --since 2026-01-01
      errata changes --source okx-ws --json
    """
    start, end = _time(since, "--since"), _time(until, "--until")
    paths = _paths(db, config, archive)
    with _store(paths) as store:
        if source_id is not None:
            _known_source(store, source_id, paths)
        rows = store.changes(source=source_id, since=start, until=end)
    found = [differ.Change.from_dict(row) for row in rows]
    report = reports.Report(found, title="errata changes")
    click.echo(reports.render("json" if as_json else "markdown", report))


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.option(
    "--at", default=None, metavar="ISO8601", help="The entries as of this time instead of now."
)
@json_option
@paths_options
def current(
    source_id: str, at: str | None, as_json: bool, db: Path, config: Path | None, archive: Path
) -> None:
    """Print a source's entries now, or as of a time.

    \b
    Example:
      errata current okx-ws
      errata current okx-ws --at 2026-03-01T00:00:00Z --json
    """
    moment = _time(at, "--at")
    paths = _paths(db, config, archive)
    with _store(paths) as store:
        _known_source(store, source_id, paths)
        entries = (
            store.current(source_id) if moment is None else store.entries_at(source_id, moment)
        )
    if as_json:
        _emit_json([e.to_dict() for e in entries])
        return
    click.echo(
        _table(["code", "section", "message"], [[e.code, e.section, e.message] for e in entries])
    )
    click.echo(f"{len(entries)} entries" + (f" as of {moment}" if moment else ""), err=True)


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("code")
@json_option
@paths_options
def history(
    source_id: str, code: str, as_json: bool, db: Path, config: Path | None, archive: Path
) -> None:
    """Print every version of one code of a source.

    \b
    Example:
      errata history okx-ws 60029
      errata history kucoin-ws 509 --json
    """
    paths = _paths(db, config, archive)
    with _store(paths) as store:
        _known_source(store, source_id, paths)
        versions = store.history(source_id, code)
    if as_json:
        _emit_json(versions)
        return
    rows = [[v["valid_from"], v["valid_to"] or "now", v["section"], v["message"]] for v in versions]
    click.echo(_table(["from", "to", "section", "message"], rows))
    if not versions:
        click.echo(f"code {code!r} was never documented by {source_id}", err=True)


@cli.command()
@click.option("--dir", "workdir", default="errata-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the demo database and archive go.")  # fmt: skip
def demo(workdir: Path) -> None:
    """Run the whole pipeline offline: bundled pages, a local server, two nights.

    \b
    Example:
      errata demo
      errata demo --dir /tmp/errata-demo
    """
    from scraper import demo as demo_module

    demo_module.main(workdir)


def main() -> None:
    cli(prog_name="errata")
