"""Reports: the same changes rendered for people, tools, chat, mail and feeds.

Renderers are registered by name (``--format``); delivery channels live in
``reports.channels``, registered the same way.
"""

from errata.reports import atom, html, jsonout, markdown, slack, text
from errata.reports.model import Link, Problem, Report
from errata.reports.registry import formats, render

__all__ = ["Link", "Problem", "Report", "formats", "render"]

_REGISTERED = (atom, html, jsonout, markdown, slack, text)  # importing them registers renderers
