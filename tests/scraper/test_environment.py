"""A hostile or broken environment is one line and exit 2: never a traceback, never exit 1.

Exit 1 tells monitoring "some sources failed"; a database that cannot be
opened, a folder that does not exist or a value that cannot work is a
problem of the deployment, which is exit 2 and one line naming it.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from errata.db.store import Store
from tests.support import run_cli

SOURCE = '[[source]]\nid = "a"\nexchange = "a"\nurl = "http://127.0.0.1:9/errors"\n'


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("errata: error: "), stderr
    return lines[0]


CONFIGS = {
    "ipv6-url": (SOURCE.replace("http://127.0.0.1:9/errors", "http://[::1"), "malformed url"),
    "ua-newline": ('[fetch]\nuser_agent = "errata\\nX-Injected: 1"\n' + SOURCE, "user_agent"),
    "ua-non-ascii": ('[fetch]\nuser_agent = "errata é"\n' + SOURCE, "user_agent"),
    "every-overflow": ('[schedule]\nevery = "99999999999d"\n' + SOURCE, "every"),
    "cron-never": ('[schedule]\ncron = "0 0 31 2 *"\n' + SOURCE, "never"),
}


@pytest.mark.parametrize(("text", "expected"), CONFIGS.values(), ids=CONFIGS.keys())
def test_a_config_value_that_cannot_work_is_one_line_and_exit_2(
    env: dict[str, str], text: str, expected: str
) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(text)
    result = run_cli(["run"], env)
    assert result.exit_code == 2, result.stderr
    assert expected in one_line(result.stderr)
    assert not Path(env["ERRATA_DB"]).exists()  # nothing written


@pytest.mark.parametrize("command", [["changes"], ["report"], ["import-git", ".", "x"]])
def test_an_absurd_duration_is_one_line_and_exit_2(env: dict[str, str], command: list[str]) -> None:
    Store.open(env["ERRATA_DB"]).close()
    args = [*command, "--source", "a"] if command[0] == "import-git" else command
    result = run_cli([*args, "--since", "99999999d"], env)
    assert result.exit_code == 2, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert line.endswith("'99999999d' is longer than 36525 days")  # click's usual usage error


def test_a_corrupted_database_is_one_line_and_exit_2(env: dict[str, str]) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(SOURCE)
    Path(env["ERRATA_DB"]).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4096)
    for command in (["run"], ["changes"], ["health"]):
        result = run_cli(command, env)
        assert result.exit_code == 2, (command, result.stderr)
        assert env["ERRATA_DB"] in one_line(result.stderr)


def test_a_database_in_a_folder_that_does_not_exist_is_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str]
) -> None:
    Path(env["ERRATA_CONFIG"]).write_text(SOURCE)
    missing = tmp_path / "no-such-folder" / "errata.db"
    for command in (["run"], ["ingest", "a", env["ERRATA_CONFIG"], "--observed-at", "1d"]):
        result = run_cli([*command, "--db", str(missing)], env)
        assert result.exit_code == 2, result.stderr
        assert "no-such-folder" in one_line(result.stderr)
    assert not missing.parent.exists()  # a typo never creates folders


def _read_only_mount_works() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _read_only_mount_works(), reason="needs unshare -rm (mount namespaces)")
def test_a_database_on_a_read_only_mount_is_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str]
) -> None:
    """The real thing: a bind mount remounted read-only, in a private mount namespace."""
    data = tmp_path / "data"
    data.mkdir()
    Path(env["ERRATA_CONFIG"]).write_text(SOURCE)
    db = data / "errata.db"
    Store.open(db).close()
    with sqlite3.connect(db) as conn:  # no -wal or -shm left behind: a cold, read-only start
        conn.execute("PRAGMA journal_mode=DELETE")
    errata = [sys.executable, "-m", "errata"]
    script = (
        f'mount --bind "{data}" "{data}" && mount -o remount,bind,ro "{data}" && '
        + " ".join(f'"{part}"' for part in errata)
        + f' run --db "{db}" --config "{env["ERRATA_CONFIG"]}" --archive "{tmp_path / "snap"}"'
    )
    done = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2, done.stderr
    assert str(data) in one_line(done.stderr)
    assert "Traceback" not in done.stderr


def corrupt_a_page_of(db: Path, table: str) -> None:
    """Scribble over the start of one leaf page of ``table``: the file still opens."""
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        leaves = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
            [table],
        ).fetchall()
    assert leaves, f"{table} has no leaf page to damage"
    data = bytearray(db.read_bytes())
    start = (leaves[len(leaves) // 2][0] - 1) * size
    data[start : start + 64] = b"\xab" * 64
    db.write_bytes(bytes(data))


def many_codes(count: int) -> str:
    rows = "".join(
        f"| {n} | message number {n} with some words to fill the page |\n" for n in range(count)
    )
    return "| Code | Message |\n|--|--|\n" + rows


def test_a_database_corrupted_after_it_opened_is_one_line_and_exit_2(
    tmp_path: Path, env: dict[str, str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text(many_codes(400))
    Path(env["ERRATA_CONFIG"]).write_text("")
    assert run_cli(["ingest", "a", str(page), "--observed-at", "2026-01-01"], env).exit_code == 0
    corrupt_a_page_of(Path(env["ERRATA_DB"]), "entry_versions")
    result = run_cli(["current", "a"], env)
    assert result.exit_code == 2, result.stderr
    assert "malformed" in one_line(result.stderr) and "errata check" in result.stderr
