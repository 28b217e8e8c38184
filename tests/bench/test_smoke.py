"""The benchmark's peer scenario runs end to end: `bench/run.py --quick --only peer`, made
tiny, starts Flipchart and Hocuspocus and gives a result for each (bench/README.md).

Skipped where the peer cannot run: no Node.js, bench/peer's npm packages not installed
(`npm ci` in bench/peer), or the bench extra missing (picows, pycrdt). About 15 s.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PEER = ROOT / "bench" / "peer" / "node_modules" / "@hocuspocus"


def test_quick_peer_starts_both_servers_and_gives_a_result(tmp_path: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not (PEER / "server").is_dir() or not (PEER / "extension-sqlite").is_dir():
        pytest.skip("bench/peer's npm packages are not installed (npm ci in bench/peer)")
    for module in ("picows", "pycrdt", "uvloop"):
        if importlib.util.find_spec(module) is None:
            pytest.skip(f"the bench extra is not installed ({module})")
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--only", "peer",
         "--rooms", "2", "--clients", "3", "--rates", "20", "--step-seconds", "1.5",
         "--drain-seconds", "1", "--out", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    [result_file] = tmp_path.glob("*.json")
    peer = json.loads(result_file.read_text())["peer"]
    assert "skipped" not in peer, peer
    for server in ("flipchart", "hocuspocus"):
        assert "error" not in peer[server], peer[server]
        [step] = peer[server]["steps"]
        assert step["offered_ops_per_s"] == 20
        # every op reached the 2 other members of its room
        assert step["deliveries"] > 0
        assert step["delivered_fraction"] == 1.0
    assert peer["summary"]["flipchart_rate"] == 20
    assert peer["summary"]["hocuspocus_rate"] == 20
    assert "Peer: Flipchart against Hocuspocus" in (tmp_path / "latest.md").read_text()
