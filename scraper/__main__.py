"""``python -m scraper`` is ``errata``."""

from scraper.cli import main

main()
