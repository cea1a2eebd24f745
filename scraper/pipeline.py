"""The run pipeline: fetch, archive, parse, diff and store each page of each source.

A source has a main page and, optionally, one page per extra locale. Each
page is fetched, parsed and committed on its own, in one transaction with its
fetch row: its entries replace that page's part of the source's current
entries, so a failing page (or a failing source) never stops the others,
never removes what another page documents, and a crash never leaves half a
revision. What can go wrong becomes a fetch row with an error kind and an
``Outcome`` with status ``failed``; it never becomes a change. What nobody
expected (a full disk, an unwritable archive, a bug) is the kind ``internal``
with a one-line message, so ``errata health`` and its alerts count it too.

Pages are fetched on a thread of their own and handed over as they arrive;
the parsing, diffing and storing happen in the caller's thread, which owns
the database, so local work never delays a fetch or expires its deadline.

A source with ``fallback = "browser"`` gets a second chance within the run:
when its plain fetch is blocked by a bot challenge, or its body reads no
entries, the page is rendered in the browser after the plain fetches are
done, and only that result is stored (its fetch row says ``browser``).
"""

from __future__ import annotations

import logging
import threading
from collections import defaultdict
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from typing import Literal

from errata import differ, parsers
from errata.db import times
from errata.db.outbox import Outbox
from errata.db.store import FetchRecord, Store, digest
from errata.differ import Change, Policy
from errata.errors import BrowserMissing, FetchError, StoreError
from errata.scraper.archive import Archive
from errata.scraper.browser import find_executable, install_hint
from errata.scraper.config import Config, Page, Source
from errata.scraper.fetch import (
    FetchResult,
    Request,
    Stopped,
    Validators,
    fetch_in_background,
    request_for,
)

log = logging.getLogger("errata")

Status = Literal["baseline", "changed", "unchanged", "not_modified", "suspect", "failed"]


@dataclass(frozen=True, slots=True)
class Outcome:
    source: Source
    status: Status
    changes: tuple[Change, ...] = ()
    problem: str | None = None  # one line: why it failed or is suspect
    entries: int = 0
    page: str = ""
    defects: tuple[str, ...] = ()  # rows the page newly lists twice

    @property
    def label(self) -> str:
        return f"{self.source.id} [{self.page}]" if self.page else self.source.id


@dataclass(slots=True)
class RunResult:
    started_at: str
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)
    alerts: list[tuple[str, str]] = field(default_factory=list)  # (source, why): raised once
    interrupted: bool = False  # stopped by a signal before every page was stored

    @property
    def changes(self) -> list[Change]:
        return [c for o in self.outcomes for c in o.changes]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


class Interrupted(Exception):
    """Raised inside a run when its stop event is set: no further page is stored."""


@dataclass(frozen=True, slots=True)
class _Retry:
    """A page whose plain fetch a browser may still rescue, and why it needs to."""

    source: Source
    page: Page
    plain: FetchResult
    reason: str


def run(
    config: Config,
    store: Store,
    archive: Archive,
    *,
    only: Sequence[str] = (),
    now: str | None = None,
    stop: threading.Event | None = None,
) -> RunResult:
    """Fetch every page of every enabled source (or ``only`` these) and store what changed.

    When ``stop`` is set (SIGTERM to the scheduler), the page being stored
    finishes and commits; pages arriving after that are dropped unstored, so
    a stopped run loses nothing and reports nothing as failed.
    """
    sources = [config.source(i) for i in only] if only else config.enabled()
    _require_browser(config, sources)
    store.sync_sources(s.record() for s in config.sources)
    started = now or times.now()
    result = RunResult(started_at=started, run_id=store.start_run(started))
    pages = [(source, page) for source in sources for page in source.pages()]
    collector = _Collector(config, store, archive, started, result.run_id, stop)
    try:
        collector.collect(pages)
    except (Interrupted, Stopped):
        result.interrupted = True
        log.warning(
            "run stopped: %d of %d pages stored, the rest left for the next run",
            len(collector.done),
            len(pages),
        )
    done = collector.done
    result.outcomes = [done[key] for key in ((s.id, p.key) for s, p in pages) if key in done]
    _raise_alerts(store, config, sources, result)
    store.finish_run(
        result.run_id,
        times.now() if now is None else now,
        "interrupted" if result.interrupted else "failed" if result.failed else "ok",
        len(sources),
        len({o.source.id for o in result.failed}),
        len(result.changes),
    )
    return result


