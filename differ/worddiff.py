"""Which words of a message changed: every format marks them its own way."""

from __future__ import annotations

import difflib
from typing import NamedTuple


class Span(NamedTuple):
    """A run of words: the same on both sides, or changed (``old`` → ``new``, either may be empty)."""

    same: bool
    old: str
    new: str


def word_diff(old: str, new: str) -> list[Span]:
    """Spans over whole words, so a marked change is something a reader can find."""
    a, b = old.split(" "), new.split(" ")
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    return [
        Span(op == "equal", " ".join(a[i1:i2]), " ".join(b[j1:j2]))
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
