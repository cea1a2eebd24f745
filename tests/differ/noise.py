"""How many ``moved`` lines the differ reports over every history (the noise figure of issue 15).

Run ``python -m tests.differ.noise``; with another checkout of errata first on
PYTHONPATH it measures that one (the histories stay these).
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path

from errata import differ
from errata.parsers import Entry, ParseError, parse
from tests.differ.histories import FIXTURE_HISTORIES, HISTORIES, fixture_versions
from tests.parsers.test_patterns import HISTORIES as PATTERN_HISTORIES
from tests.parsers.test_patterns import PATTERNS, spec_of


def kinds(steps: list[list[differ.Change]]) -> Counter[str]:
    return Counter(change.kind for step in steps for change in step)


def steps(versions: list[list[Entry]]) -> list[list[differ.Change]]:
    return [differ.diff(a, b) for a, b in itertools.pairwise(versions)]


def pattern_versions(history: Path) -> list[list[Entry]]:
    """The page versions of one issue-15 pattern history, as the parsers read them today."""
    spec = spec_of(history)
    versions = []
    for name in spec["versions"]:
        try:
            content = (history / name).read_bytes()
            versions.append(parse(spec["parser"], content, spec["url"], locale=spec["locale"]))
        except ParseError:
            versions.append([])  # an older parser that cannot read the page at all
    return versions


def main() -> None:
    rows = [(name, kinds(steps(fixture_versions(name)))) for name in FIXTURE_HISTORIES]
    rows += [(h.name, kinds(steps(h.versions))) for h in HISTORIES]
    rows += [
        (str(h.relative_to(PATTERNS)), kinds(steps(pattern_versions(h)))) for h in PATTERN_HISTORIES
    ]
    width = max(len(name) for name, _ in rows)
    for name, counted in rows:
        print(
            f"{name:<{width}}  moved {counted['moved']:>3}  of {sum(counted.values()):>3} changes"
        )
    total = sum((counted for _, counted in rows), Counter())
    print(f"{'total':<{width}}  moved {total['moved']:>3}  of {sum(total.values()):>3} changes")


if __name__ == "__main__":
    main()
