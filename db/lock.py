"""One writer at a time across processes: a lock file next to the database.

SQLite serialises single transactions; this serialises whole commands, so a
cron-started run and the daemon (or an import) never interleave their
revisions. Readers (Datasette, ``errata current``) never take it.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from errata.errors import LockTimeout


@contextmanager
def write_lock(db_path: str | Path, timeout: float) -> Iterator[None]:
    path = Path(f"{db_path}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    holder = (
                        os.pread(fd, 64, 0).decode(errors="replace").strip() or "another process"
                    )
                    raise LockTimeout(
                        f"{db_path} is being written by {holder}; gave up after {timeout:g} s "
                        "(raise --lock-timeout or ERRATA_LOCK_TIMEOUT to wait longer)"
                    ) from None
                time.sleep(min(0.2, max(deadline - time.monotonic(), 0.01)))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"errata pid {os.getpid()}".encode(), 0)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
