"""The layouts of issue 15 on hand-written pages, each with a history of versions.

``tests/fixtures/patterns/<pattern>/<history>/`` holds the versions of one page
(``v1.md``, ``v2.md`` …) and ``expected.json``: the parser and URL to read
them with, ``code_patterns`` (regular expressions written for these pages that
find every documented code in the raw text, independently of the parser) and
``steps``, the changes each version makes, written out by hand for the history
tests of the differ.

Here: every version parses to exactly the codes its raw text documents, the
entries match the golden files (``golden/patterns/<pattern>/<history>/<version>.json``),
and a step that changes nothing (a table turned into headings, a page moved
from headings into tables) yields the same entries.

After a deliberate parser change: ``python -m tests.parsers.test_patterns --write``
rewrites the golden files; review the diff before committing it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from errata.parsers import Entry, ParseError, parse

PATTERNS = Path(__file__).resolve().parents[1] / "fixtures" / "patterns"
GOLDEN = Path(__file__).with_name("golden") / "patterns"
KINDS = {
    "added", "removed", "reworded", "moved", "renumbered", "deprecated", "restored",
    "section_renamed", "detail_changed",
}  # fmt: skip


@dataclass(frozen=True)
class Version:
    history: Path  # the folder holding expected.json
    name: str  # v1.md …

    @property
    def id(self) -> str:
        return f"{self.history.relative_to(PATTERNS)}/{self.name}"

    @property
    def spec(self) -> dict[str, Any]:
        return spec_of(self.history)

    @property
    def path(self) -> Path:
        return self.history / self.name

    @property
    def golden(self) -> Path:
        return GOLDEN / self.history.relative_to(PATTERNS) / f"{Path(self.name).stem}.json"

    def entries(self) -> list[Entry]:
        spec = self.spec
        return parse(
            spec["parser"],
            self.path.read_bytes(),
            spec["url"],
            locale=spec["locale"],
            where=str(self.path),
        )

    def documented_codes(self) -> Counter[str]:
        """The codes the raw text documents, found by the page's own regular expressions."""
        raw = self.path.read_text(encoding="utf-8")
        return Counter(
            match.group(1)
            for pattern in self.spec["code_patterns"]
            for match in re.finditer(pattern, raw, re.MULTILINE)
        )


