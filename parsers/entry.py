"""The entry: one documented error code, as every later stage sees it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Entry:
    """One row of an error table.

    Codes stay strings (``05001`` and ``5001`` are different codes), and a page
    may list the same code many times, so an entry is a value, not a key.
    ``extra`` holds the table's other columns by header name; it takes part in
    equality but not in hashing, so equal entries still hash alike.

    Documentation retires a code by striking it through (``~~31001~~``,
    ``<del>``, ``<s>``): the entry stays, with ``deprecated`` set. A cell that
    strikes an old code beside its new one (``~~50010~~ 50210``) is the new
    code, with the old one in ``replaces``.
    """

    code: str
    message: str
    section: str = ""
    locale: str = "en"
    extra: Mapping[str, str] = field(default_factory=dict, hash=False)
    deprecated: bool = False
    replaces: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The contract's entry object; ``deprecated`` and ``replaces`` only when they are set."""
        data: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "section": self.section,
            "locale": self.locale,
            "extra": dict(self.extra),
        }
        if self.deprecated:
            data["deprecated"] = True
        if self.replaces:
            data["replaces"] = self.replaces
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entry:
        return cls(
            code=str(data["code"]),
            message=str(data["message"]),
            section=str(data.get("section") or ""),
            locale=str(data.get("locale") or "en"),
            extra={str(k): str(v) for k, v in (data.get("extra") or {}).items()},
            deprecated=bool(data.get("deprecated", False)),
            replaces=str(data.get("replaces") or ""),
        )
