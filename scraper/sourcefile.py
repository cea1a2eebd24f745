"""Appending ``[[source]]`` blocks to sources.toml without disturbing what a person wrote.

tomlkit keeps every comment, blank line and key order of the file; the new
blocks go after the existing sources (before any ``[[notify]]`` that follows
them). The result is validated as a whole before it replaces the file, and
it replaces it atomically: a failed ``errata add`` leaves the file as it was.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT

from errata.errors import ConfigError
from errata.scraper import config


def append_sources(path: Path, blocks: Sequence[Mapping[str, Any]], note: str) -> config.Config:
    """Add ``blocks`` as ``[[source]]`` tables, each headed by the comment ``note``."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    document = tomlkit.parse(text)
    sources = document.get("source")
    if sources is None:
        sources = tomlkit.aot()
        document.append("source", sources)
    if not isinstance(sources, AoT):
        raise ConfigError(f"{path}: 'source' must be an array of [[source]] tables")
    before = sources[-1].as_string() if len(sources) else text
    for block in blocks:
        table = tomlkit.table()
        table.add(tomlkit.comment(note))
        for key, value in block.items():
            table.add(key, value)
        table.trivia.indent = "" if before.endswith("\n\n") or not before else "\n"
        sources.append(table)
        before = table.as_string()
    if list(document.keys())[-1] != "source":  # a table follows the sources: keep a blank line
        sources[-1].add(tomlkit.nl())
    result = tomlkit.dumps(document)
    checked = config.parse(tomllib.loads(result), path)  # never write a file errata cannot read
    _replace(path, result)
    return checked


def _replace(path: Path, text: str) -> None:
    folder = path.resolve().parent
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        if path.exists():
            Path(temporary).chmod(path.stat().st_mode & 0o7777)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
