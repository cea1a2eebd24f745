"""errata's Datasette plugin: the pages people read, registered by ``errata serve``.

A package, not a module, because Datasette finds a plugin's ``templates/``
and ``static/`` beside its ``__init__``. It adds:

- pages of its own (``register_routes``): the home page at ``/`` (high-severity
  changes, sources that need a person and the command that fixes each, every
  exchange) and one page per exchange at ``/-/exchanges/NAME``;
- templates that show a change the way the email does (severity pill, changed
  words struck and highlighted, links to the code's history, the exchange and
  its documentation page) on the change log, ``recent_changes``,
  ``exchange_changes``, ``code_history`` and ``source_health``, with the plain
  table one click away;
- column descriptions and facets folded into ``<details>``, so data comes first;
- links and marks in every other table cell (``render_cell``).

Charts are datasette-dashboards' (``db/charts.py``); the exchange page draws
the same charts filtered to its exchange with that plugin's own scripts. The
Atom feeds are errata's own renderer (``feed``), which writes valid feeds,
empty ones included.

Page text is untrusted: templates rely on Jinja's autoescape and never mark
page text safe; the word diff escapes each run of words before marking it
(``marks.diff``). Every value a template prints, and every cell, is made inert
first (``parsers.inert``: no control character or bidi override), and the CSV
exports are rewritten so that no cell runs as a spreadsheet formula
(``csvsafe``, through ``asgi_wrapper``).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from datasette import hookimpl  # type: ignore[import-untyped]
from markupsafe import Markup

from errata.db import links
from errata.db.links import DATABASE
from errata.db.metadata import register_functions
from errata.db.pages import cards, csvsafe, feed, marks, queries, views
from errata.parsers import inert

SEVERITIES = ("high", "medium", "low")


@hookimpl  # type: ignore[untyped-decorator]
def prepare_connection(conn: sqlite3.Connection) -> None:
    """The SQL functions the feed queries call."""
    register_functions(conn)


@hookimpl  # type: ignore[untyped-decorator]
def register_routes() -> list[tuple[str, Any]]:
    """The home page replaces Datasette's list of databases (``/errata`` still lists tables)."""
    return [(r"^/$", views.home), (r"^/-/exchanges/(?P<exchange>[^/]+)$", views.exchange)]


@hookimpl  # type: ignore[untyped-decorator]
def extra_css_urls(datasette: Any) -> list[str]:
    return [datasette.urls.static_plugins(__name__, "errata.css")]


@hookimpl  # type: ignore[untyped-decorator]
def prepare_jinja2_environment(env: Any) -> None:
    env.filters["errata_when"] = marks.when
    env.globals["errata_diff"] = marks.diff
    env.globals["errata_card"] = cards.card
    env.finalize = _finalize  # before any template is compiled: Datasette calls this at startup


def _finalize(value: Any) -> Any:
    """What every ``{{ }}`` prints: plain text made inert (markup errata built is left alone)."""
    return inert(value) if type(value) is str else value


@hookimpl(trylast=True)  # type: ignore[untyped-decorator]
def register_output_renderer() -> dict[str, Any]:
    """``.atom``: errata's feeds (``feed``); called last, so it wins over datasette-atom's."""
    return {"extension": "atom", "render": feed.render, "can_render": feed.can_render}


@hookimpl  # type: ignore[untyped-decorator]
def asgi_wrapper() -> Any:
    """Every CSV export, rewritten so that no cell runs as a spreadsheet formula."""
    return csvsafe.wrap


@hookimpl  # type: ignore[untyped-decorator]
def extra_template_vars(database: str | None, datasette: Any) -> Any:
    """``errata``: links for the templates; on errata's pages also each source's page and exchange."""

    async def template_vars() -> dict[str, Any]:
        sources = {}
        if database == DATABASE:
            sources = await queries.source_pages(datasette.get_database(DATABASE))
        return {"errata": Links(datasette.urls.path(""), sources)}

    return template_vars


class Links:
    """The addresses a change links to, for templates (``errata.history(source, code)`` …)."""

    def __init__(self, base: str, sources: dict[str, dict[str, Any]]) -> None:
        self.base = base.rstrip("/")
        self.sources = sources

    def history(self, source: str, code: str) -> str:
        return links.code_history_url(self.base, source, code)

    def change(self, change_id: str, observed_at: str) -> str:
        return links.change_url(self.base, change_id, observed_at)

    def exchange(self, exchange: str) -> str:
        return links.exchange_page_url(self.base, exchange)

    def exchange_of(self, source: str) -> str:
        return str(self.sources.get(source, {}).get("exchange") or "")

    def docs(self, source: str) -> str:
        """The source's documentation page; only http(s) addresses become links."""
        url = str(self.sources.get(source, {}).get("url") or "")
        return url if url.startswith(("https://", "http://")) else ""

    def charts(self, exchange: str = "") -> str:
        return links.charts_url(self.base, exchange)

    def source(self, source: str) -> str:
        return links.source_url(self.base, source)

    def query(self, name: str) -> str:
        return f"{self.base}/{DATABASE}/{name}"


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(row: Any, value: Any, column: str, database: str, datasette: Any) -> Markup | None:
    """Links for codes, source ids and change ids; a pill for a severity; marks in a rewording."""
    if database != DATABASE or not isinstance(value, str) or not value:
        return None
    if column == "severity" and value in SEVERITIES:
        return Markup('<span class="errata-pill errata-{}">{}</span>').format(value, value)
    if column in ("old_message", "new_message") and (marked := _marked(row, column)):
        return marked
    href = _href(row, value, column, datasette.urls.path(""))
    if href is not None:
        return Markup('<a href="{}">{}</a>').format(href, inert(value))
    return None if inert(value) == value else Markup.escape(inert(value))


def _marked(row: Any, column: str) -> Markup | None:
    old, new = _field(row, "old_message"), _field(row, "new_message")
    if old is None or new is None or old == new:
        return None
    marked = marks.diff(old, new)
    return Markup('<span class="errata-message">{}</span>').format(
        marked.old if column == "old_message" else marked.new
    )


def _href(row: Any, value: str, column: str, base: str) -> str | None:
    source = _field(row, "source_id")
    if column in ("code", "new_code") and source is not None:
        return links.code_history_url(base, source, value)
    if column == "source_id":
        # A plain string here: on a table, Datasette hands a foreign key over as
        # a {"value", "label"} dict and links it itself.
        return links.source_url(base, value)
    if column == "exchange":
        return links.exchange_page_url(base, value)
    observed_at = _field(row, "observed_at")
    if column == "change_id" and observed_at is not None:
        return links.change_url(base, value, observed_at)
    return None


def _field(row: Any, name: str) -> str | None:
    """A column of the row being rendered, if it has one (rows are ``sqlite3.Row`` or dict-like)."""
    try:
        value = row[name]
    except (KeyError, IndexError):
        return None
    if isinstance(value, dict):  # an expanded foreign key
        value = value.get("value")
    return value if isinstance(value, str) else None
