"""Reports: the same changes rendered for people, tools, chat, mail and feeds.

Renderers are registered by name (``--format``) and imported when a format is
first asked for; delivery channels live in ``reports.channels``, registered the
same way.
"""

from errata.reports.model import Link, Problem, Report
from errata.reports.registry import formats, render

__all__ = ["Link", "Problem", "Report", "formats", "render"]
