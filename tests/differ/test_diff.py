"""The differ on hand-made revisions: every kind and the matching rule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest

from errata.differ import DEFAULT_POLICY, Change, Policy, diff, new_duplicates, suspicion
from errata.parsers import Entry


def e(
    code: str,
    message: str,
    section: str = "General",
    locale: str = "en",
    extra: dict[str, str] | None = None,
) -> Entry:
    return Entry(code, message, section, locale, extra or {})


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


# --- issue 15: new kinds, section renames, pairing without noise ----------------------


def test_a_code_struck_through_is_deprecated_and_unstruck_is_restored() -> None:
    live, struck = (
        e("31001", "Order type not supported"),
        replace(e("31001", "Order type not supported"), deprecated=True),
    )
    (deprecated,) = diff([live, e("1", "a")], [struck, e("1", "a")])
    assert (deprecated.kind, deprecated.code, deprecated.severity) == (
        "deprecated",
        "31001",
        "high",
    )
    assert deprecated.old_message == deprecated.new_message == "Order type not supported"
    (restored,) = diff([struck], [live])
    assert (restored.kind, restored.severity) == ("restored", "medium")
    assert deprecated.change_id != restored.change_id


def test_struck_and_reworded_at_once_is_both() -> None:
    old = [e("31001", "Order type not supported")]
    new = [replace(e("31001", "Order type is no longer supported"), deprecated=True)]
    assert kinds(diff(old, new)) == [("reworded", "31001"), ("deprecated", "31001")]


def test_a_cell_striking_the_old_code_beside_the_new_one_renumbers_it() -> None:
    old = [e("50010", "Account frozen", "Account"), e("50011", "Suspended", "Account")]
    new = [
        replace(e("50210", "The account is frozen", "Account"), replaces="50010"),
        e("50011", "Suspended", "Account"),
    ]
    (change,) = diff(old, new)
    assert (change.kind, change.code, change.new_code) == ("renumbered", "50010", "50210")
    assert (change.old_message, change.new_message) == ("Account frozen", "The account is frozen")
    assert suspicion(old[:1], new[:1]) is None  # 50010 is not lost: 50210 replaces it


def dated(day: str, codes: int = 12) -> list[Entry]:
    top = f"Errors (updated {day})"
    return [e(str(100 + i), f"Problem {i}", f"{top} > {'REST' if i % 3 else 'WebSocket'}") for i in range(codes)]  # fmt: skip


def test_a_date_in_the_top_heading_is_one_section_rename_not_a_move_per_code() -> None:
    (change,) = diff(dated("2024-01-05"), dated("2024-02-11"))
    assert change.kind == "section_renamed" and change.severity == "low"
    assert (change.old_section, change.section, change.count) == (
        "Errors (updated 2024-01-05)",
        "Errors (updated 2024-02-11)",
        12,
    )
    assert change.code == "" and change.old_message is None
    data = change.to_dict()
    assert list(data)[-2:] == ["change_id", "count"] and data["count"] == 12
    other_day = diff(dated("2024-01-05"), dated("2024-03-01"))[0]
    assert other_day.change_id != change.change_id


def test_a_renamed_heading_takes_its_sub_sections_along() -> None:
    def page(name: str) -> list[Entry]:
        return [e("1", "a", name), e("2", "b", name), e("3", "c", f"{name} > Orders"), e("9", "z", "Margin")]  # fmt: skip

    (change,) = diff(page("Spot"), page("Spot Trading"))
    assert (change.kind, change.old_section, change.section, change.count) == (
        "section_renamed",
        "Spot",
        "Spot Trading",
        3,
    )


def test_a_heading_appearing_above_every_code_is_one_rename_from_no_heading() -> None:
    bare = [e(str(i), f"Problem {i}", "") for i in range(5)]
    (change,) = diff(bare, [replace(x, section="Errors") for x in bare])
    assert (change.kind, change.old_section, change.section) == ("section_renamed", "", "Errors")


def test_a_move_always_says_where_from_even_from_the_top_of_the_page() -> None:
    old = [e(str(i), f"Problem {i}", "") for i in range(5)]
    new = [*old[1:], replace(old[0], section="Legacy")]
    (change,) = diff(old, new)
    assert (change.kind, change.old_section, change.section) == ("moved", "", "Legacy")
    assert change.to_dict()["old_section"] == ""


def test_a_generic_code_in_an_unrelated_section_is_its_own_entry() -> None:
    old = [e("1002", "Invalid signature", "REST > Account"), e("2", "x", "REST > Account")]
    new = [e("2", "x", "REST > Account"), e("1002", "Insufficient balance", "REST > Funding")]
    assert sorted(kinds(diff(old, new))) == [("added", "1002"), ("removed", "1002")]
    # within one section lineage (a sub-section), the same code reworded is still one entry
    nested = [
        e("2", "x", "REST > Account"),
        e("1002", "Invalid signatures", "REST > Account > Keys"),
    ]
    assert kinds(diff(old, nested)) == [("reworded", "1002")]


@pytest.mark.parametrize(
    ("code", "paired"),
    [
        ("EAPI:Rate limit exceeded", True),  # the words are the error: one error wherever it is
        ("Server Error", True),
        ("1002", False),  # generic codes mean what their section says
        ("invalid_request", False),
    ],
)
def test_a_lone_code_that_names_itself_pairs_across_unrelated_sections(
    code: str, paired: bool
) -> None:
    """Kraken quotes "EAPI:Rate limit exceeded" in its rate-limit notes, later lists it."""
    old = [e(code, "if the REST API counter exceeds the maximum.", "Rate Limits > Errors"),
           e("2", "x", "Example API Errors")]  # fmt: skip
    new = [e("2", "x", "Example API Errors"), e(code, "(See Rate Limits)", "Example API Errors")]
    found = diff(old, new)
    if paired:
        (change,) = found
        assert (change.kind, change.old_section) == ("reworded", "Rate Limits > Errors")
    else:
        assert sorted(kinds(found)) == [("added", code), ("removed", code)]
    # two occurrences on a side: which was which is not known, each stays its own entry
    twice = [*old, e(code, "Another mention.", "Funding")]
    assert sorted(kinds(diff(twice, new))) == [
        ("added", code),
        ("removed", code),
        ("removed", code),
    ]


def test_an_unrelated_section_pairs_only_by_message() -> None:
    old = [e("1002", "Invalid signature", "REST > Account"), e("2", "x", "REST > Account")]
    new = [e("2", "x", "REST > Account"), e("1002", "Invalid signature", "WebSocket > Login")]
    (change,) = diff(old, new)
    assert (change.kind, change.old_section) == ("moved", "REST > Account")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("The sub-account is frozen", "The subaccount is frozen"),
        ("The sub-account is frozen", "The sub account is frozen"),
        ("Cross-margin mode only", "Crossmargin mode only"),
    ],
    ids=["joined", "spaced", "capital-first"],
)
def test_hyphenation_only_is_a_trivial_rewording(old: str, new: str) -> None:
    (change,) = diff([e("1", old)], [e("1", new)])
    assert change.kind == "reworded" and change.trivial is True and change.severity == "low"


def test_a_hyphen_between_digits_is_not_hyphenation() -> None:
    (change,) = diff([e("1", "Leverage 1-5 only")], [e("1", "Leverage 15 only")])
    assert change.trivial is False


def described(text: str, status: str = "400", name: str = "Rejected") -> Entry:
    extra = {"Description": text, "HTTP Status Code": status, "Error Name": name}
    return e("ORDER_REJECTED", "ORDER_REJECTED", extra=extra)


def e_extra(code: str, message: str, **extra: str) -> Entry:
    return Entry(code, message, "General", extra=extra)


def test_a_description_fix_is_a_detail_change_naming_the_column() -> None:
    (change,) = diff([described("Recieve window exceeded")], [described("Receive window exceeded")])
    assert (change.kind, change.severity, change.column) == ("detail_changed", "low", "Description")
    assert (change.old_detail, change.new_detail) == (
        "Recieve window exceeded",
        "Receive window exceeded",
    )
    assert change.old_message == change.new_message == "ORDER_REJECTED"
    assert list(change.to_dict())[-4:] == ["change_id", "column", "old_detail", "new_detail"]


def test_which_columns_count_is_a_policy() -> None:
    old, new = described("a", "400", "Rejected"), described("a", "429", "OrderRejected")
    assert [c.column for c in diff([old], [new])] == ["HTTP Status Code"]  # the default
    names = DEFAULT_POLICY.refined(detail_columns=["error name"])
    assert [c.column for c in diff([old], [new], names)] == ["Error Name"]
    every = DEFAULT_POLICY.refined(detail_columns=["*"])
    assert sorted(c.column or "" for c in diff([old], [new], every)) == ["Error Name", "HTTP Status Code"]  # fmt: skip
    assert diff([old], [new], DEFAULT_POLICY.refined(detail_columns=[])) == []
    with pytest.raises(ValueError, match="detail_columns must be a list of column headers"):
        DEFAULT_POLICY.refined(detail_columns=[""])


def test_a_column_appearing_in_a_table_is_not_a_detail_change() -> None:
    old = Entry("1", "a", "General")
    assert diff([old], [replace(old, extra={"Description": "new text"})]) == []


def test_a_reworded_message_is_not_also_a_detail_change() -> None:
    old, new = e_extra("1", "a", Description="x"), e_extra("1", "b", Description="y")
    assert kinds(diff([old], [new])) == [("reworded", "1")]


def test_suspicion_ignores_renamed_headings_and_struck_codes() -> None:
    old = dated("2024-01-05")
    renamed = dated("2024-02-11")
    struck = [replace(x, deprecated=True) if i % 2 else x for i, x in enumerate(renamed)]
    assert suspicion(old, struck) is None
    assert sorted({c.kind for c in diff(old, struck)}) == ["deprecated", "section_renamed"]


def test_new_severity_keys_are_configurable() -> None:
    policy = DEFAULT_POLICY.refined({"section_renamed": "medium", "deprecated": "low"})
    assert diff(dated("a"), dated("b"), policy)[0].severity == "medium"
    assert policy.severity_of("deprecated") == "low"
