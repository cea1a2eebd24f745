"""``make bench``: run every benchmark (or those named) and write the figures into bench/README.md.

python -m bench              # all of them
python -m bench startup      # only these
"""

from __future__ import annotations

import sys

from bench import diff_bench, fetch_bench, parse_bench, startup_bench, store_bench
from bench.harness import write_section

BENCHMARKS = {
    "parse": parse_bench.main,
    "diff": diff_bench.main,
    "fetch": fetch_bench.main,
    "store": store_bench.main,
    "startup": startup_bench.main,
}


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"bench: unknown benchmark {unknown[0]!r} (known: {', '.join(BENCHMARKS)})"
        )
    for name, run in BENCHMARKS.items():
        if names and name not in names:
            continue
        print(f"== {name}", flush=True)
        result = run()
        print(result, flush=True)
        write_section(name, result)


if __name__ == "__main__":
    main(sys.argv[1:])
