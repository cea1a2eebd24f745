"""``[[notify]]`` configuration, ``errata report`` and ``errata notify-test``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from errata.errors import ConfigError
from errata.scraper.config import load
from errata.scraper.localserver import PageServer
from tests.support import fixture_path, run_cli

SOURCE = """
[[source]]
id = "tickdb"
exchange = "tickdb"
url = "https://docs.tickdb.ai/en/errors"
parser = "tickdb"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(SOURCE + text)
    return path


def test_notify_blocks_become_routes(tmp_path: Path) -> None:
    config = load(write(tmp_path, """
[datasette]
base_url = "https://errata.example.com/"

[[notify]]
name = "team"
channel = "slack"
webhook_url_env = "ERRATA_SLACK_WEBHOOK"
min_severity = "medium"
sources = ["tickdb"]
health = true

[[notify]]
channel = "email"
host = "smtp.example.com"
from = "errata@example.com"
to = ["sdk@example.com"]
password_env = "ERRATA_SMTP_PASSWORD"
username = "errata"
mode = "digest"
digest = "weekly"
"""))  # fmt: skip
    team, mail = config.routes
    assert (team.name, team.channel, team.min_severity, team.sources, team.health) == (
        "team", "slack", "medium", ("tickdb",), True,
    )  # fmt: skip
    assert team.settings == {"webhook_url_env": "ERRATA_SLACK_WEBHOOK"}
    assert (mail.name, mail.mode, mail.digest, mail.settings["to"]) == (
        "email",
        "digest",
        "weekly",
        ["sdk@example.com"],
    )
    assert config.datasette_url == "https://errata.example.com"


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ('channel = "pager"', "notify 'pager': unknown channel 'pager' (known: email, file, slack, stdout, webhook)"),
        ('channel = "slack"', "notify 'slack': missing required key 'webhook_url_env' for channel 'slack'"),
        ('channel = "slack"\nwebhook_url = "https://hooks.slack.com/x"', "notify 'slack': unknown key 'webhook_url'"),
        ('channel = "slack"\nwebhook_url_env = "https://hooks.slack.com/services/T/B/x"', "webhook_url_env must name an environment variable"),
        ('channel = "stdout"\nmin_severity = "urgent"', "min_severity must be one of low, medium, high, not 'urgent'"),
        ('channel = "stdout"\nmode = "hourly"', "mode must be one of immediate, digest"),
        ('channel = "stdout"\nformat = "pdf"', "format must be one of"),
        ('channel = "stdout"\nsources = ["okx-ws"]', "sources: unknown source id 'okx-ws'"),
        ('channel = "email"\nhost = "h"\nfrom = "f"\nto = []', "to must list at least one address"),
        ('channel = "stdout"\nretries = -1', "retries must not be negative"),
        ('name = "x"', "notify 'x': missing required key 'channel'"),
    ],
    ids=["unknown-channel", "missing-secret-key", "secret-by-value", "url-in-env-key", "bad-severity",
         "bad-mode", "bad-format", "unknown-source", "no-recipients", "negative-retries", "no-channel"],
)  # fmt: skip
def test_bad_notify_blocks_name_the_block_and_problem(
    tmp_path: Path, block: str, message: str
) -> None:
    path = write(tmp_path, f"[[notify]]\n{block}\n")
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert str(caught.value).startswith(f"{path}: notify")
    assert message in str(caught.value)


def test_two_routes_with_one_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="notify 'stdout': duplicate name"):
        load(write(tmp_path, '[[notify]]\nchannel = "stdout"\n[[notify]]\nchannel = "stdout"\n'))


def ingest_tickdb(env: dict[str, str]) -> None:
    for day in ("2026-01-14", "2026-01-21"):
        result = run_cli(
            [
                "ingest",
                "tickdb",
                str(fixture_path(f"tickdb/errors-{day}.md")),
                "--observed-at",
                day,
            ],
            env,
        )
        assert result.exit_code == 0, result.stderr
    assert (
        run_cli(["accept", "tickdb"], env).exit_code == 0
    )  # the 01-21 page is held back as suspect


@pytest.mark.corpus
@pytest.mark.parametrize("fmt", ["md", "json", "text", "html", "slack", "atom"])
def test_report_renders_a_period_in_every_format(
    tmp_path: Path, env: dict[str, str], fmt: str
) -> None:
    write(tmp_path, '[datasette]\nbase_url = "https://errata.example.com"\n')
    ingest_tickdb(env)
    result = run_cli(["report", "--since", "2026-01-01", "--format", fmt], env)
    assert result.exit_code == 0, result.stderr
    assert "2002" in result.stdout
    if fmt in ("md", "text", "html", "slack", "atom"):
        assert (
            "https://errata.example.com/errata/code_history?source=tickdb"
            in result.stdout.replace("&amp;", "&")
        )
    if fmt == "json":
        assert {c["source"] for c in json.loads(result.stdout)} == {"tickdb"}


@pytest.mark.corpus
def test_report_filters_by_period_exchange_and_severity(
    tmp_path: Path, env: dict[str, str]
) -> None:
    write(tmp_path, "")
    ingest_tickdb(env)
    every = json.loads(run_cli(["report", "--since", "2026-01-01", "--format", "json"], env).stdout)
    high = json.loads(
        run_cli(
            ["report", "--since", "2026-01-01", "--min-severity", "high", "--format", "json"], env
        ).stdout
    )
    assert every and high and {c["severity"] for c in high} == {"high"} and len(high) < len(every)
    unknown = run_cli(["report", "--since", "2026-01-01", "--exchange", "okx", "--json"], env)
    assert unknown.exit_code == 2 and "unknown exchange 'okx'" in unknown.stderr
    assert "(exchanges in " in unknown.stderr and unknown.stderr.rstrip().endswith(": tickdb)")
    assert (
        json.loads(run_cli(["report", "--since", "7d", "--format", "json"], env).stdout) == []
    )  # all in January
    bad = run_cli(["report", "--since", "last tuesday"], env)
    assert bad.exit_code == 2 and "--since" in bad.stderr


def test_notify_test_sends_to_a_route_and_fails_clearly(
    tmp_path: Path, env: dict[str, str], server: PageServer
) -> None:
    write(
        tmp_path,
        '[[notify]]\nname = "team"\nchannel = "slack"\nwebhook_url_env = "ERRATA_TEST_SLACK"\nretries = 0\n',
    )
    ok = run_cli(["notify-test", "team"], {**env, "ERRATA_TEST_SLACK": server.url("/hook")})
    assert ok.exit_code == 0, ok.stderr
    assert "notify-test team: sent (slack)" in ok.stderr
    text = json.dumps(json.loads(server.accepted[0].body))
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text
    missing = run_cli(["notify-test", "slack"], env)  # by channel kind; the variable is not set
    assert missing.exit_code == 1
    assert "environment variable ERRATA_TEST_SLACK (webhook_url_env) is not set" in missing.stderr
    unknown = run_cli(["notify-test", "pager"], env)
    assert (
        unknown.exit_code == 2
        and "no [[notify]] route named 'pager' (configured: team)" in unknown.stderr
    )
