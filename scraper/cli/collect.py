"""Commands that collect pages: ``run`` (the network), ``ingest`` (a file), ``import-git`` (a history)."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from errata.errors import ConfigError, StoreError, UsageError
from errata.scraper.cli.app import cli
from errata.scraper.cli.options import (
    MOMENT,
    MOMENT_METAVAR,
    Paths,
    fail_on_option,
    read_input,
    report_format_option,
    with_paths,
)
from errata.scraper.cli.output import (
    exit_code,
    log_outcome,
    print_report,
    progress,
    report_format,
)

if TYPE_CHECKING:
    from errata.db.store import Store
    from errata.differ import Policy
    from errata.scraper import gitimport, pipeline
    from errata.scraper.archive import Archive
    from errata.scraper.config import Config, Source

log = logging.getLogger("errata")


def source_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """--locale (which page of the source) and what an ad hoc source is made of."""
    options = [
        click.option("--locale", "page", default="", metavar="LOCALE",
                     help="The source's page for this extra locale, or (new source) its language."),
        click.option("--parser", "parser_name", default=None, metavar="NAME",
                     help="Parser for an ad hoc source [default: auto]."),
        click.option("--url", default=None, help="URL of an ad hoc source; its #fragment selects the section."),
        click.option("--exchange", default=None,
                     help="Exchange of an ad hoc source [default: the id up to its first '-']."),
    ]  # fmt: skip
    for option in reversed(options):
        func = option(func)
    return func


@cli.command()
@click.option(
    "--only", "only", multiple=True, metavar="ID", help="Run only this source (repeatable)."
)
@click.option(
    "--no-notify", is_flag=True, help="Do not deliver to [[notify]] routes (they stay owed)."
)
@report_format_option
@fail_on_option
@with_paths(writes=True, creates=True)
def run(
    only: tuple[str, ...], no_notify: bool, fmt: str | None, as_json: bool, fail_on: str | None,
    paths: Paths,
) -> None:  # fmt: skip
    """Fetch every enabled source, store new revisions, print the changes, deliver them.

    Each [[notify]] route then gets what it is owed (see Notifications in
    the README); a delivery that fails stays pending for the next run.
    Exits 1 when a page failed, else 4 when a page was held back as
    suspect (errata accept SOURCE applies it).

    \b
    Example:
      errata run
      errata run --only okx-ws --json --fail-on high
    """
    from errata.scraper import runner

    config = paths.load_config(required=True)
    result = runner.run_once(
        config, paths.db, paths.archive, only=only, notify=not no_notify,
        lock_timeout=paths.lock_timeout,
    )  # fmt: skip
    for outcome in result.outcomes:
        log_outcome(outcome)
    for source_id, why in result.alerts:
        log.error("health alert: %s %s", source_id, why)
    print_report(
        result.outcomes,
        f"errata run {result.started_at}",
        report_format(fmt, as_json),
        result.alerts,
    )
    sys.exit(exit_code(result.outcomes, fail_on, hold=True))


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@click.option(
    "--observed-at", "observed", required=True, type=MOMENT, metavar=MOMENT_METAVAR,
    help="When this version of the page was current (a time, or a duration ago).",
)  # fmt: skip
@source_options
@report_format_option
@fail_on_option
@with_paths(writes=True, creates=True)
def ingest(
    source_id: str, file: Path, observed: str, page: str, parser_name: str | None, url: str | None,
    exchange: str | None, fmt: str | None, as_json: bool, fail_on: str | None, paths: Paths,
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
      errata ingest okx-ws okx-zh.html --observed-at 2026-01-15 --locale zh
    """
    from errata.scraper import pipeline
    from errata.scraper.archive import Archive

    content = read_input(file)
    config = paths.load_config(required=False)
    with paths.writing() as store:
        source, page = resolve_source(config, store, source_id, page, parser_name, url, exchange)
        outcome = pipeline.ingest(
            store, Archive(paths.archive), source, content, observed,
            page=page, location=str(file), policy=config.policy_for(source),
        )  # fmt: skip
    log_outcome(outcome)
    print_report([outcome], f"errata ingest {source_id} {observed}", report_format(fmt, as_json))
    sys.exit(exit_code([outcome], fail_on))


