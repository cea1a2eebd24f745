"""The command line behaves like a mature tool: what it refuses, what it accepts, where options go.

Most tests read one database the demo leaves behind (five sources, two
nights; no corpus needed). Terminal output is checked on a real pseudo-terminal.
"""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from errata.db import times
from errata.scraper.cli.app import COMMANDS, cli
from errata.scraper.cli.options import moment
from errata.scraper.cli.output import report_format, wants_colour
from errata.scraper.localserver import Page, PageServer
from tests.support import REPO, json_out, run_cli

DEMO_PAGE = REPO / "scraper" / "demo_pages" / "night1" / "tickdb.md"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """ERRATA_* variables for the database the demo leaves behind."""
    workdir = tmp_path_factory.mktemp("demo")
    result = run_cli(["demo", "--dir", str(workdir)])
    assert result.exit_code == 0, result.stderr
    return {
        "ERRATA_DB": str(workdir / "errata.db"),
        "ERRATA_CONFIG": str(workdir / "sources.toml"),
        "ERRATA_ARCHIVE": str(workdir / "snapshots"),
    }


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


# --- read commands never create a database ---------------------------------------------

READERS = {
    "changes": ["changes"],
    "current": ["current", "okx-ws"],
    "history": ["history", "okx-ws", "60029"],
    "diff": ["diff", "okx-ws", "--from", "7d"],
    "locales": ["locales", "okx-ws"],
    "health": ["health"],
    "report": ["report"],
    "export": ["export", "ccxt"],
    "gaps": ["gaps", "ccxt", "--exchange", "okx", "--map", "map.json"],
    "reparse": ["reparse"],
    "accept": ["accept", "okx-ws"],
}


@pytest.mark.parametrize("args", READERS.values(), ids=READERS.keys())
def test_a_missing_database_is_exit_2_and_stays_missing(tmp_path: Path, args: list[str]) -> None:
    (tmp_path / "map.json").write_text('{"exact": {}, "broad": {}}')
    typo = tmp_path / "typo.db"
    result = run_cli([*args, "--db", str(typo)])
    assert result.exit_code == 2
    assert one_line(result.stderr) == (
        f"errata: error: {typo}: no such database (errata run, ingest, import-git or demo creates one)"
    )
    assert not typo.exists() and not Path(f"{typo}.lock").exists()


def test_a_file_that_is_not_a_database_is_exit_2(tmp_path: Path) -> None:
    text = tmp_path / "notes.db"
    text.write_text("not sqlite at all, just some words that are long enough to be a header" * 20)
    result = run_cli(["changes", "--db", str(text)])
    assert result.exit_code == 2 and "not an errata database" in one_line(result.stderr)


# --- filters name something that exists ---------------------------------------------------

SOURCES = "okx-rest, okx-ws, kucoin-ws, oxfun-ws, tickdb"
UNKNOWN = {
    "changes --source": (["changes", "--source", "nope"], "source"),
    "changes --exchange": (["changes", "--exchange", "nope"], "exchange"),
    "report --source": (["report", "--source", "okx-ws", "--source", "nope"], "source"),
    "report --exchange": (["report", "--exchange", "nope"], "exchange"),
    "export --source": (["export", "ccxt", "--source", "nope"], "source"),
    "export --exchange": (["export", "ccxt", "--exchange", "nope"], "exchange"),
    "gaps --exchange": (["gaps", "ccxt", "--exchange", "nope", "--map", "m.json"], "exchange"),
    "current": (["current", "nope"], "source"),
    "history": (["history", "nope", "1"], "source"),
    "diff": (["diff", "nope", "--from", "7d"], "source"),
    "locales": (["locales", "nope"], "source"),
    "accept": (["accept", "nope"], "source"),
}


@pytest.mark.parametrize(("args", "kind"), UNKNOWN.values(), ids=UNKNOWN.keys())
def test_an_unknown_source_or_exchange_is_exit_2_listing_the_known_ones(
    demo: dict[str, str], tmp_path: Path, args: list[str], kind: str
) -> None:
    (tmp_path / "m.json").write_text('{"exact": {}, "broad": {}}')
    result = run_cli([a.replace("m.json", str(tmp_path / "m.json")) for a in args], demo)
    assert result.exit_code == 2
    line = one_line(result.stderr)
    assert f"unknown {kind} 'nope' ({kind}s in {demo['ERRATA_DB']}: " in line
    known = ["kucoin-ws", "okx-rest", "okx-ws", "oxfun-ws", "tickdb"]
    if kind == "exchange":
        known = ["kucoin", "okx", "oxfun", "tickdb"]
    assert line.endswith(f": {', '.join(known)})")


