"""Where people can reach this server: its LAN addresses, and whether a URL is loopback."""

from __future__ import annotations

import fcntl
import ipaddress
import socket
import struct
from urllib.parse import urlsplit

_SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


def lan_addresses() -> list[str]:
    """The IPv4 addresses of this machine's non-loopback interfaces, best first."""
    found: list[str] = []
    for _, name in _interfaces():
        address = _ipv4_of(name)
        if address and not ipaddress.ip_address(address).is_loopback and address not in found:
            found.append(address)
    primary = _primary_address()
    if primary and primary not in found:
        found.insert(0, primary)
    # Private ranges first: that is where phones in the same room are.
    return sorted(found, key=lambda a: not ipaddress.ip_address(a).is_private)


def is_loopback_url(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _interfaces() -> list[tuple[int, str]]:
    try:
        return socket.if_nameindex()
    except OSError:
        return []


def _ipv4_of(interface: str) -> str | None:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            packed = struct.pack("256s", interface.encode()[:15])
            answer = fcntl.ioctl(sock.fileno(), _SIOCGIFADDR, packed)
    except OSError:
        return None
    return socket.inet_ntoa(answer[20:24])


def _primary_address() -> str | None:
    # Connecting a UDP socket sends nothing; it only asks the kernel which address
    # would carry traffic off this machine.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.connect(("192.0.2.1", 9))
            address: str = sock.getsockname()[0]
    except OSError:
        return None
    return None if ipaddress.ip_address(address).is_loopback else address
