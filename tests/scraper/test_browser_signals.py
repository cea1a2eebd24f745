"""No Chromium outlives errata: SIGTERM or kill -9 in the middle of a browser fetch.

errata runs as a real process in a session of its own; everything it starts
stays in that session unless it detaches, and a detached Chromium helper
would still name the profile folder, which lives under the test's TMPDIR.
The process table is read before the signal (the browser is really there,
rendering) and after it (nothing is left, zombies aside: they hold nothing).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scraper.browser_sites import DocsServer, browsers_of, docs_server, reap, wait_for


@pytest.fixture
def slow_site() -> Iterator[DocsServer]:
    """The docs app, whose data takes a minute: the browser is busy rendering when we strike."""
    with docs_server(api_delay=60) as running:
        yield running


@pytest.fixture
def temp() -> Iterator[Path]:
    """A short TMPDIR of the test's own: errata's browser profile goes there."""
    folder = Path(tempfile.mkdtemp(prefix="errata-test-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def start_errata(
    command: list[str], tmp_path: Path, temp: Path, site: DocsServer
) -> subprocess.Popen[bytes]:
    (tmp_path / "sources.toml").write_text(f"""
[fetch]
retries = 0

[browser]
timeout = 120

[[source]]
id = "app"
exchange = "demo"
url = "{site.url("/app#errors")}"
fetch = "browser"
""")
    env = {
        **os.environ,
        "TMPDIR": str(temp),
        "ERRATA_DB": str(tmp_path / "errata.db"),
        "ERRATA_CONFIG": str(tmp_path / "sources.toml"),
        "ERRATA_ARCHIVE": str(tmp_path / "snapshots"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "errata", *command],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its session id is its pid: the process table tells what it started
    )


@pytest.mark.parametrize(
    ("command", "how", "exit_status"),
    [
        (["run"], signal.SIGTERM, -signal.SIGTERM),
        (["run"], signal.SIGKILL, -signal.SIGKILL),
        (["schedule", "--run-now"], signal.SIGTERM, 0),
        (["schedule", "--run-now"], signal.SIGKILL, -signal.SIGKILL),
    ],
    ids=["run-sigterm", "run-kill-9", "schedule-sigterm", "schedule-kill-9"],
)
def test_no_browser_outlives_errata(
    tmp_path: Path, temp: Path, slow_site: DocsServer, command: list[str], how: int,
    exit_status: int,
) -> None:  # fmt: skip
    errata = start_errata(command, tmp_path, temp, slow_site)
    try:
        rendering = wait_for(
            lambda: (
                browsers_of(errata.pid, temp)
                and any(path == "/api/errors.json" for path, _ in slow_site.requests)
            ),
            timeout=60,
        )
        assert rendering, (
            f"the browser never started: {errata.stderr.read1(4096) if errata.poll() is not None and errata.stderr else ''!r}"
        )
        assert len(browsers_of(errata.pid, temp)) >= 2  # the browser and its helpers
        errata.send_signal(how)
        started = time.monotonic()
        assert errata.wait(timeout=30) == exit_status
        assert time.monotonic() - started < 15  # a stopping scheduler does not wait out the page
        assert wait_for(lambda: not browsers_of(errata.pid, temp), timeout=10), (
            f"left behind: {browsers_of(errata.pid, temp)}"
        )
    finally:
        if errata.poll() is None:
            errata.kill()
            errata.wait()
        reap(browsers_of(errata.pid, temp))
        if errata.stderr:
            errata.stderr.close()
