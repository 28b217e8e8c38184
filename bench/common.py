"""What the benchmark's scenarios share: a free port, a script run for its ``RESULT`` line,
and how a figure is written in bench/results/latest.md."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_for_result(script: Path, cfg: dict[str, Any], timeout: float,
                   what: str = "") -> dict[str, Any]:
    """Runs ``script`` as a process of its own with ``cfg`` in a JSON file as its argument;
    the object of the ``RESULT {json}`` line it prints, or ``{"error": …}``. Its stderr goes
    to ours (only the end of it when it failed)."""
    what = what or f"bench/{script.name}"
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(cfg, f)
        path = f.name
    try:
        proc = subprocess.run([sys.executable, str(script), path], cwd=ROOT,
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"{what} did not finish within {timeout:.0f} s"}
    finally:
        os.unlink(path)
    sys.stderr.write(proc.stderr[-4000:] if proc.returncode else proc.stderr)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            result: dict[str, Any] = json.loads(line[7:])
            return result
    return {"error": f"{what} exited {proc.returncode}", "stderr": proc.stderr[-2000:]}


def fmt(v: Any, unit: str = "") -> str:
    """A figure for a report table: – when missing, floats to 3 significant-ish digits."""
    if v is None:
        return "–"
    if isinstance(v, float):
        v = f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
    return f"{v}{unit}"
