"""``errata add URL``: find a page's error-code sections and watch them, in one command.

The page is read the ways errata can fetch it: plainly, as the ``.md``
rendition Mintlify and GitBook serve (found directly or through the site's
``llms.txt``) and, when neither shows any codes and Chromium is installed,
rendered in the browser. The reading with the most codes wins (Markdown,
then plain HTTP, then the browser on a tie: the cheaper and steadier). Each
section found is previewed with its codes as ``errata run`` will read them;
the chosen ones are appended to sources.toml, comments and layout kept.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import click

from errata import parsers
from errata.db import times
from errata.errors import FetchError, UsageError
from errata.parsers.document import sniff_format
from errata.reports.text import plain
from errata.scraper import discover, sourcefile
from errata.scraper.browser import find_executable
from errata.scraper.cli.output import emit_json
from errata.scraper.config import Config, Page, load, markdown_url, url_problem
from errata.scraper.fetch import FetchResult, Request, fetch_requests

_PREFERENCE = {"markdown": 2, "http": 1, "browser": 0}  # on a tie: cheaper and steadier first
_GENERIC = frozenset({"auto", "html", "markdown"})
_HOST_PREFIXES = frozenset(
    {"www", "docs", "doc", "api", "apidocs", "developers", "developer", "dev", "help"}
)
_ID_DROP = re.compile(r"[^a-z0-9._-]+")
_MD_LINK = re.compile(r"\]\((?P<url>[^)\s]+\.md)\)|(?P<bare>https?://\S+\.md)\b")
_PREVIEW = 3  # codes shown per section


@dataclass(frozen=True, slots=True)
class Reading:
    """One way of reading the page: the body, and the strategy and URL a source would use."""

    strategy: str
    url: str  # the source's URL (the page itself, or a Markdown file llms.txt points to)
    body: bytes
    content_type: str | None


@dataclass(frozen=True, slots=True)
class Choice:
    reading: Reading
    parser: str
    sections: tuple[discover.Section, ...]

    @property
    def codes(self) -> int:
        return sum(len(s.entries) for s in self.sections)

    def rank(self) -> tuple[int, int, int]:
        site = int(self.parser not in _GENERIC)
        return (self.codes, _PREFERENCE[self.reading.strategy], site)


@dataclass(frozen=True, slots=True)
class Draft:
    id: str
    exchange: str
    url: str
    parser: str
    strategy: str
    section: discover.Section

    def block(self) -> dict[str, Any]:
        block: dict[str, Any] = {"id": self.id, "exchange": self.exchange, "url": self.url}
        block["parser"] = self.parser
        if self.strategy != "http":
            block["fetch"] = self.strategy
        if self.section.title:
            block["title"] = _one_line(self.section.title)
        return block


def add_sources(
    url: str,
    source_id: str | None,
    exchange: str | None,
    yes: bool,
    config_path: Path,
    as_json: bool,
) -> None:
    """``errata add``: find the page's error sections, preview them, append the chosen ones."""
    config = _config(config_path)
    _refuse_duplicates(config, url, source_id)
    choice = _best(url, config)
    drafts = _drafts(choice, config, source_id, exchange or exchange_of(url))
    _preview(choice, drafts, err=as_json)
    chosen = drafts if yes else _ask(drafts)
    if chosen:
        note = f"added by errata add on {times.now()[:10]}"
        sourcefile.append_sources(config_path, [d.block() for d in chosen], note)
        for draft in chosen:
            click.echo(f"errata: added source {draft.id!r} to {config_path}", err=True)
    if as_json:
        emit_json(
            [{**d.block(), "fetch": d.strategy, "codes": len(d.section.entries)} for d in chosen]
        )


def _config(path: Path) -> Config:
    return load(path) if path.exists() else Config(path=path)


def _refuse_duplicates(config: Config, url: str, source_id: str | None) -> None:
    if problem := url_problem(url):
        raise UsageError(f"{url!r} is not a URL errata can fetch: {problem}")
    for source in config.sources:
        if url in (source.url, *source.locales.values()):
            raise UsageError(f"{config.path}: {url} is already watched by source {source.id!r}")
        if source_id is not None and source.id == source_id:
            raise UsageError(f"{config.path}: a source with id {source_id!r} already exists")


