"""One writer at a time across processes: a lock file next to the database.

SQLite serialises single transactions; this serialises whole commands, so a
cron-started run and the daemon (or an import) never interleave their
revisions. Readers (Datasette, ``errata current``) never take it.

The lock file is opened without following a symbolic link and must be a
regular file: a link planted at ``errata.db.lock`` would otherwise have
errata truncate and overwrite whatever it points to. Its folder must exist;
a mistyped ``--db`` never creates folders.
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from errata.errors import LockTimeout, StoreError

_FLAGS = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK


@contextmanager
def write_lock(db_path: str | Path, timeout: float) -> Iterator[None]:
    fd = open_lock_file(Path(f"{db_path}.lock"))
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


def open_lock_file(path: Path) -> int:
    """The lock file's descriptor; a StoreError (exit 2, one line) for anything but a plain file."""
    if not path.parent.is_dir():
        raise StoreError(f"{path.parent}: no such folder for the database (create it first)")
    try:
        fd = os.open(path, _FLAGS, 0o644)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise StoreError(
                f"{path} is a symbolic link; errata will not write through it (remove it)"
            ) from None
        raise StoreError(f"{path}: cannot open the lock file: {error.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise StoreError(f"{path}: the lock file is not a regular file (remove it)")
    return fd
