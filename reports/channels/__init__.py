"""Delivery channels by name (``channel = "slack"`` in a ``[[notify]]`` block)."""

from reports.channels import files, mail, slack, stdout, webhook
from reports.channels.base import (
    Channel,
    ChannelSpec,
    Context,
    DeliveryError,
    SourceState,
    names,
    spec,
)

__all__ = ["Channel", "ChannelSpec", "Context", "DeliveryError", "SourceState", "names", "spec"]

_REGISTERED = (files, mail, slack, stdout, webhook)  # importing them registers the channels