def test_run_only_an_unconfigured_source_is_exit_2(demo: dict[str, str]) -> None:
    result = run_cli(["run", "--only", "nope"], demo)
    assert result.exit_code == 2 and "unknown source id 'nope' (configured: " in result.stderr


def test_history_of_a_code_never_documented_says_so_in_one_line_and_exits_1(
    demo: dict[str, str],
) -> None:
    result = run_cli(["history", "okx-ws", "99999"], demo)
    assert result.exit_code == 1 and result.stdout == ""
    assert one_line(result.stderr) == "errata: okx-ws never documented code '99999'"
    as_json = run_cli(["history", "okx-ws", "99999", "--json"], demo)
    assert as_json.exit_code == 1 and json_out(as_json) == []
    documented = run_cli(["history", "okx-ws", "60029"], demo)
    assert documented.exit_code == 0 and "60029" not in documented.stderr


# --- times: durations and ISO times everywhere -------------------------------------------

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("7d", "2026-11-14T12:00:00Z"), ("36h", "2026-11-20T00:00:00Z"), ("90m", "2026-11-21T10:30:00Z"),
     ("2026-01-15", "2026-01-15T00:00:00Z"), ("2026-01-15T03:00:00+02:00", "2026-01-15T01:00:00Z")],
)  # fmt: skip
def test_a_time_is_a_duration_ago_or_an_iso_time(text: str, expected: str) -> None:
    assert moment(text, NOW) == expected


TIME_OPTIONS = {
    "changes --since": ["changes", "--since", "{}"],
    "changes --until": ["changes", "--until", "{}"],
    "diff --from": ["diff", "okx-ws", "--from", "{}"],
    "diff --to": ["diff", "okx-ws", "--from", "2000-01-01", "--to", "{}"],
    "current --at": ["current", "okx-ws", "--at", "{}"],
    "report --since": ["report", "--since", "{}"],
    "report --until": ["report", "--until", "{}"],
}


@pytest.mark.parametrize("value", ["7d", "36h", "2026-01-01", "2026-01-01T00:00:00Z"])
@pytest.mark.parametrize("args", TIME_OPTIONS.values(), ids=TIME_OPTIONS.keys())
def test_every_time_option_takes_durations_and_iso_times(
    demo: dict[str, str], args: list[str], value: str
) -> None:
    result = run_cli([a.format(value) for a in args] + ["--json"], demo)
    assert result.exit_code == 0, result.stderr
    assert isinstance(json_out(result), list)


@pytest.mark.parametrize("args", TIME_OPTIONS.values(), ids=TIME_OPTIONS.keys())
def test_a_bad_time_is_exit_2_naming_the_option(demo: dict[str, str], args: list[str]) -> None:
    result = run_cli([a.format("last tuesday") for a in args], demo)
    option = next(a for a in args if a.startswith("--") and "{}" in args[args.index(a) + 1])
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': 'last tuesday' is neither a duration" in result.stderr


def test_durations_select_what_they_say(demo: dict[str, str]) -> None:
    everything = json_out(run_cli(["changes", "--json"], demo))
    recent = json_out(run_cli(["changes", "--since", "3d", "--json"], demo))
    assert everything and recent == everything  # the demo's two nights are yesterday and today
    assert json_out(run_cli(["changes", "--until", "3d", "--json"], demo)) == []
    then = json_out(run_cli(["current", "okx-ws", "--at", "30d", "--json"], demo))
    assert then == []  # before the demo's first night
    now = json_out(run_cli(["current", "okx-ws", "--json"], demo))
    at_now = json_out(run_cli(["current", "okx-ws", "--at", times.now(), "--json"], demo))
    assert now and at_now == now


# --- --json on every command that prints data ---------------------------------------------

