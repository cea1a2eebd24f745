"""sources.toml: what to watch and how, validated before anything runs.

Every mistake is reported as one line naming the file, the source id and the
problem, and the CLI exits 2 on it; a typo must never silently unwatch a page.

The dataclasses are the schema: each table's keys, and the TOML types each key
accepts, are read off the fields of the dataclass it becomes (``toml_keys``),
so a new setting is one new field.
"""

from __future__ import annotations

import dataclasses
import math
import re
import tomllib
import types
import typing
from collections.abc import Container, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urlsplit

from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from errata import __version__, parsers
from errata.cron.timetable import ScheduleSettings, Timetable
from errata.cron.triggers import cron_trigger
from errata.db.store import SourceRecord
from errata.differ import DEFAULT_POLICY, SEVERITIES, Policy
from errata.differ.category import validate_overrides
from errata.errors import ConfigError
from errata.reports import channels, formats
from errata.reports.routes import DIGESTS, MODES, Route
from errata.scraper.fetch import STRATEGIES

DEFAULT_USER_AGENT = (
    f"errata/{__version__} (error-code change tracker; +https://pypi.org/project/errata-watch/)"
)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_LOCALE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True, slots=True)
class FetchSettings:
    timeout: float = 30.0  # total seconds for one request, body included
    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence while reading
    retries: int = 3
    per_host: int = 2
    host_delay: float = 0.0  # seconds between requests to one host (plus up to 50% jitter)
    concurrency: int = 64  # across hosts; per_host keeps each site polite
    max_bytes: int = 25_000_000  # on the wire
    max_decompressed: int = 50_000_000  # after gzip/deflate: a bomb stops here
    user_agent: str = DEFAULT_USER_AGENT
    proxy: str | None = None  # besides HTTP(S)_PROXY from the environment
    backoff_initial: float = 1.0
    backoff_max: float = 30.0
    retry_after_max: float = 120.0  # the longest Retry-After honoured
    allow_private_redirects: bool = False  # follow a public page's redirect into a private network


@dataclass(frozen=True, slots=True)
class BrowserSettings:
    """[browser]: how pages with ``fetch = "browser"`` (or a browser fallback) are rendered.

    Chromium costs far more than a request (a second to start, a few hundred
    MB per page), so it gets its own small concurrency, a hard deadline per
    page and a memory cap on top of the per-host politeness of [fetch].
    """

    executable: str = "chromium"  # a command on PATH or a path (Debian: apt-get install chromium)
    concurrency: int = 1  # pages rendered at once
    timeout: float = 60.0  # hard deadline per page, in seconds, browser start included
    memory: int = 1024  # MB all the browser's processes may use together; over it the page fails
    settle: float = 0.5  # seconds without DOM changes before a rendered page is taken


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a source: its main page (key ``""``) or the page for one more locale."""

    key: str
    url: str
    locale: str
    strategy: str = "http"  # how it is fetched: a name in fetch.STRATEGIES
    wait_for: str | None = None  # browser: the CSS selector that marks the watched section

    @property
    def format(self) -> str:
        return "markdown" if self.strategy == "markdown" else "html"

    @property
    def wire_url(self) -> str:
        """What goes over the network: the fragment only selects a section of the page."""
        return urldefrag(self.url).url

    def selector(self) -> str | None:
        """What the browser waits for: ``wait_for``, else the element the URL's fragment names."""
        if self.wait_for:
            return self.wait_for
        fragment = unquote(urldefrag(self.url).fragment)
        if not fragment:
            return None
        quoted = fragment.replace("\\", "\\\\").replace('"', '\\"')
        return f'[id="{quoted}"], [name="{quoted}"]'

    def chain(self) -> tuple[str, ...]:
        """The URLs to try, best first: Mintlify and GitBook serve a page's Markdown at ``<page>.md``."""
        if self.strategy != "markdown":
            return (self.wire_url,)
        markdown = markdown_url(self.wire_url)
        return (markdown, self.wire_url) if markdown != self.wire_url else (markdown,)


