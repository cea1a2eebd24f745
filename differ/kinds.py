"""The change kinds: one table, and everything about a kind is read from it.

Adding a kind is one row in ``TABLE`` plus its name in ``Kind``. The rest
follows: default severities and the ``[severity]`` keys (``differ.policy``),
the Keep-a-Changelog heading, the descriptions in the README and in Datasette,
which JSON fields a change of the kind carries and which of them tell two
changes apart (``Change.change_id``). The renderers ``match`` on the kind and
end in ``typing.assert_never``, so mypy names every renderer a new kind is
missing from; ``tests/reports/test_kinds.py`` renders every kind through every
format and channel.

``Kind`` has to be a ``Literal`` for mypy to check those matches; an import-time
check keeps it and the table in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

Kind = Literal[
    "added",
    "removed",
    "reworded",
    "moved",
    "renumbered",
    "deprecated",
    "restored",
    "section_renamed",
    "detail_changed",
]
Severity = Literal["low", "medium", "high"]
Heading = Literal["Added", "Changed", "Deprecated", "Removed"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
HEADINGS: tuple[Heading, ...] = get_args(Heading)  # Keep a Changelog's order

# What every change has: who, when, what kind, how bad, which code, which language.
COMMON_FIELDS = ("source", "exchange", "observed_at", "kind", "severity", "code", "locale")


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One change kind.

    ``fields``: the change fields a change of this kind may fill beyond
    ``COMMON_FIELDS`` (the others stay null). ``identity``: fields beyond the
    common id key (source, kind, locale, codes, messages) that tell two changes
    of this kind apart; empty for the original kinds, so their ids never change.
    """

    name: Kind
    severity: Severity
    heading: Heading
    description: str
    fields: tuple[str, ...]
    identity: tuple[str, ...] = ()
    trivial_severity: Severity | None = None  # a lower default when the change is cosmetic
    names_code: bool = True  # False: the change is about a section, its ``code`` is ""


TABLE: tuple[KindSpec, ...] = (
    KindSpec(
        "added",
        "medium",
        "Added",
        "a code, or one more occurrence of a code, appears",
        ("section", "new_message"),
    ),
    KindSpec(
        "removed",
        "high",
        "Removed",
        "a code, or an occurrence of it, disappears",
        ("section", "old_message"),
    ),
    KindSpec(
        "reworded",
        "medium",
        "Changed",
        "a code that stays has a different message; `similarity` (0–1) tells a typo fix from a "
        "redefinition, `trivial` a cosmetic edit",
        ("section", "old_section", "old_message", "new_message", "trivial", "similarity"),
        trivial_severity="low",
    ),
    KindSpec(
        "moved",
        "low",
        "Changed",
        "the same code and message, in another section on its own (`old_section` says where from)",
        ("section", "old_section", "old_message", "new_message"),
    ),
    KindSpec(
        "renumbered",
        "high",
        "Changed",
        "a removed and an added code with the same message in the same section, or a new code "
        "whose cell strikes the old one (`~~50010~~ 50210`); `new_code` is the new one",
        ("new_code", "section", "old_section", "old_message", "new_message"),
    ),
    KindSpec(
        "deprecated",
        "high",
        "Deprecated",
        "a code stays on the page but is now struck through or marked retired",
        ("section", "old_message", "new_message"),
    ),
    KindSpec(
        "restored",
        "medium",
        "Changed",
        "a struck-through (deprecated) code is no longer struck",
        ("section", "old_message", "new_message"),
    ),
    KindSpec(
        "section_renamed",
        "low",
        "Changed",
        "a heading was renamed and its codes went with it: one change with the old path "
        "(`old_section`), the new one (`section`) and how many codes moved (`count`)",
        ("section", "old_section", "count"),
        identity=("old_section", "section"),
        names_code=False,
    ),
    KindSpec(
        "detail_changed",
        "low",
        "Changed",
        "only another column that counts changed (a description, an HTTP status): `column`, "
        "`old_detail`, `new_detail`",
        ("section", "old_message", "new_message", "column", "old_detail", "new_detail"),
        identity=("column", "old_detail", "new_detail"),
    ),
)

SPECS: dict[Kind, KindSpec] = {spec.name: spec for spec in TABLE}
KINDS: tuple[Kind, ...] = tuple(SPECS)
if get_args(Kind) != KINDS:  # pragma: no cover - a programming error, caught on import
    raise AssertionError(f"differ.kinds: TABLE {KINDS} and Kind {get_args(Kind)} disagree")


def spec(kind: Kind) -> KindSpec:
    return SPECS[kind]


def carries(kind: Kind, field: str) -> bool:
    """Whether a change of ``kind`` may fill ``field`` (the common fields always)."""
    return field in COMMON_FIELDS or field in SPECS[kind].fields
