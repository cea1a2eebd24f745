"""The scheduler: its plan, cron semantics, and the real daemon in a subprocess under SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from errata.cron.daemon import plan
from errata.cron.triggers import cron_day_of_week, cron_trigger
from errata.errors import ConfigError
from errata.scraper.config import load
from errata.scraper.localserver import Page, PageServer
from tests.support import REPO, fixture_bytes

V1 = "oxfun/v2-websocket-2023-03-14.md"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


def source(source_id: str, url: str, extra: str = "") -> str:
    return f'[[source]]\nid = "{source_id}"\nexchange = "opnx"\nurl = "{url}#error-codes"\nparser = "oxfun"\n{extra}\n'


@pytest.mark.parametrize(
    ("field", "expected"),
    [("0", "sun"), ("7", "sun"), ("1-5", "mon-fri"), ("0,6", "sun,sat"), ("*", "*"), ("*/2", "*/2"), ("mon", "mon")],
)  # fmt: skip
def test_day_of_week_numbers_mean_what_they_mean_in_crontab(field: str, expected: str) -> None:
    assert cron_day_of_week(field) == expected


def test_a_sunday_cron_line_fires_on_sunday() -> None:
    after = datetime(2026, 11, 21, 12, tzinfo=UTC)  # a Saturday
    fire = cron_trigger("0 3 * * 0").get_next_fire_time(None, after)
    assert fire.strftime("%A %H:%M") == "Sunday 03:00"


def test_plan_gives_sources_with_their_own_schedule_their_own_job(tmp_path: Path) -> None:
    config = load(write(tmp_path, '[schedule]\ncron = "0 4 * * *"\njitter = 0\n'
                        + source("a", "https://a.example/") + source("b", "https://b.example/", 'schedule = "0 */6 * * *"')
                        + source("c", "https://c.example/", "enabled = false")))  # fmt: skip
    jobs = {job.id: job for job in plan(config.timetable())}
    assert set(jobs) == {"default", "source:b"}
    assert jobs["default"].only == ("a",) and jobs["source:b"].only == ("b",)
    assert "hour='4'" in str(jobs["default"].trigger) and "hour='*/6'" in str(
        jobs["source:b"].trigger
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[schedule]\ncron = "61 * * * *"',
            "[schedule]: '61 * * * *': Error validating expression '61'",
        ),
        ('[schedule]\ncron = "daily"', "is not a cron expression (5 fields"),
        ('[schedule]\ncron = "0 1 * * *"\nevery = "6h"', "set cron or every, not both"),
        ('[schedule]\nevery = "soon"', "not a duration"),
        ("[schedule]\njitter = -5", "jitter must not be negative"),
        ('[schedule]\nwhen = "now"', "unknown key 'when'"),
    ],
    ids=["bad-minute", "not-cron", "both", "bad-every", "negative-jitter", "unknown-key"],
)
def test_bad_schedules_are_config_errors(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=re.escape(message)):
        load(write(tmp_path, text + "\n" + source("a", "https://a.example/")))


# --- the daemon, for real ------------------------------------------------------------


def start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "ERRATA_DB": str(tmp_path / "errata.db"), "ERRATA_CONFIG": str(tmp_path / "sources.toml"),
           "ERRATA_ARCHIVE": str(tmp_path / "snapshots"), "PYTHONPATH": str(REPO)}  # fmt: skip
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        env.pop(name, None)
    return subprocess.Popen(
        [sys.executable, "-m", "errata", *args], env=env, cwd=tmp_path,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def rows(db: Path, sql: str) -> list[tuple[object, ...]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as conn:
        try:
            return conn.execute(sql).fetchall()
        except sqlite3.OperationalError:  # not migrated yet
            return []


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    try:
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    return process.returncode, stderr


@pytest.mark.corpus
def test_the_daemon_fires_on_its_trigger_and_stops_cleanly_on_sigterm(
    tmp_path: Path, server: PageServer
) -> None:
    server.pages["/docs/"] = Page(fixture_bytes(V1), "text/markdown")
    write(
        tmp_path,
        '[schedule]\nevery = "1s"\njitter = 0\n[fetch]\nretries = 0\n'
        + source("opnx-ws", server.url("/docs/")),
    )
    db = tmp_path / "errata.db"
    process = start(tmp_path, "schedule")
    try:
        wait_for(
            lambda: len(rows(db, "SELECT id FROM runs WHERE finished_at IS NOT NULL")) >= 2,
            30,
            "two scheduled runs",
        )
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert "errata schedule: default on interval[0:00:01]" in stderr
    assert (
        "SIGTERM: stopping after the page in progress" in stderr
        and "errata schedule: stopped" in stderr
    )
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
    assert rows(db, "SELECT count(*) FROM runs WHERE finished_at IS NULL") == [(0,)]


@pytest.mark.corpus
def test_sigterm_during_a_run_commits_the_page_in_hand_and_drops_the_rest(
    tmp_path: Path, server: PageServer
) -> None:
    server.pages["/fast/"] = Page(fixture_bytes(V1), "text/markdown")
    server.pages["/slow/"] = Page(fixture_bytes(V1), "text/markdown", delay=4)
    write(tmp_path, '[schedule]\ncron = "0 3 1 1 *"\n[fetch]\nretries = 0\n'
          + source("fast", server.url("/fast/")) + source("slow", server.url("/slow/")))  # fmt: skip
    db = tmp_path / "errata.db"
    process = start(tmp_path, "schedule", "--run-now")
    try:
        wait_for(
            lambda: bool(rows(db, "SELECT id FROM revisions WHERE source_id = 'fast'")),
            30,
            "the fast page",
        )
    finally:
        code, stderr = stop(process)
    assert code == 0, stderr
    assert "run stopped: 1 of 2 pages stored" in stderr
    assert rows(db, "SELECT source_id, outcome FROM fetches") == [("fast", "new")]
    assert rows(db, "SELECT status FROM runs") == [("interrupted",)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]


@pytest.mark.corpus
def test_two_runs_at_once_take_turns_or_exit_75(tmp_path: Path, server: PageServer) -> None:
    server.pages["/docs/"] = Page(fixture_bytes(V1), "text/markdown", delay=2)
    write(tmp_path, "[fetch]\nretries = 0\n" + source("opnx-ws", server.url("/docs/")))
    db = tmp_path / "errata.db"
    first = start(tmp_path, "run")
    try:
        wait_for(
            lambda: (tmp_path / "errata.db.lock").exists() and bool(server.requests),
            30,
            "the first run",
        )
        impatient = start(tmp_path, "run", "--lock-timeout", "0.2")
        _, impatient_err = impatient.communicate(timeout=30)
        patient = start(tmp_path, "run", "--lock-timeout", "60")
        _, patient_err = patient.communicate(timeout=60)
        _, first_err = first.communicate(timeout=60)
    finally:
        for process in (first,):
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert first.returncode == 0, first_err
    assert impatient.returncode == 75, impatient_err
    assert "another errata process" in impatient_err or "lock" in impatient_err
    assert patient.returncode == 0, patient_err
    assert rows(db, "SELECT status FROM runs ORDER BY id") == [("ok",), ("ok",)]
    assert rows(db, "PRAGMA integrity_check") == [("ok",)]