def markdown_url(url: str) -> str:
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/index"
    if not path.endswith(".md"):
        path += ".md"
    return parts._replace(path=path).geturl()


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    exchange: str
    url: str
    parser: str = "auto"
    api: str | None = None
    title: str | None = None
    locale: str = "en"
    enabled: bool = True
    locales: Mapping[str, str] = field(default_factory=dict)  # more locales: locale -> URL
    severity: Mapping[str, str] = field(default_factory=dict)
    ignore: tuple[str, ...] = ()
    max_removed: float | None = None
    format: str = "html"  # "markdown": the older spelling of fetch = "markdown"
    fetch: str | None = None  # "http", "markdown" (the .md rendition first) or "browser"
    fallback: str | None = None  # "browser": render when a plain fetch is blocked or reads nothing
    wait_for: str | None = None  # browser: CSS selector of the watched section (default: #fragment)
    schedule: str | None = None  # its own crontab expression for ``errata schedule``
    categories: Mapping[str, str] = field(default_factory=dict)  # code -> category overrides
    # the other columns whose edits are detail_changed; None: prose and HTTP-status columns
    detail_columns: tuple[str, ...] | None = None

    def pages(self) -> list[Page]:
        """The main page, then one per extra locale; each is fetched and revised on its own."""
        main = Page("", self.url, self.locale, self.strategy, self.wait_for)
        others = (Page(k, u, k, self.strategy, self.wait_for) for k, u in self.locales.items())
        return [main, *others]

    @property
    def strategy(self) -> str:
        """The fetch strategy: ``fetch``, else ``markdown`` for ``format = "markdown"``, else http."""
        return self.fetch or ("markdown" if self.format == "markdown" else "http")

    def page(self, key: str) -> Page:
        for page in self.pages():
            if page.key == key:
                return page
        raise ConfigError(f"source {self.id!r} has no page for locale {key!r}")

    def record(self) -> SourceRecord:
        return SourceRecord(
            id=self.id,
            exchange=self.exchange,
            url=self.url,
            parser=self.parser,
            api=self.api,
            locale=self.locale,
            title=self.title,
        )


@dataclass(frozen=True, slots=True)
class Config:
    path: Path
    fetch: FetchSettings = field(default_factory=FetchSettings)
    sources: tuple[Source, ...] = ()
    policy: Policy = DEFAULT_POLICY  # the global [severity], ignore and [health] max_removed
    alert_after: int = 3  # [health]: failed runs in a row before a source raises an alert
    routes: tuple[Route, ...] = ()  # [[notify]] blocks
    datasette_url: str | None = None  # [datasette] base_url: reports link to this instance
    schedule: ScheduleSettings = field(default_factory=ScheduleSettings)
    browser: BrowserSettings = field(default_factory=BrowserSettings)

    def policy_for(self, source: Source) -> Policy:
        """The global policy refined by the source's own severity, ignore, max_removed and
        detail_columns."""
        return self.policy.refined(
            source.severity, source.ignore, source.max_removed, source.detail_columns
        )

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources) or "none"
        raise ConfigError(f"{self.path}: unknown source id {source_id!r} (configured: {known})")

    def enabled(self) -> list[Source]:
        return [s for s in self.sources if s.enabled]

    def timetable(self) -> Timetable:
        """What ``errata schedule`` needs to know: the schedule, and each source's own."""
        return Timetable(self.schedule, tuple((s.id, s.schedule) for s in self.enabled()))


@dataclass(frozen=True, slots=True)
class HealthSettings:
    max_removed: float | None = None  # the share of codes a believable revision may lose
    alert_after: int = 3  # failed runs in a row before a source raises an alert


@dataclass(frozen=True, slots=True)
class DatasetteSettings:
    base_url: str | None = None  # reports link to this Datasette instance


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """The top level of sources.toml: what each key holds (a table, or an array of tables)."""

    fetch: FetchSettings
    source: tuple[Source, ...]
    severity: Mapping[str, str]
    ignore: tuple[str, ...]
    health: HealthSettings
    notify: tuple[Route, ...]
    datasette: DatasetteSettings
    schedule: ScheduleSettings
    browser: BrowserSettings


TomlTypes = tuple[type, ...]
_SCALARS: dict[Any, TomlTypes] = {str: (str,), int: (int,), float: (int, float), bool: (bool,)}


def toml_keys(schema: type, *, skip: Container[str] = ()) -> dict[str, TomlTypes]:
    """A table's keys and the TOML types each accepts, read off the dataclass it becomes.

    ``str`` takes a string, ``int`` an integer, ``float`` any number, ``bool``
    true or false, a tuple an array, a mapping or another dataclass a table;
    ``X | None`` (an optional key) takes what ``X`` takes.
    """
    hints = typing.get_type_hints(schema)
    return {
        f.name: _toml_types(hints[f.name]) for f in dataclasses.fields(schema) if f.name not in skip
    }


