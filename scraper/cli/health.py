"""``errata health``: is every source being watched, or has one gone quiet?"""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import click

from errata.errors import EXIT_FAILED, EXIT_HELD, UsageError
from errata.scraper.cli.app import cli
from errata.scraper.cli.options import Paths, json_option, with_paths
from errata.scraper.cli.output import emit_json, table


@cli.command()
@click.option("--max-age", default=None, metavar="DURATION",
              help="Exit 1 if a configured source has not been fetched successfully for this long (36h, 7d).")  # fmt: skip
@json_option
@with_paths()
def health(max_age: str | None, as_json: bool, paths: Paths) -> None:
    """Print each source's last success, failures in a row, last problem and status.

    Status is ok, failing (the latest fetches failed), suspect (a revision is
    held back: the reason is shown with the command that applies it, errata
    accept SOURCE), stale (older than --max-age) or never (no successful fetch
    yet). Exits 4 when a revision is held back; with --max-age, exits 1 when a
    configured source is stale or never succeeded, for external monitoring.

    \b
    Example:
      errata health
      errata health --max-age 36h --json
    """
    from errata.db import times

    try:
        limit = times.parse_duration(max_age) if max_age else None
    except ValueError as error:
        raise UsageError(f"--max-age: {error}") from None
    now = datetime.now(UTC)
    rows = _rows(paths)
    for row in rows:
        row["status"] = _status(row, now, limit)
        held = row.pop("revision_reason")
        row["reason"] = held
        row["action"] = f"errata accept {row['source']}" if held else None
    if as_json:
        emit_json(rows)
    else:
        click.echo(table(
            ["source", "status", "entries", "last success", "failures", "problem"],
            [[r["source"], r["status"], str(r["entries"]), r["last_success"] or "never",
              str(r["consecutive_failures"]), _problem(r)] for r in rows],
        ))  # fmt: skip
    sys.exit(_exit_code(rows, limit))


def _rows(paths: Paths) -> list[dict[str, Any]]:
    """One row per stored source, plus configured sources that never ran (news for monitoring)."""
    config = paths.load_config(required=False)
    with paths.store() as store:
        rows = [
            {"source": source["id"], "exchange": source["exchange"], "configured": bool(source["in_config"]),
             **store.health(source["id"])}
            for source in store.db.query("SELECT id, exchange, in_config FROM sources ORDER BY id")
        ]  # fmt: skip
        stored = {row["source"] for row in rows}
        for source in config.enabled():
            if source.id not in stored:
                rows.append({"source": source.id, "exchange": source.exchange, "configured": True,
                             **store.health(source.id)})  # fmt: skip
    return sorted(rows, key=lambda row: str(row["source"]))


def _problem(row: dict[str, Any]) -> str:
    """The last error of a failing source; for a held revision, why, and what applies it."""
    parts = []
    if row["consecutive_failures"]:
        parts.append(f"{row['last_error_kind']}: {row['last_error']}")
    if row["reason"]:
        parts.append(f"held back: {row['reason']} ({row['action']} applies it)")
    return "; ".join(parts)


def _exit_code(rows: list[dict[str, Any]], limit: timedelta | None) -> int:
    """1 for a stale source under --max-age, else 4 for a held revision, else 0."""
    if limit is not None and any(
        r["configured"] and r["status"] in ("stale", "never") for r in rows
    ):
        return EXIT_FAILED
    return EXIT_HELD if any(r["reason"] for r in rows) else 0


def _status(row: dict[str, object], now: datetime, limit: timedelta | None) -> str:
    from errata.db import times

    last = row["last_success"]
    if not isinstance(last, str):
        return "never"
    if limit is not None and now - times.to_datetime(last) > limit:
        return "stale"
    if row["consecutive_failures"]:
        return "failing"
    if row["revision_status"] == "suspect":
        return "suspect"
    return "ok"
