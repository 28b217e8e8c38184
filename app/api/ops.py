"""The op registry: each op kind, the model its frame is parsed with, and its handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple, get_args

from app.errors import OpError
from app.principal import Principal, workshop_room
from app.protocol import client
from app.protocol.client import PhaseActionOp, PhaseExtendOp, SpotlightOp
from app.services import Services

Handler = Callable[[Services, Principal, Any], Awaitable[int]]


class Route(NamedTuple):
    model: type[client.OpFrame]
    handler: Handler


async def board_op(services: Services, who: Principal, op: client.BoardOp) -> int:
    return await services.board.apply(who, op)


def _check_facilitator(who: Principal, room: str) -> None:
    if who.role != "facilitator":
        raise OpError("forbidden", "Only the facilitator runs the phases.")
    if room != workshop_room(who.workshop_id):
        raise OpError("forbidden", "Phase actions go to your workshop's room.")


async def phase_action(services: Services, who: Principal,
                       op: PhaseActionOp | PhaseExtendOp) -> int:
    _check_facilitator(who, op.room)
    action = op.kind.removeprefix("phase.")
    seconds = op.data.seconds if isinstance(op, PhaseExtendOp) else None
    _, seq = await services.phases.act(who.workshop_id, action,  # type: ignore[arg-type]
                                       seconds, who.id, op.op_id, base=op.data.base)
    return seq


async def cluster_op(services: Services, who: Principal, op: client.ClusterOp) -> int:
    return await services.clusters.apply(who, op)


async def spotlight(services: Services, who: Principal, op: SpotlightOp) -> int:
    _check_facilitator(who, op.room)
    return await services.phases.spotlight(who.workshop_id, op.data.group_id, op.op_id)


async def vote(services: Services, who: Principal, op: client.VoteOp) -> int:
    return await services.votes.vote(who, op)


async def group_signal(services: Services, who: Principal,
                       op: client.GroupReadyOp | client.GroupHelpOp) -> int:
    room = workshop_room(who.workshop_id)
    # Everyone online in the workshop: its room's presence, merged across processes.
    return await services.signals.signal(
        who, op, lambda: [m.id for m in services.hub.members(room)])


async def votes_open(services: Services, who: Principal, op: client.VotesOpenOp) -> int:
    _check_facilitator(who, op.room)
    return await services.votes.open(who.workshop_id, op.data.per_person, op.data.sections,
                                     op.op_id)


async def votes_close(services: Services, who: Principal, op: client.VotesCloseOp) -> int:
    _check_facilitator(who, op.room)
    return await services.votes.close(who.workshop_id, op.op_id)


def _routes() -> dict[str, Route]:
    handlers: dict[type[client.OpFrame], Handler] = {
        **{model: board_op for model in get_args(client.BoardOp)},
        PhaseActionOp: phase_action, PhaseExtendOp: phase_action, SpotlightOp: spotlight,
        client.VoteOp: vote, client.GroupReadyOp: group_signal, client.GroupHelpOp: group_signal,
        client.VotesOpenOp: votes_open, client.VotesCloseOp: votes_close,
        **{model: cluster_op for model in get_args(client.ClusterOp)},
    }
    return {kind: Route(model, handler) for model, handler in handlers.items()
            for kind in get_args(model.model_fields["kind"].annotation)}


OPS = _routes()


async def run_op(services: Services, who: Principal, op: client.OpFrame) -> int:
    """Run a parsed op; returns the seq to acknowledge."""
    # The one gate that keeps read-only principals (a screen, a facilitator's view of a
    # group) from writing: every op kind passes here, so the services need not each ask.
    if who.role == "screen":
        raise OpError("forbidden", "The screen is read-only.")
    return await OPS[op.kind].handler(services, who, op)