JSON_COMMANDS = {
    "changes": ["changes"],
    "current": ["current", "okx-ws"],
    "history": ["history", "okx-ws", "60029"],
    "diff": ["diff", "okx-ws", "--from", "30d"],
    "locales": ["locales", "okx-ws"],
    "health": ["health"],
    "report": ["report"],
    "export": ["export", "ccxt", "--exchange", "okx"],
    "parse": ["parse", str(DEMO_PAGE), "--parser", "tickdb"],
}


@pytest.mark.parametrize("args", JSON_COMMANDS.values(), ids=JSON_COMMANDS.keys())
def test_json_prints_exactly_one_document(demo: dict[str, str], args: list[str]) -> None:
    result = run_cli([*args, "--json"], demo)
    assert result.exit_code == 0, result.stderr
    assert isinstance(json_out(result), list | dict)


@pytest.mark.parametrize(
    "args", [["report", "--since", "30d"], ["export", "ccxt", "--exchange", "okx"]], ids=["report", "export"]
)  # fmt: skip
def test_format_json_stays_an_alias_of_json(demo: dict[str, str], args: list[str]) -> None:
    by_flag = run_cli([*args, "--json"], demo).stdout
    by_format = run_cli([*args, "--format", "json"], demo).stdout
    if args[0] == "report":  # stamped with the time it was made
        by_flag, by_format = json.loads(by_flag), json.loads(by_format)
    assert by_flag == by_format and by_flag


def test_notify_test_json_says_which_routes_got_the_message(
    tmp_path: Path, server: PageServer
) -> None:
    config = tmp_path / "sources.toml"
    config.write_text(
        '[[notify]]\nname = "team"\nchannel = "slack"\nwebhook_url_env = "ERRATA_TEST_SLACK"\nretries = 0\n'
    )
    env = {"ERRATA_CONFIG": str(config), "ERRATA_TEST_SLACK": server.url("/hook")}
    sent = run_cli(["notify-test", "team", "--json"], env)
    assert sent.exit_code == 0, sent.stderr
    assert json_out(sent) == [{"route": "team", "channel": "slack", "sent": True, "error": None}]
    failed = run_cli(["notify-test", "team", "--json"], {"ERRATA_CONFIG": str(config)})
    assert failed.exit_code == 1
    [row] = json_out(failed)
    assert row["sent"] is False and "ERRATA_TEST_SLACK" in row["error"]


# --- global options before or after the command -------------------------------------------


def ingest_args(tmp_path: Path) -> list[str]:
    return ["ingest", "tickdb", str(DEMO_PAGE), "--observed-at", "2026-01-01", "--parser", "tickdb"]


@pytest.mark.parametrize("where", ["before", "after"])
@pytest.mark.parametrize(
    ("option", "check"),
    [("-q", lambda err: err == ""),
     ("--log-json", lambda err: json.loads(err.splitlines()[0])["message"].startswith("tickdb: first revision")),
     ("-v", lambda err: "tickdb: first revision" in err)],
    ids=["quiet", "log-json", "verbose"],
)  # fmt: skip
def test_logging_options_work_before_or_after_the_command(
    tmp_path: Path, env: dict[str, str], option: str, check: object, where: str
) -> None:
    args = ingest_args(tmp_path)
    env = {"ERRATA_DB": env["ERRATA_DB"], "ERRATA_ARCHIVE": env["ERRATA_ARCHIVE"]}
    result = run_cli([option, *args] if where == "before" else [*args, option], env)
    assert result.exit_code == 0, result.stderr
    assert callable(check) and check(result.stderr), result.stderr


@pytest.mark.parametrize("where", ["before", "after", "variable"])
def test_paths_work_before_or_after_the_command_or_from_the_environment(
    tmp_path: Path, where: str
) -> None:
    db, archive = tmp_path / "x.db", tmp_path / "pages"
    options = ["--db", str(db), "--archive", str(archive)]
    env = {"ERRATA_DB": str(db), "ERRATA_ARCHIVE": str(archive)} if where == "variable" else {}
    args = ingest_args(tmp_path)
    full = {"before": [*options, *args], "after": [*args, *options], "variable": args}[where]
    result = run_cli(full, env)
    assert result.exit_code == 0, result.stderr
    assert db.is_file() and any(archive.rglob("*.gz"))
    assert json_out(run_cli(["current", "tickdb", "--json"], {"ERRATA_DB": str(db)}))


