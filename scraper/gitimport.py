"""``errata import-git``: a page's whole history from the git repository that holds it.

Many exchanges keep their docs in git (KuCoin, OKX, CoinFLEX/OX.FUN, TickDB).
Every version of one file is ingested at its commit time, oldest first, with
the commit id on the fetch row, so errata starts with years of history.
"""

from __future__ import annotations

import logging
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from errata.db import times
from errata.errors import GitError

log = logging.getLogger("errata")


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    time: str  # stored time format, UTC
    path: str  # the file's path in this commit (it may have been renamed)


def history(repo: Path, path: str, since: str | None = None) -> list[Commit]:
    """Commits that changed ``path``, oldest first, following renames."""
    args = ["log", "--follow", "--format=%x00%H %cI", "--name-only", "--no-merges"]
    if since:
        args.append(f"--since={since}")
    output = _git(repo, *args, "--", path).decode("utf-8", errors="replace")
    commits: list[Commit] = []
    for record in output.split("\x00")[1:]:
        head, *names = [line for line in record.splitlines() if line.strip()]
        sha, stamp = head.split(" ", 1)
        moment = times.format_time(datetime.fromisoformat(stamp))
        commits.append(Commit(sha, moment, names[-1] if names else path))
    commits.reverse()
    return commits


def blob(repo: Path, commit: Commit) -> bytes | None:
    """The file as of ``commit``; None when the commit deleted it."""
    try:
        return _git(repo, "show", f"{commit.sha}:{commit.path}")
    except GitError:
        return None


def _git(repo: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise GitError("git is not installed (import-git runs the git command)") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(
            f"{repo}: git {args[0]} failed: {message[-1] if message else done.returncode}"
        )
    return done.stdout
