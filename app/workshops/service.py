"""Workshops and people: creating a workshop, joining, the roster, groups, settings, reports.

Every change is one transaction that also appends a ``roster`` (or ``phase``) event to
the workshop room, then published.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from app import eventlog
from app.board import cluster_store
from app.board import store as board_store
from app.board.vote_service import report_votes
from app.db import Database
from app.errors import OpError
from app.eventlog import Publisher, StoredEvent
from app.i18n import DEFAULT_LANGUAGE, Language
from app.i18n.catalogue import parse_language
from app.phases import store as phase_store
from app.phases.service import PhaseService
from app.phases.templates import Template
from app.phases.timing import PhaseEvent, timing_record
from app.principal import FACILITATOR_ID, workshop_room
from app.protocol import anonymity
from app.workshops import cluster_export, library, store, vote_export
from app.workshops.export import build_report

Clock = Callable[[], float]


class WorkshopService:
    def __init__(self, db: Database, publisher: Publisher, templates: dict[str, Template],
                 phases: PhaseService, clock: Clock, max_groups: int) -> None:
        self._db = db
        self._publisher = publisher
        self._templates = templates
        self._phases = phases
        self._clock = clock
        self.max_groups = max_groups

    def template(self, key: str) -> Template:
        """The template ``key``; OpError naming the known ones if there is none."""
        template = self._templates.get(key)
        if template is None:
            known = ", ".join(sorted(self._templates))
            raise OpError("invalid", f"Unknown template {key!r}; choose one of: {known}.")
        return template

    async def create(self, template_key: str, title: str, group_count: int,
                     minutes: dict[str, int], auto_advance: bool, *,
                     anonymous: bool = False,
                     language: str = "en",
                     copy: Template | None = None) -> tuple[dict[str, Any], str]:
        """A new workshop; returns (its row, the facilitator's token). ``copy``: the
        workshop's own copy of a saved template (app.workshops.library), stored with it."""
        template = copy or self.template(template_key)
        self._check_group_count(group_count)
        now = self._clock()

        def create(conn: Connection) -> tuple[dict[str, Any], str]:
            # Its default title and group names in the workshop's language.
            local = template.localized(parse_language(language) or DEFAULT_LANGUAGE)
            row, token = store.create_workshop(conn, local, title, group_count, minutes,
                                               auto_advance, now, anonymous=anonymous,
                                               language=language)
            if copy is not None:
                library.insert_copy(conn, copy, row["id"], now)
            return row, token

        return await self._db.write(create)

    async def find(self, code: str) -> dict[str, Any] | None:
        return await self._db.read(lambda conn: store.find_workshop(conn, code))

    async def find_participant(self, workshop: dict[str, Any],
                               token: str) -> dict[str, Any] | None:
        return await self._db.read(
            lambda conn: store.find_participant(conn, workshop["id"], token))

    async def info(self, workshop: dict[str, Any]) -> dict[str, Any]:
        """What anyone with the code may see: title, template, phase, groups."""
        groups = await self.roster(workshop)
        template = self._templates[workshop["template"]]
        return {
            "id": workshop["id"], "code": workshop["code"], "title": workshop["title"],
            "template": template.key,
            "template_title": template.localized(
                parse_language(workshop["language"]) or DEFAULT_LANGUAGE).title,
            "state": workshop["status"], "phase": self._phases.view(workshop),
            # What "leave and erase me" does to a participant's notes: everyone may know.
            "erase_notes": workshop["erase_notes"],
            # Whether names stay on the server (app.protocol.anonymity): joiners may know.
            "anonymous": workshop["anonymous"],
            # The facilitator's default language (app.i18n): the screen's and a page's default.
            "language": workshop["language"],
            "server_now": self._clock(),
            "groups": [{"id": g["id"], "name": g["name"], "size": len(g["members"])}
                       for g in groups["groups"]],
        }

    async def roster(self, workshop: dict[str, Any]) -> dict[str, Any]:
        """The roster as the facilitator sees it (numbered, not named, when anonymous)."""
        people = await self._db.read(lambda conn: store.roster(conn, workshop["id"]))
        return anonymity.redact_roster(people, anonymity.facilitator_view(workshop))

    async def join(self, workshop: dict[str, Any], name: str,
                   group_id: int | None) -> tuple[dict[str, Any], str]:
        """Add a participant; returns (their row, their token)."""
        now = self._clock()
        person, token, event = await self._db.write(
            lambda conn: store.join(conn, workshop, name, group_id, now))
        await self._publisher.publish([event])
        return person, token

    async def rename_group(self, workshop: dict[str, Any], group_id: int, name: str) -> None:
        now = self._clock()
        event = await self._db.write(
            lambda conn: store.rename_group(conn, workshop["id"], group_id, name, now))
        await self._publisher.publish([event])

    async def set_group_count(self, workshop: dict[str, Any], count: int) -> None:
        self._check_group_count(count)
        now = self._clock()
        event = await self._db.write(
            lambda conn: store.set_group_count(conn, workshop, count, now))
        await self._publisher.publish([event])
        await self._publisher.rejoin(workshop_room(workshop["id"]), None)

    async def update_settings(self, workshop: dict[str, Any], minutes: dict[str, int] | None,
                              auto_advance: bool | None, title: str | None, *,
                              erase_notes: str | None = None,
                              language: str | None = None) -> dict[str, Any]:
        now = self._clock()
        template = self._templates[workshop["template"]]

        def change(conn: Connection) -> tuple[dict[str, Any], StoredEvent]:
            store.set_settings(conn, workshop, template, minutes, auto_advance, title,
                               erase_notes, language)
            updated = store.get_workshop(conn, workshop["id"])
            assert updated is not None
            return updated, eventlog.append_next(conn, workshop_room(workshop["id"]), "phase",
                                                 self._phases.view(updated), op_id=None,
                                                 by=FACILITATOR_ID, at=now)

        updated, event = await self._db.write(change)
        await self._publisher.publish([event])
        self._phases.on_deadline_change()
        return updated

    async def report(self, workshop: dict[str, Any], names: bool,
                     lang: Language | None = None) -> dict[str, Any]:
        """Everything every group wrote, as the facilitator sees it; headings and the
        activity's texts in ``lang`` (default: the workshop's language)."""
        def read(conn: Connection) -> tuple[dict[str, Any], dict[str, Any], list[PhaseEvent],
                                            list[dict[str, Any]]]:
            people = store.roster(conn, workshop["id"])
            boards = {g["room"]: {"notes": board_store.room_notes(conn, g["room"]),
                                  "fields": board_store.room_fields(conn, g["room"])}
                      for g in people["groups"]}
            return people, boards, phase_store.phase_events(conn, workshop["id"]), \
                cluster_store.workshop_clusters(conn, workshop["id"])

        people, boards, phase_events, clusters = await self._db.read(read)
        language = lang or parse_language(workshop["language"]) or DEFAULT_LANGUAGE
        template = self._templates[workshop["template"]].localized(language)
        timing = timing_record(phase_events, template, workshop["minutes"], self._clock())
        if workshop["anonymous"]:
            # One redaction for every format (app.protocol.anonymity.report_view).
            people, boards = anonymity.report_view(workshop, people, boards)
            names = True
        report = build_report(workshop, template, people, boards, timing, names=names,
                              language=language)
        report["synthesis"] = cluster_export.synthesis(template, people, boards, clusters)
        rounds = await self._db.read(lambda conn: report_votes(conn, workshop["id"]))
        if rounds:  # closed votes only: counts never show while a vote is open
            report["votes"] = vote_export.results(template, people, boards, rounds)
        return report

    def _check_group_count(self, count: int) -> None:
        if not 1 <= count <= self.max_groups:
            raise OpError("invalid", f"A workshop has between 1 and {self.max_groups} groups.")
