"""Delivery channels by name (``channel = "slack"`` in a ``[[notify]]`` block)."""

from errata.errors import DeliveryError
from errata.reports.channels import apprise, files, mail, slack, stdout, webhook
from errata.reports.channels.base import Channel, ChannelSpec, Context, SourceState, names, spec

__all__ = ["Channel", "ChannelSpec", "Context", "DeliveryError", "SourceState", "names", "spec"]

_REGISTERED = (
    apprise,
    files,
    mail,
    slack,
    stdout,
    webhook,
)  # importing them registers the channels
