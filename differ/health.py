"""Is a new revision believable? A broken page must not read as mass removal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from errata.differ.policy import DEFAULT_MAX_REMOVED
from errata.parsers import Entry


def suspicion(
    old: Sequence[Entry], new: Sequence[Entry], max_removed: float = DEFAULT_MAX_REMOVED
) -> str | None:
    """Why ``new`` should be held back as suspect, or None when it looks sound.

    A page that suddenly has no entries, or loses more than ``max_removed`` of
    the codes it had, is far more often a broken page or parser than a real
    change; the revision is kept, but applied only when a person accepts it.

    Codes are counted by (locale, code), wherever they stand: codes that went
    with a renamed heading, or that stay on the page struck through
    (deprecated), are not lost; nor is a code the page renumbered by striking
    it beside its successor (``~~50010~~ 50210``: 50210 ``replaces`` 50010).
    """
    if not new:
        return "the page has no entries"
    if not old:
        return None
    before = {(e.locale, e.code) for e in old}
    after = {(e.locale, e.code) for e in new}
    after |= {(e.locale, e.replaces) for e in new if e.replaces}
    lost = len(before - after)
    if lost > max_removed * len(before):
        return f"{lost} of {len(before)} codes would be removed (more than {max_removed:.0%})"
    return None


def duplicates(entries: Sequence[Entry]) -> list[tuple[Entry, int]]:
    """Rows a page lists more than once, word for word, with how many times: a defect of the docs."""
    counts = Counter(entries)
    return [(entry, n) for entry, n in counts.items() if n > 1]


def new_duplicates(old: Sequence[Entry], new: Sequence[Entry]) -> list[str]:
    """The duplicates of ``new`` that ``old`` did not have, described for a report (once, when they appear)."""
    before = dict(duplicates(old))
    return [
        f"{entry.code} is listed {n} times" + (f" in {entry.section}" if entry.section else "")
        for entry, n in duplicates(new)
        if before.get(entry, 0) < n
    ]
