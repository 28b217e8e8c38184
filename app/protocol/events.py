"""An event as each recipient sees it, serialised once however many sockets receive it.

Someone else's private event becomes a ``hidden`` one (seq stays contiguous for everyone
without revealing what happened); a phase event travels with the server's clock, since
its times are read against it, so its text is made per send.
"""

from __future__ import annotations

from app.eventlog import StoredEvent
from app.principal import Principal
from app.protocol.server import EventFrame


class OutgoingEvent:
    __slots__ = ("_full", "_hidden", "event")

    def __init__(self, event: StoredEvent) -> None:
        self.event = event
        self._full: str | None = None
        self._hidden: str | None = None

    def text_for(self, who: Principal, server_now: float) -> str:
        ev = self.event
        if not who.may_see(ev.private_to):
            if self._hidden is None:
                self._hidden = EventFrame(room=ev.room, seq=ev.seq, kind="hidden", data={},
                                          op_id=None, by="").text()
            return self._hidden
        if ev.kind.startswith("phase"):
            return event_frame(ev, server_now).text()
        if self._full is None:
            self._full = event_frame(ev).text()
        return self._full


def event_frame(ev: StoredEvent, server_now: float | None = None) -> EventFrame:
    return EventFrame(room=ev.room, seq=ev.seq, kind=ev.kind, data=ev.data, op_id=ev.op_id,
                      by=ev.by, server_now=server_now)
