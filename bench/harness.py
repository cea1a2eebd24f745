"""Measuring on a shared, noisy machine: paired rounds and ratios, peak memory in a clean process."""

from __future__ import annotations

import gc
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

README = Path(__file__).with_name("README.md")


@dataclass(frozen=True)
class Paired:
    baseline_ms: float  # medians
    candidate_ms: float
    ratio: float  # median of the per-round candidate/baseline ratios
    best_ratio: float  # fastest candidate run over fastest baseline run


def once(func: Callable[[], object]) -> float:
    gc.collect()
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def paired(
    baseline: Callable[[], object], candidate: Callable[[], object], rounds: int, warmup: int = 3
) -> Paired:
    """Baseline and candidate back to back each round, in alternating order, after a warm-up.

    Load from other tenants and allocator state drift over seconds; pairing puts
    both measurements of a round in the same conditions, and alternating the
    order cancels whatever the first run leaves behind for the second.
    """
    for _ in range(warmup):
        once(baseline)
        once(candidate)
    base, cand, ratios = [], [], []
    for i in range(rounds):
        if i % 2:
            c, b = once(candidate), once(baseline)
        else:
            b, c = once(baseline), once(candidate)
        base.append(b)
        cand.append(c)
        ratios.append(c / b)
    return Paired(
        statistics.median(base) * 1e3,
        statistics.median(cand) * 1e3,
        statistics.median(ratios),
        min(cand) / min(base),
    )


_PEAK = """
import resource
try:  # VmHWM belongs to this address space; ru_maxrss survives fork+exec from a big parent
    with open("/proc/self/status") as status:
        print(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")))
except OSError:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def peak_rss_kib(code: str) -> int:
    """Peak resident memory (KiB) of a fresh interpreter running ``code``, which must print nothing."""
    out = subprocess.run(
        [sys.executable, "-c", code + _PEAK], capture_output=True, text=True, check=True
    )
    return int(out.stdout.strip().splitlines()[-1])


def write_section(name: str, markdown: str) -> None:
    """Replace the results between ``<!-- name -->`` markers in bench/README.md."""
    text = README.read_text()
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n{markdown.strip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    text = (
        pattern.sub(lambda _: block, text)
        if pattern.search(text)
        else text.rstrip() + "\n\n" + block + "\n"
    )
    README.write_text(text)
