"""Files for a git-scraping repository: snapshots, per-exchange changelogs, an Atom feed.

Every file is regenerated from the store, not appended to, so it is correct
whatever happened before (a failed run, a reparse) and identical whoever
writes it; a file is rewritten only when its bytes change, through a
temporary file and a rename, so a reader never sees half of one.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from errata.differ import Change
from errata.errors import DeliveryError
from errata.reports import atom
from errata.reports.channels.base import Channel, Context, channel
from errata.reports.keepachangelog import render_changelog
from errata.reports.model import Report
from errata.reports.snapshot import file_name, render_snapshot

FEED_ENTRIES = 200


class FilesChannel:
    def __init__(self, settings: Mapping[str, Any]) -> None:
        self.root = Path(settings.get("dir", "."))
        self.settings = settings

    def send(self, report: Report, context: Context) -> None:
        """Write every file that stays inside the folder; then refuse the others, if any."""
        refused = []
        try:
            for path, content in self.files(report, context).items():
                if problem := self.outside(path):
                    refused.append(problem)
                    continue
                write_if_changed(self.root / path, content)
        except OSError as error:
            raise DeliveryError(
                f"file: {error.filename}: {error.strerror}", transient=False
            ) from None
        if refused:
            more = f" (and {len(refused) - 1} more)" if len(refused) > 1 else ""
            raise DeliveryError(f"file: {refused[0]}{more}", transient=False)

    def outside(self, relative: str) -> str | None:
        """Why ``relative`` would be written outside the folder, or None.

        Exchanges, source ids and locales come from the database, which older
        versions (or an odd ingest) may have filled with ``..`` or ``/``; a link
        inside the folder may point out of it.
        """
        if any(part in ("", ".", "..") or "\\" in part for part in relative.split("/")):
            return f"refusing {relative!r}: a name in it would reach outside {self.root}"
        root = self.root.resolve()
        if not (root / relative).resolve().is_relative_to(root):
            return f"refusing {relative!r}: a link would take it outside {self.root}"
        return None

    def files(self, report: Report, context: Context) -> dict[str, str]:
        """Relative path → content of every file this channel maintains."""
        files: dict[str, str] = {}
        if self.settings.get("snapshots", True):
            for state in context.sources():
                name = file_name(state.source.id, state.locale, state.main_locale)
                files[f"snapshots/{name}"] = render_snapshot(
                    state.source, state.entries, state.updated_at
                )
        history: list[Change] = list(context.history())
        if self.settings.get("changelog", True):
            by_exchange: dict[str, list[Change]] = defaultdict(list)
            for change in history:
                by_exchange[change.exchange or "unknown"].append(change)
            for exchange, changes in sorted(by_exchange.items()):
                files[f"changelog/{exchange}/CHANGELOG.md"] = render_changelog(exchange, changes)
        if self.settings.get("feed", True):
            recent = sorted(history, key=lambda c: c.observed_at or "", reverse=True)[:FEED_ENTRIES]
            feed = Report(recent, title="errata: error-code changes", links=report.links)
            files["changes.atom"] = atom.render_atom(feed)
        return files


def write_if_changed(path: Path, content: str) -> bool:
    data = content.encode()
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return True


@channel("file", {"dir": str, "snapshots": bool, "changelog": bool, "feed": bool}, every_run=True)
def build(settings: Mapping[str, Any], _env: Mapping[str, str]) -> Channel:
    return FilesChannel(settings)
