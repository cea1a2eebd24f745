"""The run pipeline: fetch, archive, parse, diff and store each source.

Each source is handled on its own and committed in one transaction with its
fetch row, so a failing source never stops the others and a crash never
leaves half a revision. What can go wrong becomes a fetch row with an error
kind and an ``Outcome`` with status ``failed``; it never becomes a change.
"""

from __future__ import annotations

import logging
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass, field, replace
from email.message import Message
from typing import Literal

import differ
import parsers
from db import times
from db.store import FetchRecord, Store, digest
from differ import Change, Policy
from scraper.archive import Archive
from scraper.config import Config, Source
from scraper.fetch import FetchResult, Validators, fetch_all

log = logging.getLogger("errata")

Status = Literal["baseline", "changed", "unchanged", "not_modified", "suspect", "failed"]


@dataclass(frozen=True, slots=True)
class Outcome:
    source: Source
    status: Status
    changes: tuple[Change, ...] = ()
    problem: str | None = None  # one line: why it failed or is suspect
    entries: int = 0


@dataclass(slots=True)
class RunResult:
    started_at: str
    run_id: int
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def changes(self) -> list[Change]:
        return [c for o in self.outcomes for c in o.changes]

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "failed"]


def run(
    config: Config,
    store: Store,
    archive: Archive,
    *,
    only: Sequence[str] = (),
    policy: Policy = differ.DEFAULT_POLICY,
    now: str | None = None,
) -> RunResult:
    """Fetch every enabled source (or ``only`` these) and store what changed."""
    sources = [config.source(i) for i in only] if only else config.enabled()
    store.sync_sources(s.record() for s in config.sources)
    started = now or times.now()
    result = RunResult(started_at=started, run_id=store.start_run(started))
    fetched = fetch_all((s.wire_url for s in sources), config.fetch, _validators(store, sources))
    for source in sources:
        try:
            outcome = _from_fetch(
                store, archive, source, fetched[source.wire_url], started, result.run_id, policy
            )
        except Exception as error:  # one source's trouble, even a bug, must not stop the others
            log.exception("source %s: unexpected error", source.id)
            outcome = Outcome(
                source, "failed", problem=f"internal error: {type(error).__name__}: {error}"
            )
        result.outcomes.append(outcome)
    store.finish_run(
        result.run_id,
        times.now() if now is None else now,
        "failed" if result.failed else "ok",
        len(sources),
        len(result.failed),
        len(result.changes),
    )
    return result


def ingest(
    store: Store,
    archive: Archive,
    source: Source,
    content: bytes,
    observed_at: str,
    *,
    origin: str = "file",
    location: str | None = None,
    commit_id: str | None = None,
    policy: Policy = differ.DEFAULT_POLICY,
) -> Outcome:
    """Store a page body obtained elsewhere (a file, a git commit) as of ``observed_at``.

    ``location`` (a file path, say) is recorded on the fetch row instead of the
    source's URL. Idempotent: the same body at the same time a second time
    changes nothing.
    """
    store.ensure_source(source.record())
    if store.has_fetch(source.id, archive.put(content), observed_at):
        return Outcome(source, "unchanged", entries=_count(store, source))
    fetch = FetchRecord(
        source.id, observed_at, location or source.url, origin, "new", commit_id=commit_id
    )
    return process(store, archive, source, content, fetch, policy=policy)


def process(
    store: Store,
    archive: Archive,
    source: Source,
    content: bytes,
    fetch: FetchRecord,
    *,
    policy: Policy,
) -> Outcome:
    """Archive, parse, diff and store one body; ``fetch`` describes where it came from."""
    sha = archive.put(content)
    record = replace(fetch, outcome="new", sha256=sha, bytes=len(content))
    previous = store.last_good_fetch(source.id)
    if previous is not None and previous["sha256"] == sha:
        with store.transaction():
            store.add_fetch(replace(record, outcome="unchanged"))
        return Outcome(source, "unchanged", entries=_count(store, source))
    try:
        entries = parse_body(source, content, record.content_type)
    except parsers.ParseError as error:
        with store.transaction():
            store.add_fetch(
                replace(record, outcome="failed", error_kind="parse", error_message=str(error))
            )
        return Outcome(source, "failed", problem=str(error))
    with store.transaction():
        fetch_id = store.add_fetch(record)
        outcome = derive(store, source, fetch_id, record.fetched_at, entries, policy)
        if outcome.status == "unchanged":
            store.set_fetch_outcome(fetch_id, "unchanged")
    return outcome


