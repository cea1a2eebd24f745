"""The versioned SQLite store (sqlite-utils): sources, runs, fetches, revisions, entry versions, changes."""

from errata.db.store import FetchRecord, Revision, SourceRecord, Store
from errata.errors import StoreError

__all__ = ["FetchRecord", "Revision", "SourceRecord", "Store", "StoreError"]
