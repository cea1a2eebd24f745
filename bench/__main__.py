"""``make bench``: run every benchmark and write the figures into bench/README.md.

``python -m bench NAME …`` runs only the named ones and rewrites only their
sections. Each benchmark module is imported when it runs, so one benchmark
does not need the others' extras (BeautifulSoup for ``parse``).
"""

from __future__ import annotations

import importlib
import sys

from bench.harness import write_section

# name -> module of bench/ with a main() returning Markdown; imported only when it runs
BENCHMARKS = {
    "parse": "parse_bench",
    "diff": "diff_bench",
    "fetch": "fetch_bench",
    "store": "store_bench",
    "startup": "startup_bench",
    "peer": "peer_bench",
    "pages": "pages_bench",
    "scale": "scale_bench",
}


def main(names: list[str]) -> None:
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        raise SystemExit(
            f"bench: unknown benchmark {unknown[0]!r} (known: {', '.join(BENCHMARKS)})"
        )
    for name, module in BENCHMARKS.items():
        if names and name not in names:
            continue
        print(f"== {name}", flush=True)
        result = importlib.import_module(f"bench.{module}").main()
        print(result, flush=True)
        write_section(name, result)


if __name__ == "__main__":
    main(sys.argv[1:])
