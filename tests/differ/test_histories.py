"""The differ over real page histories, against changes written out by hand from the files.

Each expectation was derived by reading the two versions' error tables side by
side (``diff`` of the table rows), not from errata's output.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pytest

from errata import differ
from errata.differ import Change
from errata.parsers import Entry, parse
from tests.differ.histories import FIXTURE_HISTORIES, HISTORIES, History, fixture_versions
from tests.support import fixture_bytes

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus


def entries(name: str, parser: str, url: str = "") -> list[Entry]:
    return parse(parser, fixture_bytes(name), url)


def summary(changes: Sequence[Change]) -> list[tuple[str, str]]:
    return sorted((c.kind, c.code) for c in changes)


def test_coinflex_websocket_2020_to_2022() -> None:
    old = entries(
        "coinflex/v2-websocket-2020-12-23.md",
        "oxfun",
        "https://docs.coinflex.com/#websocket-api-error-codes",
    )
    new = entries(
        "coinflex/v2-websocket-2022-06-13b.md",
        "oxfun",
        "https://docs.coinflex.com/#websocket-api-error-codes",
    )
    # The 4 codes of 2020 keep their messages (the Description column went away: not a change);
    # 41 codes are new.
    added = [
        "05001",
        "20003",
        "20005",
        "20007",
        "20008",
        "20009",
        "20010",
        "20011",
        "20012",
        "20013",
        "20014",
        "20015",
        "20016",
        "20017",
        "20018",
        "20019",
        "20020",
        "20021",
        "20022",
        "20023",
        "20024",
        "20025",
        "20026",
        "20027",
        "20028",
        "20029",
        "20030",
        "20031",
        "20032",
        "20033",
        "20034",
        "300011",
        "300012",
        "100005",
        "100006",
        "200050",
        "710002",
        "710003",
        "710004",
        "710005",
        "710006",
    ]
    changes = differ.diff(old, new)
    assert summary(changes) == sorted(("added", code) for code in added)
    assert {c.section for c in changes} == {"Error Codes"} and {c.severity for c in changes} == {
        "medium"
    }
    assert differ.suspicion(old, new) is None


def test_opnx_2023_03_to_2023_07() -> None:
    old = entries("oxfun/v2-websocket-2023-03-14.md", "oxfun", "https://docs.ox.fun/#error-codes")
    new = entries("oxfun/v2-websocket-2023-07-27.md", "oxfun", "https://docs.ox.fun/#error-codes")
    changes = differ.diff(old, new)
    added = ["20050", "300001", "100008", "100015", "710001", "710007", "000101", "000201"]
    reworded = {
        "100005": ("Open order not found with id", "Open order not found"),
        "100006": ("Open order does not match to the given account", "Open order is not owned by the user"),
        "710002": ("FAILED sanity bound check as price (.....) < lower bound (.....)", "The price is lower than the minimum"),
        "710003": ("FAILED sanity bound check as price (.....) > upper bound (.....)", "The price is higher than the maximum"),
        "710004": ("FAILED net position check as position (.....) > threshold (.....)", "Position quantity exceeds the limit"),
        "710005": ("FAILED margin check as collateral (.....) < var (.....)", "Insufficient margin"),
        "710006": ("FAILED balance check as balance (.....) < value (.....)", "Insufficient balance"),
    }  # fmt: skip
    assert summary(changes) == sorted(
        [("added", c) for c in added] + [("reworded", c) for c in reworded]
    )
    for change in changes:
        if change.kind == "reworded":
            assert (change.old_message, change.new_message) == reworded[change.code]
            assert change.trivial is False
    # the new page lists 20034 twice, word for word: a documentation defect, not an addition
    assert differ.new_duplicates(old, new) == ["20034 is listed 2 times in Error Codes"]


def test_kucoin_legacy_2019_to_2020_to_2023() -> None:
    url = "https://docs.kucoin.com/#errors"
    v2019 = entries("kucoin/legacy-index-2019-02-23.md", "kucoin", url)
    v2020 = entries("kucoin/legacy-index-2020-08-05.md", "kucoin", url)
    v2023 = entries("kucoin/legacy-index-2023-06-09.md", "kucoin", url)
    first = differ.diff(v2019, v2020)
    reworded = [
        "400",
        "401",
        "403",
        "415",
        "400002",
        "400005",
        "400007",
        "404000",
        "400100",
        "411100",
        "500000",
    ]
    added = [
        "200001",
        "200002",
        "200003",
        "200009",
        "200004",
        "400200",
        "400500",
        "400700",
        "400800",
        "900001",
    ]
    assert summary(first) == sorted(
        [("reworded", c) for c in reworded] + [("removed", "429")] + [("added", c) for c in added]
    )
    trivial = {c.code for c in first if c.trivial}
    assert trivial == {"400", "401"}  # only a full stop was added to their messages
    assert summary(differ.diff(v2020, v2023)) == [
        ("added", "260210"),
        ("added", "400600"),
        ("added", "415000"),
    ]


def test_tickdb_2026_01_14_to_01_21_is_held_back_then_exact_when_accepted() -> None:
    old = entries("tickdb/errors-2026-01-14.md", "tickdb")
    new = entries("tickdb/errors-2026-01-21.md", "tickdb")
    # Two tables (HTTP statuses; 3 WebSocket codes) became one quick-reference table:
    # 9 of the 12 codes disappear, more than half, so the revision is suspect.
    assert differ.suspicion(old, new) == "9 of 12 codes would be removed (more than 50%)"
    changes = differ.diff(old, new)
    removed = ["200", "400", "401", "403", "404", "429", "500", "502", "503"]
    added = [
        "0",
        "1001",
        "1002",
        "1003",
        "1004",
        "2002",
        "3001",
        "3002",
        "3003",
        "3004",
        "4001",
        "4002",
        "4003",
        "4004",
        "5000",
        "5001",
        "5002",
    ]
    assert summary(changes) == sorted(
        [("removed", c) for c in removed]
        + [("added", c) for c in added]
        + [("reworded", c) for c in ("2001", "2003", "2004")]
    )
    by_code = {c.code: c for c in changes}
    assert (by_code["2003"].old_message, by_code["2003"].new_message) == (
        "Depth subscription unavailable",
        "Invalid time range",
    )
    assert (by_code["2003"].old_section, by_code["2003"].section) == (
        "Common WebSocket Error Codes",
        "Error Code Quick Reference",
    )


# --- issue 15: the layouts that made noise, as entry histories, and the real ones --------


def step_summary(changes: Sequence[Change]) -> list[tuple[str, str]]:
    """(kind, code) per change; a section rename is named by the heading path it renamed."""
    return sorted(
        (c.kind, c.old_section or "" if c.kind == "section_renamed" else c.code) for c in changes
    )


def carries_only_its_fields(change: Change) -> bool:
    data = change.to_dict()
    filled = {name for name, value in data.items() if value is not None}
    return all(differ.carries(change.kind, name) for name in filled - {"change_id"})


@pytest.mark.parametrize("history", HISTORIES, ids=[h.name for h in HISTORIES])
def test_entry_histories_give_exactly_the_expected_changes(history: History) -> None:
    versions = history.versions
    for step, (old, new) in enumerate(itertools.pairwise(versions)):
        changes = differ.diff(old, new)
        assert step_summary(changes) == sorted(history.expected[step]), f"step {step + 1}"
        assert all(carries_only_its_fields(c) for c in changes)
        assert differ.suspicion(old, new) is None, f"step {step + 1}"


@pytest.mark.parametrize("name", sorted(FIXTURE_HISTORIES))
def test_real_histories_have_no_moves_and_every_change_fits_its_kind(name: str) -> None:
    """Over every dated fixture history: the only section change is a heading added above
    KuCoin's whole page in 2020 (reported once), and no code is reported as moved."""
    versions = fixture_versions(name)
    changes = [c for old, new in itertools.pairwise(versions) for c in differ.diff(old, new)]
    assert [c for c in changes if c.kind == "moved"] == []
    assert all(carries_only_its_fields(c) for c in changes)
    renames = [(c.old_section, c.section, c.count) for c in changes if c.kind == "section_renamed"]
    assert renames == ([("", "REST API", 19)] if name == "kucoin-legacy-page" else [])


def test_kucoin_2020_adds_a_top_heading_once_not_a_move_per_code() -> None:
    v2019, v2020, _ = fixture_versions("kucoin-legacy-page")
    changes = differ.diff(v2019, v2020)
    (renamed,) = [c for c in changes if c.kind == "section_renamed"]
    assert (renamed.old_section, renamed.section, renamed.count, renamed.severity) == (
        "",
        "REST API",
        19,  # the 20 codes of 2019 but 429, which the 2020 page removed
        "low",
    )
    # the same changes to codes as under the #errors fragment, where no heading changed
    errors = fixture_versions("kucoin-legacy-errors")
    assert summary([c for c in changes if c.kind != "section_renamed"]) == summary(
        differ.diff(errors[0], errors[1])
    )
    reworded = next(c for c in changes if c.code == "400")
    assert reworded.old_section is None  # the rename is reported once, not on every code
