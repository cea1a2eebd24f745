"""A change in plain words: what it is about, and what happened.

Shared by errata's Atom report and the Datasette feeds (``db.metadata``), so a
reader subscribed to both reads the same entry. Plain text, not yet made safe
for any format: each caller escapes for its own.
"""

from __future__ import annotations

from typing import assert_never

from errata.differ.change import Change

NO_HEADING = "(no heading)"  # how a section path of "" reads: the top of the page


def heading(section: str | None) -> str:
    """A section path for people: the top of the page is named, not left blank."""
    return section or NO_HEADING


def subject(change: Change) -> str:
    """What a change is about: the code, ``old → new`` for a renumbering or a renamed heading."""
    kind = change.kind
    match kind:
        case "renumbered":
            return f"{change.code} → {change.new_code}"
        case "section_renamed":
            return f"{heading(change.old_section)} → {heading(change.section)}"
        case "added" | "removed" | "reworded" | "moved" | "deprecated" | "restored":
            return change.code
        case "detail_changed":
            return change.code
        case _:
            assert_never(kind)


def in_words(change: Change) -> str:
    """The body of a feed entry: where, and what changed."""
    where = f"Section: {change.section}\n" if change.section else ""
    message = change.new_message if change.new_message is not None else change.old_message
    kind = change.kind
    match kind:
        case "reworded":
            return f"{where}Before: {change.old_message}\nAfter: {change.new_message}"
        case "moved":
            return f"{where}Moved from: {heading(change.old_section)}\n{message or ''}"
        case "section_renamed":
            return (
                f"Renamed from: {heading(change.old_section)}\nTo: {heading(change.section)}\n"
                f"{codes(change.count)} moved with it"
            )
        case "detail_changed":
            return (
                f"{where}{change.column} before: {change.old_detail}\n"
                f"{change.column} after: {change.new_detail}\nMessage: {message or ''}"
            )
        case "deprecated":
            return f"{where}Struck through (retired): {message or ''}"
        case "restored":
            return f"{where}No longer struck through: {message or ''}"
        case "added" | "removed" | "renumbered":
            return f"{where}{message or ''}"
        case _:
            assert_never(kind)


def codes(count: int | None) -> str:
    n = count or 0
    return f"{n} code{'s' * (n != 1)}"
