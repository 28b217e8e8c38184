"""Settings read from the environment (``FLIPCHART_*``), with defaults that run out of the box."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

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
    ops_per_second: float = 20.0
    ops_burst: int = 60
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


@lru_cache
def get_settings() -> Settings:
    return Settings()
