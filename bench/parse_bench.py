"""Extracting the watched section of a multi-MB Slate page (issue 3's targets).

- errata's whole ``parsers.parse("okx", page, url)`` against selectolax just parsing
  the page (target: at most 1.5x);
- the same extraction written with BeautifulSoup's html.parser (target: errata
  at least 20x faster);
- peak memory of a parse, over the page size (target: under 10x).
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bs4 import BeautifulSoup, Tag
from selectolax.lexbor import LexborHTMLParser

from bench.harness import paired, peak_rss_kib, write_section
from bench.slate import build, build_markdown
from errata import parsers

URL = "https://www.okx.com/docs-v5/en/#"
SECTIONS = ("error-code-websocket", "error-code-rest-api")
LEVELS = {f"h{i}": i for i in range(1, 7)}


def bs4_extract(page: bytes, fragment: str) -> list[tuple[str, str]]:
    """The same job with BeautifulSoup: find the heading, walk to its next peer, read the tables."""
    soup = BeautifulSoup(page, "html.parser")
    anchor = soup.find(id=fragment)
    assert isinstance(anchor, Tag)
    level = LEVELS[anchor.name]
    rows: list[tuple[str, str]] = []
    for node in anchor.find_next_siblings():
        if node.name in LEVELS and LEVELS[node.name] <= level:
            break
        if node.name == "table":
            header = [th.get_text(strip=True) for th in node.find_all("th")]
            code = header.index("Error Code") if "Error Code" in header else 0
            message = (
                header.index("Error Message") if "Error Message" in header else len(header) - 1
            )
            for tr in node.find_all("tr")[1:]:
                cells = [td.get_text(" ", strip=True) for td in tr.find_all("td")]
                if cells:
                    rows.append((cells[code], cells[message]))
    return rows


def main(rounds: int = 21, bs4_rounds: int = 3) -> str:
    page = build()
    size_mb = len(page) / 1e6
    lines = [
        f"Page: {size_mb:.1f} MB Slate HTML built from the OKX fixtures (`bench/slate.py`); "
        f"{rounds} paired rounds, medians; Python {platform.python_version()}, "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        "",
        "| section | entries | selectolax parse of the page | errata `parse()` | errata ÷ selectolax, median of rounds / best runs (target ≤ 1.5×) | BeautifulSoup html.parser | errata faster by (target ≥ 20×) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fragment in SECTIONS:
        url = URL + fragment
        entries = parsers.parse("okx", page, url)
        ours = paired(
            lambda: LexborHTMLParser(page), lambda u=url: parsers.parse("okx", page, u), rounds
        )
        soup = paired(
            lambda u=url: parsers.parse("okx", page, u),
            lambda f=fragment: bs4_extract(page, f),
            bs4_rounds,
            warmup=0,
        )
        assert len(bs4_extract(page, fragment)) == len(entries), (
            "both extractions must find the same rows"
        )
        lines.append(
            f"| `#{fragment}` | {len(entries)} | {ours.baseline_ms:.1f} ms | {ours.candidate_ms:.1f} ms "
            f"| {ours.ratio:.2f}× / {ours.best_ratio:.2f}× | {soup.candidate_ms:.0f} ms | {soup.ratio:.0f}× |"
        )
    with tempfile.TemporaryDirectory() as tmp:
        saved = Path(tmp) / "okx.html"
        saved.write_bytes(page)
        setup = f"from errata import parsers\npage = open({str(saved)!r}, 'rb').read()\n"
        base = peak_rss_kib(setup)
        after = peak_rss_kib(
            setup + f"entries = parsers.parse('okx', page, {URL + SECTIONS[1]!r})\n"
        )
        lexbor = peak_rss_kib(
            setup
            + "from selectolax.lexbor import LexborHTMLParser\ntree = LexborHTMLParser(page)\n"
        )
    ratio = (after - base) * 1024 / len(page)
    lines += [
        "",
        f"Peak memory of `parse()` of `#error-code-rest-api`, in a fresh process: {after - base:,} KiB above "
        f"a process that only read the page = **{ratio:.1f}× the page size** (target < 10×). "
        f"For comparison, selectolax's DOM of the whole page: {lexbor - base:,} KiB = {(lexbor - base) * 1024 / len(page):.1f}×.",
        "",
        *markdown_rows(page, rounds),
    ]
    return "\n".join(lines)


def markdown_rows(html_page: bytes, rounds: int) -> list[str]:
    """The same page as Markdown, read section first, against the HTML page (issue 16's target)."""
    md_page = build_markdown()
    url = URL + "error-code-rest-api"
    entries = (
        len(parsers.parse("html", html_page, url)),
        len(parsers.parse("markdown", md_page, url)),
    )
    both = paired(
        lambda: parsers.parse("html", html_page, url),
        lambda: parsers.parse("markdown", md_page, url),
        rounds,
    )
    per_byte = both.ratio * len(html_page) / len(md_page)
    return [
        f"The same page as Markdown ({len(md_page) / 1e6:.1f} MB, `bench/slate.py`'s `build_markdown`), "
        f"`#error-code-rest-api` read with the generic readers, {rounds} paired rounds, medians "
        f"(load average {os.getloadavg()[0]:.2f}):",
        "",
        "| page | entries | `parse()` | per 100 KB | Markdown ÷ HTML per byte (target ≤ 3×) |",
        "|---|---:|---:|---:|---:|",
        f"| HTML | {entries[0]} | {both.baseline_ms:.1f} ms | {both.baseline_ms / len(html_page) * 1e5:.2f} ms | – |",
        f"| Markdown | {entries[1]} | {both.candidate_ms:.1f} ms | {both.candidate_ms / len(md_page) * 1e5:.2f} ms | {per_byte:.2f}× |",
    ]


if __name__ == "__main__":
    result = main()
    print(result)
    if "--write" in sys.argv:
        write_section("parse", result)
