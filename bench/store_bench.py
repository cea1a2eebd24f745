"""The versioned store at scale (issue 4's targets).

A synthetic history of 20 sources x 3 years of nightly runs with realistic
change rates is written through the same code a run uses (``pipeline.derive``
in one transaction per source-night, unchanged nights as a fetch row only).
Then the same process continues at a much higher change rate until the store
holds over a million entry-version rows; at 100k, 300k and 1M rows the median
times of an as-of query and a code-history query are measured (target: under
10 ms each at 1M rows).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.synthetic import sentence
from errata import differ
from errata.db import times
from errata.db.store import FetchRecord, Store
from errata.parsers import Entry
from errata.scraper.config import Source
from errata.scraper.pipeline import derive

SIZES = [
    60,
    90,
    120,
    150,
    200,
    250,
    300,
    400,
    500,
    600,
    700,
    800,
    1000,
    1200,
    1500,
    1800,
    2000,
    2500,
    3000,
    3500,
]
NIGHTS = 3 * 365
START = datetime(2023, 1, 1, 2, tzinfo=UTC)
CHECKPOINTS = (100_000, 300_000, 1_000_000)


@dataclass
class Page:
    source: Source
    entries: list[Entry]
    next_code: int


def synthetic_message(rng: random.Random) -> str:
    return sentence(rng).capitalize() + rng.choice([".", "", " {0}.", ": %s"])


def initial(rng: random.Random, index: int, size: int) -> Page:
    source = Source(
        f"exchange{index:02d}-ws",
        f"exchange{index:02d}",
        f"https://docs.example/{index}#errors",
        "auto",
    )
    sections = [f"Section {s}" for s in range(max(1, size // 150))]
    entries = [
        Entry(
            str(50000 + i),
            synthetic_message(rng),
            rng.choice(sections),
            "en",
            {"HTTP Status": rng.choice(["200", "400"])},
        )
        for i in range(size)
    ]
    return Page(source, entries, 50000 + size)


def evolve(rng: random.Random, page: Page, mass: float) -> None:
    """One night's edit: a few rewordings, additions and removals; rarely a mass rewrite."""
    entries = page.entries
    if rng.random() < mass:
        for i in rng.sample(range(len(entries)), len(entries) * 2 // 5):
            e = entries[i]
            retry = " Please retry."
            message = (
                e.message.removesuffix(retry) if e.message.endswith(retry) else e.message + retry
            )
            entries[i] = Entry(e.code, message, e.section, e.locale, e.extra)
        return
    for i in rng.sample(range(len(entries)), min(len(entries), rng.randint(1, 8))):
        e = entries[i]
        entries[i] = Entry(e.code, synthetic_message(rng), e.section, e.locale, e.extra)
    for _ in range(rng.randint(0, 4)):
        entries.insert(
            rng.randrange(len(entries) + 1),
            Entry(str(page.next_code), synthetic_message(rng), entries[0].section),
        )
        page.next_code += 1
    for _ in range(rng.randint(0, 2)):
        entries.pop(rng.randrange(len(entries)))


def night(
    store: Store, pages: list[Page], moment: datetime, rng: random.Random, rate: float, mass: float
) -> int:
    """One nightly run over every source; returns the revisions written."""
    at = times.format_time(moment)
    written = 0
    for page in pages:
        changed = rng.random() < rate
        if changed:
            evolve(rng, page, mass)
        record = FetchRecord(
            page.source.id,
            at,
            page.source.url,
            "http",
            "new" if changed else "unchanged",
            sha256=f"{rng.getrandbits(64):016x}",
        )
        with store.transaction():
            fetch_id = store.add_fetch(record)
            if changed or store.latest_revision(page.source.id) is None:
                derive(store, page.source, "", fetch_id, at, page.entries, differ.DEFAULT_POLICY)
                written += 1
    return written


def rows(store: Store) -> int:
    return int(store.db.execute("SELECT count(*) FROM entry_versions").fetchone()[0])


def query_medians(
    store: Store, pages: list[Page], until: datetime, rng: random.Random, samples: int = 200
) -> tuple[float, float]:
    span = (until - START).total_seconds()
    as_of, history = [], []
    for _ in range(samples):
        page = rng.choice(pages)
        at = times.format_time(START + timedelta(seconds=rng.uniform(0, span)))
        started = time.perf_counter()
        store.entries_at(page.source.id, at)
        as_of.append(time.perf_counter() - started)
        code = rng.choice(page.entries).code
        started = time.perf_counter()
        store.history(page.source.id, code)
        history.append(time.perf_counter() - started)
    return statistics.median(as_of) * 1e3, statistics.median(history) * 1e3


def main() -> str:
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        store = Store.open(path)
        pages = [initial(rng, i, size) for i, size in enumerate(SIZES)]
        store.sync_sources(p.source.record() for p in pages)
        started = time.perf_counter()
        revisions = sum(
            night(store, pages, START + timedelta(days=d), rng, rate=0.03, mass=0.01)
            for d in range(NIGHTS)
        )
        elapsed = time.perf_counter() - started
        realistic_rows = rows(store)
        size_mb = path.stat().st_size / 1e6
        lines = [
            f"Realistic history: {len(SIZES)} sources ({min(SIZES)}–{max(SIZES)} codes each, {sum(SIZES):,} in all), "
            f"{NIGHTS} nightly runs; a page changes on 3% of nights (1–8 rewordings, 0–4 additions, 0–2 removals) "
            f"and 1% of its changes rewrite 40% of its messages.",
            "",
            f"- {len(SIZES) * NIGHTS:,} source-nights, {revisions:,} revisions, {realistic_rows:,} entry-version rows, "
            f"database {size_mb:.1f} MB",
            f"- ingest through `pipeline.derive` (one transaction per source-night): {elapsed:.1f} s = "
            f"{len(SIZES) * NIGHTS / elapsed:,.0f} source-nights/s, {revisions / elapsed:,.0f} revisions/s, "
            f"{realistic_rows / elapsed:,.0f} entry versions/s",
            "",
            "Then the same process continues at a stress rate (30% of nights change, 20% of changes are mass "
            "rewrites) until the store passes each row count:",
            "",
            "| entry-version rows | database | as-of query (median) | code history (median) |",
            "|---:|---:|---:|---:|",
        ]
        moment = START + timedelta(days=NIGHTS)
        for checkpoint in CHECKPOINTS:
            while rows(store) < checkpoint:
                night(store, pages, moment, rng, rate=0.3, mass=0.2)
                moment += timedelta(days=1)
            store.db.execute("ANALYZE")
            as_of, history = query_medians(store, pages, moment, rng)
            lines.append(
                f"| {rows(store):,} | {path.stat().st_size / 1e6:.0f} MB | {as_of:.2f} ms | {history:.2f} ms |"
            )
        store.close()
    lines += [
        "",
        "An as-of query is `Store.entries_at(source, time)` for a random source and time, returning that day's "
        "entries as `Entry` objects (hundreds to thousands of them); a code history is `Store.history(source, code)`.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
