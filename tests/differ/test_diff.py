"""The differ on hand-made revisions: every kind and the matching rule."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from errata.differ import DEFAULT_POLICY, Change, Policy, diff, new_duplicates, suspicion
from errata.parsers import Entry


def e(code: str, message: str, section: str = "General", locale: str = "en") -> Entry:
    return Entry(code, message, section, locale)


def kinds(changes: Sequence[Change]) -> list[tuple[str, str]]:
    return [(c.kind, c.code) for c in changes]


def test_identical_revisions_have_no_changes() -> None:
    page = [e("1", "a"), e("2", "b"), e("2", "b")]
    assert diff(page, list(reversed(page))) == []


def test_added_removed_and_reworded() -> None:
    old = [
        e("60029", "Only VIP5 and above"),
        e("60032", "API key doesn't exist."),
        e("4001", "Login Failed"),
    ]
    new = [
        e("60029", "Only VIP6 and above"),
        e("4001", "Login Failed"),
        e("60033", "Parameter {param0} error."),
    ]
    changes = diff(old, new)
    assert kinds(changes) == [("reworded", "60029"), ("removed", "60032"), ("added", "60033")]
    reworded = changes[0]
    assert (reworded.old_message, reworded.new_message) == (
        "Only VIP5 and above",
        "Only VIP6 and above",
    )
    assert reworded.trivial is False and reworded.severity == "medium"
    assert reworded.similarity is not None and 0.9 < reworded.similarity < 1
    assert changes[1].severity == "high" and changes[1].new_message is None
    assert changes[2].severity == "medium" and changes[2].old_message is None


def test_a_code_that_stays_is_never_removed_plus_added_even_if_its_meaning_changed() -> None:
    changes = diff([e("400", "topic is invalid")], [e("400", "ping timeout")])
    assert kinds(changes) == [("reworded", "400")]
    assert changes[0].similarity is not None and changes[0].similarity < 0.5


def test_moved_is_the_same_message_in_another_section() -> None:
    changes = diff(
        [e("1009", "Frame too long", "Public")], [e("1009", "Frame too long", "Close Frame")]
    )
    assert kinds(changes) == [("moved", "1009")]
    assert (changes[0].old_section, changes[0].section, changes[0].severity) == (
        "Public",
        "Close Frame",
        "low",
    )


def test_repeated_codes_pair_by_similarity_and_only_surplus_is_added() -> None:
    old = [e("51024", f"Account {i} is frozen") for i in range(30)]
    new = [e("51024", f"Account {i} is frozen") for i in range(30) if i != 7]
    new.insert(3, e("51024", "Account 7 is frozen."))
    new.append(e("51024", "Brand new restriction applies"))
    changes = diff(old, new)
    assert kinds(changes) == [("reworded", "51024"), ("added", "51024")]
    assert changes[0].old_message == "Account 7 is frozen" and changes[0].trivial is True
    assert changes[0].severity == "low"


def test_same_code_meaning_different_things_in_two_tables() -> None:
    old = [e("400", "topic is invalid", "Subscribing"), e("400", "ping timeout", "Other")]
    new = [e("400", "topic is invalid", "Subscribing"), e("400", "ping timed out", "Other")]
    changes = diff(old, new)
    assert [(c.kind, c.section, c.old_message) for c in changes] == [
        ("reworded", "Other", "ping timeout")
    ]


def test_renumbered_is_a_removed_and_an_added_code_with_the_same_message() -> None:
    changes = diff([e("50012", "Account status invalid")], [e("50112", "Account status invalid.")])
    assert kinds(changes) == [("renumbered", "50012")]
    assert changes[0].new_code == "50112" and changes[0].severity == "high"


def test_locales_are_diffed_separately() -> None:
    old = [e("1", "Login failure"), e("1", "登录失败", locale="zh")]
    new = [e("1", "Login failure"), e("1", "登录失败了", locale="zh")]
    assert [(c.kind, c.locale) for c in diff(old, new)] == [("reworded", "zh")]


@pytest.mark.parametrize(
    ("old", "new", "trivial"),
    [
        ("Invalid sign", "Invalid sign.", True),
        ("invalid  Sign", "Invalid sign", True),
        ("doesn't exist", "doesn’t exist", True),
        ("Parameter {0} error", "Parameter {param0} error", True),
        ("Parameter %s error", "Parameter {0} error", True),
        ("Parameter error", "Parameter {0} error", False),
        ("Only VIP5 and above", "Only VIP6 and above", False),
    ],
    ids=[
        "punctuation",
        "case-space",
        "curly-quote",
        "placeholder-style",
        "printf-to-brace",
        "placeholder-added",
        "digit",
    ],
)
def test_trivial_rewording(old: str, new: str, trivial: bool) -> None:
    (change,) = diff([e("1", old)], [e("1", new)])
    assert change.trivial is trivial
    assert change.severity == ("low" if trivial else "medium")


def test_severity_overrides_and_ignored_changes() -> None:
    policy = DEFAULT_POLICY.refined({"added": "high"})
    (added,) = diff([], [e("1", "x")], policy)
    assert added.severity == "high"
    silenced = Policy(ignore=frozenset({added.change_id}))
    assert diff([], [e("1", "x")], silenced) == []
    with pytest.raises(ValueError, match="unknown change kind 'typo'"):
        DEFAULT_POLICY.refined({"typo": "high"})


def test_change_id_is_stable_and_specific() -> None:
    a = diff([e("1", "x")], [e("1", "y")])[0]
    b = diff([e("1", "x")], [e("1", "y")])[0]
    c = diff([e("1", "x")], [e("1", "z")])[0]
    assert a.change_id == b.change_id != c.change_id


def test_change_json_has_the_contract_fields_in_order() -> None:
    (change,) = diff([e("1", "x")], [e("1", "y")])
    assert list(change.to_dict()) == [
        "source", "exchange", "observed_at", "kind", "severity", "trivial", "similarity", "code",
        "new_code", "locale", "section", "old_section", "old_message", "new_message", "change_id",
    ]  # fmt: skip
    assert Change.from_dict(change.to_dict()) == change


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ([e("1", "a")], [], "the page has no entries"),
        (
            [e(str(i), "a") for i in range(10)],
            [e("0", "a"), e("1", "a"), e("2", "a"), e("3", "a")],
            "6 of 10 codes",
        ),
        ([e(str(i), "a") for i in range(10)], [e(str(i), "a") for i in range(5)], None),
        ([], [e("1", "a")], None),
    ],
    ids=["empty", "mass-removal", "half-is-fine", "first-revision"],
)
def test_suspicion(old: list[Entry], new: list[Entry], expected: str | None) -> None:
    reason = suspicion(old, new)
    assert reason is None if expected is None else expected in (reason or "")


def test_a_row_listed_twice_is_a_defect_not_a_change() -> None:
    once = [e("20034", "Tag too long"), e("1", "a")]
    twice = [e("20034", "Tag too long"), e("20034", "Tag too long"), e("1", "a")]
    assert diff(once, twice) == [] and diff(twice, once) == []
    assert new_duplicates(once, twice) == ["20034 is listed 2 times in General"]
    assert new_duplicates(twice, twice) == []  # reported once, when it appears
    # the same code twice with two messages is not a duplicate row
    assert new_duplicates([], [e("509", "a"), e("509", "b")]) == []


def test_a_flip_flop_over_three_revisions() -> None:
    a, b = [e("60029", "Only VIP5 and above")], [e("60029", "Only VIP6 and above")]
    assert kinds(diff(a, b)) == [("reworded", "60029")]
    assert kinds(diff(b, a)) == [("reworded", "60029")]
    assert diff(a, a) == []  # between the first and the last revision, nothing changed


def test_policy_refinements_stack_and_are_checked() -> None:
    global_ = DEFAULT_POLICY.refined({"moved": "medium"}, ["aaaa"], 0.3)
    source = global_.refined({"added": "high"}, ["bbbb"])
    assert (source.severity_of("moved"), source.severity_of("added")) == ("medium", "high")
    assert source.ignore == {"aaaa", "bbbb"} and source.max_removed == 0.3
    with pytest.raises(ValueError, match="unknown severity 'urgent'"):
        DEFAULT_POLICY.refined({"added": "urgent"})
    with pytest.raises(ValueError, match="max_removed must be a share between 0 and 1"):
        DEFAULT_POLICY.refined(max_removed=2)
    old = [e(str(i), "x") for i in range(10)]
    assert (
        suspicion(old, old[:8], max_removed=0.1) == "2 of 10 codes would be removed (more than 10%)"
    )
