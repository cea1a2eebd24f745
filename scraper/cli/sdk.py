"""The SDK bridge: ``export ccxt`` (an exception map) and ``gaps ccxt`` (an existing map checked)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from errata.errors import UsageError
from errata.scraper.cli.app import cli
from errata.scraper.cli.options import LazyChoice, Paths, json_option, known_filters, with_paths
from errata.scraper.cli.output import emit_json

if TYPE_CHECKING:
    from errata.db.store import Store
    from errata.reports import ccxt
    from errata.scraper.config import Config

TARGETS = click.Choice(["ccxt"])


def _ccxt_formats() -> Sequence[str]:
    from errata.reports import ccxt

    return ccxt.FORMATS


def _sources(
    store: Store, paths: Paths, source_ids: Sequence[str], exchange: str | None
) -> list[tuple[str, str]]:
    """(source id, exchange) of the chosen sources: these ids, an exchange's, or every one."""
    known_filters(store, paths, sources=source_ids, exchanges=[exchange] if exchange else [])
    rows = [
        (r["id"], r["exchange"])
        for r in store.db.query("SELECT id, exchange FROM sources ORDER BY id")
    ]
    chosen = [
        (i, x)
        for i, x in rows
        if (not source_ids or i in source_ids) and (exchange is None or x == exchange)
    ]
    if not chosen:
        raise UsageError(
            f"no sources of exchange {exchange!r} in the database" if exchange else "no sources yet"
        )
    return chosen


def _documented(
    store: Store, config: Config, sources: Sequence[tuple[str, str]]
) -> list[ccxt.Item]:
    from errata.reports import ccxt

    overrides = {s.id: s.categories for s in config.sources}
    items: list[ccxt.Item] = []
    for source_id, exchange in sources:
        entries = store.current(source_id)
        items += ccxt.items_from_entries(
            entries, exchange=exchange, overrides=overrides.get(source_id)
        )
    return items


@cli.command()
@click.argument("target", type=TARGETS, metavar="ccxt")
@click.option(
    "--source", "source_ids", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option("--exchange", default=None, help="Every source of this exchange.")
@click.option("--format", "fmt", type=LazyChoice(_ccxt_formats), default="py", show_default=True,
              help="py (a Python literal with each message as a comment) or json.")  # fmt: skip
@json_option
@with_paths()
def export(
    target: str, source_ids: tuple[str, ...], exchange: str | None, fmt: str, as_json: bool,
    paths: Paths,
) -> None:  # fmt: skip
    """Print a ccxt-style exception map of the documented codes: {"exact": {code: Class}, "broad": {}}.

    Each code's class comes from its category (see "SDK bridge" in the
    README); the py format carries the documented message as a comment.

    \b
    Example:
      errata export ccxt --exchange okx
      errata export ccxt --source kucoin-ws --json
    """
    from errata.reports import ccxt

    config = paths.load_config(required=False)
    with paths.store() as store:
        sources = _sources(store, paths, source_ids, exchange)
        items = _documented(store, config, sources)
    title = f"errata export {target}: {', '.join(s for s, _ in sources)}"
    click.echo(ccxt.render_export(items, "json" if as_json else fmt, title=title).rstrip("\n"))  # type: ignore[arg-type]


@cli.command()
@click.argument("_target", type=TARGETS, metavar="ccxt")
@click.option("--exchange", required=True, help="The exchange (its ccxt id unless --ccxt-id).")
@click.option(
    "--source", "source_ids", multiple=True, metavar="ID", help="Only this source (repeatable)."
)
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help='A JSON map ({"exact": {...}, "broad": {...}}); default: the installed ccxt package.',
)
@click.option("--ccxt-id", default=None, help="The exchange's id in ccxt, when it differs.")
@click.option(
    "--record",
    is_flag=True,
    help="Also store the report (sdk_gaps), for Datasette's exchange_summary.",
)
@json_option
@with_paths(writes=True)
def gaps(
    _target: str, exchange: str, source_ids: tuple[str, ...], map_file: Path | None, ccxt_id: str | None,
    record: bool, as_json: bool, paths: Paths,
) -> None:  # fmt: skip
    """Compare the documented codes with an exception map: unmapped, stale, disagreeing, generic.

    Stale codes are mapped but no longer documented; those errata saw
    disappear carry the date. Without --map, reads the installed ccxt
    package (pip install 'errata-watch[ccxt]').

    \b
    Example:
      errata gaps ccxt --exchange kucoin
      errata gaps ccxt --exchange okx --map okx-exceptions.json --json
    """
    from errata.reports import ccxt

    config = paths.load_config(required=False)
    with paths.store() as store:
        sources = _sources(store, paths, source_ids, exchange)
        mapped, origin = _load_map(map_file, ccxt_id or exchange)
        items = _documented(store, config, sources)
        removed = _removed_at(store, [s for s, _ in sources], {code for code, _, _ in items})
    report = ccxt.gaps(items, mapped["exact"], removed, mapped_broad=mapped.get("broad"))
    if record:
        with paths.writing() as store:
            _record(store, exchange, origin, report)
    if as_json:
        emit_json(
            {
                "exchange": exchange,
                "sources": [s for s, _ in sources],
                "map": origin,
                **ccxt.gaps_json(report),
            }
        )
    else:
        title = f"{exchange} ({', '.join(s for s, _ in sources)}) against {origin}"
        click.echo(ccxt.gaps_markdown(report, title).rstrip("\n"))


def _load_map(map_file: Path | None, exchange_id: str) -> tuple[dict[str, dict[str, str]], str]:
    from errata.reports import ccxt

    try:
        if map_file is not None:
            return ccxt.parse_map(json.loads(map_file.read_text(encoding="utf-8"))), str(map_file)
        return ccxt.installed_ccxt_exceptions(exchange_id), f"ccxt {ccxt.installed_ccxt_version()}"
    except OSError as error:
        raise UsageError(f"{map_file}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{map_file}: not JSON: line {error.lineno}: {error.msg}") from None
    except (ImportError, ValueError) as error:
        raise UsageError(f"{map_file or 'ccxt'}: {error}") from None


def _removed_at(store: Store, source_ids: Sequence[str], documented: set[str]) -> dict[str, str]:
    """For codes once documented by these sources and gone now: when they went (the latest date)."""
    marks = ",".join("?" * len(source_ids))
    rows = store.db.execute(
        f"SELECT code, max(removed_at) FROM code_timeline WHERE source_id IN ({marks}) "
        "AND removed_at IS NOT NULL GROUP BY code",
        list(source_ids),
    ).fetchall()
    return {code: when[:10] for code, when in rows if code not in documented}


def _record(store: Store, exchange: str, origin: str, report: ccxt.GapReport) -> None:
    """Replace the exchange's recorded gap report with this one."""
    from errata.db import times

    now = times.now()
    rows = [
        {
            "status": status,
            "code": gap.code,
            "category": gap.category,
            "mapped": gap.mapped,
            "expected": gap.expected,
        }
        for status, found in (
            ("unmapped", report.unmapped),
            ("disagree", report.disagree),
            ("generic", report.generic),
        )
        for gap in found
    ] + [
        {"status": "stale", "code": s.code, "category": None, "mapped": s.mapped, "expected": None}
        for s in report.stale
    ]
    with store.transaction():
        store.db.execute("DELETE FROM sdk_gaps WHERE exchange = ?", [exchange])
        store.db.table("sdk_gaps").insert_all(
            [{"exchange": exchange, "map": origin, "checked_at": now, **row} for row in rows]
        )
