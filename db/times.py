"""Timestamps as stored: UTC, second precision, ``YYYY-MM-DDTHH:MM:SSZ``.

One fixed-width format means text comparison is time comparison, so "as of"
queries are plain indexed string comparisons in SQLite and in Datasette.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

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


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
MAX_DURATION = timedelta(days=36525)  # a century: longer is a typo, and overflows dates


def is_duration(text: str) -> bool:
    """Whether ``text`` is shaped like a duration (``36h``), whatever its size."""
    return _DURATION.match(text.lower()) is not None


def parse_duration(text: str) -> timedelta:
    """``90m``, ``36h``, ``7d``, ``2w`` (or seconds: ``3600s``); ValueError otherwise."""
    match = _DURATION.match(text.lower())
    if not match:
        raise ValueError(f"not a duration like 36h, 7d or 90m: {text!r}")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"{text!r} is longer than {MAX_DURATION.days} days")
    return timedelta(seconds=seconds)
