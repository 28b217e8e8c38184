"""The Redis pub/sub backplane: one subscriber connection per process, one channel per room.

A lost connection is retried with backoff; after it comes back, local sockets are told
to catch up from the event log, since whatever was published meanwhile is gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import redis.asyncio as redis
from redis.exceptions import RedisError

from app.realtime.backplane import Message, Receiver, ReconnectListener, messages

log = logging.getLogger(__name__)
PREFIX = "flipchart:room:"
CONTROL = "flipchart:control"
MAX_BACKOFF = 5.0


class RedisBackplane:
    def __init__(self, url: str) -> None:
        self._redis: Any = redis.from_url(url, socket_connect_timeout=2, socket_timeout=5,
                                          health_check_interval=10)
        self._rooms: set[str] = set()
        self._pubsub: Any = None
        self._receiver: Receiver | None = None
        self._on_reconnect: ReconnectListener | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self, receiver: Receiver, on_reconnect: ReconnectListener) -> None:
        self._receiver = receiver
        self._on_reconnect = on_reconnect
        self._task = asyncio.create_task(self._listen(), name="redis-backplane")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), timeout=5)

    async def publish(self, room: str, message: Message) -> None:
        try:
            await self._redis.publish(PREFIX + room, message.model_dump_json())
        except (RedisError, OSError) as exc:
            # A hint lost: receivers fill the gap from the event log on the next event or
            # when the backplane reconnects.
            log.warning("redis publish to %s failed: %r", room, exc)

    async def subscribe(self, room: str) -> None:
        self._rooms.add(room)
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.subscribe(PREFIX + room)

    async def unsubscribe(self, room: str) -> None:
        self._rooms.discard(room)
        if self._pubsub is not None:
            with contextlib.suppress(RedisError, OSError):
                await self._pubsub.unsubscribe(PREFIX + room)

    async def ping(self) -> None:
        await self._redis.ping()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._redis.aclose()

    async def _listen(self) -> None:
        backoff = 0.1
        first = True
        while True:
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
            try:
                await pubsub.subscribe(CONTROL, *(PREFIX + r for r in self._rooms))
                self._pubsub = pubsub
                self._ready.set()
                if not first and self._on_reconnect is not None:
                    self._on_reconnect()
                first = False
                backoff = 0.1
                while True:
                    message = await pubsub.get_message(timeout=1.0)
                    if message is None or self._receiver is None:
                        continue
                    channel = message["channel"]
                    channel = channel.decode() if isinstance(channel, bytes) else channel
                    if channel.startswith(PREFIX):
                        self._receiver(channel.removeprefix(PREFIX),
                                       messages.validate_json(message["data"]))
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("redis backplane lost (%r); retrying in %.1fs", exc, backoff)
                self._pubsub = None
                with contextlib.suppress(Exception):
                    await pubsub.aclose()
                await asyncio.sleep(backoff)
                backoff = min(MAX_BACKOFF, backoff * 2)