@dataclass
class _Collector:
    """The pages of one run as they arrive: stored at once, or set aside for the browser."""

    config: Config
    store: Store
    archive: Archive
    started: str
    run_id: int
    stop: threading.Event | None
    done: dict[tuple[str, str], Outcome] = field(default_factory=dict)
    retries: list[_Retry] = field(default_factory=list)

    def collect(self, pages: Sequence[tuple[Source, Page]]) -> None:
        """Fetch every page, storing each as it arrives; then the browser's second chances.

        Fetching runs on a thread of its own (``fetch_in_background``); parsing,
        diffing and storing run here, in the thread that owns the database, so
        no fetch waits for them and no deadline passes while a big page is stored.
        """
        readers: dict[Request, list[tuple[Source, Page]]] = defaultdict(list)
        for source, page in pages:
            readers[request_for(page)].append((source, page))
        arrivals = fetch_in_background(
            readers, self.config.fetch, _validators(self.store, pages),
            browser=self.config.browser, stop=self.stop,
            labels=_labels((r, s) for r, pairs in readers.items() for s, _ in pairs),
        )  # fmt: skip
        for request, fetched in arrivals:
            self._check_stop()
            for source, page in readers[request]:
                self.arrived(source, page, request, fetched)
        self.fall_back()

    def arrived(self, source: Source, page: Page, request: Request, fetched: FetchResult) -> None:
        """Store a page as soon as it arrives, while slower sites are still answering."""
        try:
            reason = _fallback_reason(source, page, request, fetched)
        except Exception:  # a parser bug: store the page as it is, which reports it
            log.exception("source %s: unexpected error", source.id)
            reason = None
        if reason is None:
            self.keep(source, page, fetched)
        else:
            self.retries.append(_Retry(source, page, fetched, reason))

    def keep(self, source: Source, page: Page, fetched: FetchResult) -> None:
        policy = self.config.policy_for(source)
        record = _fetch_record(source, page, fetched, self.started, self.run_id)
        try:
            outcome = _from_fetch(self.store, self.archive, source, page, fetched, record, policy)
        except Exception as error:  # one page's trouble, even a bug, must not stop the others
            outcome = _internal(self.store, source, page, record, error)
        self.done[(source.id, page.key)] = outcome

    def fall_back(self) -> None:
        """Render the pages whose plain fetch failed them; without a browser, keep the plain result."""
        if not self.retries:
            return
        browser = self.config.browser
        if find_executable(browser.executable) is None:
            for retry in self.retries:
                log.warning(
                    "%s: no browser fallback (plain fetch %s): %s",
                    retry.source.id, retry.reason, install_hint(browser.executable),
                )  # fmt: skip
                self.keep(retry.source, retry.page, retry.plain)
            return
        waiting: dict[Request, list[_Retry]] = defaultdict(list)
        for retry in self.retries:
            log.info("%s: plain fetch %s; trying the browser", retry.source.id, retry.reason)
            waiting[request_for(retry.page, "browser")].append(retry)

        renders = fetch_in_background(
            waiting, self.config.fetch, {}, browser=browser, stop=self.stop,
            labels=_labels((r, x.source) for r, xs in waiting.items() for x in xs),
        )  # fmt: skip
        for request, fetched in renders:
            self._check_stop()
            for retry in waiting[request]:
                self.keep(retry.source, retry.page, _explained(fetched, retry.reason))

    def _check_stop(self) -> None:
        if self.stop is not None and self.stop.is_set():
            raise Interrupted


def _labels(readers: Iterable[tuple[Request, Source]]) -> dict[str, str]:
    """For log lines: each URL with the ids of the sources that read it."""
    ids: dict[str, dict[str, None]] = defaultdict(dict)
    for request, source in readers:
        for url in request.urls:
            ids[url][source.id] = None
    return {url: ", ".join(names) for url, names in ids.items()}


