"""Commands that read history: ``changes``, ``current``, ``history``, ``diff``, ``locales``.

They never write, and never create a database: a mistyped ``--db`` is exit 2.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict

import click

from errata.errors import EXIT_FAILED, UsageError
from errata.scraper.cli.app import cli
from errata.scraper.cli.options import (
    MOMENT,
    MOMENT_METAVAR,
    Paths,
    json_option,
    known_filters,
    known_source,
    report_format_option,
    with_paths,
)
from errata.scraper.cli.output import emit_json, report_format, show_report, table


@cli.command()
@click.option("--source", "source_id", default=None, metavar="ID", help="Only this source.")
@click.option("--exchange", default=None, metavar="NAME", help="Only this exchange.")
@click.option("--since", default=None, type=MOMENT, metavar=MOMENT_METAVAR,
              help="Changes observed at or after this time (or this long ago: 7d).")  # fmt: skip
@click.option("--until", default=None, type=MOMENT, metavar=MOMENT_METAVAR,
              help="Changes observed before this time.")  # fmt: skip
@report_format_option
@with_paths()
def changes(
    source_id: str | None, exchange: str | None, since: str | None, until: str | None,
    fmt: str | None, as_json: bool, paths: Paths,
) -> None:  # fmt: skip
    """Print the change log.

    \b
    Example:
      errata changes --since 7d
      errata changes --source okx-ws --json
    """
    from errata import differ, reports

    with paths.store() as store:
        known_filters(store, paths, sources=[source_id] if source_id else [],
                      exchanges=[exchange] if exchange else [])  # fmt: skip
        rows = store.changes(source=source_id, since=since, until=until)
    found = [differ.Change.from_dict(row) for row in rows]
    if exchange is not None:
        found = [change for change in found if change.exchange == exchange]
    show_report(reports.Report(found, title="errata changes"), report_format(fmt, as_json))


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.option("--at", default=None, type=MOMENT, metavar=MOMENT_METAVAR,
              help="The entries as of this time (or this long ago) instead of now.")  # fmt: skip
@json_option
@with_paths()
def current(source_id: str, at: str | None, as_json: bool, paths: Paths) -> None:
    """Print a source's entries now, or as of a time.

    \b
    Example:
      errata current okx-ws
      errata current okx-ws --at 2026-03-01T00:00:00Z --json
    """
    with paths.store() as store:
        known_source(store, source_id, paths)
        entries = store.current(source_id) if at is None else store.entries_at(source_id, at)
    if as_json:
        emit_json([e.to_dict() for e in entries])
        return
    click.echo(
        table(["code", "section", "message"], [[e.code, e.section, e.message] for e in entries])
    )
    click.echo(f"{len(entries)} entries" + (f" as of {at}" if at else ""), err=True)


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@click.argument("code")
@json_option
@with_paths()
def history(source_id: str, code: str, as_json: bool, paths: Paths) -> None:
    """Print every version of one code of a source.

    A code the source never documented is exit 1, with one line saying so
    (and an empty list with --json).

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
    elif versions:
        rows = [
            [v["valid_from"], v["valid_to"] or "now", v["section"], v["message"]] for v in versions
        ]
        click.echo(table(["from", "to", "section", "message"], rows))
    if not versions:
        click.echo(f"errata: {source_id} never documented code {code!r}", err=True)
        sys.exit(EXIT_FAILED)


@cli.command("diff")
@click.argument("source_id", metavar="SOURCE")
@click.option("--from", "before", required=True, type=MOMENT, metavar=MOMENT_METAVAR,
              help="The earlier moment (a time, or a duration ago: 30d).")  # fmt: skip
@click.option("--to", "after", default="0s", type=MOMENT, metavar=MOMENT_METAVAR,
              help="The later moment [default: now].")  # fmt: skip
@report_format_option
@with_paths()
def diff_command(
    source_id: str, before: str, after: str, fmt: str | None, as_json: bool, paths: Paths
) -> None:
    """Print the changes of a source between any two moments.

    Compares the entries as of --from with those as of --to, so a code that
    changed and changed back in between shows no change.

    \b
    Example:
      errata diff okx-ws --from 2026-01-01 --to 2026-03-01
      errata diff okx-ws --from 30d
      errata diff kucoin-legacy --from 2019-03-01 --to 2023-07-01 --json
    """
    from errata import differ, reports
    from errata.scraper.cli.collect import resolve_source

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
    show_report(reports.Report(found, title=title), report_format(fmt, as_json))


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