# --- reading the page -----------------------------------------------------------------


def _best(url: str, config: Config) -> Choice:
    """The reading and parser that find the most codes; the browser only when nothing else does."""
    readings, failure = _plain_readings(url, config)
    choices = [c for r in readings for c in _choices(r, url)]
    if not any(c.sections for c in choices) and find_executable(config.browser.executable):
        try:
            choices += _choices(_browser_reading(url, config), url)
        except FetchError as error:
            failure = failure or error
    found = [c for c in choices if c.sections]
    if not found and failure is not None:
        raise FetchError(failure.kind, f"cannot read {url}: {failure}", failure.status)
    if not found:
        hint = "" if find_executable(config.browser.executable) else (
            "; if the page is built by JavaScript, install chromium (apt-get install -y chromium) "
            "and try again"
        )  # fmt: skip
        raise UsageError(f"no error-code table or code headings found at {url}{hint}")
    return max(found, key=Choice.rank)


def _plain_readings(url: str, config: Config) -> tuple[list[Reading], FetchError | None]:
    """The page and its Markdown rendition, and why the page itself could not be read, if so."""
    page = urldefrag(url).url
    twin = markdown_url(page)
    index = urljoin(page, "/llms.txt")
    got = _fetch([Request((page,)), Request((twin,)), Request((index,))], config)
    readings: list[Reading] = []
    if (plain_page := got[Request((page,))]).body is not None:
        readings.append(Reading("http", page, plain_page.body, plain_page.content_type))
    if twin != page and _is_markdown(twin_page := got[Request((twin,))]):
        readings.append(Reading("markdown", page, twin_page.body or b"", twin_page.content_type))
    elif (listed := _listed_markdown(got[Request((index,))], page)) not in (None, twin):
        readings += _listed_reading(str(listed), config)
    return readings, plain_page.error


def _listed_reading(url: str, config: Config) -> list[Reading]:
    fetched = _fetch([Request((url,))], config)[Request((url,))]
    return (
        [Reading("http", url, fetched.body, fetched.content_type)]
        if _is_markdown(fetched) and fetched.body
        else []
    )


def _browser_reading(url: str, config: Config) -> Reading:
    page = Page("", url, "en", "browser")
    request = Request((page.wire_url,), "browser", page.selector())
    fetched = _fetch([request], config)[request]
    if fetched.body is None:
        raise fetched.error or FetchError("browser", "the browser returned no page")
    return Reading("browser", page.wire_url, fetched.body, fetched.content_type)


def _fetch(requests: Sequence[Request], config: Config) -> dict[Request, FetchResult]:
    return fetch_requests(requests, config.fetch, browser=config.browser)


def _is_markdown(fetched: FetchResult) -> bool:
    """A real Markdown rendition: not a 404, and not the HTML app shell served for any path."""
    if fetched.body is None:
        return False
    head = fetched.body[:8192].decode("utf-8", errors="replace")
    return sniff_format(head) == "markdown"


def _listed_markdown(index: FetchResult, page: str) -> str | None:
    """The Markdown file ``llms.txt`` lists for ``page`` (its path, perhaps under a prefix, + .md)."""
    if index.body is None:
        return None
    wanted = urlsplit(page).path.rstrip("/") + ".md"
    for match in _MD_LINK.finditer(index.body.decode("utf-8", errors="replace")):
        link = urljoin(page, str(match.group("url") or match.group("bare")))
        if wanted != ".md" and urlsplit(link).path.endswith(wanted):
            return link
    return None


def _choices(reading: Reading, url: str) -> list[Choice]:
    fragment = urldefrag(url).fragment
    target = f"{reading.url}#{fragment}" if fragment else reading.url
    host = urlsplit(url).hostname or ""
    names = ["auto", *(n for n in parsers.names() if n not in _GENERIC and n in host)]
    charset = _charset(reading.content_type)
    return [
        Choice(reading, name, tuple(discover.sections(reading.body, target, name, charset)))
        for name in names
    ]


