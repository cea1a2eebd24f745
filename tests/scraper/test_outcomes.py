"""Every page outcome is recorded (issue 17.2): nothing that goes wrong leaves no trace.

An unexpected failure while storing a page (an unwritable archive, a full
disk, a bug) becomes a fetch row with the kind ``internal`` and a one-line
message, so ``errata health`` counts it and ``alert_after`` raises an alert,
exactly as for a failed fetch. A page nested 10,000 elements deep is read.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from errata.db.store import Store
from errata.scraper import pipeline
from errata.scraper.archive import Archive, sha256
from errata.scraper.config import load
from errata.scraper.localserver import Page, PageServer
from tests.support import json_out, run_cli

TABLE = b"<table><tr><th>Code</th><th>Message</th></tr><tr><td>100</td><td>Bad request</td></tr></table>"
DEEP = b"<html><body>" + b"<div>" * 10_000 + TABLE + b"</div>" * 10_000 + b"</body></html>"


def rows(n: int) -> bytes:
    """A table of ``n`` codes, the first of them TABLE's."""
    cells = "<tr><td>100</td><td>Bad request</td></tr>" + "".join(
        f"<tr><td>{50000 + i}</td><td>Message number {i}</td></tr>" for i in range(n - 1)
    )
    return f"<table><tr><th>Code</th><th>Message</th></tr>{cells}</table>".encode()


def configure(env: dict[str, str], server: PageServer, alert_after: int = 2) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(
        f"[fetch]\nretries = 0\n[health]\nalert_after = {alert_after}\n"
        f'[[source]]\nid = "s"\nexchange = "x"\nurl = "{server.url("/p")}"\n'
    )


def last_fetch(db: str, source: str = "s") -> dict[str, object]:
    with sqlite3.connect(db) as conn:
        conn.row_factory = sqlite3.Row
        row = conn.execute(
            "SELECT * FROM fetches WHERE source_id = ? ORDER BY id DESC LIMIT 1", [source]
        ).fetchone()
    assert row is not None, f"no fetch row for {source}"
    return dict(row)


def test_a_deeply_nested_page_is_stored(server: PageServer, env: dict[str, str]) -> None:
    configure(env, server)
    server.pages["/p"] = Page(DEEP)
    result = run_cli(["run"], env)
    assert result.exit_code == 0, result.stderr
    assert last_fetch(env["ERRATA_DB"])["outcome"] == "new"


def test_an_unwritable_archive_is_an_internal_failure_counted_by_health_and_alerts(
    server: PageServer, env: dict[str, str]
) -> None:
    configure(env, server, alert_after=2)
    server.pages["/p"] = Page(TABLE)
    assert run_cli(["run"], env).exit_code == 0
    changed = TABLE.replace(b"Bad request", b"Bad request, try again")
    blocked = Archive(env["ERRATA_ARCHIVE"]).path(sha256(changed)).parent
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the archive needs a folder")  # the body cannot be archived
    server.pages["/p"] = Page(changed)

    first = run_cli(["run"], env)
    assert first.exit_code == 1
    row = last_fetch(env["ERRATA_DB"])
    assert (row["outcome"], row["error_kind"]) == ("failed", "internal")
    message = str(row["error_message"])
    assert "\n" not in message and "FileExistsError" in message
    assert "s: internal error: FileExistsError" in first.stderr
    assert "Traceback" not in first.stderr  # one line; the traceback is for --verbose

    second = run_cli(["run"], env)
    assert "- 🚨 **s** has failed 2 runs in a row" in second.stdout
    health = {r["source"]: r for r in json_out(run_cli(["health", "--json"], env))}
    assert health["s"]["status"] == "failing"
    assert health["s"]["consecutive_failures"] == 2
    assert health["s"]["last_error_kind"] == "internal"
    assert health["s"]["entries"] == 1  # nothing lost


def test_a_full_disk_is_an_internal_failure_and_the_next_night_recovers(
    server: PageServer, env: dict[str, str], tmp_path: Path
) -> None:
    configure(env, server)
    server.pages["/p"] = Page(TABLE)
    config = load(env["ERRATA_CONFIG"])
    archive = Archive(env["ERRATA_ARCHIVE"])
    store = Store.open(env["ERRATA_DB"])
    try:
        assert pipeline.run(config, store, archive).failed == []
        (pages,) = store.db.execute("PRAGMA page_count").fetchone()
        store.db.execute(f"PRAGMA max_page_count = {pages + 4}")  # the disk is about full
        server.pages["/p"] = Page(rows(3_000))
        night = pipeline.run(config, store, archive)
        assert [o.status for o in night.outcomes] == ["failed"]
        assert "full" in (night.outcomes[0].problem or "")
        row = last_fetch(env["ERRATA_DB"])
        assert (row["outcome"], row["error_kind"]) == ("failed", "internal")
        assert store.count_current("s") == 1  # nothing lost, nothing half-written

        store.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
        recovered = pipeline.run(config, store, archive)
        assert [o.status for o in recovered.outcomes] == ["changed"]
        assert store.count_current("s") == 3_000
    finally:
        store.close()
