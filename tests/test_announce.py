"""What `flipchart serve` prints: addresses people in the room can open."""

from __future__ import annotations

import pytest

from app import cli, network
from app.cli import announce
from app.network import is_loopback_url, lan_addresses


def test_serving_every_interface_lists_the_lan_addresses_phones_can_use(
    capsys: pytest.CaptureFixture[str],
) -> None:
    announce("0.0.0.0", 8123, None)
    out = capsys.readouterr().out
    for address in lan_addresses():
        assert f"http://{address}:8123" in out
    assert "127.0.0.1:8123" in out


def test_every_lan_address_is_announced_and_none_found_is_said(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The test above runs its loop only on a machine with a network; this one always."""
    monkeypatch.setattr(cli, "lan_addresses", lambda: ["192.168.1.20", "10.0.0.7"])
    announce("0.0.0.0", 8123, None)
    out = capsys.readouterr().out
    assert "phones and laptops in the room: http://192.168.1.20:8123" in out
    assert "phones and laptops in the room: http://10.0.0.7:8123" in out
    assert out.index("192.168.1.20") < out.index("10.0.0.7")
    assert "no network address found" not in out
    monkeypatch.setattr(cli, "lan_addresses", lambda: [])
    announce("0.0.0.0", 8123, None)
    out = capsys.readouterr().out
    assert "no network address found" in out and "http://127.0.0.1:8123" in out


def test_lan_addresses_skip_loopback_and_put_private_ones_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    addresses = {"lo": "127.0.0.1", "eth0": "81.2.69.160", "wlan0": "192.168.1.20",
                 "docker0": None}
    monkeypatch.setattr(network, "_interfaces",
                        lambda: list(enumerate(addresses, start=1)))
    monkeypatch.setattr(network, "_ipv4_of", addresses.get)
    monkeypatch.setattr(network, "_primary_address", lambda: "192.168.1.20")
    assert network.lan_addresses() == ["192.168.1.20", "81.2.69.160"]
    assert all(not is_loopback_url(f"http://{a}") for a in network.lan_addresses())


def test_serving_loopback_only_says_how_to_let_phones_in(
    capsys: pytest.CaptureFixture[str],
) -> None:
    announce("127.0.0.1", 8000, None)
    out = capsys.readouterr().out
    assert "http://127.0.0.1:8000" in out and "HOST=0.0.0.0" in out


def test_a_public_url_is_what_it_announces(capsys: pytest.CaptureFixture[str]) -> None:
    announce("0.0.0.0", 8000, "https://flip.example.org")
    assert "https://flip.example.org" in capsys.readouterr().out


def test_loopback_urls_are_recognised() -> None:
    assert is_loopback_url("http://127.0.0.1:8000/j/ABC")
    assert is_loopback_url("http://localhost:8000")
    assert is_loopback_url("http://[::1]:8000")
    assert not is_loopback_url("http://192.168.1.20:8000")
    assert not is_loopback_url("https://flip.example.org")
    assert all(not is_loopback_url(f"http://{a}") for a in lan_addresses())