def _raise_alerts(
    store: Store, config: Config, sources: Sequence[Source], result: RunResult
) -> None:
    """A failing alert when a source reaches its failure limit; a suspect alert per held page."""
    for source in sources:
        if any(o.source.id == source.id and o.status == "failed" for o in result.outcomes):
            alert = _health_alert(store, source, config.alert_after)
            if alert:
                result.alerts.append((source.id, alert))
                Outbox(store).raise_alert(source.id, result.started_at, "failing", alert)
    for outcome in result.outcomes:
        if outcome.status == "suspect" and outcome.problem:
            Outbox(store).raise_alert(
                outcome.source.id, result.started_at, "suspect", outcome.problem
            )


def ingest(
    store: Store,
    archive: Archive,
    source: Source,
    content: bytes,
    observed_at: str,
    *,
    page: str = "",
    origin: str = "file",
    location: str | None = None,
    commit_id: str | None = None,
    policy: Policy = differ.DEFAULT_POLICY,
) -> Outcome:
    """Store a page body obtained elsewhere (a file, a git commit) as of ``observed_at``.

    ``page`` is the locale of one of the source's extra pages, or ``""`` for its
    main page. ``location`` (a file path, say) is recorded on the fetch row
    instead of the page's URL. Idempotent: the same body at the same time a
    second time changes nothing.
    """
    store.ensure_source(source.record())
    target = source.page(page)
    if store.has_fetch(source.id, archive.put(content), observed_at):
        return Outcome(source, "unchanged", entries=_count(store, source), page=page)
    fetch = FetchRecord(
        source.id,
        observed_at,
        location or target.url,
        origin,
        "new",
        page=page,
        commit_id=commit_id,
    )
    return process(store, archive, source, target, content, fetch, policy=policy)


def process(
    store: Store,
    archive: Archive,
    source: Source,
    page: Page,
    content: bytes,
    fetch: FetchRecord,
    *,
    policy: Policy,
) -> Outcome:
    """Archive, parse, diff and store one body of ``page``; ``fetch`` describes where it came from."""
    sha = archive.put(content)
    record = replace(fetch, outcome="new", sha256=sha, bytes=len(content), page=page.key)
    previous = store.last_good_fetch(source.id, page.key)
    if previous is not None and previous["sha256"] == sha:
        with store.transaction():
            store.add_fetch(replace(record, outcome="unchanged"))
        return Outcome(source, "unchanged", entries=_count(store, source), page=page.key)
    try:
        entries = parse_page(source, page, content, record.content_type)
    except parsers.ParseError as error:
        with store.transaction():
            store.add_fetch(
                replace(record, outcome="failed", error_kind="parse", error_message=str(error))
            )
        return Outcome(source, "failed", problem=str(error), page=page.key)
    with store.transaction():
        fetch_id = store.add_fetch(record)
        outcome = derive(store, source, page.key, fetch_id, record.fetched_at, entries, policy)
        if outcome.status == "unchanged":
            store.set_fetch_outcome(fetch_id, "unchanged")
    return outcome


def parse_page(
    source: Source, page: Page, content: bytes, content_type: str | None
) -> list[parsers.Entry]:
    """The entries a body of ``page`` holds; raises ``parsers.ParseError``.

    An extra locale's page speaks for that locale only; the main page speaks
    for every locale that has no page of its own.
    """
    where = f"source {source.id}" + (f" [{page.key}]" if page.key else "")
    entries = parsers.parse(
        source.parser,
        content,
        page.url,
        locale=page.locale,
        charset=_charset(content_type),
        where=where,
    )
    if page.key:
        return [e if e.locale == page.key else replace(e, locale=page.key) for e in entries]
    return [e for e in entries if e.locale not in source.locales]


def combine(
    store: Store, source: Source, page: str, entries: Sequence[parsers.Entry]
) -> tuple[list[parsers.Entry], list[parsers.Entry], list[parsers.Entry]]:
    """(the source's current entries, the page's part of them, the entries with that part replaced)."""
    current = store.current(source.id)
    order = [p.key for p in source.pages()]
    parts: dict[str, list[parsers.Entry]] = {key: [] for key in order}
    for entry in current:
        parts.setdefault(entry.locale if entry.locale in source.locales else "", []).append(entry)
    old_part = parts.get(page, [])
    parts[page] = list(entries)
    return current, old_part, [e for key in parts for e in parts[key]]


