"""How alike two messages are, and whether a rewording is cosmetic.

A rewording is *trivial* when only case, whitespace, punctuation, quote style,
the spelling of a placeholder (``{0}`` → ``{param0}``, ``%s`` → ``{0}``), the
hyphenation of a word (``sub-account`` → ``subaccount`` or ``sub account``) or a
stray letter changed: an SDK's error mapping does not care. Adding or removing
a placeholder is never trivial, nor is any change of a digit ("VIP5" → "VIP6"),
nor a substituted letter ("enable" → "unable").
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

_PLACEHOLDER = re.compile(
    r"\{[^{}\s]{0,40}\}|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifxXeEgGcroub@]|\$\{[^}]{1,40}\}"
)
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_HYPHEN = re.compile(r"(?<=[^\W\d_])[-\u2010\u2011](?=[^\W\d_])")  # between letters only
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)
_STRAY_WORD_LENGTH = (
    6  # shorter words change meaning with one letter ("can"/"cant", "lose"/"loose")
)


def normalise(message: str) -> str:
    """The wording that matters: placeholders unified, case, quotes, punctuation and spacing dropped."""
    text = unicodedata.normalize("NFKC", message).translate(_QUOTES)
    text = _PLACEHOLDER.sub(" \x00 ", text)
    return " ".join(_NOT_WORD.sub(" ", text.replace("\x00", "PLACEHOLDER")).casefold().split())


def wording_key(message: str) -> str:
    """What two messages share when they differ at most trivially: ``normalise`` without spaces,
    so ``sub-account``, ``sub account`` and ``subaccount`` are one key."""
    return normalise(message).replace(" ", "")


def similarity(old: str, new: str) -> float:
    """0 (unrelated) to 1 (identical), rounded for stable output."""
    if old == new:
        return 1.0
    return round(fuzz.ratio(old, new) / 100.0, 3)


def is_trivial(old: str, new: str) -> bool:
    a, b = normalise(old), normalise(new)
    return a == b or _rehyphenated(old, new, a, b) or _stray_letter(a.split(" "), b.split(" "))


def _rehyphenated(old: str, new: str, old_words: str, new_words: str) -> bool:
    """Only the hyphens inside words were added or dropped (``sub-account`` → ``subaccount``)."""
    if old_words.replace(" ", "") != new_words.replace(" ", ""):
        return False  # the letters differ, whatever the hyphens
    return normalise(_HYPHEN.sub("", old)) == normalise(_HYPHEN.sub("", new))


def _stray_letter(old: list[str], new: list[str]) -> bool:
    """One word differs by one inserted, dropped or swapped letter: a typo fixed or made."""
    if len(old) != len(new):
        return False
    differing = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    if len(differing) != 1:
        return False
    a, b = differing[0]
    if min(len(a), len(b)) < _STRAY_WORD_LENGTH or any(ch.isdigit() for ch in a + b):
        return False
    # OSA counts an adjacent swap as one edit; a one-letter replacement keeps the length
    # but not the letters, and is excluded
    return OSA.distance(a, b) == 1 and (len(a) != len(b) or sorted(a) == sorted(b))
