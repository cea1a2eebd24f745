"""``python -m errata`` is the ``errata`` command."""

from errata.scraper.cli import main

main()
