"""Colour for the plain-text report on a terminal: severities stand out, nothing else changes.

The text renderer has already made page text inert (control characters,
escape sequences included, are spaces), so the only escape sequences in the
result are the ones added here, on lines the renderer itself wrote: a
change's head line (four spaces, then its severity mark), the title, the
source headings and the notes' headings.
"""

from __future__ import annotations

import re

from errata.reports.text import MARKS

# ANSI SGR codes: bold red, yellow, dim; bold for headings.
STYLES = {"high": "1;31", "medium": "33", "low": "2"}
_HEAD = re.compile(r"^(    )(" + "|".join(re.escape(mark) for mark in MARKS.values()) + r")(.*)$")
_SEVERITY_OF = {mark: severity for severity, mark in MARKS.items()}
_RULE = re.compile(r"^(=+|-+)$")


def paint(text: str) -> str:
    """The rendered text with each change's mark coloured by severity and its headings bold."""
    lines = text.split("\n")
    painted = [
        _paint_line(line, lines[i + 1] if i + 1 < len(lines) else "")
        for i, line in enumerate(lines)
    ]
    return "\n".join(painted)


def _paint_line(line: str, below: str) -> str:
    if match := _HEAD.match(line):
        indent, mark, rest = match.groups()
        return f"{indent}{_style(mark, STYLES[_SEVERITY_OF[mark]])}{rest}"
    if line and _RULE.match(below) and len(below) == len(line):
        return _style(line, "1")  # a heading: underlined by the renderer with = or -
    return line


def _style(text: str, code: str) -> str:
    return f"\x1b[{code}m{text}\x1b[0m"
