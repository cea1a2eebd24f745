"""Killed at any instant, errata leaves a sound database and the next run finishes the job."""

from __future__ import annotations

import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.scraper.test_import_git import git
from tests.support import REPO, fixture_bytes

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

VERSIONS = 60
PAGE = "okx/docs-v5-en-error-code-01-rest-api-public-2025-08-17.html"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """40 versions of OKX's 551-row REST table, each rewording, adding and dropping a few rows."""
    rng = random.Random(7)
    root = tmp_path / "okx-docs"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    page = fixture_bytes(PAGE).decode()
    for version in range(VERSIONS):
        messages = list(re.finditer(r"<td>([A-Z][^<]{10,})</td>", page))
        for match in rng.sample(messages, 15):
            page = page.replace(match.group(0), f"<td>{match.group(1)} (v{version})</td>", 1)
        page = page.replace(
            "</tbody>",
            f"<tr><td>9{version:04d}</td><td>200</td><td>New in v{version}</td></tr></tbody>",
            1,
        )
        (root / "errors.html").write_text(page)
        git(root, "add", "-A")
        when = datetime(2025, 1, 1, 2, tzinfo=UTC) + timedelta(days=version)
        git(root, "commit", "-q", "-m", f"v{version}", when=when.isoformat())
    return root


def command(repo: Path, db: Path, archive: Path) -> list[str]:
    return [
        sys.executable, "-m", "errata", "--quiet", "import-git", str(repo), "errors.html",
        "--source", "okx-rest", "--parser", "okx", "--url", "https://www.okx.com/docs-v5/en/",
        "--db", str(db), "--archive", str(archive), "--config", os.devnull,
    ]  # fmt: skip


def check_sound(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        # a fetch that made a revision and the revision are one transaction: all or nothing
        orphans = conn.execute(
            "SELECT count(*) FROM fetches f WHERE f.outcome = 'new' AND NOT EXISTS "
            "(SELECT 1 FROM revisions r WHERE r.fetch_id = f.id)"
        ).fetchone()[0]
        assert orphans == 0
        # every revision holds exactly its entries, no more, no fewer
        mismatched = conn.execute(
            "SELECT r.id FROM revisions r WHERE r.status != 'suspect' AND r.entry_count != ("
            "  SELECT count(*) FROM entry_versions v WHERE v.source_id = r.source_id"
            "  AND v.valid_from_revision <= r.id AND (v.valid_to_revision IS NULL OR v.valid_to_revision > r.id))"
        ).fetchall()
        assert mismatched == []


def state(db: Path) -> tuple[list[tuple[object, ...]], ...]:
    with sqlite3.connect(db) as conn:
        return (
            conn.execute(
                "SELECT observed_at, digest, status, entry_count FROM revisions ORDER BY id"
            ).fetchall(),
            sorted(conn.execute("SELECT observed_at, change_id, kind FROM changes").fetchall()),
            conn.execute(
                "SELECT fetched_at, outcome, sha256, commit_id FROM fetches ORDER BY fetched_at"
            ).fetchall(),
        )


def revisions(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return int(conn.execute("SELECT count(*) FROM revisions").fetchone()[0])


def test_kill_9_at_random_points_leaves_a_sound_database(repo: Path, tmp_path: Path) -> None:
    reference = tmp_path / "reference.db"
    started = time.monotonic()
    subprocess.run(
        command(repo, reference, tmp_path / "ref-archive"),
        cwd=REPO,
        check=True,
        capture_output=True,
    )
    duration = time.monotonic() - started
    rng = random.Random(11)
    interrupted = 0
    for round_ in range(5):
        db, archive = tmp_path / f"killed-{round_}.db", tmp_path / f"archive-{round_}"
        process = subprocess.Popen(
            command(repo, db, archive),
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.15, 0.95) * duration)
        process.kill()
        process.wait()
        if db.exists():
            check_sound(db)
            interrupted += 0 < revisions(db) < VERSIONS
        finish = subprocess.run(
            command(repo, db, archive), cwd=REPO, capture_output=True, text=True
        )
        assert finish.returncode == 0, finish.stderr
        check_sound(db)
        assert state(db) == state(reference)
    assert interrupted >= 3, (
        f"only {interrupted} kills landed mid-import ({duration:.1f} s); make it larger"
    )