def _toml_types(hint: Any) -> TomlTypes:
    if isinstance(hint, types.UnionType):
        return _toml_types(next(arg for arg in typing.get_args(hint) if arg is not type(None)))
    origin = typing.get_origin(hint) or hint
    if origin in (tuple, list):
        return (list,)
    if origin in (dict, Mapping) or dataclasses.is_dataclass(origin):
        return (dict,)
    return _SCALARS[origin]


SOURCE_KEYS = toml_keys(Source)
FETCH_KEYS = toml_keys(FetchSettings)
TOP_KEYS = toml_keys(ConfigFile)
SCHEDULE_KEYS = toml_keys(ScheduleSettings)
NOTIFY_KEYS = toml_keys(Route, skip={"settings"})  # settings: the channel's own keys
DATASETTE_KEYS = toml_keys(DatasetteSettings)
HEALTH_KEYS = toml_keys(HealthSettings)
BROWSER_KEYS = toml_keys(BrowserSettings)
# The largest value that still makes sense, per key: beyond it a run never ends (retries =
# 1e17 held the lock for good) or a date overflows. Keys of [fetch], [browser], [schedule]
# and [[notify]]; lower bounds are checked where each table is read.
HOUR, DAY = 3600, 86400
LIMITS: Mapping[str, float] = {
    "retries": 100, "timeout": HOUR, "connect_timeout": HOUR, "read_timeout": HOUR,
    "backoff_initial": HOUR, "backoff_max": HOUR, "backoff": HOUR, "retry_after_max": DAY,
    "host_delay": HOUR, "per_host": 1000, "concurrency": 1000, "memory": 1_000_000,
    "settle": 600, "jitter": 7 * DAY, "misfire_grace_time": 30 * DAY,
}  # fmt: skip
_REQUIRED = ("id", "exchange", "url")
_FORMATS = ("html", "markdown")
_FALLBACKS = ("browser",)


def load(path: str | Path) -> Config:
    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: config file not found (set ERRATA_CONFIG or --config)"
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read the config file: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    return parse(raw, path)


def parse(raw: Mapping[str, Any], path: Path) -> Config:
    _no_unknown_keys(raw, TOP_KEYS, f"{path}: unknown top-level key")
    for key, value in raw.items():
        _check_type(value, TOP_KEYS[key], f"{path}: {key}")
    fetch = _fetch_settings(raw.get("fetch", {}), path)
    health = _health(raw.get("health", {}), path)
    policy = _policy(
        DEFAULT_POLICY, raw.get("severity"), raw.get("ignore"), health.max_removed, str(path)
    )
    entries = raw.get("source", [])
    sources: list[Source] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries, start=1):
        source = _source(entry, path, index)
        if source.id in seen:
            raise ConfigError(f"{path}: source {source.id!r}: duplicate id")
        seen.add(source.id)
        sources.append(source)
    if health.alert_after < 1:
        raise ConfigError(
            f"{path}: [health]: alert_after must be at least 1, not {health.alert_after}"
        )
    routes = _routes(raw.get("notify", []), path, seen)
    return Config(
        path=path,
        fetch=fetch,
        sources=tuple(sources),
        policy=policy,
        alert_after=health.alert_after,
        routes=routes,
        datasette_url=_datasette(raw.get("datasette", {}), path),
        schedule=_schedule(raw.get("schedule", {}), path),
        browser=_browser(raw.get("browser", {}), path),
    )


def _browser(raw: Mapping[str, Any], path: Path) -> BrowserSettings:
    where = f"{path}: [browser]"
    _no_unknown_keys(raw, BROWSER_KEYS, f"{where}: unknown key")
    for key, value in raw.items():
        _check_type(value, BROWSER_KEYS[key], f"{where}: {key}")
        if not isinstance(value, str) and value <= 0 and key != "settle":
            raise ConfigError(f"{where}: {key} must be positive, not {value}")
        if key == "settle" and value < 0:
            raise ConfigError(f"{where}: settle must not be negative")
    if raw.get("executable") == "":
        raise ConfigError(f"{where}: executable must name a command or a path")
    _within_limits(raw, where)
    return BrowserSettings(**raw)


