"""The deployment files hold together, and unsafe multi-worker settings stop at start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from app.cli import serve_problem

ROOT = Path(__file__).resolve().parents[2]


def test_compose_runs_postgres_redis_two_app_replicas_and_a_proxy() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"postgres", "redis", "app1", "app2", "proxy"} <= set(services)
    for name in ("app1", "app2"):
        env = services[name]["environment"]
        assert env["FLIPCHART_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert env["FLIPCHART_REDIS_URL"].startswith("redis://redis:")
        assert services[name]["build"] == "."
    assert "8080:80" in services["proxy"]["ports"]
    assert (ROOT / "Dockerfile").exists()


def test_proxy_passes_websocket_upgrades_to_both_replicas() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server app1:8000;" in conf and "server app2:8000;" in conf
    assert "proxy_set_header Upgrade $http_upgrade;" in conf
    assert "proxy_set_header Connection $connection_upgrade;" in conf
    assert "proxy_http_version 1.1;" in conf


def test_several_workers_need_postgres_and_redis() -> None:
    sqlite = "sqlite:///data/x.db"
    postgres = "postgresql+psycopg://u@h/db"
    assert serve_problem(1, sqlite, None) is None
    assert "FLIPCHART_DATABASE_URL" in (serve_problem(2, sqlite, "redis://r") or "")
    assert "FLIPCHART_REDIS_URL" in (serve_problem(2, postgres, None) or "")
    assert serve_problem(4, postgres, "redis://r") is None


def test_serve_with_workers_on_sqlite_stops_with_a_message() -> None:
    result = subprocess.run([sys.executable, "-m", "app.cli", "serve", "--workers", "2"],
                            cwd=ROOT, capture_output=True, text=True, timeout=30,
                            env={"PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "FLIPCHART_DATABASE_URL" in result.stderr
