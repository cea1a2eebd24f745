"""Reports on demand and delivery checks: ``report`` and ``notify-test``."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING

import click

from errata.errors import EXIT_FAILED, UsageError
from errata.scraper.cli.app import cli
from errata.scraper.cli.options import (
    MOMENT,
    MOMENT_METAVAR,
    SEVERITY,
    LazyChoice,
    Paths,
    json_option,
    known_filters,
    with_paths,
)
from errata.scraper.cli.output import emit_json, report_format, show_report

if TYPE_CHECKING:
    from errata.differ import Change


def _formats() -> Iterable[str]:
    from errata import reports

    return sorted({"md", *reports.formats()} - {"markdown"})


@cli.command()
@click.option("--since", default="7d", show_default=True, type=MOMENT, metavar=MOMENT_METAVAR,
              help="Changes observed in this last period (36h, 7d) or since this time.")  # fmt: skip
@click.option("--until", default=None, type=MOMENT, metavar=MOMENT_METAVAR,
              help="Changes observed before this time (or this long ago).")  # fmt: skip
@click.option(
    "--source", "sources", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option(
    "--exchange",
    "exchanges",
    multiple=True,
    metavar="NAME",
    help="Only this exchange (repeatable).",
)
@click.option("--min-severity", type=SEVERITY, default="low", show_default=True)
@click.option(
    "--format", "fmt", type=LazyChoice(_formats), default=None,
    help="text, md (Markdown), json, html (email), slack (Block Kit messages), atom "
         "[default: text on a terminal, md otherwise].",
)  # fmt: skip
@json_option
@with_paths()
def report(
    since: str, until: str | None, sources: tuple[str, ...], exchanges: tuple[str, ...],
    min_severity: str, fmt: str | None, as_json: bool, paths: Paths,
) -> None:  # fmt: skip
    """Render the changes of a period in any report format.

    The same renderers the notify channels use, so this shows exactly what
    Slack, email or a feed would receive. Links to Datasette appear when
    [datasette] base_url is configured. --json is --format json.

    \b
    Example:
      errata report --since 7d
      errata report --since 2026-01-01 --exchange okx --format html > okx.html
      errata report --since 30d --min-severity high --json
    """
    from errata import differ, reports
    from errata.db import times
    from errata.scraper import deliver

    config = paths.load_config(required=False)
    with paths.store() as store:
        known_filters(store, paths, sources=sources, exchanges=exchanges)
        rows = store.changes(since=since, until=until)
    threshold = differ.severity_rank(min_severity)
    found = [
        change
        for change in map(differ.Change.from_dict, rows)
        if change.rank() >= threshold
        and (not sources or change.source in sources)
        and (not exchanges or change.exchange in exchanges)
    ]
    period = f"{since} to {until}" if until else f"since {since}"
    result = reports.Report(
        found, title=f"errata report {period}", generated_at=times.now(),
        links=deliver.linker(config.datasette_url), categories=deliver.categorizer(config),
    )  # fmt: skip
    show_report(result, report_format(fmt, as_json))


@cli.command("notify-test")
@click.argument("name", metavar="CHANNEL")
@json_option
@with_paths()
def notify_test(name: str, as_json: bool, paths: Paths) -> None:
    """Send a test message to one configured [[notify]] route (by name, or by channel kind).

    Nothing is recorded: the test checks the route's secrets, address and
    formatting end to end. Exits 1 with the reason when the message did not
    get through. --json prints [{"route", "channel", "sent", "error"}].

    \b
    Example:
      errata notify-test slack
      errata notify-test team-email --json
    """
    from dataclasses import replace

    from errata import reports
    from errata.db import times
    from errata.reports.channels import Context
    from errata.scraper import deliver

    config = paths.load_config(required=True)
    matches = [r for r in config.routes if r.name == name] or [
        r for r in config.routes if r.channel == name
    ]
    if not matches:
        known = ", ".join(r.name for r in config.routes) or "none"
        raise UsageError(f"{config.path}: no [[notify]] route named {name!r} (configured: {known})")
    now = times.now()
    change = replace(_test_change(), observed_at=now)
    results: list[dict[str, object]] = []
    for route in matches:
        report = reports.Report([change], title="errata notify-test", generated_at=now,
                                links=deliver.linker(config.datasette_url))  # fmt: skip
        error = deliver.send(
            route, report, Context(kind="test", delivery_id=f"test-{now}"), os.environ
        )
        results.append({"route": route.name, "channel": route.channel, "sent": not error,
                        "error": error or None})  # fmt: skip
        outcome = f"failed: {error}" if error else f"sent ({route.channel})"
        click.echo(f"errata: notify-test {route.name}: {outcome}", err=True)
    if as_json:
        emit_json(results)
    if not all(r["sent"] for r in results):
        sys.exit(EXIT_FAILED)


def _test_change() -> Change:
    from errata import differ

    return differ.Change(
        source="errata-test", exchange="errata", observed_at=None, kind="reworded", severity="low",
        trivial=False, similarity=0.5, code="0", new_code=None, locale="en", section="notify-test",
        old_section=None, old_message="The old wording of a documented error.",
        new_message="A test from errata notify-test: <!channel> & *bold* stay inert.",
    )  # fmt: skip
