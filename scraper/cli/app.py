"""The ``errata`` group: lazy commands, global options anywhere, logging, one line per error.

Data goes to stdout (text or Markdown for people, exactly one JSON document
with ``--json``); logs and errors go to stderr. Errors are ``errata.errors``
classes, each carrying its exit code: 0 success, 1 some sources failed, 2 bad
usage or configuration, 3 a change at or above ``--fail-on`` was found, 4 a
page was held back as suspect (``run``, ``health``), 75 another process holds
the database's write lock.

Start-up cost is part of every command, so this module imports only click and
the standard library: each command's module is imported when that command
runs (``COMMANDS``), and a command imports the heavy parts (the store, the
parsers, httpx) in its own body.
"""

from __future__ import annotations

import atexit
import gc
import importlib
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from errata import __version__
from errata.errors import ErrataError, LockTimeout, UsageError

log = logging.getLogger("errata")

# Command name -> the module of errata.scraper.cli that defines it (imported on first use).
COMMANDS = {
    "accept": "rebuild",
    "add": "add",
    "changes": "read",
    "check": "check",
    "current": "read",
    "demo": "demo",
    "diff": "read",
    "export": "sdk",
    "gaps": "sdk",
    "health": "health",
    "history": "read",
    "import-git": "collect",
    "ingest": "collect",
    "locales": "read",
    "notify-test": "notify",
    "parse": "parse",
    "report": "notify",
    "reparse": "rebuild",
    "run": "collect",
    "schedule": "schedule",
    "serve": "serve",
}


@dataclass(slots=True)
class Globals:
    """The global options, as given before the command (or from the environment)."""

    verbose: bool = False
    quiet: bool = False
    log_json: bool = False
    no_color: bool = False
    db: Path = Path("errata.db")
    config: Path | None = None
    archive: Path = Path("snapshots")


def _flag(*names: str, help: str, envvar: str | None = None) -> Callable[[], click.Option]:
    return lambda: click.Option(list(names), is_flag=True, envvar=envvar, help=help)


# Options that only switch something on may follow any command too; their help is shared.
LOGGING_OPTIONS = (
    _flag("-v", "--verbose", help="Log debug details to stderr."),
    _flag("-q", "--quiet", help="Log only warnings and errors."),
    _flag(
        "--log-json",
        envvar="ERRATA_LOG_JSON",
        help="Log to stderr as JSON lines (time, level, message) [env: ERRATA_LOG_JSON].",
    ),
    _flag("--no-color", help="No colour on a terminal (NO_COLOR does the same)."),
)
PATH_HELP = {
    "db": "SQLite database [env: ERRATA_DB; default: errata.db].",
    "config": "Sources file [env: ERRATA_CONFIG; default: sources.toml].",
    "archive": "Raw page archive folder [env: ERRATA_ARCHIVE; default: snapshots].",
}


def path_options(*, global_: bool) -> list[click.Option]:
    """--db/--config/--archive: on the group with their variables and defaults, on a command bare."""
    kinds = {"db": click.Path(dir_okay=False, path_type=Path),
             "config": click.Path(dir_okay=False, path_type=Path),
             "archive": click.Path(file_okay=False, path_type=Path)}  # fmt: skip
    defaults = Globals()
    return [
        click.Option(
            [f"--{name}"],
            type=kind,
            help=PATH_HELP[name],
            envvar=f"ERRATA_{name.upper()}" if global_ else None,
            default=getattr(defaults, name) if global_ else None,
        )
        for name, kind in kinds.items()
    ]


