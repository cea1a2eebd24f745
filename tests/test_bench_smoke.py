"""The benchmarks' building blocks still run (on tiny inputs, no timing): make bench must not rot."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

import pytest

from bench import diff_bench, store_bench
from bench.fetch_bench import page as fetch_page
from errata import differ, parsers
from errata.db.store import Store


def test_store_bench_history_steps(tmp_path: Path) -> None:
    rng = random.Random(1)
    store = Store.open(tmp_path / "bench.db")
    pages = [store_bench.initial(rng, i, size) for i, size in enumerate([40, 80])]
    store.sync_sources(p.source.record() for p in pages)
    written = sum(
        store_bench.night(
            store, pages, store_bench.START + timedelta(days=d), rng, rate=0.5, mass=0.3
        )
        for d in range(6)
    )
    assert written >= 2 and store_bench.rows(store) >= 120
    as_of, history = store_bench.query_medians(
        store, pages, store_bench.START + timedelta(days=6), rng, samples=5
    )
    assert as_of >= 0 and history >= 0
    store.close()


def test_diff_bench_revisions_have_the_promised_share_of_changes() -> None:
    rng = random.Random(2)
    old = diff_bench.page(2000, rng)
    new = diff_bench.edit(old, rng)
    assert 60 <= len(differ.diff(old, new)) <= 120  # about 5% of 2,000 rows


@pytest.mark.corpus
def test_fetch_bench_page_is_300_kb_with_the_okx_table() -> None:
    body = fetch_page()
    assert 290_000 <= len(body) <= 320_000
    assert len(parsers.parse("okx", body, "https://x/#error-code-rest-api")) == 551


def test_startup_bench_adds_up_the_top_level_imports_of_a_fresh_process() -> None:
    from bench import startup_bench

    sample = (
        "import time: self [us] | cumulative | imported package\n"
        "import time:       100 |        100 |   re._parser\n"
        "import time:       200 |       1500 | re\n"
        "import time:        50 |       2500 | click\n"
    )
    assert startup_bench.import_seconds(sample) == 0.004  # nested lines are inside their parent's
    assert 0 < startup_bench.measure([]) < startup_bench.measure(["--help"]) < 5
