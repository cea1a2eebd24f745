"""Structured data files: error codes kept as YAML or JSON records.

Some documentation keeps its codes in a data file and renders the page from
it: a list of records (``- code: 10001`` / ``message: …``), a map of records
keyed by code (``"10001": {"message": …}``), a map of code to message, or any
of these nested under keys that name sections (``spot: [...]``). A record is
a mapping with a code-like key and a message-like key, named as table headers
are (``code``, ``errorCode``, ``error_code``; ``message``, ``msg``,
``description`` …); its other scalar keys become ``extra``.

Values are read as text exactly as written (YAML's ``05001`` stays ``05001``,
not the octal number 2561). A file that is data but holds no such records is
a ``ParseError`` ("format not supported"), never an empty revision that would
read as every code removed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from errata.errors import ParseError
from errata.parsers.columns import CODE_SHAPE, code_score, message_score
from errata.parsers.document import Document
from errata.parsers.entry import Entry
from errata.parsers.text import collapse, slug

_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_YAML_START = re.compile(r"""^(?:---\s*$|-\s+)?["']?[\w.$-]+["']?\s*:(?:\s|$)""")
_MARKDOWN_TABLE = re.compile(r"^\s*\|.*\|", re.MULTILINE)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_TRUE = frozenset({"true", "yes", "1", "y", "on"})

Record = Mapping[str, Any]


def read(doc: Document, fragments: Sequence[str]) -> list[Entry] | None:
    """The records of a data file, or None when ``doc`` is a page (HTML, Markdown), not data.

    A ``.json``/``.yaml`` name, or content that parses as JSON, makes it data for
    sure: then a file that does not parse or holds no records is a
    ``ParseError``. Other text is tried as YAML only when it starts like YAML
    and has no Markdown table, and is data only if it holds records, since
    plain Markdown is often valid YAML too.
    """
    kind = _SUFFIXES.get(_suffix(doc.url) or _suffix(doc.where))
    head = doc.head.lstrip("\ufeff \t\r\n")
    if kind == "json" or (kind is None and head[:1] in ("{", "[")):
        value = _load(doc, json_loads, sure=kind == "json")
        return None if value is _NOT_DATA else entries(doc, value, fragments)
    if kind == "yaml":
        return entries(doc, _load(doc, yaml_loads, sure=True), fragments)
    if _starts_like_yaml(head) and not _MARKDOWN_TABLE.search(doc.text):
        value = _load(doc, yaml_loads, sure=False)
        if isinstance(value, dict | list):
            try:
                return entries(doc, value, fragments)
            except ParseError:
                return None
    return None


_NOT_DATA = object()


def json_loads(text: str) -> object:
    """JSON with numbers kept as written: ``05001`` and ``1e3`` stay text."""
    return json.loads(text, parse_int=str, parse_float=str)


def yaml_loads(text: str) -> object:
    """YAML with every scalar as text (``05001`` is not the octal number 2561), no objects.

    Invalid YAML is a ``ValueError``, as invalid JSON is. PyYAML is imported here, when a
    page may be YAML: a run over HTML and Markdown pages does not pay its ~10 ms import.
    """
    import yaml

    try:
        return yaml.load(text, Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        raise ValueError(str(error)) from None


def _load(doc: Document, loads: Callable[[str], object], *, sure: bool) -> object:
    try:
        return loads(doc.text)
    except ValueError:
        if sure:
            raise _unsupported(doc, "the file does not parse") from None
        return _NOT_DATA


def entries(doc: Document, data: object, fragments: Sequence[str]) -> list[Entry]:
    """The error records in ``data``, under the key a fragment names (else everywhere)."""
    root, path = _select(data, [slug(f) for f in fragments if slug(f)], doc)
    found = [_entry(record, key, " > ".join(at)) for at, key, record in _records(root, path)]
    if not found:
        raise _unsupported(doc, "no records with a code and a message key")
    return found


def _unsupported(doc: Document, why: str) -> ParseError:
    return doc.error(f"format not supported: {why}")


def _suffix(place: str) -> str:
    path = urlsplit(place).path if "://" in place else place
    return PurePosixPath(path).suffix.lower()


def _starts_like_yaml(head: str) -> bool:
    for line in head.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return _YAML_START.match(stripped) is not None
    return False


def _select(data: object, targets: list[str], doc: Document) -> tuple[object, list[str]]:
    """The subtree under the first key a fragment names, and its name as the section."""
    if not targets:
        return data, []
    for target in targets:
        for path, node in _subtrees(data, []):
            if path and slug(path[-1]) == target:
                return node, [path[-1]]
    wanted = " or ".join(f"#{t}" for t in targets)
    raise doc.error(f"section {wanted} is not in the data")


def _subtrees(node: object, path: list[str]) -> Iterator[tuple[list[str], object]]:
    yield path, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _subtrees(value, [*path, str(key)])
    elif isinstance(node, list):
        for item in node:
            yield from _subtrees(item, path)


_CODE_KEY = "\x00code"  # stands for the code of a record keyed by its code


def _records(node: object, path: list[str]) -> Iterator[tuple[list[str], str, Record]]:
    """(section path, code key, record) for every record under ``node``, in file order."""
    if isinstance(node, list):
        for item in node:
            yield from _records(item, path)
    elif isinstance(node, dict):
        if (key := _code_key(node)) is not None:
            yield path, key, node
        elif _keyed_by_code(node):
            for code, value in node.items():
                record = value if isinstance(value, dict) else {"message": value}
                yield path, _CODE_KEY, {**record, _CODE_KEY: str(code)}
        else:
            for name, value in node.items():
                yield from _records(value, [*path, str(name)])


def _code_key(record: Record) -> str | None:
    """The key holding the record's code, if it is a record (a code key and a message key)."""
    code_key = _best_key(record, code_score)
    if code_key is None or _best_key(record, message_score, exclude=code_key) is None:
        return None
    return code_key if str(record[code_key]).strip() else None


def _keyed_by_code(node: Record) -> bool:
    """``{"10001": "Invalid parameter"}`` or ``{"10001": {"message": …}}``."""
    if len(node) < 2 or not all(CODE_SHAPE.fullmatch(str(key)) for key in node):
        return False
    return all(
        isinstance(v, str) or (isinstance(v, dict) and _best_key(v, message_score) is not None)
        for v in node.values()
    )


def _best_key(
    record: Record, score: Callable[[str], int], exclude: str | None = None
) -> str | None:
    scored = [(score(_key_name(key)), -i, key) for i, key in enumerate(record) if key != exclude]
    scored = [item for item in scored if item[0] > 0 and _scalar(record[item[2]])]
    return str(max(scored)[2]) if scored else None


def _key_name(key: object) -> str:
    return _CAMEL.sub(" ", str(key))


def _scalar(value: object) -> bool:
    return isinstance(value, str)


def _entry(record: Record, code_key: str, section: str) -> Entry:
    message_key = _best_key(record, message_score, exclude=code_key)
    message = collapse(str(record[message_key])) if message_key else ""
    extra = {
        str(key): collapse(value)
        for key, value in record.items()
        if key not in (message_key, code_key, "deprecated") and _scalar(value)
    }
    deprecated = str(record.get("deprecated", "")).strip().lower() in _TRUE
    return Entry(collapse(str(record[code_key])), message, section, "", extra, deprecated)