class Command(click.Command):
    """A command that also takes the logging options after its name, and sets up logging."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.params.extend(option() for option in LOGGING_OPTIONS)

    def invoke(self, ctx: click.Context) -> Any:
        settings = ctx.find_object(Globals) or Globals()
        for name in ("verbose", "quiet", "log_json", "no_color"):
            if ctx.params.pop(name, False):
                setattr(settings, name, True)
        setup_logging(settings)
        return super().invoke(ctx)


class Group(click.Group):
    """Commands imported on first use; every ``ErrataError`` is one line and its exit code."""

    command_class = Command

    def list_commands(self, ctx: click.Context) -> list[str]:  # noqa: ARG002
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:  # noqa: ARG002
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            importlib.import_module(f"errata.scraper.cli.{COMMANDS[cmd_name]}")
        return self.commands.get(cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ErrataError as error:
            raise _Shown(error) from None
        except Exception as error:
            if (known := database_error(error)) is None:
                raise
            raise _Shown(known) from None


def database_error(error: Exception) -> ErrataError | None:
    """SQLite trouble met after the database opened (a corrupt page, a full disk) as one line.

    Exit 75 when another connection kept the database busy too long, else
    exit 2: the deployment needs a look (``errata check``), not a rerun.
    sqlite3 is only consulted when something already imported it.
    """
    sqlite3 = sys.modules.get("sqlite3")
    if sqlite3 is None or not isinstance(error, sqlite3.DatabaseError):
        return None
    text = str(error)
    if "locked" in text or "busy" in text:
        return LockTimeout(f"database: {text}; try again later")
    return UsageError(f"database: {text} (errata check looks the database over)")


class _Shown(click.ClickException):
    """An ``ErrataError`` as click shows it: one line on stderr, the error's own exit code."""

    def __init__(self, error: ErrataError) -> None:
        super().__init__(str(error))
        self.exit_code = error.exit_code  # type: ignore[misc]  # click declares it a class variable

    def show(self, file: Any = None) -> None:
        click.echo(f"errata: error: {self.format_message()}", file=file, err=file is None)


def _global_options(func: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([*(make() for make in LOGGING_OPTIONS), *path_options(global_=True)]):
        func.__click_params__ = [*getattr(func, "__click_params__", []), option]  # type: ignore[attr-defined]
    return func


@click.group(
    cls=Group, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100}
)
@click.version_option(__version__, "-V", "--version", prog_name="errata")
@_global_options
@click.pass_context
def cli(ctx: click.Context, /, **options: Any) -> None:
    """errata: watch exchange API error-code pages and report what changed.

    Global options may come before or after the command
    (errata -v changes = errata changes -v).

    \b
    Quick start:
      errata demo                      # the whole pipeline offline
      errata run                       # fetch the pages in sources.toml
      errata changes --since 7d
    """
    ctx.obj = Globals(**{f.name: options[f.name] for f in fields(Globals)})


def setup_logging(settings: Globals) -> None:
    level = (
        logging.DEBUG if settings.verbose else logging.WARNING if settings.quiet else logging.INFO
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonLines() if settings.log_json else logging.Formatter("errata: %(message)s")
    )
    logging.basicConfig(level=level, handlers=[handler], force=True)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if settings.verbose else logging.WARNING)


class JsonLines(logging.Formatter):
    """One JSON object per line, for journald, Loki and friends."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        line = {
            "time": moment,
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def current_globals() -> Globals:
    return click.get_current_context().find_object(Globals) or Globals()


# Python collects its youngest generation every 700 new objects; a run makes hundreds of
# thousands (modules, parsed rows, entries) that mostly live on, so each pass re-scans
# survivors: about 55 ms of a 50-page first night. Every 50,000 it is about 18 ms, and a
# cycle of garbage still goes within 50,000 allocations.
_YOUNGEST_COLLECTED_EVERY = 50_000


def main() -> None:
    gc.set_threshold(_YOUNGEST_COLLECTED_EVERY, *gc.get_threshold()[1:])
    # As the interpreter ends, it searches every object left for cycles before freeing it:
    # 40-90 ms of every command. Frozen at exit, they go with the process instead; by then
    # threads are joined and files and the database closed, and the other exit handlers
    # (logging's flush) and the flush of stdout and stderr still run.
    atexit.register(gc.freeze)
    cli(prog_name="errata")