def _charset(content_type: str | None) -> str | None:
    match = re.search(r"charset=([\w.-]+)", content_type or "", re.IGNORECASE)
    return match.group(1) if match else None


# --- the sources to write ---------------------------------------------------------------


def _drafts(choice: Choice, config: Config, source_id: str | None, exchange: str) -> list[Draft]:
    taken = {s.id for s in config.sources}
    watched = {s.url for s in config.sources}
    drafts: list[Draft] = []
    for section in choice.sections:
        url = f"{choice.reading.url}#{section.fragment}" if section.fragment else choice.reading.url
        if url in watched:
            continue  # this section is watched already: the others may still be new
        name = _source_id(source_id, exchange, section, choice.reading.url, len(choice.sections))
        name = _unique(name, taken)
        taken.add(name)
        drafts.append(Draft(name, exchange, url, choice.parser, choice.reading.strategy, section))
    if not drafts:
        raise UsageError(
            f"{config.path}: every section found at {choice.reading.url} is already watched"
        )
    return drafts


def _source_id(
    given: str | None, exchange: str, section: discover.Section, url: str, count: int
) -> str:
    if given is not None and count == 1:
        return given
    path = urlsplit(url).path.removesuffix(".md").rstrip("/")
    tail = section.fragment or path.rsplit("/", 1)[-1] or "errors"
    return _slug_id(f"{given or exchange}-{tail}")


def _slug_id(text: str) -> str:
    return _ID_DROP.sub("-", text.lower()).strip("-._")[:64].rstrip("-._") or "source"


def _unique(name: str, taken: set[str]) -> str:
    candidate, number = name, 2
    while candidate in taken:
        candidate = f"{name[:60]}-{number}"
        number += 1
    return candidate


def exchange_of(url: str) -> str:
    """An exchange name from the host: docs.tickdb.ai → tickdb, www.okx.com → okx."""
    host = (urlsplit(url).hostname or "").lower()
    try:
        ipaddress.ip_address(host)
        return "local"
    except ValueError:
        pass
    labels = [label for label in host.split(".") if label and label not in _HOST_PREFIXES]
    if len(labels) > 1:
        labels = (
            labels[:-2]
            if len(labels) > 2 and len(labels[-1]) == 2 and labels[-2] in ("co", "com")
            else labels[:-1]
        )
    return _slug_id(labels[-1] if labels else host or "local")


# --- talking to the person ---------------------------------------------------------------


def _preview(choice: Choice, drafts: Sequence[Draft], *, err: bool) -> None:
    how = f"fetch = {choice.reading.strategy!r}, parser = {choice.parser!r}"
    click.echo(f"{len(drafts)} error-code section(s) at {choice.reading.url} ({how}):", err=err)
    for number, draft in enumerate(drafts, start=1):
        entries = draft.section.entries
        title = _one_line(draft.section.title) or "(the whole page)"
        click.echo(f"  [{number}] {draft.id}: {title}, {len(entries)} codes", err=err)
        for entry in entries[:_PREVIEW]:
            click.echo(f"        {_one_line(entry.code)}  {_one_line(entry.message)[:80]}", err=err)
        if len(entries) > _PREVIEW:
            click.echo(f"        … and {len(entries) - _PREVIEW} more", err=err)


def _ask(drafts: Sequence[Draft]) -> list[Draft]:
    answer = click.prompt(
        "Add which? (numbers like 1,3; all; none)", default="all", err=True, show_default=True
    )
    return _picked(str(answer), drafts)


def _picked(answer: str, drafts: Sequence[Draft]) -> list[Draft]:
    answer = answer.strip().lower()
    if answer in ("all", "a", "y", "yes"):
        return list(drafts)
    if answer in ("none", "n", "no", ""):
        return []
    picked: list[Draft] = []
    for part in re.split(r"[\s,]+", answer):
        if not part.isdigit() or not 1 <= int(part) <= len(drafts):
            raise UsageError(f"add: {part!r} is not one of the section numbers 1-{len(drafts)}")
        picked.append(drafts[int(part) - 1])
    return list(dict.fromkeys(picked))


def _one_line(text: str) -> str:
    return " ".join(plain(text).split())