def derive(
    store: Store,
    source: Source,
    page: str,
    fetch_id: int,
    observed_at: str,
    entries: list[parsers.Entry],
    policy: Policy,
    accepted: Container[str] = (),
) -> Outcome:
    """Store the revision a parsed body of ``page`` makes, if any; call inside ``store.transaction()``.

    Same entries as the latest revision: nothing. Entries a person accepted
    before (their digest is in ``accepted``): applied as ``accepted``. A page
    that is unbelievable (no entries, or most of its codes gone): kept as
    ``suspect`` and not applied. Otherwise applied, with the changes from the
    current entries; the first applied revision of each page is its baseline and has none.
    """
    current, old_part, combined = combine(store, source, page, entries)
    latest = store.latest_revision(source.id)
    found = digest(combined)
    if latest is not None and latest.digest == found:
        return Outcome(source, "unchanged", entries=len(combined), page=page)
    reason = None if found in accepted else differ.suspicion(old_part, entries, policy.max_removed)
    baseline = not store.has_applied_revision(source.id, page)
    changes = [] if baseline or reason else _changes(source, current, combined, observed_at, policy)
    defects = differ.new_duplicates(current, combined)
    spec = parsers.get(source.parser)
    store.add_revision(
        source_id=source.id,
        fetch_id=fetch_id,
        observed_at=observed_at,
        parser=spec.name,
        parser_version=spec.version,
        entries=combined,
        status="suspect" if reason else "accepted" if found in accepted else "ok",
        reason=reason,
        changes=[c.to_dict() for c in changes],
        content_digest=found,
        defects=defects,
    )
    if reason:
        problem = f"held back as suspect: {reason} (errata accept {source.id} applies it)"
        return Outcome(
            source,
            "suspect",
            problem=problem,
            entries=len(entries),
            page=page,
            defects=tuple(defects),
        )
    status: Status = "baseline" if baseline else "changed"
    return Outcome(
        source, status, tuple(changes), entries=len(combined), page=page, defects=tuple(defects)
    )


def accept(store: Store, archive: Archive, source: Source, policy: Policy) -> Outcome:
    """Apply the source's latest revision, held back as suspect, because a person says it is real."""
    with store.transaction():
        latest = store.latest_revision(source.id)
        if latest is None or latest.status != "suspect":
            state = latest.status if latest else "none"
            raise StoreError(
                f"source {source.id!r} has no suspect revision to accept (its latest is {state})"
            )
        fetch = store.fetch(latest.fetch_id)
        page = source.page(fetch["page"])
        body = archive.get(fetch["sha256"])
        entries = parse_page(source, page, body, fetch["content_type"])
        current, _, combined = combine(store, source, page.key, entries)
        if digest(combined) != latest.digest:
            raise StoreError(
                f"source {source.id!r}: its suspect page reads differently with today's parser; "
                f"run errata reparse {source.id} first"
            )
        baseline = not store.has_applied_revision(source.id, page.key)
        changes = (
            [] if baseline else _changes(source, current, combined, latest.observed_at, policy)
        )
        store.accept_revision(latest, combined, [c.to_dict() for c in changes])
    return Outcome(
        source,
        "baseline" if baseline else "changed",
        tuple(changes),
        entries=len(combined),
        page=page.key,
    )


def _changes(
    source: Source,
    old: list[parsers.Entry],
    new: list[parsers.Entry],
    observed_at: str,
    policy: Policy,
) -> list[Change]:
    return differ.diff(
        old, new, policy, source=source.id, exchange=source.exchange, observed_at=observed_at
    )


def _fetch_record(
    source: Source, page: Page, fetched: FetchResult, at: str, run_id: int
) -> FetchRecord:
    """The fetch row of a fetched page, as a failure until its outcome is known."""
    return FetchRecord(
        source_id=source.id,
        fetched_at=at,
        url=fetched.url,
        origin="http",
        outcome="failed",
        page=page.key,
        run_id=run_id,
        http_status=fetched.status,
        strategy=fetched.strategy,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        content_type=fetched.content_type,
        elapsed_ms=fetched.elapsed_ms,
    )


