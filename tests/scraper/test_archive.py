from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from errata.errors import ArchiveError
from errata.scraper.archive import Archive, sha256


def test_a_body_is_stored_once_however_often_it_is_put(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    first = archive.put(b"<html>page</html>")
    second = archive.put(b"<html>page</html>")
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert first == second == sha256(b"<html>page</html>")
    assert files == [tmp_path / first[:2] / f"{first}.gz"]
    assert archive.get(first) == b"<html>page</html>"


def test_stored_bodies_are_gzip_compressed(tmp_path: Path) -> None:
    archive = Archive(tmp_path)
    body = b"<tr><td>60004</td><td>Invalid timestamp</td></tr>\n" * 1000
    digest = archive.put(body)
    stored = archive.path(digest).read_bytes()
    assert len(stored) < len(body) / 20 and gzip.decompress(stored) == body


def test_a_missing_body_is_reported(tmp_path: Path) -> None:
    with pytest.raises(ArchiveError, match="is missing"):
        Archive(tmp_path).get("ab" * 32)


@pytest.mark.parametrize(
    "damage", [b"not gzip at all", gzip.compress(b"other content")], ids=["garbage", "wrong-body"]
)
def test_a_corrupt_body_is_reported(tmp_path: Path, damage: bytes) -> None:
    archive = Archive(tmp_path)
    digest = archive.put(b"original")
    archive.path(digest).write_bytes(damage)
    with pytest.raises(ArchiveError, match="is corrupt"):
        archive.get(digest)
