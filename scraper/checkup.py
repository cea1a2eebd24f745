"""``errata check``: is a deployment sound, before the night it matters?

Each check is a ``Finding``: what was looked at, whether it is fine, and a
line saying what was found. Nothing here writes: the database is opened
read-only (pending migrations are reported, not applied), no message is sent
and no page fetched. A failure carries the exit code it means: 2 for what a
person must fix in the configuration or the environment (a config that does
not load, a route's variable unset, a file that is no database), 1 for
damage to the data (integrity, foreign keys, archived bodies missing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from errata.db.schema import migrations
from errata.errors import EXIT_FAILED, EXIT_USAGE, ConfigError, DeliveryError
from errata.reports.channels import spec
from errata.reports.routes import Route
from errata.scraper.archive import Archive
from errata.scraper.config import load

MAX_LISTED = 5  # problems named in one finding's line; the rest are counted


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    ok: bool
    detail: str
    exit_code: int = 0  # what this finding means for the command when it is not ok

    def as_dict(self) -> dict[str, object]:
        return {"check": self.check, "ok": self.ok, "detail": self.detail}


def passed(check: str, detail: str) -> Finding:
    return Finding(check, True, detail)


def failed(check: str, detail: str, exit_code: int) -> Finding:
    return Finding(check, False, detail, exit_code)


def exit_code(findings: list[Finding]) -> int:
    """2 if the configuration or environment needs fixing, else 1 if data is damaged, else 0."""
    return max((f.exit_code for f in findings if not f.ok), default=0)


def listed(items: list[str]) -> str:
    head = ", ".join(items[:MAX_LISTED])
    return head + (f" and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


# --- the database and the archive ---------------------------------------------------------


def database(db: Path, archive: Path) -> list[Finding]:
    """Integrity, foreign keys, schema and the archived bodies, on a read-only connection."""
    lock = Path(f"{db}.lock")
    findings = []
    if lock.is_symlink():
        findings.append(failed("lock file", f"{lock} is a symbolic link: remove it", EXIT_USAGE))
    if not db.is_file():
        return [*findings, failed("database", f"{db}: no such database", EXIT_USAGE)]
    try:
        with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            findings += list(_database(conn, db, archive))
    except sqlite3.DatabaseError as error:
        findings.append(failed("database", f"{db}: cannot be read: {error}", _code(error)))
    return findings


def _code(error: sqlite3.DatabaseError) -> int:
    """Damage (a malformed page) is 1; a file that is no database, or unreadable, is 2."""
    return EXIT_FAILED if "malformed" in str(error) else EXIT_USAGE


def _database(conn: sqlite3.Connection, db: Path, archive: Path) -> Iterator[Finding]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "sources" not in tables or "fetches" not in tables:
        yield failed("database", f"{db}: an SQLite file, but not an errata database", EXIT_USAGE)
        return
    yield _integrity(conn)
    yield _foreign_keys(conn)
    yield _schema(conn)
    yield _bodies(conn, Archive(archive))


def _integrity(conn: sqlite3.Connection) -> Finding:
    problems = [row[0] for row in conn.execute("PRAGMA integrity_check(20)")]
    if problems == ["ok"]:
        return passed("integrity", "PRAGMA integrity_check: ok")
    return failed("integrity", f"PRAGMA integrity_check: {listed(problems)}", EXIT_FAILED)


def _foreign_keys(conn: sqlite3.Connection) -> Finding:
    rows = conn.execute("PRAGMA foreign_key_check").fetchall()
    if not rows:
        return passed("foreign keys", "PRAGMA foreign_key_check: ok")
    broken = [f"{table} row {rowid} → {parent}" for table, rowid, parent, _ in rows]
    return failed("foreign keys", f"{len(rows)} broken: {listed(broken)}", EXIT_FAILED)


def _schema(conn: sqlite3.Connection) -> Finding:
    pending = [m.name for m in migrations.pending(Database(conn, execute_plugins=False))]
    if not pending:
        return passed("schema", "up to date")
    return passed("schema", f"{listed(pending)} pending: the next command that writes applies them")


def _bodies(conn: sqlite3.Connection, archive: Archive) -> Finding:
    """Every page body a fetch stored (revisions are derived from them) is in the archive."""
    rows = conn.execute(
        "SELECT sha256, min(source_id), min(fetched_at), count(*) FROM fetches "
        "WHERE sha256 IS NOT NULL GROUP BY sha256 ORDER BY min(fetched_at)"
    ).fetchall()
    missing = [f"{sha[:12]}… ({source} {at})" for sha, source, at, _ in rows if sha not in archive]
    if not missing:
        return passed("archive", f"{len(rows)} page bodies, all present in {archive.root}")
    return failed(
        "archive",
        f"{len(missing)} of {len(rows)} page bodies missing from {archive.root}: {listed(missing)}",
        EXIT_FAILED,
    )


# --- the configuration and the routes' environment ------------------------------------------


def configuration(path: Path, env: Mapping[str, str]) -> list[Finding]:
    try:
        config = load(path)
    except ConfigError as error:
        return [failed("config", str(error), EXIT_USAGE)]
    found = [
        passed("config", f"{path}: {len(config.sources)} source(s), {len(config.routes)} route(s)")
    ]
    return found + [_route(route, env) for route in config.routes]


def _route(route: Route, env: Mapping[str, str]) -> Finding:
    """Every variable the route names is set and holds what its channel can use; nothing is sent."""
    channel = spec(route.channel)
    named = [str(route.settings[key]) for key in channel.secrets if key in route.settings]
    unset = [name for name in named if not env.get(name)]
    where = f"route {route.name}"
    if unset:
        return failed(where, f"{route.channel}: {', '.join(unset)} not set", EXIT_USAGE)
    try:
        channel.build(route.settings, env)
    except DeliveryError as error:
        return failed(where, str(error), EXIT_USAGE)
    variables = f": {', '.join(named)} set" if named else ""
    return passed(where, f"{route.channel}{variables}")