def _internal(
    store: Store, source: Source, page: Page, record: FetchRecord, error: Exception
) -> Outcome:
    """An unexpected failure while storing a page (a full disk, an unwritable archive, a bug):
    recorded as a fetch row of kind ``internal`` with one line, so health and alerts count it."""
    line = " ".join(f"{type(error).__name__}: {error}".split())[:500]
    log.error("%s: internal error: %s", source.id, line)
    log.debug("%s: internal error", source.id, exc_info=error)
    try:
        with store.transaction():
            store.add_fetch(replace(record, error_kind="internal", error_message=line))
    except Exception as again:  # the store itself is failing: the run's exit status still tells
        log.error("%s: the failure could not be recorded either: %s", source.id, again)
    return Outcome(source, "failed", problem=f"internal error: {line}", page=page.key)


def _from_fetch(
    store: Store,
    archive: Archive,
    source: Source,
    page: Page,
    fetched: FetchResult,
    record: FetchRecord,
    policy: Policy,
) -> Outcome:
    if fetched.error is not None:
        error = fetched.error
        with store.transaction():
            store.add_fetch(replace(record, error_kind=error.kind, error_message=str(error)))
        return Outcome(
            source, "failed", problem=f"fetch failed ({error.kind}): {error}", page=page.key
        )
    if fetched.not_modified or fetched.body is None:
        with store.transaction():
            store.add_fetch(replace(record, outcome="not_modified"))
        return Outcome(source, "not_modified", entries=_count(store, source), page=page.key)
    return process(store, archive, source, page, fetched.body, record, policy=policy)


def _require_browser(config: Config, sources: Sequence[Source]) -> None:
    """Exit 2 before anything is written when a source needs a browser that is not installed."""
    needing = [s.id for s in sources if s.strategy == "browser"]
    if needing and find_executable(config.browser.executable) is None:
        hint = install_hint(config.browser.executable)
        raise BrowserMissing(f'source {needing[0]!r} has fetch = "browser", but {hint}')


def _fallback_reason(
    source: Source, page: Page, request: Request, fetched: FetchResult
) -> str | None:
    """Why this plain fetch should be retried in the browser, or None to keep it.

    Blocked by a challenge, or a body that reads no entries. The body is
    parsed here and again when stored: the price of a fallback source.
    """
    if source.fallback != "browser" or request.strategy == "browser":
        return None
    if fetched.error is not None:
        return f"blocked: {fetched.error}" if fetched.error.kind == "blocked" else None
    if fetched.body is None:
        return None  # not modified: what was read last time still stands
    try:
        entries = parse_page(source, page, fetched.body, fetched.content_type)
    except parsers.ParseError as error:
        return f"it reads nothing: {error}"
    return None if entries else "it reads no entries"


def _explained(fetched: FetchResult, reason: str) -> FetchResult:
    """A failed fallback says why the plain fetch was not kept either."""
    error = fetched.error
    if error is None:
        return fetched
    told = FetchError(error.kind, f"plain fetch {reason}; browser: {error}", error.status)
    return replace(fetched, error=told)


def _health_alert(store: Store, source: Source, alert_after: int) -> str | None:
    """An alert on the run where a source reaches ``alert_after`` failures in a row, not after."""
    health = store.health(source.id)
    if health["consecutive_failures"] != alert_after:
        return None
    since = f" since {health['last_success']}" if health["last_success"] else ""
    return (
        f"has failed {alert_after} runs in a row{since}; last error "
        f"({health['last_error_kind']}): {health['last_error']}"
    )


def _validators(store: Store, pages: Sequence[tuple[Source, Page]]) -> dict[str, Validators]:
    found: dict[str, Validators] = {}
    for source, page in pages:
        last = store.last_good_fetch(source.id, page.key)
        if last is not None and last["url"] in page.chain() and last["url"] not in found:
            found[last["url"]] = Validators(last["etag"], last["last_modified"])
    return found


def _count(store: Store, source: Source) -> int:
    return store.count_current(source.id)


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    message = Message()
    message["Content-Type"] = content_type
    charset = message.get_param("charset")
    return charset if isinstance(charset, str) else None
