"""Reports: the same changes rendered for people (Markdown) and tools (JSON)."""

from reports import jsonout, markdown
from reports.model import Problem, Report
from reports.registry import formats, render

__all__ = ["Problem", "Report", "formats", "render"]

_REGISTERED = (jsonout, markdown)  # importing them registers their renderers
