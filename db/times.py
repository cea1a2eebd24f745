"""Timestamps as stored: UTC, second precision, ``YYYY-MM-DDTHH:MM:SSZ``.

One fixed-width format means text comparison is time comparison, so "as of"
queries are plain indexed string comparisons in SQLite and in Datasette.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def now() -> str:
    return format_time(datetime.now(UTC))


def format_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime(FORMAT)


def parse_time(text: str) -> str:
    """Any ISO 8601 date or time (naive means UTC) in the stored format; ValueError if not one."""
    value = text.strip()
    try:
        if len(value) == 10:
            return format_time(datetime.combine(date.fromisoformat(value), datetime.min.time()))
        return format_time(datetime.fromisoformat(value.replace(" ", "T", 1)))
    except ValueError:
        raise ValueError(f"not an ISO 8601 time: {text!r}") from None


def to_datetime(stored: str) -> datetime:
    return datetime.strptime(stored, FORMAT).replace(tzinfo=UTC)
