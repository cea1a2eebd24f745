"""Each guarantee of ``browser.process`` on its own, with a stand-in browser.

The stand-in is a shell script that ignores Chromium's flags and sleeps (and
starts a sleeping helper of its own), so what ends it can only be errata's doing: the
death signal when errata dies, the process group when errata kills it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from errata.scraper.browser.process import Process, processes_mentioning, temp_root
from tests.scraper.browser_sites import reap, wait_for


def stand_in(tmp_path: Path, marker: str) -> Path:
    script = tmp_path / "fake-chromium"
    sleep = f"{sys.executable} -c 'import time; time.sleep(300)'"
    script.write_text(f"#!/bin/sh\n{sleep} {marker}-helper &\nexec {sleep} {marker}-browser\n")
    script.chmod(0o755)
    return script


def alive(marker: str) -> list[int]:
    return [p for p in processes_mentioning(marker) if p != os.getpid()]


def test_kill_ends_the_browser_its_helpers_and_its_profile(tmp_path: Path) -> None:
    marker = f"{tmp_path.name}-group"
    process = Process.start(str(stand_in(tmp_path, marker)), memory_mb=100)
    try:
        assert wait_for(lambda: len(alive(marker)) == 2, 10)  # the browser and its helper
        assert process.profile.is_dir() and process.profile.parent == temp_root()
        process.kill()
        assert wait_for(lambda: not alive(marker), 10)
        assert not process.profile.exists()
        process.kill()  # twice is harmless
    finally:
        reap(alive(marker))


def test_the_browser_dies_with_errata_even_by_kill_9(tmp_path: Path) -> None:
    """The parent holds no pipe the stand-in reads: only the death signal can end it."""
    marker = f"{tmp_path.name}-orphan"
    browser = f"{marker}-browser".encode()
    parent = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import time
            from errata.scraper.browser.process import Process
            Process.start({str(stand_in(tmp_path, marker))!r}, memory_mb=100)
            print("started", flush=True)
            time.sleep(300)
        """)],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    try:
        assert parent.stdout is not None and parent.stdout.readline() == b"started\n"
        assert wait_for(lambda: any(browser in _cmdline(p) for p in alive(marker)), 10)
        parent.kill()
        parent.wait()
        assert wait_for(lambda: not any(browser in _cmdline(p) for p in alive(marker)), 10)
    finally:
        reap(alive(marker))
        if parent.stdout:
            parent.stdout.close()


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
