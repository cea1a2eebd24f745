"""Start-up: how long ``errata --help`` and ``errata current`` spend importing (issue 14's target).

Each case runs the installed ``errata`` script under ``python -X importtime``
as a fresh process, many times, and adds up the cumulative time of the
top-level imports it reports. The interpreter's own start-up imports
(``site``, ``encodings``: what ``python -c pass`` imports) are measured the same
way and shown apart, so the figure that counts is what errata's command adds.
Target: under 0.15 s for both. Minimum and median of the runs are reported:
on a shared machine the minimum is the cost, the median shows the noise.
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUNS = 21
TARGET = 0.15
_LINE = re.compile(r"^import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")  # top level: no indent


def import_seconds(stderr: str) -> float:
    """The sum of the top-level imports' cumulative times in ``-X importtime`` output."""
    return sum(int(m.group(1)) for line in stderr.splitlines() if (m := _LINE.match(line))) / 1e6


def measure(args: list[str], db: Path | None = None) -> float:
    """One fresh process: the seconds its imports took."""
    errata = str(Path(sys.executable).with_name("errata"))
    command = [sys.executable, "-X", "importtime", *([errata, *args] if args else ["-c", "pass"])]
    if db is not None:
        command += ["--db", str(db)]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return import_seconds(done.stderr)


def main(runs: int = RUNS) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp) / "demo"
        errata = str(Path(sys.executable).with_name("errata"))
        subprocess.run(
            [errata, "-q", "demo", "--dir", str(workdir)], capture_output=True, check=True
        )
        db = workdir / "errata.db"
        cases = {"python -c pass": ([], None), "errata --help": (["--help"], None),
                 "errata current okx-ws": (["current", "okx-ws"], db)}  # fmt: skip
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(runs):  # interleaved, so load from other tenants hits every case alike
            for name, (args, database) in cases.items():
                times[name].append(measure(args, database))
    base = min(times["python -c pass"])
    rows = [
        f"| `{name}` | {min(t):.3f} s | {statistics.median(t):.3f} s | "
        + (
            f"{min(t) - base:.3f} s | {'yes' if min(t) - base < TARGET else 'NO'} |"
            if args
            else "– | – |"
        )
        for name, t in times.items()
        for args in [cases[name][0]]
    ]
    return "\n".join(
        [
            f"{runs} fresh processes each, interleaved; `python -X importtime`, top-level imports"
            f" summed; Python {sys.version.split()[0]}, editable install.",
            "",
            "| command | imports, min | imports, median | errata's own (min − python's) | under 0.15 s |",
            "|---|---:|---:|---:|---|",
            *rows,
        ]
    )


if __name__ == "__main__":
    print(main())
