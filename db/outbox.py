"""Delivery bookkeeping: which changes and alerts each notify channel still owes.

A channel starts owing from the moment it is first configured (``since``),
so adding Slack to an old database does not replay years of history. A
change is owed until a delivery row says it was sent; rows are written only
after the channel accepted the message, in the same transaction as the
attempt's log row. Each message of a delivery is also marked sent the moment
its channel accepts it (``mark_part``), so a delivery cut short (a crash, a
kill) resends only what was not accepted when the same delivery is retried.
Only a crash in the instant between a channel's acceptance and that mark can
repeat a message; nothing can be lost: delivery is at least once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from errata.db.store import CHANGE_SELECT, Store
from errata.differ import Change


class Outbox:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.db = store.db

    def register(self, name: str, channel: str, since: str) -> dict[str, Any]:
        """The channel's row, created at its first appearance."""
        with self.store.transaction():
            rows = list(self.db.query("SELECT * FROM channels WHERE name = ?", [name]))
            if rows:
                if rows[0]["channel"] != channel:
                    self.db.execute(
                        "UPDATE channels SET channel = ? WHERE name = ?", [channel, name]
                    )
                return {**rows[0], "channel": channel}
            row = {"name": name, "channel": channel, "since": since, "last_digest_at": since}
            self.db.table("channels").insert(row)
            return {**row, "last_sent_at": None}

    def raise_alert(self, source_id: str, raised_at: str, kind: str, message: str) -> int:
        with self.store.transaction():
            table = self.db.table("alerts")
            table.insert(
                {"source_id": source_id, "raised_at": raised_at, "kind": kind, "message": message}
            )
            return int(table.last_pk)  # type: ignore[arg-type]

    def pending_changes(self, name: str, since: str) -> list[Change]:
        rows = self.db.query(
            f"{CHANGE_SELECT} WHERE c.observed_at >= ? AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.channel = ? "
            "AND d.change_id = c.change_id AND d.observed_at = c.observed_at) ORDER BY c.observed_at, c.id",
            [since, name],
        )
        return list(dict.fromkeys(Change.from_dict(row) for row in rows))  # same change twice: once

    def pending_alerts(self, name: str, since: str) -> list[dict[str, Any]]:
        return list(
            self.db.query(
                "SELECT a.*, s.exchange FROM alerts a JOIN sources s ON s.id = a.source_id "
                "WHERE a.raised_at >= ? AND NOT EXISTS (SELECT 1 FROM deliveries d "
                "WHERE d.channel = ? AND d.alert_id = a.id) ORDER BY a.id",
                [since, name],
            )
        )

    def record(
        self,
        name: str,
        at: str,
        kind: str,
        changes: Sequence[Change] = (),
        alert_ids: Iterable[int] = (),
        *,
        error: str | None = None,
        digest: bool = False,
        delivery_id: str = "",
    ) -> None:
        """Log one attempt; if it succeeded, mark what it carried as sent (and forget its parts)."""
        alert_ids = list(alert_ids)
        with self.store.transaction():
            self.db.table("delivery_attempts").insert(
                {"channel": name, "attempted_at": at, "kind": kind, "items": len(changes) + len(alert_ids),
                 "ok": int(error is None), "error": error}
            )  # fmt: skip
            if error is not None:
                return
            self.db.table("deliveries").insert_all(
                [{"channel": name, "change_id": c.change_id, "observed_at": c.observed_at, "sent_at": at}
                 for c in changes]
                + [{"channel": name, "alert_id": a, "sent_at": at} for a in alert_ids],
                ignore=True,
            )  # fmt: skip
            self.db.execute(
                "DELETE FROM delivery_parts WHERE channel = ? AND delivery_id = ?",
                [name, delivery_id],
            )
            sets = "last_sent_at = ?" + (", last_digest_at = ?" if digest else "")
            self.db.execute(
                f"UPDATE channels SET {sets} WHERE name = ?", [at, *([at] if digest else []), name]
            )

    def sent_parts(self, name: str, delivery_id: str) -> set[int]:
        """The messages of this delivery its channel already accepted."""
        rows = self.db.execute(
            "SELECT part FROM delivery_parts WHERE channel = ? AND delivery_id = ?",
            [name, delivery_id],
        )
        return {int(part) for (part,) in rows}

    def mark_part(self, name: str, delivery_id: str, part: int, at: str) -> None:
        """Committed at once: the channel accepted this message of the delivery."""
        with self.store.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO delivery_parts (channel, delivery_id, part, sent_at) "
                "VALUES (?, ?, ?, ?)",
                [name, delivery_id, part, at],
            )

    def close_digest(self, name: str, at: str) -> None:
        """A digest period passed with nothing to send: start the next one."""
        with self.store.transaction():
            self.db.execute("UPDATE channels SET last_digest_at = ? WHERE name = ?", [at, name])
