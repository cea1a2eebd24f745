"""errata: watch exchange API error-code pages, keep every version of every code, report what changed.

The repository's root folders are the architecture and, installed, the
subpackages of this one: ``errata.scraper`` (CLI, config, fetching, the run),
``errata.parsers`` (pages to entries), ``errata.db`` (the versioned store),
``errata.differ`` (revisions to changes), ``errata.reports`` (rendering and
delivery) and ``errata.cron`` (scheduling). ``errata.errors`` is the one
exception tree they share.
"""

__version__ = "0.2.0"
