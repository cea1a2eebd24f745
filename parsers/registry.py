"""Parsers by name: sources.toml names a parser, the registry finds it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from errata.errors import UnknownParser
from errata.parsers.document import Document
from errata.parsers.entry import Entry

ParseFunc = Callable[[Document], list[Entry]]


@dataclass(frozen=True, slots=True)
class ParserSpec:
    """A registered parser. ``version`` is stored on every revision it makes,
    so ``errata reparse`` can tell which revisions an improved parser may change."""

    name: str
    version: str
    summary: str
    func: ParseFunc


_REGISTRY: dict[str, ParserSpec] = {}


def register(name: str, *, version: str, summary: str) -> Callable[[ParseFunc], ParseFunc]:
    def add(func: ParseFunc) -> ParseFunc:
        if name in _REGISTRY:
            raise ValueError(f"parser {name!r} is registered twice")
        _REGISTRY[name] = ParserSpec(name, version, summary, func)
        return func

    return add


def get(name: str) -> ParserSpec:
    _load()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownParser(name, names()) from None


def names() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def _load() -> None:
    """Import the parser modules, which register themselves, on first use of the registry.

    Not at import time: ``Entry`` lives in this package, and the store, the
    reports and the read-only commands need it without selectolax and the
    site parsers.
    """
    from errata.parsers import generic, sites  # noqa: F401


def specs() -> list[ParserSpec]:
    return [_REGISTRY[name] for name in names()]
