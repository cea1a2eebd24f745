from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from tests.support import run_cli


def test_demo_runs_two_nights_offline_and_leaves_its_database(tmp_path: Path) -> None:
    threads_before = threading.active_count()
    workdir = tmp_path / "demo"
    result = run_cli(["demo", "--dir", str(workdir)])
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    for expected in (
        "**added** `60033`",
        "**removed** `60026`",
        "**reworded** `60029`",
        "**removed** `3004`",
    ):
        assert expected in out
    assert "Serving the demo pages on http://127.0.0.1:" in result.stderr
    assert f"The database is at {workdir / 'errata.db'}" in result.stderr
    assert "oxfun-ws   not modified" in result.stderr
    with sqlite3.connect(workdir / "errata.db") as conn:
        assert conn.execute("SELECT count(*) FROM revisions").fetchone()[0] == 8
        assert conn.execute("SELECT count(DISTINCT fetched_at) FROM fetches").fetchone()[0] == 2
    assert threading.active_count() == threads_before  # the server is stopped


def test_demo_starts_afresh_each_time(tmp_path: Path) -> None:
    workdir = tmp_path / "demo"
    run_cli(["demo", "--dir", str(workdir)])
    again = run_cli(["demo", "--dir", str(workdir)])
    assert again.exit_code == 0
    with sqlite3.connect(workdir / "errata.db") as conn:
        assert conn.execute("SELECT count(*) FROM runs").fetchone()[0] == 2
