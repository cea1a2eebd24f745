"""A first night at scale (issue 16): memory flat in the number of sources, CPU per page.

``errata run`` as a real process, default settings, against 50, 200 and 1,000
sources on 50 loopback hosts answering after 20 ms. Each source's page is one
of the peer benchmark's fixture pages (the golden cases, in turn), made
distinct by a comment carrying the source's number, so every body is fetched,
archived, parsed and stored on its own, as distinct pages would be. Wall time
and CPU (user + system) come from ``wait4`` on the process, peak memory from its
own VmHWM; the bytecode is cached as for an installed package (see ``peer_bench``).

Targets: under 100 MB peak at 1,000 sources, flat in the number of sources.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.peer_bench import Sample, installed_env, measure, sites
from errata.scraper.localserver import Page, PageServer

HOSTS = [f"127.0.0.{n}" for n in range(10, 60)]
DELAY = 0.02
SIZES = (50, 200, 1000)
TARGET_MIB = 100


def serve(count: int, servers: list[PageServer]) -> str:
    """Serve ``count`` distinct pages over the hosts; return the sources.toml that watches them."""
    pages = sites()
    blocks = []
    for number in range(count):
        site = pages[number % len(pages)]
        server = servers[number % len(servers)]
        path = f"/s{number}/{Path(site.path).name}"
        marker = f"\n<!-- source {number} -->\n".encode()
        kind = "text/html" if site.html else "text/markdown"
        server.pages[path] = Page(site.body + marker, f"{kind}; charset=utf-8", delay=DELAY)
        url = server.url(path) + (f"#{site.fragment}" if site.fragment else "")
        blocks.append(
            f'[[source]]\nid = "s{number:04d}"\nexchange = "scale"\n'
            f'url = "{url}"\nparser = "{site.parser}"\n'
        )
    return "\n".join(blocks)


def night(count: int, servers: list[PageServer], root: Path, base: dict[str, str]) -> Sample:
    state = root / f"n{count}"
    state.mkdir()
    (state / "sources.toml").write_text(serve(count, servers))
    env = {**base, "ERRATA_DB": str(state / "errata.db"), "ERRATA_ARCHIVE": str(state / "snapshots"),
           "ERRATA_CONFIG": str(state / "sources.toml")}  # fmt: skip
    errata = Path(sys.executable).with_name("errata")
    return measure([str(errata), "--quiet", "run", "--no-notify"], env, state)


def main() -> str:
    load = os.getloadavg()[0]
    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        servers = [stack.enter_context(PageServer(host=host)) for host in HOSTS]
        base = installed_env(Path(tmp) / "pycache")
        night(10, servers, Path(tmp), base)  # warm-up: fills the bytecode cache, untimed
        results = {count: night(count, servers, Path(tmp), base) for count in SIZES}
    rows = [
        f"| {count:,} | {s.wall:.1f} s | {s.cpu:.1f} s | {s.cpu / count * 1000:.1f} ms | "
        f"{s.peak_mib:.0f} MiB |"
        for count, s in results.items()
    ]
    biggest = results[SIZES[-1]]
    verdict = "met" if biggest.peak_mib < TARGET_MIB else "missed"
    return "\n".join(
        [
            f"First night of 50, 200 and 1,000 sources (distinct pages, the peer benchmark's fixture "
            f"pages in turn) on {len(HOSTS)} loopback hosts, {DELAY * 1000:.0f} ms latency; `errata "
            f"run` as a process, default settings, bytecode cached; `python -m bench scale`; load "
            f"average {load:.2f} at the start, {os.getloadavg()[0]:.2f} at the end; "
            f"{time.strftime('%Y-%m-%d')}.",
            "",
            "| sources | wall | CPU | CPU per page | peak memory |",
            "|---:|---:|---:|---:|---:|",
            *rows,
            "",
            f"Peak at 1,000 sources: {biggest.peak_mib:.0f} MiB (target < {TARGET_MIB} MB: {verdict}).",
        ]
    )


if __name__ == "__main__":
    print(main())
