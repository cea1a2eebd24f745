"""Standard output: the report in any format, for cron mail or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from typing import Any

from errata.reports.channels.base import Channel, Context, channel
from errata.reports.model import Report
from errata.reports.registry import render


class StdoutChannel:
    def __init__(self, fmt: str) -> None:
        self._format = fmt

    def send(self, report: Report, _context: Context) -> None:
        sys.stdout.write(render(self._format, report).rstrip("\n") + "\n")
        sys.stdout.flush()


@channel("stdout", {"format": str})
def build(settings: Mapping[str, Any], _env: Mapping[str, str]) -> Channel:
    return StdoutChannel(settings.get("format", "markdown"))
