"""The Datasette addresses reports link to: exact shapes, quoting, and Datasette's own encoding."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from datasette.utils import tilde_encode as datasette_tilde_encode

from errata.db import links

BASE = "https://errata.example.com"


def test_the_shapes() -> None:
    assert (
        links.change_url(BASE, "93376b5824e5688c", "2020-08-05T00:00:00Z")
        == "https://errata.example.com/errata/change_log?change_id=93376b5824e5688c&observed_at=2020-08-05T00%3A00%3A00Z"
    )
    assert (
        links.code_history_url(BASE, "okx-ws", "60029")
        == "https://errata.example.com/errata/code_history?source=okx-ws&code=60029"
    )
    assert links.source_url(BASE, "okx-ws") == "https://errata.example.com/errata/sources/okx-ws"
    assert (
        links.exchange_changes_url(BASE, "okx", "2026-01-01")
        == "https://errata.example.com/errata/exchange_changes?exchange=okx&since=2026-01-01"
    )
    assert links.feed_url(BASE) == "https://errata.example.com/errata/feed.atom"
    assert (
        links.feed_url(BASE, "okx")
        == "https://errata.example.com/errata/exchange_feed.atom?exchange=okx"
    )
    assert links.exchange_page_url(BASE, "okx") == "https://errata.example.com/-/exchanges/okx"
    assert (
        links.exchange_page_url(BASE, "a/b c") == "https://errata.example.com/-/exchanges/a%2Fb%20c"
    )
    assert links.charts_url(BASE) == "https://errata.example.com/-/dashboards/errata"
    assert (
        links.charts_url(BASE, "okx")
        == "https://errata.example.com/-/dashboards/errata?exchange=okx"
    )


@pytest.mark.parametrize("base", [BASE, BASE + "/", BASE + "//"])
def test_a_trailing_slash_on_the_base_is_tolerated(base: str) -> None:
    assert links.source_url(base, "tickdb") == f"{BASE}/errata/sources/tickdb"


def test_an_empty_base_gives_site_relative_paths() -> None:
    assert links.code_history_url("", "tickdb", "0") == "/errata/code_history?source=tickdb&code=0"
    assert links.code_history_url("/", "tickdb", "0") == "/errata/code_history?source=tickdb&code=0"


@pytest.mark.parametrize(
    ("source", "code"),
    [("okx-ws", "-1013"), ("a b", "AMBIGUOUS_SYMBOL"), ("x&y=z", "50+1/2?#"), ("zh", "错误 码")],
)
def test_values_come_back_exactly(source: str, code: str) -> None:
    query = parse_qs(urlsplit(links.code_history_url(BASE, source, code)).query)
    assert query == {"source": [source], "code": [code]}
    at = "2026-01-14T08:00:00+02:00"
    query = parse_qs(urlsplit(links.change_url(BASE, "0123456789abcdef", at)).query)
    assert query == {"change_id": ["0123456789abcdef"], "observed_at": [at]}


@pytest.mark.parametrize(
    "value", ["okx-ws", "kucoin_legacy", "a b", "a.b~c/d", "50%", "错误", "x+y", ""]
)
def test_row_keys_use_datasettes_tilde_encoding(value: str) -> None:
    assert links.tilde_encode(value) == datasette_tilde_encode(value)
    assert links.source_url(BASE, value) == f"{BASE}/errata/sources/{datasette_tilde_encode(value)}"
