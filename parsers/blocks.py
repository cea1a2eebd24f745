"""The block stream: what the HTML and Markdown readers share.

Each reader turns its format into a flat sequence of blocks (headings,
tables, list items, paragraphs, rules) in document order. Everything after
that, selecting the watched section, naming sections, finding the code and
message columns, recognising non-table layouts, is written once, in
``parsers.extract``, against these blocks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

CAPTION = 7  # the level of a caption: a line right above a table, a table's <caption>
TAB = -1  # the level a reader gives a tab's label before ``tabs_leveled`` places it


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading, a caption (level 7), or the label of a tab.

    A tab (MDX ``<TabItem label=…>``, GitBook ``{% tab title=… %}``, an HTML
    ``role="tabpanel"``) is a heading one level below the last real heading, so
    the tables of two tabs get two sections; where the tab closes, a heading of
    the same level without text ends it, and what follows is under the real
    heading again (a heading without text adds nothing to a section path).
    """

    level: int  # 1-6 as in HTML; 7 for a caption line right above a table
    text: str
    anchors: tuple[str, ...] = ()  # ids the page gives it (HTML id, {#id}, <a name>)
    struck: bool = False  # the whole heading is struck through (a retired code)


def tab_level(under: int) -> int:
    """The level of a tab opened (or closed) below a heading of level ``under`` (0: none)."""
    return min(under + 1, CAPTION)


def tabs_leveled(blocks: Iterable[Block]) -> Iterator[Block]:
    """The blocks, each tab heading (level ``TAB``) placed one level below the last real heading."""
    under = 0
    for block in blocks:
        if isinstance(block, Heading):
            if block.level == TAB:
                block = replace(block, level=tab_level(under))
            elif block.level < CAPTION:
                under = block.level
        yield block


class Lead(NamedTuple):
    """The code span or bold text a list item or a paragraph starts with.

    It is how a page marks a code in prose (`` `notFound`: … ``, ``**notFound**: …``,
    ``<dt><code>notFound</code></dt>``), read where the markup still is: the text
    of a block has it flattened away.
    """

    token: str = ""  # as a code would be cleaned (``clean_code``); "" when the block starts plain
    whole: bool = False  # the token is all the block says: a title (``**-1000 UNKNOWN**``)
    bold: bool = False  # set in bold, not as code


NO_LEAD = Lead()


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
    lead: Lead = NO_LEAD  # of the term, for a definition


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Prose. Read lazily: only the heading-per-code layout looks at it, and a long
    section of prose would otherwise cost more than its tables."""

    load: Callable[[], str] = field(compare=False)
    starts: Callable[[], Lead] = field(default=lambda: NO_LEAD, compare=False)

    @property
    def text(self) -> str:
        return self.load()

    @property
    def lead(self) -> Lead:
        return self.starts()

    @classmethod
    def of(cls, text: str, lead: Lead = NO_LEAD) -> Paragraph:
        return cls(lambda: text, lambda: lead)


@dataclass(frozen=True, slots=True)
class Rule:
    """A thematic break; bilingual pages put one between their language halves."""


Block = Heading | Table | Item | Paragraph | Rule