def spec_of(history: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((history / "expected.json").read_text(encoding="utf-8"))
    return data


HISTORIES = sorted(p.parent for p in PATTERNS.glob("*/*/expected.json"))
VERSIONS = [Version(h, name) for h in HISTORIES for name in spec_of(h)["versions"]]
STEPS = [(h, s) for h in HISTORIES for s in spec_of(h)["steps"]]


ISSUE_PATTERNS = {
    "mixed-layouts", "contradicted-header", "string-codes", "column-names", "locale-flip",
    "embedded-html-table", "struck-codes", "structured-data", "front-matter-anchor",
}  # fmt: skip
# The long tail: one folder per exchange whose real error pages errata was never tuned for,
# reconstructed page by page in the layouts those exchanges publish (Markdown, MDX, HTML).
EXCHANGE_PROBES = {
    "binance", "gate", "kraken", "cryptocom", "deribit", "htx", "bybit", "bitget", "bitfinex",
    "coinbase", "kraken-futures", "mexc", "gitbook", "gemini", "upbit", "hyperliquid",
}  # fmt: skip


# Layouts the block readers learnt in round 2: per-code titles in bold (a converted Docusaurus
# page), and code headings of other shapes (``Error 10001``, ``Name (10001)``, ``10001 - Name``).
READER_PROBES = {"bold-titles", "heading-shapes"}


def test_every_pattern_of_the_issue_and_every_probe_has_pages_with_a_history() -> None:
    assert {h.parent.name for h in HISTORIES} == ISSUE_PATTERNS | EXCHANGE_PROBES | READER_PROBES
    assert all(len(spec_of(h)["versions"]) >= 2 for h in HISTORIES)
    probes = [h for h in HISTORIES if h.parent.name in EXCHANGE_PROBES | READER_PROBES]
    assert all(len(spec_of(h)["versions"]) >= 3 for h in probes)


@pytest.mark.parametrize("version", VERSIONS, ids=[v.id for v in VERSIONS])
def test_every_code_the_page_documents_is_extracted(version: Version) -> None:
    documented = version.documented_codes()
    # Volume where a pattern needs it; an exchange's page is as long as the exchange made it.
    probe = version.history.parent.name in EXCHANGE_PROBES | READER_PROBES
    assert sum(documented.values()) >= (10 if probe else 20) or "column-names/chinese" in version.id
    assert Counter(e.code for e in version.entries()) == documented


@pytest.mark.parametrize("version", VERSIONS, ids=[v.id for v in VERSIONS])
def test_entries_match_the_golden_file(version: Version) -> None:
    expected = json.loads(version.golden.read_text(encoding="utf-8"))
    assert expected["fixture"] == version.id
    assert [e.to_dict() for e in version.entries()] == expected["entries"]


def test_every_golden_file_belongs_to_a_version() -> None:
    assert set(GOLDEN.rglob("*.json")) == {v.golden for v in VERSIONS}


@pytest.mark.parametrize(
    ("history", "step"), STEPS, ids=[f"{h.relative_to(PATTERNS)}:{s['to']}" for h, s in STEPS]
)
def test_expected_changes_are_well_formed(history: Path, step: dict[str, Any]) -> None:
    versions = spec_of(history)["versions"]
    assert versions.index(step["to"]) == versions.index(step["from"]) + 1
    assert step["suspect"] is False
    for change in step["changes"]:
        assert set(change) == {"kind", "code", "new_code", "section", "old_section"}
        assert change["kind"] in KINDS
        assert (change["code"] is None) == (change["kind"] == "section_renamed")
        assert (change["new_code"] is not None) == (change["kind"] == "renumbered")


@pytest.mark.parametrize(
    ("history", "step"),
    [(h, s) for h, s in STEPS if not s["changes"]],
    ids=[f"{h.relative_to(PATTERNS)}:{s['to']}" for h, s in STEPS if not s["changes"]],
)
def test_a_step_without_changes_reads_as_the_same_entries(
    history: Path, step: dict[str, Any]
) -> None:
    """Table to headings, headings to a table, an HTML table to a pipe table: nothing changed."""
    before = Version(history, step["from"]).entries()
    after = Version(history, step["to"]).entries()
    assert Counter(before) == Counter(after)
    assert [dict(e.extra) for e in before] == [dict(e.extra) for e in after]


def test_struck_codes_are_deprecated_and_a_struck_old_code_is_replaced() -> None:
    for history, ext in (("markdown", "md"), ("html", "html")):
        folder = PATTERNS / "struck-codes" / history
        v2 = {e.code: e for e in Version(folder, f"v2.{ext}").entries()}
        assert {c for c, e in v2.items() if e.deprecated} == {"31004", "31010"}
        assert v2["31004"].message == "Order price exceeds the price limit"  # no ~~ or <del> left
        v3 = {e.code: e for e in Version(folder, f"v3.{ext}").entries()}
        assert "50010" not in v3
        assert (v3["50210"].replaces, v3["50210"].deprecated) == ("50010", False)


def test_one_locale_for_a_page_whatever_its_layout() -> None:
    for history, ext in (("markdown", "md"), ("html", "html")):
        folder = PATTERNS / "locale-flip" / history
        for version in ("v1", "v2"):
            assert {e.locale for e in Version(folder, f"{version}.{ext}").entries()} == {"zh"}


@pytest.mark.parametrize("name", ["settings.json", "broken.yaml"])
def test_a_data_file_without_records_is_a_one_line_parse_error(name: str) -> None:
    path = PATTERNS / "structured-data" / "unsupported" / name
    with pytest.raises(ParseError) as caught:
        parse("auto", path.read_bytes(), where=str(path))
    message = str(caught.value)
    assert "format not supported" in message and str(path) in message
    assert "\n" not in message


def test_the_front_matter_anchor_selects_the_section_and_only_the_fragment_does() -> None:
    page = PATTERNS / "front-matter-anchor" / "markdown" / "v1.txt"
    url = "https://docs.examplex.com/api/#error-code-websocket"
    assert len(parse("auto", page.read_bytes(), url)) == 30
    with pytest.raises(ParseError, match="#error-code-rest-api"):
        parse("auto", page.read_bytes(), url.replace("websocket", "rest-api"))


def write(version: Version) -> None:
    entries = [e.to_dict() for e in version.entries()]
    version.golden.parent.mkdir(parents=True, exist_ok=True)
    head = json.dumps(
        {"fixture": version.id, "parser": version.spec["parser"], "url": version.spec["url"]},
        ensure_ascii=False,
    )[:-1]
    rows = "".join(f"\n  {json.dumps(e, ensure_ascii=False)}," for e in entries).rstrip(",")
    version.golden.write_text(
        f'{head}, "entries": [{rows}{chr(10) if rows else ""}]}}\n', encoding="utf-8"
    )
    print(f"{len(entries):4d}  {version.golden.relative_to(GOLDEN)}")


if __name__ == "__main__" and "--write" in sys.argv:
    for each in VERSIONS:
        write(each)
