"""``errata serve``: Datasette over the database, with errata's metadata, links and feeds."""

from __future__ import annotations

import importlib.util
import logging
import signal
import socket
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from errata.errors import UsageError
from errata.scraper.cli.app import cli, log
from errata.scraper.cli.options import CREATORS, Paths, with_paths

DEFAULT_PORT = 8001  # Datasette's own default
_NEEDS = ("datasette", "datasette_atom", "datasette_dashboards", "uvicorn")


@cli.command()
@click.argument(
    "database", metavar="[DB]", required=False, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for every interface).",
)
@click.option(
    "--port",
    default=DEFAULT_PORT,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on; 0 picks a free one (the URL printed says which).",
)
@with_paths()
def serve(database: Path | None, host: str, port: int, paths: Paths) -> None:
    """Browse, search and subscribe to the history in Datasette.

    Serves DB (default: --db / ERRATA_DB) as the database "errata", read-only
    for visitors while errata keeps writing to it: a home page (high-severity
    changes, sources that need attention and the command that fixes each), a
    page per exchange (/-/exchanges/NAME), charts over time
    (/-/dashboards/errata), the change log, every table and view described,
    canned queries (recent_changes, exchange_changes, code_history, as_of,
    search_messages, source_health) and Atom feeds (feed.atom,
    exchange_feed.atom?exchange=okx). Prints the home page's URL, then serves
    until interrupted (Ctrl-C). Needs the serve extra:
    pip install 'errata-watch[serve]'.

    \b
    Example:
      errata serve
      errata serve errata-demo/errata.db --port 8002
    """
    _require_datasette()
    path = database or paths.db
    if not path.is_file():
        raise UsageError(f"{path}: no such database ({CREATORS})")
    with replace(paths, db=path).store():
        pass  # brings the schema up to date, so the views and queries the pages use exist
    from errata.db.browse import datasette  # after the check: it imports Datasette

    listener = _listen(host, port)
    try:
        app = datasette(path).app()
        # The home page; the database's own page (every table and query) is {url}errata.
        click.echo(f"errata: serving {_url(host, listener.getsockname()[1])}/")
        _run(app, listener)
    finally:
        listener.close()


def _require_datasette() -> None:
    missing = [name for name in _NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise UsageError(
            f"errata serve needs {', '.join(missing)}: pip install 'errata-watch[serve]'"
        )


def _listen(host: str, port: int) -> socket.socket:
    """A listening socket, bound before the URL is printed: the URL is then true, even for port 0."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
        listener = socket.socket(family, kind, proto)
    except OSError as error:
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(128)
    except OSError as error:
        listener.close()
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    return listener


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _run(app: Any, listener: socket.socket) -> None:
    """Serve until Ctrl-C or SIGTERM; uvicorn finishes open requests, then this returns.

    uvicorn re-raises the signal it stopped on once it has shut down, which
    would end errata with a traceback (SIGINT) or a signal status (SIGTERM);
    a server stopped on purpose has succeeded, so both become a normal exit.
    """
    import uvicorn

    quiet = log.getEffectiveLevel() > logging.INFO
    config = uvicorn.Config(app, log_level="warning" if quiet else "info", lifespan="on")
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        uvicorn.Server(config).run(sockets=[listener])
    except (KeyboardInterrupt, _Stopped):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    log.info("stopped")


class _Stopped(Exception):
    """SIGTERM, once uvicorn has shut down."""


def _stopped(*_: object) -> None:
    raise _Stopped
