"""Settings read from the environment (``FLIPCHART_*``), with defaults that run out of the box."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.client_address import parse_networks

DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FLIPCHART_", extra="ignore")

    database_url: str = f"sqlite:///{DATA_DIR / 'flipchart.db'}"
    redis_url: str | None = None
    # The address people open (behind a proxy, its public https URL). Unset, links and
    # QR codes use the address the facilitator's own request came in on.
    public_url: str | None = None
    # Origins allowed to open a WebSocket; the public URL's origin is always allowed.
    allowed_origins: list[str] = Field(default_factory=list)

    max_frame_bytes: int = 64 * 1024
    max_notes_per_board: int = 500
    max_groups: int = 20
    # Ops per participant (the facilitator, a screen): one token bucket for all of its
    # sockets in this process; and how many sockets it may hold open at once (a new one
    # closes the oldest with 4429).
    ops_per_second: float = 20.0
    ops_burst: int = 60
    sockets_per_participant: int = Field(5, ge=1)

    # Abuse resistance (README "Limits"). Set, creating a workshop needs the header
    # X-Organiser-Key with this value.
    organiser_key: SecretStr | None = None
    # Workshops one client address may create in a sliding window.
    workshops_per_address: int = Field(20, ge=1)
    workshops_window_seconds: float = Field(3600.0, gt=0)
    # Code look-ups (REST and socket hellos) that find nothing: this many are free; each
    # further one locks the address out for twice as long as the last, from the first
    # lock-out up to the cap. Misses are forgotten after the window without one.
    code_misses_free: int = Field(5, ge=0)
    code_lockout_first_seconds: float = Field(1.0, gt=0)
    code_lockout_max_seconds: float = Field(300.0, gt=0)
    code_miss_window_seconds: float = Field(900.0, gt=0)
    # Addresses each throttle remembers at most (in memory only, never stored).
    throttle_max_addresses: int = Field(10_000, ge=1)
    # Proxies (IPs or CIDRs, JSON list) whose X-Forwarded-For is believed.
    trusted_proxies: list[str] = Field(default_factory=list)
    send_queue_limit: int = 2000
    hello_timeout_seconds: float = 5.0
    # How far back the event log replays before a snapshot is cheaper.
    replay_limit: int = 1000
    scheduler_rescan_seconds: float = 5.0
    # Data lifecycle (app.workshops.retention): a workshop is deleted, with everything in
    # it, this many days after its last activity (for a closed one, its closing).
    retention_days: int = Field(default=30, ge=1)
    # How often each process looks for expired workshops (also once at start-up).
    retention_check_seconds: float = Field(default=24 * 3600, gt=0)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        parse_networks(value)  # a typo stops the start, with the entry named
        return value

    @property
    def organiser_key_required(self) -> bool:
        return self.organiser_key is not None and bool(self.organiser_key.get_secret_value())


@lru_cache
def get_settings() -> Settings:
    return Settings()
