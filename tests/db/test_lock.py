from __future__ import annotations

import time
from pathlib import Path

import pytest

from errata.db.lock import write_lock
from errata.db.store import Store
from errata.errors import LockTimeout, UsageError
from tests.support import run_cli


def test_a_second_writer_waits_then_gives_up_with_a_clear_message(tmp_path: Path) -> None:
    db = tmp_path / "errata.db"
    with write_lock(db, timeout=1):
        started = time.monotonic()
        with pytest.raises(LockTimeout) as caught, write_lock(db, timeout=0.3):
            pass
        waited = time.monotonic() - started
    assert 0.3 <= waited < 2
    assert f"{db} is being written by errata pid" in str(caught.value)
    with write_lock(db, timeout=0):  # released when the holder ends
        pass


def test_writing_commands_exit_75_while_another_writer_holds_the_lock(tmp_path: Path) -> None:
    env = {"ERRATA_DB": str(tmp_path / "errata.db"), "ERRATA_ARCHIVE": str(tmp_path / "snap")}
    page = tmp_path / "page.md"
    page.write_text("| Code | Message |\n|--|--|\n| 1 | a |\n")
    Store.open(tmp_path / "errata.db").close()  # readers need a database; they never create one
    with write_lock(tmp_path / "errata.db", timeout=1):
        result = run_cli(
            ["ingest", "x", str(page), "--observed-at", "2026-01-01", "--lock-timeout", "0.2"], env
        )
        reader = run_cli(["changes", "--json"], env)  # readers never wait
    assert result.exit_code == 75
    assert "errata: error:" in result.stderr and "is being written by" in result.stderr
    assert reader.exit_code == 0


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_left_alone(
    tmp_path: Path,
) -> None:
    """A planted ``errata.db.lock -> precious`` must not truncate and overwrite ``precious``."""
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me\n")
    db = tmp_path / "errata.db"
    Path(f"{db}.lock").symlink_to(precious)
    with pytest.raises(UsageError) as caught, write_lock(db, timeout=0):
        pass
    assert "symbolic link" in str(caught.value) and "\n" not in str(caught.value)
    assert precious.read_text() == "keep me\n"
    env = {"ERRATA_DB": str(db), "ERRATA_ARCHIVE": str(tmp_path / "snap")}
    page = tmp_path / "page.md"
    page.write_text("| Code | Message |\n|--|--|\n| 1 | a |\n")
    result = run_cli(["ingest", "x", str(page), "--observed-at", "2026-01-01"], env)
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert "symbolic link" in result.stderr and precious.read_text() == "keep me\n"


def test_a_lock_path_that_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "errata.db"
    Path(f"{db}.lock").mkdir()
    with pytest.raises(UsageError, match="lock"), write_lock(db, timeout=0):
        pass