def _schedule(raw: Mapping[str, Any], path: Path) -> ScheduleSettings:
    where = f"{path}: [schedule]"
    _no_unknown_keys(raw, SCHEDULE_KEYS, f"{where}: unknown key")
    for key, value in raw.items():
        _check_type(value, SCHEDULE_KEYS[key], f"{where}: {key}")
        if isinstance(value, int) and value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
    if "cron" in raw and "every" in raw:
        raise ConfigError(f"{where}: set cron or every, not both")
    _within_limits(raw, where)
    settings = ScheduleSettings(**raw)
    if "cron" not in raw and "every" not in raw:
        return settings  # the default cron line: checking it would import APScheduler on every run
    try:
        settings.check()
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    return settings


def _health(raw: Mapping[str, Any], path: Path) -> HealthSettings:
    _no_unknown_keys(raw, HEALTH_KEYS, f"{path}: [health]: unknown key")
    for key, value in raw.items():
        _check_type(value, HEALTH_KEYS[key], f"{path}: [health]: {key}")
    return HealthSettings(**raw)


def _datasette(raw: Mapping[str, Any], path: Path) -> str | None:
    _no_unknown_keys(raw, DATASETTE_KEYS, f"{path}: [datasette]: unknown key")
    url = raw.get("base_url")
    if url is None:
        return None
    _check_type(url, DATASETTE_KEYS["base_url"], f"{path}: [datasette]: base_url")
    if problem := url_problem(url):
        raise ConfigError(f"{path}: [datasette]: base_url {url!r} is not a URL: {problem}")
    return str(url).rstrip("/")


def _routes(raw: list[Any], path: Path, source_ids: set[str]) -> tuple[Route, ...]:
    routes: list[Route] = []
    for index, block in enumerate(raw, start=1):
        route = _route(block, path, index, source_ids)
        if any(r.name == route.name for r in routes):
            raise ConfigError(f'{path}: notify {route.name!r}: duplicate name (set name = "...")')
        routes.append(route)
    return tuple(routes)


