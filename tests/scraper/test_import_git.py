"""``errata import-git`` on a repository the test creates."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.support import fixture_bytes, json_out, run_cli

pytestmark = pytest.mark.corpus  # every test here reads the real-page corpus

KUCOIN = "https://docs.kucoin.com/#errors"


def git(repo: Path, *args: str, when: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    if when:
        env |= {"GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(
        ["git", "-c", "user.name=Docs", "-c", "user.email=docs@example.invalid", *args],
        cwd=repo, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Four versions of KuCoin's legacy docs, a rename, an unrelated commit, then a deletion."""
    root = tmp_path / "kucoin-api-docs"
    (root / "docs").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    page = root / "docs" / "index.md"

    def commit(message: str, when: str) -> None:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message, when=when)

    page.write_bytes(fixture_bytes("kucoin/legacy-index-2019-02-23.md"))
    commit("first docs", "2019-02-23T10:00:00+08:00")
    page.write_bytes(fixture_bytes("kucoin/legacy-index-2020-08-05.md"))
    commit("update error codes", "2020-08-05T09:30:00+08:00")
    (root / "source").mkdir()
    git(root, "mv", "docs/index.md", "source/index.html.md")
    commit("move to slate layout", "2021-01-04T12:00:00+00:00")
    (root / "README.md").write_text("unrelated\n")
    commit("readme", "2022-01-01T00:00:00+00:00")
    (root / "source" / "index.html.md").write_bytes(
        fixture_bytes("kucoin/legacy-index-2023-06-09.md")
    )
    commit("v3 docs", "2023-06-09T18:00:00+08:00")
    return root


def import_git(repo: Path, env: dict[str, str], *extra: str) -> object:
    args = ["import-git", str(repo), "source/index.html.md", "--source", "kucoin-legacy"]
    result = run_cli([*args, "--parser", "kucoin", "--url", KUCOIN, "--json", *extra], env)
    assert result.exit_code == 0, result.stderr
    return json_out(result)


@pytest.fixture
def env(env: dict[str, str]) -> dict[str, str]:
    Path(env["ERRATA_CONFIG"]).write_text("")
    return env


def test_every_version_is_ingested_at_its_commit_time_with_its_commit_id(
    repo: Path, env: dict[str, str]
) -> None:
    changes = import_git(repo, env)
    assert isinstance(changes, list)
    times = sorted({c["observed_at"] for c in changes})
    assert times == ["2020-08-05T01:30:00Z", "2023-06-09T10:00:00Z"]
    assert (
        len([c for c in changes if c["observed_at"] == "2020-08-05T01:30:00Z"]) == 22
    )  # as ingest finds
    shas = git(repo, "log", "--format=%H", "--", "source/index.html.md", "docs/index.md").split()
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        fetches = conn.execute(
            "SELECT fetched_at, origin, outcome, commit_id FROM fetches ORDER BY id"
        ).fetchall()
        revisions = conn.execute("SELECT observed_at FROM revisions ORDER BY id").fetchall()
    assert fetches == [
        ("2019-02-23T02:00:00Z", "git", "new", shas[3]),
        ("2020-08-05T01:30:00Z", "git", "new", shas[2]),
        ("2021-01-04T12:00:00Z", "git", "unchanged", shas[1]),  # the rename: same body
        ("2023-06-09T10:00:00Z", "git", "new", shas[0]),
    ]
    assert revisions == [
        ("2019-02-23T02:00:00Z",),
        ("2020-08-05T01:30:00Z",),
        ("2023-06-09T10:00:00Z",),
    ]


def test_importing_again_adds_only_new_commits(repo: Path, env: dict[str, str]) -> None:
    import_git(repo, env)
    assert import_git(repo, env) == []
    (repo / "source" / "index.html.md").unlink()
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "drop the page", when="2024-01-01T00:00:00+00:00")
    assert import_git(repo, env) == []  # a deleting commit is skipped, not read as an empty page
    with sqlite3.connect(env["ERRATA_DB"]) as conn:
        assert conn.execute("SELECT count(*) FROM fetches").fetchone()[0] == 4


def test_since_starts_the_history_later(repo: Path, env: dict[str, str]) -> None:
    changes = import_git(repo, env, "--since", "2020-01-01")
    assert {c["observed_at"] for c in changes} == {"2023-06-09T10:00:00Z"}
    first = json_out(
        run_cli(["current", "kucoin-legacy", "--at", "2020-08-05T01:30:00Z", "--json"], env)
    )
    assert len(first) == 29


def test_bad_repository_or_path_exits_2(repo: Path, tmp_path: Path, env: dict[str, str]) -> None:
    missing = run_cli(["import-git", str(repo), "nope.md", "--source", "x"], env)
    assert missing.exit_code == 2 and "no commit touches 'nope.md'" in missing.stderr
    plain = tmp_path / "plain"
    plain.mkdir()
    not_git = run_cli(["import-git", str(plain), "a.md", "--source", "x"], env)
    assert not_git.exit_code == 2 and f"{plain}: git log failed" in not_git.stderr
