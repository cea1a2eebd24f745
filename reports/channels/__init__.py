"""Delivery channels by name (``channel = "slack"`` in a ``[[notify]]`` block).

Each channel module registers itself with ``base.channel``; they are imported
the first time a channel is looked up (``spec``, ``names``).
"""

from errata.errors import DeliveryError
from errata.reports.channels.base import Channel, ChannelSpec, Context, SourceState, names, spec

__all__ = ["Channel", "ChannelSpec", "Context", "DeliveryError", "SourceState", "names", "spec"]
