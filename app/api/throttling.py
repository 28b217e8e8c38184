"""The per-address throttles at the door: who may create a workshop (the organiser key, a
number per address and window), and the lock-out of an address that guesses join codes.

A code look-up that finds nothing is a miss; after ``code_misses_free`` of them, each
further miss locks the address out for twice as long as the last. While locked out, every
code look-up from the address is answered 429 (a hit too: otherwise a 200 among the 429s
would still tell a guesser what exists), except for someone whose token opens the workshop.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, Header, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.requests import HTTPConnection

from app.auth import bearer_token, is_facilitator
from app.errors import OpError
from app.http import op_error_handler
from app.services import Services
from app.throttle import RateLimited, say_duration

ORGANISER_KEY_HEADER = "X-Organiser-Key"


def client_key(connection: HTTPConnection, services: Services) -> str:
    """The throttle key of whoever sent this request or opened this socket."""
    peer = connection.client.host if connection.client is not None else None
    return services.throttles.proxies.client(peer, connection.headers.getlist("x-forwarded-for"))


async def rate_limited_handler(request: Request, exc: Exception) -> JSONResponse:
    """The app's error answer (app.http), with ``Retry-After`` in seconds."""
    assert isinstance(exc, RateLimited)
    response = await op_error_handler(request, exc)
    response.headers["Retry-After"] = str(exc.retry_after)
    return response


def code_lockout(seconds: float) -> RateLimited:
    return RateLimited(f"Too many codes that do not exist were tried from your network. "
                       f"Try again {say_duration(seconds)}.", seconds)


async def workshop_or_miss(request: Request, services: Services, code: str | None
                           ) -> dict[str, Any] | None:
    """The workshop with this (normalised) code, or None, counted as a miss for the address.
    Raises RateLimited while the address is locked out, unless the request's bearer token
    opens the workshop."""
    throttle = services.throttles.code_misses
    key = client_key(request, services)
    locked = throttle.locked(key)
    workshop = None if code is None else await services.workshops.find(code)
    if locked is not None:
        if workshop is None or not await _token_opens(request, services, workshop):
            raise code_lockout(locked)
        return workshop
    if workshop is None:
        throttle.miss(key)
    return workshop


async def _token_opens(request: Request, services: Services, workshop: dict[str, Any]) -> bool:
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        return False
    return is_facilitator(workshop, token) \
        or await services.workshops.find_participant(workshop, token) is not None \
        or await services.moderation.find_co_facilitator(workshop, token) is not None


async def creation_allowed(
        request: Request,
        x_organiser_key: Annotated[str | None, Header(
            description="The server's organiser key, when it has one (GET /api/limits: "
            "organiser_key_required).")] = None) -> None:
    """Every attempt counts against the address's workshops per window, then the key."""
    services: Services = request.app.state.services
    settings = services.settings
    wait = services.throttles.creations.take(client_key(request, services))
    if wait is not None:
        raise RateLimited(f"Too many workshops were created from your network "
                          f"({settings.workshops_per_address} per "
                          f"{say_duration(settings.workshops_window_seconds)[3:]}). "
                          f"Try again {say_duration(wait)}.", wait)
    if settings.organiser_key is None or not settings.organiser_key_required:
        return
    if not x_organiser_key:
        raise HTTPException(401, detail="This server needs its organiser key to create a "
                            f"workshop: send it in the {ORGANISER_KEY_HEADER} header.")
    expected = settings.organiser_key.get_secret_value().encode()
    if not hmac.compare_digest(x_organiser_key.encode(), expected):
        raise OpError("forbidden", "This organiser key is not the server's. Ask whoever "
                      "runs the server for the right one.")


CreationAllowed = Depends(creation_allowed)
