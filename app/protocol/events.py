"""An event as each recipient sees it, serialised once however many sockets receive it.

Someone else's private event becomes a ``hidden`` one (seq stays contiguous for everyone
without revealing what happened); a phase event travels with the server's clock, since
its times are read against it, so its text is made per send. In an anonymous workshop
people are redacted here for each viewer (app.protocol.anonymity): one text for everyone
the event does not mention, one per viewer it does.
"""

from __future__ import annotations

from app.eventlog import StoredEvent
from app.principal import Principal
from app.protocol import anonymity
from app.protocol.server import EventFrame


class OutgoingEvent:
    __slots__ = ("_anonymous", "_full", "_hidden", "event")

    def __init__(self, event: StoredEvent) -> None:
        self.event = event
        self._full: str | None = None
        self._hidden: str | None = None
        self._anonymous: str | None = None

    def text_for(self, who: Principal, server_now: float) -> str:
        ev = self.event
        if not who.may_see(ev.private_to):
            if self._hidden is None:
                self._hidden = EventFrame(room=ev.room, seq=ev.seq, kind="hidden", data={},
                                          op_id=None, by="").text()
            return self._hidden
        if who.anonymous:
            return self._anonymous_text(who, server_now)
        if ev.kind.startswith("phase"):
            return event_frame(ev, server_now).text()
        if self._full is None:
            self._full = event_frame(ev).text()
        return self._full


    def _anonymous_text(self, who: Principal, server_now: float) -> str:
        ev = self.event
        own = ev.by == who.id or anonymity.mentions(ev.data, who.id)
        if not own and self._anonymous is not None and not ev.kind.startswith("phase"):
            return self._anonymous
        data = anonymity.redact_roster(ev.data, who) if ev.kind == "roster" \
            else anonymity.redact(ev.data, who)
        by = ev.by if ev.by == who.id or not anonymity.is_person(ev.by) else ""
        text = EventFrame(room=ev.room, seq=ev.seq, kind=ev.kind, data=data, op_id=ev.op_id,
                          by=by, server_now=server_now if ev.kind.startswith("phase")
                          else None).text()
        if not own and not ev.kind.startswith("phase"):
            self._anonymous = text
        return text


def event_frame(ev: StoredEvent, server_now: float | None = None) -> EventFrame:
    return EventFrame(room=ev.room, seq=ev.seq, kind=ev.kind, data=ev.data, op_id=ev.op_id,
                      by=ev.by, server_now=server_now)
