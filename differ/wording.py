"""How alike two messages are, and whether a rewording is cosmetic.

A rewording is *trivial* when only case, whitespace, punctuation, quote style
or the spelling of a placeholder changed (``{0}`` → ``{param0}``, ``%s`` →
``{0}``): an SDK's error mapping does not care. Adding or removing a
placeholder is never trivial, nor is any change of a digit ("VIP5" → "VIP6").
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

_PLACEHOLDER = re.compile(
    r"\{[^{}\s]{0,40}\}|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?[sdifxXeEgGcroub@]|\$\{[^}]{1,40}\}"
)
_QUOTES = str.maketrans(
    {"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"'}
)
_NOT_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(message: str) -> str:
    """The wording that matters: placeholders unified, case, quotes, punctuation and spacing dropped."""
    text = unicodedata.normalize("NFKC", message).translate(_QUOTES)
    text = _PLACEHOLDER.sub(" \x00 ", text)
    return " ".join(_NOT_WORD.sub(" ", text.replace("\x00", "PLACEHOLDER")).casefold().split())


def similarity(old: str, new: str) -> float:
    """0 (unrelated) to 1 (identical), rounded for stable output."""
    if old == new:
        return 1.0
    return round(fuzz.ratio(old, new) / 100.0, 3)


def is_trivial(old: str, new: str) -> bool:
    return normalise(old) == normalise(new)
