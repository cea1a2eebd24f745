"""What a change card shows, kind by kind, the way the email does.

The templates draw every change the same way (pill, kind, code, where, a
diff or a message, a note, links); what fills each part depends on the kind,
and that is decided here, in one ``match`` that ends in ``assert_never``, so
a kind added to ``differ.kinds`` without a card fails mypy, as every other
renderer does. A renamed heading has no code (no code link, no history); a
detail change shows its column's old and new text marked, with the message
beside it; a struck-through code says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, assert_never

from errata.db.pages.marks import Marked, diff
from errata.differ import Change, spec
from errata.differ.describe import codes, heading


@dataclass(frozen=True, slots=True)
class Card:
    names_code: bool  # the change is about a code: show it, link its history
    where: str  # the section, or "old → new" for a move or a renamed heading
    diff: Marked | None  # old and new text, the changed words marked
    label: str  # what the diff compares: "message" or a column's name
    note: str  # what the kind adds in words: similarity, "struck through", a count
    message: str | None  # the message shown whole (None when the diff shows it)


def card(row: Mapping[str, Any]) -> Card:
    """The card of one change row (any row with the change columns: change_log, the queries)."""
    change = Change.from_dict({key: row[key] for key in row.keys()})  # noqa: SIM118 - sqlite3.Row
    section = change.section or ""
    kind = change.kind
    match kind:
        case "reworded":
            note = "trivial: only case, spacing, punctuation or quotes changed" if change.trivial else (
                f"similarity {change.similarity:.2f}" if change.similarity is not None else ""
            )  # fmt: skip
            return _card(change, section, _marked(change), "message", note, None)
        case "moved":
            where = f"{heading(change.old_section)} → {heading(change.section)}"
            return _card(change, where, None, "", "moved on its own", _message(change))
        case "section_renamed":
            where = f"{heading(change.old_section)} → {heading(change.section)}"
            note = f"heading renamed; {codes(change.count)} moved with it"
            return _card(change, where, None, "", note, None)
        case "detail_changed":
            marked = diff(change.old_detail, change.new_detail)
            return _card(change, section, marked, change.column or "", "", _message(change))
        case "deprecated":
            note = "struck through on the page: retired"
            return _card(change, section, None, "", note, _message(change))
        case "restored":
            return _card(change, section, None, "", "no longer struck through", _message(change))
        case "renumbered" | "added" | "removed":
            return _card(change, section, None, "", "", _message(change))
        case _:
            assert_never(kind)


def _card(
    change: Change, where: str, marked: Marked | None, label: str, note: str, message: str | None
) -> Card:
    return Card(spec(change.kind).names_code, where, marked, label, note, message)


def _marked(change: Change) -> Marked | None:
    if change.old_message is None or change.new_message is None:
        return None
    return diff(change.old_message, change.new_message)


def _message(change: Change) -> str:
    return change.new_message or change.old_message or "(no message)"
