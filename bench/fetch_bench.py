"""Fetching many slow sites at once (issue 6's targets).

50 sources on 50 loopback hosts (127.0.0.10 to 127.0.0.59), each answering after
200 ms with a 300 KB page (OKX's 551-row REST table plus filler). ``errata run``
runs as a real process with the default settings, against a sequential
baseline (concurrency 1) measured in the same run: the first night (every page
parsed and stored) and an unchanged night (same bodies, no validators). Target:
at least 8x faster than sequential, peak memory under 200 MB.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from errata.scraper.localserver import Page, PageServer
from tests.corpus import fixture

HOSTS = [f"127.0.0.{n}" for n in range(10, 60)]
DELAY = 0.2
_MEASURE = """
import atexit, sys
def peak():
    with open("/proc/self/status") as status:
        kib = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    print(f"PEAK_KIB={kib}", file=sys.stderr)
atexit.register(peak)
from errata.scraper.cli import main
sys.argv = ["errata", *sys.argv[1:]]
main()
"""


def page() -> bytes:
    """300 KB shaped like a Slate page: endpoint sections, then the REST error codes, then more."""
    table = fixture("okx/docs-v5-en-error-code-01-rest-api-public-2025-08-17.html").read_text()
    errors = f'<h1 id="error-code">Error Code</h1><h2 id="error-code-rest-api">REST API</h2>{table}'

    def endpoints(start: int, count: int) -> str:
        return "".join(
            f'<h2 id="endpoint-{i}">Endpoint {i}</h2><p>Rate limit: 20 requests per 2 seconds. '
            f"Permission: read. Returns the things of endpoint {i}.</p>\n"
            for i in range(start, start + count)
        )

    head, tail = "<html><body>", "</body></html>"
    body = head + endpoints(0, 1000) + errors + endpoints(1000, 600) + tail
    return body.encode()


def errata_run(workdir: Path, config: Path) -> tuple[float, int]:
    env = {**os.environ, "ERRATA_DB": str(workdir / "errata.db"), "ERRATA_ARCHIVE": str(workdir / "snapshots"),
           "ERRATA_CONFIG": str(config)}  # fmt: skip
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, "--quiet", "run", "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    elapsed = time.monotonic() - started
    if done.returncode != 0:
        raise RuntimeError(f"errata run failed: {done.stderr[-2000:]}")
    peak = next(
        int(line.split("=")[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KIB=")
    )
    return elapsed, peak


def main() -> str:
    load = os.getloadavg()[0]
    body = page()
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        servers = [stack.enter_context(PageServer(host=host)) for host in HOSTS]
        for server in servers:
            server.pages["/docs-v5/en/"] = Page(body, delay=DELAY, conditional=False)
        sources = "".join(
            f'[[source]]\nid = "s{i:02d}"\nexchange = "x{i:02d}"\nparser = "okx"\n'
            f'url = "{server.url("/docs-v5/en/")}#error-code-rest-api"\n'
            for i, server in enumerate(servers)
        )
        figures: dict[str, dict[str, tuple[float, int]]] = {}
        for mode, fetch in (
            ("errata defaults", ""),
            ("sequential", "concurrency = 1\nper_host = 1\n"),
        ):
            config = Path(tmp) / f"{mode}.toml"
            config.write_text(f"[fetch]\nretries = 0\n{fetch}\n{sources}")
            workdir = Path(tmp) / mode.replace(" ", "-")
            workdir.mkdir()
            figures[mode] = {
                "first": errata_run(workdir, config),
                "unchanged": errata_run(workdir, config),
            }
    lines = [
        f"{len(HOSTS)} sources on {len(HOSTS)} loopback hosts, each answering after {DELAY * 1000:.0f} ms "
        f"with a {len(body) / 1000:.0f} KB page (551 codes); `errata run` as a process; "
        f"`python -m bench fetch`; load average {load:.2f} at the start, {os.getloadavg()[0]:.2f} "
        f"at the end (2 cores); {time.strftime('%Y-%m-%d')}.",
        "",
        "| night | sequential (concurrency 1) | errata defaults | faster by (target ≥ 8×) | peak memory (target < 200 MB) |",
        "|---|---:|---:|---:|---:|",
    ]
    for night, label in (
        ("first", "first (every page parsed and stored)"),
        ("unchanged", "unchanged (same bodies, no validators)"),
    ):
        slow, _ = figures["sequential"][night]
        fast, peak = figures["errata defaults"][night]
        lines.append(
            f"| {label} | {slow:.2f} s | {fast:.2f} s | {slow / fast:.1f}× | {peak / 1024:.0f} MB |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
