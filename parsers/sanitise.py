"""One sanitiser for page text: what a documentation page says, minus what could act on a reader.

Page text is untrusted. Besides markup (each output escapes its own: Markdown,
HTML, Slack, XML), a page can carry characters that act on whatever shows
them: terminal escape sequences (clear the screen, set the window title, make
a hyperlink whose target is not its text), BEL, backspace and carriage
return (rewrite what a reader already saw), and Unicode bidi overrides and
isolates, which reorder the characters around them so that a message reads
differently from what it holds ("Trojan Source").

``inert(text)`` makes all of them harmless, the same way everywhere:

- escape sequences are removed whole: CSI (``ESC [ … final``, colours, cursor
  moves, screen clears), OSC (``ESC ] … BEL`` or ``ESC \\``: window titles,
  OSC 8 hyperlinks, whose visible text stays), DCS, SOS, PM and APC strings,
  the two- and three-byte ``ESC x`` forms, and their 8-bit C1 twins (U+009B
  CSI, U+009D OSC …). An unterminated string loses only its introducer, so no
  words disappear;
- a carriage return, alone or before a newline, is a newline; vertical tab,
  form feed, NEL and the Unicode line and paragraph separators are newlines
  too; the C0 information separators (U+001C–U+001F) are spaces;
- every other C0 and C1 control character (NUL, BEL, backspace, a lone ESC,
  DEL …) is removed; newline and tab stay;
- bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are
  shown, not obeyed: ``<U+202E>``.

Removed rather than shown, because they have no printable meaning: a reader
gets the words the page shows, and copying a message gives its text. Bidi
controls are shown instead, because they are the one kind that changes how
neighbouring words read; a visible marker says the page holds one.

Where it applies, and why both places: ``parsers.parse`` passes every entry
through ``inert_entry``, so the store never holds such characters and every
reader of the database (Datasette, its CSV and JSON, scripts) gets clean
text; and every output errata renders (terminal text, Markdown, HTML, Slack,
Atom, the files, ``current`` and ``history`` tables, Datasette's cells and CSV)
passes page text through ``inert`` again before escaping it, because a
database written by an older errata may hold them, and not every text an
output shows comes from a parser (an HTTP error's body, a source's title).
``inert`` is idempotent, so text that went through both is unchanged by the
second.

Pure, with no import of the rest of errata: parsers and every output use it.
"""

from __future__ import annotations

import re

from errata.parsers.entry import Entry

# String commands, terminated by BEL (OSC only, by xterm convention) or ST (ESC \ or U+009C):
# OSC (ESC ] / U+009D), DCS (ESC P / U+0090), SOS (ESC X / U+0098), PM (ESC ^ / U+009E),
# APC (ESC _ / U+009F).
_STRING = r"(?:\x1b[\]PX^_]|[\x9d\x90\x98\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
# CSI: parameters, intermediates, one final byte.
_CSI = r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
# Every other escape: ESC, intermediates (nF: ESC ( B …), one final byte (ESC c, ESC 7 …).
_ESC = r"\x1b[\x20-\x2f]*[\x30-\x7e]"
_SEQUENCE = re.compile(f"{_STRING}|{_CSI}|{_ESC}")

_NEWLINES = re.compile(r"\r\n?|[\x0b\x0c\x85\u2028\u2029]")
_SEPARATORS = re.compile(r"[\x1c-\x1f]")
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x9f]")
_BIDI = re.compile(r"[\u202a-\u202e\u2066-\u2069]")
_SUSPECT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def inert(text: str) -> str:
    """``text`` with escape sequences and control characters gone and bidi controls shown."""
    if not _SUSPECT.search(text):
        return text  # the common case: nothing to do, and no copy made
    text = _SEQUENCE.sub("", text)
    text = _NEWLINES.sub("\n", text)
    text = _SEPARATORS.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return _BIDI.sub(lambda match: f"<U+{ord(match.group()):04X}>", text)


def inert_entry(entry: Entry) -> Entry:
    """An entry whose every text field is ``inert``; the same object when nothing needed it."""
    texts = (entry.code, entry.message, entry.section, entry.locale, entry.replaces)
    extra = entry.extra.items()
    if not any(map(_SUSPECT.search, (*texts, *(k + v for k, v in extra)))):
        return entry
    return Entry(
        code=inert(entry.code),
        message=inert(entry.message),
        section=inert(entry.section),
        locale=inert(entry.locale),
        extra={inert(key): inert(value) for key, value in extra},
        deprecated=entry.deprecated,
        replaces=inert(entry.replaces),
    )