def test_the_option_after_the_command_wins(tmp_path: Path) -> None:
    run_cli([*ingest_args(tmp_path), "--db", str(tmp_path / "a.db")])
    before, after = tmp_path / "missing.db", tmp_path / "a.db"
    result = run_cli(["--db", str(before), "current", "tickdb", "--db", str(after), "--json"])
    assert result.exit_code == 0 and json_out(result)


@pytest.mark.parametrize(
    ("words", "expected"),
    [("errata cur", "current"), ("errata changes --so", "--source"), ("errata -", "--no-color")],
)
def test_shell_completion_through_errata_complete(words: str, expected: str) -> None:
    env = {**os.environ, "_ERRATA_COMPLETE": "bash_complete", "COMP_WORDS": words,
           "COMP_CWORD": str(len(words.split()) - 1)}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "errata"], env=env, capture_output=True, text=True, cwd=REPO)  # fmt: skip
    assert f"plain,{expected}" in done.stdout.splitlines()


@pytest.mark.parametrize("flag", ["-V", "--version"])
def test_version(flag: str) -> None:
    from errata import __version__

    result = run_cli([flag])
    assert result.exit_code == 0 and result.stdout.strip() == f"errata, version {__version__}"


# --- terminal output: plain text coloured by severity; pipes keep Markdown ----------------


@pytest.mark.parametrize(
    ("terminal", "environ", "no_color", "expected"),
    [(True, {}, False, True), (False, {}, False, False), (True, {"NO_COLOR": "1"}, False, False),
     (True, {"NO_COLOR": ""}, False, True), (True, {}, True, False)],
    ids=["terminal", "pipe", "NO_COLOR", "empty-NO_COLOR", "--no-color"],
)  # fmt: skip
def test_colour_only_on_a_terminal_unless_refused(
    terminal: bool, environ: dict[str, str], no_color: bool, expected: bool
) -> None:
    assert wants_colour(terminal, environ, no_color) is expected


@pytest.mark.parametrize(
    ("fmt", "as_json", "terminal", "expected"),
    [(None, False, True, "text"), (None, False, False, "markdown"), ("md", False, True, "markdown"),
     ("text", False, False, "text"), (None, True, True, "json"), ("md", True, False, "json")],
)  # fmt: skip
def test_report_format_by_destination(
    fmt: str | None, as_json: bool, terminal: bool, expected: str
) -> None:
    assert report_format(fmt, as_json, terminal=terminal) == expected


