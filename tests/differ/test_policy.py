"""Which other columns count (``detail_columns``), and the kinds table behind the severities."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import get_args

import pytest

from errata.differ import DEFAULT_POLICY, HEADINGS, KINDS, SEVERITIES, SEVERITY_KEYS, TABLE, Kind
from errata.differ.policy import DEFAULT_SEVERITY
from errata.errors import ConfigError
from errata.scraper.config import Config, parse


@pytest.mark.parametrize(
    ("column", "counts"),
    [
        ("Description", True),
        ("Remark", True),
        ("Recommended Action", True),
        ("Context", True),
        ("HTTP Status Code", True),
        ("http status", True),
        ("Status Code", True),
        ("说明", True),
        ("描述", True),
        # a second code column beside the one the codes were read from (Coinbase's "Error id |
        # Code", where Code is the HTTP status; "Code | Message Code"): a new value is news
        ("Code", True),
        ("Error Code", True),
        ("Message Code", True),
        ("错误码", True),
        ("Error Name", False),
        ("Type", False),
        ("Enum", False),
    ],
)
def test_by_default_prose_http_status_and_code_columns_count(column: str, counts: bool) -> None:
    assert DEFAULT_POLICY.counts(column) is counts


def test_the_kinds_table_is_the_one_declaration() -> None:
    assert KINDS == get_args(Kind) == tuple(spec.name for spec in TABLE)
    assert all(spec.severity in SEVERITIES and spec.heading in HEADINGS for spec in TABLE)
    assert all(spec.description and spec.fields for spec in TABLE)
    assert (*KINDS, "reworded_trivial") == SEVERITY_KEYS
    assert {
        k: DEFAULT_SEVERITY[k] for k in ("deprecated", "section_renamed", "detail_changed")
    } == {
        "deprecated": "high",
        "section_renamed": "low",
        "detail_changed": "low",
    }


SOURCE = "[[source]]\nid = 'demo'\nexchange = 'demo'\nurl = 'https://docs.example.com/errors'\n"


def config(text: str, tmp_path: Path) -> Config:
    return parse(tomllib.loads(text), tmp_path / "sources.toml")


def test_a_source_names_its_detail_columns(tmp_path: Path) -> None:
    loaded = config(SOURCE + "detail_columns = ['Error Name', ' recommended  action ']\n", tmp_path)
    policy = loaded.policy_for(loaded.sources[0])
    assert policy.counts("error name") and policy.counts("Recommended Action")
    assert not policy.counts("Description")  # the source's list replaces the default
    default = config(SOURCE, tmp_path)
    assert default.policy_for(default.sources[0]).counts("Description")


@pytest.mark.parametrize("value", ["'Description'", "[1]", "['']"])
def test_bad_detail_columns_name_the_source_and_the_key(value: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"source 'demo': .*detail_columns"):
        config(SOURCE + f"detail_columns = {value}\n", tmp_path)


def test_new_severity_keys_are_accepted_in_config(tmp_path: Path) -> None:
    loaded = config(
        "[severity]\ndeprecated = 'medium'\nsection_renamed = 'high'\n" + SOURCE, tmp_path
    )
    policy = loaded.policy_for(loaded.sources[0])
    assert (policy.severity_of("deprecated"), policy.severity_of("section_renamed")) == (
        "medium",
        "high",
    )


def test_the_readme_documents_every_kind_with_its_default_severity() -> None:
    from tests.support import REPO

    readme = (REPO / "README.md").read_text()
    for spec in TABLE:
        row = next(
            (line for line in readme.splitlines() if line.startswith(f"| `{spec.name}` |")), ""
        )
        assert row, f"no row for {spec.name} in the README's kinds table"
        assert row.rstrip(" |").endswith(spec.severity) or f"| {spec.severity}," in row, row
