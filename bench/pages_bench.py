"""CPU per new page, in process (issue 16's targets): what one arriving page costs locally.

The peer benchmark's 50 fixture pages go through what a first night does with
each body once it has arrived: the challenge and binary checks, then
``pipeline.process`` (archive, parse, diff, store), one fresh store; then
``categorize.refresh`` for all of them, its share added to each page. Rounds
repeat the whole set into fresh stores; the figures are medians over rounds.
Target: at most 20 ms of CPU per new page.

Categorisation on the same pages' entries: the rules tried in turn (how it was),
the screened lookup with an empty cache, and with the cache warm. Target: at
most 10 µs per entry.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.peer_bench import Site, sites
from errata.db.store import FetchRecord, Store
from errata.differ import category
from errata.parsers.document import binary_kind
from errata.scraper import categorize, pipeline
from errata.scraper.archive import Archive
from errata.scraper.config import Config
from errata.scraper.config import parse as parse_config
from errata.scraper.fetch import looks_blocked

ROUNDS = 5
NOW = "2026-12-01T00:00:00Z"


def config_for(chosen: list[Site], root: Path) -> Config:
    raw: dict[str, Any] = {
        "source": [
            {
                "id": f"page-{index:02d}",
                "exchange": "peer",
                "url": f"http://{site.host}{site.path}"
                + (f"#{site.fragment}" if site.fragment else ""),
                "parser": site.parser,
            }
            for index, site in enumerate(chosen)
        ]
    }
    return parse_config(raw, root / "sources.toml")


def one_night(chosen: list[Site], root: Path) -> tuple[list[float], float, Store]:
    """CPU seconds of each page, and of categorising them all, into a fresh store."""
    config = config_for(chosen, root)
    store = Store.open(root / "errata.db")
    archive = Archive(root / "snapshots")
    store.sync_sources(s.record() for s in config.sources)
    spent = []
    for site, source in zip(chosen, config.sources, strict=True):
        kind = "text/html" if site.html else "text/markdown"
        record = FetchRecord(
            source.id, NOW, source.url, "http", "new", content_type=f"{kind}; charset=utf-8"
        )
        started = time.process_time()
        looks_blocked(site.body)
        binary_kind(site.body)
        pipeline.process(
            store,
            archive,
            source,
            source.page(""),
            site.body,
            record,
            policy=config.policy_for(source),
        )
        spent.append(time.process_time() - started)
    started = time.process_time()
    categorize.refresh(store, config)
    return spent, time.process_time() - started, store


def categories(messages: list[str]) -> tuple[float, float, float]:
    """µs per entry: the rules in turn, screened with an empty cache, screened with it warm."""

    def in_turn() -> None:
        for message in messages:
            next((c for c, pattern in category.RULES if pattern.search(message)), None)

    def screened() -> None:
        for message in messages:
            category.categorize("", message)

    def timed(run: Any, clear: bool) -> float:
        if clear:
            category._first_rule.cache_clear()
        started = time.process_time()
        run()
        return (time.process_time() - started) / len(messages) * 1e6

    rounds = [
        (timed(in_turn, False), timed(screened, True), timed(screened, False))
        for _ in range(ROUNDS)
    ]
    first, uncached, cached = (statistics.median(r[i] for r in rounds) for i in range(3))
    return first, uncached, cached


def main() -> str:
    chosen = sites()
    load = os.getloadavg()[0]
    per_page: list[list[float]] = []
    shares: list[float] = []
    messages: list[str] = []
    for _ in range(ROUNDS):
        with tempfile.TemporaryDirectory() as tmp:
            spent, categorising, store = one_night(chosen, Path(tmp))
            if not messages:
                messages = [e.message for s in store.source_ids() for e in store.current(s)]
            store.close()
        per_page.append(spent)
        shares.append(categorising / len(chosen))
    pages = [
        statistics.median(r[i] for r in per_page) + statistics.median(shares)
        for i in range(len(chosen))
    ]
    worst = max(range(len(pages)), key=pages.__getitem__)
    ordered = sorted(pages)
    in_turn, uncached, cached = categories(messages)
    return "\n".join(
        [
            f"{len(chosen)} pages (the peer benchmark's), {ROUNDS} rounds into fresh stores, medians; "
            f"`python -m bench pages`; load average {load:.2f} at the start; {time.strftime('%Y-%m-%d')}.",
            "",
            "| CPU per new page | mean | median | 90th percentile | largest |",
            "|---|---:|---:|---:|---:|",
            f"| checks, archive, parse, diff, store, categorise (target ≤ 20 ms) | "
            f"{statistics.mean(pages) * 1000:.1f} ms | {statistics.median(pages) * 1000:.1f} ms | "
            f"{ordered[int(len(ordered) * 0.9)] * 1000:.1f} ms | {pages[worst] * 1000:.1f} ms "
            f"({Path(chosen[worst].path).name}) |",
            "",
            f"Categorisation of their {len(messages):,} entries ({len(set(messages)):,} distinct messages), "
            "µs per entry (target ≤ 10 µs):",
            "",
            "| rules tried in turn (before) | screened, cache empty | screened, cache warm |",
            "|---:|---:|---:|",
            f"| {in_turn:.1f} µs | {uncached:.1f} µs | {cached:.1f} µs |",
        ]
    )


if __name__ == "__main__":
    print(main())
