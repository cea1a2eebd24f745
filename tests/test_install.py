"""Installing and the first five minutes, as a newcomer meets them.

Both tests start from a fresh copy of the repository's tracked files (what a
clone holds), with no ``../shared`` beside it and no ERRATA_* variables: the
wheel must hold only the ``errata`` package, and every command the README's
quick start and the demo's closing lines show must work as written after
``make demo``. pip's own cache keeps them fast; nothing is faked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.support import REPO

README = (REPO / "README.md").read_text()


def fresh_copy(into: Path) -> Path:
    """The tracked files of the working tree, as a clone would have them."""
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True
    ).stdout.decode()
    root = into / "errata"
    for name in filter(None, listed.split("\0")):
        source = REPO / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    return root


def clean_env() -> dict[str, str]:
    """The user's environment, without errata's variables or this test run's virtualenv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ERRATA_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if Path(p) != Path(sys.executable).parent
    )
    return env


def test_the_wheel_holds_only_the_errata_package(tmp_path: Path) -> None:
    root = fresh_copy(tmp_path)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(root)],
        check=True, capture_output=True, env=clean_env(),
    )  # fmt: skip
    [wheel] = (tmp_path / "dist").glob("errata_watch-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    assert {name.split("/")[0] for name in names} == {
        "errata",
        wheel.name.split("-py3")[0] + ".dist-info",
    }
    for package in ("scraper", "parsers", "db", "differ", "reports", "cron"):
        assert f"errata/{package}/__init__.py" in names
    assert "errata/scraper/demo_pages/night1/okx.html" in names  # package data travels too
    entry_points = zipfile.ZipFile(wheel).read(
        f"{wheel.name.split('-py3')[0]}.dist-info/entry_points.txt"
    )
    assert b"errata = errata.scraper.cli:main" in entry_points


def quick_start() -> list[str]:
    """The commands of the README's quick start: its first console block, without prompts."""
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block, "the quick start has no console block"
    lines = [line[2:] for line in block.group(1).splitlines() if line.startswith("$ ")]
    return [re.sub(r"\s+#.*$", "", line) for line in lines]


def test_every_quick_start_and_demo_command_works_as_written_in_a_fresh_clone(
    tmp_path: Path,
) -> None:
    root = fresh_copy(tmp_path)
    assert not (root.parent / "shared").exists()
    env = clean_env()
    commands = quick_start()
    assert commands[0] == "make demo" and len(commands) > 1
    demo = subprocess.run(["make", "demo"], cwd=root, env=env, capture_output=True, text=True, timeout=900)  # fmt: skip
    assert demo.returncode == 0, demo.stderr[-3000:]
    tried = demo.stderr.split("\nTry:\n", 1)[1].splitlines()
    closing = [line.strip() for line in tried if line.startswith("  ")]
    assert len(closing) >= 3
    script = "set -e\n" + "\n".join(commands) + "\n"
    readme = subprocess.run(["bash", "-c", script], cwd=root, env=env, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert readme.returncode == 0, f"README quick start failed:\n{readme.stderr[-3000:]}"
    for command in closing:
        shown = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
        assert shown.returncode == 0, f"{command}: {shown.stderr}"
        assert shown.stdout.strip(), command
