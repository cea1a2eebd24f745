"""``make bench``: run every benchmark and write the figures into bench/README.md."""

from __future__ import annotations

from bench import diff_bench, fetch_bench, parse_bench, peer_bench, store_bench
from bench.harness import write_section

BENCHMARKS = {
    "parse": parse_bench.main,
    "diff": diff_bench.main,
    "fetch": fetch_bench.main,
    "store": store_bench.main,
    "peer": peer_bench.main,
}


def main() -> None:
    for name, run in BENCHMARKS.items():
        print(f"== {name}", flush=True)
        result = run()
        print(result, flush=True)
        write_section(name, result)


if __name__ == "__main__":
    main()
