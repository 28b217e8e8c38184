"""A bare FastAPI/uvicorn broadcast server: the benchmark's baseline.

``GET /ws/{room}`` (WebSocket): every text frame a socket sends is relayed, unchanged, to
every *other* socket in the same room. No hello, no validation, no database, no
sequencing. Each socket has its own unbounded send queue and writer task, so one slow
reader does not stall the relay (Flipchart also queues per socket).

    python bench/baseline_server.py --port 8765
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from app.gc_tuning import tune_collector

app = FastAPI()
ROOMS: dict[str, set[Any]] = {}


class Member:
    def __init__(self, ws: WebSocket) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()

    async def writer(self) -> None:
        try:
            while True:
                text = await self.queue.get()
                if text is None:
                    return
                await self.ws.send_text(text)
        except Exception:  # noqa: BLE001 - a closed socket ends its writer
            return


@app.get("/healthz")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@app.websocket("/ws/{room}")
async def relay(ws: WebSocket, room: str) -> None:
    await ws.accept()
    me = Member(ws)
    members = ROOMS.setdefault(room, set())
    members.add(me)
    writer = asyncio.create_task(me.writer())
    try:
        while True:
            text = await ws.receive_text()
            for other in members:
                if other is not me:
                    other.queue.put_nowait(text)
    except WebSocketDisconnect:
        pass
    finally:
        members.discard(me)
        if not members:
            ROOMS.pop(room, None)
        me.queue.put_nowait(None)
        await asyncio.gather(writer, return_exceptions=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log-level", default="warning")
    args = parser.parse_args()
    # Flipchart's collector settings: with CPython's defaults the baseline's loop stalled
    # now and then and missed steps it could hold. A process setting either server can
    # have, so the ratio compares the apps, not it.
    tune_collector()
    uvicorn.run(app, host=args.host, port=args.port, log_level=args.log_level,
                # The same WebSocket settings as `flipchart serve`, so only the app differs.
                ws_max_size=64 * 1024, ws_per_message_deflate=False)


if __name__ == "__main__":
    main()
