"""Diffing large revisions (issue 5's target: 10x the entries costs at most 15x the time).

Revisions of 1k, 10k and 100k entries where a tenth of the codes repeat 10 to
40 times (as OKX's 51024 does) and 5% of the rows change between the two
revisions: rewordings, removals, additions, moves between sections and
renumberings. The growth ratios are measured in the same run.
"""

from __future__ import annotations

import gc
import random
import statistics
import time

from bench.synthetic import sentence
from errata import differ
from errata.parsers import Entry

SIZES = (1_000, 10_000, 100_000)


def page(size: int, rng: random.Random) -> list[Entry]:
    entries: list[Entry] = []
    code = 50000
    while len(entries) < size:
        repeats = rng.randint(10, 40) if rng.random() < 0.1 else 1
        section = f"Section {code % 12}"
        for _ in range(min(repeats, size - len(entries))):
            entries.append(Entry(str(code), sentence(rng, 4, 12), section))
        code += 1
    return entries


def edit(old: list[Entry], rng: random.Random) -> list[Entry]:
    """5% of rows change: 2% reworded, 1% removed, 1% added, 0.5% moved, 0.5% renumbered."""
    new = list(old)
    n = len(old)
    for i in rng.sample(range(n), n // 50):
        e = new[i]
        new[i] = Entry(e.code, e.message + " " + sentence(rng, 1, 1), e.section)
    for i in rng.sample(range(n), n // 200):
        new[i] = Entry(new[i].code, new[i].message, "Moved section")
    for i in rng.sample(range(n), n // 200):
        new[i] = Entry(str(900000 + i), new[i].message, new[i].section)
    for i in sorted(rng.sample(range(n), n // 100), reverse=True):
        del new[i]
    for k in range(n // 100):
        new.insert(
            rng.randrange(len(new)),
            Entry(str(800000 + k), sentence(rng, 6, 6), "Section 0"),
        )
    return new


def main(rounds: int = 7) -> str:
    rng = random.Random(5)
    revisions = {size: (old := page(size, rng), edit(old, rng)) for size in SIZES}
    # The inputs live for the whole benchmark; freezing them keeps every garbage
    # collection from rescanning them, which would charge their size to each diff.
    gc.collect()
    gc.freeze()
    times: dict[int, list[float]] = {size: [] for size in SIZES}
    found: dict[int, int] = {}
    for _ in range(rounds):  # sizes interleaved, so load drift hits all alike
        for size, (old, new) in revisions.items():
            started = time.perf_counter()
            found[size] = len(differ.diff(old, new))
            times[size].append(time.perf_counter() - started)
    gc.unfreeze()
    lines = [
        f"Median of {rounds} interleaved rounds.",
        "",
        "| entries | changes found | diff time | per entry | growth for 10× the entries (target ≤ 15×) |",
        "|---:|---:|---:|---:|---:|",
    ]
    previous = None
    for size in SIZES:
        seconds = statistics.median(times[size])
        growth = f"{seconds / previous:.1f}×" if previous else "–"
        lines.append(
            f"| {size:,} | {found[size]:,} | {seconds * 1e3:.1f} ms | {seconds / size * 1e6:.1f} µs | {growth} |"
        )
        previous = seconds
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
