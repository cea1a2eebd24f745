"""Datasette over the store: the app ``errata serve`` runs, and the links it adds to cells.

Imported only by ``errata serve``, after it has checked that Datasette is
installed (the ``serve`` extra).

Read-only for visitors, while errata keeps writing. The file is opened as a
*mutable* database, which Datasette reads through ``file:...?mode=ro``
connections: SQLite itself refuses every write on them, whatever SQL a
visitor sends. Datasette 0.65 has no write API, and the metadata defines no
writable canned query, so nothing else could write either. Opening it
*immutable* instead (``-i``) would be wrong here: SQLite would then assume
the file never changes and skip locking and the WAL, so pages would go stale
or read torn data while ``errata run`` writes.

Links without a schema change: a ``render_cell`` hook turns a code into a
link to its ``code_history``, a source id (where Datasette has no foreign key
to follow, as in views and canned queries) into a link to its source, and a
change id into a link to that change. Tables keep Datasette's own
foreign-key links (``changes.source_id`` to ``sources``, …).
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

from datasette import hookimpl  # type: ignore[import-untyped]
from datasette.app import Datasette  # type: ignore[import-untyped]
from datasette.plugins import pm  # type: ignore[import-untyped]
from markupsafe import Markup

from errata.db import links
from errata.db.metadata import DATABASE, metadata, register_functions

_PLUGIN = "errata"


def datasette(path: Path) -> Any:
    """A Datasette instance serving ``path`` as ``errata`` with errata's metadata and links.

    Datasette names a file's database after its stem; errata's pages and the
    links in its reports always say ``/errata``, so the database is
    re-registered under that name whatever the file is called.
    """
    if pm.get_plugin(_PLUGIN) is None:
        pm.register(sys.modules[__name__], name=_PLUGIN)
    ds = Datasette([str(path)], metadata=metadata())
    [database] = [db for db in ds.databases.values() if db.path is not None]
    ds.remove_database(database.name)
    ds.add_database(database, name=DATABASE)
    return ds


@hookimpl  # type: ignore[untyped-decorator]
def prepare_connection(conn: sqlite3.Connection) -> None:
    """The SQL functions the feed queries call."""
    register_functions(conn)


@hookimpl  # type: ignore[untyped-decorator]
def render_cell(row: Any, value: Any, column: str, database: str, datasette: Any) -> Markup | None:
    """A link for codes, source ids and change ids in errata's pages; None leaves the cell alone."""
    if database != DATABASE or not isinstance(value, str) or not value:
        return None
    href = _href(row, value, column, datasette.urls.path(""))
    return None if href is None else Markup('<a href="{}">{}</a>').format(href, value)


def _href(row: Any, value: str, column: str, base: str) -> str | None:
    source = _field(row, "source_id")
    if column in ("code", "new_code") and source is not None:
        return links.code_history_url(base, source, value)
    if column == "source_id":
        # A plain string here: on a table, Datasette hands a foreign key over as
        # a {"value", "label"} dict and links it itself.
        return links.source_url(base, value)
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
