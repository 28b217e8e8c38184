"""The app's services, built once per process and shared by every endpoint."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.auth import Authenticator
from app.board.cluster_service import ClusterService
from app.board.service import BoardService
from app.board.vote_service import VoteService
from app.config import Settings
from app.db import Database
from app.phases.service import PhaseService
from app.phases.templates import Template
from app.realtime.hub import Hub
from app.realtime.limits import PrincipalLimits
from app.throttle import Throttles, build_throttles
from app.workshops import library
from app.workshops.catch_up import CatchUp
from app.workshops.library import TemplateCatalogue, TemplateLibrary
from app.workshops.lifecycle import LifecycleService
from app.workshops.moderation_service import ModerationService
from app.workshops.screens import ScreenService
from app.workshops.service import WorkshopService
from app.workshops.signal_service import SignalService, phase_change_hook, roster_event


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Callable[[], float]
    templates: dict[str, Template]
    db: Database
    hub: Hub
    auth: Authenticator
    board: BoardService
    clusters: ClusterService
    phases: PhaseService
    workshops: WorkshopService
    catch_up: CatchUp
    screens: ScreenService
    lifecycle: LifecycleService
    moderation: ModerationService
    votes: VoteService
    signals: SignalService
    # Saved templates and workshops' copies (app.workshops.library).
    library: TemplateLibrary
    # In memory, per process: per-address throttles, and each principal's sockets and ops.
    throttles: Throttles
    principals: PrincipalLimits


def build_services(settings: Settings, clock: Callable[[], float],
                   templates: dict[str, Template], db: Database, hub: Hub) -> Services:
    # Every service looks a workshop's template up in this one mapping, copies included.
    templates = catalogue = TemplateCatalogue(
        templates, lambda key: db.read_blocking(lambda conn: library.load(conn, key)))
    board = BoardService(db, hub, templates, clock, settings.max_notes_per_board)
    phases = PhaseService(db, hub, templates, clock, reveal=board.reveal)
    votes = VoteService(db, hub, templates, clock, roster_event)
    signals = SignalService(db, hub, templates, phases, clock)
    phases.on_phase_change = phase_change_hook(votes, signals)
    return Services(
        settings=settings, clock=clock, templates=templates, db=db, hub=hub,
        auth=Authenticator(db, clock), board=board, phases=phases,
        clusters=ClusterService(db, hub, clock),
        workshops=WorkshopService(db, hub, templates, phases, clock, settings.max_groups),
        catch_up=CatchUp(db, phases, clock, settings.replay_limit),
        screens=ScreenService(db, hub, clock),
        lifecycle=LifecycleService(db, hub, clock, settings.retention_days),
        moderation=ModerationService(db, hub, clock),
        votes=votes, signals=signals,
        library=TemplateLibrary(db, catalogue, clock),
        throttles=build_throttles(settings, clock),
        principals=PrincipalLimits(settings.ops_per_second, settings.ops_burst,
                                   settings.sockets_per_participant, clock))
