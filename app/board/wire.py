"""Text frames written straight to uvicorn's WebSocket transport, several in one write.

Through ASGI every frame makes its own trip through Starlette, uvicorn and websockets
and ends in its own send() system call. A board op goes out as about ten frames, and
under load those calls were a quarter of the server's time. On uvicorn's
websockets-sansio protocol a socket's writer frames what it has queued itself and hands
it to the transport in one write: the sender's event and its ack, or a backlog, cost one
system call. The frames are the same whole, unmasked text frames in the same order, so
a client cannot tell. Any other server gets the plain ASGI path (``DirectLine.under``
returns None).
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from typing import Any

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

_FIN_TEXT = 0x81  # a final frame, opcode 1 (text)


class LineClosed(ConnectionError):
    """The socket is closing or gone: nothing more may be written to it."""


def text_frame(text: str) -> bytes:
    """One server-to-client (so unmasked) WebSocket text frame (RFC 6455, 5.2)."""
    payload = text.encode()
    size = len(payload)
    if size < 126:
        header = bytes((_FIN_TEXT, size))
    elif size < 1 << 16:
        header = struct.pack("!BBH", _FIN_TEXT, 126, size)
    else:
        header = struct.pack("!BBQ", _FIN_TEXT, 127, size)
    return header + payload


class DirectLine:
    """The transport under one uvicorn WebSocket, for the frames the app writes itself."""

    __slots__ = ("_protocol",)

    def __init__(self, protocol: WebSocketsSansIOProtocol) -> None:
        self._protocol = protocol

    @classmethod
    def under(cls, send: Callable[..., Any]) -> DirectLine | None:
        """The line under an ASGI ``send``, if uvicorn's websockets-sansio protocol is it."""
        protocol = getattr(send, "__self__", None)
        if isinstance(protocol, WebSocketsSansIOProtocol):
            return cls(protocol)
        return None

    async def write(self, texts: list[str]) -> None:
        """Write these frames in order, in one write; raises LineClosed once closing."""
        protocol = self._protocol
        if not protocol.writable.is_set():
            # The transport's buffer is full: wait for it to drain, as uvicorn's send does.
            await protocol.writable.wait()
        if protocol.close_sent or protocol.disconnected or protocol.conn.state is not State.OPEN:
            raise LineClosed("the socket is closing")
        protocol.transport.write(b"".join([text_frame(text) for text in texts]))
