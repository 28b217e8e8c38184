"""Text frames written straight to uvicorn's WebSocket transport, several in one write.

Through ASGI every frame makes its own trip through Starlette, uvicorn and websockets
and ends in its own send() system call. A board op goes out as about ten frames, and
under load those calls were a quarter of the server's time. On uvicorn's
websockets-sansio protocol the app frames what it has queued itself and hands it to the
transport in one write: the sender's event and its ack, or a backlog, cost one system
call; an event for an idle socket is framed once and written to each such socket as it
is published (``DirectLine.write_now``). The frames are the same whole, unmasked
text frames in the same order that uvicorn would have written. A connection that
negotiated compression, or any other server, gets the plain ASGI path
(``DirectLine.under`` returns None).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

_FIN_TEXT = 0x81  # a final frame, opcode 1 (text)
# A catch-up of many frames goes out in writes of about this size, each one waiting
# for room in the transport's buffer.
MAX_WRITE = 64 * 1024
_PROTOCOL_ATTRIBUTES = ("writable", "close_sent", "disconnected", "conn", "transport")


class LineClosed(ConnectionError):
    """The socket is closing or gone: nothing more may be written to it."""


def append_text_frame(out: bytearray, text: str) -> None:
    """Append one server-to-client (so unmasked) WebSocket text frame (RFC 6455, 5.2)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        out += bytes((_FIN_TEXT, size))
    elif size < 1 << 16:
        out += struct.pack("!BBH", _FIN_TEXT, 126, size)
    else:
        out += struct.pack("!BBQ", _FIN_TEXT, 127, size)
    out += payload


def text_frame(text: str) -> bytes:
    """One whole server-to-client text frame."""
    return text_frames((text,))


def text_frames(texts: Iterable[str]) -> bytes:
    """Whole server-to-client text frames one after another, for one write."""
    out = bytearray()
    for text in texts:
        append_text_frame(out, text)
    return bytes(out)


class DirectLine:
    """The transport under one uvicorn WebSocket, for the frames the app writes itself."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def under(cls, send: Callable[..., Any]) -> DirectLine | None:
        """The line under an ASGI ``send``, if it is uvicorn's websockets-sansio protocol
        on an uncompressed connection (frames written here are never compressed)."""
        protocol = getattr(send, "__self__", None)
        if not isinstance(protocol, WebSocketsSansIOProtocol):
            return None
        # uvicorn's own attributes: a version without them gets the ASGI path.
        if not all(hasattr(protocol, name) for name in _PROTOCOL_ATTRIBUTES):
            return None
        if protocol.conn.extensions:
            return None
        return cls(protocol)

    async def write(self, texts: list[str]) -> None:
        """Write these frames in order, a write per MAX_WRITE bytes or so; raises
        LineClosed once the socket is closing.

        Before each write it waits while the transport's buffer is full, as uvicorn's
        send does, so a client that stops reading holds back a catch-up too.
        """
        protocol = self._protocol
        chunk = bytearray()
        for text in texts:
            append_text_frame(chunk, text)
            if len(chunk) >= MAX_WRITE:
                await self._write(protocol, chunk)
                chunk = bytearray()
        if chunk:
            await self._write(protocol, chunk)

    def write_now(self, frame: bytes) -> bool:
        """Write one framed message at once if the transport has room and the socket is
        open; False (nothing written) otherwise."""
        protocol = self._protocol
        if not protocol.writable.is_set() or not _is_open(protocol):
            return False
        protocol.transport.write(frame)
        return True

    @staticmethod
    async def _write(protocol: WebSocketsSansIOProtocol, data: bytearray) -> None:
        if not protocol.writable.is_set():
            await protocol.writable.wait()
        if not _is_open(protocol):
            raise LineClosed("the socket is closing")
        protocol.transport.write(data)


def _is_open(protocol: WebSocketsSansIOProtocol) -> bool:
    """Neither side has begun to close, so a data frame may still be written."""
    return not (protocol.close_sent or protocol.disconnected
                or protocol.conn.state is not State.OPEN)
