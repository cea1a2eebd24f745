from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from errata.errors import ConfigError
from errata.scraper import config
from errata.scraper.config import FetchSettings, load, toml_keys
from tests.support import REPO, run_cli

GOOD = """
[fetch]
timeout = 10

[[source]]
id = "okx-ws"
exchange = "okx"
url = "https://www.okx.com/docs-v5/en/#error-code-websocket"
parser = "okx"
"""


NOTIFY = '[[notify]]\nchannel = "stdout"\n'
MAIL = '[[notify]]\nchannel = "email"\nhost = "127.0.0.1"\nfrom = "e@x.org"\nto = ["a@x.org"]\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text)
    return path


def test_the_repository_config_lists_the_seed_sources() -> None:
    config = load(REPO / "sources.toml")
    ids = [s.id for s in config.sources]
    assert {"okx-ws", "kucoin-ws", "tickdb", "oxfun-ws"} <= set(ids)
    okx = config.source("okx-ws")
    assert okx.parser == "okx" and okx.pages()[0].chain() == ("https://www.okx.com/docs-v5/en/",)


def test_a_good_config(tmp_path: Path) -> None:
    config = load(write(tmp_path, GOOD))
    assert config.fetch.timeout == 10 and config.fetch.retries == 3
    assert config.sources[0].locale == "en" and config.sources[0].enabled


