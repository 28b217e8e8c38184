"""What `flipchart serve` prints: addresses people in the room can open."""

from __future__ import annotations

import pytest

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
