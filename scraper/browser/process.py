"""The Chromium process: started so that it can never outlive errata.

Three independent guarantees, because a browser left behind costs hundreds of
MB every night until someone notices:

- ``PR_SET_PDEATHSIG``: the kernel sends the browser SIGKILL when the errata
  thread that started it dies, however it dies (``kill -9`` included);
- its own process group, so ``kill()`` reaches the renderers and helpers too,
  with the crash reporter (which would detach itself) switched off;
- the DevTools pipe: Chromium shuts down when errata's end of it closes.

The profile is a fresh temporary folder per browser, removed on ``kill()``;
folders a killed errata left behind are removed by the next start.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from errata.errors import FetchError

PR_SET_PDEATHSIG = 1
BROWSER_FD_IN, BROWSER_FD_OUT = 3, 4  # where --remote-debugging-pipe reads and writes
_PROFILE_PREFIX = "errata-chromium-"
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
# Chromium puts a Unix socket below TMPDIR, and a socket's path has room for 107 bytes only.
_LONGEST_TEMP = 60

# Headless, and quiet on the network: without these Chromium calls Google hosts
# (updates, sync, safe browsing, field trials) that a closed network never answers.
FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--disable-breakpad",
    "--disable-crash-reporter",
    "--disable-dev-shm-usage",  # containers have a small /dev/shm
    "--metrics-recording-only",
    "--mute-audio",
    "--remote-debugging-pipe",
)


def find_executable(name: str) -> str | None:
    """The browser to start: ``name`` as a path, or looked up on PATH."""
    if os.sep in name:
        return name if os.access(name, os.X_OK) and Path(name).is_file() else None
    return shutil.which(name)


def install_hint(name: str) -> str:
    """One line: what is missing and how to get it."""
    return (
        f"Chromium was not found (looked for {name!r}): install it with "
        "'apt-get install -y chromium' (Debian/Ubuntu, as root), or set [browser] executable"
    )


@dataclass
class Process:
    """A running Chromium and the two pipe ends errata talks DevTools over."""

    popen: subprocess.Popen[bytes]
    profile: Path
    to_browser: int  # errata writes commands here
    from_browser: int  # and reads answers and events here

    @classmethod
    def start(cls, executable: str, memory_mb: int, proxy: str | None = None) -> Process:
        root = temp_root()
        _remove_stale_profiles(root)
        profile = Path(tempfile.mkdtemp(prefix=f"{_PROFILE_PREFIX}{os.getpid()}-", dir=root))
        browser_reads, to_browser = os.pipe()
        from_browser, browser_writes = os.pipe()
        args = [executable, *FLAGS, f"--user-data-dir={profile}"]
        args.append(f"--js-flags=--max-old-space-size={memory_mb}")
        if os.geteuid() == 0:
            args.append("--no-sandbox")  # Chromium refuses to start as root with its sandbox
        if proxy:
            args.append(f"--proxy-server={proxy}")
        args.append("about:blank")
        home = {"HOME": str(profile), "XDG_CONFIG_HOME": str(profile / ".config")}
        home["XDG_CACHE_HOME"] = str(profile / ".cache")  # nothing lands in the user's own home
        home["TMPDIR"] = str(root)
        try:
            popen = subprocess.Popen(
                args,
                env={**os.environ, **home},
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,  # dbus and GPU complaints, nothing errata can act on
                close_fds=False,  # Python's own descriptors are close-on-exec anyway
                process_group=0,
                preexec_fn=_child_setup(os.getpid(), browser_reads, browser_writes),
            )
        except OSError as error:
            shutil.rmtree(profile, ignore_errors=True)
            for fd in (browser_reads, to_browser, from_browser, browser_writes):
                os.close(fd)
            raise FetchError("browser", f"cannot start {executable}: {error}") from None
        os.close(browser_reads)
        os.close(browser_writes)
        return cls(popen, profile, to_browser, from_browser)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def memory(self) -> int:
        """Bytes of memory all of the browser's processes (its process group) use."""
        return group_memory(self.pid)

    def kill(self) -> None:
        """SIGKILL to the whole group and its detached helpers, reap, remove the profile.

        Chromium's crash reporter detaches into a session of its own; it is
        found by the profile folder on its command line (HOME points there).
        Idempotent.
        """
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        for pid in processes_mentioning(str(self.profile)):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def _child_setup(parent: int, reads: int, writes: int) -> Callable[[], None]:
    """What runs in the child between fork and exec: die with errata, pipes on fds 3 and 4."""
    prctl = _prctl()  # looked up before the fork: the child only calls it

    def setup() -> None:
        if prctl is not None:
            prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # errata died before the line above took effect
            os._exit(1)
        # Out of the way first, so that neither pipe end already sits on fd 3 or 4.
        high_reads = fcntl.fcntl(reads, fcntl.F_DUPFD, 10)
        high_writes = fcntl.fcntl(writes, fcntl.F_DUPFD, 10)
        os.dup2(high_reads, BROWSER_FD_IN)
        os.dup2(high_writes, BROWSER_FD_OUT)

    return setup


def _prctl() -> Callable[[int, int], int] | None:
    if not sys.platform.startswith("linux"):
        return None  # elsewhere the process group and the pipe still end the browser
    libc = ctypes.CDLL(None, use_errno=True)
    function: Callable[[int, int], int] = libc.prctl
    return function


def group_memory(pgid: int) -> int:
    """Bytes of memory the live processes of group ``pgid`` use, from /proc.

    Proportional set size: a page shared by ten renderers counts a tenth in
    each, where resident sizes would count Chromium's shared libraries ten
    times over (1 GB for an empty tab instead of its real ~280 MB).
    """
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        fields = _stat_fields(stat)
        if fields and fields[2] == str(pgid) and fields[0] != "Z":
            total += _proportional(stat.parent, int(fields[21]) * _PAGE_SIZE)
    return total


def _proportional(folder: Path, resident: int) -> int:
    try:
        rollup = (folder / "smaps_rollup").read_text()
    except OSError:
        return resident  # a kernel without smaps_rollup: the resident size overstates, safely
    match = re.search(r"^Pss:\s+(\d+) kB", rollup, re.MULTILINE)
    return int(match.group(1)) * 1024 if match else resident


def processes_mentioning(text: str) -> list[int]:
    """Live processes whose command line contains ``text`` (not zombies, which hold nothing)."""
    found: list[int] = []
    needle = text.encode()
    for folder in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (folder / "cmdline").read_bytes()
        except OSError:
            continue
        fields = _stat_fields(folder / "stat")
        if needle in cmdline and fields and fields[0] != "Z":
            found.append(int(folder.name))
    return found


def _stat_fields(stat: Path) -> list[str] | None:
    """The fields after ``pid (comm)`` of /proc/PID/stat: state, ppid, pgrp, … (or None if gone)."""
    try:
        text = stat.read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()


def temp_root() -> Path:
    """Where profiles go: the temporary folder, unless its path is too long for Chromium."""
    root = Path(tempfile.gettempdir())
    if len(str(root)) > _LONGEST_TEMP and Path("/tmp").is_dir():
        return Path("/tmp")
    return root


def _remove_stale_profiles(root: Path) -> None:
    """Profiles of errata processes that no longer exist (killed before they could clean up)."""
    pattern = re.compile(rf"^{_PROFILE_PREFIX}(\d+)-")
    for folder in root.glob(f"{_PROFILE_PREFIX}*"):
        match = pattern.match(folder.name)
        if match and not _alive(int(match.group(1))):
            shutil.rmtree(folder, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True
