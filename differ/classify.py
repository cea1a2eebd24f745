"""Two revisions of a source in, classified changes out.

1. Headings renamed with their codes become one ``section_renamed`` each
   (``differ.sections``); the codes under them are then compared as if the
   heading had not changed.
2. Each (locale, code) whose rows differ at all has its occurrences paired
   (``differ.pairing``). A pair yields ``reworded`` (another message),
   ``moved`` (the same message in another section, on its own),
   ``deprecated``/``restored`` (struck through, or no longer) and
   ``detail_changed`` (the same message, another text in a column that
   counts, ``Policy.counts``). Only surplus occurrences are added/removed, so
   a code that stays in its section lineage is never removed plus added.
3. A removed and an added occurrence are one ``renumbered`` when the new
   cell strikes the old code (``Entry.replaces``), or when they have the same
   normalised message in the same section.

Rows repeated verbatim on a page (OX.FUN lists 20034 twice) are compared
once: a copy appearing or disappearing is a documentation defect, reported
by ``differ.health.duplicates``, not a change.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from errata.differ.change import Change, Kind
from errata.differ.kinds import carries
from errata.differ.pairing import Occurrence, match
from errata.differ.policy import DEFAULT_POLICY, Policy
from errata.differ.sections import Lineage, Rename, lineage, renamed_heading
from errata.differ.wording import is_trivial, normalise, similarity
from errata.parsers import Entry

Found = list[tuple[int, Change]]  # changes with the page position they are reported at


def diff(
    old: Sequence[Entry],
    new: Sequence[Entry],
    policy: Policy = DEFAULT_POLICY,
    *,
    source: str | None = None,
    exchange: str | None = None,
    observed_at: str | None = None,
) -> list[Change]:
    """Changes from ``old`` to ``new``, in the order of the new page (removals where they were).

    ``source``, ``exchange`` and ``observed_at`` go on every change; the source is
    part of a change's id, so the policy's ignore list needs it to match.
    """
    make = _Maker(policy, source, exchange, observed_at)
    distinct_old, distinct_new = dict.fromkeys(old), dict.fromkeys(new)
    old, new = list(distinct_old), list(distinct_new)
    sections = lineage(old, new)
    found = _section_renames(old, new, sections.renamed, make)
    before, after = _occurrences(distinct_old, distinct_new, sections, policy)
    removed: list[Occurrence] = []
    added: list[Occurrence] = []
    for key in before.keys() | after.keys():
        pairs, gone, came = match(before.get(key, []), after.get(key, []))
        removed += gone
        added += came
        found += [(b.position, c) for a, b in pairs for c in _paired(a, b, make)]
    found += _unpaired(removed, added, make)
    found.sort(key=lambda item: item[0])
    changes = [change for _, change in found]
    if policy.ignore:
        changes = [change for change in changes if change.change_id not in policy.ignore]
    return changes


Groups = dict[tuple[str, str], list[Occurrence]]


def _occurrences(
    old: dict[Entry, None], new: dict[Entry, None], sections: Lineage, policy: Policy
) -> tuple[Groups, Groups]:
    """The occurrences of every (locale, code) whose rows are not the same on both sides."""
    touched = {(e.locale, e.code) for e in old if e not in new}
    touched |= {(e.locale, e.code) for e in new if e not in old}
    counted = _Counted(policy)
    return (
        _by_code(old, touched, counted, sections),
        _by_code(new, touched, counted, Lineage({}, {})),
    )


class _Counted:
    """The extra columns of an entry that count, sorted; each header's verdict asked once."""

    def __init__(self, policy: Policy) -> None:
        self._policy = policy
        self._verdicts: dict[str, bool] = {}

    def __call__(self, extra: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
        if not extra:
            return ()
        return tuple(sorted((k, v) for k, v in extra.items() if self._counts(k)))

    def _counts(self, column: str) -> bool:
        if column not in self._verdicts:
            self._verdicts[column] = self._policy.counts(column)
        return self._verdicts[column]


def _by_code(
    entries: Iterable[Entry],
    codes: set[tuple[str, str]],
    counted: _Counted,
    sections: Lineage,
) -> Groups:
    """Occurrences of the given codes; an old one is compared under its renamed heading,
    and is kin to where its section's codes went."""
    groups: Groups = defaultdict(list)
    renamed, successors = sections.renamed, sections.successors
    for position, entry in enumerate(entries):
        key = (entry.locale, entry.code)
        if key in codes:
            section = renamed.get(entry.section, entry.section)
            kin_of = successors.get(entry.section, entry.section)
            groups[key].append(Occurrence(position, entry, section, kin_of, counted(entry.extra)))
    return groups


def _section_renames(
    old: list[Entry], new: list[Entry], renamed: Mapping[str, str], make: _Maker
) -> Found:
    """One ``section_renamed`` per heading that changed, counting the codes that went with it;
    reported where the first renamed section now starts."""
    if not renamed:
        return []
    targets = set(renamed.values())
    arrived: dict[str, set[tuple[str, str]]] = defaultdict(set)
    first: dict[str, tuple[int, Entry]] = {}
    for position, entry in enumerate(new):
        if entry.section in targets:
            arrived[entry.section].add((entry.locale, entry.code))
            first.setdefault(entry.section, (position, entry))
    counts: Counter[Rename] = Counter()
    at: dict[Rename, tuple[int, Entry]] = {}
    for entry in old:
        target = renamed.get(entry.section)
        if target is not None and (entry.locale, entry.code) in arrived[target]:
            rename = renamed_heading(entry.section, target)
            counts[rename] += 1
            at[rename] = min(at.get(rename, first[target]), first[target], key=lambda p: p[0])
    return [(at[r][0], make.renamed(r, n, at[r][1].locale)) for r, n in counts.items()]


def _paired(a: Occurrence, b: Occurrence, make: _Maker) -> list[Change]:
    """What one old occurrence becoming one new occurrence amounts to (possibly nothing)."""
    old, new = a.entry, b.entry
    moved = a.section != new.section  # a renamed heading is reported once, on its own
    changes: list[Change] = []
    if old.message != new.message:
        changes.append(make.change("reworded", old, new, moved=moved))
    elif moved:
        changes.append(make.change("moved", old, new, moved=moved))
    if old.deprecated != new.deprecated:
        changes.append(make.change("deprecated" if new.deprecated else "restored", old, new))
    if old.message == new.message:
        changes += _details(a, b, make)
    return changes


def _details(a: Occurrence, b: Occurrence, make: _Maker) -> list[Change]:
    """One ``detail_changed`` per counted column both rows have, with another text."""
    before, after = dict(a.details), dict(b.details)
    return [
        make.change("detail_changed", a.entry, b.entry, (column, text, after[column]))
        for column, text in before.items()
        if column in after and after[column] != text
    ]


def _unpaired(removed: list[Occurrence], added: list[Occurrence], make: _Maker) -> Found:
    """Renumberings first; what is left was really added or removed."""
    renumbered = _by_replaces(removed, added)
    removed, added = _without(renumbered, removed), _without(renumbered, added)
    more = _same_message(removed, added)
    renumbered += more
    removed, added = _without(more, removed), _without(more, added)
    found = [
        (
            b.position,
            make.change("renumbered", a.entry, b.entry, moved=a.section != b.entry.section),
        )
        for a, b in renumbered
    ]
    found += [(o.position, make.change("added", None, o.entry)) for o in added]
    found += [(o.position, make.change("removed", o.entry, None)) for o in removed]
    return found


Pairs = list[tuple[Occurrence, Occurrence]]


def _without(pairs: Pairs, occurrences: list[Occurrence]) -> list[Occurrence]:
    paired = {id(o) for pair in pairs for o in pair}
    return [o for o in occurrences if id(o) not in paired]


def _by_replaces(removed: list[Occurrence], added: list[Occurrence]) -> Pairs:
    """An added code whose cell strikes the old one (``~~50010~~ 50210``) renumbers it."""
    gone: dict[tuple[str, str], list[Occurrence]] = defaultdict(list)
    for occurrence in removed:
        gone[(occurrence.entry.locale, occurrence.entry.code)].append(occurrence)
    pairs: Pairs = []
    for occurrence in added:
        entry = occurrence.entry
        candidates = gone.get((entry.locale, entry.replaces)) if entry.replaces else None
        if candidates:
            pairs.append((candidates.pop(0), occurrence))
    return pairs


def _same_message(removed: list[Occurrence], added: list[Occurrence]) -> Pairs:
    """A removed and an added code with the same normalised message in the same section."""
    waiting: dict[tuple[str, str, str], list[Occurrence]] = defaultdict(list)
    for occurrence in added:
        entry = occurrence.entry
        if entry.message.strip():
            waiting[(entry.locale, entry.section, normalise(entry.message))].append(occurrence)
    pairs: Pairs = []
    for occurrence in sorted(removed, key=lambda o: o.position):
        entry = occurrence.entry
        candidates = waiting.get((entry.locale, occurrence.section, normalise(entry.message)))
        if candidates:
            pairs.append((occurrence, candidates.pop(0)))
    return pairs


@dataclass(frozen=True, slots=True)
class _Maker:
    """Builds the changes of one diff: the policy's severities, the source's stamp on each."""

    policy: Policy
    source: str | None
    exchange: str | None
    observed_at: str | None

    def change(
        self,
        kind: Kind,
        old: Entry | None,
        new: Entry | None,
        detail: tuple[str, str, str] | None = None,
        *,
        moved: bool | None = None,
    ) -> Change:
        """A change about a code; ``detail`` is (column, old text, new text) for a detail change.

        ``old_section`` is set when the kind carries it and the code changed section
        (``moved``; by default, when the two entries' sections differ).
        """
        trivial = score = None
        if kind == "reworded" and old is not None and new is not None:
            trivial = is_trivial(old.message, new.message)
            score = similarity(old.message, new.message)
        here = new or old
        assert here is not None
        if moved is None:
            moved = old is not None and new is not None and old.section != new.section
        column, old_detail, new_detail = detail or (None, None, None)
        return Change(
            source=self.source,
            exchange=self.exchange,
            observed_at=self.observed_at,
            kind=kind,
            severity=self.policy.severity_of(kind, trivial),
            trivial=trivial,
            similarity=score,
            code=(old or here).code,
            new_code=new.code if kind == "renumbered" and new is not None else None,
            locale=here.locale,
            section=here.section,
            old_section=old.section if old and moved and carries(kind, "old_section") else None,
            old_message=old.message if old is not None else None,
            new_message=new.message if new is not None else None,
            column=column,
            old_detail=old_detail,
            new_detail=new_detail,
        )

    def renamed(self, rename: Rename, count: int, locale: str) -> Change:
        """A heading renamed, ``count`` codes going with it."""
        return Change(
            source=self.source,
            exchange=self.exchange,
            observed_at=self.observed_at,
            kind="section_renamed",
            severity=self.policy.severity_of("section_renamed"),
            trivial=None,
            similarity=None,
            code="",
            new_code=None,
            locale=locale,
            section=rename.new,
            old_section=rename.old,
            old_message=None,
            new_message=None,
            count=count,
        )
