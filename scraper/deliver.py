"""Deliver what each ``[[notify]]`` route is owed, with retries, exactly once per change.

Runs after ``errata run`` (and on demand): for each route, the changes and
alerts it has not been sent yet are gathered from the store, filtered by
the route, and sent when the route is due (every run, or once per digest
period). A transient failure is retried with exponential backoff; if the
channel still fails, nothing is marked sent and the next run tries again.
Errors are recorded and logged with every configured secret blanked out.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from errata.db import links, times
from errata.db.outbox import Outbox
from errata.db.store import Store
from errata.differ import Change, category
from errata.differ import spec as kind_spec
from errata.errors import DeliveryError
from errata.reports import Link, Problem, Report
from errata.reports.channels import Channel, Context, SourceState, spec
from errata.reports.model import Linker, message_of
from errata.reports.routes import Route
from errata.reports.snapshot import SourceInfo
from errata.scraper.config import Config

log = logging.getLogger("errata")
MAX_WAIT = 60.0


@dataclass(frozen=True, slots=True)
class Delivery:
    route: str
    kind: str
    items: int
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def deliver(
    store: Store,
    config: Config,
    *,
    now: str | None = None,
    since: str | None = None,
    problems: Sequence[Problem] = (),
    env: Mapping[str, str] | None = None,
) -> list[Delivery]:
    """Send every route what it is owed; ``since`` starts new routes (default: now)."""
    now = now or times.now()
    env = os.environ if env is None else env
    outbox = Outbox(store)
    done = []
    for route in config.routes:
        row = outbox.register(route.name, route.channel, since or now)
        delivery = _deliver_route(store, config, outbox, route, row, now, problems, env)
        if delivery is not None:
            done.append(delivery)
    return done


def _deliver_route(
    store: Store,
    config: Config,
    outbox: Outbox,
    route: Route,
    row: Mapping[str, str | None],
    now: str,
    problems: Sequence[Problem],
    env: Mapping[str, str],
) -> Delivery | None:
    since = str(row["since"])
    changes = [c for c in outbox.pending_changes(route.name, since) if route.wants(c)]
    alerts = [
        a for a in outbox.pending_alerts(route.name, since) if route.health and route.covers(a["source_id"], a["exchange"])
    ]  # fmt: skip
    last = row["last_digest_at"]
    due = route.due(times.to_datetime(last) if last else None, times.to_datetime(now))
    digest = route.mode == "digest"
    if not due:
        changes = []  # a digest collects changes until its period ends; alerts go at once
    heartbeat = route.heartbeat or spec(route.channel).every_run
    if not (changes or alerts or (due and heartbeat)):
        if due and digest:
            outbox.close_digest(route.name, now)
        return None
    kind = "alert" if not changes and alerts else ("digest" if digest else "changes")
    if not changes and not alerts:
        kind = "heartbeat"
    title = f"errata {route.digest} digest" if digest and due else "errata"
    report = Report(
        changes,
        problems=problems,
        title=title,
        alerts=[Problem(a["source_id"], a["message"]) for a in alerts],
        generated_at=now,
        links=linker(config.datasette_url),
        categories=categorizer(config),
        pages=links.Pages(config.datasette_url) if config.datasette_url else None,
    )
    delivery_id = _delivery_id(route.name, changes, [a["id"] for a in alerts], kind, now)
    context = Context(
        history=lambda: [Change.from_dict(c) for c in store.changes()],
        sources=lambda: source_states(store, config),
        kind=kind,
        delivery_id=delivery_id,
    )
    error = send(route, report, context, env)
    outbox.record(
        route.name,
        now,
        kind,
        changes,
        [a["id"] for a in alerts],
        error=error,
        digest=digest and due,
    )
    if error:
        log.error(
            "notify %s: %s; %d item(s) stay pending for the next run",
            route.name,
            error,
            len(changes) + len(alerts),
        )
    else:
        log.info(
            "notify %s: sent %s (%d change(s), %d alert(s))",
            route.name,
            kind,
            len(changes),
            len(alerts),
        )
    return Delivery(route.name, kind, len(changes) + len(alerts), error)


def send(route: Route, report: Report, context: Context, env: Mapping[str, str]) -> str | None:
    """Send with retries; the error (secrets blanked) if it never got through."""
    try:
        channel: Channel = spec(route.channel).build(route.settings, env)
        for attempt in range(route.retries + 1):
            try:
                channel.send(report, context)
                return None
            except DeliveryError as error:
                if not error.transient or attempt == route.retries:
                    raise
                wait = min(MAX_WAIT, error.retry_after or route.backoff * 2**attempt)
                log.warning(
                    "notify %s: %s; retrying in %.1f s",
                    route.name,
                    redact(str(error), route, env),
                    wait,
                )
                time.sleep(wait)
    except DeliveryError as error:
        return redact(str(error), route, env)
    return None  # pragma: no cover - the loop returns or raises


def redact(text: str, route: Route, env: Mapping[str, str]) -> str:
    """``text`` with the value of every secret this route names blanked out."""
    for key in spec(route.channel).secrets:
        value = env.get(str(route.settings.get(key, "")), "")
        if len(value) >= 4:
            text = text.replace(value, "***")
    return text


def linker(base_url: str | None) -> Linker | None:
    if not base_url:
        return None
    base: str = base_url

    def links_for(change: Change) -> list[Link]:
        found = [
            Link(
                "view in Datasette",
                links.change_url(base, change.change_id, change.observed_at or ""),
            )
        ]
        if kind_spec(change.kind).names_code:  # a renamed heading has no code to trace
            history = links.code_history_url(base, change.source or "", change.code)
            found.append(Link("code history", history))
        return found

    return links_for


def categorizer(config: Config) -> Callable[[Change], str]:
    """The category of a change's code, by its current (or, if removed, last) message."""
    overrides = {source.id: source.categories for source in config.sources}

    def category_of(change: Change) -> str:
        message = message_of(change)
        return category.categorize(
            change.new_code or change.code, message or "", exchange=change.exchange or "",
            overrides=overrides.get(change.source or ""),
        )  # fmt: skip

    return category_of


def source_states(store: Store, config: Config) -> list[SourceState]:
    """Every configured source's current entries, one state per locale page."""
    states = []
    for source in config.sources:
        entries = store.current(source.id)
        info = SourceInfo(source.id, source.exchange, source.url, source.api, source.title)
        for locale in dict.fromkeys([source.locale, *(e.locale for e in entries)]):
            mine = [e for e in entries if e.locale == locale]
            states.append(
                SourceState(
                    info, locale, source.locale, mine, _updated_at(store, source.id, locale)
                )
            )
    return states


def _updated_at(store: Store, source_id: str, locale: str) -> str | None:
    """When this page's entries last changed: deterministic, unlike the time of the last fetch."""
    row = store.db.execute(
        "SELECT max(max(valid_from), coalesce(max(valid_to), '')) FROM entry_versions "
        "WHERE source_id = ? AND locale = ?",
        [source_id, locale],
    ).fetchone()
    return row[0] or None


def _delivery_id(
    route: str, changes: Sequence[Change], alerts: Sequence[int], kind: str, now: str
) -> str:
    key = [route, kind, *(f"{c.change_id}@{c.observed_at}" for c in changes), *map(str, alerts)]
    if kind == "heartbeat":
        key.append(now)
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "errata-delivery:" + "|".join(key)))
