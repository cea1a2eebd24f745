"""Commands that rewrite history: ``reparse`` (with today's parsers) and ``accept`` (a suspect revision)."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING

import click

from errata.errors import EXIT_FAILED
from errata.scraper.cli.app import cli
from errata.scraper.cli.collect import resolve_source
from errata.scraper.cli.options import (
    Paths,
    json_option,
    known_source,
    report_format_option,
    with_paths,
)
from errata.scraper.cli.output import (
    emit_json,
    log_outcome,
    print_report,
    progress,
    report_format,
)

if TYPE_CHECKING:
    from errata.scraper.reparse import Reparsed

log = logging.getLogger("errata")


@cli.command("reparse")
@click.argument("source_ids", metavar="[SOURCE]...", nargs=-1)
@json_option
@with_paths(writes=True)
def reparse_command(source_ids: tuple[str, ...], as_json: bool, paths: Paths) -> None:
    """Re-derive revisions and changes from the archived pages with today's parsers.

    Each source is rebuilt in one transaction; a missing or corrupt archived
    page skips that source and leaves it as it was, and the others go on.
    Prints what came out differently and, last, which sources were skipped
    (exit 1). Without SOURCE, every source in the database.

    \b
    Example:
      errata reparse okx-ws
      errata reparse --json
    """
    from errata.scraper.archive import Archive
    from errata.scraper.reparse import reparse

    config = paths.load_config(required=False)
    results: list[Reparsed] = []
    with paths.writing() as store, progress(source_ids or store.source_ids(), "reparsing") as bar:
        for source_id in bar:
            known_source(store, source_id, paths)
            source, _ = resolve_source(config, store, source_id)
            results.append(
                reparse(store, Archive(paths.archive), source, config.policy_for(source))
            )
    skipped = [r for r in results if r.skipped]
    for result in skipped:
        log.error("%s: skipped, left as it was: %s", result.source.id, result.skipped)
    if as_json:
        emit_json([_as_json(r) for r in results])
    else:
        click.echo("\n".join(_as_markdown(r) for r in results))
        if skipped:
            names = ", ".join(r.source.id for r in skipped)
            click.echo(f"Skipped {len(skipped)} of {len(results)} sources: {names} "
                       "(an archived page is missing or corrupt; errata check lists them)")  # fmt: skip
    sys.exit(EXIT_FAILED if skipped or any(r.parse_errors for r in results) else 0)


def _as_json(result: Reparsed) -> dict[str, object]:
    return {
        "source": result.source.id,
        "revisions_before": result.revisions_before,
        "revisions_after": result.revisions_after,
        "changes_added": [c.to_dict() for c in result.added],
        "changes_removed": [c.to_dict() for c in result.removed],
        "parse_errors": list(result.parse_errors),
        "refused": result.refused,
        "skipped": result.skipped,
    }


def _as_markdown(result: Reparsed) -> str:
    from errata.reports.escape import markdown_code, markdown_text

    head = f"## {markdown_text(result.source.id)}: "
    if result.skipped:
        return head + f"skipped, left as it was: {markdown_text(result.skipped)}\n"
    if result.refused:
        lines = [head + "left as it was: today's parser cannot read pages it read before", ""]
        return "\n".join(lines + [f"- ❌ {markdown_text(e)}" for e in result.parse_errors]) + "\n"
    if not result.differs and not result.parse_errors:
        return head + f"unchanged ({result.revisions_after} revisions)\n"
    lines = [head + f"{result.revisions_before} → {result.revisions_after} revisions, "
             f"{len(result.added)} change(s) added, {len(result.removed)} removed", ""]  # fmt: skip
    lines += [
        f"- now found: {c.observed_at} **{c.kind}** {markdown_code(c.code)}" for c in result.added
    ]
    lines += [
        f"- no longer found: {c.observed_at} **{c.kind}** {markdown_code(c.code)}"
        for c in result.removed
    ]
    lines += [f"- ❌ cannot parse: {markdown_text(e)}" for e in result.parse_errors]
    return "\n".join(lines) + "\n"


@cli.command()
@click.argument("source_id", metavar="SOURCE")
@report_format_option
@with_paths(writes=True)
def accept(source_id: str, fmt: str | None, as_json: bool, paths: Paths) -> None:
    """Apply a source's latest revision that was held back as suspect.

    A page that suddenly lists no codes, or loses more than the configured
    share of them, is stored but not applied. When the removal is real, this
    applies it and prints the changes it makes.

    \b
    Example:
      errata accept tickdb
      errata accept okx-ws --json
    """
    from errata.scraper import pipeline
    from errata.scraper.archive import Archive

    config = paths.load_config(required=False)
    with paths.writing() as store:
        known_source(store, source_id, paths)
        source, _ = resolve_source(config, store, source_id)
        outcome = pipeline.accept(store, Archive(paths.archive), source, config.policy_for(source))
    log_outcome(outcome)
    print_report([outcome], f"errata accept {source_id}", report_format(fmt, as_json))
