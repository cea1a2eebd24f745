"""Commands that read history: ``changes``, ``current``, ``history``."""

from __future__ import annotations

import click

import differ
import reports
from scraper.cli.app import (
    Paths,
    cli,
    emit_json,
    json_option,
    known_source,
    parse_time_option,
    table,
    with_paths,
)


@cli.command()
@click.option("--source", "source_id", default=None, metavar="ID", help="Only this source.")
@click.option(
    "--since", default=None, metavar="ISO8601", help="Changes observed at or after this time."
)
@click.option("--until", default=None, metavar="ISO8601", help="Changes observed before this time.")
@json_option
@with_paths()
def changes(
    source_id: str | None, since: str | None, until: str | None, as_json: bool, paths: Paths
) -> None:
    """Print the change log.

    \b
    Example:
      errata changes --since 2026-01-01
      errata changes --source okx-ws --json
    """
    start, end = parse_time_option(since, "--since"), parse_time_option(until, "--until")
    with paths.store() as store:
        if source_id is not None:
            known_source(store, source_id, paths)
        rows = store.changes(source=source_id, since=start, until=end)
    found = [differ.Change.from_dict(row) for row in rows]
    click.echo(
        reports.render(
            "json" if as_json else "markdown", reports.Report(found, title="errata changes")
        )
    )


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.option(
    "--at", default=None, metavar="ISO8601", help="The entries as of this time instead of now."
)
@json_option
@with_paths()
def current(source_id: str, at: str | None, as_json: bool, paths: Paths) -> None:
    """Print a source's entries now, or as of a time.

    \b
    Example:
      errata current okx-ws
      errata current okx-ws --at 2026-03-01T00:00:00Z --json
    """
    moment = parse_time_option(at, "--at")
    with paths.store() as store:
        known_source(store, source_id, paths)
        entries = (
            store.current(source_id) if moment is None else store.entries_at(source_id, moment)
        )
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    click.echo(
        table(["code", "section", "message"], [[e.code, e.section, e.message] for e in entries])
    )
    click.echo(f"{len(entries)} entries" + (f" as of {moment}" if moment else ""), err=True)


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("code")
@json_option
@with_paths()
def history(source_id: str, code: str, as_json: bool, paths: Paths) -> None:
    """Print every version of one code of a source.

    \b
    Example:
      errata history okx-ws 60029
      errata history kucoin-ws 509 --json
    """
    with paths.store() as store:
        known_source(store, source_id, paths)
        versions = store.history(source_id, code)
    if as_json:
        emit_json(versions)
        return
    rows = [[v["valid_from"], v["valid_to"] or "now", v["section"], v["message"]] for v in versions]
    click.echo(table(["from", "to", "section", "message"], rows))
    if not versions:
        click.echo(f"code {code!r} was never documented by {source_id}", err=True)
