"""Pairing a code's occurrences: exact matches first, then a bounded similarity matching.

Not timed (bench/diff_bench.py measures the growth); these check that the
bounded matching of a heavily repeated code still pairs what a person would.
"""

from __future__ import annotations

import pytest

from errata.differ import diff
from errata.differ.pairing import FULL, WINDOW
from errata.differ.sections import kin, renamed_heading
from errata.parsers import Entry


def repeated(n: int, template: str, section: str = "Trade") -> list[Entry]:
    return [Entry("51024", template.format(i=i), section) for i in range(n)]


@pytest.mark.parametrize("n", [40, 600], ids=["exhaustive", "windowed"])
def test_every_occurrence_reworded_pairs_with_its_own_counterpart(n: int) -> None:
    assert (n * n > FULL) == (n == 600)
    old = repeated(n, "Account {i} is frozen for reason {i}")
    new = repeated(n, "The account {i} is frozen, reason {i}")
    changes = diff(old, new)
    assert {c.kind for c in changes} == {"reworded"} and len(changes) == n
    for change in changes:
        old_number = (change.old_message or "").split()[1]
        assert (change.new_message or "").split()[2] == old_number


def test_insertions_beyond_the_window_still_pair_every_staying_occurrence() -> None:
    """A burst of new rows larger than the window shifts every later pairing; the code is
    still never removed plus added: only the surplus is added."""
    old = repeated(300, "Position {i} exceeds the limit")
    burst = repeated(5 * WINDOW, "Brand new restriction {i} applies")
    new = burst + repeated(300, "Position {i} exceeds the limit now")
    changes = diff(old, new)
    counts = {
        kind: sum(c.kind == kind for c in changes) for kind in ("reworded", "added", "removed")
    }
    assert counts == {"reworded": 300, "added": 5 * WINDOW, "removed": 0}


def test_unchanged_occurrences_pair_off_whatever_their_number() -> None:
    old = repeated(2000, "Order {i} rejected")
    new = [*old[:1000], Entry("51024", "Order 1000 was rejected", "Trade"), *old[1001:]]
    (change,) = diff(old, new)
    assert (change.kind, change.old_message, change.trivial) == (
        "reworded",
        "Order 1000 rejected",
        False,
    )


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("REST > Account", "REST > Account", True),
        ("REST > Account", "REST > Account > Keys", True),
        ("", "WebSocket > Login", True),
        ("REST > Account", "REST > Funding", False),
        ("REST > Account", "REST > Accounts", False),
    ],
    ids=["same", "inside", "top-of-page", "siblings", "prefix-of-a-word"],
)
def test_kin_sections(a: str, b: str, expected: bool) -> None:
    assert kin(a, b) is expected and kin(b, a) is expected


@pytest.mark.parametrize(
    ("old", "new", "heading"),
    [
        ("Errors (2024-01) > Spot", "Errors (2024-02) > Spot", ("Errors (2024-01)", "Errors (2024-02)")),
        ("REST > Spot", "REST > Spot Trading", ("REST > Spot", "REST > Spot Trading")),
        ("REST > Spot > Orders", "REST > Spot Trading > Orders", ("REST > Spot", "REST > Spot Trading")),
        ("Spot", "Errors > Spot", ("", "Errors")),
        ("", "Errors", ("", "Errors")),
    ],
    ids=["dated-top", "leaf", "middle", "heading-added-above", "first-heading"],
)  # fmt: skip
def test_the_renamed_heading_is_what_remains_without_the_common_ends(
    old: str, new: str, heading: tuple[str, str]
) -> None:
    assert tuple(renamed_heading(old, new)) == heading
