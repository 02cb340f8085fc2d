"""The client's address, the one function every part of Taut asks (audit, lockout, rate limits).

Behind a reverse proxy every request arrives from the proxy, so `REMOTE_ADDR` alone would make all
clients one. The proxy tells who its client was in `X-Forwarded-For`, but a client can write that
header too. So the header is believed only as far as it was written by proxies this server trusts
(setting `TAUT_TRUSTED_PROXIES`, addresses or networks): walking from the nearest hop outwards,
the first address that is not a trusted proxy is the client. With no trusted proxies configured
the header is ignored.

(django-ipware, which django-axes can use, matches proxies by their position at the end of the
header and never asks whether the connection itself came from a proxy; nginx and Caddy append the
address they saw rather than their own, so that model does not fit and a forged header from a
direct connection would be believed.)
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(entries: list[str] | tuple[str, ...]) -> tuple[Network, ...]:
    """The trusted proxies as networks; a bare address is a network of one. Raises ValueError
    naming the entry that is neither."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network") from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return parse_networks(entries)


def _address(text: str) -> Address | None:
    text = text.strip().strip("[]")
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    peer = _address(str(request.META.get("REMOTE_ADDR") or ""))
    if peer is None:
        return None
    trusted = _trusted(tuple(getattr(settings, "TAUT_TRUSTED_PROXIES", ())))
    forwarded = str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
    hop = peer
    for text in reversed(forwarded):
        if not any(hop in network for network in trusted):
            break
        earlier = _address(text)
        if earlier is None:
            break
        hop = earlier
    return str(hop)