def parse_body(source: Source, content: bytes, content_type: str | None) -> list[parsers.Entry]:
    """The source's entries in a body; raises ``parsers.ParseError``."""
    return parsers.parse(
        source.parser,
        content,
        source.url,
        locale=source.locale,
        charset=_charset(content_type),
        where=f"source {source.id}",
    )


def derive(
    store: Store,
    source: Source,
    fetch_id: int,
    observed_at: str,
    entries: list[parsers.Entry],
    policy: Policy,
    accepted: Container[str] = (),
) -> Outcome:
    """Store the revision a parsed body makes, if any; call inside ``store.transaction()``.

    Same entries as the latest revision: nothing. Entries a person accepted
    before (their digest is in ``accepted``): applied as ``accepted``.
    Unbelievable entries (none, or most codes gone): kept as ``suspect`` and not
    applied. Otherwise applied, with the changes from the current entries; the
    first revision of a source is its baseline and has none.
    """
    latest = store.latest_revision(source.id)
    found = digest(entries)
    if latest is not None and latest.digest == found:
        return Outcome(source, "unchanged", entries=len(entries))
    old = store.current(source.id)
    reason = None if found in accepted else differ.suspicion(old, entries)
    changes: list[Change] = []
    if latest is not None and reason is None:
        changes = [
            replace(c, source=source.id, exchange=source.exchange, observed_at=observed_at)
            for c in differ.diff(old, entries, policy)
        ]
    spec = parsers.get(source.parser)
    store.add_revision(
        source_id=source.id,
        fetch_id=fetch_id,
        observed_at=observed_at,
        parser=spec.name,
        parser_version=spec.version,
        entries=entries,
        status="suspect" if reason else "accepted" if found in accepted else "ok",
        reason=reason,
        changes=[{**c.to_dict(), "change_id": c.change_id} for c in changes],
    )
    if reason:
        return Outcome(
            source, "suspect", problem=f"held back as suspect: {reason}", entries=len(entries)
        )
    return Outcome(
        source, "baseline" if latest is None else "changed", tuple(changes), entries=len(entries)
    )


def _from_fetch(
    store: Store,
    archive: Archive,
    source: Source,
    fetched: FetchResult,
    at: str,
    run_id: int,
    policy: Policy,
) -> Outcome:
    record = FetchRecord(
        source_id=source.id,
        fetched_at=at,
        url=fetched.url,
        origin="http",
        outcome="failed",
        run_id=run_id,
        http_status=fetched.status,
        etag=fetched.etag,
        last_modified=fetched.last_modified,
        content_type=fetched.content_type,
        elapsed_ms=fetched.elapsed_ms,
    )
    if fetched.error is not None:
        error = fetched.error
        with store.transaction():
            store.add_fetch(replace(record, error_kind=error.kind, error_message=str(error)))
        return Outcome(source, "failed", problem=f"fetch failed ({error.kind}): {error}")
    if fetched.not_modified or fetched.body is None:
        with store.transaction():
            store.add_fetch(replace(record, outcome="not_modified"))
        return Outcome(source, "not_modified", entries=_count(store, source))
    return process(store, archive, source, fetched.body, record, policy=policy)


def _validators(store: Store, sources: Iterable[Source]) -> dict[str, Validators]:
    found: dict[str, Validators] = {}
    for source in sources:
        last = store.last_good_fetch(source.id)
        if last is not None and last["url"] == source.wire_url and source.wire_url not in found:
            found[source.wire_url] = Validators(last["etag"], last["last_modified"])
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
