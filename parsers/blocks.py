"""The block stream: what the HTML and Markdown readers share.

Each reader turns its format into a flat sequence of blocks (headings,
tables, list items, paragraphs, rules) in document order. Everything after
that, selecting the watched section, naming sections, finding the code and
message columns, recognising non-table layouts, is written once, in
``parsers.extract``, against these blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Heading:
    level: int  # 1-6 as in HTML; 7 for a caption line right above a table
    text: str
    anchors: tuple[str, ...] = ()  # ids the page gives it (HTML id, {#id}, <a name>)
    struck: bool = False  # the whole heading is struck through (a retired code)


@dataclass(frozen=True, slots=True)
class Rows:
    """A table body, expanded: one list of cell texts per row, spans filled in.

    ``struck`` names the cells struck through as a whole; ``partly_struck`` the
    cells where only a part is (``~~50010~~ 50210``), with that part and the rest,
    so a code cell can say "50210, which replaces 50010".
    """

    cells: list[list[str]]
    struck: frozenset[tuple[int, int]] = frozenset()  # (row, column) cells struck through
    partly_struck: Mapping[tuple[int, int], tuple[str, str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Table:
    """A table; ``header`` is empty when the page marks no header row.

    Body rows are read lazily: most tables on a large page are parameter
    tables, and knowing from the header alone that a table holds no codes
    saves reading its cells.
    """

    header: tuple[str, ...]
    load: Callable[[], Rows] = field(compare=False)


@dataclass(frozen=True, slots=True)
class Item:
    """A list item, or a definition (``term`` set) from ``<dl>`` or ``term\\n: text``."""

    text: str
    term: str | None = None
    struck: bool = False


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Prose. Read lazily: only the heading-per-code layout looks at it, and a long
    section of prose would otherwise cost more than its tables."""

    load: Callable[[], str] = field(compare=False)

    @property
    def text(self) -> str:
        return self.load()

    @classmethod
    def of(cls, text: str) -> Paragraph:
        return cls(lambda: text)


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break; bilingual pages put one between their language halves."""


Block = Heading | Table | Item | Paragraph | Rule