def test_the_default_schedule_is_valid_so_a_config_without_one_skips_the_check() -> None:
    """Without [schedule] cron or every, the default cron line is not re-checked (that would
    import APScheduler on every run); so the default itself must be a valid cron line."""
    from errata.cron.timetable import ScheduleSettings

    ScheduleSettings().check()
    assert config.parse({}, Path("sources.toml")).schedule == ScheduleSettings()


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (GOOD + 'urll = "x"\n', "source 'okx-ws': unknown key 'urll'"),
        (GOOD + GOOD.split("[fetch]\ntimeout = 10")[1], "source 'okx-ws': duplicate id"),
        (GOOD.replace('"okx"\n', '"okxx"\n', 1).replace('parser = "okx"', 'parser = "okxx"'), "source 'okx-ws': unknown parser 'okxx'"),
        (GOOD.replace("https://www.okx.com", "ftp://www.okx.com"), "source 'okx-ws': malformed url 'ftp://"),
        (GOOD.replace("https://www.okx.com", "https://"), "it has no host"),
        (GOOD.replace('exchange = "okx"\n', ""), "source 'okx-ws': missing required key 'exchange'"),
        (GOOD.replace('id = "okx-ws"\n', ""), "source #1: missing required key 'id'"),
        (GOOD.replace("timeout = 10", 'timeout = "fast"'), "[fetch]: timeout must be a number, not str"),
        (GOOD.replace("timeout = 10", "timeout = -1"), "[fetch]: timeout must be positive"),
        (GOOD + "enabled = 1\n", "source 'okx-ws': enabled must be true or false, not int"),
        (GOOD.replace('id = "okx-ws"', 'id = "OKX WS"'), "source 'OKX WS': id must be a lowercase slug"),
        ("[alerts]\nx = 1\n" + GOOD, "unknown top-level key 'alerts'"),
        ("[severity]\nadded = 'urgent'\n" + GOOD, "unknown severity 'urgent'"),
        ("[severity]\ntypo = 'high'\n" + GOOD, "unknown change kind 'typo'"),
        ("[health]\nmax_removed = 1.5\n" + GOOD, "max_removed must be a share between 0 and 1"),
        ("[health]\nmax_gone = 0.5\n" + GOOD, "[health]: unknown key 'max_gone'"),
        ("ignore = [1]\n" + GOOD, "ignore must be a list of change ids"),
        (GOOD + "severity = { removed = 'low', added = 'huge' }\n", "source 'okx-ws': unknown severity 'huge'"),
        (GOOD + "locales = { zh = 'not a url' }\n", "source 'okx-ws': locales: malformed url 'not a url' for 'zh'"),
        (GOOD + "locales = { en = 'https://www.okx.com/docs-v5/en/' }\n", "locales: 'en' is not another locale code"),
        ("[[source]\nid=", "invalid TOML"),
        (GOOD.replace("timeout = 10", "retries = 100000000000000000"), "[fetch]: retries = 100000000000000000 is more than the 100 it may be"),
        (GOOD.replace("timeout = 10", "retries = 1e17"), "[fetch]: retries must be a whole number, not float"),
        (GOOD.replace("timeout = 10", "timeout = nan"), "[fetch]: timeout must be a finite number, not nan"),
        (GOOD.replace("timeout = 10", "read_timeout = inf"), "[fetch]: read_timeout must be a finite number, not inf"),
        (GOOD.replace("timeout = 10", "per_host = -2"), "[fetch]: per_host must be positive, not -2"),
        ("[browser]\nmemory = -5\n" + GOOD, "[browser]: memory must be positive, not -5"),
        ("[schedule]\njitter = 99999999999999\n" + GOOD, "[schedule]: jitter = 99999999999999 is more than"),
        ("[schedule]\ncron = '0 0 31 2 *'\n" + GOOD, "[schedule]: '0 0 31 2 *' never fires"),
        (GOOD + "schedule = '0 4 30 2 *'\n", "source 'okx-ws': schedule: '0 4 30 2 *' never fires"),
        (GOOD + NOTIFY + "retries = -1\n", "notify 'stdout': retries must not be negative"),
        (GOOD + NOTIFY + "backoff = 1e300\n", "notify 'stdout': backoff = 1e+300 is more than the 3600 it may be"),
        (GOOD.replace('exchange = "okx"', 'exchange = "../../x"'), "source 'okx-ws': exchange must be a lowercase slug"),
        (GOOD + MAIL + 'security = "none"\nusername = "errata"\npassword_env = "PW"\n', "notify 'email': security = \"none\" would send the password unencrypted"),
        (GOOD + MAIL + 'security = "plain"\n', "notify 'email': security must be one of starttls, ssl, none"),
    ],
    ids=[
        "unknown-key", "duplicate-id", "unknown-parser", "bad-scheme", "no-host", "missing-field",
        "missing-id", "wrong-type", "negative", "bool-type", "bad-id", "unknown-table", "bad-toml",
        "bad-severity", "bad-kind", "bad-threshold", "bad-health-key", "bad-ignore", "bad-source-severity",
        "bad-locale-url", "locale-twice", "absurd-retries", "float-retries", "nan-timeout",
        "inf-timeout", "negative-per-host", "negative-memory", "absurd-jitter", "cron-never",
        "source-cron-never", "negative-route-retries", "absurd-backoff", "exchange-path",
        "plaintext-password", "unknown-security",
    ],
)  # fmt: skip
def test_bad_configs_name_the_file_source_and_problem(
    tmp_path: Path, edit: str, message: str
) -> None:
    path = write(tmp_path, edit)
    with pytest.raises(ConfigError) as caught:
        load(path)
    text = str(caught.value)
    assert text.startswith(str(path)) and message in text
    assert "\n" not in text


def test_bad_config_exits_2_with_one_line(tmp_path: Path, env: dict[str, str]) -> None:
    write(tmp_path, GOOD + 'urll = "x"\n')
    result = run_cli(["run"], env)
    assert result.exit_code == 2
    assert result.stderr.strip().count("\n") == 0
    assert "errata: error:" in result.stderr and "unknown key 'urll'" in result.stderr


def test_missing_config_exits_2(tmp_path: Path, env: dict[str, str]) -> None:
    result = run_cli(["run"], env)
    assert result.exit_code == 2 and "config file not found" in result.stderr


def test_unknown_source_id_exits_2(tmp_path: Path, env: dict[str, str]) -> None:
    write(tmp_path, GOOD)
    result = run_cli(["run", "--only", "okx-wss"], env)
    assert result.exit_code == 2
    assert "unknown source id 'okx-wss' (configured: okx-ws)" in result.stderr


