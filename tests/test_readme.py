"""The README is the manual: every command and the quickstart must be in it."""

from __future__ import annotations

import re

from errata.scraper.cli import cli
from tests.support import REPO

README = (REPO / "README.md").read_text()


def test_every_cli_command_is_documented_with_an_example() -> None:
    for name in cli.list_commands(None):  # type: ignore[arg-type]
        assert re.search(rf"^#+ .*`errata {name}\b", README, re.MULTILINE), (
            f"no section for errata {name}"
        )
        assert re.search(rf"^\$? ?errata {name}\b", README, re.MULTILINE), (
            f"no example of errata {name}"
        )


def test_quickstart_commands_are_the_makefile_targets_ci_uses() -> None:
    assert "make demo" in README and "make test" in README
    assert "make test" in (REPO / ".ci" / "run").read_text()
    makefile = (REPO / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.MULTILINE) and re.search(
        r"^test:", makefile, re.MULTILINE
    )


def test_every_config_key_is_documented() -> None:
    from errata.differ import SEVERITY_KEYS
    from errata.reports import channels
    from errata.scraper.config import (
        BROWSER_KEYS,
        DATASETTE_KEYS,
        FETCH_KEYS,
        HEALTH_KEYS,
        NOTIFY_KEYS,
        SCHEDULE_KEYS,
        SOURCE_KEYS,
        TOP_KEYS,
    )

    channel_keys = [key for name in channels.names() for key in channels.spec(name).keys]
    for key in [*FETCH_KEYS, *SOURCE_KEYS, *TOP_KEYS, *HEALTH_KEYS, *SEVERITY_KEYS, *NOTIFY_KEYS,
                *DATASETTE_KEYS, *SCHEDULE_KEYS, *BROWSER_KEYS, *channel_keys,
                *channels.names()]:  # fmt: skip
        assert f"`{key}`" in README, key
