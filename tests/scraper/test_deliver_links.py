"""The links a delivered report carries beside each change (``[datasette] base_url`` set)."""

from __future__ import annotations

import pytest

from errata.differ import KINDS, Kind, spec
from errata.scraper.deliver import linker
from tests.reports.test_kinds import SAMPLES

BASE = "https://errata.example/"


@pytest.mark.parametrize("kind", KINDS)
def test_every_change_links_to_itself_and_to_its_code_only_when_it_names_one(kind: Kind) -> None:
    links_for = linker(BASE)
    assert links_for is not None
    change = SAMPLES[kind]
    links = {link.label: link.url for link in links_for(change)}
    assert links["view in Datasette"].startswith("https://errata.example/errata/change_log?")
    if spec(kind).names_code:
        assert links["code history"].endswith(f"&code={change.code}")
    else:  # a renamed heading has no code: a history of code "" would be an empty page
        assert "code history" not in links


def test_no_base_url_no_links() -> None:
    assert linker(None) is None and linker("") is None
