"""The ``errata`` command line (also ``python -m errata``): one module per kind of command.

``app.COMMANDS`` names the module of each command; a module is imported when
its command runs (or when help lists the commands), so ``errata current``
never pays for httpx, the parsers or APScheduler.
"""

from errata.scraper.cli.app import cli, main

__all__ = ["cli", "main"]
