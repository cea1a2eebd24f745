"""Reports on demand and delivery checks: ``report`` and ``notify-test``."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from datetime import UTC, datetime

import click

from errata import differ, reports
from errata.db import times
from errata.errors import EXIT_FAILED, UsageError
from errata.reports.channels import Context
from errata.scraper import deliver
from errata.scraper.cli.app import Paths, cli, parse_time_option, with_paths

FORMATS = {"md": "markdown", **{name: name for name in reports.formats()}}


@cli.command()
@click.option(
    "--since",
    default="7d",
    show_default=True,
    metavar="DURATION|ISO8601",
    help="Changes observed in this last period (36h, 7d) or since this time.",
)
@click.option("--until", default=None, metavar="ISO8601", help="Changes observed before this time.")
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
@click.option(
    "--min-severity", type=click.Choice(differ.SEVERITIES), default="low", show_default=True
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(FORMATS)),
    default="md",
    show_default=True,
    help="md (Markdown), json, text, html (email), slack (Block Kit messages), atom.",
)
@with_paths()
def report(
    since: str, until: str | None, sources: tuple[str, ...], exchanges: tuple[str, ...],
    min_severity: str, fmt: str, paths: Paths,
) -> None:  # fmt: skip
    """Render the changes of a period in any report format.

    The same renderers the notify channels use, so this shows exactly what
    Slack, email or a feed would receive. Links to Datasette appear when
    [datasette] base_url is configured.

    \b
    Example:
      errata report --since 7d
      errata report --since 2026-01-01 --exchange okx --format html > okx.html
      errata report --since 30d --min-severity high --format json
    """
    start = _since(since)
    end = parse_time_option(until, "--until")
    config = paths.load_config(required=False)
    with paths.store() as store:
        rows = store.changes(since=start, until=end)
    threshold = differ.severity_rank(min_severity)
    found = [
        change
        for change in map(differ.Change.from_dict, rows)
        if change.rank() >= threshold
        and (not sources or change.source in sources)
        and (not exchanges or change.exchange in exchanges)
    ]
    period = f"{start} to {end}" if end else f"since {start}"
    result = reports.Report(
        found, title=f"errata report {period}", generated_at=times.now(),
        links=deliver.linker(config.datasette_url), categories=deliver.categorizer(config),
    )  # fmt: skip
    click.echo(reports.render(FORMATS[fmt], result).rstrip("\n"))


def _since(value: str) -> str:
    try:
        return times.format_time(datetime.now(UTC) - times.parse_duration(value))
    except ValueError:
        pass
    parsed = parse_time_option(value, "--since")
    assert parsed is not None
    return parsed


TEST_CHANGE = differ.Change(
    source="errata-test", exchange="errata", observed_at=None, kind="reworded", severity="low",
    trivial=False, similarity=0.5, code="0", new_code=None, locale="en", section="notify-test",
    old_section=None, old_message="The old wording of a documented error.",
    new_message="A test from errata notify-test: <!channel> & *bold* stay inert.",
)  # fmt: skip


@cli.command("notify-test")
@click.argument("name", metavar="CHANNEL")
@with_paths()
def notify_test(name: str, paths: Paths) -> None:
    """Send a test message to one configured [[notify]] route (by name, or by channel kind).

    Nothing is recorded: the test checks the route's secrets, address and
    formatting end to end. Exits 1 with the reason when the message did not
    get through.

    \b
    Example:
      errata notify-test slack
      errata notify-test team-email
    """
    config = paths.load_config(required=True)
    matches = [r for r in config.routes if r.name == name] or [
        r for r in config.routes if r.channel == name
    ]
    if not matches:
        known = ", ".join(r.name for r in config.routes) or "none"
        raise UsageError(f"{config.path}: no [[notify]] route named {name!r} (configured: {known})")
    now = times.now()
    change = replace(TEST_CHANGE, observed_at=now)
    failed = False
    for route in matches:
        report = reports.Report([change], title="errata notify-test", generated_at=now,
                                links=deliver.linker(config.datasette_url))  # fmt: skip
        error = deliver.send(
            route, report, Context(kind="test", delivery_id=f"test-{now}"), os.environ
        )
        if error:
            failed = True
            click.echo(f"errata: notify-test {route.name}: failed: {error}", err=True)
        else:
            click.echo(f"errata: notify-test {route.name}: sent ({route.channel})", err=True)
    if failed:
        sys.exit(EXIT_FAILED)
