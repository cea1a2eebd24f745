"""Two revisions of a source in, classified changes out.

Matching is per (locale, code) over all occurrences of the code, because codes
repeat (OKX lists 51024 thirty-two times):

1. occurrences equal in section and message pair off silently;
2. the same message in another section is ``moved``;
3. the rest pair up greedily by message similarity, best pairs first, and
   become ``reworded``; only surplus occurrences are ``added``/``removed``,
   so a code present on both sides is never reported as removed plus added;
4. finally a removed and an added occurrence with the same normalised
   message in the same section are one ``renumbered``.

Rows repeated verbatim on a page (OX.FUN lists 20034 twice) are compared
once: a copy appearing or disappearing is a documentation defect, reported
by ``differ.health.duplicates``, not a change.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from errata.differ.change import Change, Kind
from errata.differ.policy import DEFAULT_POLICY, Policy
from errata.differ.wording import is_trivial, normalise, similarity
from errata.parsers import Entry


@dataclass(frozen=True, slots=True)
class _Occurrence:
    position: int
    entry: Entry


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
    distinct_old, distinct_new = dict.fromkeys(old), dict.fromkeys(new)
    touched = {(e.locale, e.code) for e in distinct_old if e not in distinct_new}
    touched |= {(e.locale, e.code) for e in distinct_new if e not in distinct_old}
    old, new = list(distinct_old), list(distinct_new)
    before = _by_code(old, touched)
    after = _by_code(new, touched)
    found: list[tuple[int, Change]] = []
    removed: list[_Occurrence] = []
    added: list[_Occurrence] = []
    for key in before.keys() | after.keys():
        gone, came, pairs = _match(before.get(key, []), after.get(key, []))
        removed += gone
        added += came
        found += [(b.position, _paired(a.entry, b.entry, policy)) for a, b in pairs]
    renumbered = _renumbered(removed, added)
    found += [(b.position, _change(policy, "renumbered", a.entry, b.entry)) for a, b in renumbered]
    paired = {id(o) for pair in renumbered for o in pair}
    added = [o for o in added if id(o) not in paired]
    removed = [o for o in removed if id(o) not in paired]
    found += [(o.position, _change(policy, "added", None, o.entry)) for o in added]
    found += [(o.position, _change(policy, "removed", o.entry, None)) for o in removed]
    found.sort(key=lambda item: item[0])
    changes = [
        replace(c, source=source, exchange=exchange, observed_at=observed_at) for _, c in found
    ]
    if policy.ignore:
        changes = [change for change in changes if change.change_id not in policy.ignore]
    return changes


def _by_code(
    entries: Iterable[Entry], codes: set[tuple[str, str]]
) -> dict[tuple[str, str], list[_Occurrence]]:
    groups: dict[tuple[str, str], list[_Occurrence]] = defaultdict(list)
    for position, entry in enumerate(entries):
        if (entry.locale, entry.code) in codes:
            groups[(entry.locale, entry.code)].append(_Occurrence(position, entry))
    return groups


Pairs = list[tuple[_Occurrence, _Occurrence]]


def _match(
    old: list[_Occurrence], new: list[_Occurrence]
) -> tuple[list[_Occurrence], list[_Occurrence], Pairs]:
    """Pair one code's occurrences; return (unpaired old, unpaired new, changed pairs)."""
    old, new = _drop_equal(old, new)
    moved, old, new = _pair_same_message(old, new)
    reworded, old, new = _pair_by_similarity(old, new)
    return old, new, moved + reworded


def _drop_equal(
    old: list[_Occurrence], new: list[_Occurrence]
) -> tuple[list[_Occurrence], list[_Occurrence]]:
    """Remove occurrences unchanged in section and message; later duplicates are the surplus."""
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for occurrence in old:
        counts[(occurrence.entry.section, occurrence.entry.message)] += 1
    rest_new: list[_Occurrence] = []
    for occurrence in new:
        key = (occurrence.entry.section, occurrence.entry.message)
        if counts[key]:
            counts[key] -= 1
        else:
            rest_new.append(occurrence)
    rest_old: list[_Occurrence] = []
    for occurrence in reversed(old):
        key = (occurrence.entry.section, occurrence.entry.message)
        if counts[key]:
            counts[key] -= 1
            rest_old.append(occurrence)
    rest_old.reverse()
    return rest_old, rest_new


def _pair_same_message(
    old: list[_Occurrence], new: list[_Occurrence]
) -> tuple[Pairs, list[_Occurrence], list[_Occurrence]]:
    """The same message in another section: a move."""
    by_message: dict[str, list[_Occurrence]] = defaultdict(list)
    for occurrence in new:
        by_message[occurrence.entry.message].append(occurrence)
    pairs: Pairs = []
    rest_old: list[_Occurrence] = []
    for occurrence in old:
        candidates = by_message.get(occurrence.entry.message)
        if candidates:
            pairs.append((occurrence, candidates.pop(0)))
        else:
            rest_old.append(occurrence)
    taken = {id(b) for _, b in pairs}
    return pairs, rest_old, [o for o in new if id(o) not in taken]


def _pair_by_similarity(
    old: list[_Occurrence], new: list[_Occurrence]
) -> tuple[Pairs, list[_Occurrence], list[_Occurrence]]:
    """Best pairs first: the most similar old and new messages are the same error reworded."""
    if not old or not new:
        return [], old, new
    scored = sorted(
        (
            (
                -similarity(a.entry.message, b.entry.message),
                a.entry.section != b.entry.section,
                abs(a.position - b.position),
                i,
                j,
            )
            for i, a in enumerate(old)
            for j, b in enumerate(new)
        )
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: Pairs = []
    for *_, i, j in scored:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    rest_old = [o for i, o in enumerate(old) if i not in used_old]
    rest_new = [o for j, o in enumerate(new) if j not in used_new]
    return pairs, rest_old, rest_new


def _renumbered(removed: list[_Occurrence], added: list[_Occurrence]) -> Pairs:
    waiting: dict[tuple[str, str, str], list[_Occurrence]] = defaultdict(list)
    for occurrence in added:
        entry = occurrence.entry
        if entry.message.strip():
            waiting[(entry.locale, entry.section, normalise(entry.message))].append(occurrence)
    pairs: Pairs = []
    for occurrence in sorted(removed, key=lambda o: o.position):
        entry = occurrence.entry
        candidates = waiting.get((entry.locale, entry.section, normalise(entry.message)))
        if candidates:
            pairs.append((occurrence, candidates.pop(0)))
    return pairs


def _paired(old: Entry, new: Entry, policy: Policy) -> Change:
    kind: Kind = "moved" if old.message == new.message else "reworded"
    return _change(policy, kind, old, new)


def _change(policy: Policy, kind: Kind, old: Entry | None, new: Entry | None) -> Change:
    trivial: bool | None = None
    score: float | None = None
    if kind == "reworded" and old is not None and new is not None:
        trivial = is_trivial(old.message, new.message)
        score = similarity(old.message, new.message)
    here = new or old
    assert here is not None
    return Change(
        source=None,
        exchange=None,
        observed_at=None,
        kind=kind,
        severity=policy.severity_of(kind, trivial),
        trivial=trivial,
        similarity=score,
        code=(old or here).code,
        new_code=new.code if kind == "renumbered" and new is not None else None,
        locale=here.locale,
        section=here.section,
        old_section=old.section if old and new and old.section != new.section else None,
        old_message=old.message if old is not None else None,
        new_message=new.message if new is not None else None,
    )
