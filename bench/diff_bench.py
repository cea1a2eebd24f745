"""Diffing large revisions (issue 5's target: 10x the entries costs at most 15x the time),
and one code repeated thousands of times (issue 16: nothing quadratic).

Revisions of 1k, 10k and 100k entries where a tenth of the codes repeat 10 to
40 times (as OKX's 51024 does) and 5% of the rows change between the two
revisions: rewordings, removals, additions, moves between sections and
renumberings. The growth ratios are measured in the same run.

Then one code repeated 1,000 to 20,000 times with every occurrence reworded:
each size's diff time, its growth per doubling (linear is 2×, quadratic 4×),
and the peak memory of the 20,000 diff in a fresh interpreter. Targets: under
5 s and 300 MB for 20,000.

``python -m bench diff`` runs this benchmark alone.
"""

from __future__ import annotations

import gc
import os
import random
import statistics
import time

from bench.harness import peak_rss_kib
from bench.synthetic import sentence
from errata import differ
from errata.parsers import Entry

SIZES = (1_000, 10_000, 100_000)
REPEATS = (1_000, 2_000, 5_000, 10_000, 20_000)


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


def repeated(n: int) -> tuple[list[Entry], list[Entry]]:
    """One code ``n`` times on both sides, every occurrence reworded (issue 16's 45 s case at 4,000)."""
    old = [
        Entry("51024", f"Account {i} is frozen, reason {i * 7919 % 997}", "Trade") for i in range(n)
    ]
    new = [
        Entry("51024", f"The account {i} is frozen: reason {i * 7919 % 997}", "Trade")
        for i in range(n)
    ]
    return old, new


_PEAK_CODE = """
import gc
from bench.diff_bench import repeated
from errata import differ
old, new = repeated({n})
gc.collect()
{diff}
"""


def repeated_code(rounds: int = 3) -> str:
    inputs = {n: repeated(n) for n in REPEATS}
    times: dict[int, list[float]] = {n: [] for n in REPEATS}
    for _ in range(rounds):
        for n, (old, new) in inputs.items():
            started = time.perf_counter()
            changes = differ.diff(old, new)
            times[n].append(time.perf_counter() - started)
            assert len(changes) == n and {c.kind for c in changes} == {"reworded"}
    largest = REPEATS[-1]
    base = peak_rss_kib(_PEAK_CODE.format(n=largest, diff=""))
    peak = peak_rss_kib(_PEAK_CODE.format(n=largest, diff="differ.diff(old, new)"))
    lines = [
        f"One code repeated n times, every occurrence reworded; median of {rounds} interleaved rounds.",
        "",
        "| n | diff time | per occurrence | growth from the previous n |",
        "|---:|---:|---:|---:|",
    ]
    previous: tuple[int, float] | None = None
    for n in REPEATS:
        seconds = statistics.median(times[n])
        growth = f"{seconds / previous[1]:.1f}× for {n / previous[0]:.1f}× n" if previous else "–"
        lines.append(f"| {n:,} | {seconds:.2f} s | {seconds / n * 1e6:.0f} µs | {growth} |")
        previous = (n, seconds)
    lines += [
        "",
        f"Peak memory of the {largest:,} diff in a fresh process: {peak / 1024:.0f} MB "
        f"({(peak - base) / 1024:.0f} MB above building its input; target < 300 MB); "
        f"time target < 5 s.",
    ]
    return "\n".join(lines)


def main(rounds: int = 7) -> str:
    load = f"Load average at the start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores."
    return f"{load}\n\n{revisions(rounds)}\n\n{repeated_code()}"


def revisions(rounds: int = 7) -> str:
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
