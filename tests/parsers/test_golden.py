"""Golden tests: the exact entries of every error-code page in ../shared/fixtures.

Each case names a fixture (the input, read from ../shared, never copied here),
the parser and the URL whose fragment selects the section; the expected
entries are in ``golden/<folder>/<case>.json``. ``count`` is the number of data
rows counted independently in the raw file (grep/awk over the section), so a
regenerated golden file cannot quietly drop a row.

After a deliberate parser change: ``python -m tests.parsers.test_golden --write``
rewrites the golden files; review the diff before committing it.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from errata.parsers import parse
from errata.parsers.text import slug
from tests.support import fixture_bytes

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

GOLDEN = Path(__file__).with_name("golden")
OKX = "https://www.okx.com/docs-v5/en/"
KUCOIN = "https://docs.kucoin.com/"
COINFLEX = "https://docs.coinflex.com/"
OXFUN = "https://docs.ox.fun/"


@dataclass(frozen=True)
class Case:
    fixture: str
    parser: str
    url: str
    count: int

    @property
    def id(self) -> str:
        fragment = self.url.partition("#")[2]
        stem = Path(self.fixture).stem
        return f"{stem}--{self.parser}" + (f"--{slug(fragment)}" if fragment else "")

    @property
    def golden(self) -> Path:
        return GOLDEN / Path(self.fixture).parent / f"{self.id}.json"


def _okx(number: str, name: str, count: int) -> Case:
    return Case(f"okx/docs-v5-en-error-code-{number}-{name}-2025-08-17.html", "okx", "", count)


CASES = [
    # OKX docs-v5: the page's error-code fragments, and the seed text render (English + Chinese)
    _okx("01", "rest-api-public", 551),
    _okx("02", "rest-api-finance", 28),
    _okx("03", "rest-api-convert", 28),
    _okx("04", "rest-api-futures", 1),
    _okx("05", "rest-api-swap", 0),
    _okx("06", "rest-api-option", 0),
    _okx("07", "rest-api-funding", 120),
    _okx("08", "rest-api-account", 135),
    _okx("09", "rest-api-block-trading-and-spread-orderbook", 71),
    _okx("10", "rest-api-copy-trading", 39),
    _okx("11", "rest-api-trading-bot", 11),
    _okx("12", "websocket-public", 39),
    Case("okx/docs-v5-en-error-code-12-websocket-public-2025-08-17.html", "okx", f"{OKX}#error-code-websocket-public-close-frame", 10),
    Case("okx/seed-000-error-code-websocket-2026-01-15.txt", "okx", f"{OKX}#error-code-websocket", 80),
    Case("okx/seed-000-error-code-websocket-2026-01-15.txt", "auto", "", 80),
    # KuCoin: docs-new text render; legacy Slate Markdown, English and Chinese
    Case("kucoin/seed-001-docs-new-error-code-websocket-2026-03-04.txt", "kucoin", "https://www.kucoin.com/docs-new/error-code/websocket", 47),
    Case("kucoin/seed-001-docs-new-error-code-websocket-2026-03-04.txt", "auto", "", 47),
    Case("kucoin/legacy-index-2019-02-23.md", "kucoin", f"{KUCOIN}#errors", 20),
    Case("kucoin/legacy-index-2020-08-05.md", "kucoin", f"{KUCOIN}#errors", 29),
    Case("kucoin/legacy-index-2023-06-09.md", "kucoin", f"{KUCOIN}#errors", 32),
    Case("kucoin/legacy-index-2023-06-09.md", "kucoin", KUCOIN, 64),
    Case("kucoin/legacy-index-cn-2023-06-09.md", "kucoin", KUCOIN, 32),
    # TickDB: Mintlify Markdown (two vintages) and the seed text render
    Case("tickdb/errors-2026-01-14.md", "tickdb", "https://docs.tickdb.ai/en/errors.md", 12),
    Case("tickdb/errors-2026-01-21.md", "tickdb", "https://docs.tickdb.ai/en/errors.md", 20),
    Case("tickdb/seed-002-errors-rendered-text.txt", "tickdb", "https://docs.tickdb.ai/en/errors", 20),
    Case("tickdb/seed-002-errors-rendered-text.txt", "auto", "", 20),
    # OX.FUN and its predecessors OPNX and CoinFLEX
    Case("oxfun/seed-003-error-codes.txt", "oxfun", "https://docs.ox.fun/api/websocket/error-codes.md", 54),
    Case("oxfun/seed-003-error-codes.txt", "auto", "", 54),
    Case("oxfun/v2-websocket-2023-03-14.md", "oxfun", f"{OXFUN}#error-codes", 45),
    Case("oxfun/v2-websocket-2023-07-27.md", "oxfun", f"{OXFUN}#error-codes", 54),
    Case("oxfun/index-2024-11-29.html", "oxfun", f"{OXFUN}#error-codes", 54),
    Case("oxfun/index-2024-11-29.html", "oxfun", f"{OXFUN}#restful-error-codes", 7),
    Case("coinflex/v2-websocket-2020-12-23.md", "oxfun", f"{COINFLEX}#websocket-api-error-codes", 4),
    Case("coinflex/v2-websocket-2022-06-13b.md", "oxfun", f"{COINFLEX}#websocket-api-error-codes", 45),
    Case("coinflex/v3-restapi-2021-10-29a.md", "oxfun", f"{COINFLEX}#error-codes", 5),
    Case("coinflex/v3-restapi-2022-06-13b.md", "oxfun", f"{COINFLEX}#error-codes", 7),
    Case("coinflex/index-2020-12-29.html", "oxfun", f"{COINFLEX}#websocket-api-error-codes", 39),
    Case("coinflex/index-2022-06-13b.html", "oxfun", f"{COINFLEX}#error-codes", 45),
    Case("coinflex/index-2022-06-13b.html", "oxfun", f"{COINFLEX}#rest-api-v3-error-codes", 7),
]  # fmt: skip


def entries_of(case: Case) -> list[dict[str, object]]:
    return [e.to_dict() for e in parse(case.parser, fixture_bytes(case.fixture), case.url)]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_parser_reproduces_the_golden_entries(case: Case) -> None:
    expected = json.loads(case.golden.read_text(encoding="utf-8"))
    assert (expected["fixture"], expected["parser"], expected["url"]) == (
        case.fixture,
        case.parser,
        case.url,
    )
    assert len(expected["entries"]) == case.count
    assert entries_of(case) == expected["entries"]


def test_every_fixture_page_has_a_golden_case() -> None:
    from tests.support import FIXTURES

    pages = {
        str(p.relative_to(FIXTURES))
        for p in FIXTURES.glob("*/*")
        if p.suffix in {".html", ".md", ".txt"}
    }
    assert pages == {c.fixture for c in CASES}


def write(case: Case) -> None:
    entries = entries_of(case)
    case.golden.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps(
        {"fixture": case.fixture, "parser": case.parser, "url": case.url}, ensure_ascii=False
    )[:-1]
    rows = "".join(f"\n  {json.dumps(e, ensure_ascii=False)}," for e in entries).rstrip(",")
    case.golden.write_text(
        f'{head}, "entries": [{rows}{chr(10) if rows else ""}]}}\n', encoding="utf-8"
    )
    print(f"{len(entries):4d} (expected {case.count:4d})  {case.golden.relative_to(GOLDEN)}")


if __name__ == "__main__" and "--write" in sys.argv:
    for each in CASES:
        write(each)


def test_okx_on_the_whole_multi_megabyte_page_matches_the_fragment_goldens() -> None:
    """On okx.com the sections are one 5 MB page; the fixtures are its fragments."""
    from bench.slate import build

    page = build()
    assert len(page) > 4_000_000

    def golden(case: Case) -> list[object]:
        return list(json.loads(case.golden.read_text(encoding="utf-8"))["entries"])

    rest = [entry for case in CASES[:11] for entry in golden(case)]
    websocket = golden(CASES[11])
    assert [e.to_dict() for e in parse("okx", page, f"{OKX}#error-code-rest-api")] == rest
    assert [e.to_dict() for e in parse("okx", page, f"{OKX}#error-code-websocket")] == websocket
    close_frame = parse("okx", page, f"{OKX}#error-code-websocket-public-close-frame")
    assert [e.to_dict() for e in close_frame] == golden(CASES[12])
