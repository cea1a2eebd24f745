"""Local work never delays a fetch (issue 16): parsing and storing run off the fetching loop.

A heavy page arrives at once and takes seconds to parse and store; two healthy
hosts answer after 0.3 s, well within ``timeout = 1``. Were the heavy page
processed on the loop that is still waiting for them, their deadlines would
pass while it is busy and both would be recorded as timeouts, counting toward
``alert_after``. The heavy page is sized (40,000 rows, about 2.5 s of work on
this machine kind) so that this happens whenever the work blocks the loop.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from errata.scraper.localserver import Page, PageServer
from tests.support import run_cli

SMALL = (
    b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>1</td><td>Bad request</td></tr></table>"
)


def heavy(rows: int) -> bytes:
    cells = "".join(
        f"<tr><td>{100000 + i}</td><td>Message number {i} about order {i}</td></tr>"
        for i in range(rows)
    )
    return f"<table><tr><th>Code</th><th>Message</th></tr>{cells}</table>".encode()


def test_a_heavy_page_does_not_make_healthy_hosts_time_out(env: dict[str, str]) -> None:
    with (
        PageServer(host="127.0.0.2") as big,
        PageServer(host="127.0.0.3") as slow,
        PageServer(host="127.0.0.4") as slower,
    ):
        big.pages["/p"] = Page(heavy(40_000))
        slow.pages["/p"] = Page(SMALL, delay=0.3)
        slower.pages["/p"] = Page(SMALL, delay=0.3)
        sources = "".join(
            f'[[source]]\nid = "{name}"\nexchange = "x"\nurl = "{server.url("/p")}"\n'
            for name, server in (("big", big), ("slow", slow), ("slower", slower))
        )
        Path(env["ERRATA_CONFIG"]).write_text(
            "[fetch]\ntimeout = 1\nretries = 0\nmax_bytes = 50000000\nmax_decompressed = 50000000\n"
            + sources
        )
        result = run_cli(["run"], env)
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        rows = conn.execute("SELECT source_id, outcome, error_kind FROM fetches ORDER BY source_id")
        fetches = {source: (outcome, kind) for source, outcome, kind in rows}
    assert fetches == {
        "big": ("new", None),
        "slow": ("new", None),
        "slower": ("new", None),
    }, result.stderr
    assert result.exit_code == 0
