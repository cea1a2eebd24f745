"""Deliver what each ``[[notify]]`` route is owed, with retries, at least once per change.

Runs after ``errata run`` (and on demand): for each route, the changes and
alerts it has not been sent yet are gathered from the store, filtered by
the route, and sent when the route is due (every run, or once per digest
period). A transient failure (a timeout, 5xx, 429, SMTP 4xx) is retried with
exponential backoff by stamina, as the fetcher does; a permanent one (a 4xx,
SMTP 5xx, a host that does not resolve, a URL that cannot work) is reported
once and not retried. Either way nothing is marked sent and the next run
tries again. Each message is marked sent the moment its channel accepts it,
so a delivery cut short resends only what did not get through. One route's
trouble, even a bug, never stops the others. Errors are recorded and logged
with every configured secret blanked out.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import stamina
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from errata.db import links, times
from errata.db.outbox import Outbox
from errata.db.store import Store
from errata.differ import Change, category
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
        try:
            row = outbox.register(route.name, route.channel, since or now)
            delivery = _deliver_route(store, config, outbox, route, row, now, problems, env)
        except Exception as error:  # a bug in one route must not silence the others
            why = redact(f"internal error: {type(error).__name__}: {error}", route, env)
            log.error("notify %s: %s; what it is owed stays pending", route.name, why)
            delivery = Delivery(route.name, "error", 0, why)
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
        a for a in outbox.pending_alerts(route.name, since) if route.hears_of(a["source_id"], a["exchange"])
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
    kind = _kind(changes, alerts, digest)
    report = Report(
        changes,
        problems=route_problems(route, problems, config),
        title=f"errata {route.digest} digest" if digest and due else "errata",
        alerts=[Problem(a["source_id"], a["message"]) for a in alerts],
        generated_at=now,
        links=linker(config.datasette_url),
        categories=categorizer(config),
    )
    alert_ids = [a["id"] for a in alerts]
    delivery_id = _delivery_id(route.name, changes, alert_ids, kind, now)
    context = _context(store, config, outbox, route.name, kind, delivery_id)
    error = send(route, report, context, env)
    outbox.record(
        route.name, now, kind, changes, alert_ids,
        error=error, digest=digest and due, delivery_id=delivery_id,
    )  # fmt: skip
    _log_delivery(route.name, kind, len(changes), len(alerts), error)
    return Delivery(route.name, kind, len(changes) + len(alerts), error)


def _kind(changes: Sequence[Change], alerts: Sequence[Any], digest: bool) -> str:
    if not changes:
        return "alert" if alerts else "heartbeat"
    return "digest" if digest else "changes"


def _context(
    store: Store, config: Config, outbox: Outbox, route: str, kind: str, delivery_id: str
) -> Context:
    """What a channel gets besides the report; each message it sends is marked as accepted."""
    return Context(
        history=lambda: [Change.from_dict(c) for c in store.changes()],
        sources=lambda: source_states(store, config),
        kind=kind,
        delivery_id=delivery_id,
        already_sent=lambda part: part in outbox.sent_parts(route, delivery_id),
        mark_sent=lambda part: outbox.mark_part(route, delivery_id, part, times.now()),
    )


def _log_delivery(route: str, kind: str, changes: int, alerts: int, error: str | None) -> None:
    if error:
        log.error(
            "notify %s: %s; %d item(s) stay pending for the next run",
            route, error, changes + alerts,
        )  # fmt: skip
    else:
        log.info("notify %s: sent %s (%d change(s), %d alert(s))", route, kind, changes, alerts)


class _Transient(Exception):
    """A transient DeliveryError on its way to stamina, with what the retry's log line says."""

    def __init__(self, error: DeliveryError, route: Route, shown: str) -> None:
        super().__init__(shown)
        self.error = error
        self.route = route
        self.shown = shown  # the error with the route's secrets blanked out


def send(route: Route, report: Report, context: Context, env: Mapping[str, str]) -> str | None:
    """Send, retrying transient failures; the error (secrets blanked) if it never got through."""
    set_on_retry_hooks([_log_retry])  # one line of ours per retry, instead of stamina's
    try:
        channel: Channel = spec(route.channel).build(route.settings, env)
        for attempt in stamina.retry_context(
            on=_retry_wait, attempts=route.retries + 1, timeout=None,
            wait_initial=route.backoff, wait_max=MAX_WAIT, wait_jitter=0.0, wait_exp_base=2.0,
        ):  # fmt: skip
            with attempt:
                _attempt(channel, report, context, route, env)
    except _Transient as transient:
        return transient.shown
    except DeliveryError as error:  # permanent: not retried, reported once by the caller
        return redact(str(error), route, env)
    except Exception as error:  # a channel's bug: this delivery failed, the next run tries again
        return redact(f"internal error: {type(error).__name__}: {error}", route, env)
    return None


def _attempt(
    channel: Channel, report: Report, context: Context, route: Route, env: Mapping[str, str]
) -> None:
    try:
        channel.send(report, context)
    except DeliveryError as error:
        if error.transient:
            raise _Transient(error, route, redact(str(error), route, env)) from None
        raise


def _retry_wait(error: Exception) -> bool | float:
    """stamina's backoff hook: retry transient failures, after Retry-After when one was given."""
    if not isinstance(error, _Transient):
        return False
    asked = error.error.retry_after
    return True if asked is None else min(max(asked, 0.0), MAX_WAIT)


def _log_retry(details: RetryDetails) -> None:
    cause = details.caused_by
    if isinstance(cause, _Transient):
        log.warning(
            "notify %s: %s; retry %d of %d in %.1f s",
            cause.route.name, cause.shown, details.retry_num, cause.route.retries, details.wait_for,
        )  # fmt: skip


def route_problems(route: Route, problems: Sequence[Problem], config: Config) -> list[Problem]:
    """The run's problems with the sources this route covers, unless it opted out."""
    exchanges = {source.id: source.exchange for source in config.sources}
    mine = []
    for problem in problems:
        source = problem.source.split(" [")[0]  # "okx-ws [zh]": a page of okx-ws
        if route.hears_of(source, exchanges.get(source, "")):
            mine.append(problem)
    return mine


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
        return [
            Link(
                "view in Datasette",
                links.change_url(base, change.change_id, change.observed_at or ""),
            ),
            Link("code history", links.code_history_url(base, change.source or "", change.code)),
        ]

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
