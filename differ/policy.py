"""How changes are judged: severity per kind, silenced changes, when a page is unbelievable,
which of a table's other columns count.

Built from sources.toml (global ``[severity]``, ``ignore`` and ``[health]``,
then the same keys on a source, and the source's ``detail_columns``); the
differ only reads it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from errata.differ.kinds import SEVERITIES, TABLE, Kind, Severity
from errata.parsers.columns import names_codes

# One key per kind, from the kinds table; "reworded" is split, since a trivial
# rewording is not the news a redefinition is.
DEFAULT_SEVERITY: Mapping[str, Severity] = {
    **{spec.name: spec.severity for spec in TABLE},
    **{f"{s.name}_trivial": s.trivial_severity for s in TABLE if s.trivial_severity},
}
SEVERITY_KEYS = tuple(DEFAULT_SEVERITY)
DEFAULT_MAX_REMOVED = 0.5

# The other columns whose edits are reported (``detail_changed``) unless a source
# names its own: prose that explains the code, the HTTP status it comes with, and any
# other column headed as codes are (Coinbase heads its HTTP status "Code" beside the
# string error id the codes are read from: a status that changes is news to whoever
# maps it). Identifier-like columns (a name, a type, an enum) change with the code's
# own wording or not at all, and are left out.
DEFAULT_DETAIL_COLUMNS = re.compile(
    r"descript|\bdesc\b|remark|recommend|context|explanation|detail|solution|suggest|"
    r"\bnotes?\b|reason|cause|resolution|comment|\bhttp\b|^(?:http )?status(?: ?code)?$|"
    r"说明|說明|描述|备注|備註|建议|建議|原因|解决|解決|处理|處理|状态码|狀態碼",
    re.IGNORECASE,
)
ALL_COLUMNS = "*"


@dataclass(frozen=True, slots=True)
class Policy:
    severity: Mapping[str, Severity] = field(default_factory=lambda: dict(DEFAULT_SEVERITY))
    ignore: frozenset[str] = frozenset()  # change ids
    max_removed: float = DEFAULT_MAX_REMOVED  # share of codes a believable revision may lose
    # None: the default prose and HTTP-status columns; else header names (any case), "*" for all
    detail_columns: frozenset[str] | None = None

    def severity_of(self, kind: Kind, trivial: bool | None = None) -> Severity:
        key = f"{kind}_trivial" if trivial and f"{kind}_trivial" in DEFAULT_SEVERITY else kind
        return self.severity.get(key, DEFAULT_SEVERITY[key])

    def counts(self, column: str) -> bool:
        """Whether an edit of this extra column is a ``detail_changed``."""
        if self.detail_columns is None:
            folded = " ".join(column.split())
            return DEFAULT_DETAIL_COLUMNS.search(folded) is not None or names_codes(folded)
        return ALL_COLUMNS in self.detail_columns or _folded(column) in self.detail_columns

    def refined(
        self,
        severity: Mapping[str, str] | None = None,
        ignore: Iterable[str] = (),
        max_removed: float | None = None,
        detail_columns: Iterable[str] | None = None,
    ) -> Policy:
        """This policy with overrides on top (a source's on top of the global ones)."""
        merged: dict[str, Severity] = dict(self.severity)
        for key, level in (severity or {}).items():
            if key not in DEFAULT_SEVERITY:
                raise ValueError(f"unknown change kind {key!r} (known: {', '.join(SEVERITY_KEYS)})")
            if level not in SEVERITIES:
                raise ValueError(f"unknown severity {level!r} (known: {', '.join(SEVERITIES)})")
            merged[key] = level
        if max_removed is not None and not 0 < max_removed <= 1:
            raise ValueError(f"max_removed must be a share between 0 and 1, not {max_removed}")
        return Policy(
            merged,
            self.ignore | frozenset(ignore),
            self.max_removed if max_removed is None else max_removed,
            self.detail_columns if detail_columns is None else _columns(detail_columns),
        )


def _columns(names: Iterable[str]) -> frozenset[str]:
    names = list(names)
    if not all(isinstance(name, str) and name.strip() for name in names):
        raise ValueError("detail_columns must be a list of column headers (strings)")
    return frozenset(_folded(name) for name in names)


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


DEFAULT_POLICY = Policy()