def _route(raw: Any, path: Path, index: int, source_ids: set[str]) -> Route:
    """One [[notify]] block: the common keys, then the channel's own (secrets by variable name)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: notify #{index} must be a table")
    label = raw.get("name") or raw.get("channel")
    where = f"{path}: notify {label!r}" if isinstance(label, str) else f"{path}: notify #{index}"
    if "channel" not in raw:
        raise ConfigError(f"{where}: missing required key 'channel'")
    _check_type(raw["channel"], NOTIFY_KEYS["channel"], f"{where}: channel")
    try:
        spec = channels.spec(raw["channel"])
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    known = {**NOTIFY_KEYS, **spec.keys}
    _no_unknown_keys(raw, known, f"{where}: unknown key")
    for key, value in raw.items():
        _check_type(value, known[key], f"{where}: {key}")
    for key in spec.required:
        if key not in raw:
            raise ConfigError(f"{where}: missing required key {key!r} for channel {spec.name!r}")
    _route_values(raw, where, source_ids, spec.secrets)
    if spec.check is not None and (problem := spec.check(raw)):
        raise ConfigError(f"{where}: {problem}")
    common: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v for k, v in raw.items() if k in NOTIFY_KEYS
    }
    return Route(
        **{**common, "name": str(label)},
        settings={k: v for k, v in raw.items() if k not in NOTIFY_KEYS},
    )


_CHOICES = {"min_severity": SEVERITIES, "mode": MODES, "digest": DIGESTS}
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _route_values(
    raw: Mapping[str, Any], where: str, source_ids: set[str], secrets: tuple[str, ...]
) -> None:
    for key, choices in {**_CHOICES, "format": tuple(formats())}.items():
        if key in raw and raw[key] not in choices:
            raise ConfigError(
                f"{where}: {key} must be one of {', '.join(choices)}, not {raw[key]!r}"
            )
    for key in ("sources", "exchanges", "to"):
        if not all(isinstance(item, str) for item in raw.get(key, ())):
            raise ConfigError(f"{where}: {key} must be a list of strings")
    if "to" in raw and not raw["to"]:
        raise ConfigError(f"{where}: to must list at least one address")
    for source in raw.get("sources", ()):
        if source not in source_ids:
            raise ConfigError(f"{where}: sources: unknown source id {source!r}")
    _route_numbers(raw, where)
    for key in secrets:
        if key in raw and not _ENV_NAME.match(raw[key]):
            raise ConfigError(
                f"{where}: {key} must name an environment variable (like ERRATA_SLACK_WEBHOOK), "
                "not hold the secret itself"
            )


def _route_numbers(raw: Mapping[str, Any], where: str) -> None:
    numbers = {key: raw[key] for key in ("retries", "backoff") if key in raw}
    for key, value in numbers.items():
        if value < 0:
            raise ConfigError(f"{where}: {key} must not be negative")
    _within_limits(numbers, where)


def _policy(base: Policy, severity: Any, ignore: Any, max_removed: Any, where: str) -> Policy:
    """The policy with these overrides, after checking them (a ValueError names the problem)."""
    if ignore is not None and not all(isinstance(i, str) for i in ignore):
        raise ConfigError(f"{where}: ignore must be a list of change ids (strings)")
    try:
        return base.refined(severity, ignore or (), max_removed)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None


def _fetch_settings(raw: Any, path: Path) -> FetchSettings:
    where = f"{path}: [fetch]"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where} must be a table")
    _no_unknown_keys(raw, FETCH_KEYS, f"{where}: unknown key")
    for key, value in raw.items():
        _check_type(value, FETCH_KEYS[key], f"{where}: {key}")
        if isinstance(value, str | bool):
            continue
        if value < 0 or (value == 0 and key not in ("retries", "host_delay")):
            raise ConfigError(f"{where}: {key} must be positive, not {value}")
    _within_limits(raw, where)
    if "proxy" in raw and (problem := url_problem(raw["proxy"])):
        raise ConfigError(f"{where}: proxy {raw['proxy']!r} is not a URL: {problem}")
    if "user_agent" in raw and (problem := header_problem(raw["user_agent"])):
        raise ConfigError(f"{where}: user_agent: {problem}")
    return FetchSettings(**raw)


def _source(raw: Any, path: Path, index: int) -> Source:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: source #{index} must be a table")
    name = raw.get("id")
    where = f"{path}: source {name!r}" if isinstance(name, str) else f"{path}: source #{index}"
    _no_unknown_keys(raw, SOURCE_KEYS, f"{where}: unknown key")
    for key in _REQUIRED:
        if key not in raw:
            raise ConfigError(f"{where}: missing required key {key!r}")
    for key, value in raw.items():
        _check_type(value, SOURCE_KEYS[key], f"{where}: {key}")
    _names(raw, where)
    _locales(raw, where)
    if raw.get("format", "html") not in _FORMATS:
        raise ConfigError(
            f"{where}: format must be one of {', '.join(_FORMATS)}, not {raw['format']!r}"
        )
    _fetch_keys(raw, where)
    _policy(DEFAULT_POLICY, raw.get("severity"), raw.get("ignore"), raw.get("max_removed"), where)
    if "schedule" in raw:
        try:
            cron_trigger(raw["schedule"])
        except ValueError as error:
            raise ConfigError(f"{where}: schedule: {error}") from None
    try:
        categories = validate_overrides(raw.get("categories", {}))
    except ValueError as error:
        raise ConfigError(f"{where}: categories: {error}") from None
    raw = {**raw, **_detail_columns(raw.get("detail_columns"), where)}
    return Source(**{**raw, "ignore": tuple(raw.get("ignore", ())), "categories": categories})


def _names(raw: Mapping[str, Any], where: str) -> None:
    """id and exchange are slugs, the url can be fetched, the parser exists."""
    for key in ("id", "exchange"):
        if problem := slug_problem(raw[key]):
            raise ConfigError(f"{where}: {key} {problem}")
    if problem := url_problem(raw["url"]):
        raise ConfigError(f"{where}: malformed url {raw['url']!r}: {problem}")
    parser = raw.get("parser", "auto")
    if parser not in parsers.names():
        raise ConfigError(
            f"{where}: unknown parser {parser!r} (known: {', '.join(parsers.names())})"
        )


def _locales(raw: Mapping[str, Any], where: str) -> None:
    for locale, url in raw.get("locales", {}).items():
        if not _LOCALE.match(locale) or locale == raw.get("locale", "en"):
            raise ConfigError(
                f"{where}: locales: {locale!r} is not another locale code (like 'zh')"
            )
        problem = url_problem(url) if isinstance(url, str) else "it is not a string"
        if problem:
            raise ConfigError(f"{where}: locales: malformed url {url!r} for {locale!r}: {problem}")


def _fetch_keys(raw: Mapping[str, Any], where: str) -> None:
    """fetch, fallback and wait_for: known names, no contradiction, a selector that parses."""
    strategies = tuple(STRATEGIES)
    if "fetch" in raw and raw["fetch"] not in strategies:
        raise ConfigError(
            f"{where}: fetch must be one of {', '.join(strategies)}, not {raw['fetch']!r}"
        )
    if raw.get("format") == "markdown" and raw.get("fetch", "markdown") != "markdown":
        raise ConfigError(f'{where}: format = "markdown" contradicts fetch = {raw["fetch"]!r}')
    if "fallback" in raw and raw["fallback"] not in _FALLBACKS:
        raise ConfigError(
            f"{where}: fallback must be one of {', '.join(_FALLBACKS)}, not {raw['fallback']!r}"
        )
    if raw.get("fallback") == "browser" and raw.get("fetch") == "browser":
        raise ConfigError(f'{where}: fallback = "browser" is pointless with fetch = "browser"')
    if "wait_for" in raw and (problem := selector_problem(raw["wait_for"])):
        raise ConfigError(f"{where}: wait_for {raw['wait_for']!r} is not a CSS selector: {problem}")


def slug_problem(value: str) -> str | None:
    """Why ``value`` cannot name a source or an exchange, or None.

    Ids and exchanges become file names (the file channel's snapshots and
    changelogs), so they are slugs: never a path, never hidden, never empty.
    """
    if not _ID.match(value):
        return "must be a lowercase slug (letters, digits, '.', '_', '-')"
    return None


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` is no CSS selector the browser can wait for, or None."""
    if not selector.strip():
        return "it is empty"
    try:
        LexborHTMLParser("<p></p>").css(selector)
    except (ValueError, SelectolaxError) as error:
        return str(error) or type(error).__name__
    return None


