"""Which address a request comes from, for the per-address throttles.

The peer of the connection, unless the peer is one of ``FLIPCHART_TRUSTED_PROXIES``: then
the right-most address of ``X-Forwarded-For`` that is not itself a trusted proxy (what the
last trusted proxy saw; everything left of it the client may have made up). This rule is
the only one: ``flipchart serve`` gives uvicorn the same list (app/cli.py), and the test
servers do the same.

IPv6 addresses count per /64: one subscriber usually holds a whole /64.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
UNKNOWN = "unknown"


def parse_networks(entries: Iterable[str]) -> list[Network]:
    """IPs or CIDRs (``10.0.0.0/8``, ``::1``); a ValueError names a bad entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"not an IP address or network: {entry!r}") from exc
    return networks


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def throttle_key(address: Address) -> str:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class TrustedProxies:
    def __init__(self, entries: Iterable[str]) -> None:
        self.networks = parse_networks(entries)

    def trusts(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def client(self, peer: str | None, forwarded_for: Iterable[str]) -> str:
        """The throttle key of the client behind ``peer``, given its X-Forwarded-For headers."""
        address = None if peer is None else _address(peer)
        if address is None:
            return UNKNOWN if not peer else peer[:64]
        if not self.networks or not self.trusts(address):
            return throttle_key(address)
        hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
        for hop in reversed(hops):
            forwarded = _address(hop)
            if forwarded is None:
                return hop.strip()[:64]  # no address, so no proxy of ours: as uvicorn does
            address = forwarded
            if not self.trusts(address):
                break
        return throttle_key(address)
