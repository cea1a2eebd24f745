"""``errata demo``."""

from __future__ import annotations

from pathlib import Path

import click

from errata.scraper import demo as demo_module
from errata.scraper.cli.app import cli


@cli.command()
@click.option("--dir", "workdir", default="errata-demo", show_default=True,
              type=click.Path(file_okay=False, path_type=Path), help="Where the demo database and archive go.")  # fmt: skip
def demo(workdir: Path) -> None:
    """Run the whole pipeline offline: bundled pages, a local server, two nights.

    \b
    Example:
      errata demo
      errata demo --dir /tmp/errata-demo
    """
    demo_module.main(workdir)
