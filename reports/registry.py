"""Renderers by name (``--format``), so adding a format is adding a module."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TypeVar

from errata.reports.model import Report

Renderer = Callable[[Report], str]
R = TypeVar("R", bound=Renderer)  # a renderer may take more (optional) arguments; keep them
_RENDERERS: dict[str, Renderer] = {}
# The modules that register renderers, imported when a format is first asked for.
_MODULES = ("atom", "html", "jsonout", "markdown", "slack", "text")


def _load() -> None:
    for module in _MODULES:
        importlib.import_module(f"errata.reports.{module}")


def renderer(name: str) -> Callable[[R], R]:
    def add(func: R) -> R:
        if name in _RENDERERS:
            raise ValueError(f"renderer {name!r} is registered twice")
        _RENDERERS[name] = func
        return func

    return add


def render(name: str, report: Report) -> str:
    _load()
    try:
        return _RENDERERS[name](report)
    except KeyError:
        raise ValueError(
            f"unknown report format {name!r} (known: {', '.join(formats())})"
        ) from None


def formats() -> list[str]:
    _load()
    return sorted(_RENDERERS)
