"""``errata reparse``: re-derive a source's history from its archived bodies.

Parsers improve; the archive keeps every body ever fetched, so a source's
revisions, entry versions and changes can be rebuilt with today's parsers.
It happens in one transaction: a missing archive body or any error leaves the
stored history exactly as it was, and so does a body that was read before but
that today's parser cannot read (a parser regression must not erase
history). The result says what came out differently, or why the source was
skipped (a missing or corrupt body), so the next source can go on.
"""

from __future__ import annotations

from dataclasses import dataclass

from errata import differ, parsers
from errata.db.store import Store
from errata.differ import Change, Policy
from errata.errors import ArchiveError
from errata.scraper.archive import Archive
from errata.scraper.config import Source
from errata.scraper.pipeline import derive, parse_page


@dataclass(frozen=True, slots=True)
class Reparsed:
    source: Source
    revisions_before: int
    revisions_after: int
    added: tuple[Change, ...]  # changes found now that were not stored before
    removed: tuple[Change, ...]  # stored changes that are no longer found
    parse_errors: tuple[str, ...]  # bodies today's parser cannot read
    refused: bool = False  # some of them were read before: nothing was changed
    skipped: str | None = None  # an archived body is missing or corrupt: nothing was changed

    @property
    def differs(self) -> bool:
        return bool(self.added or self.removed or self.revisions_before != self.revisions_after)


class _Regression(Exception):
    """Today's parser cannot read bodies an earlier one could: undo the whole rebuild."""


def reparse(
    store: Store, archive: Archive, source: Source, policy: Policy = differ.DEFAULT_POLICY
) -> Reparsed:
    try:
        return _rebuild(store, archive, source, policy)
    except _Regression as regression:
        errors = tuple(regression.args[0])
        count = store.revision_count(source.id)
        return Reparsed(source, count, count, (), (), errors, refused=True)
    except ArchiveError as error:  # rolled back: the source stays exactly as it was
        count = store.revision_count(source.id)
        return Reparsed(source, count, count, (), (), (), skipped=str(error))


def _rebuild(store: Store, archive: Archive, source: Source, policy: Policy) -> Reparsed:
    with store.transaction():
        before = _changes(store, source)
        revisions_before = store.revision_count(source.id)
        accepted = store.accepted_digests(source.id)
        store.clear_derived(source.id)
        errors: list[str] = []
        regressions: list[str] = []
        previous_sha: dict[str, str] = {}  # per page
        for body in store.bodies(source.id):
            page = source.page(body["page"])
            if body["sha256"] == previous_sha.get(page.key):
                store.set_fetch_outcome(body["id"], "unchanged")
                continue
            content = archive.get(body["sha256"])  # ArchiveError: rolls everything back
            try:
                entries = parse_page(source, page, content, body["content_type"])
            except parsers.ParseError as error:
                store.set_fetch_outcome(body["id"], "failed", "parse", str(error))
                errors.append(f"{body['fetched_at']}: {error}")
                if body["error_kind"] is None:
                    regressions.append(errors[-1])
                continue
            previous_sha[page.key] = body["sha256"]
            outcome = derive(
                store, source, page.key, body["id"], body["fetched_at"], entries, policy, accepted
            )
            store.set_fetch_outcome(
                body["id"], "unchanged" if outcome.status == "unchanged" else "new"
            )
        if regressions:
            raise _Regression(regressions)  # rolls the transaction back
        after = _changes(store, source)
        revisions_after = store.revision_count(source.id)
    return Reparsed(
        source,
        revisions_before,
        revisions_after,
        tuple(c for key, c in after.items() if key not in before),
        tuple(c for key, c in before.items() if key not in after),
        tuple(errors),
    )


def _changes(store: Store, source: Source) -> dict[tuple[str | None, str], Change]:
    changes = (Change.from_dict(row) for row in store.changes(source=source.id))
    return {(c.observed_at, c.change_id): c for c in changes}