@cli.command("import-git")
@click.argument("repo", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.argument("path")
@click.option(
    "--source",
    "source_id",
    required=True,
    metavar="ID",
    help="The source the file's versions belong to.",
)
@click.option("--since", default=None, type=MOMENT, metavar=MOMENT_METAVAR,
              help="Only commits after this time (or this long ago).")  # fmt: skip
@source_options
@report_format_option
@fail_on_option
@with_paths(writes=True, creates=True)
def import_git(
    repo: Path, path: str, source_id: str, since: str | None, page: str, parser_name: str | None,
    url: str | None, exchange: str | None, fmt: str | None, as_json: bool, fail_on: str | None,
    paths: Paths,
) -> None:  # fmt: skip
    """Ingest every version of one file of a git repository, at its commit times.

    The commit id is recorded on each fetch. Run it again later and only new
    commits are added; commits older than the source's latest revision are
    skipped (history is appended in time order). Prints the changes found.

    \b
    Example:
      errata import-git ~/src/kucoin-api-docs source/localizable/index.html.md \\
          --source kucoin-legacy --parser kucoin --url 'https://docs.kucoin.com/#errors'
      errata import-git ../okx-api-docs docs/14-error-code/12-websocket-public.html \\
          --source okx-ws --since 2025-01-01 --json
    """
    from errata.scraper import gitimport
    from errata.scraper.archive import Archive

    commits = gitimport.history(repo, path, since)
    if not commits:
        raise UsageError(
            f"{repo}: no commit touches {path!r}" + (f" since {since}" if since else "")
        )
    config = paths.load_config(required=False)
    outcomes: list[pipeline.Outcome] = []
    skipped = 0
    with paths.writing() as store:
        source, page = resolve_source(config, store, source_id, page, parser_name, url, exchange)
        archive, policy = Archive(paths.archive), config.policy_for(source)
        with progress(commits, f"importing {path}") as bar:
            for commit in bar:
                outcome = _import_commit(store, archive, source, page, policy, repo, commit)
                if outcome is None:
                    skipped += 1
                else:
                    outcomes.append(outcome)
    if skipped:
        log.warning(
            "%s: skipped %d commit(s) older than its latest revision or deleting the file",
            source_id,
            skipped,
        )
    log.info("%s: imported %d version(s) of %s", source_id, len(outcomes), path)
    print_report(outcomes, f"errata import-git {source_id}", report_format(fmt, as_json))
    sys.exit(exit_code(outcomes, fail_on))


def _import_commit(
    store: Store,
    archive: Archive,
    source: Source,
    page: str,
    policy: Policy,
    repo: Path,
    commit: gitimport.Commit,
) -> pipeline.Outcome | None:
    from errata.scraper import gitimport, pipeline

    content = gitimport.blob(repo, commit)
    if content is None:
        return None
    location = f"{repo}:{commit.path}@{commit.sha[:12]}"
    try:
        return pipeline.ingest(
            store, archive, source, content, commit.time,
            page=page, origin="git", location=location, commit_id=commit.sha, policy=policy,
        )  # fmt: skip
    except StoreError:
        return None  # older than what is stored


def resolve_source(
    config: Config,
    store: Store,
    source_id: str,
    page: str = "",
    parser_name: str | None = None,
    url: str | None = None,
    exchange: str | None = None,
) -> tuple[Source, str]:
    """The source (configured, else stored by earlier ingests, else new) and the page meant.

    ``page`` names one of the source's extra locale pages; for a source that is
    new or has no such page, ``--locale`` gives its main page's language instead.
    """
    from errata import parsers
    from errata.scraper.config import Source, slug_problem, url_problem

    configured = next((s for s in config.sources if s.id == source_id), None)
    stored = store.source(source_id)
    named = {"source id": source_id if not (configured or stored) else None, "--exchange": exchange}
    for what, value in named.items():
        if value is not None and (problem := slug_problem(value)):
            raise UsageError(f"{what} {value!r} {problem}")
    fields = ("id", "exchange", "url", "parser", "api", "title", "locale")
    base = configured or (
        Source(**{name: stored[name] for name in fields})
        if stored
        else Source(source_id, exchange or source_id.split("-")[0], "", "auto", locale=page or "en")
    )
    if parser_name is not None and parser_name not in parsers.names():
        raise UsageError(f"unknown parser {parser_name!r} (known: {', '.join(parsers.names())})")
    if url and (problem := url_problem(url)):
        raise UsageError(f"--url {url!r}: {problem}")
    source = replace(
        base,
        exchange=exchange or base.exchange,
        url=url if url is not None else base.url,
        parser=parser_name or base.parser,
    )
    if page in ("", source.locale):
        return source, ""
    try:
        source.page(page)
    except ConfigError as error:
        raise UsageError(f"--locale {page}: {error}") from None
    return source, page
