"""``errata reparse``: rebuild history from the archive with today's parsers."""

from __future__ import annotations

import sys

import click

from reports.escape import markdown_code, markdown_text
from scraper.archive import Archive
from scraper.cli.app import (
    EXIT_FAILED,
    Paths,
    cli,
    emit_json,
    json_option,
    known_source,
    with_paths,
)
from scraper.cli.collect import resolve_source
from scraper.reparse import Reparsed, reparse


@cli.command("reparse")
@click.argument("source_ids", metavar="[SOURCE]...", nargs=-1)
@json_option
@with_paths(writes=True)
def reparse_command(source_ids: tuple[str, ...], as_json: bool, paths: Paths) -> None:
    """Re-derive revisions and changes from the archived pages with today's parsers.

    Each source is rebuilt in one transaction; a missing or corrupt archived
    page aborts that source and leaves it as it was. Prints what came out
    differently. Without SOURCE, every source in the database.

    \b
    Example:
      errata reparse okx-ws
      errata reparse --json
    """
    config = paths.load_config(required=False)
    results: list[Reparsed] = []
    with paths.writing() as store:
        for source_id in source_ids or store.source_ids():
            known_source(store, source_id, paths)
            source = resolve_source(config, store, source_id, None, None, None)
            results.append(reparse(store, Archive(paths.archive), source))
    if as_json:
        emit_json([_as_json(r) for r in results])
    else:
        click.echo("\n".join(_as_markdown(r) for r in results))
    sys.exit(EXIT_FAILED if any(r.parse_errors for r in results) else 0)


def _as_json(result: Reparsed) -> dict[str, object]:
    return {
        "source": result.source.id,
        "revisions_before": result.revisions_before,
        "revisions_after": result.revisions_after,
        "changes_added": [c.to_dict() for c in result.added],
        "changes_removed": [c.to_dict() for c in result.removed],
        "parse_errors": list(result.parse_errors),
        "refused": result.refused,
    }


def _as_markdown(result: Reparsed) -> str:
    head = f"## {markdown_text(result.source.id)}: "
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