def on_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run errata as a process whose stdout is a pseudo-terminal; what it printed there."""
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "errata", *args], stdout=child, stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL, env={**os.environ, **env, "COLUMNS": "200"}, cwd=REPO,
    )  # fmt: skip
    os.close(child)
    chunks = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(main)
    assert process.wait(timeout=60) == 0
    return b"".join(chunks).decode().replace("\r\n", "\n")


TERMINAL_COMMANDS = {"changes": ["changes"], "report": ["report", "--since", "30d"]}


@pytest.mark.parametrize("args", TERMINAL_COMMANDS.values(), ids=TERMINAL_COMMANDS.keys())
def test_a_terminal_gets_plain_text_coloured_by_severity(
    demo: dict[str, str], args: list[str]
) -> None:
    env = {**demo, "NO_COLOR": ""}
    shown = on_terminal(args, env)
    assert "\x1b[1;31m[HIGH]\x1b[0m removed 60026" in shown  # red for a removal
    assert "\x1b[33m[MED] \x1b[0m added 60033" in shown
    assert "**" not in shown and "\\_" not in shown and "`" not in shown  # no Markdown
    plain = on_terminal(args, {**env, "NO_COLOR": "1"})
    assert "\x1b[" not in plain and "[HIGH] removed 60026" in plain
    for refused in ([*args, "--no-color"], ["--no-color", *args]):
        assert "\x1b[" not in on_terminal(refused, env)
    markdown = on_terminal([*args, "--format", "md"], env)
    assert "\x1b[" not in markdown and "**removed** `60026`" in markdown


@pytest.mark.parametrize("args", TERMINAL_COMMANDS.values(), ids=TERMINAL_COMMANDS.keys())
def test_a_pipe_still_gets_markdown(demo: dict[str, str], args: list[str]) -> None:
    piped = subprocess.run(
        [sys.executable, "-m", "errata", *args], env={**os.environ, **demo},
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    assert "**removed** `60026`" in piped.stdout and "\x1b[" not in piped.stdout


def test_run_on_a_terminal_is_plain_text(tmp_path: Path, server: PageServer) -> None:
    server.pages["/errors.md"] = Page(DEMO_PAGE.read_bytes(), "text/markdown")
    config = tmp_path / "sources.toml"
    config.write_text(
        f'[[source]]\nid = "tickdb"\nexchange = "tickdb"\nurl = "{server.url("/errors.md")}"\nparser = "tickdb"\n'
    )
    env = {"ERRATA_CONFIG": str(config), "ERRATA_DB": str(tmp_path / "e.db"),
           "ERRATA_ARCHIVE": str(tmp_path / "s"), "NO_COLOR": ""}  # fmt: skip
    shown = on_terminal(["run", "--no-notify"], env)
    assert "errata run " in shown and "\n=====" in shown and "**" not in shown


# --- retries name the source, the URL (no secrets) and the wait ----------------------------


def test_each_retry_is_one_line_naming_source_url_and_wait(
    tmp_path: Path, server: PageServer
) -> None:
    server.pages["/errors.md?token=s3cret&v=2"] = Page(b"busy", "text/plain", status=503)
    url = server.url("/errors.md?token=s3cret&v=2").replace("http://", "http://user:hunter2@")
    config = tmp_path / "sources.toml"
    config.write_text(
        "[fetch]\nretries = 2\nbackoff_initial = 0.01\nbackoff_max = 0.02\n"
        f'[[source]]\nid = "tickdb"\nexchange = "tickdb"\nurl = "{url}"\nparser = "tickdb"\n'
        f'[[source]]\nid = "tickdb-copy"\nexchange = "tickdb"\nurl = "{url}"\nparser = "tickdb"\n'
    )
    env = {"ERRATA_CONFIG": str(config), "ERRATA_DB": str(tmp_path / "e.db"),
           "ERRATA_ARCHIVE": str(tmp_path / "s")}  # fmt: skip
    result = run_cli(["run", "--no-notify"], env)
    assert result.exit_code == 1
    shown = server.url("/errors.md") + "?token=…&v=…"
    retries = [line for line in result.stderr.splitlines() if "; retry " in line]
    assert [line.split(" in ")[0] for line in retries] == [
        f"errata: tickdb, tickdb-copy ({shown}): HTTP 503; retry {n} of 2" for n in (1, 2)
    ]
    assert all(line.endswith(" s") for line in retries)
    assert "stamina" not in result.stderr
    assert "hunter2" not in result.stderr and "s3cret" not in result.stderr
    assert f"tickdb ({shown}): fetch failed (http_status): HTTP 503" in result.stderr


# --- start-up: each command imports what it needs ----------------------------------------------

HEAVY = ("sqlite_utils", "httpx", "selectolax", "apscheduler", "rapidfuzz", "datasette", "stamina")
_MODULES = "import atexit, sys\natexit.register(lambda: print(' '.join(sorted(sys.modules)), file=sys.stderr))\nfrom errata.scraper.cli import main\nsys.argv = ['errata', *sys.argv[1:]]\nmain()\n"


def imported(args: list[str], env: dict[str, str] | None = None) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _MODULES, *args], env={**os.environ, **(env or {})},
        capture_output=True, text=True, check=False, cwd=REPO,
    )  # fmt: skip
    return {name.split(".")[0] for name in done.stderr.splitlines()[-1].split()}


def test_help_imports_no_heavy_library() -> None:
    assert not set(HEAVY) & imported(["--help"])


def test_current_imports_only_the_store(demo: dict[str, str]) -> None:
    loaded = imported(["current", "okx-ws"], demo)
    assert "sqlite_utils" in loaded
    assert not set(HEAVY[1:]) & loaded


def test_every_command_is_declared_where_it_is_defined() -> None:
    names = cli.list_commands(None)  # type: ignore[arg-type]
    assert names == sorted(COMMANDS)
    for name in names:
        command = cli.get_command(None, name)  # type: ignore[arg-type]
        assert command is not None and command.callback is not None, name
        assert command.callback.__module__ == f"errata.scraper.cli.{COMMANDS[name]}", name
