"""``python -m bench [NAME…]``: run the named benchmarks (all of them without a name) and
write their figures into bench/README.md; ``python -m bench --list`` names them."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Sequence

from bench.harness import write_section

# name -> the module whose main() returns the Markdown for bench/README.md
BENCHMARKS = {
    "parse": "bench.parse_bench",
    "diff": "bench.diff_bench",
    "fetch": "bench.fetch_bench",
    "store": "bench.store_bench",
    "peer": "bench.peer_bench",
}


def benchmark(name: str) -> Callable[[], str]:
    """The benchmark's main(), imported only when it runs (some need the bench extra)."""
    main: Callable[[], str] = importlib.import_module(BENCHMARKS[name]).main
    return main


def main(argv: Sequence[str] = ()) -> int:
    if "--list" in argv:
        print("\n".join(BENCHMARKS))
        return 0
    unknown = [name for name in argv if name not in BENCHMARKS]
    if unknown:
        print(
            f"bench: unknown benchmark {unknown[0]!r} (known: {', '.join(BENCHMARKS)})",
            file=sys.stderr,
        )
        return 2
    for name in argv or BENCHMARKS:
        print(f"== {name}", flush=True)
        result = benchmark(name)()
        print(result, flush=True)
        write_section(name, result)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
