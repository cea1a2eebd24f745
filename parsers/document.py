"""Turning raw page content into text a parser can read.

Pages arrive as bytes from the network or the archive. This module decides
whether they are a document at all, decodes them honouring BOMs and declared
charsets, and says whether they are HTML or Markdown, so that every parser
starts from the same clean ``Document``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Literal
from urllib.parse import unquote, urlsplit

from errata.errors import ParseError

Format = Literal["html", "markdown"]

_MAGIC = (
    (b"%PDF", "a PDF file"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"\x1f\x8b", "gzip-compressed data"),
    (b"RIFF", "a RIFF media file"),
    (b"\x00asm", "a WebAssembly module"),
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.IGNORECASE,
)
_HTML_START = re.compile(
    r"<(?:!doctype\s+html|html|head|body|meta|title|h[1-6]|table|div|p|section|article|main"
    r"|ul|ol|dl|span|a|nav|header|link|script|style|!--)[\s>/]",
    re.IGNORECASE,
)
_HTML_TAG = re.compile(r"</?(?:table|tr|td|th|div|p|h[1-6]|li|ul|ol|body|section)[\s>/]", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f]")  # C0 controls other than \t \n \v \f \r
_MD_MARKER = re.compile(r"^(?:#{1,6}|\||\s*[-*] |```)", re.MULTILINE)


@dataclass(frozen=True)
class Document:
    """A page to parse: its raw bytes (or text), and where it came from.

    Text is decoded lazily: for an HTML page given as bytes, lexbor reads the
    bytes itself (honouring BOM and ``<meta charset>``), which spares a decode
    and a re-encode of a multi-megabyte page.
    """

    parser: str
    where: str
    url: str = ""
    locale: str = "en"
    raw: bytes | None = None
    charset: str | None = None  # from HTTP; overrides the page's own declaration
    given_text: str | None = None

    @cached_property
    def text(self) -> str:
        if self.given_text is not None:
            return self.given_text
        assert self.raw is not None
        return decode(self.raw, self.charset, self.parser, self.where)

    @property
    def head(self) -> str:
        """The start of the text, enough to tell the format."""
        if self.given_text is not None or self.raw is None:
            return self.text[:8192]
        return decode(self.raw[:8192], self.charset, self.parser, self.where)

    @property
    def fragment(self) -> str:
        return fragment_of(self.url)

    def html_input(self) -> tuple[str | bytes, bool]:
        """What to hand lexbor, and whether it should detect the encoding itself.

        Raw bytes whenever possible: lexbor reads UTF-8 bytes directly, and with
        detection on honours BOMs and ``<meta charset>``. An HTTP charset other
        than UTF-8 wins over the page's own declaration, so then Python decodes.
        """
        if self.raw is None or self.given_text is not None:
            return self.text, False
        declared = _known_encoding(self.charset)
        if declared is None:
            return self.raw, True
        if _trusted(declared, self.raw) == "utf-8":
            return self.raw, False
        return self.text, False

    def encoding(self) -> str:
        """The codec the raw bytes are in: HTTP charset, then the page's declaration, then UTF-8."""
        for bom, bom_encoding in _BOMS:
            if self.raw is not None and self.raw.startswith(bom):
                return bom_encoding
        head = self.raw[:1024] if self.raw is not None else b""
        declared = _known_encoding(self.charset) or _known_encoding(_declared_charset(head))
        return _trusted(declared, self.raw or b"") if declared else "utf-8"

    def with_text(self, text: str) -> Document:
        return replace(self, raw=None, given_text=text)

    def error(self, reason: str) -> ParseError:
        return ParseError(self.parser, self.where, reason)


def fragment_of(url: str) -> str:
    return unquote(urlsplit(url).fragment).strip() if "#" in url else ""


def load(
    content: str | bytes,
    *,
    parser: str,
    url: str = "",
    where: str = "",
    locale: str = "en",
    charset: str | None = None,
) -> Document:
    """Validate ``content``; raise ``ParseError`` if it is no document."""
    place = where or url
    if isinstance(content, str):
        doc = Document(parser, place, url, locale, given_text=content)
        empty = not content.strip()
    else:
        _check_magic(content, parser, place)
        doc = Document(parser, place, url, locale, raw=content, charset=charset)
        empty = not content or content.isspace() or not doc.head.strip()
    if empty:
        raise ParseError(parser, place, "the page is empty")
    if _looks_binary(doc.head):
        raise ParseError(parser, place, "the content is binary, not an HTML or Markdown page")
    return doc


def decode(body: bytes, charset: str | None, parser: str, where: str) -> str:
    """Bytes to text: BOM first, then the HTTP charset, then a declared one, then UTF-8."""
    _check_magic(body, parser, where)
    for bom, bom_encoding in _BOMS:
        if body.startswith(bom):
            return body.decode(bom_encoding, errors="replace")
    for candidate in (charset, _declared_charset(body)):
        encoding = _known_encoding(candidate)
        if encoding:
            return body.decode(_trusted(encoding, body), errors="replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        # Undeclared and not UTF-8: what browsers assume for legacy pages.
        return body.decode("cp1252", errors="replace")


def binary_kind(body: bytes) -> str | None:
    """What binary content ``body`` is ("a PDF file", "binary data"), or None for text."""
    for magic, what in _MAGIC:
        if body.startswith(magic):
            return what
    if not body.startswith(tuple(bom for bom, _ in _BOMS)) and b"\x00" in body[:4096]:
        return "binary data"
    return None


def _check_magic(body: bytes, parser: str, where: str) -> None:
    what = binary_kind(body)
    if what == "binary data":
        raise ParseError(parser, where, "the content is binary, not an HTML or Markdown page")
    if what:
        raise ParseError(parser, where, f"the content is {what}, not an HTML or Markdown page")


def sniff_format(text: str) -> Format:
    """HTML or Markdown, decided from the first few kilobytes (``Document.head``)."""
    head = text[:8192].lstrip("\ufeff \t\r\n")
    if head.startswith("<") and _HTML_START.match(head):
        return "html"
    if len(_HTML_TAG.findall(head)) >= 8 and not _MD_MARKER.search(head):
        return "html"
    return "markdown"


def _declared_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:1024])
    if not match:
        return None
    raw = match.group(1) or match.group(2)
    return raw.decode("ascii", errors="ignore")


def _trusted(encoding: str, body: bytes) -> str:
    """The declared encoding, unless it is a legacy single-byte one and the bytes are UTF-8.

    Valid multibyte UTF-8 is almost never meant as windows-1252; trusting a wrong
    declaration would turn every non-ASCII message into mojibake and report it
    as reworded.
    """
    if encoding != "cp1252" or body.isascii():
        return encoding
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return encoding
    return "utf-8"


def _known_encoding(name: str | None) -> str | None:
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    # The HTML standard maps these labels to windows-1252.
    return "cp1252" if info.name in {"latin-1", "iso8859-1", "ascii"} else info.name


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = len(_CONTROL.findall(sample))
    return controls > max(8, len(sample) // 100)