def test_options_override_the_environment(tmp_path: Path, env: dict[str, str]) -> None:
    write(tmp_path, GOOD)
    other = tmp_path / "other.toml"
    other.write_text(GOOD + 'bogus = "x"\n')
    result = run_cli(["run", "--config", str(other)], env)
    assert result.exit_code == 2 and str(other) in result.stderr


def test_policy_is_global_then_per_source(tmp_path: Path) -> None:
    text = (
        "ignore = ['0123456789abcdef']\n[severity]\nmoved = 'medium'\n[health]\nmax_removed = 0.4\n"
        + GOOD
        + "severity = { added = 'high' }\nignore = ['fedcba9876543210']\nmax_removed = 0.2\n"
        + "locales = { zh = 'https://www.okx.com/docs-v5/zh/#error-code-websocket' }\n"
    )
    config = load(write(tmp_path, text))
    source = config.source("okx-ws")
    policy = config.policy_for(source)
    assert (
        policy.severity_of("added"),
        policy.severity_of("moved"),
        policy.severity_of("removed"),
    ) == ("high", "medium", "high")
    assert policy.ignore == {"0123456789abcdef", "fedcba9876543210"} and policy.max_removed == 0.2
    assert config.policy.max_removed == 0.4
    assert [(p.key, p.locale, p.wire_url) for p in source.pages()] == [
        ("", "en", "https://www.okx.com/docs-v5/en/"),
        ("zh", "zh", "https://www.okx.com/docs-v5/zh/"),
    ]


# --- the dataclasses are the schema ---------------------------------------------------------


@dataclass
class Sample:
    name: str
    count: int = 0
    share: float = 0.5
    on: bool = False
    items: tuple[str, ...] = ()
    table: Mapping[str, str] = field(default_factory=dict)
    nested: FetchSettings = field(default_factory=FetchSettings)
    maybe: float | None = None
    hidden: str = ""


def test_toml_keys_reads_each_fields_toml_types() -> None:
    assert toml_keys(Sample, skip={"hidden"}) == {
        "name": (str,), "count": (int,), "share": (int, float), "on": (bool,), "items": (list,),
        "table": (dict,), "nested": (dict,), "maybe": (int, float),
    }  # fmt: skip


SOURCE = '[[source]]\nid = "a"\nexchange = "a"\nurl = "https://a.example/"\n'
TABLES = {  # table -> (a valid file around it, its keys)
    "fetch": ("[fetch]\n", config.FETCH_KEYS),
    "source": (SOURCE, config.SOURCE_KEYS),
    "schedule": ("[schedule]\n", config.SCHEDULE_KEYS),
    "notify": ('[[notify]]\nchannel = "stdout"\n', config.NOTIFY_KEYS),
    "health": ("[health]\n", config.HEALTH_KEYS),
    "datasette": ("[datasette]\n", config.DATASETTE_KEYS),
}
KEYS = [(table, key, types) for table, (_, keys) in TABLES.items() for key, types in keys.items()]
WRONG = {str: "true", bool: '"yes"', int: '"many"', float: '"much"', list: '"one"', dict: '"flat"'}


@pytest.mark.parametrize(("table", "key", "types"), KEYS, ids=[f"{t}.{k}" for t, k, _ in KEYS])
def test_every_key_refuses_a_value_of_another_toml_type(
    tmp_path: Path, table: str, key: str, types: tuple[type, ...]
) -> None:
    head = "".join(
        line + "\n" for line in TABLES[table][0].splitlines() if not line.startswith(f"{key} =")
    )
    tail = "" if table == "source" else SOURCE
    path = write(tmp_path, f"{head}{key} = {WRONG[types[0]]}\n{tail}")
    with pytest.raises(ConfigError, match=rf": {key} must be "):
        load(path)


def test_a_plaintext_login_needs_an_explicit_opt_in(tmp_path: Path) -> None:
    text = GOOD + MAIL + 'security = "none"\nusername = "errata"\npassword_env = "PW"\n'
    config = load(write(tmp_path, text + "allow_plaintext_login = true\n"))
    assert config.routes[0].settings["allow_plaintext_login"] is True
    assert load(write(tmp_path, GOOD + MAIL + 'security = "none"\n')).routes  # no login: fine
