"""Where a redirect leads: from the public internet into a private network is refused.

errata fetches public documentation. A docs page (or whoever controls it)
that answers with a redirect to ``169.254.169.254`` (a cloud's metadata
service), ``127.0.0.1`` or ``10.x`` would make errata fetch a page of the
network it runs in and archive it. So a redirect from a host whose every
address is public to a host with any loopback, private, link-local or
otherwise non-global address is refused (fetch error kind ``redirect``),
unless ``[fetch] allow_private_redirects = true``. A private origin may
redirect anywhere: a page served on loopback or an intranet is already
inside, so the rule takes nothing from it.

Names are resolved with the system resolver, in a thread, when a redirect
arrives; a name that does not resolve is left to the connection, which then
fails on its own.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv6Address, ip_address

import httpx

Address = IPv4Address | IPv6Address


class InwardRedirect(Exception):
    """A redirect from a public host to a private address; the message names both hosts."""


def is_public(address: Address) -> bool:
    """Globally routable; an IPv4 address mapped into IPv6 is judged as itself."""
    if isinstance(address, IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global


def leads_inward(origin: Sequence[Address], target: Sequence[Address]) -> bool:
    """Whether going from ``origin``'s addresses to ``target``'s crosses from public to private."""
    return (
        bool(origin and target) and all(map(is_public, origin)) and not all(map(is_public, target))
    )


async def resolve(host: str) -> list[Address]:
    """The addresses ``host`` stands for (a literal stands for itself); none if it does not resolve."""
    try:
        return [ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        found = await asyncio.get_running_loop().getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return [ip_address(str(info[4][0]).split("%")[0]) for info in found]


async def refuse_inward_redirect(response: httpx.Response) -> None:
    """httpx response hook: raise ``InwardRedirect`` before a public host's redirect is followed."""
    if not response.has_redirect_location:
        return
    origin = response.request.url
    target = origin.join(response.headers["Location"])
    if not target.host or target.host == origin.host:
        return
    if leads_inward(await resolve(origin.host), await resolve(target.host)):
        raise InwardRedirect(
            f"{origin.host} (public) redirected to {target.host}, a private, loopback or "
            "link-local address (set [fetch] allow_private_redirects = true to follow it)"
        )
