"""What commands share as output: JSON, tables, change reports for terminals and pipes, exit codes.

A change report goes to a terminal as plain text coloured by severity, and to
a pipe or a file as Markdown (what cron mails and scripts have always read);
``--format`` or ``--json`` choose explicitly. Colour only ever reaches a
terminal, and never with ``NO_COLOR`` set or ``--no-color``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractContextManager as ContextManager
from contextlib import nullcontext
from typing import TYPE_CHECKING, Any, TypeVar

import click

from errata.errors import EXIT_FAIL_ON, EXIT_FAILED, EXIT_HELD
from errata.scraper.cli.app import current_globals

if TYPE_CHECKING:
    from errata.reports import Report
    from errata.scraper.pipeline import Outcome

log = logging.getLogger("errata")
T = TypeVar("T")


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


def progress(items: Sequence[T], label: str) -> ContextManager[Iterable[T]]:
    """A progress bar on stderr when it is a terminal; nothing at all in logs and pipes."""
    if len(items) > 1 and sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


# --- change reports ------------------------------------------------------------------


def report_format(fmt: str | None, as_json: bool, *, terminal: bool | None = None) -> str:
    """The renderer's name: --json or --format if given, else text on a terminal, Markdown elsewhere."""
    if as_json:
        return "json"
    if fmt is None:
        on_terminal = sys.stdout.isatty() if terminal is None else terminal
        return "text" if on_terminal else "markdown"
    return "markdown" if fmt == "md" else fmt


def wants_colour(terminal: bool, environ: Mapping[str, str], no_color: bool) -> bool:
    """Colour on a terminal only, unless NO_COLOR (any non-empty value) or --no-color says not."""
    return terminal and not no_color and not environ.get("NO_COLOR")


def show_report(report: Report, fmt: str) -> None:
    """Render ``report``; plain text on a terminal gets its severities coloured."""
    from errata import reports

    text = reports.render(fmt, report)
    if fmt == "text" and wants_colour(sys.stdout.isatty(), os.environ, current_globals().no_color):
        from errata.reports.terminal import paint

        text = paint(text)
    click.echo(text.rstrip("\n"))


def print_report(
    outcomes: Sequence[Outcome], title: str, fmt: str, alerts: Sequence[tuple[str, str]] = ()
) -> None:
    from errata import reports

    changes = [c for o in outcomes for c in o.changes]
    problems = [reports.Problem(o.label, o.problem) for o in outcomes if o.problem]
    defects = [reports.Problem(o.label, d) for o in outcomes for d in o.defects]
    raised = [reports.Problem(source, why) for source, why in alerts]
    show_report(reports.Report(changes, problems, title=title, defects=defects, alerts=raised), fmt)


def exit_code(outcomes: Sequence[Outcome], fail_on: str | None, *, hold: bool = False) -> int:
    """3 for --fail-on, else 1 when a page failed, else (with ``hold``) 4 when one was held back."""
    from errata import differ

    if fail_on is not None:
        threshold = differ.severity_rank(fail_on)
        if any(c.rank() >= threshold for o in outcomes for c in o.changes):
            return EXIT_FAIL_ON
    if any(o.status == "failed" for o in outcomes):
        return EXIT_FAILED
    return EXIT_HELD if hold and any(o.status == "suspect" for o in outcomes) else 0


_DETAIL = {
    "baseline": "first revision, {entries} entries",
    "changed": "{changes} change(s), {entries} entries",
    "unchanged": "unchanged, {entries} entries",
    "not_modified": "not modified since the last fetch",
}


def log_outcome(outcome: Outcome) -> None:
    """One line per page: the source, and for a failure also its URL (with no secret in it)."""
    if outcome.status in ("failed", "suspect"):
        from errata.scraper.fetch import shown_url

        url = next((p.url for p in outcome.source.pages() if p.key == outcome.page), "")
        where = f"{outcome.label} ({shown_url(url)})" if url else outcome.label
        log.warning("%s: %s", where, outcome.problem or outcome.status)
        return
    detail = _DETAIL[outcome.status].format(entries=outcome.entries, changes=len(outcome.changes))
    log.info("%s: %s", outcome.label, detail)
