"""Pairing one code's occurrences across two revisions, in linear time.

Codes repeat (OKX lists 51024 thirty-two times), so each (locale, code) has a
list of occurrences on each side, and the differ needs to know which old one
became which new one. Exact matches come first, each a hash lookup:

1. same section, message, deprecation and counted details: unchanged;
2. same section and message: at most a deprecation or a detail changed;
3. same message anywhere (kin sections first): ``moved``;
4. the same wording up to case, punctuation, placeholders and hyphenation,
   anywhere: a trivial rewording (of a code that also moved, perhaps);

then what is left pairs by message similarity, but only within kin sections
(``differ.sections.kin``): best pairs first over every pair when the code has
few occurrences, otherwise over a window of neighbours in page order, so a
code repeated 20,000 times costs 20,000 × a small constant, not 20,000².
Within kin sections leftovers still pair in page order, so a code that stays
is never reported as removed plus added; across unrelated sections they are
what they look like, except a code written in words (``names_itself``) left
alone on each side, which is one error moved (and reworded).

An old occurrence's ``section`` is its section after the page's heading
renames, so codes under a renamed heading pair as if it had not changed; its
``lineage`` is where its section's codes went (``differ.sections.lineage``),
which decides kinship.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass

from errata.differ.sections import kin
from errata.differ.wording import similarity, wording_key
from errata.parsers import Entry

FULL = 64 * 64  # pairs scored exhaustively; above this, a window of neighbours
WINDOW = 6  # neighbours on each side, in page order, an old occurrence is scored against
SCAN = 16  # same-message candidates looked through for a kin section


@dataclass(frozen=True, slots=True)
class Occurrence:
    position: int
    entry: Entry
    section: str  # where it is compared: for an old entry, its section after heading renames
    lineage: str  # whose kin it is: for an old entry, where its section's codes went
    details: tuple[tuple[str, str], ...] = ()  # the counted extra columns, sorted


Pairs = list[tuple[Occurrence, Occurrence]]
Split = tuple[Pairs, list[Occurrence], list[Occurrence]]


def match(old: list[Occurrence], new: list[Occurrence]) -> Split:
    """(changed pairs, unpaired old, unpaired new); unchanged pairs are dropped."""
    _, old, new = _pair_by(old, new, _unchanged)
    found: Pairs = []
    for key in (_in_place, _message, _wording):
        pairs, old, new = _pair_by(old, new, key)
        found += pairs
    pairs, old, new = _pair_by_similarity(old, new)
    found += pairs
    if len(old) == len(new) == 1 and names_itself(old[0].entry.code):
        return [*found, (old[0], new[0])], [], []
    return found, old, new


def names_itself(code: str) -> bool:
    """Whether a code is written in words (``EAPI:Rate limit exceeded``, ``Server Error``).

    Such a code is one error wherever the page puts it: the section lineage that keeps
    a generic ``1002`` of two API sections apart does not apply when it is alone on
    each side (Kraken lists a code it only quoted in its rate-limit notes before).
    """
    return " " in code


def _unchanged(o: Occurrence) -> Hashable:
    return (o.section, o.entry.message, o.entry.deprecated, o.details)


def _in_place(o: Occurrence) -> Hashable:
    return (o.section, o.entry.message)


def _message(o: Occurrence) -> Hashable:
    return o.entry.message


def _wording(o: Occurrence) -> Hashable:
    return wording_key(o.entry.message)


def _pair_by(
    old: list[Occurrence], new: list[Occurrence], key: Callable[[Occurrence], Hashable]
) -> Split:
    """Old and new occurrences with equal keys, in page order; kin sections preferred.

    Of several equal candidates the first kin one is taken (looking at most
    ``SCAN`` deep), else the first: later duplicates are the surplus.
    """
    if not old or not new:
        return [], old, new
    waiting: dict[Hashable, deque[Occurrence]] = defaultdict(deque)
    for occurrence in new:
        waiting[key(occurrence)].append(occurrence)
    pairs: Pairs = []
    rest_old: list[Occurrence] = []
    for occurrence in old:
        candidates = waiting.get(key(occurrence))
        if candidates:
            pairs.append((occurrence, _take(candidates, occurrence.lineage)))
        else:
            rest_old.append(occurrence)
    taken = {id(b) for _, b in pairs}
    return pairs, rest_old, [o for o in new if id(o) not in taken]


def _take(candidates: deque[Occurrence], section: str) -> Occurrence:
    return _take_kin(candidates, section) or candidates.popleft()


def _take_kin(candidates: deque[Occurrence], section: str) -> Occurrence | None:
    """The first of the first ``SCAN`` candidates in a kin section, taken out; None if none is."""
    for i in range(min(len(candidates), SCAN)):
        if kin(section, candidates[i].entry.section):
            found = candidates[i]
            del candidates[i]
            return found
    return None


def _pair_by_similarity(old: list[Occurrence], new: list[Occurrence]) -> Split:
    """Best pairs first: the most similar old and new messages of kin sections are one error
    reworded; then kin leftovers in page order."""
    if not old or not new:
        return [], old, new
    pairs = _greedy(old, new, _candidates(old, new))
    _, rest_old, rest_new = _remove(pairs, old, new)
    pairs += _in_order(rest_old, rest_new)
    return _remove(pairs, old, new)


Scored = tuple[float, bool, int, int, int]


def _candidates(old: list[Occurrence], new: list[Occurrence]) -> list[Scored]:
    """(−similarity, sections differ, distance, i, j) for the pairs worth scoring."""
    indices: Iterable[tuple[int, int]]
    if len(old) * len(new) <= FULL:
        indices = ((i, j) for i in range(len(old)) for j in range(len(new)))
    else:
        indices = _window(len(old), len(new))
    return [_score(old, new, i, j) for i, j in indices if kin(old[i].lineage, new[j].entry.section)]


def _window(n_old: int, n_new: int) -> list[tuple[int, int]]:
    """Each old index with the new indices around its proportional place in page order."""
    pairs = []
    for i in range(n_old):
        centre = i * n_new // n_old
        pairs += [(i, j) for j in range(max(0, centre - WINDOW), min(n_new, centre + WINDOW + 1))]
    return pairs


def _score(old: Sequence[Occurrence], new: Sequence[Occurrence], i: int, j: int) -> Scored:
    a, b = old[i], new[j]
    return (
        -similarity(a.entry.message, b.entry.message),
        a.section != b.entry.section,
        abs(a.position - b.position),
        i,
        j,
    )


def _greedy(old: list[Occurrence], new: list[Occurrence], scored: list[Scored]) -> Pairs:
    scored.sort()
    used_old: set[int] = set()
    used_new: set[int] = set()
    pairs: Pairs = []
    for *_, i, j in scored:
        if i not in used_old and j not in used_new:
            used_old.add(i)
            used_new.add(j)
            pairs.append((old[i], new[j]))
    return pairs


def _in_order(old: list[Occurrence], new: list[Occurrence]) -> Pairs:
    """What the window missed: each old occurrence with the next unpaired kin one, in page order."""
    waiting = deque(new)
    pairs: Pairs = []
    for occurrence in old:
        found = _take_kin(waiting, occurrence.lineage)
        if found is not None:
            pairs.append((occurrence, found))
    return pairs


def _remove(pairs: Pairs, old: list[Occurrence], new: list[Occurrence]) -> Split:
    paired = {id(o) for pair in pairs for o in pair}
    return pairs, [o for o in old if id(o) not in paired], [o for o in new if id(o) not in paired]
