"""Commands that read history: ``changes``, ``current``, ``history``, ``diff``, ``locales``."""

from __future__ import annotations

from collections import Counter, defaultdict

import click

from errata import differ, reports
from errata.errors import UsageError
from errata.scraper.cli.app import (
    Paths,
    cli,
    emit_json,
    json_option,
    known_source,
    parse_time_option,
    table,
    with_paths,
)
from errata.scraper.cli.collect import resolve_source


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


@cli.command("diff")
@click.argument("source_id", metavar="SOURCE")
@click.option("--from", "start", required=True, metavar="ISO8601", help="The earlier moment.")
@click.option("--to", "end", required=True, metavar="ISO8601", help="The later moment.")
@json_option
@with_paths()
def diff_command(source_id: str, start: str, end: str, as_json: bool, paths: Paths) -> None:
    """Print the changes of a source between any two moments.

    Compares the entries as of --from with those as of --to, so a code that
    changed and changed back in between shows no change.

    \b
    Example:
      errata diff okx-ws --from 2026-01-01 --to 2026-03-01
      errata diff kucoin-legacy --from 2019-03-01 --to 2023-07-01 --json
    """
    before, after = parse_time_option(start, "--from"), parse_time_option(end, "--to")
    assert before is not None and after is not None
    if before > after:
        raise UsageError(f"--from {before} is after --to {after}")
    config = paths.load_config(required=False)
    with paths.store() as store:
        known_source(store, source_id, paths)
        source, _ = resolve_source(config, store, source_id)
        old, new = store.entries_at(source_id, before), store.entries_at(source_id, after)
    policy = config.policy_for(source)
    found = differ.diff(
        old, new, policy, source=source.id, exchange=source.exchange, observed_at=after
    )
    title = f"errata diff {source_id} {before} → {after}"
    click.echo(
        reports.render("json" if as_json else "markdown", reports.Report(found, title=title))
    )


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@json_option
@with_paths()
def locales(source_id: str, as_json: bool, paths: Paths) -> None:
    """Print the codes a source documents in one locale but not (as often) in another.

    A code added to the English page but not yet to the Chinese one is often the
    first sign of a coming change.

    \b
    Example:
      errata locales okx-ws
      errata locales okx-ws --json
    """
    with paths.store() as store:
        known_source(store, source_id, paths)
        entries = store.current(source_id)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        counts[entry.code][entry.locale] += 1
    languages = sorted({e.locale for e in entries})
    uneven = {
        code: [per_locale[lang] for lang in languages]
        for code, per_locale in counts.items()
        if len({per_locale[lang] for lang in languages}) > 1
    }
    if as_json:
        emit_json(
            [
                {"code": code, "counts": dict(zip(languages, n, strict=True))}
                for code, n in uneven.items()
            ]
        )
        return
    if uneven:
        click.echo(
            table(["code", *languages], [[code, *map(str, n)] for code, n in uneven.items()])
        )
    scope = ", ".join(languages) or "no locale"
    click.echo(f"{len(uneven)} code(s) documented unevenly across {scope}", err=True)
