"""Page text is untrusted: make it inert in each output format."""

from __future__ import annotations

import re

from errata.parsers import inert

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<|~&])")
_MD_BLOCK_MARK = re.compile(r"^(\s*)([#+=>-])")
_MD_ORDERED = re.compile(r"^(\s*\d+)([.)])")


def markdown_text(text: str, indent: int = 2) -> str:
    """Literal text in Markdown: no emphasis, links, images, HTML or entities can form.

    Line breaks become hard breaks indented by ``indent``, so a multi-line
    message stays inside its list item.
    """
    lines = (
        _MD_ORDERED.sub(r"\1\\\2", _MD_BLOCK_MARK.sub(r"\1\\\2", _MD_SPECIAL.sub(r"\\\1", line)))
        for line in inert(text).split("\n")
    )
    return ("\\\n" + " " * indent).join(lines)


def markdown_code(text: str) -> str:
    """An inline code span that no backtick in ``text`` can close early."""
    text = " ".join(inert(text).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
