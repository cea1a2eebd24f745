"""Page text as HTML for errata's Datasette pages: escaped first, then marked.

Every string here comes from a documentation page and is untrusted. Each run
of words is escaped on its own before errata wraps it in ``<del>``/``<ins>``,
so the only markup in the result is errata's; the ``Markup`` returned tells
Jinja not to escape it again. Templates never use ``|safe`` on page text.
"""

from __future__ import annotations

from typing import NamedTuple

from markupsafe import Markup, escape

from errata.differ.worddiff import word_diff


class Marked(NamedTuple):
    """The old and new message with the changed words marked (struck, highlighted)."""

    old: Markup
    new: Markup


def diff(old: str | None, new: str | None) -> Marked:
    """Word-level marks, as the email shows them: removed words struck, added ones highlighted."""
    left: list[Markup] = []
    right: list[Markup] = []
    for span in word_diff(old or "", new or ""):
        if span.same:
            left.append(escape(span.old))
            right.append(escape(span.new))
            continue
        if span.old:
            left.append(Markup('<del class="errata-del">{}</del>').format(span.old))
        if span.new:
            right.append(Markup('<ins class="errata-ins">{}</ins>').format(span.new))
    return Marked(Markup(" ").join(left), Markup(" ").join(right))


def when(value: str | None) -> str:
    """A stored time (``2026-01-14T08:00:00Z``) as people read it: ``2026-01-14 08:00 UTC``."""
    if not value:
        return ""
    day, _, clock = value.partition("T")
    return f"{day} {clock[:5]} UTC" if clock else day
