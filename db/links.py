"""Addresses of errata's pages in Datasette, for reports and for the served pages themselves.

Pure string functions (no Datasette import), so a Slack message or an email
can link to the matching page whenever a base URL is configured. ``base_url``
is the Datasette root, where ``errata serve`` runs (``http://127.0.0.1:8001``
or ``https://errata.example.com/datasette/``); a trailing slash is fine, and
an empty base gives site-relative paths (``/errata/...``), which is what the
served pages use for their own links.

The shapes (values are percent-encoded, see ``_query``)::

    {base}/errata/change_log?change_id={id}&observed_at={time}
    {base}/errata/code_history?source={source}&code={code}
    {base}/errata/sources/{source, tilde-encoded}
    {base}/errata/exchange_changes?exchange={exchange}&since={time}
    {base}/errata/recent_changes?since={time}
    {base}/errata/change_log?exchange={exchange}&observed_at__startswith={day}
    {base}/errata/feed.atom
    {base}/errata/exchange_feed.atom?exchange={exchange}
    {base}/-/exchanges/{exchange, percent-encoded}     (errata's page per exchange)
    {base}/-/dashboards/errata                         (the charts over time)
"""

from __future__ import annotations

from urllib.parse import quote

DATABASE = "errata"  # the database's name in Datasette, whatever the file is called
DASHBOARD = "errata"  # the charts' dashboard in datasette-dashboards


def change_url(base_url: str, change_id: str, observed_at: str) -> str:
    """The change log filtered to one change.

    Both columns are needed: a change id names *what* changed, so a code that
    flips back and forth recurs with the same id at other times.
    """
    return _page(base_url, "change_log", {"change_id": change_id, "observed_at": observed_at})


def code_history_url(base_url: str, source: str, code: str) -> str:
    """Every version of one code of one source (the ``code_history`` canned query)."""
    return _page(base_url, "code_history", {"source": source, "code": code})


def source_url(base_url: str, source: str) -> str:
    """A source's own row page, which also counts its fetches, revisions, entries and changes."""
    return f"{_root(base_url)}/sources/{tilde_encode(source)}"


def exchange_changes_url(base_url: str, exchange: str, since: str = "") -> str:
    """The ``exchange_changes`` canned query; an empty ``since`` means all of its history."""
    return _page(base_url, "exchange_changes", {"exchange": exchange, "since": since})


def recent_changes_url(base_url: str, since: str) -> str:
    """The ``recent_changes`` canned query: every change since a time, newest first."""
    return _page(base_url, "recent_changes", {"since": since})


def day_url(base_url: str, exchange: str, day: str) -> str:
    """One exchange's changes on one day (``2026-01-21``): the change log, filtered."""
    return _page(base_url, "change_log", {"exchange": exchange, "observed_at__startswith": day})


class Pages:
    """The addresses reports link to beyond one change (``reports.model.Pages``)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def since(self, moment: str) -> str:
        return recent_changes_url(self.base_url, moment)

    def day(self, exchange: str, day: str) -> str:
        return day_url(self.base_url, exchange, day)


def feed_url(base_url: str, exchange: str | None = None) -> str:
    """The Atom feed of every change, or of one exchange's."""
    if exchange is None:
        return f"{_root(base_url)}/feed.atom"
    return _page(base_url, "exchange_feed.atom", {"exchange": exchange})


def exchange_page_url(base_url: str, exchange: str) -> str:
    """errata's page for one exchange: its health, codes by category, charts and changes."""
    return f"{base_url.rstrip('/')}/-/exchanges/{quote(exchange, safe='')}"


def charts_url(base_url: str, exchange: str = "") -> str:
    """The charts over time (a datasette-dashboards dashboard), optionally for one exchange."""
    page = f"{base_url.rstrip('/')}/-/dashboards/{DASHBOARD}"
    return f"{page}?{_query({'exchange': exchange})}" if exchange else page


def tilde_encode(value: str) -> str:
    """Datasette's encoding of a primary key in a row URL (its ``utils.tilde_encode``).

    Letters, digits, ``_`` and ``-`` stay; a space becomes ``+``; every other
    UTF-8 byte becomes ``~XX``. Unlike percent-encoding it survives proxies
    that decode ``%2F`` into a slash.
    """
    return "".join(_tilde_byte(byte) for byte in value.encode("utf-8"))


def _tilde_byte(byte: int) -> str:
    char = chr(byte)
    if byte < 128 and (char.isalnum() or char in "_-"):
        return char
    return "+" if char == " " else f"~{byte:02X}"


def _root(base_url: str) -> str:
    return f"{base_url.rstrip('/')}/{DATABASE}"


def _page(base_url: str, name: str, params: dict[str, str]) -> str:
    return f"{_root(base_url)}/{name}?{_query(params)}"


def _query(params: dict[str, str]) -> str:
    """``key=value`` pairs, everything but unreserved characters percent-encoded.

    Nothing is left bare (not even ``/``, ``:`` or ``+``), so a code or a time
    offset can never be read back as anything but itself.
    """
    return "&".join(
        f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in params.items()
    )
