"""Page text is untrusted: make it inert in each output format."""

from __future__ import annotations

import re

from errata.parsers import inert

# Entities, not backslashes, for the characters some renderers do not unescape (Python-Markdown
# shows a literal \& or \~): every CommonMark and GFM renderer decodes these the same way.
_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", "~": "&#126;"}
_MD_ENTITY = re.compile("[&<~]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|])")
_MD_BLOCK_MARK = re.compile(r"^(\s*)([#+=>-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def markdown_text(text: str, indent: int = 2) -> str:
    """Literal text in Markdown: no emphasis, links, images, HTML or entities can form.

    ``&``, ``<`` and ``~`` become entities (so ``&copy;`` stays as typed, no tag
    opens, no GFM strikethrough forms), the other marks are backslash-escaped,
    and a line cannot start a heading, quote or list. Line breaks become hard
    breaks indented by ``indent``, so a multi-line message stays inside its
    list item. The result renders the same in CommonMark and GFM renderers.
    """
    lines = (_line(line) for line in inert(text).split("\n"))
    return ("\\\n" + " " * indent).join(lines)


def _line(line: str) -> str:
    line = _MD_SPECIAL.sub(r"\\\1", _MD_ENTITY.sub(lambda m: _MD_ENTITIES[m.group()], line))
    return _MD_ORDERED.sub(r"\1\\\2", _MD_BLOCK_MARK.sub(r"\1\\\2", line))


def markdown_code(text: str) -> str:
    """An inline code span that no backtick in ``text`` can close early."""
    text = " ".join(inert(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def markdown_struck(markdown: str) -> str:
    """Already-escaped Markdown struck through: ``<del>``, which CommonMark renders too
    (``~~`` is GFM's alone, and shows as typed elsewhere)."""
    return f"<del>{markdown}</del>"