def _detail_columns(columns: list[Any] | None, where: str) -> dict[str, tuple[str, ...]]:
    """The source's ``detail_columns``, checked; nothing when not configured (the default)."""
    if columns is None:
        return {}
    try:
        DEFAULT_POLICY.refined(detail_columns=columns)
    except ValueError as error:
        raise ConfigError(f"{where}: {error}") from None
    return {"detail_columns": tuple(columns)}


def url_problem(url: str) -> str | None:
    """Why ``url`` cannot be fetched, or None."""
    if any(ch.isspace() for ch in url):
        return "it contains whitespace"
    try:
        parts = urlsplit(url)
    except ValueError as error:  # "http://[::1": an unclosed IPv6 literal
        return str(error)
    if parts.scheme not in ("http", "https"):
        return "the scheme must be http or https"
    if not parts.hostname:
        return "it has no host"
    try:
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        return "the port is not a number"
    return None


def _no_unknown_keys(
    raw: Mapping[str, Any], known: Mapping[str, Any] | tuple[str, ...], prefix: str
) -> None:
    for key in raw:
        if key not in known:
            raise ConfigError(f"{prefix} {key!r}")


def _check_type(value: Any, expected: type | tuple[type, ...], where: str) -> None:
    wanted = expected if isinstance(expected, tuple) else (expected,)
    if isinstance(value, bool) and bool not in wanted:
        raise ConfigError(f"{where} must be {_type_name(wanted)}, not a boolean")
    if not isinstance(value, wanted):
        raise ConfigError(f"{where} must be {_type_name(wanted)}, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{where} must be a finite number, not {value}")


def _type_name(types: tuple[type, ...]) -> str:
    names = {str: "a string", int: "a whole number", float: "a number", bool: "true or false"}
    if float in types:
        types = tuple(t for t in types if t is not int)
    return " or ".join(dict.fromkeys(names.get(t, t.__name__) for t in types))


def _within_limits(raw: Mapping[str, Any], where: str) -> None:
    """Refuse a number beyond its key's ``LIMITS``: one line, instead of a run that never ends."""
    for key, value in raw.items():
        limit = LIMITS.get(key)
        if limit is not None and isinstance(value, int | float) and value > limit:
            raise ConfigError(f"{where}: {key} = {value} is more than the {limit:g} it may be")


def header_problem(value: str) -> str | None:
    """Why ``value`` cannot be sent as an HTTP header value, or None."""
    if not value.strip():
        return "it is empty"
    if not all(" " <= ch <= "~" for ch in value):
        return "it must be printable ASCII on one line (no line break, no accented letter)"
    return None
