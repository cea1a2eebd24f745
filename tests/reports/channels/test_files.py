"""The file channel writes inside its folder, whatever the names in the database (issue 17.12).

Exchanges and source ids become folder and file names; configuration now
refuses any that is not a slug, but a database written before (or an ingest
of an odd id) can still hold one, and a link inside the folder can point out
of it. Every path is checked before anything is written through it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from errata.differ import diff
from errata.errors import DeliveryError
from errata.parsers import Entry
from errata.reports import Report
from errata.reports.channels import Context, SourceState, spec
from errata.reports.snapshot import SourceInfo
from tests.reports.samples import stamped
from tests.support import run_cli

CHANGES = stamped(diff([], [Entry("1", "a")]), "s", "x", "2026-01-02T00:00:00Z")


def send(root: Path, exchange: str = "x", source: str = "s", locale: str = "en") -> None:
    changes = [replace(c, exchange=exchange, source=source) for c in CHANGES]
    info = SourceInfo(source, exchange, "https://docs.example/errors")
    state = SourceState(info, locale, "en", [Entry("1", "a")], "2026-01-02T00:00:00Z")
    context = Context(history=lambda: changes, sources=lambda: [state])
    spec("file").build({"dir": str(root)}, {}).send(Report(changes), context)


@pytest.mark.parametrize(
    ("exchange", "source", "locale"),
    [("../../outside", "s", "en"), ("x", "../outside", "en"), ("x", "s", "../../../outside"),
     ("/tmp/outside", "s", "en"), ("x", "s", "zh/../../../../outside")],
    ids=["exchange", "source", "locale", "absolute", "nested"],
)  # fmt: skip
def test_a_name_that_climbs_out_is_refused_and_nothing_lands_outside(
    tmp_path: Path, exchange: str, source: str, locale: str
) -> None:
    root = tmp_path / "site" / "repo"
    root.mkdir(parents=True)
    with pytest.raises(DeliveryError) as caught:
        send(root, exchange, source, locale)
    assert not caught.value.transient and "outside" in str(caught.value)
    written = {p for p in tmp_path.rglob("*") if p.is_file()}
    assert all(root in p.parents for p in written), written
    assert (root / "changes.atom").exists()  # the files that stay inside are still written


def test_a_link_inside_the_folder_that_points_out_is_not_written_through(tmp_path: Path) -> None:
    root, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    root.mkdir()
    elsewhere.mkdir()
    (root / "changelog").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(DeliveryError, match="outside"):
        send(root)
    assert list(elsewhere.iterdir()) == []


def test_good_names_are_written_where_expected(tmp_path: Path) -> None:
    send(tmp_path, locale="zh")
    assert (tmp_path / "changelog" / "x" / "CHANGELOG.md").exists()
    assert (tmp_path / "snapshots" / "s.zh.md").exists()


@pytest.mark.parametrize(
    "args", [["../x"], ["a", "--exchange", "../x"], ["A B"], ["a", "--exchange", ".."]]
)
def test_an_ad_hoc_source_or_exchange_must_be_a_slug(
    tmp_path: Path, env: dict[str, str], args: list[str]
) -> None:
    page = tmp_path / "page.md"
    page.write_text("| Code | Message |\n|--|--|\n| 1 | a |\n")
    Path(env["ERRATA_CONFIG"]).write_text("")
    source, *rest = args
    result = run_cli(["ingest", source, str(page), "--observed-at", "2026-01-01", *rest], env)
    assert result.exit_code == 2, result.stderr
    assert "must be a lowercase slug" in result.stderr and result.stderr.count("\n") == 1
