"""Text normalisation shared by every reader.

A message must come out the same whether the page was served as HTML or as
Markdown, or the differ reports a rewording that never happened. So both
readers reduce cells to the same plain text: markup flattened without
inventing spaces, entities decoded, ``<br>`` kept as a line break, other
whitespace collapsed, placeholders such as ``{0}`` or ``%s`` untouched.
"""

from __future__ import annotations

import html
import re
import unicodedata

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))

# Markdown inline syntax, applied outside code spans only. Every span is bounded
# ({1,N}), so text full of unclosed markers costs linear time, not quadratic.
CODE_SPAN = re.compile(r"(`+)(.{1,2000}?)(?<!`)\1(?!`)", re.DOTALL)
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_URL = r"\((?:[^()\s]|\([^()]{0,500}\)){0,2000}(?:\s+\"[^\"]{0,500}\")?\)"
_IMAGE = re.compile(r"!\[([^\]]{0,300})\]" + _URL)
_LINK = re.compile(r"\[([^\]]{1,300})\]" + _URL)
# ``[](/docs/errors#-1000-unknown "Direct link to -1000 UNKNOWN")``: the hash link a docs site
# appends to each heading, as an HTML-to-Markdown conversion of the page keeps it.
_EMPTY_LINK = re.compile(r"\[\]" + _URL)
_REF_LINK = re.compile(r"\[([^\]]{1,300})\]\[[^\]]{0,200}\]")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(
    r"</?(?:b|i|em|strong|code|span|a|sup|sub|u|s|del|strike|small|mark|kbd|font|ins|abbr"
    r"|q|cite|var|samp|tt|big|nobr|wbr)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_STRIKE = re.compile(r"~~(?=\S)(.{1,300}?)(?<=\S)~~")
_BOLD = re.compile(
    r"\*\*(?=\S)(.{1,300}?)(?<=\S)\*\*|(?<![\w])__(?=\S)(.{1,300}?)(?<=\S)__(?![\w])"
)
_EM = re.compile(
    r"(?<![*\w])\*(?=[^\s*])(.{1,300}?)(?<=[^\s*])\*(?![*\w])"
    r"|(?<![\w])_(?=[^\s_])(.{1,300}?)(?<=[^\s_])_(?![\w])"
)
MD_SPECIAL = frozenset(
    "`*_[]<>&\\~!"
)  # characters Markdown markup needs; text without them is plain
_HELD = "\U0010fff0"  # private use: stands for a code span while the rest is rewritten
_HELD_SPAN = re.compile(f"{_HELD}(\\d+){_HELD}")
_WHOLE_STRIKE = re.compile(
    r"^\s*(?:~~(.+)~~|<(del|s|strike)>(.+)</\2>)\s*$", re.IGNORECASE | re.DOTALL
)
_STRUCK_PART = re.compile(
    r"~~(?=\S)(.{1,300}?)(?<=\S)~~|<(del|s|strike)>(.{1,300}?)</\2>", re.IGNORECASE | re.DOTALL
)

_TRAILING_GLYPHS = " \t#¶§🔗:："
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_SLUG_DROP = re.compile(r"[^\w]+", re.UNICODE)


def collapse(text: str) -> str:
    """Collapse whitespace inside each line; keep single line breaks between lines."""
    if not text.isascii():
        text = text.translate(_ZERO_WIDTH)
    if "\n" not in text:
        return " ".join(text.split())
    lines = (" ".join(line.split()) for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def md_inline(text: str) -> tuple[str, bool]:
    """Markdown inline markup to plain text; also says if the cell was struck through."""
    struck = False
    whole = _WHOLE_STRIKE.match(text)
    if whole:
        struck = True
        text = whole.group(1) if whole.group(1) is not None else whole.group(3)
    if not MD_SPECIAL.intersection(text):
        return collapse(text), struck
    # Code spans bind first and their content is literal; links and emphasis
    # around them still apply (``[`50012`](#50012)`` is the code 50012).
    spans: list[str] = []

    def hold(span: re.Match[str]) -> str:
        code = span.group(2)
        if len(code) > 2 and code.startswith(" ") and code.endswith(" "):
            code = code[1:-1]
        spans.append(code)
        return f"{_HELD}{len(spans) - 1}{_HELD}"

    plain = _md_plain(CODE_SPAN.sub(hold, text))
    if spans:
        plain = _HELD_SPAN.sub(lambda m: spans[int(m.group(1))], plain)
    return collapse(plain), struck


def struck_part(text: str) -> tuple[str, str] | None:
    """A Markdown cell struck through only in part: (the struck text, the rest), as plain text.

    ``~~50010~~ 50210`` is (``50010``, ``50210``): the page retired a code and
    wrote its successor beside it. None when nothing, or everything, is struck.
    """
    if "~" not in text and "<" not in text:
        return None
    pieces = [m.group(1) or m.group(3) or "" for m in _STRUCK_PART.finditer(text)]
    if not pieces:
        return None
    rest = md_inline(_STRUCK_PART.sub(" ", text))[0]
    struck = md_inline(" ".join(pieces))[0]
    return (struck, rest) if rest and struck else None


def _md_plain(text: str) -> str:
    if not text:
        return text
    text = _ESCAPE.sub(lambda m: chr(0xF0000 + ord(m.group(1))), text)
    text = _IMAGE.sub(r"\1", text)
    text = _EMPTY_LINK.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _BR.sub("\n", text)
    text = _INLINE_TAG.sub("", text)
    text = _STRIKE.sub(r"\1", text)
    text = _BOLD.sub(lambda m: m.group(1) or m.group(2), text)
    text = _EM.sub(lambda m: m.group(1) or m.group(2), text)
    if "&" in text:
        text = html.unescape(text)
    return re.sub("[\U000f0000-\U000f007f]", lambda m: chr(ord(m.group()) - 0xF0000), text)


def clean_code(text: str) -> str:
    """A code as documented: surrounding whitespace, quotes and backticks removed."""
    return text.strip().strip("`'\"").strip()


def heading_text(text: str) -> str:
    """Heading text without the anchor glyphs and trailing colons docs sites append."""
    return collapse(text).rstrip(_TRAILING_GLYPHS).strip()


def slug(text: str) -> str:
    """A forgiving anchor slug: GitHub, Slate and Mintlify ids all reduce to it."""
    text = unicodedata.normalize("NFKC", text).lower().replace("_", "-")
    return _SLUG_DROP.sub("-", text).strip("-")


def script_locale(text: str) -> str | None:
    """The locale a text's script implies, for tables whose language differs from the page's."""
    if text.isascii():  # most rows: no script to find, and no three searches to run
        return None
    if _KANA.search(text):
        return "ja"
    if _HANGUL.search(text):
        return "ko"
    if _CJK.search(text):
        return "zh"
    return None
