"""Sections between two revisions: which headings were renamed, and which sections are kin.

A page's heading often changes while its codes stay under it: a date in the
top heading, "Spot" becoming "Spot Trading". Read code by code that is a
``moved`` for every code below the heading (883 of 990 changes on one real
page); read section by section it is one rename. So before codes are paired,
every section that vanished is matched with a section that appeared and took
most of its codes, and each such pair is reduced to the heading that really
changed (``Rename``): the part of the two paths left when their common ends
are cut off. ``Errors (2024-01) > Spot`` → ``Errors (2024-02) > Spot`` is the
rename of ``Errors (2024-01)``, and all its sub-sections' codes count for it.

Two sections are *kin* (the same lineage) when they are the same after the
renames, or one lies inside the other. Codes pair by similarity only with
their kin: a generic code documented in two unrelated API sections is two
entries, not one entry reworded.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from errata.differ.wording import wording_key
from errata.parsers import Entry

SEPARATOR = " > "
MIN_CODES = 2  # a heading rename carries at least this many codes
MAX_TARGETS = 8  # a code in more appearing sections than this says nothing about where it went

Key = tuple[str, str]  # (locale, code)


class Rename(NamedTuple):
    """A heading path that changed, its codes going with it."""

    old: str
    new: str


def split(path: str) -> list[str]:
    return path.split(SEPARATOR) if path else []


def kin(a: str, b: str) -> bool:
    """The same section, or one inside the other (the page's top, ``""``, holds everything)."""
    return a == b or _inside(a, b) or _inside(b, a)


def _inside(outer: str, inner: str) -> bool:
    return outer == "" or inner.startswith(outer + SEPARATOR)


def renamed_heading(old: str, new: str) -> Rename:
    """The heading that changed between two paths: what remains without their common ends."""
    a, b = split(old), split(new)
    prefix = 0
    while prefix < min(len(a), len(b)) and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(a), len(b)) - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return Rename(SEPARATOR.join(a[: len(a) - suffix]), SEPARATOR.join(b[: len(b) - suffix]))


class Lineage(NamedTuple):
    """Where the sections that vanished went."""

    successors: dict[str, str]  # old section -> the new section that took most of its codes
    renamed: dict[str, str]  # those reported as a heading rename: their codes kept their words


def lineage(old: Sequence[Entry], new: Sequence[Entry]) -> Lineage:
    """Each section that vanished while most of its codes went to one section that appeared
    (best overlap first, each section used once), and which of those are renames.

    One shared code is enough only when its message came along too: a lone
    generic code (``400``) turning up in a new section is no successor. A
    successor is reported as a rename when, over all the sections of that
    heading, ``MIN_CODES`` codes or more kept their wording; two tables
    replaced by one new table that reuses their codes with new meanings is
    kin, not a rename.
    """
    before, after = _group(old), _group(new)
    wordings = _Wordings(before, after)
    successors = _successors(before, after, wordings)
    carried: Counter[Rename] = Counter()
    for section, target in successors.items():
        carried[renamed_heading(section, target)] += wordings.shared(section, target)
    renamed = {
        section: target
        for section, target in successors.items()
        if carried[renamed_heading(section, target)] >= MIN_CODES
    }
    return Lineage(successors, renamed)


class _Wordings:
    """(locale, code, wording) of each section, computed once, on demand."""

    def __init__(self, before: dict[str, list[Entry]], after: dict[str, list[Entry]]) -> None:
        self._entries = (before, after)
        self._cache: tuple[dict[str, set[tuple[str, str, str]]], ...] = ({}, {})

    def shared(self, section: str, target: str) -> int:
        return len(self._of(0, section) & self._of(1, target))

    def _of(self, side: int, section: str) -> set[tuple[str, str, str]]:
        cache = self._cache[side]
        if section not in cache:
            cache[section] = {
                (e.locale, e.code, wording_key(e.message)) for e in self._entries[side][section]
            }
        return cache[section]


def _successors(
    before: dict[str, list[Entry]], after: dict[str, list[Entry]], wordings: _Wordings
) -> dict[str, str]:
    vanished = {s: _keys(entries) for s, entries in before.items() if s not in after}
    appeared = {s: _keys(entries) for s, entries in after.items() if s not in before}
    order_old, order_new = _order(vanished), _order(appeared)
    ranked = sorted(
        _votes(vanished, appeared).items(),
        key=lambda vote: (-vote[1], order_old[vote[0][0]], order_new[vote[0][1]]),
    )
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for (section, target), shared in ranked:
        if section in mapping or target in taken or 2 * shared <= len(vanished[section]):
            continue
        if shared == 1 and not wordings.shared(section, target):
            continue
        mapping[section] = target
        taken.add(target)
    return mapping


def _group(entries: Iterable[Entry]) -> dict[str, list[Entry]]:
    sections: dict[str, list[Entry]] = {}
    for entry in entries:
        sections.setdefault(entry.section, []).append(entry)
    return sections


def _keys(entries: Iterable[Entry]) -> set[Key]:
    return {(entry.locale, entry.code) for entry in entries}


def _order(sections: dict[str, set[Key]]) -> dict[str, int]:
    return {section: i for i, section in enumerate(sections)}


def _votes(
    vanished: dict[str, set[Key]], appeared: dict[str, set[Key]]
) -> Counter[tuple[str, str]]:
    """How many codes each (vanished, appeared) pair of sections shares."""
    where: dict[Key, list[str]] = defaultdict(list)
    for section, keys in appeared.items():
        for key in keys:
            where[key].append(section)
    votes: Counter[tuple[str, str]] = Counter()
    for section, keys in vanished.items():
        for key in keys:
            targets = where.get(key, ())
            if len(targets) <= MAX_TARGETS:
                votes.update((section, target) for target in targets)
    return votes
