"""Datasette over the store: the app ``errata serve`` runs, with errata's plugin loaded.

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

The pages people read (home, one per exchange, changes shown the way the
email shows them, folded descriptions) and the links in cells are errata's
plugin, ``errata.db.pages``, registered here; the charts are
datasette-dashboards', configured in the metadata (``db/charts.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from datasette.app import Datasette  # type: ignore[import-untyped]
from datasette.plugins import pm  # type: ignore[import-untyped]

from errata.db import pages
from errata.db.metadata import DATABASE, metadata

_PLUGIN = "errata"


def datasette(path: Path, *, allow_sql: bool = True) -> Any:
    """A Datasette instance serving ``path`` as ``errata`` with errata's metadata and pages.

    ``allow_sql`` False is Datasette's ``default_allow_sql`` off: visitors keep
    the pages, tables and canned queries, but no SQL of their own (``?sql=``,
    a table's ``_where``); ``errata serve`` turns it off beyond loopback.

    Datasette names a file's database after its stem; errata's pages and the
    links in its reports always say ``/errata``, so the database is
    re-registered under that name whatever the file is called.
    """
    if pm.get_plugin(_PLUGIN) is None:
        pm.register(pages, name=_PLUGIN)
    ds = Datasette([str(path)], metadata=metadata(), settings={"default_allow_sql": allow_sql})
    [database] = [db for db in ds.databases.values() if db.path is not None]
    ds.remove_database(database.name)
    ds.add_database(database, name=DATABASE)
    return ds
